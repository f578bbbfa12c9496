"""The built site works in a real browser, offline, on every page.

The site of the test session (``built_site``) is served on 127.0.0.1 and each page is opened once in
headless Chromium (Debian's package, driven by Playwright). While it loads, every console error,
page error, failed request, HTTP error and request to any other host is recorded; requests that
would leave 127.0.0.1 are blocked, so the page is seen as a reader without network sees it. Then
math, images, copy buttons, accessibility (axe-core) and the light/dark switch are checked on the
same load, and each check is reported as its own test of that page. Each page is opened again in a
phone-wide window (390 px): at both widths nothing may be cut off or push the page sideways (a wide
table, formula or code block scrolls in a box of its own that the keyboard reaches and that has a
name), and the page has one search box.

``XENTDOCS_CHROMIUM`` names another Chromium binary; screenshots land in ``XENTDOCS_ARTIFACTS``
(default ``_build/test-artifacts``), which CI keeps.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from builtsite import ROOT, expected_pages, html_pages, serve
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = os.environ.get("XENTDOCS_CHROMIUM", "/usr/bin/chromium")
# Keep Chromium itself from dialling out (updates, sync, field trials), so the only requests are the page's.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
]
ARTIFACTS = Path(os.environ.get("XENTDOCS_ARTIFACTS", ROOT / "_build" / "test-artifacts"))
# The window widths every page is checked at: a phone's and a laptop's.
NARROW, WIDE = 390, 1280
WIDTHS = (NARROW, WIDE)

PAGES = expected_pages()
SERIOUS = {"critical", "serious"}
# What a reader downloads to see one page, everything included, as the browser receives it from
# a host that does not compress; the issue sets the bound: under 2 MB.
MAX_PAGE_BYTES = 2_000_000
# The bytes of every resource of the page as loaded (the cache is empty: one context per page).
MEASURE_WEIGHT = """() => {
  const entries = [performance.getEntriesByType("navigation")[0],
                   ...performance.getEntriesByType("resource")];
  return entries.map(e => ({url: e.name, bytes: e.decodedBodySize, type: e.initiatorType}));
}"""
# axe's CSSOM preload re-fetches @import-ed stylesheets from a wrong base URL (a 404 the reader never
# causes); it only serves the css-orientation-lock rule, so it is turned off.
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}
# The rules whose result depends on the colours, run again in dark mode.
AXE_COLOUR_OPTIONS = {
    **AXE_OPTIONS,
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
}

# The page that teaches each term first, then the gallery recipes that show it (none for some
# terms): search must lead to all of them.
SEARCH_TERMS = {
    "softmax": ("lecture/02-softmax.html",),
    "scatter_": ("lecture/01-one-hot.html",),
    "ignore_index": ("beyond/08-ignore-index.html", "auto_examples/plot_02_mask_padding.html"),
}


# -- Watching and inspecting one page ------------------------------------------------------------


@dataclass
class Watcher:
    """Records what goes wrong while a page is open, and blocks requests that leave the site."""

    base_url: str
    problems: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        return url.startswith(self.base_url) or urlsplit(url).scheme in {"data", "blob", "about"}

    def route(self, route: Route) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.problems.append(f"request to another host: {url}")
            route.abort("blockedbyclient")

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error: {message.text} ({where})")

    def page_error(self, error: Exception) -> None:
        self.problems.append(f"page error: {error}")

    def request_failed(self, request: Request) -> None:
        if self.is_local(request.url):
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def response(self, response: Response) -> None:
        status = response.status
        if status >= 400:
            self.problems.append(f"HTTP {status}: {response.url}")

    def attach(self, page: Page) -> None:
        page.route("**/*", self.route)
        page.on("console", self.console)
        page.on("pageerror", self.page_error)
        page.on("requestfailed", self.request_failed)
        page.on("response", self.response)

    def take(self) -> list[str]:
        taken, self.problems = self.problems, []
        return taken


@dataclass
class PageReport:
    path: str
    loading: list[str] = field(default_factory=list)
    math: list[str] = field(default_factory=list)
    math_typeset: int = 0
    images: list[str] = field(default_factory=list)
    # Per window width: what is cut off or pushes the page sideways, and its search boxes.
    layout: dict[int, list[str]] = field(default_factory=dict)
    search_boxes: dict[int, list[str]] = field(default_factory=dict)
    copy_buttons: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    theme_switch: list[str] = field(default_factory=list)
    weight: dict[str, int] = field(default_factory=dict)
    math_files: list[str] = field(default_factory=list)


WAIT_FOR_MATHJAX = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
}"""

CHECK_MATH = r"""() => {
    const problems = [];
    const math = [...document.querySelectorAll('.math')];
    if (math.length && !(window.MathJax && MathJax.startup))
        problems.push(`${math.length} math elements, but MathJax did not load`);
    for (const el of math)
        if (!el.querySelector('mjx-container'))
            problems.push('math not typeset: ' + el.textContent.trim().slice(0, 100));
    for (const err of document.querySelectorAll('mjx-merror, [data-mjx-error]'))
        problems.push('MathJax error: ' + (err.getAttribute('data-mjx-error') || err.textContent));
    // TeX left as text where it should have become math (a $ that was not parsed, a \( not typeset).
    const rawTex = /\$[^\s$][^$]*\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\{/;
    const skip = 'pre, code, script, style, textarea, mjx-container, .math, .highlight, kbd, samp';
    const root = document.querySelector('main') || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: (node) => node.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent;
        if (rawTex.test(text)) problems.push('raw TeX in the text: ' + text.trim().slice(0, 120));
    }
    return problems;
}"""

CHECK_IMAGES = """async () => {
    const images = [...document.images];
    for (const img of images) img.loading = 'eager';
    const settled = (img) => img.complete ? null : new Promise((resolve) => {
        img.addEventListener('load', resolve); img.addEventListener('error', resolve);
        setTimeout(resolve, 10000);
    });
    await Promise.all(images.map(settled));
    return images.map((img) => {
        // An image with alt="" is decorative when the link or card it sits in names what it shows.
        const holder = img.closest('a, .sphx-glr-thumbcontainer');
        return {
            src: img.getAttribute('src'), alt: img.getAttribute('alt'),
            loaded: img.complete && img.naturalWidth > 0,
            named_by: holder ? holder.innerText.trim() : '',
        };
    });
}"""

# Every element and line of text a reader can see that reaches past the window's left or right
# edge, unless a box between it and the page scrolls sideways; each such box must be reachable with
# the keyboard and have an accessible name. Text hidden from the eye for screen readers only (a
# clip, a 1 px box) is not cut off.
CHECK_LAYOUT = r"""() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const containers = new Set();
  const describe = (e) => {
    const cls = (e.getAttribute('class') || '').trim().split(/\s+/).slice(0, 3).join('.');
    const text = (e.innerText || e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `<${e.tagName.toLowerCase()}${cls ? ' class=' + cls : ''}> "${text}"`;
  };
  // Text hidden from the eye on purpose (for screen readers only) is not cut off.
  const hiddenFromTheEye = (e) => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clip !== 'auto' || (s.clipPath !== 'none' && s.clipPath !== '')) return true;
      const r = a.getBoundingClientRect();
      if (s.overflow !== 'visible' && (r.width <= 1 || r.height <= 1)) return true;
    }
    return false;
  };
  // The nearest box around `e` that clips it sideways, and how (auto, scroll, hidden, clip).
  const clipper = (from) => {
    for (let a = from; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (overflow !== 'visible') return [a, overflow];
    }
    return [null, 'visible'];
  };
  // `from`: where the search for that box starts (an element's parent; a text's own element).
  const check = (rect, owner, what, from) => {
    if (rect.width === 0 || rect.height === 0) return;
    const [clip, overflow] = clipper(from);
    if (clip === null) {
      if (rect.right <= width + 1 && rect.left >= -1) return;
      if (hiddenFromTheEye(owner)) return;
      problems.push(`past the window's edge (${Math.round(rect.left)} to ${Math.round(rect.right)} px): ${what}`);
      return;
    }
    const c = clip.getBoundingClientRect();
    if (rect.right <= c.right + 1 && rect.left >= c.left - 1) return;  // inside its box: the box is checked itself
    if (hiddenFromTheEye(owner)) return;
    if (overflow === 'auto' || overflow === 'scroll') containers.add(clip);
    else problems.push(`cut off by a box with overflow ${overflow}: ${what} in ${describe(clip)}`);
  };
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
  const main = document.querySelector('main') || document.body;
  for (const e of main.querySelectorAll('*')) {
    if (!e.checkVisibility({visibilityProperty: true})) continue;
    check(e.getBoundingClientRect(), e, describe(e), e.parentElement);
  }
  // Text runs too: a line of a <pre> has no element of its own.
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const owner = node.parentElement;
    if (!node.textContent.trim() || !owner.checkVisibility({visibilityProperty: true})) continue;
    range.selectNodeContents(node);
    check(range.getBoundingClientRect(), owner, `text "${node.textContent.trim().slice(0, 60)}" of ${describe(owner)}`, owner);
  }
  for (const c of containers) {
    const labelledby = (c.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const name = (c.getAttribute('aria-label') || '').trim() ||
      labelledby.map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
    if (!(c.tabIndex >= 0) || c.closest('[inert]'))
      problems.push(`a box that scrolls sideways but the keyboard cannot reach: ${describe(c)}`);
    if (!name) problems.push(`a box that scrolls sideways without an accessible name: ${describe(c)}`);
  }
  return [...new Set(problems)];
}"""

# The search boxes a reader sees: fields, and the theme's buttons that open its search field.
FIND_SEARCH_BOXES = """() => [...document.querySelectorAll(
        'input[type=search], .search-button-field, .search-button, form[role=search] input')]
    .filter((e) => e.checkVisibility({visibilityProperty: true, opacityProperty: true})
                   && e.getBoundingClientRect().width > 0)
    .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`
                + ` in ${(e.closest('header, nav, aside, article, .bd-sidebar-primary, .bd-header-article')
                          || document.body).className.split(' ')[0] || 'body'}`)"""

CHECK_COPY_BUTTONS = """() => [...document.querySelectorAll('div.highlight')]
    .filter((block) => block.querySelector('pre') && !block.querySelector('button.copybtn'))
    .map((block) => block.innerText.trim().split('\\n')[0].slice(0, 80))"""

THEME_STATE = """() => ({
    mode: document.documentElement.dataset.mode,
    theme: document.documentElement.dataset.theme,
    background: getComputedStyle(document.body).backgroundColor,
})"""


def serious_violations(page: Page, options: dict[str, object], label: str) -> list[str]:
    results = Axe().run(page, options=options).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{label}{violation['id']} ({violation['impact']}): {violation['help']} "
                f"at {', '.join(map(str, node['target']))}: {node['html'][:200]}"
            )
    return found


def switch_themes(page: Page, watcher: Watcher) -> tuple[list[str], list[str]]:
    """Pick dark, light and system mode from the theme menu; return the problems and dark-mode axe results.

    System mode is picked while the browser says the system prefers dark, so it must turn dark too.
    """
    problems: list[str] = []
    dark_accessibility: list[str] = []
    menu = page.locator(".theme-switch-button").locator("visible=true")
    if menu.count() == 0:
        return ["no visible theme switch button"], []
    backgrounds = {"light": page.evaluate(THEME_STATE)["background"]}
    for mode, system, theme in [
        ("dark", "light", "dark"),
        ("light", "light", "light"),
        ("auto", "dark", "dark"),
    ]:
        page.emulate_media(color_scheme=system)
        menu.first.click()
        choice = page.locator(f".theme-change-button[data-mode={mode}]").locator("visible=true")
        if choice.count() == 0:
            problems.append(f"the theme menu offers no visible {mode!r} entry")
            continue
        choice.first.click()
        try:
            page.wait_for_function(
                f"document.documentElement.dataset.mode === {mode!r}"
                f" && document.documentElement.dataset.theme === {theme!r}",
                timeout=5000,
            )
        except PlaywrightTimeoutError:
            state = page.evaluate(THEME_STATE)
            problems.append(
                f"choosing {mode!r} (system {system}) gave mode {state['mode']!r}, theme {state['theme']!r}"
            )
            continue
        page.wait_for_timeout(100)  # let the theme's transitions and listeners run
        backgrounds[theme] = page.evaluate(THEME_STATE)["background"]
        if mode == "dark":
            dark_accessibility = serious_violations(page, AXE_COLOUR_OPTIONS, "in dark mode: ")
    if backgrounds.get("dark") == backgrounds["light"]:
        problems.append(f"the background is {backgrounds['light']} in both light and dark mode")
    problems += watcher.take()
    return problems, dark_accessibility


def inspect_page(browser: Browser, base_url: str, path: str) -> PageReport:
    report = PageReport(path)
    watcher = Watcher(base_url)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        watcher.attach(page)
        page.goto(base_url + path, wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        page.wait_for_load_state("networkidle")
        report.math = page.evaluate(CHECK_MATH)
        report.math_typeset = page.evaluate("document.querySelectorAll('mjx-container').length")
        images = page.evaluate(CHECK_IMAGES)
        report.images = [f"image did not load: {i['src']}" for i in images if not i["loaded"]]
        report.images += [
            p for i in images if (p := alt_problem(i["src"], i["alt"], i["named_by"]))
        ]
        report.layout[WIDE] = page.evaluate(CHECK_LAYOUT)
        report.search_boxes[WIDE] = page.evaluate(FIND_SEARCH_BOXES)
        report.copy_buttons = [
            f"code block without a copy button: {c!r}" for c in page.evaluate(CHECK_COPY_BUTTONS)
        ]
        resources = page.evaluate(MEASURE_WEIGHT)
        report.weight = weigh(resources)
        report.math_files = [r["url"] for r in resources if "/_static/mathjax/" in r["url"]]
        report.loading = watcher.take()
        report.accessibility = serious_violations(page, AXE_OPTIONS, "")
        report.loading += watcher.take()
        report.theme_switch, dark = switch_themes(page, watcher)
        report.accessibility += dark
    finally:
        context.close()
    report.layout[NARROW], report.search_boxes[NARROW] = inspect_narrow(browser, base_url, path)
    return report


def inspect_narrow(browser: Browser, base_url: str, path: str) -> tuple[list[str], list[str]]:
    """What is cut off or pushes the page sideways in a phone-wide window, and its search boxes."""
    context = browser.new_context(viewport={"width": NARROW, "height": 844})
    try:
        page = context.new_page()
        Watcher(base_url).attach(page)  # the same blocking of other hosts; problems counted above
        page.goto(base_url + path, wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # the theme and scroll-regions.js settle their tab stops
        return page.evaluate(CHECK_LAYOUT), page.evaluate(FIND_SEARCH_BOXES)
    finally:
        context.close()


# An alt text that is only a file's name: one with an image's extension, a long hex hash (myst-nb
# names its figures by their sha256), or the words sphinx-gallery makes of a figure's file name.
FILE_NAME_ALT = re.compile(r"\.(png|jpe?g|gif|svg|webp)\b|[0-9a-f]{16,}", re.IGNORECASE)


def alt_problem(src: str | None, alt: str | None, named_by: str = "") -> str | None:
    """What is wrong with an image's alt text, or None when it says what the image shows.

    ``alt=""`` marks a decorative image: allowed where the link or card the image sits in names
    what it shows (``named_by``, that holder's text), as a gallery thumbnail beside its title.
    """
    if alt is None or (not alt.strip() and not named_by.strip()):
        return f"image without alt text: {src}"
    if not alt.strip():
        return None
    words = " ".join(alt.lower().split())
    stem = Path(urlsplit(src or "").path).stem.lower()
    gallery_words = " ".join(re.sub(r"[-_,]", " ", stem.removeprefix("sphx_glr_")).split())
    gallery_words = re.sub(r" \d{3}$", "", gallery_words)  # sphinx-gallery drops the figure number
    if (
        FILE_NAME_ALT.search(alt)
        or words in {stem, gallery_words}
        or (len(gallery_words) > 8 and gallery_words in words)
    ):
        return f"image whose alt text is its file name: {src} (alt {alt!r})"
    return None


def kind_of(url: str) -> str:
    path = urlsplit(url).path
    if "/_static/mathjax/" in path:
        return "math"
    suffix = Path(path).suffix.lower()
    kinds = {
        ".html": "html", "": "html", ".css": "css", ".js": "js", ".mjs": "js",
        ".woff": "fonts", ".woff2": "fonts", ".ttf": "fonts", ".otf": "fonts",
        ".png": "images", ".svg": "images", ".jpg": "images", ".jpeg": "images", ".gif": "images",
    }  # fmt: skip
    return kinds.get(suffix, "other")


def weigh(resources: list[dict[str, object]]) -> dict[str, int]:
    """Bytes a page loads, by kind (html, css, js, fonts, images, math, other) and in total."""
    weight = dict.fromkeys(["html", "css", "js", "fonts", "images", "math", "other"], 0)
    for resource in resources:
        weight[kind_of(str(resource["url"]))] += int(resource["bytes"])  # type: ignore[call-overload]
    weight["total"] = sum(weight.values())
    return weight


def require_none(report: PageReport, problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{report.path}: {what}:\n  " + "\n  ".join(problems), pytrace=False)


# -- Fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def page_reports(browser: Browser, site_url: str) -> Callable[[str], PageReport]:
    """Open each page once, however many of its checks run (a page that breaks the browser, once)."""
    reports: dict[str, PageReport | str] = {}

    def report(path: str) -> PageReport:
        if path not in reports:
            try:
                reports[path] = inspect_page(browser, site_url, path)
            except PlaywrightError as error:  # reported by every check of the page, not retried
                reports[path] = f"{type(error).__name__}: {error}"
        found = reports[path]
        if isinstance(found, str):
            pytest.fail(f"{path} could not be inspected in the browser: {found}", pytrace=False)
        return found

    return report


@pytest.fixture
def report(
    request: pytest.FixtureRequest, page_reports: Callable[[str], PageReport], built_site: Path
) -> PageReport:
    path = request.param
    if not (built_site / path).is_file():
        pytest.fail(f"{path} was not built", pytrace=False)
    return page_reports(path)


def test_every_built_page_is_checked(built_site: Path) -> None:
    """The pages checked below (known from the sources) are exactly the pages of the build."""
    built = set(html_pages(built_site))
    assert built == set(PAGES), (
        f"built but not checked: {sorted(built - set(PAGES))}; expected but not built: {sorted(set(PAGES) - built)}"
    )


# -- Per page --------------------------------------------------------------------------------------

by_page = pytest.mark.parametrize("report", PAGES, indirect=True)


@by_page
def test_page_loads_offline_without_errors(report: PageReport) -> None:
    require_none(report, report.loading, "problems while loading")


@by_page
def test_math_renders(report: PageReport, built_site: Path) -> None:
    require_none(report, report.math, "math problems")
    if 'class="math' in (built_site / report.path).read_text(encoding="utf-8"):
        assert report.math_typeset, f"{report.path} has math, but MathJax typeset none of it"


@by_page
def test_images_load_and_have_alt_text(report: PageReport) -> None:
    require_none(report, report.images, "image problems")


by_width = pytest.mark.parametrize("width", WIDTHS)


@by_page
@by_width
def test_nothing_is_cut_off_or_pushes_the_page_sideways(report: PageReport, width: int) -> None:
    require_none(report, report.layout[width], f"at {width} px wide")


@by_page
@by_width
def test_one_search_box(report: PageReport, width: int) -> None:
    boxes = report.search_boxes[width]
    assert len(boxes) == 1, f"{report.path} at {width} px shows {len(boxes)} search boxes: {boxes}"


@by_page
def test_code_blocks_have_copy_buttons(report: PageReport) -> None:
    require_none(report, report.copy_buttons, "copy buttons")


@by_page
def test_no_serious_accessibility_violations(report: PageReport) -> None:
    require_none(report, report.accessibility, "critical or serious axe violations")


@by_page
def test_page_weight_is_within_bounds(report: PageReport) -> None:
    weight = report.weight
    assert weight.get("html", 0) > 0, f"{report.path}: the page's own HTML was not measured"
    assert weight["total"] <= MAX_PAGE_BYTES, (
        f"{report.path} loads {weight['total']} bytes, over {MAX_PAGE_BYTES}: {weight}"
    )


@by_page
def test_math_files_load_only_where_there_is_math(report: PageReport) -> None:
    """MathJax, its fonts and extensions are fetched by the pages that show math, and only by them."""
    if report.math_typeset:
        assert any(
            urlsplit(url).path.endswith("/mathjax/startup.js") for url in report.math_files
        ), report.math_files
    else:
        assert report.math_files == [], f"{report.path} shows no math but loads {report.math_files}"


@by_page
def test_light_and_dark_mode_switch_cleanly(report: PageReport) -> None:
    require_none(report, report.theme_switch, "theme switch problems")


# -- The site as a whole ---------------------------------------------------------------------------


def search(browser: Browser, site_url: str, term: str) -> tuple[list[str], list[str]]:
    """Search the site for ``term``; return the result pages in rank order and the problems seen."""
    watcher = Watcher(site_url)
    context = browser.new_context()
    try:
        page = context.new_page()
        watcher.attach(page)
        page.goto(f"{site_url}search.html?q={term}", wait_until="load")
        page.wait_for_function(
            "(() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/.test(s.innerText); })()",
            timeout=30000,
        )
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li > a", "links => links.map(a => a.href)"
        )
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    pages = []
    for href in hrefs:
        relative = urlsplit(urljoin(site_url, href)).path.removeprefix(urlsplit(site_url).path)
        if relative not in pages:
            pages.append(relative)
    return pages, watcher.take()


@pytest.mark.parametrize("term", SEARCH_TERMS)
def test_search_finds_the_pages_that_teach_a_term(
    browser: Browser, site_url: str, built_site: Path, term: str
) -> None:
    results, problems = search(browser, site_url, term)
    assert not problems, f"searching {term!r}:\n  " + "\n  ".join(problems)
    missing = [p for p in results if not (built_site / p).is_file()]
    assert not missing, f"search for {term!r} links to pages that do not exist: {missing}"
    for expected in SEARCH_TERMS[term]:
        assert expected in results, (
            f"search for {term!r} does not list {expected}; it lists {results}"
        )
    # The page that teaches the term is among the first results, not buried under every mention.
    assert SEARCH_TERMS[term][0] in results[:5], (
        f"search for {term!r} ranks {SEARCH_TERMS[term][0]} low: {results}"
    )


# The page whose table of measurements must fit a laptop's window, and words of that table's header.
MEASUREMENT_TABLE = ("beyond/17-at-scale.html", "peak memory")


def test_the_measurement_table_fits_a_laptop_window(browser: Browser, site_url: str) -> None:
    """At 1280 px the at-scale page's table of measurements is seen whole: it does not scroll."""
    path, header = MEASUREMENT_TABLE
    context = browser.new_context(viewport={"width": WIDE, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        tables = page.evaluate(
            """(header) => [...document.querySelectorAll('article table')]
                .filter((t) => t.querySelector('thead') && t.querySelector('thead').innerText.includes(header))
                .map((t) => {
                    const box = t.closest('.pst-scrollable-table-container') || t.parentElement;
                    const r = t.getBoundingClientRect();
                    return {scroll: box.scrollWidth, client: box.clientWidth, left: r.left,
                            right: r.right, window: document.documentElement.clientWidth};
                })""",
            header,
        )
    finally:
        context.close()
    assert tables, f"{path} has no table whose header says {header!r}"
    for table in tables:
        assert table["scroll"] <= table["client"] + 1, f"the table scrolls sideways: {table}"
        assert table["left"] >= 0, table
        assert table["right"] <= table["window"], table


def test_copy_button_copies_the_code(browser: Browser, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(
            site_url + "auto_examples/plot_01_class_weights_from_counts.html", wait_until="load"
        )
        block = page.locator("article div.highlight-Python").first
        code = block.locator("pre").inner_text()
        block.hover()
        block.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()
    assert copied.strip() == code.strip(), (
        f"the copy button copied {copied!r}, the block shows {code!r}"
    )


def test_gallery_index_shows_a_thumbnail_for_each_example(browser: Browser, site_url: str) -> None:
    examples = [f"{p.stem}.html" for p in sorted((ROOT / "examples").glob("plot_*.py"))]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + "auto_examples/index.html", wait_until="load")
        cards = page.evaluate(
            """() => [...document.querySelectorAll('.sphx-glr-thumbcontainer')].map((card) => {
                const img = card.querySelector('img');
                const link = card.querySelector('a');
                return {href: link && link.getAttribute('href'), loaded: !!img && img.complete && img.naturalWidth > 0,
                        visible: !!img && img.getBoundingClientRect().width > 0,
                        title: card.innerText.trim()};
            })"""
        )
    finally:
        context.close()
    linked = [c["href"] for c in cards]
    assert sorted(linked) == examples, (
        f"the gallery's cards link to {linked}; the examples are {examples}"
    )
    for card in cards:
        assert card["loaded"], f"the thumbnail of {card['href']} did not load: {card}"
        assert card["visible"], f"the thumbnail of {card['href']} is not shown: {card}"
        assert card["title"], f"the card of {card['href']} has no title"


def screenshot(browser: Browser, url: str, path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        page.wait_for_load_state("networkidle")
        # A window as tall as the page, so the sticky sidebars are drawn whole, not cut at 900 px.
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": 1280, "height": min(height, 16000)})
        page.wait_for_timeout(200)
        page.screenshot(path=str(path), full_page=True)
    finally:
        context.close()


def test_screenshots_of_the_front_page_and_an_example(
    browser: Browser, site_url: str, built_site: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    examples = sorted(
        p for p in html_pages(built_site) if re.fullmatch(r"auto_examples/plot_\w+\.html", p)
    )
    example = "auto_examples/plot_01_class_weights_from_counts.html"
    example = example if example in examples else examples[0]
    shots = {"front-page.png": "index.html", "example-page.png": example}
    for name, page in shots.items():
        screenshot(browser, site_url + page, ARTIFACTS / name)
        saved = (ARTIFACTS / name).read_bytes()
        assert saved.startswith(b"\x89PNG"), f"{name} is not a PNG"
        assert len(saved) > 10_000, f"{name} looks empty"


def test_page_weights_are_recorded(page_reports: Callable[[str], PageReport]) -> None:
    """Write each page's weight by kind to ``page-weights.json`` beside the screenshots."""
    weights = {path: page_reports(path).weight for path in PAGES}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    record = ARTIFACTS / "page-weights.json"
    record.write_text(json.dumps(weights, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    heaviest = max(weights, key=lambda path: weights[path]["total"])
    print(f"page weights in {record}; heaviest: {heaviest} {weights[heaviest]}")
    assert json.loads(record.read_text(encoding="utf-8")) == weights
    assert all(w["total"] > 0 for w in weights.values())


# -- The checks catch what they claim to ---------------------------------------------------------

BROKEN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Broken</title>
<link rel="stylesheet" href="http://example.invalid/font.css"></head>
<body><main><p>Raw math that was never typeset: $x^2$ and \\(y\\).</p>
<span class="math">\\(z\\)</span>
<img src="missing.png" alt="a missing picture"><img src="good.svg">
<img src="good.svg" alt="good.svg"><img src="good.svg" alt="">
<a href="#top"><img src="good.svg" alt=""> A link that names the picture</a>
<p style="width: 2000px">A paragraph wider than any window.</p>
<div style="overflow: hidden; width: 100px"><span style="white-space: nowrap">Text that a box cuts off at its edge</span></div>
<div style="overflow-x: auto; width: 100px"><pre>A line that scrolls in a box the keyboard cannot reach</pre></div>
<div style="overflow-x: auto; width: 100px" tabindex="0" aria-label="A named box"><pre>A line that scrolls in a box with a name, as it should</pre></div>
<span style="position: absolute; clip: rect(0 0 0 0); width: 1px; height: 1px; overflow: hidden; white-space: nowrap">Only for screen readers, and far too long to fit in any window at all, which is fine</span>
<form role="search"><input type="search" name="q"></form><input type="search" name="q2">
<div class="highlight"><pre>print("no copy button")</pre></div>
<script>console.error("boom from the page"); undefined_function();</script>
</main></body></html>"""

GOOD_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def test_the_checks_catch_a_broken_page(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    (tmp_path / "good.svg").write_text(GOOD_SVG, encoding="utf-8")
    with serve(tmp_path) as url:
        report = inspect_page(browser, url, "broken.html")
    loading = "\n".join(report.loading)
    assert "request to another host: http://example.invalid/font.css" in loading
    assert "boom from the page" in loading
    assert "undefined_function" in loading
    assert "missing.png" in loading  # the 404
    assert any("MathJax did not load" in p for p in report.math)
    assert any("raw TeX" in p and "$x^2$" in p for p in report.math)
    assert report.images == [
        "image did not load: missing.png",
        "image without alt text: good.svg",
        "image whose alt text is its file name: good.svg (alt 'good.svg')",
        "image without alt text: good.svg",
    ]
    for width in WIDTHS:
        layout = report.layout[width]

        def found(*parts: str, layout: list[str] = layout) -> bool:
            return any(all(part in problem for part in parts) for problem in layout)

        assert found("the page is", f"in a {width} px window"), layout
        assert found("past the window's edge", "A paragraph wider"), layout
        assert found("cut off by a box with overflow hidden", "Text that a box cuts off"), layout
        assert found("the keyboard cannot reach", "box the keyboard cannot reach"), layout
        assert found("without an accessible name", "box the keyboard cannot reach"), layout
        assert not found("with a name, as it should"), layout
        assert not found("Only for screen readers"), layout
        assert len(report.search_boxes[width]) == 2, report.search_boxes[width]
    assert report.copy_buttons == ["code block without a copy button: 'print(\"no copy button\")'"]
    assert any(p.startswith("image-alt") for p in report.accessibility), report.accessibility
    assert report.theme_switch == ["no visible theme switch button"]


def test_alt_text_that_is_a_file_name_is_caught() -> None:
    hashed = "../_images/c90e4d8c585684b457dfc7189c4cd801f3f9078e17c72fa1f6c06e318220d60e.png"
    gallery = "../_images/sphx_glr_plot_01_class_weights_from_counts_001.png"
    assert alt_problem(hashed, hashed) is not None  # myst-nb's default: the image's own path
    assert alt_problem(gallery, "plot 01 class weights from counts") is not None  # sphinx-gallery's
    assert alt_problem(gallery, "sphx_glr_plot_01_class_weights_from_counts_001") is not None
    assert alt_problem(gallery, None) == f"image without alt text: {gallery}"
    assert alt_problem(gallery, " ") == f"image without alt text: {gallery}"
    assert alt_problem(gallery, "") is not None  # empty, and nothing around it names it
    assert alt_problem(gallery, "", named_by="Class weights from label counts") is None
    assert alt_problem(gallery, "Class weights by scheme: the rarer classes weigh more") is None


def test_weigh_sorts_bytes_by_kind() -> None:
    resources = [
        {"url": "http://127.0.0.1:1/docs/page.html", "bytes": 1000},
        {"url": "http://127.0.0.1:1/_static/mathjax/tex-chtml.js", "bytes": 300},
        {
            "url": "http://127.0.0.1:1/_static/mathjax/output/chtml/fonts/woff-v2/a.woff",
            "bytes": 20,
        },
        {"url": "http://127.0.0.1:1/_static/theme.js?v=1", "bytes": 50},
        {"url": "http://127.0.0.1:1/_static/font.woff2", "bytes": 7},
        {"url": "http://127.0.0.1:1/_images/plot.png", "bytes": 4},
    ]
    weight = weigh(resources)
    assert weight == {
        "html": 1000, "css": 0, "js": 50, "fonts": 7, "images": 4, "math": 320, "other": 0,
        "total": 1381,
    }  # fmt: skip
