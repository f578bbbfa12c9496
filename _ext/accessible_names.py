"""Close the accessibility gaps the theme and Sphinx leave in the pages, by their public routes.

- pydata-sphinx-theme 0.20 wraps each sidebar entry that has children (here the gallery) in a
  ``<details>`` whose ``<summary>`` holds only a decorative chevron: axe-core reports
  ``summary-name`` (serious) on every page. The sidebar template ``_templates/xentdocs-sidebar-nav
  .html`` (the theme's own, named in ``html_sidebars``) passes the theme's toctree markup through
  :func:`label_disclosures`, which reads it with BeautifulSoup and gives each such summary an
  ``aria-label`` naming the entry it opens. It works on a fresh parse of the markup, so the theme's
  cached toctree is never edited.
- Sphinx 9 writes the citations of a bibliography in a ``<div role="list">`` whose children have the
  role ``doc-biblioentry``, which is not a list item: axe-core reports ``aria-required-children``
  (critical). In the page's ``body`` (the ``html-page-context`` value), the ``role="list"`` goes;
  each entry keeps its own role.
- A box that scrolls sideways at the reader's window width (a wide table, formula, code block or
  output on a phone) must be reachable with the keyboard and have a name: the theme makes the code
  blocks, outputs and tables that overflow focusable; ``_static/scroll-regions.js``, added here,
  does the same for display math and names each such box a region ("Table", "Formula", "Code",
  "Output"), following the window as it resizes.

The gallery's thumbnails keep the empty ``alt`` sphinx-gallery gives them, on purpose: each is a
small copy of its example's figure inside the card whose link names the example, so it adds nothing
a screen reader does not hear from the link; the figure itself, on the example's page, has alt text
that says what it shows (from its axes' titles). The thumbnail card's link, whose text
sphinx-gallery hides with ``display: none``, gets its name back in ``_static/xentdocs.css`` (axe:
``link-name``).
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter
from markupsafe import Markup
from sphinx.application import Sphinx

# Written back as HTML5 with no more escaping than the builder did: void tags stay ``<br>``,
# boolean attributes stay ``open``, text keeps its characters.
HTML5 = HTMLFormatter(
    entity_substitution=EntitySubstitution.substitute_xml,
    void_element_close_prefix="",
    empty_attributes_are_booleans=True,
)


def label_disclosures(markup: object) -> Markup:
    """The theme's sidebar markup with a name on each ``<summary>`` that has no text of its own."""
    document = BeautifulSoup(str(markup), "html.parser")
    for summary in document.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a") if isinstance(item, Tag) else None
        entry = link.get_text(" ", strip=True) if isinstance(link, Tag) else ""
        summary["aria-label"] = f"Show or hide the pages under {entry or 'this entry'}"
    return Markup(document.decode(formatter=HTML5))


def unlist_citations(body: str) -> str:
    """The page body without ``role="list"`` on its lists of citations."""
    document = BeautifulSoup(body, "html.parser")
    citation_lists = document.select('div.citation-list[role="list"]')
    for citations in citation_lists:
        del citations["role"]
    return document.decode(formatter=HTML5) if citation_lists else body


def add_to_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    context["label_disclosures"] = label_disclosures
    body = context.get("body")
    if isinstance(body, str) and "citation-list" in body:  # only such pages are parsed
        context["body"] = unlist_citations(body)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_js_file("scroll-regions.js", loading_method="defer")
    app.connect("html-page-context", add_to_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
