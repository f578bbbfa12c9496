"""Two clean builds give the same site, and every page says what computed it.

The build of the test session is compared with a second clean build (``second_built_site``):

- page by page, every executed output (myst-nb cell outputs and glued values, sphinx-gallery
  outputs and figures, down to the bytes of each image) is identical, except on a timing page: a
  page that says ``TIMING_SENTENCE``, where only the number of outputs must agree;
- file by file, the whole site is identical but for sphinx-gallery's "Total running time" lines and
  the timing pages, so nothing else (a date, an address, an order) changes between builds.

Both builds run with ``SOURCE_DATE_EPOCH``: the copyright year and the dates inside the download
archives come from it, and no page carries the date of the day it was built.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import torch
from builtsite import (
    ROOT,
    TIMING_SENTENCE,
    Element,
    article,
    classes,
    expected_pages,
    html_pages,
    is_timing_example,
    read_page,
)

import xentdocs

pytestmark = pytest.mark.site  # each test builds a copy of the site

PAGES = expected_pages()
GPU_RECORD = ROOT / "docs" / "beyond" / "gpu-facts.json"
TIMING_EXAMPLES = [
    p.stem
    for p in sorted((ROOT / "examples").glob("plot_*.py"))
    if is_timing_example(p.read_text(encoding="utf-8"))
]
RUNNING_TIME = [
    re.compile(r'<p class="sphx-glr-timing">.*?</p>', re.DOTALL),
    re.compile(r"\*\*Total running time of the script:\*\* \([^)]*\)"),
]


def is_output(element: Element) -> bool:
    names = classes(element)
    return (
        bool(names & {"cell_output", "sphx-glr-script-out"})
        or any(c.startswith("pasted-") for c in names)
        or (element.name == "img" and bool(names & {"sphx-glr-single-img", "sphx-glr-multi-img"}))
    )


def outputs(site: Path, page: str) -> list[str]:
    """Every executed output of a page, as markup followed by the digest of each image it shows."""
    found: list[str] = []

    def visit(element: Element) -> None:
        if not is_output(element):
            for child in element.children:
                if isinstance(child, Element):
                    visit(child)
            return
        shown = str(element)  # its markup as written: two builds that agree write the same
        images = [element] if element.name == "img" else element.find_all("img")
        for image in images:
            src = str(image.get("src", ""))
            file = site / unquote(urljoin(page, src))
            digest = (
                hashlib.sha256(file.read_bytes()).hexdigest()[:16] if file.is_file() else "missing"
            )
            shown += f"\n[image {src}: {digest}]"
        found.append(shown)

    visit(article(read_page(site / page)))
    return found


def is_timing_page(site: Path, page: str) -> bool:
    return TIMING_SENTENCE in " ".join(article(read_page(site / page)).get_text().split())


def first_difference(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"first build: ...{a[max(0, at - 80) : at + 120]!r}\nsecond build: ...{b[max(0, at - 80) : at + 120]!r}"


@pytest.mark.parametrize("page", PAGES)
def test_executed_outputs_are_the_same_in_two_builds(
    built_site: Path, second_built_site: Path, page: str
) -> None:
    first, second = outputs(built_site, page), outputs(second_built_site, page)
    assert len(first) == len(second), (
        f"{page}: {len(first)} outputs in one build, {len(second)} in the other"
    )
    if is_timing_page(built_site, page):
        return  # its numbers are measured, and say so
    differing = [n for n, (a, b) in enumerate(zip(first, second, strict=True), start=1) if a != b]
    if differing:
        n = differing[0]
        pytest.fail(
            f"{page}: outputs {differing} of {len(first)} differ between two clean builds; output {n}:\n"
            + first_difference(first[n - 1], second[n - 1]),
            pytrace=False,
        )


def comparable(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix in {".html", ".rst", ".txt"}:
        text = data.decode("utf-8")
        for pattern in RUNNING_TIME:
            text = pattern.sub("", text)
        data = text.encode("utf-8")
    return data


def site_files(site: Path) -> set[str]:
    """Every published file, as a relative path: dot-folders (the doctrees) are the build's own."""
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(site).parts)
    }


def test_two_builds_differ_only_in_running_times(built_site: Path, second_built_site: Path) -> None:
    files = site_files(built_site)
    assert files == site_files(second_built_site), (
        f"only in one build: {sorted(files ^ site_files(second_built_site))}"
    )
    timing_pages = {p for p in html_pages(built_site) if is_timing_page(built_site, p)}

    def measured(path: str) -> bool:
        """A timing page, its sources and figures: they change with every build, by design."""
        if path in timing_pages or any(
            path.startswith(f"_sources/{p.removesuffix('.html')}.") for p in timing_pages
        ):
            return True
        return not path.startswith("_downloads/") and any(name in path for name in TIMING_EXAMPLES)

    differing = sorted(
        path
        for path in files
        if not measured(path)
        and comparable(built_site / path) != comparable(second_built_site / path)
    )
    if differing:
        path = differing[0]
        detail = ""
        if path.endswith((".html", ".rst", ".txt", ".js", ".css")):
            detail = "\n" + first_difference(
                comparable(built_site / path).decode("utf-8", "replace"),
                comparable(second_built_site / path).decode("utf-8", "replace"),
            )
        pytest.fail(
            f"{len(differing)} files differ between two clean builds: {differing}{detail}",
            pytrace=False,
        )


def test_download_archives_are_dated_source_date_epoch(
    built_site: Path, source_date_epoch: int
) -> None:
    """A zip stamps each entry with a date: it must be SOURCE_DATE_EPOCH's, not the build's."""
    expected = time.gmtime(source_date_epoch)[:6]
    archives = sorted((built_site / "_downloads").rglob("*.zip"))
    assert archives, "the site offers no archives"
    wrong = []
    for archive in archives:
        with zipfile.ZipFile(archive) as opened:
            dates = sorted({info.date_time for info in opened.infolist()})
        if dates != [expected]:
            wrong.append(f"{archive.relative_to(built_site)}: entries dated {dates}")
    if wrong:
        pytest.fail(
            f"archive entries not dated {expected} (SOURCE_DATE_EPOCH):\n  " + "\n  ".join(wrong),
            pytrace=False,
        )


def test_no_page_carries_the_build_date(built_site: Path, source_date_epoch: int) -> None:
    today = datetime.now(timezone.utc)
    if today.date() == datetime.fromtimestamp(source_date_epoch, timezone.utc).date():
        pytest.skip("built on the day SOURCE_DATE_EPOCH names: a date would not give itself away")
    formats = ["%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %B %Y", "%d/%m/%Y", "%m/%d/%Y"]
    stamps = {today.strftime(f) for f in formats}
    # A recorded date is provenance, not the build's: the GPU record says when it was made.
    recorded = json.loads(GPU_RECORD.read_text(encoding="utf-8"))["provenance"]["date"]

    def carries(page: str, stamp: str) -> bool:
        text = (built_site / page).read_text(encoding="utf-8")
        if stamp == recorded:
            text = text.replace(f"date: {recorded}", "").replace(f'date": "{recorded}', "")
        return stamp in text

    dated = [
        f"{page}: {stamp}"
        for page in html_pages(built_site)
        for stamp in stamps
        if carries(page, stamp)
    ]
    assert not dated, (
        "pages that carry the day they were built, not SOURCE_DATE_EPOCH:\n  " + "\n  ".join(dated)
    )


@pytest.mark.parametrize("page", PAGES)
def test_page_says_which_versions_computed_it(
    built_site: Path, source_date_epoch: int, page: str
) -> None:
    footer = " ".join(read_page(built_site / page).get_text().split())
    for name, version in [("torch", torch.__version__), ("xentdocs", xentdocs.__version__)]:
        assert f"{name} {version}" in footer, (
            f"{page} does not say it was computed with {name} {version}"
        )
    year = str(time.gmtime(source_date_epoch).tm_year)
    assert f"Copyright {year}" in footer, (
        f"{page}: the copyright does not carry {year}, SOURCE_DATE_EPOCH's year"
    )


# -- The comparison catches a difference ---------------------------------------------------------


def test_the_comparison_catches_a_changed_output_and_image(tmp_path: Path) -> None:
    page = """<html><body><article class="bd-article">
    <div class="cell_output"><pre>tensor(0.{digit})</pre></div>
    <p>Prose with <span class="pasted-text">{glued}</span>.</p>
    <img class="sphx-glr-single-img" src="fig.png" alt="a figure">
    </article></body></html>"""
    builds = []
    for number, (digit, glued, pixels) in enumerate(
        [(1, "0.5", b"\x89PNG1"), (1, "0.5", b"\x89PNG2")]
    ):
        site = tmp_path / str(number)
        site.mkdir()
        (site / "page.html").write_text(page.format(digit=digit, glued=glued), encoding="utf-8")
        (site / "fig.png").write_bytes(pixels)
        builds.append(outputs(site, "page.html"))
    first, second = builds
    assert len(first) == 3
    assert first[:2] == second[:2]
    assert first[2] != second[2]  # same markup, different image bytes
    assert "tensor(0.1)" in first[0]
    assert "0.5" in first[1]


@pytest.mark.parametrize("page", ["api-functions.html", "api-check.html"])
def test_the_api_footer_says_its_docstring_outputs_are_typed_and_tested(
    built_site: Path, page: str
) -> None:
    """The API pages' doctest outputs are typed, not computed by the build: their footer says so."""
    footer = " ".join(read_page(built_site / page).get_text().split())
    assert "typed in the docstrings" in footer
    assert "test suite runs every one of them" in footer
    assert "Every number on this page was computed while the site was built" not in footer
