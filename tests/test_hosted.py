"""A reader with nothing but the site's address can run everything it offers; the host's pages work.

The session's site is built for ``http://127.0.0.1:<port>/`` and served there as a static host
serves it (``conftest.site_host``). A reader then works in fresh virtual environments made with
``python -m venv``, with nothing from the checkout on their path:

- every notebook is downloaded over HTTP and executed with nbclient, its own ``%pip install``
  cell first, which installs torch (pip may take it from the machine's cache), matplotlib and the
  xentdocs wheel from the site by URL and SHA-256; each recipe cell's output must match the page's,
  and each page notebook must print the tensors its page shows;
- the archive of all examples is downloaded, unpacked, its ``requirements.txt`` installed in a
  second fresh venv, and every script run with ``python``: it must print every value its page
  shows, in the same form, and call ``plt.show()`` where its page shows a figure.

Then what a host needs: a 404 page whose styles load three folders deep, canonical links, a
sitemap and Open Graph previews on every page; and configuration that fails loudly or degrades
cleanly: a bad address stops the build, a build without an address tells the reader to install
the wheel from its own folder and has no sitemap, and a repository address adds its buttons.

Last, one click to run: a site built for a GitHub repository has "Open in Colab" links; the Pages
workflow's publish step (``tools/publish_notebooks.py``), run against a local bare repository,
puts every notebook on the branch at the path its link names.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import nbformat
import pytest
from builtsite import ROOT, article, html_pages, is_timing_example, parse_html, read_page
from notebooks import has_visible_code
from notebooks import read_page as read_myst
from readers import (
    KERNEL,
    Reader,
    check,
    compare_cells,
    compare_script_output,
    compare_tensors,
    download_links,
    downloads_of,
    examples_archive_link,
    figures_shown,
    make_reader,
    myst_page_cells,
    notebook_cells,
    page_cells,
    page_notebook_link,
    show_recorder_env,
    shown_cells,
    torch_requirement,
)
from sitetools import API_PAGES, build, build_env, copy_site, copy_small_site, output_of

pytestmark = pytest.mark.site  # each test builds a copy of the site

EXAMPLES = [p.stem for p in sorted((ROOT / "examples").glob("plot_*.py"))]
PAGES_WITH_CODE = [
    p.relative_to(ROOT / "docs").with_suffix("").as_posix()
    for p in sorted((ROOT / "docs").rglob("*.md"))
    if has_visible_code(read_myst(p.read_text(encoding="utf-8")))
]


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET ``url``: its status, content type and body (an error status is returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def download(url: str, dest: Path) -> Path:
    status, _, body = fetch(url)
    assert status == 200, f"GET {url} answered {status}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(body)
    return dest


# -- A reader runs the notebooks -----------------------------------------------------------------


@dataclass
class NotebookRun:
    result: subprocess.CompletedProcess[str]
    executed: nbformat.NotebookNode | None


@pytest.fixture(scope="module")
def notebook_reader(tmp_path_factory: pytest.TempPathFactory) -> Reader:
    """A fresh venv with a kernel and nothing else: the notebooks install what they need."""
    reader = make_reader(tmp_path_factory.mktemp("notebook-reader"))
    check(reader.pip("install", *KERNEL, cwd=reader.workdir), "installing a kernel")
    reader.add_kernel()
    return reader


def run_notebooks(reader: Reader, urls: dict[str, str]) -> dict[str, NotebookRun]:
    """Download each notebook over HTTP into a folder of its own and execute it.

    The first runs alone: its install cell installs everything. The others then run two at a time
    (their install cells find it installed), so no two pip runs share the venv at once.
    """

    def run(name: str) -> NotebookRun:
        notebook = download(
            urls[name], reader.workdir / name / Path(urlsplit(urls[name]).path).name
        )
        result, executed = reader.execute_notebook(notebook)
        return NotebookRun(
            result, nbformat.read(executed, as_version=4) if executed.exists() else None
        )

    names = sorted(urls)
    runs = {}
    if names:
        runs[names[0]] = run(names[0])
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs.update(zip(names[1:], pool.map(run, names[1:]), strict=True))
    where = reader.imported_from("xentdocs")
    assert where.is_relative_to(reader.venv), f"the notebooks imported xentdocs from {where}"
    return runs


def gallery_notebook_urls(built_site: Path, site_base_url: str) -> dict[str, str]:
    return {
        name: urljoin(
            site_base_url, download_links(built_site, f"auto_examples/{name}.html")["jupyter"]
        )
        for name in EXAMPLES
    }


@pytest.fixture(scope="module")
def notebook_runs(
    notebook_reader: Reader, built_site: Path, site_base_url: str
) -> dict[str, NotebookRun]:
    """Each example's notebook, downloaded over HTTP and run in the reader's venv."""
    return run_notebooks(notebook_reader, gallery_notebook_urls(built_site, site_base_url))


@pytest.mark.parametrize("name", EXAMPLES)
def test_downloaded_notebook_installs_what_it_needs_and_shows_its_page(
    notebook_runs: dict[str, NotebookRun], built_site: Path, name: str
) -> None:
    run = notebook_runs[name]
    check(run.result, f"executing {name}.ipynb (downloaded over HTTP, install cell first)")
    assert run.executed is not None
    install, *cells = [c for c in run.executed.cells if c.cell_type == "code"]
    assert "%pip install" in install.source, f"{name}.ipynb does not start with its install cell"
    run.executed.cells = cells
    computed, _, errors = notebook_cells(run.executed)
    if errors:
        pytest.fail(
            f"{name}.ipynb wrote to stderr, which its page does not show:\n" + "".join(errors),
            pytrace=False,
        )
    source = (ROOT / "examples" / f"{name}.py").read_text(encoding="utf-8")
    if is_timing_example(source):
        return
    differences = compare_cells(page_cells(built_site / f"auto_examples/{name}.html"), computed)
    if differences:
        pytest.fail(
            f"{name}: the notebook's outputs differ from the page's:\n" + "\n\n".join(differences),
            pytrace=False,
        )


def page_notebook_urls(built_site: Path, site_base_url: str) -> dict[str, str]:
    urls = {}
    for docname in PAGES_WITH_CODE:
        link = page_notebook_link(built_site, f"{docname}.html")
        assert link, f"{docname}.html offers no notebook of the page"
        urls[docname] = urljoin(site_base_url, link)
    return urls


@pytest.fixture(scope="module")
def page_notebook_runs(
    notebook_reader: Reader,
    notebook_runs: dict[str, NotebookRun],
    built_site: Path,
    site_base_url: str,
) -> dict[str, NotebookRun]:
    """Each page's notebook, downloaded over HTTP and run in the reader's venv (after the
    gallery's notebooks, whose first run installed what they all need)."""
    return run_notebooks(notebook_reader, page_notebook_urls(built_site, site_base_url))


@pytest.mark.parametrize("docname", PAGES_WITH_CODE)
def test_downloaded_page_notebook_runs_and_prints_the_tensors_its_page_shows(
    page_notebook_runs: dict[str, NotebookRun], built_site: Path, docname: str
) -> None:
    run = page_notebook_runs[docname]
    check(run.result, f"executing the notebook of {docname} (downloaded over HTTP)")
    assert run.executed is not None
    install = next(c for c in run.executed.cells if c.cell_type == "code")
    assert "%pip install" in install.source, f"{docname}'s notebook does not start installing"
    said = "".join(o.get("text", "") for o in install.outputs if o.output_type == "stream")
    assert f"computed with {torch_requirement().replace('==', ' ')}" in said, (
        f"{docname}'s notebook does not say which torch computed its outputs: {said[-500:]}"
    )
    computed, _, _ = notebook_cells(shown_cells(run.executed))
    differences = compare_tensors(myst_page_cells(built_site / f"{docname}.html"), computed)
    if differences:
        pytest.fail(
            f"{docname}: the notebook prints other tensors than its page:\n"
            + "\n\n".join(differences),
            pytrace=False,
        )


def test_every_other_notebook_the_site_offers_runs_as_downloaded(
    notebook_reader: Reader,
    notebook_runs: dict[str, NotebookRun],
    built_site: Path,
    site_base_url: str,
) -> None:
    """Notebooks besides the gallery's and the pages' (the pages' exercises): each starts with
    the install cell and runs from top to bottom as it is."""
    offered = {
        urljoin(site_base_url, urljoin(page, str(a["href"])).split("#")[0])
        for page in html_pages(built_site)
        for a in read_page(built_site / page).find_all("a", href=True)
        if str(a["href"]).split("#")[0].endswith(".ipynb")
    }
    offered = {url for url in offered if url.startswith(site_base_url)}
    others = (
        offered
        - set(gallery_notebook_urls(built_site, site_base_url).values())
        - set(page_notebook_urls(built_site, site_base_url).values())
    )
    runs = run_notebooks(
        notebook_reader, {f"other-{n:02d}": url for n, url in enumerate(sorted(others))}
    )
    failed = []
    for name, run in runs.items():
        url = sorted(others)[int(name.removeprefix("other-"))]
        if run.result.returncode != 0 or run.executed is None:
            failed.append(f"{url}:\n{run.result.stdout[-1500:]}{run.result.stderr[-1500:]}")
            continue
        first = next(c for c in run.executed.cells if c.cell_type == "code")
        if "%pip install" not in first.source:
            failed.append(f"{url}: its first code cell is not the install cell")
    assert not failed, "notebooks that do not run as downloaded:\n" + "\n\n".join(failed)


# -- A reader runs the scripts from the archive of all examples -----------------------------------


@dataclass
class ScriptRun:
    result: subprocess.CompletedProcess[str]
    shown: list[int]  # figures shown by each plt.show() call


@pytest.fixture(scope="module")
def script_runs(
    built_site: Path, site_base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ScriptRun]:
    """Download the archive over HTTP, unpack it, ``pip install -r requirements.txt`` in a fresh
    venv, then run every script with ``python`` in the unpacked folder, two at a time."""
    reader = make_reader(tmp_path_factory.mktemp("script-reader"))
    archive = download(
        urljoin(site_base_url, examples_archive_link(built_site)), reader.workdir / "all.zip"
    )
    with zipfile.ZipFile(archive) as unpacked:
        unpacked.extractall(reader.workdir)
    (folder,) = [p for p in reader.workdir.iterdir() if p.is_dir()]
    check(
        reader.pip("install", "-r", "requirements.txt", cwd=folder),
        "pip install -r requirements.txt",
    )
    where = reader.imported_from("xentdocs")
    assert where.is_relative_to(reader.venv), f"the scripts import xentdocs from {where}"

    recorder = reader.venv.parent / "show-recorder"

    def run(name: str) -> ScriptRun:
        log = recorder / f"{name}.log"
        env = show_recorder_env(recorder, log)
        result = reader.run([str(reader.python), f"{name}.py"], cwd=folder, **env)
        return ScriptRun(result, figures_shown(log))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(EXAMPLES, pool.map(run, EXAMPLES), strict=True))


@pytest.mark.parametrize("name", EXAMPLES)
def test_script_from_the_archive_prints_what_its_page_shows(
    script_runs: dict[str, ScriptRun], built_site: Path, name: str
) -> None:
    result = script_runs[name].result
    check(result, f"python {name}.py")
    shown = page_cells(built_site / f"auto_examples/{name}.html")
    if result.stderr.strip():
        pytest.fail(f"python {name}.py wrote to stderr:\n{result.stderr}", pytrace=False)
    figures = sum(cell.images for cell in shown)
    assert sum(script_runs[name].shown) == figures, (
        f"{name}'s page shows {figures} figures; python {name}.py shows"
        f" {script_runs[name].shown} with its plt.show() calls"
    )
    source = (ROOT / "examples" / f"{name}.py").read_text(encoding="utf-8")
    if is_timing_example(source):
        return
    difference = compare_script_output(shown, result.stdout)
    if difference:
        pytest.fail(
            f"python {name}.py does not print what its page shows: {difference}", pytrace=False
        )


# -- What a host needs ---------------------------------------------------------------------------


def test_the_404_page_renders_with_its_styles_three_folders_deep(site_base_url: str) -> None:
    missing = urljoin(site_base_url, "one/two/three/no-such-page.html")
    status, kind, body = fetch(missing)
    assert (status, kind) == (404, "text/html")
    document = parse_html(body.decode("utf-8"))
    assert "Page not found" in document.get_text()
    stylesheet_links = document.find_all("link", rel="stylesheet", href=True)
    assets = [str(e["href"]) for e in stylesheet_links]
    assets += [str(e["src"]) for e in document.find_all("script", src=True)]
    stylesheets = [a for a in assets if ".css" in a]
    assert stylesheets, "the 404 page loads no stylesheet"
    broken = []
    for asset in assets:
        url = urljoin(missing, asset)
        status, kind, _ = fetch(url)
        if status != 200:
            broken.append(f"{asset} -> {url}: {status}")
        elif asset in stylesheets and kind != "text/css":
            broken.append(f"{asset} -> {url}: served as {kind}")
    assert not broken, "from three folders deep, the 404 page loses:\n" + "\n".join(broken)


def test_every_page_has_its_canonical_address_and_a_link_preview(
    built_site: Path, site_base_url: str
) -> None:
    problems = []
    for page in html_pages(built_site):
        if page == "404.html":
            continue
        document = read_page(built_site / page)
        canonical = [str(e["href"]) for e in document.find_all("link", rel="canonical", href=True)]
        if canonical != [site_base_url + page]:
            problems.append(f"{page}: canonical {canonical}")
        meta = {
            str(e["property"]): str(e.get("content", ""))
            for e in document.find_all("meta", property=True)
        }
        if meta.get("og:url") != site_base_url + page:
            problems.append(f"{page}: og:url {meta.get('og:url')!r}")
        if not meta.get("og:title", "").strip():
            problems.append(f"{page}: no og:title")
        if (
            page not in {"genindex.html", "py-modindex.html", "search.html"}
            and not meta.get("og:description", "").strip()
        ):
            problems.append(f"{page}: no og:description")
    assert not problems, "\n".join(problems)


def test_the_sitemap_lists_every_page_at_the_site_address(
    built_site: Path, site_base_url: str
) -> None:
    tree = ElementTree.parse(built_site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {e.text for e in tree.getroot().findall("s:url/s:loc", namespace)}
    pages = {
        site_base_url + p for p in html_pages(built_site) if p not in {"404.html", "search.html"}
    }
    assert pages - listed == set(), f"pages the sitemap lacks: {sorted(pages - listed)}"
    assert all(url.startswith(site_base_url) for url in listed)


# -- Configuration: with and without addresses --------------------------------------------------

TINY_INDEX = """\
# A tiny site

A page to build the hosting configuration on.

```{toctree}
auto_examples/index
```
"""
# A stand-in for the gallery's recipes, which link the book's pages; it ends with the install block.
TINY_EXAMPLE = '''r"""
A tiny example
==============

One tensor, printed.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
import torch

print(torch.tensor([1.0, 2.0]))
'''
TINY_NAME = "plot_01_tiny"


def tiny_site(dest: Path) -> Path:
    """The site's configuration with a one-paragraph front page and one small example."""
    site = copy_site(dest, pages=[], examples=[])
    (site / "docs" / "index.md").write_text(TINY_INDEX, encoding="utf-8")
    for page in API_PAGES:
        (site / page).unlink()
    (site / "examples" / f"{TINY_NAME}.py").write_text(TINY_EXAMPLE, encoding="utf-8")
    return site


def quick_build(site: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = build_env(site)
    for variable in (
        "XENTDOCS_BASEURL",
        "READTHEDOCS_CANONICAL_URL",
        "XENTDOCS_REPOSITORY_URL",
        "READTHEDOCS_GIT_CLONE_URL",
    ):
        env.pop(variable, None)
    env.update(variables)
    # The configuration is what is checked here, not the examples' output: nothing runs.
    return build(site, "-D", "plot_gallery=0", "-D", "nb_execution_mode=off", env=env)


@pytest.mark.parametrize("bad", ["ftp://x", "127.0.0.1:8000/docs/", "https://", "https://x/?a=1"])
def test_a_base_url_that_is_not_an_absolute_http_url_stops_the_build(
    tmp_path: Path, bad: str
) -> None:
    site = copy_site(tmp_path / "site", pages=[], examples=[])
    result = quick_build(site, XENTDOCS_BASEURL=bad)
    assert result.returncode != 0, "the build went on with " + bad
    message = " ".join((result.stdout + result.stderr).split())
    assert (
        "XENTDOCS_BASEURL must be the site's public address as an absolute http(s) URL" in message
    )
    assert repr(bad) in message


def test_a_script_without_the_install_block_fails_the_build(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    script = site / "examples" / f"{TINY_NAME}.py"
    script.write_text(
        TINY_EXAMPLE.replace('    pip install torch==2.13.0 -e ".[examples]"\n', ""),
        encoding="utf-8",
    )
    result = quick_build(site)
    assert result.returncode != 0, "the build passed a script that does not say what to install"
    message = " ".join((result.stdout + result.stderr).split())
    assert f"{TINY_NAME}.rst: WARNING: hosting: a recipe" in message
    assert "must end its docstring with the install block" in message
    assert "found 0 such blocks" in message


def test_a_local_build_tells_the_reader_to_install_the_wheel_in_its_folder(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    result = quick_build(site)
    assert result.returncode == 0, output_of(result)
    html = site / "_build" / "html"
    (wheel,) = (html / "_wheels").glob("xentdocs-*.whl")
    name = TINY_NAME
    downloads = downloads_of(html, f"auto_examples/{name}.html")
    script = downloads["python"].read_text(encoding="utf-8")
    command = f"pip install {torch_requirement()} matplotlib {wheel.resolve()}"
    assert f"    {command}" in script.splitlines(), "the script does not name the built wheel"
    notebook = nbformat.read(downloads["jupyter"], as_version=4)
    lines = notebook.cells[0].source.splitlines()
    assert f"    %pip install {torch_requirement()}" in lines  # only where torch is missing
    assert f"%pip install matplotlib {wheel.resolve()}" in lines
    # The script in the repository keeps the command that is true there.
    source = (site / "examples" / f"{name}.py").read_text(encoding="utf-8")
    assert '    pip install torch==2.13.0 -e ".[examples]"' in source.splitlines()
    assert "canonical" not in (html / "index.html").read_text(encoding="utf-8")
    assert not (html / "sitemap.xml").exists()
    assert (html / "404.html").is_file()
    index = read_page(html / "index.html")
    assert index.find("meta", property="og:title") is not None
    assert not any("github.com" in str(a["href"]) for a in index.find_all("a", href=True))
    # The reader's command works: the wheel it names installs (no dependencies needed to check).
    target = tmp_path / "installed"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    check(installed, "installing the local wheel")
    assert (target / "xentdocs" / "__init__.py").is_file()


def test_a_repository_address_adds_its_buttons_and_project_urls(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    repository = "https://github.com/example/xentdocs"
    result = quick_build(
        site,
        XENTDOCS_BASEURL="https://example.github.io/xentdocs",
        XENTDOCS_REPOSITORY_URL=repository,
    )
    assert result.returncode == 0, output_of(result)
    html = site / "_build" / "html"
    links = {str(a["href"]) for a in read_page(html / "index.html").find_all("a", href=True)}
    assert repository in links
    assert any(link.startswith(f"{repository}/issues/new?") for link in links), links
    assert f"{repository}/edit/main/docs/index.md" in links
    name = TINY_NAME
    gallery_links = {
        str(a["href"])
        for a in read_page(html / f"auto_examples/{name}.html").find_all("a", href=True)
    }
    assert f"{repository}/edit/main/examples/{name}.py" in gallery_links
    sitemap = (html / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.github.io/xentdocs/index.html" in sitemap
    # The 404 page links the site's files from the path part of its address.
    not_found = (html / "404.html").read_text(encoding="utf-8")
    assert 'href="/xentdocs/_static/' in not_found
    (wheel,) = (html / "_wheels").glob("xentdocs-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = HeaderParser().parsestr(archive.read(metadata_name).decode())
    assert set(metadata.get_all("Project-URL")) == {
        "Documentation, https://example.github.io/xentdocs/",
        f"Repository, {repository}",
        f"Issues, {repository}/issues",
        f"Changelog, {repository}/blob/main/CHANGELOG.md",
    }


def test_the_host_answers_a_missing_page_with_the_site_404(tmp_path: Path) -> None:
    """The test host itself behaves as GitHub Pages does, or the 404 test would prove nothing."""
    from builtsite import serve

    (tmp_path / "404.html").write_text("<p>Page not found</p>", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>Home</p>", encoding="utf-8")
    with serve(tmp_path) as url:
        assert fetch(url + "index.html")[0] == 200
        status, _, body = fetch(url + "a/b/c/gone.html")
    assert (status, body) == (404, b"<p>Page not found</p>")


# -- One click to run: the Colab links and the branch they open ---------------------------------

COLAB = "https://colab.research.google.com/github/"
NOTEBOOKS_BRANCH = "built-notebooks"


def workflow_publish_step() -> str:
    """The Pages workflow's command that publishes the notebooks, as the workflow runs it."""
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text())
    job = workflow["jobs"]["build-site"]
    runs = [step["run"] for step in job["steps"] if "publish_notebooks.py" in step.get("run", "")]
    assert len(runs) == 1, "the Pages workflow has no step that runs tools/publish_notebooks.py"
    assert "'notebooks'" in job["env"]["XENTDOCS_NOTEBOOKS_BRANCH"], "the branch has no default"
    assert job["permissions"]["contents"] == "write", "the workflow cannot push the branch"
    return runs[0]


def test_every_colab_link_opens_the_notebook_of_its_page_on_the_published_branch(
    tmp_path: Path,
) -> None:
    """Build a small site for a GitHub repository, run the workflow's publish step into a local
    bare repository, then follow every Colab link of the site to the branch."""
    step = workflow_publish_step()
    site = copy_small_site(
        tmp_path / "site",
        page="docs/lecture/01-one-hot.md",
        example="examples/plot_01_class_weights_from_counts.py",
    )
    env = build_env(site)
    for variable in ("READTHEDOCS_CANONICAL_URL", "READTHEDOCS_GIT_CLONE_URL"):
        env.pop(variable, None)
    env.update(
        XENTDOCS_BASEURL="https://example.github.io/xentdocs/",
        XENTDOCS_REPOSITORY_URL="https://github.com/example/xentdocs",
        XENTDOCS_NOTEBOOKS_BRANCH=NOTEBOOKS_BRANCH,
    )
    result = build(site, env=env)
    assert result.returncode == 0, output_of(result)
    html = site / "_build" / "html"

    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--bare", "--quiet", str(bare)], check=True)
    # The workflow's own command line, with the bare repository for GitHub's.
    command = step.replace("\n", " ")
    assert '--branch "${XENTDOCS_NOTEBOOKS_BRANCH}"' in command
    published = subprocess.run(
        [
            *(sys.executable, str(site / "tools" / "publish_notebooks.py"), str(html)),
            *("--remote", str(bare), "--branch", NOTEBOOKS_BRANCH, "--source", "a test"),
        ],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    check(published, "tools/publish_notebooks.py")

    def on_branch(path: str) -> bytes | None:
        shown = subprocess.run(
            ["git", "--git-dir", str(bare), "show", f"{NOTEBOOKS_BRANCH}:{path}"],
            capture_output=True,
            check=False,
        )
        return shown.stdout if shown.returncode == 0 else None

    prefix = f"{COLAB}example/xentdocs/blob/{NOTEBOOKS_BRANCH}/"
    problems, seen = [], {}
    for page in html_pages(html):
        document = read_page(html / page)
        for link in document.find_all("a"):
            href = link.attrs.get("href", "")
            if not href.startswith(COLAB):
                continue
            if not href.startswith(prefix) or not href.endswith(".ipynb"):
                problems.append(f"{page}: {href} is not on the branch {NOTEBOOKS_BRANCH}")
                continue
            path = href.removeprefix(prefix)
            what = " ".join(link.get_text().split())
            seen.setdefault(page, set()).add(what)
            stored = on_branch(path)
            if stored is None:
                problems.append(f"{page}: {href} names {path}, which the branch lacks")
                continue
            # The notebook the page itself offers for download under that name.
            if "this page" in what:
                expected = page_notebook_link(html, page)
            elif "this recipe" in what:
                expected = download_links(html, page).get("jupyter")
            else:
                expected = next(
                    (
                        urljoin(page, a.attrs["href"])
                        for a in article(document).find_all("a", "download")
                        if a.attrs.get("href", "").endswith(".ipynb")
                    ),
                    None,
                )
            if expected is None or (html / expected).read_bytes() != stored:
                problems.append(f"{page}: {href} is not the notebook the page offers ({expected})")
    assert not problems, "\n".join(problems)
    assert {"Open this page in Colab", "Open its exercises in Colab"} <= seen.get(
        "lecture/01-one-hot.html", set()
    ), seen
    assert "Open this recipe in Colab" in seen.get(
        "auto_examples/plot_01_class_weights_from_counts.html", set()
    ), seen
    assert "Open this page in Colab" in seen.get("api.html", set()), seen
    notebook = nbformat.reads(on_branch("_sources/lecture/01-one-hot.ipynb").decode(), as_version=4)
    assert "https://example.github.io/xentdocs/_wheels/" in notebook.cells[0].source
