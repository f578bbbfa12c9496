"""Tie the build's caches to the package's code, so no page shows output of old code.

sphinx-gallery reruns an example when the script's MD5 changes, and myst-nb reruns a page when the
hash of its code cells changes. Neither knows that the code imports ``xentdocs``: edit a function
there and every page that calls it keeps its old output. This extension makes a *package key*, a
hash of the package's files (as this process imports them), of the installed versions of the
package's dependencies (torch), of Python's version and of the other files the pages read
(``package_cache_files``), and ties both caches to it, through public configuration only:

- the key is a config value that changes the environment, so when it changes Sphinx reads every
  document again ("The configuration has changed") and autodoc sees the new docstrings;
- myst-nb's jupyter-cache lives in a folder named after the key (``nb_execution_cache_path``), so
  a new key finds an empty cache and every page runs; the folders of the last
  ``package_cache_keep`` keys are kept (switch back to a branch and its outputs are still there),
  older ones are deleted. The cache's database is created here, in the main process, before
  ``sphinx-build -j`` forks readers that would otherwise race to create it;
- the gallery's MD5 files written under another key are deleted, so every example runs again. The
  key they were written under is kept beside them, in ``auto_examples/.package_cache_key``.

What sphinx-gallery generated for a script that was deleted or renamed (its page, downloads and
images in the gallery folder) is deleted too: that page would be in no table of contents, which
fails a ``-W`` build.

All of it happens when the configuration is read (``config-inited``), which Sphinx emits before the
builder starts, so before sphinx-gallery looks at its MD5 files whatever the order of handlers.

Kernels are new processes: the folder this process imports the package from is put first on their
``PYTHONPATH``, so the pages run the very code that was hashed, as the in-process gallery does.

Configuration (``conf.py``):

``package_cache_packages``
    Import names of the packages whose code the pages and examples run, e.g. ``["xentdocs"]``.
``package_cache_files``
    Other files the pages read or run (a recorded JSON, a measuring script), as paths relative to
    ``conf.py``; their bytes join the key, so a new record reaches every page that renders it.
``package_cache_keep``
    How many per-key jupyter-caches to keep (default 3).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
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
        key_the_notebook_cache(app, config, key)
    gallery_conf = config.sphinx_gallery_conf if "sphinx_gallery_conf" in config else None
    if gallery_conf:
        prune_removed_examples(app, gallery_conf)
        if runs_examples(config.plot_gallery if "plot_gallery" in config else True):
            forget_examples_of_other_keys(app, gallery_conf, key)


def key_the_notebook_cache(app: Sphinx, config: Config, key: str) -> None:
    """Point myst-nb at the jupyter-cache folder of ``key``, and create its database now."""
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    base = base.resolve()
    keyed = base / key
    keyed.mkdir(parents=True, exist_ok=True)
    os.utime(keyed)  # the newest folder is the one in use; pruning goes by age
    config.nb_execution_cache_path = str(keyed)
    prune_caches(base, keep=max(1, config.package_cache_keep), current=keyed)
    if config.nb_execution_mode == "cache":
        from jupyter_cache import get_cache

        cache = get_cache(str(keyed))
        cache.list_cache_records()  # creates the database if it is new
        cache.db.dispose()  # no open connection may cross a fork


def prune_caches(base: Path, *, keep: int, current: Path) -> None:
    others = [p for p in base.iterdir() if p.is_dir() and KEY_FOLDER.fullmatch(p.name)]
    others = sorted((p for p in others if p != current), key=lambda p: p.stat().st_mtime)
    for stale in others[: max(0, len(others) - (keep - 1))]:
        logger.info("removing the jupyter-cache of package key %s", stale.name)
        shutil.rmtree(stale, ignore_errors=True)


# -- sphinx-gallery --------------------------------------------------------------------------------


def runs_examples(plot_gallery: object) -> bool:
    """Whether sphinx-gallery runs the examples: ``-D plot_gallery=0`` (or False) says it does not."""
    return str(plot_gallery).strip().lower() not in {"0", "false", "no", "off", ""}


def forget_examples_of_other_keys(app: Sphinx, gallery_conf: dict, key: str) -> None:
    """Delete the gallery's MD5 files written under another package key, so every example runs.

    A build that runs no example leaves them, so it does not forget which ones are up to date.
    """
    suffixes = set(gallery_conf.get("example_extensions", {".py"}))
    for gallery_dir in as_list(gallery_conf["gallery_dirs"]):
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


def prune_removed_examples(app: Sphinx, gallery_conf: dict) -> None:
    """Delete what the gallery generated for scripts that are gone, before it generates again."""
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


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("package_cache_packages", [], "env", list)
    app.add_config_value("package_cache_files", [], "env", list)
    app.add_config_value("package_cache_key", "", "env", str)  # computed; not set in conf.py
    app.add_config_value("package_cache_keep", 3, "", int)
    app.connect("config-inited", on_config_inited)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
