"""Every task a contributor runs: ``nox -s docs``, ``nox -s tests``, ``nox -s lint``.

And two that are not run by default: ``nox -s serve`` and ``nox -s bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
BUILD_DIR = "_build/html"
SPHINX_ARGS = ["-W", "-n", "-b", "html", ".", BUILD_DIR]

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = False


def install_groups(session: nox.Session, *groups: str) -> None:
    requirements: list[str] = []
    for group in groups:
        requirements += nox.project.dependency_groups(PYPROJECT, group)
    session.install(*requirements)
    session.install("-e", ".", "--no-deps")


@nox.session(default=True, reuse_venv=True)
def docs(session: nox.Session) -> None:
    """Build the book into _build/html. Extra arguments go to sphinx-build.

    A quick build that runs neither the gallery nor the pages:
    ``nox -s docs -- -D plot_gallery=0 -D nb_execution_mode=off``.
    """
    install_groups(session, "docs")
    session.run("sphinx-build", *SPHINX_ARGS, *session.posargs, env={"OMP_NUM_THREADS": "1"})
    session.log(f"Open {ROOT / BUILD_DIR / 'index.html'} in a browser.")


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Run every test: the package, the doctests, the build checks and the browser checks."""
    install_groups(session, "docs", "test")
    env = {"OMP_NUM_THREADS": "1"}
    if os.environ.get("CI"):
        env["CI"] = os.environ["CI"]
    session.run("pytest", *session.posargs, env=env)


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    install_groups(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


# What a build writes into the source folder (sg_execution_times.rst goes through a .new file),
# and folders no page is made from: a change there must not start a rebuild, or it never ends.
SERVE_IGNORED = ["_build", "auto_examples", "sg_execution_times.rst*", "jupyter_execute", "tests"]
SERVE_ARGS = [
    *("--host", "127.0.0.1"),
    *(arg for path in SERVE_IGNORED for arg in ("--ignore", path)),
    *("--re-ignore", r"(__pycache__|\.ipynb_checkpoints|\.hypothesis)/|\.pyc$|\.swp$|~$"),
]


@nox.session(default=False, reuse_venv=True)
def serve(session: nox.Session) -> None:
    """Serve the book on http://127.0.0.1:8000, rebuild on every save and reload the browser.

    It watches the whole repository, the pages, ``examples/`` and ``xentdocs/`` included, and
    rebuilds with the same ``-W -n`` flags as ``nox -s docs``: a rebuild runs only what changed,
    and a change to ``xentdocs/`` runs every page and example again. Extra arguments go to
    sphinx-autobuild, for example ``nox -s serve -- --port 8001``.
    """
    install_groups(session, "docs", "serve")
    session.run(
        "sphinx-autobuild",
        *SERVE_ARGS,
        *SPHINX_ARGS,
        *session.posargs,
        env={"OMP_NUM_THREADS": "1"},
    )


@nox.session(default=False, reuse_venv=True)
def bench(session: nox.Session) -> None:
    """Time a cold build and the rebuilds after typical edits, on a copy; time xentdocs vs torch.

    Prints each time, its ratio to the cold build, and how many pages and examples each build
    ran; then xentdocs.cross_entropy and xentdocs.one_hot against torch.nn.functional. Extra
    arguments go to ``tools/bench.py`` (``--only builds``, ``--only package``; others go on to
    sphinx-build).
    """
    install_groups(session, "docs")
    session.run("python", "tools/bench.py", *session.posargs)
