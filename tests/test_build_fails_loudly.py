"""The build fails loudly: each kind of breakage, made in a throwaway copy, stops ``sphinx-build -W -n``.

A small copy of the site (the worked-example page, the API page, one gallery recipe, and a
one-line stand-in for the pages past the lecture, whose links to each other need them all) is built clean once, as the control; then each test breaks one file the way a
contributor might, rebuilds, checks the build exits non-zero and names the problem, and puts the
file back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import appended, build, copy_small_site, output_of

pytestmark = pytest.mark.site  # each test builds a copy of the site

PAGE = "docs/lecture/00-worked-example.md"
EXAMPLE = "examples/plot_04_check_custom_loss.py"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_small_site(tmp_path_factory.mktemp("loud") / "site", page=PAGE, example=EXAMPLE)
    result = build(site)
    assert result.returncode == 0, "the unbroken copy must build:\n" + output_of(result)
    return site


def assert_build_fails(site: Path, *expected: str) -> None:
    result = build(site)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "the broken copy built without error:\n" + output_of(result)
    for text in expected:
        assert text in output, f"the failure does not mention {text!r}:\n" + output_of(result)


def test_a_sphinx_warning_fails_the_build(site: Path) -> None:
    with appended(site / PAGE, "\n```{no-such-directive}\n```\n"):
        assert_build_fails(site, "no-such-directive")


def test_a_broken_reference_fails_the_build(site: Path) -> None:
    with appended(site / PAGE, "\nSee {ref}`no-such-label`.\n"):
        assert_build_fails(site, "no-such-label")


def test_a_broken_api_reference_fails_the_build(site: Path) -> None:
    with appended(site / PAGE, "\nSee {func}`torch.nn.functional.no_such_loss`.\n"):
        assert_build_fails(site, "torch.nn.functional.no_such_loss")


def test_an_exception_in_a_page_cell_fails_the_build(site: Path) -> None:
    cell = '\n```{code-cell} python\nraise RuntimeError("boom from a page cell")\n```\n'
    with appended(site / PAGE, cell):
        assert_build_fails(site, "boom from a page cell")


def test_an_exception_in_an_example_fails_the_build(site: Path) -> None:
    with appended(site / EXAMPLE, '\n# %%\nraise RuntimeError("boom from an example")\n'):
        assert_build_fails(site, "boom from an example")


def test_a_missing_glue_key_fails_the_build(site: Path) -> None:
    with appended(site / PAGE, "\nThe loss is {glue:text}`no_such_glue_key`.\n"):
        assert_build_fails(site, "no_such_glue_key")


def test_the_repaired_copy_builds_again(site: Path) -> None:
    result = build(site)
    assert result.returncode == 0, output_of(result)
