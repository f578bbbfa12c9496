"""Serve MathJax from the built site itself, so math renders with no network.

Sphinx loads MathJax from a CDN unless ``mathjax_path`` says otherwise. PyPI's
``django-static-mathjax`` (a pinned docs dependency) carries MathJax 3 as plain files; after an HTML
build this copies the part a page can load (the TeX-to-HTML component, its fonts, the extensions it
may autoload, the menu and its accessibility modules) into ``_static/mathjax``. MathJax fetches
fonts and extensions relative to its own script, and only when a page needs them. ``conf.py``
sets ``mathjax_path = "mathjax/tex-chtml.js"`` to point at the copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax
from sphinx.application import Sphinx

MATHJAX_ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
PARTS = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y")


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        source = MATHJAX_ES5 / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    shutil.copy2(MATHJAX_ES5.parent / "LICENSE", target / "LICENSE")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
