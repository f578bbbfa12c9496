"""Rebuilds run what changed and nothing else, and never show output computed by old code.

A small copy of the site (the worked-example page and the recipe that checks a loss against
PyTorch, both of which print the logits :func:`xentdocs.lecture_example` returns) is built once;
then each test changes one thing in the copy, rebuilds, and reads the build log for what ran and
the HTML for what it shows.
What ran comes from the log: "Executed notebook in ... seconds" for a page (myst-nb's words, which
``_ext/package_cache.py`` uses too) and sphinx-gallery's "successfully executed N out of M".
"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest
from sitetools import ROOT, appended, build, copy_small_site, output_of

pytestmark = pytest.mark.site  # each test builds a copy of the site

PAGE = "docs/lecture/00-worked-example.md"
EXAMPLE = "examples/plot_04_check_custom_loss.py"
PAGE_HTML = "_build/html/lecture/00-worked-example.html"
# The pages of the small copy that run code: the front page, the worked example and the API page
# (its differences from torch are shown by code); the others are stand-ins or plain text.
PAGES_IN_COPY = 3
EXAMPLE_HTML = "_build/html/auto_examples/plot_04_check_custom_loss.html"
# The first logit of the lecture's example, as the pages print it, before and after the change.
FIRST_LOGIT = "-0.3000"
SHIFTED_FIRST_LOGIT = "99.7000"
# The copy's lecture_example, changed: every logit 100 higher. Appended to xentdocs/data.py, so it
# replaces the function before xentdocs/__init__.py imports it, whatever its body is.
SHIFTED_LOGITS = """

_unshifted_lecture_example = lecture_example


def lecture_example() -> LectureExample:
    '''Return the lecture's labels, and its logits plus 100.'''
    labels, logits = _unshifted_lecture_example()
    return LectureExample(labels=labels, logits=logits + 100)
"""


def pages_run(result: subprocess.CompletedProcess[str]) -> int:
    return len(re.findall(r"Executed notebook in [\d.]+ seconds", result.stdout + result.stderr))


def examples_run(result: subprocess.CompletedProcess[str]) -> int:
    match = re.search(r"successfully executed (\d+) out of", result.stdout + result.stderr)
    assert match is not None, "sphinx-gallery printed no summary:\n" + output_of(result)
    return int(match[1])


def rebuild(site: Path) -> subprocess.CompletedProcess[str]:
    result = build(site)
    assert result.returncode == 0, "the copy must build:\n" + output_of(result)
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_small_site(tmp_path_factory.mktemp("cache") / "site", page=PAGE, example=EXAMPLE)
    result = rebuild(site)
    assert pages_run(result) == PAGES_IN_COPY, "the clean build runs every page of the copy"
    assert examples_run(result) == 1
    return site


def test_a_rebuild_with_nothing_changed_runs_nothing(site: Path) -> None:
    result = rebuild(site)
    assert (pages_run(result), examples_run(result)) == (0, 0), output_of(result)


def test_an_edited_page_runs_alone(site: Path) -> None:
    marker = "page edited for the cache test"
    cell = f'\n```{{code-cell}} python\nprint("{marker}")\n```\n'
    with appended(site / PAGE, cell):
        result = rebuild(site)
        assert (pages_run(result), examples_run(result)) == (1, 0), output_of(result)
        assert marker in (site / PAGE_HTML).read_text(encoding="utf-8")
    rebuild(site)


def test_an_edited_example_runs_alone(site: Path) -> None:
    marker = "example edited for the cache test"
    with appended(site / EXAMPLE, f'\n# %%\nprint("{marker}")\n'):
        result = rebuild(site)
        assert (pages_run(result), examples_run(result)) == (0, 1), output_of(result)
        assert marker in (site / EXAMPLE_HTML).read_text(encoding="utf-8")
    rebuild(site)


def test_a_changed_function_in_the_package_reaches_every_page_and_example(site: Path) -> None:
    for html in (PAGE_HTML, EXAMPLE_HTML):
        text = (site / html).read_text(encoding="utf-8")
        assert FIRST_LOGIT in text, html
        assert SHIFTED_FIRST_LOGIT not in text, html
    with appended(site / "xentdocs" / "data.py", SHIFTED_LOGITS):
        result = rebuild(site)
        assert (pages_run(result), examples_run(result)) == (PAGES_IN_COPY, 1), output_of(result)
        for html in (PAGE_HTML, EXAMPLE_HTML):
            assert SHIFTED_FIRST_LOGIT in (site / html).read_text(encoding="utf-8"), html
    # Back to the old code: its outputs come back, the pages' straight from the cache they left.
    result = rebuild(site)
    assert (pages_run(result), examples_run(result)) == (0, 1), output_of(result)
    for html in (PAGE_HTML, EXAMPLE_HTML):
        text = (site / html).read_text(encoding="utf-8")
        assert FIRST_LOGIT in text, html
        assert SHIFTED_FIRST_LOGIT not in text, html


@pytest.fixture
def package_cache(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The site's _ext/package_cache.py, imported as Sphinx imports it."""
    monkeypatch.syspath_prepend(ROOT / "_ext")
    return importlib.import_module("package_cache")


def test_the_package_key_follows_every_byte_of_the_package(
    tmp_path: Path, package_cache: ModuleType
) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "__init__.py").write_text("def f():\n    return 1\n")
    key = package_cache.package_key_of([package])
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    assert package_cache.package_key_of([package]) == key, "bytecode is not source"
    (package / "__init__.py").write_text("def f():\n    return 2\n")
    assert package_cache.package_key_of([package]) != key


def test_the_package_key_follows_every_byte_of_the_files_the_pages_read(
    tmp_path: Path, package_cache: ModuleType
) -> None:
    record = tmp_path / "gpu-facts.json"
    record.write_text('{"facts": {"memory": {"recorded": false}}}\n')
    key = package_cache.package_key([], [record])
    assert package_cache.package_key([]) != key, "the file is part of the key"
    record.write_text('{"facts": {"memory": {"recorded": true}}}\n')
    assert package_cache.package_key([], [record]) != key, "a new record makes a new key"
    with pytest.raises(package_cache.ConfigError, match="not a file"):
        package_cache.package_key([], [tmp_path / "missing.json"])


def test_what_a_removed_example_generated_is_found(
    tmp_path: Path, package_cache: ModuleType
) -> None:
    """A deleted or renamed recipe leaves its generated page behind, which fails a -W build."""
    gallery = tmp_path / "auto_examples"
    kept = ["plot_1_kept.rst", "plot_1_kept.py", "images/sphx_glr_plot_1_kept_001.png", "index.rst"]
    gone = [
        "plot_10_gone.rst",
        "plot_10_gone.ipynb",
        "plot_10_gone.py.md5",
        "images/sphx_glr_plot_10_gone_001.png",
        "images/thumb/sphx_glr_plot_10_gone_thumb.png",
    ]
    for name in kept + gone:
        (gallery / name).parent.mkdir(parents=True, exist_ok=True)
        (gallery / name).write_text("generated")
    found = package_cache.left_over(gallery, {"plot_1_kept"})
    assert sorted(p.relative_to(gallery).as_posix() for p in found) == sorted(gone)
