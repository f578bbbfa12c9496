"""Say under each page how its numbers came to be, truthfully.

Most pages are executed while the site is built, so their footer says so. The pages of the
functions' docstrings are not: their examples are doctests, whose outputs are typed in the
docstrings and checked by the test suite (``tests/test_doctests.py``) against the same torch.
Their footer says that instead.

Configuration (``conf.py``): ``page_footer_default`` (HTML) and ``page_footer_by_page``, a dict from
page name (``"api-functions"``) to the HTML of that page's footer. Both may use ``{torch}`` and
``{xentdocs}`` for the versions.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def set_footer(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    template = app.config.page_footer_by_page.get(pagename, app.config.page_footer_default)
    if template:
        versions = {"torch": app.config.page_footer_torch, "xentdocs": app.config.release}
        context["theme_extra_footer"] = template.format(**versions)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("page_footer_default", "", "html", str)
    app.add_config_value("page_footer_by_page", {}, "html", dict)
    app.add_config_value("page_footer_torch", "", "html", str)
    app.connect("html-page-context", set_footer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
