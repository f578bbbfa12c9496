"""No hand-typed results: a decimal number in the prose of a page must come from glue.

The prose is what is left of a page once code (cells, fenced blocks, inline code), math (``$...$``,
``$$...$$``, ``{math}`` roles) and glue roles are taken out. A decimal number left in it was typed
by hand, and would silently go stale when the code changes. Gallery scripts are checked the same
way: their docstring and the comment lines of their text cells are prose.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

DECIMAL = re.compile(r"(?<![\w.])[-+\u2212]?\d*\.\d+(?:[eE][-+]?\d+)?(?!\w|\.\d)")

FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})(?P<info>.*?)$(?P<body>.*?)^(?P=fence)\s*$", re.MULTILINE | re.DOTALL
)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
INLINE_MATH = re.compile(r"(?<!\\)\$(?!\s)[^$\n]+?(?<!\s)\$")
ROLE = re.compile(r"\{(?:glue(?::\w+)?|math|eval|code)\}`[^`]*`")
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1", re.DOTALL)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
DIRECTIVE_OPTION = re.compile(r"^:[\w-]+:.*$", re.MULTILINE)


def prose_of_markdown(text: str) -> str:
    """Return the prose of a MyST page: everything but code, math, glue and markup options."""
    text = FRONT_MATTER.sub("", text)

    def keep_prose_directives(match: re.Match[str]) -> str:
        # ```{note} and friends hold prose; code cells, code blocks and math do not.
        info = match["info"].strip()
        if info.startswith("{") and not re.match(
            r"\{(code|code-cell|code-block|math|glue|eval-rst)", info
        ):
            return match["body"]
        return ""

    text = FENCE.sub(keep_prose_directives, text)
    text = DISPLAY_MATH.sub("", text)
    text = ROLE.sub("", text)
    text = INLINE_MATH.sub("", text)
    text = INLINE_CODE.sub("", text)
    text = LINK_TARGET.sub("]", text)
    return DIRECTIVE_OPTION.sub("", text)


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
    ],
)
def test_scanner_finds_typed_decimals_and_only_those(text: str, expected: list[str]) -> None:
    assert typed_decimals(prose_of_markdown(text)) == expected


def test_scanner_reads_example_text_cells_but_not_code() -> None:
    source = (
        '"""\nTitle\n=====\n\nIt prints 0.25.\n"""\n\n# %%\n# The loss is 1.5 here.\nx = 0.75\n'
    )
    assert typed_decimals(prose_of_example(source)) == ["0.25", "1.5"]
