"""Close the accessibility gaps the theme, sphinx-gallery and Sphinx leave in the pages.

- pydata-sphinx-theme 0.20 wraps each sidebar entry that has children (here the gallery) in a
  ``<details>`` whose ``<summary>`` holds only a decorative chevron: axe-core reports
  ``summary-name`` (serious) on every page. Each such summary gets an ``aria-label`` naming the
  entry it opens.
- sphinx-gallery 0.22 gives each thumbnail of the gallery index an empty ``alt``. Each gets the
  title of its example, which sphinx-gallery writes as the link right after the image.

- Sphinx 9 writes the citations of a bibliography in a ``<div role="list">`` whose children have the
  role ``doc-biblioentry``, which is not a list item: axe-core reports ``aria-required-children``
  (critical). The ``role="list"`` goes; each entry keeps its own role.

The fourth gap, the thumbnail card's link whose text sphinx-gallery hides with ``display: none``
(axe: ``link-name``), is closed in ``_static/xentdocs.css``.
"""

from __future__ import annotations

import functools
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

THUMBNAIL = "/images/thumb/sphx_glr_"


def name_gallery_thumbnails(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if THUMBNAIL not in image.get("uri", "") or image.get("alt"):
            continue
        parent = image.parent
        following = parent.children[parent.index(image) + 1 :]
        title = next((n.astext().strip() for n in following if isinstance(n, nodes.paragraph)), "")
        if title:
            image["alt"] = title


def label_sidebar_toggles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    @functools.wraps(generate)
    def labelled(*args: Any, **kwargs: Any) -> Any:
        soup = generate(*args, **kwargs)
        for summary in soup.select("summary") if hasattr(soup, "select") else []:
            if summary.get_text(strip=True) or summary.get("aria-label"):
                continue
            item = summary.find_parent("li")
            link = item.find("a", recursive=False) if item else None
            entry = link.get_text(" ", strip=True) if link else "this section"
            summary["aria-label"] = f"Show or hide the pages under {entry}"
        return soup

    context["generate_toctree_html"] = labelled


CITATION_LIST = '<div role="list" class="citation-list">'


def unlist_citations(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    body = context.get("body")
    if isinstance(body, str) and CITATION_LIST in body:
        context["body"] = body.replace(CITATION_LIST, '<div class="citation-list">')


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", unlist_citations)
    app.connect("doctree-resolved", name_gallery_thumbnails)
    # After pydata-sphinx-theme (priority 500) has put generate_toctree_html in the context.
    app.connect("html-page-context", label_sidebar_toggles, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
