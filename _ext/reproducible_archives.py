"""Make the download archives the same from one build to the next.

sphinx-gallery zips the gallery's scripts and notebooks in the order the disk lists them, and dates
each entry with the time the build wrote the file, so two builds of the same sources publish
different zips. After an HTML build, each archive in ``_downloads`` is rewritten with the same
files, sorted by name and dated ``SOURCE_DATE_EPOCH`` (1980-01-01, the earliest date a zip holds,
when it is unset).
"""

from __future__ import annotations

import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from sphinx.application import Sphinx

EARLIEST = (1980, 1, 1, 0, 0, 0)


def archive_date() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return EARLIEST
    return max(EARLIEST, tuple(time.gmtime(int(epoch))[:6]))  # type: ignore[return-value]


def rewrite(
    archive: Path,
    date_time: tuple[int, int, int, int, int, int],
    transform: Callable[[str, bytes], bytes] | None = None,
) -> None:
    """Rewrite ``archive`` sorted and dated; ``transform(name, data)`` may change each entry."""
    with zipfile.ZipFile(archive) as old:
        entries = sorted((info.filename, old.read(info)) for info in old.infolist())
    if transform is not None:
        entries = [(name, transform(name, data)) for name, data in entries]
    partial = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(partial, "w") as new:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time)
            info.external_attr = 0o644 << 16  # rw-r--r--, whatever the umask of the build
            new.writestr(info, data)
    partial.replace(archive)


def normalise_archives(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    date_time = archive_date()
    for archive in sorted((Path(app.outdir) / "_downloads").rglob("*.zip")):
        rewrite(archive, date_time)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("build-finished", normalise_archives)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
