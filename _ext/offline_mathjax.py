"""Serve MathJax from the built site itself, so math renders with no network.

Sphinx loads MathJax from a CDN unless ``mathjax_path`` says otherwise. PyPI's
``django-static-mathjax`` (a pinned docs dependency) carries MathJax 3 as plain files. This
extension points Sphinx at a copy in ``_static/mathjax`` and, after an HTML build, makes that copy.

It does not use the all-in-one ``tex-chtml.js`` (1.2 MB, most of it the context menu): it loads
MathJax's loader and names the parts the book's math needs, TeX input with the AMS macros, HTML
output with its fonts, and assistive MathML so screen readers can read every formula. That keeps
a page with math well inside its weight budget. Sphinx adds MathJax only to pages that have math;
the fonts and any other TeX extension (through ``autoload``) are fetched only when a formula uses
them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax
from sphinx.application import Sphinx
from sphinx.config import Config

MATHJAX_ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
SCRIPT = "mathjax/startup.js"
COMPONENTS = [
    "input/tex-base",
    "[tex]/ams",
    "[tex]/newcommand",
    "[tex]/noundefined",
    "[tex]/require",
    "[tex]/autoload",
    "output/chtml",
    "a11y/assistive-mml",
]
# What those components fetch, relative to the loader: the files themselves, the TeX extensions
# autoload may ask for, and the HTML output's font data and web fonts.
FILES = (
    "startup.js",
    "core.js",
    "input/tex-base.js",
    "input/tex/extensions",
    "output/chtml.js",
    "output/chtml",
    "a11y/assistive-mml.js",
)


def configure(app: Sphinx, config: Config) -> None:
    config.mathjax_path = SCRIPT
    mathjax3_config = dict(config.mathjax3_config or {})
    mathjax3_config.setdefault("loader", {"load": COMPONENTS})
    mathjax3_config.setdefault(
        "tex", {"packages": {"[+]": ["ams", "newcommand", "noundefined", "require", "autoload"]}}
    )
    config.mathjax3_config = mathjax3_config


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in FILES:
        source = MATHJAX_ES5 / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    shutil.copy2(MATHJAX_ES5.parent / "LICENSE", target / "LICENSE")


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", configure)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
