"""Tie the build's caches to the package's code, and run the pages that must run side by side.

sphinx-gallery reruns an example when the script's MD5 changes, and myst-nb reruns a page when the
hash of its code cells changes. Neither knows that the code imports ``xentdocs``: edit a function
there and every page that calls it keeps its old output. This extension makes a *package key*, a
hash of the package's files (as this process imports them), of the installed versions of the
package's dependencies (torch), of Python's version and of the other files the pages read
(``package_cache_files``), and ties both caches to it:

- the key is a config value that changes the environment, so when it changes Sphinx reads every
  document again ("The configuration has changed") and autodoc sees the new docstrings;
- myst-nb's jupyter-cache lives in a folder named after the key, so a new key finds an empty cache
  and every page runs; the folders of the last ``package_cache_keep`` keys are kept (switch back
  to a branch and its outputs are still there), older ones are deleted;
- before sphinx-gallery looks at its MD5 files, those written under another key are deleted, so
  every example runs again. The key they were written under is kept beside them, in
  ``auto_examples/.package_cache_key``.

What sphinx-gallery generated for a script that was deleted or renamed (its page, downloads and
images in the gallery folder) is deleted before the gallery runs: that page would be in no table of
contents, which fails a ``-W`` build.

Kernels are new processes: the folder this process imports the package from is put first on their
``PYTHONPATH``, so the pages run the very code that was hashed, as the in-process gallery does.

Speed. Before sphinx-gallery runs its examples (in this process, one after the other), the pages
that Sphinx will read and the cache lacks are started in kernels, ``package_cache_jobs`` at a time,
from a thread that only waits on them; the examples and the pages then share the CPUs. Before
reading starts (and before Sphinx could fork parallel readers) the thread is joined and each page
is stored in the cache as myst-nb stores a page it ran, so reading finds it there. A page that
fails is not stored: myst-nb runs it again while reading and fails the build with its own message
and traceback, so a failing cell still fails the build. ``package_cache_jobs = 1`` turns this off.

Configuration (``conf.py``):

``package_cache_packages``
    Import names of the packages whose code the pages and examples run, e.g. ``["xentdocs"]``.
``package_cache_files``
    Other files the pages read or run (a recorded JSON, a measuring script), as paths relative to
    ``conf.py``; their bytes join the key, so a new record reaches every page that renders it.
``package_cache_jobs``
    How many pages run at once; ``0`` (the default) means one per CPU.
``package_cache_keep``
    How many per-key jupyter-caches to keep (default 3).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError, ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

KEY_LENGTH = 16  # hex digits: the name of a cache folder
KEY_FOLDER = re.compile(rf"[0-9a-f]{{{KEY_LENGTH}}}")
GALLERY_STAMP = ".package_cache_key"  # in each gallery folder, beside the MD5 files it governs


# -- the package key -----------------------------------------------------------------------------


def package_dir(name: str) -> Path:
    """The folder (or single module file) that ``import name`` loads in this process."""
    spec = importlib.util.find_spec(name)
    if spec is None or (spec.origin is None and not spec.submodule_search_locations):
        raise ConfigError(f"package_cache_packages names {name!r}, which cannot be imported")
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve()
    return Path(spec.origin).resolve()


def source_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def dependency_versions(name: str) -> list[str]:
    """``name==version`` of the installed distributions that package ``name`` requires."""
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return []
    versions = []
    for requirement in distribution.requires or []:
        if "extra ==" in requirement:
            continue
        dependency = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
        try:
            versions.append(f"{dependency}=={importlib.metadata.version(dependency)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return sorted(versions)


def package_key_of(roots: list[Path], pins: list[str] = ()) -> str:
    """Hash of the files under ``roots`` (names and bytes), of ``pins`` and of Python's version."""
    digest = hashlib.sha256(sys.version.encode())
    for root in roots:
        digest.update(f"\0root {root.name}\0".encode())
        for path in source_files(root):
            relative = path.name if root.is_file() else path.relative_to(root).as_posix()
            digest.update(f"\0{relative}\0".encode())
            digest.update(path.read_bytes())
    for pin in pins:
        digest.update(f"\0{pin}".encode())
    return digest.hexdigest()[:KEY_LENGTH]


def package_key(names: list[str], files: list[Path] = ()) -> str:
    """The key of the packages' code (source files, dependencies' versions) and of ``files``."""
    names = sorted(names)
    pins = [pin for name in names for pin in dependency_versions(name)]
    for path in files:
        if not path.is_file():
            raise ConfigError(f"package_cache_files names {str(path)!r}, which is not a file")
    return package_key_of([package_dir(name) for name in names] + sorted(files), pins)


def is_installed_copy(path: Path) -> bool:
    site_dirs = {sysconfig.get_paths()[kind] for kind in ("purelib", "platlib")}
    return any(path.is_relative_to(site_dir) for site_dir in site_dirs)


def on_config_inited(app: Sphinx, config: Config) -> None:
    names = list(config.package_cache_packages)
    files = [Path(app.confdir, path).resolve() for path in config.package_cache_files]
    key = package_key(names, files)
    config.package_cache_key = key
    logger.info("package key %s (from %s)", key, ", ".join(names) or "no package")

    # Kernels are new processes started in each page's folder: put the source trees that this
    # process imports (and hashed) first on their path, so they import the same code.
    trees = [str(package_dir(n).parent) for n in names if not is_installed_copy(package_dir(n))]
    if trees:
        old = os.environ.get("PYTHONPATH", "")
        parts = [p for p in old.split(os.pathsep) if p and p not in trees]
        os.environ["PYTHONPATH"] = os.pathsep.join([*trees, *parts])

    if "nb_execution_cache_path" in config:
        base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
        base = base.resolve()
        keyed = base / key
        keyed.mkdir(parents=True, exist_ok=True)
        os.utime(keyed)  # the newest folder is the one in use; pruning goes by age
        config.nb_execution_cache_path = str(keyed)
        prune_caches(base, keep=max(1, config.package_cache_keep), current=keyed)


def prune_caches(base: Path, *, keep: int, current: Path) -> None:
    others = [p for p in base.iterdir() if p.is_dir() and KEY_FOLDER.fullmatch(p.name)]
    others = sorted((p for p in others if p != current), key=lambda p: p.stat().st_mtime)
    for stale in others[: max(0, len(others) - (keep - 1))]:
        logger.info("removing the jupyter-cache of package key %s", stale.name)
        shutil.rmtree(stale, ignore_errors=True)


# -- sphinx-gallery --------------------------------------------------------------------------------


def on_builder_inited(app: Sphinx) -> None:
    """Delete the gallery's MD5 files written under another package key, before it checks them."""
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not gallery_conf or not gallery_conf.get("plot_gallery"):
        return  # a build that runs no example must not forget which ones are up to date
    key = app.config.package_cache_key
    suffixes = set(gallery_conf.get("example_extensions", {".py"}))
    gallery_dirs = gallery_conf["gallery_dirs"]
    for gallery_dir in [gallery_dirs] if isinstance(gallery_dirs, str) else gallery_dirs:
        folder = Path(app.srcdir, gallery_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = folder / GALLERY_STAMP
        if stamp.is_file() and stamp.read_text().strip() == key:
            continue
        removed = 0
        for md5 in folder.rglob("*.md5"):
            if md5.with_suffix("").suffix in suffixes:
                md5.unlink()
                removed += 1
        if removed:
            logger.info(
                "package key changed: all %d examples in %s run again", removed, gallery_dir
            )
        stamp.write_text(key + "\n")


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def left_over(folder: Path, scripts: set[str]) -> list[Path]:
    """What sphinx-gallery generated in ``folder`` for scripts that are no longer among ``scripts``.

    A generated page whose script was deleted or renamed is in no table of contents, which fails
    a ``-W`` build; its images and downloads would be published with it.
    """
    found = []
    for file in sorted(folder.glob("*")):
        stem = file.name.split(".", 1)[0]
        if file.is_file() and stem.startswith("plot_") and stem not in scripts:
            found.append(file)
    for file in sorted(folder.glob("images/**/sphx_glr_*")):
        if file.is_file() and not any(
            file.name.startswith((f"sphx_glr_{s}_", f"sphx_glr_{s}.")) for s in scripts
        ):
            found.append(file)
    return found


def prune_removed_examples(app: Sphinx) -> None:
    """Delete what the gallery generated for scripts that are gone, before it generates again."""
    gallery_conf = getattr(app.config, "sphinx_gallery_conf", None)
    if not gallery_conf:
        return
    pairs = zip(
        as_list(gallery_conf["examples_dirs"]), as_list(gallery_conf["gallery_dirs"]), strict=True
    )
    for examples_dir, gallery_dir in pairs:
        scripts = {p.stem for p in Path(app.srcdir, examples_dir).glob("*.py")}
        folder = Path(app.srcdir, gallery_dir)
        stale = left_over(folder, scripts) if folder.is_dir() else []
        for file in stale:
            file.unlink()
        if stale:
            logger.info("removed %d generated files of examples that are gone", len(stale))


# -- run the pages that must run, side by side, while the gallery runs -------------------------


@dataclass
class Job:
    docname: str
    path: Path
    notebook: Any  # nbformat.NotebookNode, executed in place
    nb_config: Any  # myst_nb.core.config.NbParserConfig, with the page's own settings
    read_fmt: dict | None
    finished: bool = False
    seconds: float = 0.0
    error: BaseException | None = None


@dataclass
class Run:
    md_config: Any
    nb_config: Any
    jobs: list[Job]
    thread: threading.Thread | None = None
    crash: BaseException | None = None  # of this extension's own code, not of a page

    def execute_all(self, limit: int) -> None:
        try:
            asyncio.run(execute_all(self.jobs, limit))
        # Kept for finish_pages, which raises it in the main thread: the build fails loudly.
        except BaseException as error:  # noqa: BLE001
            self.crash = error


def parser_configs(app: Sphinx) -> tuple[Any, Any] | None:
    """myst's and myst-nb's settings, made from ``conf.py`` as their builder-inited handlers do.

    Those handlers run at the same time as sphinx-gallery's; these copies let the pages start
    before the gallery. ``None`` when they cannot be made; reading then does the work as usual.
    """
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig

    try:
        md_config = MdParserConfig(
            **{
                name: app.config[f"myst_{name}"]
                for name, _, field in MdParserConfig().as_triple()
                if "sphinx" not in field.metadata.get("omit", [])
            }
        )
        nb_config = NbParserConfig(
            **{
                name: app.config[f"nb_{name}"]
                for name, _, field in NbParserConfig().as_triple()
                if not field.metadata.get("sphinx_exclude")
            }
        )
    except (TypeError, ValueError):
        return None  # myst or myst-nb reports the bad setting itself
    return md_config, nb_config


def docs_to_read(app: Sphinx, docnames: set[str]) -> set[str]:
    """The documents Sphinx will read, as it decides a little later; all of them if unsure.

    Sparing the others only saves converting them to notebooks: a page read but not run here is
    run by myst-nb while reading, as usual.
    """
    from sphinx.environment import CONFIG_OK

    env = app.env
    if env.config_status != CONFIG_OK:
        return docnames
    try:
        from sphinx.environment import _has_doc_changed  # Sphinx's own test (private)

        return {
            docname
            for docname in docnames
            if docname not in env.all_docs
            or _has_doc_changed(
                docname,
                filename=env.doc2path(docname),
                reread_always=env.reread_always,
                doctreedir=env.doctreedir,
                all_docs=env.all_docs,
                dependencies=env.dependencies,
            )
        }
    except (ImportError, TypeError):
        return docnames


def stale_notebooks(app: Sphinx, md_config: Any, base_config: Any, cache: Any) -> list[Job]:
    """The pages that myst-nb would execute when read: notebooks the cache does not hold."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict
    from myst_nb.core.read import create_nb_reader
    from sphinx.project import Project

    project = Project(app.srcdir, app.config.source_suffix)
    docnames = project.discover(app.config.exclude_patterns, app.config.include_patterns)
    jobs = []
    for docname in sorted(docs_to_read(app, docnames)):
        path = Path(project.doc2path(docname, absolute=True))
        text = path.read_text(encoding=app.config.source_encoding)
        reader = create_nb_reader(str(path), md_config, base_config, text)
        if reader is None:
            continue
        notebook = reader.read(text)
        # What myst-nb does before it looks a notebook up: kernel aliases, the page's settings.
        kernel = notebook.metadata.get("kernelspec", {}).get("name")
        for pattern, alias in base_config.kernel_rgx_aliases.items():
            if kernel is not None and re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
        nb_config = base_config
        if base_config.metadata_key in notebook.metadata:
            overrides = nb_node_to_dict(notebook.metadata[base_config.metadata_key])
            overrides.pop("output_folder", None)
            try:
                nb_config = base_config.copy(**overrides)
            except (TypeError, ValueError):
                continue  # myst-nb reports the bad setting while reading
        if nb_config.execution_mode != "cache":
            continue
        if any(path.match(pattern) for pattern in nb_config.execution_excludepatterns):
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            jobs.append(Job(docname, path, notebook, nb_config, reader.read_fmt))
    return jobs


async def execute(job: Job) -> None:
    """Run one notebook in a new kernel, as jupyter-cache's ``single_nb_execution`` does."""
    from nbclient import NotebookClient

    execution = job.notebook.metadata.get("execution", {})
    with tempfile.TemporaryDirectory() as temp:
        client = NotebookClient(
            job.notebook,
            timeout=execution.get("timeout", job.nb_config.execution_timeout),
            allow_errors=execution.get("allow_errors", job.nb_config.execution_allow_errors),
            record_timing=False,
            # The outputs are in; a graceful shutdown of a kernel that imported torch takes a second.
            shutdown_kernel="immediate",
            resources={
                "metadata": {
                    "path": temp if job.nb_config.execution_in_temp else str(job.path.parent)
                }
            },
        )
        start = time.perf_counter()
        try:
            await client.async_execute()
        # Whatever went wrong (a cell, a timeout, a dead kernel), myst-nb meets it again.
        except Exception as error:  # noqa: BLE001
            job.error = error
        job.seconds = time.perf_counter() - start
        job.finished = True


async def execute_all(jobs: list[Job], limit: int) -> None:
    slots = asyncio.Semaphore(limit)

    async def one(job: Job) -> None:
        async with slots:
            await execute(job)

    await asyncio.gather(*(one(job) for job in jobs))


def start_pages(app: Sphinx) -> None:
    """Start running the pages the cache lacks, in a thread, before the gallery runs its examples.

    The kernels are other processes, so the pages and the in-process gallery share the CPUs.
    """
    configs = parser_configs(app)
    if configs is None:
        return
    md_config, nb_config = configs
    if nb_config.execution_mode != "cache" or not nb_config.execution_cache_path:
        return
    from jupyter_cache import get_cache

    cache = get_cache(nb_config.execution_cache_path)
    # Creates the database now, before parallel readers (-j) could race to create it.
    database = cache.db
    try:
        limit = app.config.package_cache_jobs or os.cpu_count() or 1
        jobs = stale_notebooks(app, md_config, nb_config, cache) if limit > 1 else []
    finally:
        database.dispose()  # no open connection may cross a fork
    if not jobs:
        return
    limit = min(limit, len(jobs))
    logger.info("executing %d pages, %d at a time, beside the gallery", len(jobs), limit)
    run = Run(md_config, nb_config, jobs)
    run.thread = threading.Thread(target=run.execute_all, args=(limit,), name="package_cache")
    run.thread.start()
    app._package_cache_run = run  # type: ignore[attr-defined]


def describe(error: BaseException | None) -> str:
    """One line on why a page failed; a cell's error names its exception and message."""
    if error is None:
        return "not run"
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:
        return f"{type(error).__name__}, {ename}: {evalue}"
    return f"{type(error).__name__}: {error}".splitlines()[0]


def finish_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Wait for the pages and store them in the cache, as myst-nb stores a page it ran itself."""
    run: Run | None = getattr(app, "_package_cache_run", None)
    if run is None:
        return
    del app._package_cache_run  # type: ignore[attr-defined]
    run.thread.join()
    if run.crash is not None:
        raise ExtensionError("package_cache failed to run the pages", run.crash, "package_cache")
    used_config = env.mystnb_config
    same_config = run.md_config == env.myst_config and used_config == run.nb_config.copy(
        output_folder=used_config.output_folder,
        execution_cache_path=used_config.execution_cache_path,
    )
    if not same_config:
        logger.info("myst-nb's settings are not the ones the pages ran with; reading runs them")
        return
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(used_config.execution_cache_path)
    try:
        for job in run.jobs:
            if not job.finished or job.error is not None:
                logger.info(
                    "failed (%s); reading runs it again and reports the error",
                    describe(job.error),
                    location=job.docname,
                )
                continue
            record = cache.add_nb_to_project(str(job.path), read_data=job.read_fmt)
            cache.cache_notebook_bundle(
                CacheBundleIn(job.notebook, record.uri, data={"execution_seconds": job.seconds}),
                check_validity=False,
                overwrite=True,
            )
            # myst-nb's own words, so one pattern counts the pages a build ran.
            logger.info("Executed notebook in %.2f seconds", job.seconds, location=job.docname)
    finally:
        cache.db.dispose()  # no open connection may cross a fork


def wait_for_pages(app: Sphinx, exception: BaseException | None) -> None:
    """A build that stops before reading still waits for its kernels, so none is left behind."""
    run: Run | None = getattr(app, "_package_cache_run", None)
    if run is not None and run.thread is not None:
        run.thread.join()


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("package_cache_packages", [], "env", list)
    app.add_config_value("package_cache_files", [], "env", list)
    app.add_config_value("package_cache_key", "", "env", str)  # computed; not set in conf.py
    app.add_config_value("package_cache_jobs", 0, "", int)
    app.add_config_value("package_cache_keep", 3, "", int)
    app.connect("config-inited", on_config_inited)
    # Before sphinx-gallery's own builder-inited handler (priority 500) reads the MD5 files.
    app.connect("builder-inited", on_builder_inited, priority=400)
    app.connect("builder-inited", prune_removed_examples, priority=400)
    # After the MD5 files are settled and before the gallery starts its examples.
    app.connect("builder-inited", start_pages, priority=450)
    # Before reading, and before Sphinx forks parallel readers: no thread may run across a fork.
    app.connect("env-before-read-docs", finish_pages)
    app.connect("build-finished", wait_for_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
