"""The scripts and notebooks a reader downloads run, and print what their pages show.

A wheel of ``xentdocs`` is built from the package's own files, and installed with torch (the pinned
version) in a fresh virtual environment: nothing from the checkout is importable there, and the
scripts run in a temporary folder, as they would on a reader's machine. ``ipykernel`` joins them
only to give the notebooks a kernel. Each downloaded ``.py`` runs with ``python script.py``; each
``.ipynb`` is executed with nbclient on that environment's kernel.

What a page shows for a code cell is what the cell printed, then the value of its last expression
(sphinx-gallery's ``capture_repr``). A notebook shows the same two things per cell, so each cell's
notebook output must match the page's, and the plain script (which prints only what it prints) must
print exactly the notebook's printed parts, in order. A gallery script whose docstring says
``TIMING_SENTENCE`` measures time; it must run, but its numbers are not compared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest
from builtsite import ROOT, article, html_pages, is_timing_example, read_page

EXAMPLES = [p.stem for p in sorted((ROOT / "examples").glob("plot_*.py"))]
PACKAGE_PARTS = ("pyproject.toml", "README.md", "xentdocs")
# Besides the wheel (with its ``examples`` extra, matplotlib, as the gallery's install line says) and
# torch, only what executing a notebook needs: a kernel.
KERNEL = ["ipykernel"]
TIMEOUT = 600
# With MPLBACKEND=Agg (no display here) plt.show() says it cannot show; a reader's backend shows.
AGG_WARNING = re.compile(
    r".*UserWarning: FigureCanvasAgg is non-interactive, and thus cannot be shown\n(  .*\n)?"
)
# A default repr differs between runs by its address, and between IPython and repr() by " object".
ADDRESS = re.compile(r"<([\w.]+)(?: object)? at 0x[0-9a-fA-F]+>")


# -- What a page shows ---------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    images: int = 0


def page_cells(page: Path) -> list[Cell]:
    """The output sphinx-gallery shows under each code cell of an example page, in order."""
    cells: list[Cell] = []
    for element in article(read_page(page)).iter():
        if "sphx-glr-footer" in element.classes:
            break
        if element.tag == "div" and "highlight-Python" in element.classes:
            cells.append(Cell())
        elif cells and "sphx-glr-script-out" in element.classes:
            cells[-1].text += element.text()
        elif (
            cells
            and element.tag == "img"
            and element.classes & {"sphx-glr-single-img", "sphx-glr-multi-img"}
        ):
            cells[-1].images += 1
    return cells


def notebook_cells(notebook: nbformat.NotebookNode) -> tuple[list[Cell], list[str], list[str]]:
    """Each code cell's output as the page would show it, what the cells printed, and their stderr."""
    cells, printed, errors = [], [], []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        stdout, value, images = "", "", 0
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                stdout += output.text
            elif output.output_type == "stream":
                errors.append(output.text)
            elif output.output_type == "execute_result":
                value = output.data.get("text/plain", "")
            if output.output_type in {
                "display_data",
                "execute_result",
            } and "image/png" in output.get("data", {}):
                images += 1
        printed.append(stdout)
        cells.append(Cell(f"{stdout}\n{value}" if value else stdout, images))
    return cells, printed, errors


def same_text(text: str) -> str:
    """Text as compared: addresses out, and all whitespace alike (IPython wraps long values)."""
    return " ".join(ADDRESS.sub(r"<\1>", text).split())


def same_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def compare_cells(shown: list[Cell], computed: list[Cell]) -> list[str]:
    """What differs between a page's cells and a run's cells, in words."""
    if len(shown) != len(computed):
        return [f"the page has {len(shown)} code cells, the notebook {len(computed)}"]
    differences = []
    for number, (page, run) in enumerate(zip(shown, computed, strict=True), start=1):
        if same_text(page.text) != same_text(run.text):
            differences.append(
                f"cell {number}: the page shows\n{page.text.strip()}\n--- the run gives\n{run.text.strip()}"
            )
        if page.images != run.images:
            differences.append(
                f"cell {number}: the page shows {page.images} figures, the run makes {run.images}"
            )
    return differences


# -- The downloads -------------------------------------------------------------------------------


def downloads_of(site: Path, page: str) -> dict[str, Path]:
    """The files a page offers for download, by kind (python, jupyter, zip)."""
    found = {}
    for element in article(read_page(site / page)).iter():
        kinds = [
            c.removeprefix("sphx-glr-download-")
            for c in element.classes
            if c.startswith("sphx-glr-download-")
        ]
        link = element.find("a", "download")
        if kinds and link is not None:
            found[kinds[0]] = site / unquote(urljoin(page, link.attrs["href"]))
    return found


# -- A reader's environment ----------------------------------------------------------------------


@dataclass
class Reader:
    """A fresh virtual environment with the wheel and torch, and how to run things in it."""

    python: Path
    kernels: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(self, args: list[str], cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            cwd=cwd,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def clean_env(venv: Path) -> dict[str, str]:
    """The environment of a reader's shell with the venv activated: nothing points into the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA", "JUPYTER"))
    }
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    env["OMP_NUM_THREADS"] = "1"  # as in the build, so the numbers are computed the same way
    return env


def check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


def torch_requirement() -> str:
    """The torch pin of the project's own sessions (pyproject's ``torch`` dependency group)."""
    pin = re.search(
        r'^torch = \["(torch==[^"]+)"\]',
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert pin, 'pyproject.toml has no `torch = ["torch==..."]` dependency group'
    return pin[1]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Reader:
    base = tmp_path_factory.mktemp("reader")
    source = base / "source"
    source.mkdir()
    for part in PACKAGE_PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(
                ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(ROOT / part, source / part)
    check(
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(base / "dist"), str(source)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        ),
        "building the wheel",
    )
    (wheel,) = (base / "dist").glob("xentdocs-*.whl")
    venv = base / "venv"
    check(
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
        ),
        "making the venv",
    )
    reader = Reader(venv / "bin" / "python", base / "jupyter", base / "work")
    reader.env = clean_env(venv)
    reader.workdir.mkdir()
    check(
        reader.run(
            [
                str(reader.python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                torch_requirement(),
                f"{wheel}[examples]",
                *KERNEL,
            ],
            cwd=base,
        ),
        "installing the wheel and torch",
    )
    where = reader.run(
        [str(reader.python), "-c", "import xentdocs; print(xentdocs.__file__)"], cwd=reader.workdir
    )
    check(where, "importing xentdocs")
    assert Path(where.stdout.strip()).is_relative_to(venv), (
        f"xentdocs came from {where.stdout.strip()}, not the wheel"
    )
    # A kernel that runs the venv's Python, known to the notebook runner only.
    spec = reader.kernels / "kernels" / "reader"
    spec.mkdir(parents=True)
    argv = [str(reader.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "reader", "language": "python"})
    )
    return reader


@dataclass
class Run:
    source: str
    script: subprocess.CompletedProcess[str]
    notebook: subprocess.CompletedProcess[str]
    executed: nbformat.NotebookNode | None


def run_example(reader: Reader, python_file: Path, notebook_file: Path, name: str) -> Run:
    folder = reader.workdir / name
    folder.mkdir()
    shutil.copy2(python_file, folder / python_file.name)
    shutil.copy2(notebook_file, folder / notebook_file.name)
    script = reader.run([str(reader.python), python_file.name], cwd=folder, MPLBACKEND="Agg")
    executed = folder / f"executed-{notebook_file.name}"
    # nbclient runs in a process of its own (the tests' Python), on the venv's kernel.
    notebook = reader.run(
        [
            sys.executable,
            "-c",
            "from nbclient.cli import main; main()",
            notebook_file.name,
            f"--output={executed.stem}",
            "--kernel_name=reader",
            f"--timeout={TIMEOUT}",
        ],
        cwd=folder,
        JUPYTER_PATH=str(reader.kernels),
    )
    executed_notebook = nbformat.read(executed, as_version=4) if executed.exists() else None
    return Run(python_file.read_text(encoding="utf-8"), script, notebook, executed_notebook)


@pytest.fixture(scope="module")
def runs(reader: Reader, built_site: Path) -> dict[str, Run]:
    """Run every example's downloads, a few at a time, once for all the tests below."""
    jobs = {}
    for name in EXAMPLES:
        files = downloads_of(built_site, f"auto_examples/{name}.html")
        if "python" in files and "jupyter" in files:
            jobs[name] = (files["python"], files["jupyter"])
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        futures = {
            name: pool.submit(run_example, reader, *files, name) for name, files in jobs.items()
        }
        return {name: future.result() for name, future in futures.items()}


# -- Tests -----------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("name", EXAMPLES)
def test_downloaded_script_runs_and_prints_what_its_page_shows(
    runs: dict[str, Run], name: str
) -> None:
    if name not in runs:
        pytest.fail(f"{name}'s page offers no script and notebook to run", pytrace=False)
    run = runs[name]
    check(run.script, f"python {name}.py")
    stderr = AGG_WARNING.sub("", run.script.stderr)
    if stderr.strip():
        pytest.fail(
            f"python {name}.py wrote to stderr, which its page does not show:\n{stderr}",
            pytrace=False,
        )
    # What each cell prints (its page shows that, then the cell's value) comes from the notebook.
    check(run.notebook, f"executing {name}.ipynb, to know what its cells print,")
    assert run.executed is not None
    _, printed, _ = notebook_cells(run.executed)
    if is_timing_example(run.source):
        return
    if same_lines(run.script.stdout) != same_lines("".join(printed)):
        pytest.fail(
            f"python {name}.py printed\n{run.script.stdout}\n--- but its cells, as its page shows them, print\n"
            + "".join(printed),
            pytrace=False,
        )


@pytest.mark.parametrize("name", EXAMPLES)
def test_downloaded_notebook_runs_and_shows_what_its_page_shows(
    runs: dict[str, Run], built_site: Path, name: str
) -> None:
    if name not in runs:
        pytest.fail(f"{name}'s page offers no script and notebook to run", pytrace=False)
    run = runs[name]
    check(run.notebook, f"executing {name}.ipynb")
    assert run.executed is not None
    computed, _, errors = notebook_cells(run.executed)
    if errors:
        pytest.fail(
            f"{name}.ipynb wrote to stderr, which its page does not show:\n" + "".join(errors),
            pytrace=False,
        )
    if is_timing_example(run.source):
        return
    differences = compare_cells(page_cells(built_site / f"auto_examples/{name}.html"), computed)
    if differences:
        pytest.fail(
            f"{name}: the notebook's outputs differ from the page's:\n" + "\n\n".join(differences),
            pytrace=False,
        )


def test_download_all_zips_hold_every_example(built_site: Path) -> None:
    everything = downloads_of(built_site, "auto_examples/index.html")
    assert set(everything) == {"python", "jupyter"}, f"the gallery offers {sorted(everything)}"
    for kind, suffix in [("python", ".py"), ("jupyter", ".ipynb")]:
        with zipfile.ZipFile(everything[kind]) as archive:
            names = sorted(archive.namelist())
            assert names == sorted(f"{name}{suffix}" for name in EXAMPLES), (
                f"{everything[kind].name} holds {names}"
            )
            for name in EXAMPLES:
                single = downloads_of(built_site, f"auto_examples/{name}.html")[kind]
                assert archive.read(f"{name}{suffix}") == single.read_bytes(), (
                    f"{name}{suffix} in the zip differs"
                )


def test_every_downloadable_file_is_offered_by_a_page(built_site: Path) -> None:
    offered = set()
    for page in html_pages(built_site):
        for element in read_page(built_site / page).find_all("a"):
            href = element.attrs.get("href", "")
            if "_downloads/" in href:
                offered.add((built_site / unquote(urljoin(page, href))).resolve())
    stored = {p.resolve() for p in (built_site / "_downloads").rglob("*") if p.is_file()}
    assert stored, "the build has no downloads"
    assert stored <= offered, f"downloads no page offers: {sorted(map(str, stored - offered))}"


# -- The comparison catches a difference ---------------------------------------------------------


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
