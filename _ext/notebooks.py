"""Every page as notebooks a reader downloads and runs: the page itself, and its exercises.

One reader of the book's MyST pages (``read_page``) serves this extension and the tests. It is
myst-nb's own ``read_myst_markdown_notebook`` (the cells myst-nb executes, with their tags) and
myst-parser's Markdown parser for what lies inside the Markdown cells: directives, ``(label)=``
targets, roles. So a page is cut into cells exactly as the build cuts it.

From each page this extension writes, when the page has code a reader can see:

- **the page notebook**, ``_sources/<page>.ipynb``: the site's install cell first (from the
  ``hosting`` extension), then the page's prose as Markdown cells (math as it is; roles as plain
  text, or links into the site when its address is known; glued values as the build computed
  them) and its visible code cells with the outputs myst-nb computed (its executed notebook in
  ``jupyter_execute/``). Of the hidden cells (``remove-cell``) it keeps those a later cell needs:
  a cell that binds a name a kept cell reads, or that calls something for its effect (a seed).
  ``glue`` calls are taken out. The theme's download menu offers it (its ``ipynb_source``). A page
  that reads files besides the package (``notebooks_files``) gets a cell that fetches them from
  the site, which publishes them in ``_static/notebook-files/``; one that needs a package
  besides the install cell's (``notebooks_requirements``) installs it after that cell's own.
- **the exercise notebook**, ``_downloads/exercises/<page>.ipynb``: a title that links back to the
  page, the install cell, the cells tagged ``exercise-setup``, then each exercise's statement and
  cells, without the solutions. A glued value cannot be shown outside the page, so a ``{glue}``
  role in a statement fails the build. The page's "Exercises" section and its download menu link it.

A page's exercises are sphinx-exercise's gated directives (``exercise-start``/``-end``, then
``solution-start``/``-end``); they are numbered from 1 on each page, as in the notebooks.

With ``XENTDOCS_REPOSITORY_URL`` naming a GitHub repository, each page, recipe and exercise
notebook gets an "Open in Colab" link to
``https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<path in the site>``;
``tools/publish_notebooks.py`` puts every notebook of the built site at that path on that branch
(``notebooks_branch``: ``XENTDOCS_NOTEBOOKS_BRANCH``, ``notebooks`` by default). Cell ids are
numbered, so two builds write the same bytes.
"""

from __future__ import annotations

import ast
import itertools
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat
from docutils import nodes
from hosting import gallery_folders  # _ext/hosting.py: the gallery folders as document names
from jupyter_cache import get_cache
from markdown_it.renderer import RendererHTML
from myst_nb.core.read import read_myst_markdown_notebook
from myst_nb.core.variables import format_plain_text
from myst_nb.sphinx_ext import OUTPUT_FOLDER
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from whole_lines import join_neighbouring_streams  # _ext/whole_lines.py: as the page merges them

logger = logging.getLogger(__name__)

FOLDER = "_downloads/exercises"
PAGE_FOLDER = "_sources"  # where the theme's download menu looks for a page's notebook
FILES_FOLDER = "_static/notebook-files"  # files a page reads, fetched by its notebook
SETUP_TAG = "exercise-setup"
HIDDEN_TAG = "remove-cell"
COLAB = "https://colab.research.google.com/github"
MARKERS = {"exercise-start", "exercise-end", "solution-start", "solution-end"}
ADMONITIONS = {"note", "warning", "tip", "hint", "important", "caution", "attention", "seealso"}
# Directives that only the site can show: a notebook leaves them out.
# What only the site can show: tables of contents, the index (it feeds the site's search), ...
SITE_ONLY = {"toctree", "bibliography", "glossary", "eval-rst", "contents", "index"}
CODE_ROLES = {"func", "meth", "class", "mod", "attr", "data", "obj", "exc", "code", "py:func"}
MARKDOWN = create_md_parser(
    MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence"}), RendererHTML
)


class ExerciseFormatError(ValueError):
    """The page's exercises do not follow the format this extension reads."""


# -- Reading a page ------------------------------------------------------------------------------


@dataclass
class Block:
    """A piece of a page, in order: a code cell, a directive, or Markdown between them."""

    kind: str  # "code", "directive" or "markdown"
    source: str  # the code, the directive's body, or the Markdown
    region: str = "page"  # "page", "exercise" or "solution"
    exercise: int = 0  # the exercise it belongs to, from 1; 0 for none
    cell: int = -1  # code: the index of its cell in the page's notebook
    tags: list[str] = field(default_factory=list)
    name: str = ""  # directive: its name, and what follows it on the opening line
    argument: str = ""
    options: dict[str, str] = field(default_factory=dict)
    roles: list[tuple[str, str]] = field(default_factory=list)  # markdown: (name, content)


@dataclass
class Page:
    title: str
    blocks: list[Block]
    labels: dict[int, str]  # exercise number -> label

    def code(self, region: str | None = None) -> list[Block]:
        return [b for b in self.blocks if b.kind == "code" and region in (None, b.region)]

    @property
    def exercise_count(self) -> int:
        return len(self.labels)


def directive_parts(info: str, content: str) -> tuple[str, str, dict[str, str], str]:
    """``{name} argument`` and a body that opens with ``:key: value`` lines."""
    name, _, argument = info.strip()[1:].partition("}")
    lines = content.splitlines()
    options = {}
    while lines and lines[0].startswith(":") and lines[0].count(":") >= 2:
        key, _, value = lines.pop(0)[1:].partition(":")
        options[key.strip()] = value.strip()
    return name, argument.strip(), options, "\n".join(lines).strip("\n")


def roles_of(tokens: list[Any]) -> list[tuple[str, str]]:
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "myst_role":
                found.append((child.meta["name"], child.content))
    return found


def markdown_blocks(text: str) -> list[Block]:
    """A Markdown cell as Markdown and directive blocks, targets and comments left out."""
    lines = text.splitlines()
    tokens = MARKDOWN.parse(text)
    blocks: list[Block] = []
    pending: list[str] = []
    pending_tokens: list[Any] = []

    def flush() -> None:
        joined = "\n\n".join(pending).strip()
        if joined:
            blocks.append(Block("markdown", joined, roles=roles_of(pending_tokens)))
        pending.clear()
        pending_tokens.clear()

    depth = 0
    for token in tokens:
        if depth == 0 and token.map is not None:
            start, end = token.map
            if token.type in {"colon_fence", "fence"} and token.info.strip().startswith("{"):
                flush()
                name, argument, options, body = directive_parts(token.info, token.content)
                blocks.append(
                    Block("directive", body, name=name, argument=argument, options=options)
                )
            elif token.type not in {"myst_target", "myst_line_comment", "front_matter"}:
                pending.append("\n".join(lines[start:end]))
        if depth > 0 or token.nesting == 1:
            pending_tokens.append(token)
        depth += token.nesting
    flush()
    return blocks


def read_page(text: str) -> Page:
    """A MyST page (its source text) as its blocks in order, each in its region."""
    notebook = read_myst_markdown_notebook(text)
    title = ""
    blocks: list[Block] = []
    labels: dict[int, str] = {}
    region, exercise = "page", 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            tags = list(cell.metadata.get("tags", []))
            blocks.append(Block("code", cell.source, region, exercise, index, tags))
            continue
        if cell.cell_type != "markdown":
            continue
        if not title:
            tokens = MARKDOWN.parse(cell.source)
            for opening, inline in itertools.pairwise(tokens):
                if opening.type == "heading_open" and opening.tag == "h1":
                    title = inline.content.strip().strip("`")
                    break
        for block in markdown_blocks(cell.source):
            if block.kind == "directive" and block.name in MARKERS:
                if block.name == "exercise-start":
                    if region != "page":
                        raise ExerciseFormatError(f"exercise-start inside an open {region}")
                    exercise = len(labels) + 1
                    labels[exercise] = (
                        block.options.get("label") or block.argument or f"exercise-{exercise}"
                    )
                    region = "exercise"
                elif block.name == "exercise-end":
                    if region != "exercise":
                        raise ExerciseFormatError("exercise-end without an open exercise-start")
                    region = "page"
                elif block.name == "solution-start":
                    if region != "page":
                        raise ExerciseFormatError(f"solution-start inside an open {region}")
                    matching = [n for n, label in labels.items() if label == block.argument]
                    exercise = matching[0] if matching else exercise
                    region = "solution"
                else:
                    if region != "solution":
                        raise ExerciseFormatError("solution-end without an open solution-start")
                    region = "page"
            block.region, block.exercise = region, exercise
            blocks.append(block)
    if region != "page":
        raise ExerciseFormatError(f"the page ends inside an open {region}")
    return Page(title or "Exercises", blocks, labels)


# -- Markdown a notebook can show ----------------------------------------------------------------


class Roles:
    """What a role becomes in a notebook: plain text, or a link when the site's address is known.

    ``glue`` holds the page's glued values (name -> output) or is None where none may appear.
    """

    def __init__(
        self, glue: dict[str, Any] | None = None, link: Any = None, title: Any = None
    ) -> None:
        self.glue = glue
        self.link = link or (lambda role, target: None)  # (role, target) -> URL or None
        self.title = title or (lambda role, target: None)  # the text a bare {ref} shows

    def __call__(self, role: str, content: str) -> str:
        if role.startswith("glue"):
            if self.glue is None:
                raise ExerciseFormatError(
                    f"a glued value ({{{role}}}`{content}`) cannot be shown in the downloaded"
                    " notebook; compute it in the exercise's code cell instead"
                )
            name, _, spec = content.partition(":")
            if name not in self.glue:
                raise ExtensionError(f"notebooks: no glued value {name!r} on the page")
            return format_plain_text(self.glue[name]["data"].get("text/plain", ""), spec)
        if role == "math":
            return f"${content}$"
        shown, target = content, content
        if content.endswith(">") and " <" in content:
            shown, _, target = content[:-1].rpartition(" <")
            shown = shown.strip()
        if role in CODE_ROLES:
            name = target.lstrip("~")
            return f"`{name.rsplit('.', 1)[-1] if content.startswith('~') else name}`"
        if role.startswith("cite"):
            return f"({content})"
        if shown == target:
            shown = self.title(role, target) or shown
        url = self.link(role, target)
        return f"[{shown}]({url})" if url else shown


def plain(block: Block, roles: Roles) -> str:
    """The block's Markdown with each role the parser found replaced by what it becomes."""
    text = block.source
    for name, content in block.roles:
        # The parser gives a role's content with its line breaks as spaces.
        written = re.escape(f"{{{name}}}") + r"(`+)" + r"\s+".join(map(re.escape, content.split()))
        text = re.sub(written + r"\1", lambda _, n=name, c=content: roles(n, c), text, count=1)
    return text


def markdown_of(block: Block, roles: Roles) -> str | None:
    """The block as Markdown a notebook shows, or None for what only the site can show."""
    if block.kind == "markdown":
        return plain(block, roles)
    if block.name in MARKERS or block.name in SITE_ONLY:
        return None
    if block.name == "math":
        return f"$$\n{block.source}\n$$"
    if block.name in {"code", "code-block", "sourcecode"}:
        return f"```{block.argument}\n{block.source}\n```"
    body = [markdown_of(b, roles) for b in markdown_blocks(block.source)]
    inner = "\n\n".join(b for b in body if b)
    if block.name in ADMONITIONS or block.name == "admonition":
        title = block.argument or block.name.capitalize()
        quoted = "\n".join(f"> {line}".rstrip() for line in inner.splitlines())
        return f"> **{title}**\n>\n{quoted}"
    raise ExtensionError(
        f"notebooks: no notebook form for the directive {{{block.name}}}; add one to"
        " _ext/notebooks.py (markdown_of)"
    )


# -- The exercise notebook -----------------------------------------------------------------------


def new_notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"  # nbformat makes random ids; the build must not
    notebook.cells = cells
    return notebook


def make_notebook(page: Page, install: str | None, page_url: str) -> nbformat.NotebookNode:
    """The exercise notebook: statements and the reader's cells, no solutions."""
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
    cells += [nbformat.v4.new_code_cell(b.source) for b in page.code() if SETUP_TAG in b.tags]
    roles = Roles()
    for number in page.labels:
        cells.append(nbformat.v4.new_markdown_cell(f"## Exercise {number}"))
        statement: list[str] = []
        for block in page.blocks:
            if block.region != "exercise" or block.exercise != number:
                continue
            if block.kind == "code":
                if statement:
                    cells.append(nbformat.v4.new_markdown_cell("\n\n".join(statement)))
                    statement = []
                cells.append(nbformat.v4.new_code_cell(block.source))
            else:
                text = markdown_of(block, roles)
                if text:
                    statement.append(text)
        if statement:
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(statement)))
    return new_notebook(cells)


# -- The page notebook ---------------------------------------------------------------------------


def is_glue(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.ImportFrom):
        return statement.module == "myst_nb" and [a.name for a in statement.names] == ["glue"]
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Name)
        and statement.value.func.id == "glue"
    )


@dataclass
class Code:
    source: str  # without the glue calls
    binds: set[str]
    reads: set[str]
    acts: bool  # calls something for its effect (not print, glue or display)


def analyse(source: str) -> Code:
    """A cell's code with its glue calls taken out, and the names it binds and reads."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax: keep it as it is
        return Code(source, set(), set(), True)
    lines = source.splitlines()
    for statement in reversed(tree.body):
        if is_glue(statement):
            del lines[statement.lineno - 1 : statement.end_lineno]
    kept = "\n".join(lines).strip("\n")
    if "glue(" in kept:
        raise ExtensionError(
            "notebooks: a glue() call that is not a statement of its own in the cell:\n" + source
        )
    binds, reads = set(), set()
    acts = False
    for statement in ast.parse(kept).body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                (binds if isinstance(node.ctx, ast.Store) else reads).add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                binds.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                binds.update((a.asname or a.name).split(".")[0] for a in node.names)
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            acts |= not (isinstance(func, ast.Name) and func.id in {"print", "display"})
    return Code(kept, binds, reads, acts)


def kept_code(page: Page) -> dict[int, Code]:
    """The code cells the page notebook keeps, by cell index: every visible one, and the hidden
    ones a later kept cell needs."""
    codes = {b.cell: analyse(b.source) for b in page.code()}
    kept: dict[int, Code] = {}
    needed: set[str] = set()
    for block in reversed(page.code()):
        code = codes[block.cell]
        if not code.source.strip():
            continue
        if HIDDEN_TAG in block.tags and not (code.binds & needed or code.acts):
            continue
        kept[block.cell] = code
        needed |= code.reads
    return kept


def shown_outputs(cell: nbformat.NotebookNode, tags: list[str]) -> list[Any]:
    """A cell's outputs as its page shows them: without glue's, streams merged as the page merges
    them (the kernel may split one printed line over two messages, differently each run)."""
    if "remove-output" in tags:
        return []
    outputs = [o for o in cell.get("outputs", []) if "scrapbook" not in o.get("metadata", {})]
    return join_neighbouring_streams(outputs)


def make_page_notebook(
    page: Page,
    executed: nbformat.NotebookNode,
    roles: Roles,
    install: str | None,
    page_url: str,
    files: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The page as a notebook: prose, the code it needs, the outputs the build computed.

    ``files`` (name -> URL) are the files the page reads besides the package: a cell after the
    install cell fetches each into the working folder, where the page's code reads it.
    """
    cells = []
    if install:
        cells.append(nbformat.v4.new_code_cell(install))
    if files:
        cells.append(nbformat.v4.new_code_cell(files_cell(files)))
    cells.append(
        nbformat.v4.new_markdown_cell(
            f"*This notebook is the page [{page.title}]({page_url}) of the xentdocs book, with the"
            " outputs computed when the site was built. Run the cells from the top, change a"
            " number and run them again. The cells marked `remove-cell` are hidden on the page:"
            " they set up what later cells use.*"
        )
    )
    kept = kept_code(page)
    prose: list[str] = []
    seen_solution = 0

    def flush() -> None:
        if prose:
            cells.append(nbformat.v4.new_markdown_cell("\n\n".join(prose)))
            prose.clear()

    for block in page.blocks:
        if block.kind == "directive" and block.name == "exercise-start":
            prose.append(f"### Exercise {block.exercise}")
        elif block.region == "solution" and block.exercise != seen_solution:
            seen_solution = block.exercise
            prose.append(f"**Solution to exercise {block.exercise}**")
        if block.kind != "code":
            text = markdown_of(block, roles)
            if text:
                prose.append(text)
            continue
        if block.cell not in kept:
            continue
        flush()
        source_cell = executed.cells[block.cell]
        if source_cell.cell_type != "code" or source_cell.source != block.source:
            raise ExtensionError(
                "notebooks: the executed notebook's cells are not the page's; rebuild the page"
            )
        cell = nbformat.v4.new_code_cell(kept[block.cell].source)
        cell.outputs = shown_outputs(source_cell, block.tags)
        cell.execution_count = source_cell.get("execution_count")
        if block.tags:
            cell.metadata["tags"] = block.tags
        cells.append(cell)
    flush()
    return new_notebook(cells)


def files_cell(files: dict[str, str]) -> str:
    listed = "".join(f"    {name!r}: {url!r},\n" for name, url in sorted(files.items()))
    return (
        "# The files this page reads besides the package, from the site, into this folder.\n"
        "import urllib.request\n"
        "from pathlib import Path\n"
        "\n"
        f"for name, url in {{\n{listed}}}.items():\n"
        "    if not Path(name).exists():\n"
        "        urllib.request.urlretrieve(url, name)"
    )


def has_visible_code(page: Page) -> bool:
    return any(HIDDEN_TAG not in b.tags for b in page.code())


# -- Writing them --------------------------------------------------------------------------------


def notebook_name(docname: str) -> str:
    return docname.replace("/", "-") + ".ipynb"


def page_notebook_path(docname: str) -> str:
    """The page notebook's path in the site."""
    return f"{PAGE_FOLDER}/{docname}.ipynb"


def install_cell(app: Sphinx) -> str | None:
    """The install cell of the site's downloaded notebooks, from the hosting extension if loaded."""
    hosting = app.extensions.get("hosting")
    if hosting is None:
        return None
    return hosting.module.install_cell_source(app)


def site_url(app: Sphinx, target: str, from_uri: str) -> str:
    """A site path as a notebook links it: absolute with a base URL, else relative."""
    base = getattr(app.config, "html_baseurl", "")
    if base:
        return base.rstrip("/") + "/" + target
    return relative_uri(from_uri, target)


def page_url(app: Sphinx, docname: str, from_uri: str) -> str:
    return site_url(app, app.builder.get_target_uri(docname), from_uri)


def site_roles(app: Sphinx, glue: dict[str, Any]) -> Roles:
    """Roles resolved against the site: links where its address is known."""
    std = app.env.get_domain("std")
    base = getattr(app.config, "html_baseurl", "")

    def find(role: str, target: str) -> tuple[str, str, str] | None:
        if role == "ref" and target in std.labels:
            return std.labels[target]
        if role == "term":
            for (kind, name), (docname, anchor) in (
                (key, value[:2]) for key, value in std.objects.items()
            ):
                if kind == "term" and name.lower() == target.lower():
                    return docname, anchor, ""
        if role == "doc" and target.lstrip("/") in app.env.titles:
            docname = target.lstrip("/")
            return docname, "", app.env.titles[docname].astext()
        return None

    def link(role: str, target: str) -> str | None:
        found = find(role, target)
        if not base or found is None:
            return None
        uri = base.rstrip("/") + "/" + app.builder.get_target_uri(found[0])
        return f"{uri}#{found[1]}" if found[1] else uri

    def title(role: str, target: str) -> str | None:
        found = find(role, target)
        return found[2] or None if found else None

    return Roles(glue, link, title)


def executed_notebook(app: Sphinx, docname: str) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """The page's notebook with the outputs myst-nb computed, and the page's glued values.

    myst-nb writes the page's notebook to ``jupyter_execute/``; in ``cache`` mode it keeps the
    outputs in its jupyter-cache, so they are merged from there (jupyter-cache's public API, the
    same call myst-nb makes). Glued values are the outputs glue() marked with their names.
    """
    path = Path(app.outdir).parent / OUTPUT_FOLDER / f"{docname}.ipynb"
    if not path.is_file():
        raise ExtensionError(f"notebooks: myst-nb wrote no notebook {path}")
    notebook = nbformat.read(path, as_version=4)
    if app.config.nb_execution_mode == "cache":
        cache = get_cache(app.config.nb_execution_cache_path)
        try:
            _, notebook = cache.merge_match_into_notebook(notebook)
        except KeyError as error:
            raise ExtensionError(
                f"notebooks: the execution cache holds no run of {docname}"
            ) from error
    glue = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            named = output.get("metadata", {}).get("scrapbook")
            if named:
                prefix = len(named.get("mime_prefix", ""))
                glue[named["name"]] = {"data": {k[prefix:]: v for k, v in output["data"].items()}}
    return notebook, glue


def publish_files(app: Sphinx, docname: str) -> dict[str, str]:
    """Copy the files the page reads (``notebooks_files``) into the site; name -> URL."""
    found = {}
    for relative in app.config.notebooks_files.get(docname, []):
        source = Path(app.confdir, relative)
        if not source.is_file():
            raise ExtensionError(f"notebooks: {docname} reads {source}, which does not exist")
        target = Path(app.outdir, FILES_FOLDER, source.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            target.write_bytes(source.read_bytes())
        base = getattr(app.config, "html_baseurl", "") or Path(app.outdir).resolve().as_uri()
        found[source.name] = f"{base.rstrip('/')}/{FILES_FOLDER}/{source.name}"
    return found


def write_notebook(path: Path, notebook: nbformat.NotebookNode) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


def write_notebooks(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".md":
        return
    try:
        page = read_page(source.read_text(encoding="utf-8"))
    except ExerciseFormatError as error:
        raise ExtensionError(f"{source}: {error}") from error
    install = install_cell(app)
    extra = app.config.notebooks_requirements.get(docname)
    if install and extra:
        install += f"\n%pip install {' '.join(extra)}"
    if has_visible_code(page):
        path = page_notebook_path(docname)
        executed, glue = executed_notebook(app, docname)
        files = publish_files(app, docname)
        notebook = make_page_notebook(
            page, executed, site_roles(app, glue), install, page_url(app, docname, path), files
        )
        write_notebook(Path(app.outdir, path), notebook)
    if page.exercise_count:
        notebook_uri = f"{FOLDER}/{notebook_name(docname)}"
        try:
            notebook = make_notebook(page, install, page_url(app, docname, notebook_uri))
        except ExerciseFormatError as error:
            raise ExtensionError(f"{source}: {error}") from error
        write_notebook(Path(app.outdir, notebook_uri), notebook)
        link_from_section(app, doctree, docname, notebook_uri)


def colab_url(app: Sphinx, site_path: str) -> str | None:
    """Colab's address of a notebook of the site, on the published branch; None without GitHub."""
    repository = app.config.html_theme_options.get("repository_url", "")
    parts = urlsplit(repository)
    path = [p for p in parts.path.split("/") if p]
    if parts.netloc != "github.com" or len(path) != 2:
        return None
    owner, repo = path
    return f"{COLAB}/{owner}/{repo.removesuffix('.git')}/blob/{app.config.notebooks_branch}/{site_path}"


def link_from_section(
    app: Sphinx, doctree: nodes.document, docname: str, notebook_uri: str
) -> None:
    """Put "Download these exercises as a notebook" under the page's Exercises heading."""
    name = posixpath.basename(notebook_uri)
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
        colab = colab_url(app, notebook_uri)
        if colab:
            paragraph += nodes.Text(" ")
            paragraph += nodes.reference("", "Open these exercises in Colab", refuri=colab)
            paragraph += nodes.Text(".")
        paragraph["classes"].append("exercise-notebook")
        section.insert(section.index(title) + 1, paragraph)
        return
    logger.warning(
        "a page with exercises has no 'Exercises' section to link its notebook from",
        location=docname,
    )


# -- The header's menus --------------------------------------------------------------------------


def offer_page_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Before the theme fills its download menu: the page's notebook is its ``.ipynb`` entry."""
    if Path(app.outdir, page_notebook_path(pagename)).is_file() and doctree is not None:
        context["ipynb_source"] = f"{pagename}.ipynb"


def gallery_notebook(app: Sphinx, doctree: Any) -> str | None:
    """The site path of the notebook a gallery page offers, if it offers one."""
    for reference in doctree.findall(addnodes.download_reference):
        filename = reference.get("filename", "")
        if filename.endswith(".ipynb"):
            return f"_downloads/{filename}"
    return None


def add_menu_entries(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """After the theme's header buttons: the exercise notebook, and the Colab links."""
    buttons = context.get("header_buttons")
    if doctree is None or buttons is None:
        return
    pathto = context["pathto"]
    exercises = f"{FOLDER}/{notebook_name(pagename)}"
    has_exercises = Path(app.outdir, exercises).is_file()
    if has_exercises:
        for group in buttons:
            if group.get("label") == "download-buttons":
                group["buttons"].insert(
                    1,
                    {
                        "type": "link",
                        "url": pathto(exercises, 1),
                        "text": "exercises .ipynb",
                        "tooltip": "Download the page's exercises as a notebook",
                        "icon": "fas fa-pencil-alt",
                        "label": "download-exercises-button",
                    },
                )
    notebooks = []
    if Path(app.outdir, page_notebook_path(pagename)).is_file():
        notebooks.append(("this page", page_notebook_path(pagename)))
    elif any(pagename.startswith(f"{folder}/") for folder in gallery_folders(app)):
        found = gallery_notebook(app, doctree)
        if found:
            notebooks.append(("this recipe", found))
    if has_exercises:
        notebooks.append(("its exercises", exercises))
    links = [(what, colab_url(app, path)) for what, path in notebooks]
    links = [(what, url) for what, url in links if url]
    if links:
        buttons.append(
            {
                "type": "group",
                "tooltip": "Open in Colab",
                "icon": "fas fa-rocket",
                "label": "colab-buttons",
                "buttons": [
                    {
                        "type": "link",
                        "url": url,
                        "text": f"Open {what} in Colab",
                        "tooltip": f"Open {what} in Colab, as a notebook",
                        "label": "colab-button",
                    }
                    for what, url in links
                ],
            }
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
    # docname -> files (relative to conf.py) the page reads besides the package.
    app.add_config_value("notebooks_files", {}, "html", dict)
    # docname -> requirements its notebooks install after the site's install cell.
    app.add_config_value("notebooks_requirements", {}, "html", dict)
    app.add_config_value(
        "notebooks_branch", os.environ.get("XENTDOCS_NOTEBOOKS_BRANCH") or "notebooks", "html"
    )
    # After Sphinx's toctree collector (priority 500) has numbered the enumerable nodes.
    app.connect("env-get-updated", number_exercises_per_page, priority=900)
    app.connect("doctree-resolved", write_notebooks)
    # The theme fills header_buttons at priority 501.
    app.connect("html-page-context", offer_page_notebook, priority=490)
    app.connect("html-page-context", add_menu_entries, priority=510)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
