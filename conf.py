"""Sphinx configuration for xentdocs.

The sources are in ``docs/``; this file stays at the root: ``sphinx-build -c . docs _build/html``.
Paths below are relative to this file (templates, static files) or to ``docs/`` (pages, gallery).
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "_ext"))

# Examples and pages run in this process and in kernels; one thread keeps forked workers from hanging
# on live OpenMP threads and makes timings comparable between runs. torch reads this when the first
# example imports it; conf.py itself imports neither torch nor xentdocs, which would add seconds to
# a rebuild that has nothing to run.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# -- Project -------------------------------------------------------------------------------------
project = "xentdocs"
author = "the xentdocs authors"
copyright = "2026, the xentdocs authors"  # Sphinx replaces the year under SOURCE_DATE_EPOCH
try:
    release = version = installed_version("xentdocs")
except PackageNotFoundError:  # a source tree that was never installed, as xentdocs.__version__
    release = version = "0.1.0"
TORCH_VERSION = installed_version("torch")

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "sphinx_exercise",
    "sphinx_togglebutton",
    "sphinxcontrib.bibtex",
    "offline_mathjax",
    "whole_lines",
    "accessible_names",
    "reproducible_archives",
    "package_cache",
    # The wheel, install commands, html_baseurl, 404 page, link previews (see its docstring).
    "hosting",
    "page_footer",
    "exercise_notebooks",
]

root_doc = "index"
exclude_patterns = [
    # sphinx-gallery writes a notebook beside each generated page; myst-nb would read it as a
    # second source of the same page.
    "auto_examples/*.ipynb",
    "auto_examples/**/*.ipynb",
]
nitpicky = True
# numpydoc's "int, optional" is prose, not a type to link.
nitpick_ignore = [("py:class", "optional")]

# -- MyST and myst-nb ----------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache")
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True  # ...and the log shows which cell and why
nb_execution_timeout = 300
nb_merge_streams = True

# -- Exercises, glossary, bibliography --------------------------------------------------------
# Solutions are admonitions with class "dropdown": sphinx-togglebutton hides them until asked for.
bibtex_bibfiles = ["docs/references.bib"]  # relative to this file
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# -- package_cache: a change in xentdocs/ reruns the pages and examples (both caches key on it) ----
package_cache_packages = ["xentdocs"]
# Files pages read or run besides the package: the GPU record and the script that measures memory.
package_cache_files = ["docs/beyond/gpu-facts.json", "tools/lce_measure.py"]

# -- autodoc -------------------------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_use_rtype = False

# -- intersphinx: local inventories only (a None would send Sphinx to the network) --------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", (str(ROOT / "_inventories" / "python.inv"),)),
    # The docs of the pinned torch, not "stable", which moves on (test_links checks the version).
    "torch": ("https://docs.pytorch.org/docs/2.13/", (str(ROOT / "_inventories" / "torch.inv"),)),
}

# -- sphinx-gallery ------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # XENTDOCS_EXAMPLES=<regex> runs only the matching examples (the rest render without output),
    # for a quick look at one script; a full build runs them all.
    "filename_pattern": os.environ.get("XENTDOCS_EXAMPLES", r"/plot_"),
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": ("_repr_html_", "__repr__"),
    # _ext/hosting.py offers one archive that runs without the site (scripts, notebooks, wheel).
    "download_all_examples": False,
    "doc_module": ("xentdocs",),
    "backreferences_dir": str(ROOT / "_build" / "backreferences"),
    "remove_config_comments": True,
    "show_memory": False,
    # Pages of per-build timings would differ on every build and say nothing about losses.
    "write_computation_times": False,
    "matplotlib_animations": False,
    "default_thumb_file": str(ROOT / "_static" / "thumbnail.png"),
}

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
templates_path = ["_templates"]  # the theme's script macros without fontawesome.js; the sidebar
html_title = "xentdocs"
html_static_path = ["_static"]
html_css_files = ["xentdocs.css"]
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
# A fresh browser profile logs a theme-mode console error unless the default mode is set.
html_context = {"default_mode": "light"}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
}
# The theme's sidebar less its search field: the header's is the one search box on each page (and
# the only one a phone shows). The navigation is the theme's, with named toggles (accessible_names).
html_sidebars = {"**": ["navbar-logo.html", "icon-links.html", "xentdocs-sidebar-nav.html"]}
# page_footer: what each page's footer says about where its numbers come from.
page_footer_torch = TORCH_VERSION
page_footer_default = (
    "<p>Every number on this page was computed while the site was built, "
    "with torch {torch} and xentdocs {xentdocs}.</p>"
)
page_footer_by_page = {
    # Their GPU figures come from a record made on a GPU, whose provenance the pages print.
    **dict.fromkeys(
        ["beyond/17-at-scale", "beyond/18-on-a-gpu"],
        "<p>Every number computed on the CPU on this page was computed while the site was built, "
        "with torch {torch} and xentdocs {xentdocs}; the GPU's come from the record "
        "docs/beyond/gpu-facts.json, whose provenance the page prints.</p>",
    ),
    "api": "<p>The outputs of the code cells on this page were computed while the site was built; "
    "the outputs in the docstring examples are typed in the docstrings, and the test suite runs "
    "every one of them and checks it. Both with torch {torch} and xentdocs {xentdocs}.</p>",
}
copybutton_exclude = ".linenos, .gp, .go"

# -- Hosting: _ext/hosting.py sets html_baseurl, the 404 prefix and the repository buttons from
# XENTDOCS_BASEURL / READTHEDOCS_CANONICAL_URL and XENTDOCS_REPOSITORY_URL (see hatch_build.py).
# Previews without generated card images: those would draw a PNG for every page with matplotlib.
ogp_social_cards = {"enable": False}
ogp_site_name = project
sitemap_url_scheme = "{link}"  # no language or version folder in the site's addresses
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1><p>This address is not a page of the book. Try the search,"
        " or start from the table of contents on the left.</p>"
    ),
}
