"""Every task a contributor runs: ``nox -s docs``, ``nox -s tests``, ``nox -s lint``."""

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
