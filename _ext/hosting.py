"""Make the built site serve readers who have nothing but its URL or a file downloaded from it.

A reader who downloads a gallery script or notebook needs ``xentdocs``, which is on no package
index. So the build makes the package's wheel itself (hatchling, offline, dated
``SOURCE_DATE_EPOCH``) and publishes it inside the site at ``_wheels/<wheel name>``, with its
SHA-256 beside it in ``_wheels/<wheel name>.sha256`` (the ``sha256sum`` format). Then every place
that tells a reader what to install says exactly the same command:

- each gallery script's docstring (and so its page, its ``.py`` and its notebook) and the gallery
  header end with ``pip install torch==<version> matplotlib xentdocs``; the build rewrites that
  line in a staged copy of ``examples/`` (which sphinx-gallery then reads) into the exact command:
  ``pip install torch==2.13.0 matplotlib "xentdocs @ <base URL>_wheels/<wheel>#sha256=<hex>"``
  when the site's address is known, or the absolute path of the wheel in the build folder when
  it is not (a local build);
- each downloaded notebook starts with the same command as a ``%pip install`` cell
  (``install_cell_source(app)`` gives its text to any extension that writes notebooks);
- the gallery offers one archive of every example that runs without the site:
  ``xentdocs-examples/`` with the scripts, the notebooks, the wheel and a ``requirements.txt``.

The site's address (``html_baseurl``) and the repository come from the environment, read by
``hatch_build.py`` (``XENTDOCS_BASEURL``, or ``READTHEDOCS_CANONICAL_URL`` on Read the Docs;
``XENTDOCS_REPOSITORY_URL``), so the package's metadata names the same addresses. A value that is
not an absolute http(s) URL stops the build with a message that says so. With an address the
extension also loads sphinx-sitemap (it needs one); it always loads sphinx-notfound-page (a 404
page whose links work at any depth) and sphinxext-opengraph (link previews). With a repository it
turns on the theme's repository, issue and "edit this page" buttons.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from html import escape
from importlib.metadata import version as installed_version
from pathlib import Path
from types import ModuleType

from reproducible_archives import archive_date
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

WHEEL_FOLDER = "_wheels"  # where the wheel is published, relative to the site's root
ARCHIVE_NAME = "xentdocs_examples.zip"  # the gallery's archive of every example
ARCHIVE_FOLDER = "xentdocs-examples"  # the one folder the archive unpacks into
# The line every gallery docstring and the gallery header end with, rewritten at build time.
INSTALL_LINE = re.compile(
    r"^(?P<indent>[ \t]+)pip install torch==\S+ matplotlib xentdocs[ \t]*$", re.MULTILINE
)
STAGED_FOLDER = "hosting"  # under the doctree folder: the staged examples and the wheel


def _load_addresses(confdir: Path) -> ModuleType:
    """``hatch_build.py`` beside conf.py: the one reader of the address variables."""
    path = confdir / "hatch_build.py"
    spec = importlib.util.spec_from_file_location("_xentdocs_addresses", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"hosting: cannot read {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Addresses:
    base_url: str  # ends in "/", or "" for a local build
    repository_url: str  # no trailing "/", or ""
    branch: str


def read_addresses(confdir: Path, environ: dict[str, str] | None = None) -> Addresses:
    """The configured addresses; a ConfigError that says what is wrong for a bad one."""
    module = _load_addresses(confdir)
    env = dict(os.environ if environ is None else environ)
    try:
        return Addresses(
            module.base_url(env), module.repository_url(env), module.repository_branch(env)
        )
    except module.AddressError as error:
        raise ConfigError(str(error)) from None


@dataclass(frozen=True)
class Wheel:
    path: Path  # the built file, in the staging folder
    sha256: str
    url: str  # where a reader gets it: absolute URL, or absolute path for a local build

    @property
    def requirement(self) -> str:
        """The wheel as pip takes it on a command line (quoted where the shell needs it)."""
        if self.url.startswith(("http://", "https://")):
            return f'"xentdocs @ {self.url}#sha256={self.sha256}"'
        return f'"{self.url}"' if " " in self.url else self.url


@dataclass(frozen=True)
class Install:
    torch: str  # "torch==2.13.0": the version that computed the pages
    wheel: Wheel

    @property
    def command(self) -> str:
        return f"pip install {self.torch} matplotlib {self.wheel.requirement}"

    @property
    def notebook_cell(self) -> str:
        """The first cell of a notebook: torch only where none is installed, then the rest.

        A kernel that has a torch already (Colab has its own) keeps it rather than download
        several GB to replace it; the cell says which torch computed the saved outputs, and
        says so again when the kernel runs another.
        """
        version = self.torch.removeprefix("torch==")
        return (
            "# What this notebook needs: PyTorch, matplotlib and xentdocs, whose wheel comes"
            " with the site.\n"
            f"# The outputs saved in it were computed with torch {version}. A torch already"
            " installed\n"
            "# (Colab has its own) is kept: only a kernel without one installs it.\n"
            "import importlib.util\n"
            "\n"
            'if importlib.util.find_spec("torch") is None:\n'
            f"    %pip install {self.torch}\n"
            f"%pip install matplotlib {self.wheel.requirement}\n"
            "import torch\n"
            "\n"
            f'print("The outputs saved in this notebook were computed with torch {version}.")\n'
            f'if torch.__version__.split("+")[0] != "{version}":\n'
            "    print(\n"
            '        f"This kernel runs torch {torch.__version__}: the code runs the same, but"\n'
            '        " an output may differ from the saved one where the two versions do."\n'
            "    )"
        )


def install_cell_source(app: Sphinx) -> str:
    """The first cell of every notebook the site offers: a ``%pip install`` of what it needs.

    Valid from ``config-inited`` on (this extension's handler runs at priority 5).
    """
    install: Install | None = getattr(app, "xentdocs_install", None)
    if install is None:
        raise ExtensionError("hosting: install_cell_source() asked before config-inited")
    return install.notebook_cell


def install_command(app: Sphinx) -> str:
    """The shell command a reader runs to install what the examples need."""
    install_cell_source(app)  # the same check
    return app.xentdocs_install.command  # type: ignore[attr-defined]


# -- Building the wheel --------------------------------------------------------------------------


def build_wheel(package_root: Path, dest: Path) -> Path:
    """Build the package's wheel into ``dest`` with hatchling, without network or isolation."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", scratch],
            cwd=package_root,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        wheels = sorted(Path(scratch).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise ExtensionError(
                f"hosting: building the xentdocs wheel in {package_root} failed"
                f" (exit {result.returncode}; is hatchling installed?):\n"
                f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return Path(shutil.copy2(wheels[0], dest / wheels[0].name))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- Staging the examples with the exact install command -----------------------------------------


def write_if_changed(path: Path, data: bytes) -> None:
    """Write only a change, so sphinx-gallery and Sphinx see unchanged files as unchanged."""
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def rewrite_install_line(text: str, command: str) -> tuple[str, int]:
    return INSTALL_LINE.subn(lambda m: f"{m['indent']}{command}", text)


def stage_examples(source: Path, staged: Path, command: str) -> list[str]:
    """Copy ``source`` to ``staged`` with the install line rewritten; return what lacks it."""
    lacking = []
    wanted = set()
    for file in sorted(source.rglob("*")):
        relative = file.relative_to(source)
        if not file.is_file() or "__pycache__" in relative.parts:
            continue
        wanted.add(relative)
        data = file.read_bytes()
        is_script = file.suffix == ".py" and file.name.startswith("plot_")
        if is_script or file.name.startswith("GALLERY_HEADER"):
            text, count = rewrite_install_line(data.decode("utf-8"), command)
            if count != 1:
                lacking.append(f"{file} ({count} install lines)")
            data = text.encode("utf-8")
        write_if_changed(staged / relative, data)
    for file in sorted(staged.rglob("*"), reverse=True):
        if file.is_file() and file.relative_to(staged) not in wanted:
            file.unlink()
    return lacking


# -- config-inited: addresses, the wheel, the staged examples ------------------------------------


def configure(app: Sphinx, config: Config) -> None:
    addresses: Addresses = app.xentdocs_addresses  # type: ignore[attr-defined]
    config.html_baseurl = addresses.base_url
    # The 404 page links the site's files from its root: the path part of its address.
    config.notfound_urls_prefix = (
        re.sub(r"^[a-z]+://[^/]+", "", addresses.base_url) if addresses.base_url else "/"
    )
    config.ogp_site_url = addresses.base_url
    if addresses.repository_url:
        configure_repository(config, addresses)

    staging = Path(app.doctreedir) / STAGED_FOLDER
    wheel_file = build_wheel(Path(app.confdir), staging / "wheel")
    digest = sha256_of(wheel_file)
    if addresses.base_url:
        url = f"{addresses.base_url}{WHEEL_FOLDER}/{wheel_file.name}"
    else:
        url = str(Path(app.outdir).resolve() / WHEEL_FOLDER / wheel_file.name)
    torch = "torch==" + installed_version("torch").split("+")[0]
    install = Install(torch, Wheel(wheel_file, digest, url))
    app.xentdocs_install = install  # type: ignore[attr-defined]

    gallery = config.sphinx_gallery_conf
    source = (Path(app.srcdir) / gallery["examples_dirs"]).resolve()
    staged = staging / "examples"
    lacking = stage_examples(source, staged, install.command)
    for what in lacking:
        logger.warning(
            "hosting: %s must end its docstring with the install block, whose last line is"
            " exactly 'pip install torch==%s matplotlib xentdocs' (indented): the build"
            " rewrites that line into the command a reader runs",
            what,
            torch.removeprefix("torch=="),
            type="hosting",
            subtype="install",
        )
    app.xentdocs_examples = (source, staged)  # type: ignore[attr-defined]
    gallery["examples_dirs"] = str(staged)
    gallery["first_notebook_cell"] = install.notebook_cell


def configure_repository(config: Config, addresses: Addresses) -> None:
    """The theme's repository, issue and "edit this page" buttons."""
    repository = addresses.repository_url
    if "github" in repository:
        edit = f"{repository}/edit/{addresses.branch}/"
    elif "gitlab" in repository:
        edit = f"{repository}/-/edit/{addresses.branch}/"
    else:
        raise ConfigError(
            "XENTDOCS_REPOSITORY_URL must be a GitHub or GitLab repository (its edit links are"
            f" made for those), got {repository!r}"
        )
    options = dict(config.html_theme_options)
    options.update(
        repository_url=repository,
        repository_branch=addresses.branch,
        path_to_docs="docs",
        use_repository_button=True,
        use_issues_button=True,
        use_edit_page_button=True,
    )
    config.html_theme_options = options
    # A gallery page is made from a script in examples/, not from a file in docs/.
    context = dict(config.html_context)
    context["edit_page_url_template"] = (
        edit + "{% if file_name.startswith('auto_examples/') %}"
        "examples/{{ file_name[14:].rsplit('.', 1)[0] }}.py"
        "{% else %}docs/{{ file_name }}{% endif %}"
    )
    context["edit_page_provider_name"] = "GitHub" if "github" in repository else "GitLab"
    config.html_context = context


# -- builder-inited, after sphinx-gallery: the archive of every example --------------------------


def requirements_text(install: Install) -> str:
    return (
        "# pip install -r requirements.txt, run in this folder: the wheel is the file beside it.\n"
        f"{install.torch}\nmatplotlib\n./{install.wheel.path.name}\n"
    )


def readme_text(install: Install) -> str:
    return (
        "The examples of the xentdocs book, ready to run without the site.\n\n"
        "In this folder:\n\n"
        "    python -m venv .venv && . .venv/bin/activate\n"
        "    pip install -r requirements.txt\n"
        "    python plot_01_....py            # any script; or open a notebook in Jupyter\n\n"
        f"requirements.txt installs {install.torch}, matplotlib and {install.wheel.path.name},\n"
        "the xentdocs package the pages were computed with.\n"
    )


def write_examples_archive(app: Sphinx) -> None:
    if not hasattr(app, "xentdocs_examples"):
        return
    install: Install = app.xentdocs_install  # type: ignore[attr-defined]
    _, staged = app.xentdocs_examples  # type: ignore[attr-defined]
    gallery = Path(app.srcdir) / app.config.sphinx_gallery_conf["gallery_dirs"]
    entries: dict[str, bytes] = {}
    for script in sorted(staged.glob("plot_*.py")):
        for made in (gallery / script.name, gallery / f"{script.stem}.ipynb"):
            if not made.is_file():
                raise ExtensionError(f"hosting: sphinx-gallery made no {made}")
            entries[made.name] = made.read_bytes()
    entries[install.wheel.path.name] = install.wheel.path.read_bytes()
    entries["requirements.txt"] = requirements_text(install).encode()
    entries["README.txt"] = readme_text(install).encode()
    date_time = archive_date()
    scratch = gallery / (ARCHIVE_NAME + ".partial")
    with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(f"{ARCHIVE_FOLDER}/{name}", date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    write_if_changed(gallery / ARCHIVE_NAME, scratch.read_bytes())
    scratch.unlink()


# -- build-finished: publish the wheel -----------------------------------------------------------


def publish_wheel(app: Sphinx, exception: BaseException | None) -> None:
    install: Install | None = getattr(app, "xentdocs_install", None)
    if exception is not None or install is None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / WHEEL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in {install.wheel.path.name, install.wheel.path.name + ".sha256"}:
            old.unlink()
    wheel = folder / install.wheel.path.name
    write_if_changed(wheel, install.wheel.path.read_bytes())
    write_if_changed(
        folder / (wheel.name + ".sha256"), f"{install.wheel.sha256}  {wheel.name}\n".encode()
    )


GENERATED_TITLES = {"genindex": "Index", "py-modindex": "Python Module Index", "search": "Search"}


def preview_generated_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    """Open Graph tags on the pages Sphinx writes without a source (index, search).

    sphinxext-opengraph tags only pages made from a document; a link to the index or the search
    page pasted into a chat should show a title too.
    """
    if doctree is not None or pagename == "404":
        return
    # These pages set their titles in their templates, not in the context.
    name = context.get("title") or GENERATED_TITLES.get(pagename, pagename)
    tags = {
        "og:title": escape(str(name), quote=True),
        "og:type": "website",
        "og:site_name": escape(app.config.project, quote=True),
        "og:description": escape(f"{name} of {app.config.project}.", quote=True),
    }
    if app.config.html_baseurl:
        tags["og:url"] = f"{app.config.html_baseurl}{pagename}.html"
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta property="{key}" content="{value}" />' for key, value in tags.items()
    )


def setup(app: Sphinx) -> dict[str, object]:
    addresses = read_addresses(Path(app.confdir))
    app.xentdocs_addresses = addresses  # type: ignore[attr-defined]
    app.setup_extension("notfound.extension")
    app.setup_extension("sphinxext.opengraph")
    if addresses.base_url:  # sphinx-sitemap warns (an error under -W) without an address
        app.setup_extension("sphinx_sitemap")
    # Before sphinx-gallery fills its defaults (priority 10) and notfound checks its prefix.
    app.connect("config-inited", configure, priority=5)
    # After sphinx-gallery wrote the scripts and notebooks (priority 500), before reading.
    app.connect("builder-inited", write_examples_archive, priority=600)
    app.connect("html-page-context", preview_generated_pages)
    app.connect("build-finished", publish_wheel)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
