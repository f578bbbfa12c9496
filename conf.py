"""Sphinx configuration for xentdocs: the source directory is the repository root."""

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
    "offline_mathjax",
    "whole_lines",
    "accessible_names",
    "reproducible_archives",
    "package_cache",
]

root_doc = "index"
exclude_patterns = [
    "_build",
    ".*",  # dot folders at the top too: .nox, .pytest_cache (a README.md is a page)
    "**/.*",
    ".ci",
    "README.md",
    "tests",
    "tools",
    "xentdocs",
    "venv",
    # The gallery's sources; sphinx-gallery renders them into auto_examples/.
    "examples",
    # sphinx-gallery writes a notebook beside each generated page; myst-nb would read it as a
    # second source of the same page.
    "auto_examples/*.ipynb",
    "auto_examples/**/*.ipynb",
    "jupyter_execute",
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

# -- package_cache: a change in xentdocs/ reruns the pages and examples (both caches key on it) ----
package_cache_packages = ["xentdocs"]

# -- autodoc -------------------------------------------------------------------------------------
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_use_rtype = False

# -- intersphinx: local inventories only (a None would send Sphinx to the network) --------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", (str(ROOT / "_inventories" / "python.inv"),)),
    "torch": ("https://docs.pytorch.org/docs/stable/", (str(ROOT / "_inventories" / "torch.inv"),)),
}

# -- sphinx-gallery ------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    # XENTDOCS_EXAMPLES=<regex> runs only the matching examples (the rest render without output),
    # for a quick look at one script; a full build runs them all.
    "filename_pattern": os.environ.get("XENTDOCS_EXAMPLES", r"/plot_"),
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": ("_repr_html_", "__repr__"),
    "download_all_examples": True,
    "doc_module": ("xentdocs",),
    "backreferences_dir": "_build/backreferences",
    "remove_config_comments": True,
    "show_memory": False,
    # Pages of per-build timings would differ on every build and say nothing about losses.
    "write_computation_times": False,
    "matplotlib_animations": False,
    "default_thumb_file": str(ROOT / "_static" / "thumbnail.png"),
}

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
templates_path = ["_templates"]  # one override: the theme's script macros without fontawesome.js
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
    "extra_footer": (
        f"<p>Every number on this page was computed while the site was built, "
        f"with torch {TORCH_VERSION} and xentdocs {release}.</p>"
    ),
}
copybutton_exclude = ".linenos, .gp, .go"
