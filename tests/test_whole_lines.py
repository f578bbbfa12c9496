"""A printed line that reaches myst-nb in two stream messages stays one line on the page."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import whole_lines
from nbformat import from_dict


def stream(text: str, name: str = "stdout") -> dict[str, str]:
    return from_dict({"output_type": "stream", "name": name, "text": text})


def test_a_line_split_across_messages_stays_whole() -> None:
    outputs = [stream("loss:  "), stream("tensor(0.9335)\nnext line\n")]
    merged = whole_lines.join_neighbouring_streams(outputs)
    assert [o["text"] for o in merged] == ["loss:  tensor(0.9335)\nnext line\n"]


def test_myst_nb_alone_would_break_that_line() -> None:
    # The reason the extension exists; if myst-nb fixes its merge, this fails and the extension can go.
    outputs = [stream("loss:  "), stream("tensor(0.9335)\n")]
    assert whole_lines._coalesce_streams(outputs)[0]["text"] == "loss:\ntensor(0.9335)\n"


def test_other_streams_and_outputs_keep_their_place() -> None:
    outputs = [
        stream("a\n"),
        stream("warning\n", name="stderr"),
        from_dict(
            {
                "output_type": "execute_result",
                "data": {"text/plain": "1"},
                "metadata": {},
                "execution_count": 1,
            }
        ),
        stream("b\n"),
    ]
    merged = whole_lines.join_neighbouring_streams(outputs)
    kinds = [(o["output_type"], o.get("name")) for o in merged]
    assert kinds == [("stream", "stdout"), ("stream", "stderr"), ("execute_result", None)]
    assert merged[0]["text"] == "a\nb\n"
    assert outputs[0]["text"] == "a\n", "the cell's own outputs are not modified"


def test_myst_nb_still_merges_streams_through_the_function_the_extension_replaces() -> None:
    # If myst-nb stops calling its module's coalesce_streams, the patch silently does nothing.
    from myst_nb.core import render

    source = inspect.getsource(render)
    calls = [
        line
        for line in source.splitlines()
        if "coalesce_streams(" in line and not line.lstrip().startswith("def ")
    ]
    assert calls, (
        "myst_nb.core.render no longer calls coalesce_streams: whole_lines patches nothing"
    )


def test_setup_puts_the_joining_merge_where_myst_nb_looks_it_up() -> None:
    from myst_nb.core import render

    original = render.coalesce_streams
    try:
        whole_lines.setup(SimpleNamespace())  # setup only patches; it registers nothing
        assert render.coalesce_streams is whole_lines.join_neighbouring_streams
    finally:
        render.coalesce_streams = original
