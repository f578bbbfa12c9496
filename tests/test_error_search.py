"""The index of error messages: one entry per error, found by pasting the message into the search.

The catalogue is ``tools/error_catalogue.py``: one record per error, from which the page
``docs/beyond/16-error-messages.md`` is written and over which these tests are parametrized. The
page must be what the catalogue writes with the installed torch (so every message is torch's own
wording), each entry must be a section titled with its message that gives a cause, a fix and a
link, and the site's search (Sphinx's, in headless Chromium) must list the entry among its first
three results for the message pasted whole.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from builtsite import ROOT, Element, Host, article, classes, read_page
from playwright.sync_api import Browser, Route

PAGE_HTML = "beyond/16-error-messages.html"


def load_catalogue():
    spec = importlib.util.spec_from_file_location(
        "error_catalogue", ROOT / "tools" / "error_catalogue.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


catalogue = load_catalogue()
ENTRIES = catalogue.ENTRIES
LABELS = [entry.label for entry in ENTRIES]


# -- The catalogue and the page ------------------------------------------------------------------


def test_the_page_is_what_the_catalogue_writes() -> None:
    written = catalogue.PAGE.read_text(encoding="utf-8")
    assert written == catalogue.page(), (
        "docs/beyond/16-error-messages.md is not what tools/error_catalogue.py writes with this"
        " torch: run `python tools/error_catalogue.py` and commit the page"
    )


def test_the_catalogue_covers_the_errors_the_issue_names() -> None:
    messages = {entry.label: catalogue.message(entry) for entry in ENTRIES}
    expected = {
        "target-out-of-bounds": "IndexError: Target 3 is out of bounds.",
        "target-n-1": "RuntimeError: 0D or 1D target tensor expected",
        "target-int32": "but got Int",
        "target-float": "but got Float",
        "batch-size-mismatch": "ValueError: Expected input batch_size (4)",
        "classes-last": "RuntimeError: Expected target size",
        "probabilities-with-ignore-index": "ignore_index",
        "weight-length": "weight tensor should be defined",
        "weight-float64": "found Double",
        "nll-3d-flat-targets": "batch_size",
        "one-hot-negative": "non-negative",
        "bce-target-outside-0-1": "target should be between 0 and 1",
    }
    for label, text in expected.items():
        assert text in messages[label], f"{label}: {messages[label]!r}"
    assert len(set(LABELS)) == len(LABELS), "two entries share a label"
    texts = [catalogue.text_of(entry) for entry in ENTRIES]
    assert len(set(texts)) == len(texts), "two entries show the same message"


@pytest.mark.parametrize("entry", ENTRIES, ids=LABELS)
def test_each_entry_has_a_cause_a_fix_and_a_link(entry) -> None:
    assert entry.cause.strip()
    assert entry.fix.strip()
    assert "{ref}`" in entry.see, f"{entry.label}: no link to the page that explains it"


def test_an_entry_whose_code_raises_nothing_is_refused() -> None:
    quiet = catalogue.Entry("quiet", "Shapes", "F.cross_entropy(logits, labels)", "c", "f", "s")
    with pytest.raises(AssertionError, match="raised no error"):
        catalogue.message(quiet)


# -- The built page ------------------------------------------------------------------------------


def entry_section(document: Element, label: str) -> Element:
    """The <section> of the entry labelled ``error-<label>``."""
    target = document.find(id=f"error-{label}")
    assert target is not None, f"{PAGE_HTML} has no element with id error-{label}"
    if target.name == "section":
        return target
    section = target.find_parent("section")
    assert section is not None, f"error-{label} is not inside a section"
    return section


@pytest.mark.parametrize("entry", ENTRIES, ids=LABELS)
def test_each_entry_is_a_section_titled_with_its_message(built_site: Path, entry) -> None:
    document = article(read_page(built_site / PAGE_HTML))
    section = entry_section(document, entry.label)
    heading = section.find("h3")
    assert heading is not None
    title = heading.get_text().replace("\N{PILCROW SIGN}", "").replace("#", "").strip()
    assert title == catalogue.text_of(entry)
    text = section.get_text()
    assert catalogue.message(entry) in text, "the section does not show the computed message"
    assert "Cause:" in text
    assert "Fix:" in text
    links = [a for a in section.find_all("a") if "reference" in classes(a)]
    assert any("internal" in classes(a) for a in links), "the entry links to no page"


# -- The site's search ---------------------------------------------------------------------------


def search(browser: Browser, site_url: str, query: str) -> list[str]:
    """Search the site as a reader does; return the result links in rank order, anchors kept."""
    context = browser.new_context()
    blocked: list[str] = []

    def route(route: Route) -> None:
        if route.request.url.startswith(site_url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    try:
        page = context.new_page()
        page.route("**/*", route)
        page.goto(f"{site_url}search.html?{urlencode({'q': query})}", wait_until="load")
        page.wait_for_function(
            "(() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/.test(s.innerText); })()",
            timeout=30000,
        )
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li > a", "links => links.map(a => a.href)"
        )
    finally:
        context.close()
    assert not blocked, f"the search page asked another host for {blocked}"
    return [urljoin(site_url, href) for href in hrefs]


def points_into_entry(url: str, site_url: str, built_site: Path, label: str) -> bool:
    """Whether ``url`` opens the error page at an anchor inside the entry ``label``."""
    parts = urlsplit(url)
    path = parts.path.removeprefix(urlsplit(site_url).path)
    if path != PAGE_HTML or not parts.fragment:
        return False
    document = article(read_page(built_site / PAGE_HTML))
    section = entry_section(document, label)
    return section.get("id") == parts.fragment or section.find(id=parts.fragment) is not None


@pytest.mark.parametrize("entry", ENTRIES, ids=LABELS)
def test_pasting_the_message_into_the_search_finds_its_entry(
    browser: Browser, site_host: Host, built_site: Path, entry
) -> None:
    message = catalogue.text_of(entry)
    results = search(browser, site_host.url, message)
    first_three = results[:3]
    assert any(
        points_into_entry(url, site_host.url, built_site, entry.label) for url in first_three
    ), f"searching {message!r} lists, first: {first_three} (all: {results[:10]})"


# The same errors as a reader meets them with other data: other labels, batch sizes and shapes.
# No section has these titles, so the page itself must rank among the first results.
MESSAGES_WITH_OTHER_NUMBERS = [
    "Target 7 is out of bounds.",
    "Target -100 is out of bounds.",
    "Expected input batch_size (32) to match target batch_size (31).",
    "Expected target size [8, 10], got [8, 128]",
    (
        "weight tensor should be defined either for all 10 classes or no classes but got weight"
        " tensor of shape: [9]"
    ),
]


@pytest.mark.parametrize("message", MESSAGES_WITH_OTHER_NUMBERS)
def test_the_same_error_with_other_numbers_finds_the_page(
    browser: Browser, site_host: Host, message: str
) -> None:
    results = search(browser, site_host.url, message)
    pages = [urlsplit(url).path.removeprefix(urlsplit(site_host.url).path) for url in results]
    assert PAGE_HTML in pages[:3], f"searching {message!r} lists, first: {pages[:5]}"


def test_the_search_is_checked_for_at_least_ten_messages() -> None:
    assert len(ENTRIES) >= 10
