"""Make throwaway copies of the site and build them, for tests that need a real build.

A copy holds everything the build reads (configuration, package, pages, examples) and nothing it
writes, so each copy starts clean. Builds run ``sphinx-build`` in a subprocess, exactly as
``nox -s docs`` does (``-j auto -W -n``), with the copy's own ``xentdocs`` first on the path so a change made to the
copy's package is what the pages see.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_PARTS = (
    "conf.py",
    "pyproject.toml",
    "_ext",
    "_static",
    "_templates",
    "_inventories",
    "xentdocs",
    # The wheel the site publishes is built from these too (metadata, readme, project URLs).
    "hatch_build.py",
    "README.md",
    # Scripts whose code pages run or whose output they read (conf.py's package_cache_files).
    "tools",
)
SPHINX_BUILD = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["xentdocs"][
    "sphinx-build"
]
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


# The API pages: every page's links to the package's functions resolve to them.
API_PAGES = ("docs/api.md", "docs/api-functions.md", "docs/api-check.md")


def copy_site(
    dest: Path, *, pages: Iterable[str] | None = None, examples: Iterable[str] | None = None
) -> Path:
    """Copy the site's sources to ``dest``.

    ``pages`` and ``examples`` are paths relative to the repository root; ``None`` copies them all.
    The front page, the API pages and the gallery header always come along: the front page links
    the others, and every page's links to a function resolve on the API pages.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=IGNORE)
        else:
            shutil.copy2(source, dest / part)
    all_pages = [p.relative_to(ROOT) for p in sorted((ROOT / "docs").rglob("*.md"))]
    always = ("docs/index.md", *API_PAGES)
    chosen_pages = all_pages if pages is None else [Path(p) for p in (*pages, *always)]
    all_examples = [p.relative_to(ROOT) for p in sorted((ROOT / "examples").glob("plot_*.py"))]
    chosen_examples = all_examples if examples is None else [Path(e) for e in examples]
    # Files the configuration reads from docs/ (the bibliography, measured facts), whichever
    # pages come along; not what a build writes there.
    data = [
        p.relative_to(ROOT)
        for p in sorted((ROOT / "docs").rglob("*"))
        if p.is_file()
        and p.suffix != ".md"
        and not p.name.startswith("sg_execution_times")
        and not {"auto_examples", "jupyter_execute", "__pycache__", ".ipynb_checkpoints"}
        & set(p.relative_to(ROOT / "docs").parts)
    ]
    for relative in [*chosen_pages, *chosen_examples, *data, Path("examples/GALLERY_HEADER.rst")]:
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, dest / relative)
    return dest


# Pages a small copy keeps whole: the words and letters every page links, and the citations.
REFERENCE_PAGES = ("docs/notation.md", "docs/glossary.md", "docs/bibliography.md")
LABEL = re.compile(r"^\(([\w.-]+)\)=\s*$", re.MULTILINE)


def copy_small_site(dest: Path, *, page: str, example: str) -> Path:
    """Copy one page and one example; every other page and recipe becomes a stand-in.

    Pages link each other (and the recipes) by label, and the front page's tables of contents list
    them all. A stand-in keeps a page's labels, so those links resolve, and runs nothing. The
    labels of the recipes left out go on the first stand-in.
    """
    site = copy_site(dest, pages=[page, *REFERENCE_PAGES], examples=[example])
    labels_of_left_out_recipes = [
        f"sphx_glr_auto_examples_{p.stem}.py"
        for p in sorted((ROOT / "examples").glob("plot_*.py"))
        if p.relative_to(ROOT).as_posix() != example
    ]
    for source in sorted((ROOT / "docs").rglob("*.md")):
        target = site / source.relative_to(ROOT)
        if target.exists():
            continue
        labels = LABEL.findall(source.read_text(encoding="utf-8"))
        labels += labels_of_left_out_recipes
        labels_of_left_out_recipes = []
        sections = "".join(f"({label})=\n## {label}\n\nA stand-in.\n\n" for label in labels)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Stand-in for {source.stem}\n\n{sections}", encoding="utf-8")
    return site


def build_env(site: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.update(extra)
    return env


def build(
    site: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the project's sphinx-build command in ``site`` (into ``site/_build/html``); never raises.

    The command is the one ``nox -s docs`` runs, from ``[tool.xentdocs]`` in pyproject.toml.
    """
    command = [sys.executable, "-m", "sphinx", *SPHINX_BUILD, *args]
    return subprocess.run(
        command,
        cwd=site,
        env=env or build_env(site),
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"


@contextmanager
def appended(path: Path, text: str) -> Iterator[None]:
    """Append ``text`` to ``path`` for the length of the block, then put the file back."""
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")
