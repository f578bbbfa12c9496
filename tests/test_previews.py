"""Hovering or focusing a glossary term or a link to another page shows what it points to.

On a lecture page of the built site, in headless Chromium with every request that would leave
127.0.0.1 blocked: a glossary term shows its definition, a link to a section of another page
shows that section's heading and first paragraph, by mouse and by keyboard focus (the link is
then described by the preview, for a screen reader); the page passes axe with a preview open;
and the preview scripts come from the site itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from builtsite import article, read_page, serve
from playwright.sync_api import Browser, Locator, Page
from test_browser import AXE_OPTIONS, Watcher, serious_violations

PAGE = "lecture/01-one-hot.html"


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


def links_of(site: Path, page: str) -> tuple[str, str]:
    """A glossary term's link and a link to a section of another page, as the page writes them."""
    anchors = [a.attrs.get("href", "") for a in article(read_page(site / page)).find_all("a")]
    term = next(h for h in anchors if "glossary.html#term-" in h)
    section = next(
        h
        for h in anchors
        if "#" in h
        and not h.startswith(("#", "http"))
        and "glossary.html" not in h
        and "_downloads" not in h
    )
    return term, section


def definition(site: Path, page: str, href: str) -> str:
    """The first words of what the link points to: a term's definition, a section's paragraph."""
    path, _, anchor = unquote(urljoin(page, href)).partition("#")
    element = read_page(site / path).find(id=anchor)
    if element is None:
        raise AssertionError(f"{path} has no element with the id {anchor}")
    if element.name == "dt":
        definition = element.find_next_sibling("dd")
        assert definition is not None, f"{path}#{anchor} is a term without a definition"
        return " ".join(definition.get_text().split())[:40]
    paragraph = element.find("p")
    assert paragraph is not None, f"{path}#{anchor} has no paragraph"
    return " ".join(paragraph.get_text().split())[:40]


def shown_tip(page: Page, link: Locator) -> tuple[str, str]:
    """The text of the preview that describes ``link``, once shown, and its element's id."""
    link.element_handle().wait_for_element_state("stable")
    page.wait_for_function(
        "(link) => link.getAttribute('aria-describedby')", arg=link.element_handle(), timeout=5000
    )
    described = link.get_attribute("aria-describedby")
    tip = page.locator(f"#{described} .tippy-content")
    tip.wait_for(state="visible", timeout=5000)
    return " ".join(tip.inner_text().split()), described


@pytest.fixture(scope="module")
def opened(browser: Browser, site_url: str) -> Iterator[tuple[Page, Watcher]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watcher = Watcher(site_url)
    watcher.attach(page)
    page.goto(site_url + PAGE, wait_until="load")
    page.wait_for_load_state("networkidle")
    yield page, watcher
    context.close()


@pytest.mark.parametrize("kind", ["term", "section"])
def test_hovering_a_link_previews_its_target(
    opened: tuple[Page, Watcher], built_site: Path, kind: str
) -> None:
    page, watcher = opened
    term, section = links_of(built_site, PAGE)
    href = term if kind == "term" else section
    link = page.locator(f'article.bd-article a[href="{href}"]').first
    link.hover()
    tip, described = shown_tip(page, link)
    expected = definition(built_site, PAGE, href)
    assert expected in tip, f"hovering {href} shows {tip[:200]!r}, not {expected!r}"
    page.mouse.move(0, 0)
    page.wait_for_selector(f"#{described}", state="detached", timeout=5000)
    assert not watcher.take()


@pytest.mark.parametrize("kind", ["term", "section"])
def test_focusing_a_link_previews_its_target_and_describes_it(
    opened: tuple[Page, Watcher], built_site: Path, kind: str
) -> None:
    page, watcher = opened
    term, section = links_of(built_site, PAGE)
    href = term if kind == "term" else section
    link = page.locator(f'article.bd-article a[href="{href}"]').first
    link.focus()
    tip, described = shown_tip(page, link)  # the link is described by its preview
    assert definition(built_site, PAGE, href) in tip
    assert page.locator(f"#{described}").count() == 1
    problems = serious_violations(page, AXE_OPTIONS, "with a preview open: ")
    assert not problems, "\n".join(problems)
    page.keyboard.press("Tab")  # moving on hides it (the next link may show its own)
    page.wait_for_selector(f"#{described}", state="detached", timeout=5000)
    page.evaluate("document.activeElement.blur()")
    assert not watcher.take()


def test_the_preview_scripts_come_from_the_site(built_site: Path) -> None:
    sources = [
        s.attrs.get("src", "")
        for s in read_page(built_site / PAGE).find_all("script")
        if s.attrs.get("src")
    ]
    assert any("vendor/tippy-bundle" in s for s in sources), sources
    assert any("vendor/popper" in s for s in sources), sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], sources


def test_a_preview_leaves_out_the_running_time_a_recipe_ends_with() -> None:
    """A recipe's last section ends with its running time: no part of the preview, and it would
    make the preview scripts differ between two builds of the same sources."""
    import previews  # _ext/previews.py

    tip = (
        '<h2 id="where-next">Where next</h2><p>Read on.</p>'
        '<p class="sphx-glr-timing"><strong>Total running time of the script:</strong>'
        " (0 minutes 1.922 seconds)</p>"
    )
    kept = previews.accessible(tip)
    assert "running time" not in kept
    assert "Read on." in kept
    assert 'id="' not in kept
    other = tip.replace("1.922", "1.433")
    assert previews.settled(f'selector_to_html = {{"a": {json.dumps(tip)}}}') == previews.settled(
        f'selector_to_html = {{"a": {json.dumps(other)}}}'
    )
