"""Keep printed lines whole when myst-nb merges a cell's stream outputs.

A kernel may send one printed line in two stream messages. myst-nb 1.4's ``coalesce_streams``
strips and ends *each* message with a newline before merging, so such a line comes out broken in
two, at random, from build to build. Joining neighbouring messages of the same stream first, as
nbclient's own merge does, gives myst-nb whole lines to work on.
"""

from __future__ import annotations

import copy

import myst_nb.core.render
from nbformat import NotebookNode
from sphinx.application import Sphinx

_coalesce_streams = myst_nb.core.render.coalesce_streams


def join_neighbouring_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    joined: list[NotebookNode] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output["output_type"] == "stream"
            and previous is not None
            and previous["output_type"] == "stream"
            and previous["name"] == output["name"]
        ):
            previous["text"] += output["text"]
        else:
            joined.append(copy.deepcopy(output))
    return _coalesce_streams(joined)


def setup(app: Sphinx) -> dict[str, object]:
    myst_nb.core.render.coalesce_streams = join_neighbouring_streams
    return {"parallel_read_safe": True, "parallel_write_safe": True}
