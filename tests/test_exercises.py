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
from exercise_notebooks import (
    ExerciseFormatError,
    make_notebook,
    notebook_name,
    read_exercises,
)

TEACHING_PAGES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for folder in ("lecture", "beyond")
    for p in (ROOT / "docs" / folder).glob("*.md")
)

PREDICT = re.compile(r"\bpredict\b", re.IGNORECASE)
SOLUTION = re.compile(
    r"^:{3,}\{solution-start\}.*?^:{3,}\{solution-end\}", re.MULTILINE | re.DOTALL
)
CODE_CELL = re.compile(
    r"^```\{code-cell\}[^\n]*\n(?::[^\n]*\n)*(.*?)^```", re.MULTILINE | re.DOTALL
)


def source(page: str) -> str:
    return (ROOT / "docs" / page).read_text(encoding="utf-8")


def solution_code(text: str) -> list[str]:
    return [cell.strip() for block in SOLUTION.findall(text) for cell in CODE_CELL.findall(block)]


# -- On the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", TEACHING_PAGES)
def test_page_ends_with_two_to_four_exercises(page: str) -> None:
    exercises = read_exercises(source(page))
    assert exercises is not None, f"{page} has no exercises"
    assert 2 <= len(exercises.exercises) <= 4, (
        f"{page} has {len(exercises.exercises)} exercises, not 2 to 4"
    )
    assert exercises.setup, f"{page}: no code cell tagged exercise-setup"
    statements = [
        "\n".join(c.source for c in e.cells if c.cell_type == "markdown")
        for e in exercises.exercises
    ]
    assert any(PREDICT.search(s) for s in statements), (
        f"{page}: no exercise asks the reader to predict before running"
    )
    text = source(page)
    assert text.index("## Exercises") > text.rindex("\n## ", 0, text.index("## Exercises") - 1)
    labels = [e.label for e in exercises.exercises]
    for label in labels:
        assert re.search(rf"\{{solution-start\}}\s+{re.escape(label)}\s*$", text, re.MULTILINE), (
            f"{page}: exercise {label} has no solution"
        )
    assert len(solution_code(text)) >= len(labels), f"{page}: a solution computes nothing"


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
    leaked = [s for s in solution_code(source(page)) if s in code]
    assert not leaked, f"{notebook_file.name} holds solution code: {leaked[0][:200]}"
    headings = [c.source for c in notebook.cells if c.source.startswith("## Exercise ")]
    assert len(headings) == len(read_exercises(source(page)).exercises)


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
    page = read_exercises(PAGE)
    assert page is not None
    assert page.title == "A page"
    assert page.setup == ["import torch"]
    (exercise,) = page.exercises
    assert exercise.label == "page-ex-1"
    assert [c.cell_type for c in exercise.cells] == ["markdown", "code"]
    statement = exercise.cells[0].source
    assert statement == "**Predict, then run.** See the softmax page and logit: $p_{i,j}$."
    assert exercise.cells[1].source == "answer = None"
    notebook = make_notebook(page, "%pip install torch", "https://example.org/page.html")
    sources = [c.source for c in notebook.cells]
    assert sources[1:3] == ["%pip install torch", "import torch"]
    assert not any("SOLUTION_CODE" in s or "shown_on_the_page_only" in s for s in sources)
    assert [c["id"] for c in notebook.cells] == [f"cell-{n}" for n in range(len(notebook.cells))]
    nbformat.validate(notebook)


def test_a_glued_value_in_a_statement_is_refused() -> None:
    glued = PAGE.replace("**Predict, then run.**", "The loss is {glue:text}`loss:.4f`.")
    with pytest.raises(ExerciseFormatError, match="glued value"):
        read_exercises(glued)


def test_an_unclosed_exercise_is_refused() -> None:
    unclosed = PAGE.replace("::::{exercise-end}\n::::\n", "")
    with pytest.raises(ExerciseFormatError, match="solution-start inside an open exercise"):
        read_exercises(unclosed)


def test_a_page_without_exercises_gives_none() -> None:
    assert read_exercises("# A page\n\nNo exercises.\n") is None
