"""No hand-typed results: a decimal number in the prose of a page must come from glue.

The prose is the text of a page as the build reads it (``notebooks.read_page``, the one reader of
the book's MyST pages): what is left once code (cells, fenced blocks, inline code), math
(``$...$``, ``$$...$$``, ``{math}``), roles (glue among them) and link targets are taken out. A decimal number left in it was typed
by hand, and would silently go stale when the code changes. Gallery scripts are checked the same
way: their docstring and the comment lines of their text cells are prose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from notebooks import MARKDOWN, Block, markdown_blocks, read_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

DECIMAL = re.compile(r"(?<![\w.])[-+\u2212]?\d*\.\d+(?:[eE][-+]?\d+)?(?!\w|\.\d)")
# Directives whose body is code, math or markup rather than prose.
NOT_PROSE = ("code", "code-block", "sourcecode", "math", "glue", "eval-rst", "toctree")
# Roles whose content the reader sees as text.
TEXT_ROLES = {"term", "ref", "doc", "abbr", "sub", "sup"}


def prose_of_blocks(blocks: list[Block]) -> list[str]:
    found = []
    for block in blocks:
        if block.kind == "code" or block.name.startswith(NOT_PROSE):
            continue
        if block.kind == "directive":
            found += prose_of_blocks(markdown_blocks(block.source))
            continue
        for token in MARKDOWN.parse(block.source):
            # The text of inline content, and the text a role such as {term} shows; not code,
            # math, glue or other roles whose content is code, nor URLs.
            for child in token.children or []:
                if child.type == "text":
                    found.append(child.content)
                elif child.type == "myst_role" and child.meta["name"] in TEXT_ROLES:
                    found.append(child.content.rpartition(" <")[0] or child.content)
    return found


def prose_of_markdown(text: str) -> str:
    """Return the prose of a MyST page, read as the build reads it: what a reader sees as text."""
    return "\n".join(prose_of_blocks(read_page(text).blocks))


def prose_of_example(source: str) -> str:
    """Return the prose of a gallery script: its docstring and the comments of its text cells."""
    docstring = re.match(r'\s*(?:#.*\n)*\s*[rRuU]?"""(.*?)"""', source, re.DOTALL)
    prose = [docstring[1]] if docstring else []
    in_text_cell = False
    for line in source.splitlines():
        if line.startswith("# %%"):
            in_text_cell = True
            continue
        if in_text_cell and line.startswith("#"):
            prose.append(line.lstrip("# "))
        else:
            in_text_cell = False
    return prose_of_markdown(re.sub(r"``[^`]*``", "", "\n".join(prose)))


def typed_decimals(prose: str) -> list[str]:
    return DECIMAL.findall(prose)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_prose_has_no_typed_decimals(page: Path) -> None:
    found = typed_decimals(prose_of_markdown(page.read_text(encoding="utf-8")))
    assert not found, f"{page.name}: glue these numbers instead of typing them: {found}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_prose_has_no_typed_decimals(example: Path) -> None:
    found = typed_decimals(prose_of_example(example.read_text(encoding="utf-8")))
    assert not found, f"{example.name}: print these numbers instead of typing them: {found}"


def test_there_are_pages_and_examples_to_check() -> None:
    assert len(PAGES) >= 2
    assert len(EXAMPLES) >= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The loss of the first example is 0.9682.", ["0.9682"]),
        ("A loss of -0.37 is impossible, and so is .5.", ["-0.37", ".5"]),
        ("Overflow starts near 88.7 in float32.", ["88.7"]),
        ("The loss is {glue:text}`loss:.4f` here.", []),
        ("The loss is {glue}`loss` here.", []),
        ("Code like `torch.tensor([0.3])` is not prose.", []),
        ("Math like $p = 0.5$ and $$e^{0.1}$$ is not prose.", []),
        ("```{code-cell} python\nx = 0.25\n```\n", []),
        (":::{note}\nA typed 2.5 in a note.\n:::\n", ["2.5"]),
        ("```{note}\nA typed 1.25 in a note.\n```\n", ["1.25"]),
        ("Version 2 of torch, three classes, labels 0, 1 and 2.", []),
        ("See [the page](../x/1.5.html) for more.", []),
        ("See {ref}`the 0.5 case <half>` and {term}`logit`.", ["0.5"]),
        ("{func}`torch.round` with {math}`0.5` and {glue:text}`x:.2f`.", []),
    ],
)
def test_scanner_finds_typed_decimals_and_only_those(text: str, expected: list[str]) -> None:
    assert typed_decimals(prose_of_markdown(text)) == expected


def test_scanner_reads_example_text_cells_but_not_code() -> None:
    source = (
        '"""\nTitle\n=====\n\nIt prints 0.25.\n"""\n\n# %%\n# The loss is 1.5 here.\nx = 0.75\n'
    )
    assert typed_decimals(prose_of_example(source)) == ["0.25", "1.5"]
