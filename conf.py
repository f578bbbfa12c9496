"""Sphinx configuration for xentdocs.

The sources are in ``docs/``; this file stays at the root: ``sphinx-build -c . docs _build/html``.
Every path below is absolute, made from ``ROOT`` (this file's folder), so none depends on which
folder Sphinx resolves it against. The patterns of ``exclude_patterns`` are the exception: Sphinx
matches them against names inside ``docs/``.
"""

from __future__ import annotations

import os
import re
import sys
from importlib.metadata import version as installed_version
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.errors import ConfigError

ROOT = Path(__file__).resolve().parent
DOCS = ROOT / "docs"
# The site's own extensions, and hatch_build.py, the one reader of the site's addresses.
sys.path[:0] = [str(ROOT / "_ext"), str(ROOT)]

import hatch_build

# Examples and pages run in this process and in kernels; one thread keeps forked workers from hanging
# on live OpenMP threads and makes timings comparable between runs. torch reads this when the first
# example imports it; conf.py itself imports neither torch nor xentdocs, which would add seconds to
# a rebuild that has nothing to run.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# -- Project -------------------------------------------------------------------------------------
project = "xentdocs"
author = "the xentdocs authors"
copyright = "2026, the xentdocs authors"  # Sphinx replaces the year under SOURCE_DATE_EPOCH
# Read, not imported: importing xentdocs imports torch, seconds a rebuild with nothing to run
# would spend.
release = version = re.search(
    r'^__version__ = "([^"]+)"', (ROOT / "xentdocs" / "__init__.py").read_text(), re.MULTILINE
)[1]
TORCH_VERSION = installed_version("torch")

# -- Where the site and its repository live: XENTDOCS_BASEURL, XENTDOCS_REPOSITORY_URL ----------
try:
    BASE_URL = hatch_build.base_url()
    REPOSITORY_URL = hatch_build.repository_url()
except hatch_build.AddressError as error:
    raise ConfigError(str(error)) from None
REPOSITORY_BRANCH = hatch_build.repository_branch()

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "notfound.extension",  # a 404 page whose links work at any depth
    "sphinxext.opengraph",  # link previews
    "sphinx_exercise",
    "sphinx_togglebutton",
    "sphinxcontrib.bibtex",
    "offline_mathjax",
    "whole_lines",
    "accessible_names",
    "reproducible_archives",
    "package_cache",
    # The wheel and the one install command every download gives (see its docstring).
    "hosting",
    "page_footer",
    # Each page and its exercises as notebooks, and their Colab links (see its docstring).
    "notebooks",
    # Link previews (sphinx-tippy), offline and reproducible (see its docstring).
    "previews",
]
if BASE_URL:  # sphinx-sitemap warns (an error under -W) without an address
    extensions.append("sphinx_sitemap")

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
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache")  # package_cache keys it
# A failing cell is a warning that carries the cell's traceback, and -W makes it fail the build,
# after reporting every failing page. Raising instead would lose the traceback under -j: Sphinx
# drops the log of a reader process that raised, and prints only "ExecutionError: <page>".
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_merge_streams = True

# -- Exercises, glossary, bibliography --------------------------------------------------------
# Solutions are admonitions with class "dropdown": sphinx-togglebutton hides them until asked for.
bibtex_bibfiles = [str(DOCS / "references.bib")]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

# -- package_cache: a change in xentdocs/ reruns the pages and examples (both caches key on it) ----
package_cache_packages = ["xentdocs"]
# Files pages read or run besides the package: the GPU record and the script that measures memory.
GPU_FACTS = DOCS / "beyond" / "gpu-facts.json"
package_cache_files = [str(GPU_FACTS), str(ROOT / "tools" / "lce_measure.py")]

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
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": str(DOCS / "auto_examples"),
    # XENTDOCS_EXAMPLES=<regex> runs only the matching examples (the rest render without output),
    # for a quick look at one script; a full build runs them all.
    "filename_pattern": os.environ.get("XENTDOCS_EXAMPLES", r"/plot_"),
    "within_subsection_order": "FileNameSortKey",
    "capture_repr": ("_repr_html_", "__repr__"),
    # _ext/hosting.py offers one archive that runs without the site (scripts, notebooks, wheel),
    # and puts the install cell first in each notebook it publishes.
    "download_all_examples": False,
    "first_notebook_cell": None,
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
# The theme's script macros without fontawesome.js; the sidebar (see _ext/accessible_names.py).
templates_path = [str(ROOT / "_templates")]
html_title = "xentdocs"
html_static_path = [str(ROOT / "_static")]
html_css_files = ["xentdocs.css", "explorable.css"]
# The explorable figures' slider (xentdocs/explorable.py): a few lines that pick a precomputed frame.
html_js_files = [("explorable.js", {"defer": "defer"})]
html_favicon = str(ROOT / "_static" / "favicon.svg")
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
    # Their only outputs are the docstrings' examples: typed, and checked by the test suite.
    **dict.fromkeys(
        ["api-functions", "api-check"],
        "<p>The outputs in the docstring examples on this page are typed in the docstrings, and "
        "the test suite runs every one of them and checks it, with torch {torch} and xentdocs "
        "{xentdocs}.</p>",
    ),
}
copybutton_exclude = ".linenos, .gp, .go"

# -- notebooks: what a page's notebooks install besides the site's install cell (torch,
# matplotlib, xentdocs), at the version the site was built with; the calibration page's data set
# comes with scikit-learn.
notebooks_requirements = {
    "beyond/11-calibration": [f"scikit-learn=={installed_version('scikit-learn')}"]
}
# The files a page notebook fetches from the site, for pages that read them.
notebooks_files = {
    "beyond/17-at-scale": [str(ROOT / "tools" / "lce_measure.py"), str(GPU_FACTS)],
    "beyond/18-on-a-gpu": [str(GPU_FACTS)],
}

# -- Link previews: sphinx-tippy with its scripts from the site, and no tip fetched from the web --
tippy_js = ("vendor/popper-2.11.8.min.js", "vendor/tippy-bundle-6.3.7.umd.min.js")
tippy_enable_wikitips = False
tippy_enable_doitips = False
tippy_rtd_urls: list[str] = []
# Only the links of the page's own text, not the sidebar's and the footer's.
tippy_anchor_parent_selector = "article.bd-article"
tippy_props = {"placement": "auto-start", "maxWidth": 500, "interactive": False}


# -- Hosting: the addresses read above -----------------------------------------------------------
html_baseurl = BASE_URL
# The 404 page links the site's files from its root: the path part of the site's address.
notfound_urls_prefix = urlsplit(BASE_URL).path if BASE_URL else "/"
ogp_site_url = BASE_URL
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

if REPOSITORY_URL:  # the theme's repository, issue and "edit this page" buttons
    if "github" in REPOSITORY_URL:
        edit_url, provider = f"{REPOSITORY_URL}/edit/{REPOSITORY_BRANCH}/", "GitHub"
    elif "gitlab" in REPOSITORY_URL:
        edit_url, provider = f"{REPOSITORY_URL}/-/edit/{REPOSITORY_BRANCH}/", "GitLab"
    else:
        raise ConfigError(
            "XENTDOCS_REPOSITORY_URL must be a GitHub or GitLab repository (its edit links are"
            f" made for those), got {REPOSITORY_URL!r}"
        )
    html_theme_options.update(
        repository_url=REPOSITORY_URL,
        repository_branch=REPOSITORY_BRANCH,
        path_to_docs="docs",
        use_repository_button=True,
        use_issues_button=True,
        use_edit_page_button=True,
    )
    # A gallery page is made from a script in examples/, not from a file in docs/.
    html_context["edit_page_provider_name"] = provider
    html_context["edit_page_url_template"] = (
        edit_url + "{% if file_name.startswith('auto_examples/') %}"
        "{{ file_name | replace('auto_examples/', 'examples/', 1) | replace('.rst', '.py') }}"
        "{% else %}docs/{{ file_name }}{% endif %}"
    )
