"""Make the built site serve readers who have nothing but its URL or a file downloaded from it.

A reader who downloads a gallery script or notebook needs ``xentdocs``, which is on no package
index. So the build makes the package's wheel itself (hatchling, offline, dated
``SOURCE_DATE_EPOCH``) and publishes it inside the site at ``_wheels/<wheel name>``, with its
SHA-256 beside it in ``_wheels/<wheel name>.sha256`` (the ``sha256sum`` format). Then every place
that tells a reader what to install says exactly the same command,
``pip install torch==2.13.0 matplotlib "xentdocs @ <base URL>_wheels/<wheel>#sha256=<hex>"``
when the site's address is known, or with the absolute path of the wheel in the build folder
when it is not (a local build):

- each script in ``examples/`` (and the gallery header) ends its docstring with an install block
  that is true where it stands, in a clone of the repository::

      To run it on your own machine, from a clone of the repository, install what it needs first::

          pip install torch==2.13.0 -e ".[examples]"

  Every copy the site publishes says the site's command instead: the gallery pages (rewritten as
  Sphinx reads them, through the ``source-read`` event), and the downloaded scripts, notebooks and
  per-example zips (rewritten in the built site, after Sphinx has written it). A script without
  that block is a build warning, so an error under ``-W``;
- each downloaded notebook starts with a cell that installs the same things with ``%pip``, torch
  only where the kernel has none (Colab brings its own), and says which torch computed the
  outputs saved in it (``install_cell_source(app)`` gives its text to any extension that writes
  notebooks);
- the gallery offers one archive of every example that runs without the site,
  ``_downloads/xentdocs_examples.zip``: ``xentdocs-examples/`` with the scripts, the notebooks,
  the wheel and a ``requirements.txt``.

The site's address and the repository are set in ``conf.py`` (from ``hatch_build.py``, which the
package's metadata reads too); this extension only reads ``html_baseurl``. It also adds Open
Graph tags to the pages Sphinx writes without a source (index, search).
"""

from __future__ import annotations

import hashlib
import json
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

from reproducible_archives import archive_date, rewrite
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

WHEEL_FOLDER = "_wheels"  # where the wheel is published, relative to the site's root
ARCHIVE = "_downloads/xentdocs_examples.zip"  # the gallery's archive of every example
ARCHIVE_FOLDER = "xentdocs-examples"  # the one folder the archive unpacks into
STAGING = "hosting"  # under the doctree folder: the wheel, before it is published
# The install block of a script in examples/ (and of the gallery header), as it reads in the
# repository, and as every published copy reads.
SOURCE_BLOCK = re.compile(
    r"^(?P<lead>[^\n]*?), from a clone of the repository, install what (?P<rest>[^\n]*?)::\n"
    r"\n(?P<indent>[ \t]+)pip install torch==\S+ -e \"\.\[examples\]\"[ \t]*$",
    re.MULTILINE,
)


def published_block(match: re.Match[str], command: str) -> str:
    return f"{match['lead']}, install what {match['rest']}::\n\n{match['indent']}{command}"


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


def install_of(app: Sphinx) -> Install:
    install: Install | None = getattr(app, "xentdocs_install", None)
    if install is None:
        raise ExtensionError("hosting: the install command was asked for before config-inited")
    return install


def install_cell_source(app: Sphinx) -> str:
    """The first cell of every notebook the site offers: a ``%pip install`` of what it needs.

    Valid from ``config-inited`` on.
    """
    return install_of(app).notebook_cell


def install_command(app: Sphinx) -> str:
    """The shell command a reader runs to install what the examples need."""
    return install_of(app).command


# -- config-inited: the wheel and the command ----------------------------------------------------


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


def make_install(app: Sphinx, config: Config) -> None:
    wheel_file = build_wheel(Path(app.confdir), Path(app.doctreedir) / STAGING)
    if config.html_baseurl:
        url = f"{config.html_baseurl}{WHEEL_FOLDER}/{wheel_file.name}"
    else:
        url = str(Path(app.outdir).resolve() / WHEEL_FOLDER / wheel_file.name)
    torch = "torch==" + installed_version("torch").split("+")[0]
    install = Install(torch, Wheel(wheel_file, sha256_of(wheel_file), url))
    app.xentdocs_install = install  # type: ignore[attr-defined]
    # Part of the environment: a new command (a new wheel or address) makes Sphinx read the
    # gallery pages again, so none keeps the old one.
    config.hosting_install_command = install.command


# -- the gallery's pages, as Sphinx reads them ---------------------------------------------------


def gallery_folders(app: Sphinx) -> list[str]:
    """The gallery folders as document names, relative to the source folder."""
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
    folders = gallery_conf.get("gallery_dirs", [])
    folders = [folders] if isinstance(folders, str) else list(folders)
    return [Path(app.srcdir, folder).relative_to(app.srcdir).as_posix() for folder in folders]


def publish_install_block(text: str, command: str) -> tuple[str, int]:
    """``text`` with its install block saying ``command``; and how many blocks it had."""
    return SOURCE_BLOCK.subn(lambda match: published_block(match, command), text)


def rewrite_gallery_page(app: Sphinx, docname: str, source: list[str]) -> None:
    if not any(docname.startswith(f"{folder}/") for folder in gallery_folders(app)):
        return
    text, count = publish_install_block(source[0], install_command(app))
    if count != 1 and Path(docname).name.startswith(("plot_", "index")):
        logger.warning(
            "hosting: a recipe (and the gallery header) must end its docstring with the install"
            " block, whose last lines are exactly 'To run it on your own machine, from a clone of"
            " the repository, install what it needs first::' and the indented command"
            " 'pip install torch==<version> -e \".[examples]\"'; found %d such blocks",
            count,
            location=docname,
            type="hosting",
            subtype="install",
        )
    source[0] = text


# -- build-finished: publish the wheel, the downloads, the archive -------------------------------


def publish_wheel(app: Sphinx, install: Install) -> None:
    folder = Path(app.outdir) / WHEEL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in {install.wheel.path.name, install.wheel.path.name + ".sha256"}:
            old.unlink()
    write_if_changed(folder / install.wheel.path.name, install.wheel.path.read_bytes())
    write_if_changed(
        folder / (install.wheel.path.name + ".sha256"),
        f"{install.wheel.sha256}  {install.wheel.path.name}\n".encode(),
    )


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def published_script(data: bytes, install: Install) -> bytes:
    text, _ = publish_install_block(data.decode("utf-8"), install.command)
    return text.encode("utf-8")


def published_notebook(data: bytes, install: Install) -> bytes:
    """The notebook with its install block rewritten and the install cell first, once."""
    notebook = json.loads(data)
    cells = notebook["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = publish_install_block(source, install.command)[0]
    first = "".join(cells[0]["source"]) if cells else ""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    cell["source"] = install.notebook_cell
    if cells and cells[0]["cell_type"] == "code" and first.startswith("# What this notebook"):
        cells[0] = cell  # a build before this one put it there
    else:
        cells.insert(0, cell)
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def published(name: str, data: bytes, install: Install) -> bytes:
    if not Path(name).name.startswith("plot_"):
        return data
    if name.endswith(".py"):
        return published_script(data, install)
    if name.endswith(".ipynb"):
        return published_notebook(data, install)
    return data


def publish_downloads(app: Sphinx, install: Install) -> dict[str, bytes]:
    """Rewrite the gallery's downloads in the built site; the scripts and notebooks, by name."""
    examples: dict[str, bytes] = {}
    downloads = Path(app.outdir) / "_downloads"
    for file in sorted(downloads.glob("*/plot_*")):
        if file.suffix in {".py", ".ipynb"}:
            data = published(file.name, file.read_bytes(), install)
            write_if_changed(file, data)
            examples[file.name] = data
        elif file.suffix == ".zip":
            rewrite(file, archive_date(), lambda name, data: published(name, data, install))
    return examples


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


def write_examples_archive(app: Sphinx, install: Install, examples: dict[str, bytes]) -> None:
    entries = dict(examples)
    entries[install.wheel.path.name] = install.wheel.path.read_bytes()
    entries["requirements.txt"] = requirements_text(install).encode()
    entries["README.txt"] = readme_text(install).encode()
    date_time = archive_date()
    archive = Path(app.outdir) / ARCHIVE
    archive.parent.mkdir(parents=True, exist_ok=True)
    scratch = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(f"{ARCHIVE_FOLDER}/{name}", date_time)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(info, data)
    write_if_changed(archive, scratch.read_bytes())
    scratch.unlink()


def publish(app: Sphinx, exception: BaseException | None) -> None:
    install: Install | None = getattr(app, "xentdocs_install", None)
    if exception is not None or install is None or app.builder.format != "html":
        return
    publish_wheel(app, install)
    examples = publish_downloads(app, install)
    if examples:
        write_examples_archive(app, install, examples)


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
    app.add_config_value("hosting_install_command", "", "env", str)  # computed; not in conf.py
    app.connect("config-inited", make_install)
    app.connect("source-read", rewrite_gallery_page)
    app.connect("html-page-context", preview_generated_pages)
    app.connect("build-finished", publish)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
