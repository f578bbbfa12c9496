"""Fixtures shared by the tests that look at a built site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitetools import build, build_env, copy_site, output_of

# A fixed timestamp, so dates in the pages do not differ between two builds.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01 00:00:00 UTC


def build_full_site(dest: Path) -> Path:
    """Copy the whole site to ``dest``, build it, and return the ``_build/html`` folder."""
    site = copy_site(dest)
    result = build(site, env=build_env(site, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH))
    assert result.returncode == 0, "the site must build:\n" + output_of(result)
    return site / "_build" / "html"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML of a clean build of the whole site, made once per test session.

    ``XENTDOCS_BUILT_SITE=path/to/html`` reuses a build you made yourself, to iterate on the
    checks of a built site without rebuilding it each time.
    """
    reuse = os.environ.get("XENTDOCS_BUILT_SITE")
    if reuse:
        return Path(reuse).resolve()
    return build_full_site(tmp_path_factory.mktemp("built") / "site")


@pytest.fixture(scope="session")
def source_date_epoch() -> int:
    """The SOURCE_DATE_EPOCH every build of the tests runs with."""
    return int(SOURCE_DATE_EPOCH)


@pytest.fixture(scope="session")
def second_built_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second clean build of the whole site, made after ``built_site``, to compare with it.

    ``XENTDOCS_SECOND_BUILT_SITE=path/to/html`` reuses another clean build of your own.
    """
    reuse = os.environ.get("XENTDOCS_SECOND_BUILT_SITE")
    if reuse:
        return Path(reuse).resolve()
    return build_full_site(tmp_path_factory.mktemp("second") / "site")
