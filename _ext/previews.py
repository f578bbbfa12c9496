"""Previews of glossary terms and links to other pages, as sphinx-tippy makes them, kept offline.

sphinx-tippy writes, for each page, a script that shows a tooltip (tippy.js on Popper) over each
link it knows the target of: a glossary term shows its definition, a section its heading and first
paragraph. This extension loads it and holds it to the site's promises:

- **offline**: every script in ``tippy_js`` must be a file of the site (``_static/vendor/``, copied
  from npm, see its README), and the tip sources that fetch from the web while building
  (Wikipedia, DOIs, Read the Docs) must be off; otherwise the build stops and says which.
- **the same bytes from the same sources**: sphinx-tippy names each page's script with a random
  uuid and writes its table of tips in set order, which differs between runs. After it has
  written them, each script's table is sorted, the file named by a digest of its content, and the
  page's ``<script>`` pointed at that name; scripts no page loads any more are removed.
- **whole on a clean build**: sphinx-tippy keeps what it knows of each page only for the pages
  written in the same build, so an incremental build previews links to the rewritten pages only;
  the site is published from a clean build, as the tests build it.
- **accessible**: a term's tip is put in a ``<dl>``, and the ids copied with a tip are dropped
  (the page may have the same ones), so a page with a preview open passes axe.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

FOLDER = "tippy"  # sphinx-tippy's scripts, under _static/
TABLE = re.compile(r"\Aselector_to_html = (?P<table>.*)$", re.MULTILINE)


def check_offline(app: Sphinx, config: Config) -> None:
    remote = [js for js in config.tippy_js if "://" in js or js.startswith("//")]
    missing = [
        js
        for js in config.tippy_js
        if js not in remote
        and not any((Path(app.confdir, s) / js).is_file() for s in config.html_static_path)
    ]
    fetching = [
        name for name in ("tippy_enable_wikitips", "tippy_enable_doitips") if getattr(config, name)
    ] + (["tippy_rtd_urls"] if config.tippy_rtd_urls else [])
    if remote or missing or fetching:
        raise ConfigError(
            "previews: the link previews must work offline and build offline:"
            + (f" tippy_js names remote scripts {remote};" if remote else "")
            + (f" tippy_js names files not in html_static_path {missing};" if missing else "")
            + (f" {', '.join(fetching)} would fetch tips from the web;" if fetching else "")
            + " serve the scripts from _static/ and turn those off"
        )


def settle_scripts(app: Sphinx, exception: BaseException | None) -> None:
    """Sorted tables, scripts named by their content, pages pointed at them."""
    folder = Path(app.outdir, "_static", FOLDER)
    if exception is not None or app.builder.format != "html" or not folder.is_dir():
        return
    by_page: dict[str, list[Path]] = {}
    for script in sorted(folder.rglob("*.js")):
        page = script.relative_to(folder).as_posix().split(".", 1)[0]
        by_page.setdefault(page, []).append(script)
    for page, scripts in by_page.items():
        html = Path(app.outdir, page + ".html")
        text = html.read_text(encoding="utf-8") if html.is_file() else ""
        pattern = re.compile(rf"_static/{FOLDER}/{re.escape(page)}\.[\w-]+\.js")
        if not pattern.search(text):
            for script in scripts:
                script.unlink()  # no page loads it
            continue
        # The one sphinx-tippy wrote in this build (it leaves older ones behind).
        newest = max(scripts, key=lambda script: script.stat().st_mtime_ns)
        content = settled(newest.read_text(encoding="utf-8"))
        digest = hashlib.sha256(content.encode()).hexdigest()[:16]
        name = f"{page.rsplit('/', 1)[-1]}.{digest}.js"
        for script in scripts:
            script.unlink()
        newest.with_name(name).write_text(content, encoding="utf-8")
        html.write_text(
            pattern.sub(f"_static/{FOLDER}/{page}".replace("\\", "/") + "." + digest + ".js", text),
            encoding="utf-8",
        )


def settled(content: str) -> str:
    match = TABLE.search(content)
    if match is None:
        return content
    table = {selector: accessible(tip) for selector, tip in json.loads(match["table"]).items()}
    return TABLE.sub(
        lambda _: "selector_to_html = " + json.dumps(dict(sorted(table.items()))), content
    )


def accessible(tip: str) -> str:
    """A tip's HTML as it may sit in any page: a term's dt and dd inside a dl, no ids, no timing.

    sphinx-tippy copies a glossary entry as a bare ``<dt>``/``<dd>`` pair (axe: dlitem) and keeps
    the ids of what it copies, which the page may hold too (axe: duplicate ids).
    """
    soup = BeautifulSoup(tip, "html.parser")
    for term in soup.find_all("dt"):
        if term.find_parent("dl") is None:
            definition = term.find_next_sibling()
            wrapper = soup.new_tag("dl")
            term.wrap(wrapper)
            if definition is not None and definition.name == "dd":
                wrapper.append(definition.extract())
    for element in soup.find_all(id=True):
        del element["id"]
    # sphinx-gallery ends a recipe's last section with its running time, which is no part of what
    # the link points to and changes from build to build.
    for timing in soup.find_all(class_="sphx-glr-timing"):
        timing.decompose()
    return str(soup)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_tippy")
    app.add_css_file("previews.css")  # the page's colours in a preview (_static/previews.css)
    app.connect("config-inited", check_offline)
    # After sphinx-tippy has written the scripts (its handler has the default priority, 500).
    app.connect("build-finished", settle_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
