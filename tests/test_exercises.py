"""Every teaching page ends with exercises that check themselves, and offers them as a notebook.

On the pages: each lecture page and each page past the lecture has two to four exercises, at least
one of which asks the reader to predict before running; every exercise has a solution, hidden until
asked for (a dropdown) and executed at build time. In the reader's hands: each page's exercises
download as a notebook that has the statements and the reader's cells but none of the solutions.
(That the notebooks run top to bottom in a fresh environment is proved with every other download in
the hosted-site test.)
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import nbformat
import pytest
from builtsite import ROOT, article, classes, read_page
from notebooks import (
    SETUP_TAG,
    ExerciseFormatError,
    Page,
    make_notebook,
    notebook_name,
)
from notebooks import read_page as read_myst

TEACHING_PAGES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for folder in ("lecture", "beyond")
    for p in (ROOT / "docs" / folder).glob("*.md")
)

PREDICT = re.compile(r"\bpredict\b", re.IGNORECASE)


def source(page: str) -> str:
    return (ROOT / "docs" / page).read_text(encoding="utf-8")


def solution_code(page: Page) -> list[str]:
    return [block.source.strip() for block in page.code("solution")]


def statements(page: Page) -> list[str]:
    """Each exercise's Markdown, as the page writes it."""
    return [
        "\n".join(
            b.source
            for b in page.blocks
            if b.region == "exercise" and b.exercise == number and b.kind != "code"
        )
        for number in page.labels
    ]


# -- On the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", TEACHING_PAGES)
def test_page_ends_with_two_to_four_exercises(page: str) -> None:
    read = read_myst(source(page))
    assert 2 <= read.exercise_count <= 4, f"{page} has {read.exercise_count} exercises, not 2 to 4"
    assert any(SETUP_TAG in b.tags for b in read.code()), f"{page}: no cell tagged exercise-setup"
    assert any(PREDICT.search(s) for s in statements(read)), (
        f"{page}: no exercise asks the reader to predict before running"
    )
    headings = [
        line
        for block in read.blocks
        if block.kind == "markdown"
        for line in block.source.splitlines()
        if line.startswith("## ")
    ]
    assert headings[-1] == "## Exercises", f"{page}: the last section is {headings[-1]!r}"
    solved = {b.argument for b in read.blocks if b.name == "solution-start"}
    for label in read.labels.values():
        assert label in solved, f"{page}: exercise {label} has no solution"
    for number in read.labels:
        assert any(b.exercise == number for b in read.code("solution")), (
            f"{page}: the solution of exercise {number} computes nothing"
        )


@pytest.mark.parametrize("page", TEACHING_PAGES)
def test_solutions_are_hidden_and_executed(built_site: Path, page: str) -> None:
    html = page.removesuffix(".md") + ".html"
    document = article(read_page(built_site / html))
    solutions = document.select("div.solution.admonition")
    assert len(solutions) >= 2, f"{html} shows {len(solutions)} solutions"
    for solution in solutions:
        assert "dropdown" in classes(solution), f"{html}: a solution is not hidden"
        outputs = solution.select(".cell_output")
        assert outputs, f"{html}: a solution shows no computed output"


@pytest.mark.parametrize("page", TEACHING_PAGES)
def test_page_offers_its_exercises_without_solutions(built_site: Path, page: str) -> None:
    html = page.removesuffix(".md") + ".html"
    links = [
        str(e["href"])
        for e in article(read_page(built_site / html)).find_all("a", href=True)
        if str(e["href"]).endswith(notebook_name(page.removesuffix(".md")))
    ]
    assert links, f"{html} offers no notebook of its exercises"
    notebook_file = built_site / unquote(urljoin(html, links[0]))
    notebook = nbformat.read(notebook_file, as_version=4)
    nbformat.validate(notebook)
    code = [c.source.strip() for c in notebook.cells if c.cell_type == "code"]
    install = code[0].splitlines()
    assert any(line.startswith("%pip install") for line in install), (
        f"the notebook does not start with its install cell: {code[0][:200]}"
    )
    leaked = [s for s in solution_code(read_myst(source(page))) if s in code]
    assert not leaked, f"{notebook_file.name} holds solution code: {leaked[0][:200]}"
    headings = [c.source for c in notebook.cells if c.source.startswith("## Exercise ")]
    assert len(headings) == read_myst(source(page)).exercise_count


# -- The extraction --------------------------------------------------------------------------------

PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# A page

```{code-cell} python
shown_on_the_page_only = 1
```

## Exercises

```{code-cell} python
:tags: [exercise-setup]
import torch
```

::::{exercise-start}
:label: page-ex-1
::::

**Predict, then run.** See {ref}`the softmax page <softmax>` and {term}`logit`: $p_{i,j}$.

```{code-cell} python
answer = None
```

::::{exercise-end}
::::

::::{solution-start} page-ex-1
:class: dropdown
::::

```{code-cell} python
answer = "SOLUTION_CODE"
```

::::{solution-end}
::::
"""


def test_the_notebook_has_statements_and_cells_but_no_solutions() -> None:
    page = read_myst(PAGE)
    assert page.title == "A page"
    assert [b.source for b in page.code() if SETUP_TAG in b.tags] == ["import torch"]
    assert page.labels == {1: "page-ex-1"}
    assert solution_code(page) == ['answer = "SOLUTION_CODE"']
    notebook = make_notebook(page, "%pip install torch", "https://example.org/page.html")
    sources = [c.source for c in notebook.cells]
    assert sources[1:3] == ["%pip install torch", "import torch"]
    assert sources[3:] == [
        "## Exercise 1",
        "**Predict, then run.** See the softmax page and logit: $p_{i,j}$.",
        "answer = None",
    ]
    assert [c.cell_type for c in notebook.cells[3:]] == ["markdown", "markdown", "code"]
    assert not any("SOLUTION_CODE" in s or "shown_on_the_page_only" in s for s in sources)
    assert [c["id"] for c in notebook.cells] == [f"cell-{n}" for n in range(len(notebook.cells))]
    nbformat.validate(notebook)


def test_a_glued_value_in_a_statement_is_refused() -> None:
    glued = PAGE.replace("**Predict, then run.**", "The loss is {glue:text}`loss:.4f`.")
    with pytest.raises(ExerciseFormatError, match="glued value"):
        make_notebook(read_myst(glued), None, "page.html")


def test_an_unclosed_exercise_is_refused() -> None:
    unclosed = PAGE.replace("::::{exercise-end}\n::::\n", "")
    with pytest.raises(ExerciseFormatError, match="solution-start inside an open exercise"):
        read_myst(unclosed)


def test_a_page_without_exercises_has_none() -> None:
    page = read_myst("# A page\n\nNo exercises.\n")
    assert (page.title, page.exercise_count, page.code()) == ("A page", 0, [])
