"""Offer each page's exercises as a notebook to download, without the solutions.

A page's exercises are sphinx-exercise's gated directives at the end of the page (see
``docs/notation.md`` for the book's notation and the book plan for the format)::

    ## Exercises

    ```{code-cell} python
    :tags: [exercise-setup]
    import torch                     # everything the exercises use
    ```

    ::::{exercise-start}
    :label: softmax-ex-1
    ::::
    The statement, in Markdown.
    ```{code-cell} python
    answer = None                    # the learner's cell
    ```
    ::::{exercise-end}
    ::::

    ::::{solution-start} softmax-ex-1
    :class: dropdown
    ::::
    ```{code-cell} python
    ...                              # never in the notebook
    ```
    ::::{solution-end}
    ::::

The notebook holds, in order: a title that links back to the page, the install cell every
downloaded notebook of the site starts with (from the ``hosting`` extension, when it is loaded), the
cells tagged ``exercise-setup``, then each exercise's statement and code cells. Solutions are left
out. MyST roles in a statement become their plain text (a notebook cannot resolve them); a glued
value cannot be shown outside the page, so a ``{glue...}`` role in a statement fails the build.

The notebook is written to ``_downloads/exercises/<page>.ipynb`` and the page's "Exercises" section
gets a link to it. Cell ids are numbered, so two builds write the same bytes. Exercises are numbered
from 1 on each page, on the page as in its notebook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

FOLDER = "_downloads/exercises"
SETUP_TAG = "exercise-setup"
DIRECTIVE = re.compile(
    r"^(:{3,})\{(exercise-start|exercise-end|solution-start|solution-end)\}(.*)$"
)
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$")


class ExerciseFormatError(ValueError):
    """The page's exercises do not follow the format this extension reads."""


@dataclass
class Exercise:
    label: str
    cells: list[nbformat.NotebookNode] = field(default_factory=list)


@dataclass
class PageExercises:
    title: str
    setup: list[str] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)


def plain_roles(text: str) -> str:
    """``{term}`softmax``` -> ``softmax``; ``{ref}`the page <label>``` -> ``the page``."""

    def replace(match: re.Match[str]) -> str:
        role, content = match[1], match[2]
        if role.startswith("glue"):
            raise ExerciseFormatError(
                f"a glued value ({match[0]}) cannot be shown in the downloaded notebook;"
                " compute it in the exercise's code cell instead"
            )
        if role == "math":
            return f"${content}$"
        target = TARGET.match(content)
        shown = target[1] if target else content
        if role in {"func", "meth", "class", "mod", "attr", "data", "obj", "code"}:
            return f"`{shown.lstrip('~')}`"
        return shown

    return ROLE.sub(replace, text)


def read_exercises(text: str) -> PageExercises | None:
    """The exercises of a MyST page (its source text), or None if it has none."""
    notebook = read_myst_markdown_notebook(text)
    title_match = re.search(r"^# (.+)$", text, re.MULTILINE)
    page = PageExercises(title=title_match[1].strip().strip("`") if title_match else "Exercises")
    state = "outside"  # or "exercise", "solution"
    current: Exercise | None = None
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            if SETUP_TAG in tags:
                page.setup.append(cell.source)
            elif state == "exercise" and current is not None:
                current.cells.append(nbformat.v4.new_code_cell(cell.source))
            continue
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        kept: list[str] = []
        index = 0
        while index < len(lines):
            match = DIRECTIVE.match(lines[index])
            if match is None:
                if state == "exercise":
                    kept.append(lines[index])
                index += 1
                continue
            fence, name, argument = match[1], match[2], match[3].strip()
            options = {}
            index += 1
            while index < len(lines) and lines[index].strip() != fence:
                option = OPTION.match(lines[index].strip())
                if option:
                    options[option[1]] = option[2]
                index += 1
            index += 1  # the closing fence
            if state == "exercise" and current is not None:
                flush(current, kept)
            kept = []
            if name == "exercise-start":
                if state != "outside":
                    raise ExerciseFormatError(f"exercise-start inside an open {state}")
                label = options.get("label") or argument or f"exercise-{len(page.exercises) + 1}"
                current = Exercise(label)
                page.exercises.append(current)
                state = "exercise"
            elif name == "exercise-end":
                if state != "exercise":
                    raise ExerciseFormatError("exercise-end without an open exercise-start")
                state, current = "outside", None
            elif name == "solution-start":
                if state != "outside":
                    raise ExerciseFormatError(f"solution-start inside an open {state}")
                state = "solution"
            else:
                if state != "solution":
                    raise ExerciseFormatError("solution-end without an open solution-start")
                state = "outside"
        if state == "exercise" and current is not None:
            flush(current, kept)
    if state != "outside":
        raise ExerciseFormatError(f"the page ends inside an open {state}")
    return page if page.exercises else None


def flush(exercise: Exercise, lines: list[str]) -> None:
    text = "\n".join(lines).strip()
    if text:
        exercise.cells.append(nbformat.v4.new_markdown_cell(plain_roles(text)))


def make_notebook(page: PageExercises, install: str | None, page_url: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    intro = (
        f"# Exercises: {page.title}\n\n"
        f"The exercises of the page [{page.title}]({page_url}), without their solutions (the"
        " page has them, hidden until you ask). Run the cells from the top: each runs as it is."
        " Where an exercise asks for your answer, its cell says there is none yet until you"
        " replace `None` with your code."
    )
    cells = [nbformat.v4.new_markdown_cell(intro)]
    if install:
        cells.append(nbformat.v4.new_code_cell(install))
    cells += [nbformat.v4.new_code_cell(source) for source in page.setup]
    for number, exercise in enumerate(page.exercises, start=1):
        cells.append(nbformat.v4.new_markdown_cell(f"## Exercise {number}"))
        cells += exercise.cells
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # nbformat makes random ids; the build must not
    notebook.cells = cells
    return notebook


def notebook_name(docname: str) -> str:
    return docname.replace("/", "-") + ".ipynb"


def install_cell(app: Sphinx) -> str | None:
    """The install cell of the site's downloaded notebooks, from the hosting extension if loaded."""
    hosting = app.extensions.get("hosting")
    if hosting is None:
        return None
    return hosting.module.install_cell_source(app)


def page_url(app: Sphinx, docname: str, from_uri: str) -> str:
    """The page's address: absolute with a base URL, else relative to the notebook's folder."""
    target = app.builder.get_target_uri(docname)
    base = getattr(app.config, "html_baseurl", "")
    if base:
        return base.rstrip("/") + "/" + target
    return relative_uri(from_uri, target)


def write_exercises(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md":
        return
    text = source.read_text(encoding="utf-8")
    if "{exercise-start}" not in text:
        return
    try:
        page = read_exercises(text)
    except ExerciseFormatError as error:
        raise ExtensionError(f"{source}: {error}") from error
    if page is None:
        return
    name = notebook_name(docname)
    notebook_uri = f"{FOLDER}/{name}"
    notebook = make_notebook(page, install_cell(app), page_url(app, docname, notebook_uri))
    target = Path(app.outdir, FOLDER, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    link_from_section(app, doctree, docname, notebook_uri, name)


def link_from_section(
    app: Sphinx, doctree: nodes.document, docname: str, notebook_uri: str, name: str
) -> None:
    """Put "Download these exercises as a notebook" under the page's Exercises heading."""
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is None or title.astext().strip() != "Exercises":
            continue
        href = relative_uri(app.builder.get_target_uri(docname), notebook_uri)
        reference = nodes.reference("", "", internal=True, refuri=href)
        reference += nodes.literal(name, name)
        reference["classes"].append("download")
        paragraph = nodes.paragraph("", "Download these exercises as a notebook: ")
        paragraph += reference
        paragraph += nodes.Text(
            ". It runs as it is, starts with the cell that installs what it needs, and leaves"
            " out the solutions."
        )
        paragraph["classes"].append("exercise-notebook")
        section.insert(section.index(title) + 1, paragraph)
        return
    logger.warning(
        "a page with exercises has no 'Exercises' section to link its notebook from",
        location=docname,
    )


def number_exercises_per_page(app: Sphinx, env: Any) -> list[str]:
    """Number each page's exercises from 1, as its downloaded notebook does.

    sphinx-exercise numbers them through the whole book ("Exercise 19" on the seventh page);
    Sphinx has just assigned those numbers, and this keeps their order within each page.
    """
    for numbers in env.toc_fignumbers.values():
        exercises = numbers.get("exercise")
        if exercises:
            in_order = sorted(exercises, key=lambda ident: exercises[ident])
            numbers["exercise"] = {ident: (n,) for n, ident in enumerate(in_order, start=1)}
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    # After Sphinx's toctree collector (priority 500) has numbered the enumerable nodes.
    app.connect("env-get-updated", number_exercises_per_page, priority=900)
    app.connect("doctree-resolved", write_exercises)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
