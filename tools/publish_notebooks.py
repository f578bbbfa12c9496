"""Publish the built site's notebooks to a branch, where Colab's links find them.

Colab opens only notebooks that live in a GitHub repository. The site's "Open in Colab" links
(``_ext/notebooks.py``) name ``<branch>/<path of the notebook in the site>``, so this puts every
``.ipynb`` of a built site (the pages', the exercises', the recipes') at that same path on that
branch, with a README that says where they come from. Each run replaces the branch with one new
commit (the notebooks are build output: no history to keep), dated by ``SOURCE_DATE_EPOCH`` when
it is set, so the same build publishes the same commit.

Run after ``nox -s docs`` (the workflow does, with the site's address, so the notebooks' install
cells name the published site)::

    python tools/publish_notebooks.py _build/html --remote <git URL or path> --branch notebooks

The remote may be any git URL (the workflow gives an https URL with its token) or a local path.
Only git and the standard library are needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIPPED = (".doctrees",)  # build state that is not part of the site
README = """\
# Notebooks of the xentdocs book

Built from {source} by `tools/publish_notebooks.py`; do not edit here, the next build replaces
this branch. Each notebook sits at the same path as on the site, which is where the site's
"Open in Colab" links point. Each starts with the cell that installs what it needs.
"""


def notebooks_of(site: Path) -> list[Path]:
    """Every notebook of a built site, as paths relative to it."""
    return sorted(
        path.relative_to(site)
        for path in site.rglob("*.ipynb")
        if not set(path.relative_to(site).parts) & set(SKIPPED)
    )


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"git {args[0]} failed (exit {result.returncode}):\n{result.stderr}")
    return result.stdout


def publish(site: Path, remote: str, branch: str, source: str = "the built site") -> str:
    """Commit the site's notebooks as the only commit of ``branch`` and push it; its id."""
    notebooks = notebooks_of(site)
    if not notebooks:
        raise SystemExit(f"{site} holds no notebooks: build the site first")
    date = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "xentdocs build",
        "GIT_AUTHOR_EMAIL": "xentdocs-build@users.noreply.github.com",
        "GIT_COMMITTER_NAME": "xentdocs build",
        "GIT_COMMITTER_EMAIL": "xentdocs-build@users.noreply.github.com",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{date} +0000"
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        git("init", "--quiet", "--initial-branch", branch, cwd=work)
        for notebook in notebooks:
            target = work / notebook
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / notebook, target)
        (work / "README.md").write_text(README.format(source=source), encoding="utf-8")
        git("add", "--all", cwd=work)
        git("commit", "--quiet", "--no-gpg-sign", "-m", f"Notebooks of {source}", cwd=work, env=env)
        git("push", "--quiet", "--force", remote, f"HEAD:refs/heads/{branch}", cwd=work, env=env)
        return git("rev-parse", "HEAD", cwd=work).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site, e.g. _build/html")
    parser.add_argument("--remote", required=True, help="the git repository to push to")
    parser.add_argument("--branch", default="notebooks", help="the branch (default: notebooks)")
    parser.add_argument("--source", default="the built site", help="what the README names")
    args = parser.parse_args(argv)
    commit = publish(args.site, args.remote, args.branch, args.source)
    print(f"published {len(notebooks_of(args.site))} notebooks to {args.branch} ({commit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
