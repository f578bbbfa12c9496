"""Every page with code downloads as a notebook that shows what the page shows.

On the built site: each page whose code a reader sees offers its notebook in the theme's download
menu (its ``.ipynb`` entry), beside the exercise notebook where the page has exercises; the
notebook starts with the site's install cell, holds the page's prose as Markdown with its math and
no MyST left in it (no role, no glue call), and carries the outputs the build computed: the same
tensors and figures, cell by cell, as the page shows. Without a repository address the site has no
Colab links. (That the notebooks run as downloaded is proved in ``test_hosted.py``.)

The conversion itself is checked on a small page: which hidden cells stay, glued values, roles,
directives, and the failures that must be loud.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest
from builtsite import ROOT, read_page
from notebooks import (
    ExerciseFormatError,
    Roles,
    has_visible_code,
    make_page_notebook,
    notebook_name,
)
from notebooks import (
    read_page as read_myst,
)
from readers import (
    compare_tensors,
    myst_page_cells,
    notebook_cells,
    page_notebook_link,
    shown_cells,
    tensors_in,
)
from sphinx.errors import ExtensionError

SOURCES = sorted((ROOT / "docs").rglob("*.md"))
PAGES_WITH_CODE = [
    p.relative_to(ROOT / "docs").with_suffix("").as_posix()
    for p in SOURCES
    if has_visible_code(read_myst(p.read_text(encoding="utf-8")))
]
# What only the build understands: none of it may reach a notebook.
MYST = ("{term}`", "{ref}`", "{glue", "{func}`", "{doc}`", "{cite", ":::{", "```{", "(label)=")


def test_the_pages_with_code_are_the_lecture_and_past_it() -> None:
    assert {p.split("/")[0] for p in PAGES_WITH_CODE} >= {"lecture", "beyond"}
    assert "beyond/20-cheat-sheet" in PAGES_WITH_CODE
    assert "glossary" not in PAGES_WITH_CODE


def notebook_of(site: Path, docname: str) -> tuple[nbformat.NotebookNode, str]:
    html = f"{docname}.html"
    link = page_notebook_link(site, html)
    assert link, f"{html}: the download menu offers no .ipynb"
    notebook = nbformat.read(site / link, as_version=4)
    nbformat.validate(notebook)
    return notebook, html


@pytest.mark.parametrize("docname", PAGES_WITH_CODE)
def test_page_notebook_is_the_page_as_built(built_site: Path, docname: str) -> None:
    notebook, html = notebook_of(built_site, docname)
    first = notebook.cells[0]
    assert first.cell_type == "code", f"{docname}'s notebook does not start with code"
    assert "%pip install" in first.source, f"{docname}'s notebook does not start installing"
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    leftover = [m for m in MYST if m in markdown]
    assert not leftover, f"{docname}'s notebook still has MyST markup: {leftover}"
    assert "glue(" not in code, f"{docname}'s notebook calls glue"
    assert "myst_nb" not in code, f"{docname}'s notebook imports myst_nb"
    source = (ROOT / "docs" / f"{docname}.md").read_text(encoding="utf-8")
    if "$$" in source:
        assert "$$" in markdown, f"{docname}'s notebook lost its display math"
    differences = compare_tensors(
        myst_page_cells(built_site / html), notebook_cells(shown_cells(notebook))[0]
    )
    assert not differences, f"{docname}'s notebook differs from its page:\n" + "\n".join(
        differences
    )


# What the site's install cell gives a notebook: torch, matplotlib (and its NumPy), xentdocs,
# and the kernel's IPython.
INSTALLED = {"torch", "matplotlib", "numpy", "xentdocs", "IPython"}


def imported_modules(notebook: nbformat.NotebookNode) -> set[str]:
    found = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        # A magic (%pip) line is no Python: a pass in its place keeps the blocks it sits in.
        lines = cell.source.splitlines()
        source = "\n".join(
            line[: len(line) - len(line.lstrip())] + "pass"
            if line.lstrip().startswith(("%", "!"))
            else line
            for line in lines
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("docname", PAGES_WITH_CODE)
def test_a_page_notebook_installs_every_package_it_imports(built_site: Path, docname: str) -> None:
    """A reader's kernel has what the install cell installs; any other import is installed too."""
    notebook, _ = notebook_of(built_site, docname)
    install = notebook.cells[0].source
    # A module the notebook fetches from the site into its folder (notebooks_files) is there too.
    fetched = {
        Path(name).stem
        for cell in notebook.cells
        if cell.cell_type == "code" and "urlretrieve" in cell.source
        for name in re.findall(r"[\w.-]+\.py\b", cell.source)
    }
    others = imported_modules(notebook) - INSTALLED - fetched - set(sys.stdlib_module_names)
    missing = {
        name for name in others if DISTRIBUTIONS.get(name, name) not in install.replace("_", "-")
    }
    assert not missing, f"{docname}'s notebook imports {sorted(missing)} but does not install them"


# A module whose distribution on PyPI has another name.
DISTRIBUTIONS = {"sklearn": "scikit-learn"}


@pytest.mark.parametrize("docname", PAGES_WITH_CODE)
def test_the_download_menu_offers_the_page_and_its_exercises(
    built_site: Path, docname: str
) -> None:
    document = read_page(built_site / f"{docname}.html")
    menu = [
        a.get_text().strip()
        for e in document.find_all(class_="dropdown-download-buttons")
        for a in e.find_all("a")
    ]
    assert ".ipynb" in menu, f"{docname}: the download menu has {menu}"
    exercises = (ROOT / "docs" / f"{docname}.md").read_text(encoding="utf-8")
    if "{exercise-start}" in exercises:
        hrefs = [
            a.attrs.get("href", "")
            for e in document.find_all(class_="dropdown-download-buttons")
            for a in e.find_all("a")
        ]
        assert any(h.endswith(notebook_name(docname)) for h in hrefs), hrefs
    colab = [
        a for a in document.find_all("a") if "colab.research.google.com" in a.attrs.get("href", "")
    ]
    assert not colab, f"{docname}: Colab links without a repository address"


# -- The conversion --------------------------------------------------------------------------------

PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

(a-page)=
# A page

The {term}`logit <logits>` of {ref}`the softmax page <softmax>`; see {func}`~torch.softmax`,
with $p_i$ and

$$
\\sum_i p_i = 1
$$

```{code-cell} python
:tags: [remove-cell]
import torch
from myst_nb import glue

torch.manual_seed(0)
```

```{code-cell} python
:tags: [remove-cell]
scale = 2.0
unused = 3.0
glue("half", 0.5, display=False)
```

```{code-cell} python
:tags: [remove-cell]
assert torch.tensor(1.0).item() == 1.0
```

The half is {glue:text}`half:.2f`.

:::{note}
A note with {term}`softmax`.
:::

```{code-cell} python
x = torch.ones(2) * scale
x
```

```{code-cell} python
:tags: [remove-output]
print("hidden output")
```
"""


def executed(page_text: str) -> nbformat.NotebookNode:
    """The page's cells as myst-nb executes them, with made-up outputs."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(page_text)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="out\n")]
    return notebook


def convert(page_text: str = PAGE) -> nbformat.NotebookNode:
    glue = {"half": {"data": {"text/plain": "0.5"}}}
    links = Roles(
        glue,
        link=lambda role, target: f"https://x/{role}/{target}" if role == "term" else None,
        title=lambda role, target: None,
    )
    return make_page_notebook(
        read_myst(page_text), executed(page_text), links, "%pip install torch", "https://x/p"
    )


def test_the_page_notebook_keeps_the_setup_it_needs_and_no_glue() -> None:
    notebook = convert()
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].source == "%pip install torch"
    sources = [c.source for c in code[1:]]
    # The seed and the imports (they act, or bind what later cells read), and scale's cell;
    # the assertion is proof for the page, not set-up, and goes.
    assert sources == [
        "import torch\n\ntorch.manual_seed(0)",
        "scale = 2.0\nunused = 3.0",
        "x = torch.ones(2) * scale\nx",
        'print("hidden output")',
    ]
    assert code[1].metadata["tags"] == ["remove-cell"]
    assert [len(c.outputs) for c in code[1:]] == [1, 1, 1, 0]  # remove-output shows none
    assert [c["id"] for c in notebook.cells] == [f"cell-{n}" for n in range(len(notebook.cells))]
    nbformat.validate(notebook)


def test_the_page_notebook_has_the_prose_without_myst() -> None:
    markdown = "\n\n".join(c.source for c in convert().cells if c.cell_type == "markdown")
    assert "# A page" in markdown
    assert "The [logit](https://x/term/logits) of the softmax page; see `softmax`," in markdown
    assert "$$\n\\sum_i p_i = 1\n$$" in markdown
    assert "$p_i$" in markdown
    assert "The half is 0.50." in markdown
    assert "> **Note**\n>\n> A note with [softmax](https://x/term/softmax)." in markdown
    assert "(a-page)=" not in markdown
    assert "{" not in markdown


def test_a_missing_glue_value_and_an_unknown_directive_fail() -> None:
    with pytest.raises(ExtensionError, match="no glued value 'other'"):
        convert(PAGE.replace("half:.2f", "other:.2f"))
    with pytest.raises(ExtensionError, match=r"no notebook form for the directive \{figure\}"):
        convert(PAGE.replace(":::{note}", ":::{figure} x.png"))
    nested = PAGE.replace('glue("half", 0.5, display=False)', 'if True:\n    glue("half", 0.5)')
    with pytest.raises(ExtensionError, match="not a statement of its own"):
        convert(nested)


def test_an_exercise_statement_may_not_glue() -> None:
    roles = Roles()
    with pytest.raises(ExerciseFormatError, match="glued value"):
        roles("glue:text", "half:.2f")


def test_the_tensor_comparison_catches_a_changed_value() -> None:
    from readers import Cell

    assert tensors_in("a tensor([[1, 2],\n   [3, 4]]) and tensor(0.5000)") == [
        "tensor([[1, 2], [3, 4]])",
        "tensor(0.5000)",
    ]
    shown = [Cell("tensor([1., 2.])"), Cell("took 3 ms")]
    assert compare_tensors(shown, [Cell("tensor([1.,\n 2.])"), Cell("took 4 ms")]) == []
    assert compare_tensors(shown, [Cell("tensor([1., 3.])"), Cell("")]) != []
    assert compare_tensors(shown, shown[:1]) != []
