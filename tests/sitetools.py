"""Make throwaway copies of the site and build them, for tests that need a real build.

A copy holds everything the build reads (configuration, package, pages, examples) and nothing it
writes, so each copy starts clean. Builds run ``sphinx-build -W -n`` in a subprocess, exactly as
``nox -s docs`` does, with the copy's own ``xentdocs`` first on the path so a change made to the
copy's package is what the pages see.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_PARTS = (
    "conf.py",
    "index.md",
    "pyproject.toml",
    "_ext",
    "_static",
    "_templates",
    "_inventories",
    "xentdocs",
)
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def copy_site(
    dest: Path, *, pages: Iterable[str] | None = None, examples: Iterable[str] | None = None
) -> Path:
    """Copy the site's sources to ``dest``.

    ``pages`` and ``examples`` are paths relative to the repository root; ``None`` copies them all.
    The API page and the gallery header always come along, since the front page links them.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=IGNORE)
        else:
            shutil.copy2(source, dest / part)
    all_pages = [p.relative_to(ROOT) for p in sorted((ROOT / "docs").rglob("*.md"))]
    chosen_pages = all_pages if pages is None else [Path(p) for p in (*pages, "docs/api.md")]
    all_examples = [p.relative_to(ROOT) for p in sorted((ROOT / "examples").glob("plot_*.py"))]
    chosen_examples = all_examples if examples is None else [Path(e) for e in examples]
    for relative in [*chosen_pages, *chosen_examples, Path("examples/GALLERY_HEADER.rst")]:
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, dest / relative)
    return dest


def copy_small_site(dest: Path, *, page: str, example: str) -> Path:
    """Copy one page and one example, with a one-line stand-in for the pages past the lecture.

    The front page's table of contents needs a page there, and the real ones link each other.
    """
    site = copy_site(dest, pages=[page], examples=[example])
    (site / "docs" / "beyond").mkdir(exist_ok=True)
    (site / "docs" / "beyond" / "01-stand-in.md").write_text("# Stand-in\n\nA page.\n")
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
    """Run ``sphinx-build -W -n`` on ``site`` into ``site/_build/html``; never raises on failure."""
    command = [sys.executable, "-m", "sphinx", "-W", "-n", "-b", "html", ".", "_build/html", *args]
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
