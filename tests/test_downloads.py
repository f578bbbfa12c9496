"""The files the site offers a reader: scripts, notebooks, the archive of all examples, the wheel.

Each says exactly what to install, and the same everywhere: the script's docstring, its page, the
notebook's first cell and the gallery's header name the wheel the site publishes, by its URL and
SHA-256 (the session's site is built for an address, as a hosted site is). That a reader can run
them with nothing but the site is proven in ``test_hosted.py``.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest
import torch
from builtsite import ROOT, html_pages, read_page
from readers import (
    Cell,
    compare_cells,
    compare_script_output,
    downloads_of,
    examples_archive_link,
    notebook_cells,
    torch_requirement,
)

EXAMPLES = [p.stem for p in sorted((ROOT / "examples").glob("plot_*.py"))]
ARCHIVE_FOLDER = "xentdocs-examples"


def published_wheel(site: Path) -> Path:
    wheels = sorted((site / "_wheels").glob("xentdocs-*.whl"))
    assert len(wheels) == 1, f"the site publishes {len(wheels)} wheels in _wheels/: {wheels}"
    return wheels[0]


def install_command(site: Path, base_url: str) -> str:
    """The one command every download must give: the pinned torch, matplotlib, the wheel."""
    wheel = published_wheel(site)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    requirement = f"xentdocs @ {base_url}_wheels/{wheel.name}#sha256={digest}"
    return f'pip install {torch_requirement()} matplotlib "{requirement}"'


def test_the_wheel_is_published_with_its_sha256(built_site: Path, site_base_url: str) -> None:
    wheel = published_wheel(built_site)
    version = re.search(
        r'^__version__ = "([^"]+)"',
        (ROOT / "xentdocs" / "__init__.py").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert version, "xentdocs/__init__.py writes no __version__"
    assert wheel.name == f"xentdocs-{version[1]}-py3-none-any.whl"
    sidecar = wheel.with_name(wheel.name + ".sha256").read_text()
    assert sidecar == f"{hashlib.sha256(wheel.read_bytes()).hexdigest()}  {wheel.name}\n"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = HeaderParser().parsestr(
            archive.read(f"xentdocs-{version[1]}.dist-info/METADATA").decode()
        )
    assert "xentdocs/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")], names
    assert f"Documentation, {site_base_url}" in metadata.get_all("Project-URL", [])


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_page_offers_its_script_notebook_and_zip(built_site: Path, name: str) -> None:
    files = downloads_of(built_site, f"auto_examples/{name}.html")
    assert set(files) == {"python", "jupyter", "zip"}, f"{name} offers {sorted(files)}"
    for kind, file in files.items():
        assert file.is_file(), f"{name}: the {kind} download {file} is missing"
    compile(files["python"].read_text(encoding="utf-8"), files["python"].name, "exec")
    nbformat.validate(nbformat.read(files["jupyter"], as_version=4))
    with zipfile.ZipFile(files["zip"]) as archive:
        assert sorted(archive.namelist()) == sorted([f"{name}.ipynb", f"{name}.py"])
        assert archive.read(f"{name}.py") == files["python"].read_bytes()
        assert archive.read(f"{name}.ipynb") == files["jupyter"].read_bytes()


# What the install block says in the repository, where a contributor reads it.
SOURCE_INSTALL = '    pip install {torch} -e ".[examples]"'


@pytest.mark.parametrize(
    "source", [*(f"examples/{name}.py" for name in EXAMPLES), "examples/GALLERY_HEADER.rst"]
)
def test_the_install_block_in_the_repository_is_true_where_it_stands(source: str) -> None:
    """Run in a clone, the command installs the pinned torch and the package with its extras."""
    text = (ROOT / source).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "pip install torch" in line]
    assert lines == [SOURCE_INSTALL.format(torch=torch_requirement())], source
    assert ", from a clone of the repository, install what" in text, source
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "matplotlib" in " ".join(extras["optional-dependencies"]["examples"])


@pytest.mark.parametrize("name", EXAMPLES)
def test_script_notebook_and_page_give_the_exact_install_command(
    built_site: Path, site_base_url: str, name: str
) -> None:
    command = install_command(built_site, site_base_url)
    files = downloads_of(built_site, f"auto_examples/{name}.html")
    script = files["python"].read_text(encoding="utf-8")
    docstring = script.split('"""', 2)[1]
    assert [line.strip() for line in docstring.splitlines() if "pip install" in line] == [command]
    page = " ".join(read_page(built_site / f"auto_examples/{name}.html").get_text().split())
    assert command in page, f"{name}'s page does not show {command}"
    first = nbformat.read(files["jupyter"], as_version=4).cells[0]
    assert first.cell_type == "code"
    assert_install_cell(first.source, command)


def assert_install_cell(source: str, command: str) -> None:
    """The notebook's first cell installs what ``command`` does, keeping a torch already there.

    Its ``%pip`` lines together are the command (torch, then matplotlib and the wheel), the torch
    line only where no torch is installed; then it says which torch computed the outputs.
    """
    pins = command.removeprefix("pip install ").split(" ", 1)
    torch_pin, rest = pins[0], pins[1]
    lines = source.splitlines()
    assert 'if importlib.util.find_spec("torch") is None:' in lines, source
    guarded = lines.index('if importlib.util.find_spec("torch") is None:') + 1
    assert lines[guarded] == f"    %pip install {torch_pin}", source
    assert [line for line in lines if line.lstrip().startswith("%")] == [
        f"    %pip install {torch_pin}",
        f"%pip install {rest}",
    ]
    version = torch_pin.removeprefix("torch==")
    assert f'print("The outputs saved in this notebook were computed with torch {version}.")' in (
        lines
    )
    assert f'if torch.__version__.split("+")[0] != "{version}":' in lines


def test_every_notebook_the_site_offers_starts_with_the_same_install_cell(
    built_site: Path, site_base_url: str
) -> None:
    command = install_command(built_site, site_base_url)
    notebooks = sorted(
        p for p in built_site.rglob("*.ipynb") if ".doctrees" not in p.relative_to(built_site).parts
    )
    assert len(notebooks) > len(EXAMPLES), "the site offers no notebooks besides the gallery's"
    firsts, extras = {}, {}
    for notebook in notebooks:
        cells = nbformat.read(notebook, as_version=4).cells
        first = next(c for c in cells if c.cell_type == "code")
        source, extra = site_install_cell(first.source)
        assert_install_cell(source, command)
        firsts[source] = notebook
        if extra:
            extras[notebook.relative_to(built_site).as_posix()] = extra
    assert len(firsts) == 1, f"the notebooks start with {len(firsts)} different install cells"
    # The calibration page's data set comes with scikit-learn (conf.py, notebooks_requirements).
    assert extras, "no notebook installs a package of its page's own"
    for name, extra in extras.items():
        assert all("==" in requirement for requirement in extra), f"{name}: unpinned {extra}"


def site_install_cell(source: str) -> tuple[str, list[str]]:
    """The site's install cell, and what a page's notebook installs after it for its own use (a
    last ``%pip install`` line of pinned requirements, from ``notebooks_requirements``)."""
    lines = source.splitlines()
    # The site's cell ends with what it prints; a page's own line comes after it.
    if lines[-1].startswith("%pip install "):
        return "\n".join(lines[:-1]), lines[-1].removeprefix("%pip install ").split()
    return source, []


def test_the_install_cell_keeps_a_torch_and_says_so(tmp_path: Path) -> None:
    """Run the install cell's logic (its %pip lines as prints) against a torch of another
    version: it installs no torch and says which version computed the outputs."""
    from hosting import Install, Wheel

    install = Install("torch==1.0.0", Wheel(tmp_path / "x.whl", "0" * 64, str(tmp_path / "x.whl")))
    lines = install.notebook_cell.splitlines()
    # Each %pip line prints what it would install.
    code = "\n".join(
        line[: len(line) - len(line.lstrip())] + f"print({line.lstrip()[1:]!r})"
        if line.lstrip().startswith("%pip")
        else line
        for line in lines
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    said = result.stdout.splitlines()
    assert not any("torch==" in line for line in said), said  # torch is there: not reinstalled
    assert said[0].startswith("pip install matplotlib")
    assert "computed with torch 1.0.0." in said[1]
    assert f"This kernel runs torch {torch.__version__}" in said[2]


def test_gallery_header_gives_the_install_command_and_the_archive(
    built_site: Path, site_base_url: str
) -> None:
    text = " ".join(read_page(built_site / "auto_examples/index.html").get_text().split())
    assert install_command(built_site, site_base_url) in text
    assert (built_site / examples_archive_link(built_site)).is_file()


def test_the_archive_of_all_examples_holds_what_runs_them_offline(built_site: Path) -> None:
    archive_path = built_site / examples_archive_link(built_site)
    wheel = published_wheel(built_site)
    with zipfile.ZipFile(archive_path) as archive:
        names = sorted(archive.namelist())
        expected = sorted(
            [f"{ARCHIVE_FOLDER}/{n}" for n in ("requirements.txt", "README.txt", wheel.name)]
            + [f"{ARCHIVE_FOLDER}/{e}{suffix}" for e in EXAMPLES for suffix in (".py", ".ipynb")]
        )
        assert names == expected
        for name in EXAMPLES:
            single = downloads_of(built_site, f"auto_examples/{name}.html")
            for kind, suffix in [("python", ".py"), ("jupyter", ".ipynb")]:
                assert archive.read(f"{ARCHIVE_FOLDER}/{name}{suffix}") == single[kind].read_bytes()
        assert archive.read(f"{ARCHIVE_FOLDER}/{wheel.name}") == wheel.read_bytes()
        requirements = archive.read(f"{ARCHIVE_FOLDER}/requirements.txt").decode()
    lines = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert lines == [torch_requirement(), "matplotlib", f"./{wheel.name}"]


def test_every_downloadable_file_is_offered_by_a_page(built_site: Path) -> None:
    offered = set()
    for page in html_pages(built_site):
        for element in read_page(built_site / page).find_all("a", href=True):
            href = str(element["href"])
            if "_downloads/" in href:
                offered.add((built_site / unquote(urljoin(page, href))).resolve())
    stored = {p.resolve() for p in (built_site / "_downloads").rglob("*") if p.is_file()}
    assert stored, "the build has no downloads"
    assert stored <= offered, f"downloads no page offers: {sorted(map(str, stored - offered))}"


# -- The comparisons catch a difference ----------------------------------------------------------


def test_the_comparison_catches_a_changed_number() -> None:
    shown = [
        Cell("tensor([0.1000, 0.2000])"),
        Cell("loss: 1.5\n\ntensor(1.5000)", images=1),
        Cell(""),
    ]
    notebook = nbformat.v4.new_notebook()
    outputs = [
        [
            nbformat.v4.new_output(
                "execute_result",
                {"text/plain": "tensor([0.1000,\n        0.2000])"},
                execution_count=1,
            )
        ],
        [
            nbformat.v4.new_output("stream", name="stdout", text="loss: 1.6\n"),
            nbformat.v4.new_output("display_data", {"image/png": "", "text/plain": "<Figure>"}),
            nbformat.v4.new_output(
                "execute_result", {"text/plain": "tensor(1.5000)"}, execution_count=2
            ),
        ],
        [nbformat.v4.new_output("display_data", {"image/png": "", "text/plain": "<Figure>"})],
    ]
    for cell_outputs in outputs:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = cell_outputs
        notebook.cells.append(cell)
    computed, printed, _ = notebook_cells(notebook)
    assert printed == ["", "loss: 1.6\n", ""]
    differences = compare_cells(shown, computed)
    assert len(differences) == 2, differences
    assert differences[0].startswith("cell 2: the page shows\nloss: 1.5")
    assert differences[1] == "cell 3: the page shows 0 figures, the run makes 1"
    assert compare_cells(shown[:2], computed) == ["the page has 2 code cells, the notebook 3"]


def test_the_script_comparison_catches_a_value_that_is_not_printed() -> None:
    shown = [Cell("loss: 1.5\n"), Cell("tensor([0.1000, 0.2000])")]
    assert compare_script_output(shown, "loss: 1.5\ntensor([0.1000, 0.2000])\n") is None
    # A bare last expression shows on the page and prints nothing under python.
    assert compare_script_output(shown, "loss: 1.5\n") is not None
    assert compare_script_output(shown, "loss: 1.6\ntensor([0.1000, 0.2000])\n") is not None
