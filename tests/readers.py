"""What a reader gets from the site's downloads, and what its pages show, side by side.

Shared by ``test_downloads.py`` (the files the site offers) and ``test_hosted.py`` (a reader who
has nothing but the site's address runs them). What a gallery page shows for a code cell is what
the cell printed, then the value of its last expression (sphinx-gallery's ``capture_repr``); a
notebook shows the same two things per cell; a script run with ``python`` shows only what it
prints, so a script whose page shows every value with ``print`` prints exactly its page.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest
from builtsite import ROOT, article, classes, read_page

TIMEOUT = 900
# A matplotlib backend for scripts run here (no display): it draws like Agg, and its show() does
# what a window's does when the reader closes it (the figures are gone), after writing how many
# figures it showed to the file SHOWN_FIGURES_LOG names. So a test sees every plt.show() call.
SHOW_RECORDER = """\
import os

from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase


def show(*args, **kwargs):
    managers = Gcf.get_all_fig_managers()
    with open(os.environ["SHOWN_FIGURES_LOG"], "a") as log:
        log.write(f"{len(managers)}\\n")
    Gcf.destroy_all()
"""
# A default repr differs between runs by its address, and between IPython and repr() by " object".
ADDRESS = re.compile(r"<([\w.]+)(?: object)? at 0x[0-9a-fA-F]+>")
# What a notebook's kernel needs besides what the notebook installs itself.
KERNEL = ["ipykernel"]


# -- What a page shows ---------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    images: int = 0


def page_cells(page: Path) -> list[Cell]:
    """The output sphinx-gallery shows under each code cell of an example page, in order."""
    cells: list[Cell] = []
    for element in article(read_page(page)).find_all(True):
        if "sphx-glr-footer" in classes(element):
            break
        if element.name == "div" and "highlight-Python" in classes(element):
            cells.append(Cell())
        elif cells and "sphx-glr-script-out" in classes(element):
            cells[-1].text += element.get_text()
        elif (
            cells
            and element.name == "img"
            and classes(element) & {"sphx-glr-single-img", "sphx-glr-multi-img"}
        ):
            cells[-1].images += 1
    return cells


def myst_page_cells(page: Path) -> list[Cell]:
    """What a MyST page shows under each code cell it shows (myst-nb's cell outputs), in order."""
    cells: list[Cell] = []
    for element in article(read_page(page)).find_all(True):
        if element.name == "div" and "cell" in classes(element):
            cells.append(Cell())
        elif cells and "cell_output" in classes(element):
            cells[-1].text += element.get_text()
            # An explorable figure is drawn in HTML on the page; a notebook also gets its PNG.
            cells[-1].images += len(element.find_all("img"))
            cells[-1].images += len(element.find_all("figure", class_="xd-explorable"))
    return cells


def tensors_in(text: str) -> list[str]:
    """Each ``tensor(...)`` a text shows, whitespace made alike, in order."""
    found, start = [], text.find("tensor(")
    while start != -1:
        depth, end = 0, start + len("tensor")
        for end in range(start + len("tensor"), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        found.append(same_text(text[start : end + 1]))
        start = text.find("tensor(", end + 1)
    return found


def compare_tensors(shown: list[Cell], computed: list[Cell]) -> list[str]:
    """Where the tensors (and the number of figures) of a run differ from a page's, in words."""
    if len(shown) != len(computed):
        return [f"the page shows {len(shown)} code cells, the notebook has {len(computed)}"]
    differences = []
    for number, (page, run) in enumerate(zip(shown, computed, strict=True), start=1):
        if tensors_in(page.text) != tensors_in(run.text):
            differences.append(
                f"cell {number}: the page shows the tensors\n{tensors_in(page.text)}\n"
                f"--- the run gives\n{tensors_in(run.text)}"
            )
        if page.images != run.images:
            differences.append(
                f"cell {number}: the page shows {page.images} figures, the run makes {run.images}"
            )
    return differences


def shown_cells(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A page notebook as its page shows it: without its install and file cells, the cells the
    page hides, and the outputs it hides."""
    copy = nbformat.from_dict(notebook)
    code = [c for c in copy.cells if c.cell_type == "code"]
    first = 1 + sum(1 for c in code[1:2] if "urllib.request.urlretrieve" in c.source)
    copy.cells = [c for c in code[first:] if "remove-cell" not in c.metadata.get("tags", [])]
    for cell in copy.cells:
        if "remove-output" in cell.metadata.get("tags", []):
            cell.outputs = []  # the page shows the code, not what it gives
    return copy


def page_notebook_link(site: Path, page: str) -> str | None:
    """The site path of the notebook a page's download menu offers as its ``.ipynb``."""
    document = read_page(site / page)
    for element in document.find_all("a"):
        if element.get_text().strip() == ".ipynb":
            return unquote(urljoin(page, element["href"]))
    return None


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


def compare_script_output(shown: list[Cell], stdout: str) -> str | None:
    """How a script's output differs from everything its page shows, or None when it does not."""
    expected = "".join(
        cell.text if cell.text.endswith("\n") else cell.text + "\n" for cell in shown
    )
    if same_text(expected) == same_text(stdout):
        return None
    return f"the page shows\n{expected.strip()}\n--- python printed\n{stdout.strip()}"


# -- The downloads -------------------------------------------------------------------------------


def download_links(site: Path, page: str) -> dict[str, str]:
    """The files a page's gallery footer offers, by kind (python, jupyter, zip), as site paths."""
    found = {}
    for element in article(read_page(site / page)).find_all(True):
        kinds = [
            c.removeprefix("sphx-glr-download-")
            for c in sorted(classes(element))
            if c.startswith("sphx-glr-download-")
        ]
        link = element.find("a", class_="download", href=True)
        if kinds and link is not None:
            found[kinds[0]] = unquote(urljoin(page, str(link["href"])))
    return found


def downloads_of(site: Path, page: str) -> dict[str, Path]:
    """The files a page offers for download, by kind (python, jupyter, zip)."""
    return {kind: site / path for kind, path in download_links(site, page).items()}


def examples_archive_link(site: Path) -> str:
    """The site path of the archive of every example, as the gallery's index page links it."""
    page = "auto_examples/index.html"
    hrefs = [
        unquote(urljoin(page, str(a["href"])))
        for a in article(read_page(site / page)).find_all("a", href=True)
        if str(a["href"]).endswith(".zip")
    ]
    assert len(hrefs) == 1, f"the gallery's index links {len(hrefs)} archives: {hrefs}"
    return hrefs[0]


def torch_requirement() -> str:
    """The torch pin of the project's own sessions (pyproject's ``torch`` dependency group)."""
    pin = re.search(
        r'^torch = \["(torch==[^"]+)"\]',
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert pin, 'pyproject.toml has no `torch = ["torch==..."]` dependency group'
    return pin[1]


# -- A reader's environment ----------------------------------------------------------------------


def clean_env(venv: Path) -> dict[str, str]:
    """The environment of a reader's shell with the venv activated: nothing points into the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA", "JUPYTER", "XENTDOCS"))
    }
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["OMP_NUM_THREADS"] = "1"  # as in the build, so the numbers are computed the same way
    return env


def check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )


@dataclass
class Reader:
    """A fresh virtual environment (nothing from the checkout) and how to run things in it."""

    venv: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def kernels(self) -> Path:
        return self.venv.parent / "jupyter"

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

    def pip(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return self.run([str(self.python), "-m", "pip", *args], cwd=cwd)

    def imported_from(self, module: str) -> Path:
        where = self.run(
            [str(self.python), "-c", f"import {module}; print({module}.__file__)"], cwd=self.workdir
        )
        check(where, f"importing {module}")
        return Path(where.stdout.strip())

    def add_kernel(self) -> None:
        """A kernel that runs the venv's Python, known to the notebook runner only."""
        spec = self.kernels / "kernels" / "reader"
        spec.mkdir(parents=True, exist_ok=True)
        argv = [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        (spec / "kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "reader", "language": "python"})
        )

    def execute_notebook(self, notebook: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
        """Run ``notebook`` with nbclient (in the tests' Python) on the venv's kernel."""
        executed = notebook.with_name(f"executed-{notebook.name}")
        result = self.run(
            [
                sys.executable,
                "-c",
                "from nbclient.cli import main; main()",
                notebook.name,
                f"--output={executed.stem}",
                "--kernel_name=reader",
                f"--timeout={TIMEOUT}",
            ],
            cwd=notebook.parent,
            JUPYTER_PATH=str(self.kernels),
        )
        return result, executed


def show_recorder_env(folder: Path, log: Path) -> dict[str, str]:
    """The environment that makes ``python script.py`` use the recording backend above."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "show_recorder.py").write_text(SHOW_RECORDER, encoding="utf-8")
    return {
        "PYTHONPATH": str(folder),
        "MPLBACKEND": "module://show_recorder",
        "SHOWN_FIGURES_LOG": str(log),
    }


def figures_shown(log: Path) -> list[int]:
    """How many figures each plt.show() call showed, in order."""
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def make_reader(base: Path) -> Reader:
    """A fresh venv made by ``python -m venv``: pip and nothing else."""
    venv = base / "venv"
    check(
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, check=False
        ),
        "making the venv",
    )
    reader = Reader(venv, base / "work")
    reader.env = clean_env(venv)
    reader.workdir.mkdir(parents=True)
    return reader
