"""Read a built site: which pages it should have, their HTML parsed, and a local server.

Shared by the tests that check ``_build/html`` (browser, links, downloads, reproducibility). The
HTML is parsed by BeautifulSoup (installed with the theme, pinned in the test group) with Python's
own ``html.parser``, so every tag keeps the line it was written on.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parent.parent

# A gallery script whose output changes from build to build (it measures time) says so in its
# docstring with exactly this sentence; its outputs are not compared between runs.
TIMING_SENTENCE = (
    "The timings on this page are measured during each build and change from build to build."
)

# Folders of a build that hold assets, not pages.
ASSET_FOLDERS = ("_static", "_sources", "_downloads", "_images")


def expected_pages(root: Path = ROOT) -> list[str]:
    """The pages a full build of ``root`` makes, as paths relative to ``_build/html``.

    Known from the sources alone, so tests can be parametrized by page before the site is built.
    """
    source = root / "docs"
    # The 404 page is sphinx-notfound-page's, which every build makes (a host serves it).
    pages = ["404.html", "genindex.html", "py-modindex.html", "search.html"]
    pages += [p.relative_to(source).with_suffix(".html").as_posix() for p in source.rglob("*.md")]
    pages.append("auto_examples/index.html")
    pages += [f"auto_examples/{p.stem}.html" for p in sorted((root / "examples").glob("plot_*.py"))]
    return sorted(pages)


def html_pages(site: Path) -> list[str]:
    """Every HTML page in a built site, relative to it, leaving out theme templates in assets."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] not in ASSET_FOLDERS
    )


def is_timing_example(source: str) -> bool:
    return TIMING_SENTENCE in " ".join(source.split())


# -- Reading a page ------------------------------------------------------------------------------

# A page's element as BeautifulSoup parses it (``name``, ``attrs``, ``sourceline``, ``get_text()``).
Element = Tag


def parse_html(text: str) -> BeautifulSoup:
    """A page's HTML parsed by BeautifulSoup with Python's own parser (each tag keeps its line)."""
    return BeautifulSoup(text, "html.parser")


@functools.lru_cache(maxsize=256)
def read_page(path: Path) -> BeautifulSoup:
    """The parsed page of one HTML file (cached: several tests read the same pages; do not edit it)."""
    return parse_html(path.read_text(encoding="utf-8"))


def article(document: Tag) -> Tag:
    """The page's own content, without the theme's navigation, header and footer."""
    found = document.find("article", class_="bd-article")
    return found if isinstance(found, Tag) else document


def classes(element: Tag) -> set[str]:
    """The classes of an element (BeautifulSoup gives a list, or nothing when it has none)."""
    return set(element.get_attribute_list("class", []))


# -- Serving a folder on 127.0.0.1 ---------------------------------------------------------------


class _HostHandler(SimpleHTTPRequestHandler):
    """Serve files as a static host does: a missing file gets the site's ``404.html``, status 404.

    GitHub Pages and Read the Docs answer an unknown address with the site's own 404 page, at the
    address that was asked for; a plain ``http.server`` would answer with its own error page.
    """

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _HostServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closes a connection mid-file (it stopped loading the page) is no error
        of the site; anything else is reported as ``socketserver`` reports it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Host:
    """A static host for ``folder`` on 127.0.0.1, bound now, serving once started.

    Binding first reserves the port, so a site can be built with its final address
    (``XENTDOCS_BASEURL``) before it is served there. ``port=0`` takes a free port.
    """

    def __init__(self, folder: Path, port: int = 0) -> None:
        self.folder = folder
        handler = functools.partial(_HostHandler, directory=str(folder))
        self.server = _HostServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Host:
        self.thread.start()
        return self

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()
        self.server.server_close()


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) and yield its base URL, ending in /."""
    host = Host(folder).start()
    try:
        yield host.url
    finally:
        host.close()


def baked_base_url(site: Path) -> str:
    """The address a built site was made for (its front page's canonical link), or ""."""
    link = read_page(site / "index.html").find("link", rel="canonical", href=True)
    return str(link["href"]).removesuffix("index.html") if isinstance(link, Tag) else ""
