"""Explorable figures: a slider over frames that torch computed ahead of time.

A page computes every number of a figure with torch, once for each value of a grid (the slider's
positions), and hands them to :class:`Explorable` by name. The figure draws every frame here, in
Python, as SVG and an HTML table, and keeps only what differs from frame to frame; the browser
then only picks a frame and copies its attribute values and texts into place. No number is
computed in the browser. The page's HTML holds the default frame drawn in full, so the figure shows
without JavaScript, and ``_repr_png_`` draws the same frame with matplotlib for a PDF of the book.

The root element says which figure it is (``data-kind``) and every number it prints says which
quantity it is (``data-key``), so a test can recompute each shown number with torch.
"""

from __future__ import annotations

import html
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch

__all__ = ["Bars", "Curves", "Explorable", "Table"]

# The bound is 60 KB a figure, data and code together; the shared script and style
# (_static/explorable.js and .css) take the rest, which tests/test_explorable.py measures.
MAX_HTML_BYTES = 52 * 1024
# Okabe and Ito's colours, told apart by readers with any common colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
WIDTH, HEIGHT = 340, 230  # one panel's viewBox
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 44, 38
LETTER = 6.6  # the width allowed a letter of a legend's name, in px
NAME = re.compile(r"[a-z][a-z0-9-]*")


# -- A small element tree, drawn once per frame --------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)


def _el(tag: str, attrs: Mapping[str, object] | None = None, *children: _Node | str) -> _Node:
    return _Node(tag, {k: str(v) for k, v in (attrs or {}).items()}, list(children))


def _px(x: float) -> str:
    """A coordinate with one decimal, as short as it goes ("12", "12.5")."""
    text = f"{x:.1f}"
    return text.removesuffix(".0")


_VOID = {"input"}
_EMPTY_SVG = {"rect", "circle", "line", "polyline", "path"}


def _serialize(node: _Node | str, extra: Mapping[int, int], ids: dict[int, int]) -> str:
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attrs = dict(node.attrs)
    if id(node) in extra:
        attrs["data-xd"] = str(extra[id(node)])
    text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    if node.tag in _VOID:
        return f"<{node.tag}{text}>"
    if node.tag in _EMPTY_SVG and not node.children:
        return f"<{node.tag}{text}/>"
    inner = "".join(_serialize(child, extra, ids) for child in node.children)
    return f"<{node.tag}{text}>{inner}</{node.tag}>"


def _changes(
    trees: Sequence[_Node], shown: int
) -> tuple[dict[int, int], list[list[object]], list[list[str]]]:
    """What differs between the frames' trees: the nodes to number, the slots, the frames' values.

    Each slot is ``[node number, attribute]`` (``"#text"`` for the node's text); the nodes are those
    of ``trees[shown]``, the frame the HTML holds.
    """
    numbers: dict[int, int] = {}
    slots: list[list[object]] = []
    columns: list[list[str]] = []

    def walk(nodes: list[_Node]) -> None:
        first = nodes[shown]
        for node in nodes:
            same_shape = (
                node.tag == first.tag
                and node.attrs.keys() == first.attrs.keys()
                and len(node.children) == len(first.children)
            )
            if not same_shape:
                raise ValueError(f"every frame must draw the same elements; <{first.tag}> differs")
        for name in first.attrs:
            values = [node.attrs[name] for node in nodes]
            if len(set(values)) > 1:
                slots.append([numbers.setdefault(id(first), len(numbers)), name])
                columns.append(values)
        texts = [[c for c in node.children if isinstance(c, str)] for node in nodes]
        if any(t != texts[shown] for t in texts):
            if len(first.children) != 1 or not isinstance(first.children[0], str):
                raise ValueError(f"a text that changes must be the only child of <{first.tag}>")
            slots.append([numbers.setdefault(id(first), len(numbers)), "#text"])
            columns.append([str(node.children[0]) for node in nodes])
        for index, child in enumerate(first.children):
            if isinstance(child, _Node):
                walk([node.children[index] for node in nodes])  # type: ignore[misc]

    walk(list(trees))
    frames = [[column[f] for column in columns] for f in range(len(trees))]
    return numbers, slots, frames


# -- Axes ------------------------------------------------------------------------------------------


def _ticks(low: float, high: float, log: bool) -> list[float]:
    if log:
        first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
        ticks = [10.0**e for e in range(first, last + 1)]
        if len(ticks) < 2:
            ticks = sorted({t * m for t in [10.0**first / 10, *ticks] for m in (1, 2, 5)})
            ticks = [t for t in ticks if low * (1 - 1e-9) <= t <= high * (1 + 1e-9)]
        step = max(1, math.ceil(len(ticks) / 6))
        return ticks[::step]
    span = high - low
    magnitude = 10.0 ** math.floor(math.log10(span / 5))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if span / (m * magnitude) <= 5)
    start = math.ceil(low / step - 1e-9) * step
    count = math.floor((high - start) / step + 1e-9)
    return [round(start + i * step, 12) for i in range(count + 1)]


@dataclass(frozen=True)
class _Axis:
    low: float
    high: float
    start: float  # pixel of low
    end: float  # pixel of high
    log: bool = False

    def __call__(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        if self.log:
            share = math.log(value / self.low) / math.log(self.high / self.low)
        else:
            share = (value - self.low) / (self.high - self.low)
        return self.start + share * (self.end - self.start)


def _limits(values: list[float], include_zero: bool, log: bool) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not finite:
        raise ValueError(
            "a panel needs at least one finite number to draw (positive on a log axis)"
        )
    low, high = min(finite), max(finite)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if log:
        return (low, high) if high > low else (low / 2, high * 2)
    if high == low:
        return low - 1, high + 1
    pad = 0.05 * (high - low)
    return (low if low == 0 else low - pad), (high if high == 0 else high + pad)


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


def _frame_svg(title: str, label: str, legend: Sequence[str]) -> _Node:
    svg = _el(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": WIDTH,
            "height": HEIGHT,
            "role": "img",
            "aria-label": label,
            "class": "xd-panel",
            "font-size": 11,
            "fill": "currentColor",
        },
        _el("text", {"x": LEFT, "y": 14, "font-weight": "bold"}, title),
    )
    if len(legend) > 1:
        # One row from the panel's left edge; each name is allowed a generous 6.6 px a letter at
        # 11 px (wider than the average glyph), so a row that fits here fits in the browser.
        x = 8
        needed = x + sum(24 + LETTER * len(name) for name in legend) - 10
        if needed > WIDTH - RIGHT:
            raise ValueError(
                f"the legend {list(legend)} needs about {needed:.0f} px but a panel is "
                f"{WIDTH - RIGHT} px wide; expected shorter series names"
            )
        for index, name in enumerate(legend):
            colour = PALETTE[index % len(PALETTE)]
            svg.children.append(
                _el(
                    "rect",
                    {
                        "x": x,
                        "y": 22,
                        "width": 10,
                        "height": 10,
                        "fill": colour,
                        "class": f"xd-c{index}",
                    },
                )
            )
            svg.children.append(_el("text", {"x": x + 14, "y": 31}, name))
            x += 24 + LETTER * len(name)
    return svg


def _y_axis(svg: _Node, axis: _Axis) -> None:
    for tick in _ticks(axis.low, axis.high, axis.log):
        y = _px(axis(tick))
        svg.children.append(
            _el(
                "line",
                {
                    "x1": LEFT - 4,
                    "x2": WIDTH - RIGHT,
                    "y1": y,
                    "y2": y,
                    "stroke": "currentColor",
                    "stroke-opacity": 0.15,
                },
            )
        )
        svg.children.append(
            _el(
                "text",
                {"x": LEFT - 6, "y": _px(axis(tick) + 4), "text-anchor": "end"},
                _tick_text(tick),
            )
        )


# -- Panels ----------------------------------------------------------------------------------------


@dataclass
class Bars:
    """Groups of bars, one bar per series in each group, one number each.

    ``keys[g][s]`` names the number drawn by bar ``s`` of group ``g``. ``limits`` fixes the value
    axis; by default it spans every frame's numbers and 0, so the bars of two frames compare.
    """

    title: str
    groups: Sequence[str]
    series: Sequence[str]
    keys: Sequence[Sequence[str]]
    limits: tuple[float, float] | None = None

    def _axis(self, figure: Explorable) -> _Axis:
        low, high = self.limits or _limits(
            [v for row in self.keys for k in row for v in figure.numbers[k]], True, False
        )
        return _Axis(low, high, HEIGHT - BOTTOM, TOP)

    def render(self, figure: Explorable, frame: int) -> _Node:
        axis = self._axis(figure)
        svg = _frame_svg(
            self.title, f"{self.title}: bar chart; the table gives the numbers", self.series
        )
        _y_axis(svg, axis)
        width = (WIDTH - LEFT - RIGHT) / len(self.groups)
        bar = min(24.0, 0.8 * width / len(self.series))
        zero = axis(0.0)
        small = len(self.groups) > 8
        for g, (group, keys) in enumerate(zip(self.groups, self.keys, strict=True)):
            middle = LEFT + (g + 0.5) * width
            for s, key in enumerate(keys):
                value = figure.numbers[key][frame]
                top = axis(value) if math.isfinite(value) else zero
                x = middle + (s - len(keys) / 2) * bar
                svg.children.append(
                    _el(
                        "rect",
                        {
                            "x": _px(x),
                            "y": _px(min(top, zero)),
                            "width": _px(bar * 0.92),
                            "height": _px(abs(zero - top)),
                            "fill": PALETTE[s % len(PALETTE)],
                            "class": f"xd-c{s}",
                        },
                    )
                )
            svg.children.append(
                _el(
                    "text",
                    {
                        "x": _px(middle),
                        "y": HEIGHT - BOTTOM + 14,
                        "text-anchor": "middle",
                        "font-size": 9 if small else 11,
                    },
                    group,
                )
            )
        svg.children.append(
            _el(
                "line",
                {
                    "x1": LEFT,
                    "x2": WIDTH - RIGHT,
                    "y1": _px(zero),
                    "y2": _px(zero),
                    "stroke": "currentColor",
                },
            )
        )
        return svg

    def draw(self, ax: object, figure: Explorable, frame: int) -> None:
        count = len(self.series)
        for s, name in enumerate(self.series):
            heights = [figure.numbers[keys[s]][frame] for keys in self.keys]
            offsets = [g + (s - (count - 1) / 2) * 0.8 / count for g in range(len(self.groups))]
            ax.bar(offsets, heights, width=0.8 / count * 0.92, color=PALETTE[s], label=name)  # type: ignore[attr-defined]
        ax.set_xticks(range(len(self.groups)), list(self.groups))  # type: ignore[attr-defined]
        axis = self._axis(figure)
        ax.set_ylim(axis.low, axis.high)  # type: ignore[attr-defined]
        if count > 1:
            ax.legend(fontsize="small")  # type: ignore[attr-defined]


@dataclass
class Curves:
    """Lines over the slider's grid, one number per frame each, with a marker at the current value.

    ``keys[s]`` names the number of series ``s``; its values over the grid are the curve. ``log``
    puts the value axis on a log scale; the grid's axis follows the slider's scale.
    """

    title: str
    series: Sequence[str]
    keys: Sequence[str]
    limits: tuple[float, float] | None = None
    log: bool = False

    def _axes(self, figure: Explorable) -> tuple[_Axis, _Axis]:
        low, high = self.limits or _limits(
            [v for k in self.keys for v in figure.numbers[k]], False, self.log
        )
        grid = figure.values
        x = _Axis(grid[0], grid[-1], LEFT, WIDTH - RIGHT, figure.scale == "log")
        return x, _Axis(low, high, HEIGHT - BOTTOM, TOP, self.log)

    def _width(self, series: int) -> float:
        """Thicker lines first, so a line that another covers still shows at its edges."""
        return 2 + 2 * (len(self.keys) - 1 - series)

    def _drawable(self, value: float) -> bool:
        return math.isfinite(value) and (value > 0 or not self.log)

    def render(self, figure: Explorable, frame: int) -> _Node:
        x, y = self._axes(figure)
        svg = _frame_svg(
            self.title, f"{self.title}: line chart; the table gives the numbers", self.series
        )
        _y_axis(svg, y)
        for tick in _ticks(x.low, x.high, x.log):
            svg.children.append(
                _el(
                    "text",
                    {"x": _px(x(tick)), "y": HEIGHT - BOTTOM + 14, "text-anchor": "middle"},
                    _tick_text(tick),
                )
            )
        svg.children.append(
            _el(
                "text",
                {"x": _px((LEFT + WIDTH - RIGHT) / 2), "y": HEIGHT - 6, "text-anchor": "middle"},
                figure.label,
            )
        )
        current = _px(x(figure.values[frame]))
        svg.children.append(
            _el(
                "line",
                {
                    "x1": current,
                    "x2": current,
                    "y1": TOP,
                    "y2": HEIGHT - BOTTOM,
                    "stroke": "currentColor",
                    "stroke-dasharray": "3 3",
                },
            )
        )
        for s, key in enumerate(self.keys):
            values = figure.numbers[key]
            colour = PALETTE[s % len(PALETTE)]
            points = [
                f"{_px(x(v))},{_px(y(w))}"
                for v, w in zip(figure.values, values, strict=True)
                if self._drawable(w)
            ]
            svg.children.append(
                _el(
                    "polyline",
                    {
                        "points": " ".join(points),
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": self._width(s),
                        "class": f"xd-c{s}",
                    },
                )
            )
        for s, key in enumerate(self.keys):
            value = figure.numbers[key][frame]
            shown = self._drawable(value)
            svg.children.append(
                _el(
                    "circle",
                    {
                        "cx": current,
                        "cy": _px(y(value) if shown else y.start),
                        "r": 4,
                        "fill": PALETTE[s % len(PALETTE)],
                        "class": f"xd-c{s}",
                        "visibility": "visible" if shown else "hidden",
                    },
                )
            )
        svg.children.append(
            _el(
                "line",
                {
                    "x1": LEFT,
                    "x2": WIDTH - RIGHT,
                    "y1": HEIGHT - BOTTOM,
                    "y2": HEIGHT - BOTTOM,
                    "stroke": "currentColor",
                },
            )
        )
        return svg

    def draw(self, ax: object, figure: Explorable, frame: int) -> None:
        x, y = self._axes(figure)
        for s, (name, key) in enumerate(zip(self.series, self.keys, strict=True)):
            values = [v if self._drawable(v) else math.nan for v in figure.numbers[key]]
            ax.plot(
                figure.values, values, color=PALETTE[s], label=name, linewidth=self._width(s) / 1.5
            )  # type: ignore[attr-defined]
            if self._drawable(values[frame]):
                ax.plot([figure.values[frame]], [values[frame]], "o", color=PALETTE[s])  # type: ignore[attr-defined]
        ax.axvline(figure.values[frame], color="0.4", linestyle="--", linewidth=1)  # type: ignore[attr-defined]
        ax.set_xscale("log" if x.log else "linear")  # type: ignore[attr-defined]
        ax.set_yscale("log" if y.log else "linear")  # type: ignore[attr-defined]
        ax.set_ylim(y.low, y.high)  # type: ignore[attr-defined]
        ax.set_xlabel(figure.label)  # type: ignore[attr-defined]
        if len(self.series) > 1:
            ax.legend(fontsize="small")  # type: ignore[attr-defined]


@dataclass
class Table:
    """The numbers beside the figure: ``rows`` of (label, one key per column, ``None`` for none)."""

    columns: Sequence[str]
    rows: Sequence[tuple[str, Sequence[str | None]]]
    corner: str = ""


# -- The figure ------------------------------------------------------------------------------------


class Explorable:
    """A figure with a slider over a grid of values, every frame computed beforehand.

    Parameters
    ----------
    kind : str
        What the figure shows, in lowercase words joined by hyphens (``"softmax-temperature"``):
        the element's ``id`` and ``data-kind``. A test recomputes the numbers of each kind.
    label : str
        The slider's visible label, naming the value it sets.
    values : sequence of float
        The grid, increasing. Each value is printed with ``f"{value:g}"``, which must give it back
        exactly, so the value a reader sees is the one the frame was computed for.
    default : float
        The value of the frame drawn without JavaScript and in print; one of ``values``.
    numbers : mapping of str to 1-D tensor or sequence of float
        Every number the figure shows, by key, one per grid value.
    panels : sequence of Bars or Curves
        The pictures, drawn from ``numbers``.
    table : Table
        Which numbers the table beside the pictures prints.
    caption : str
        One or two sentences under the figure.
    scale : {"linear", "log"}
        How the grid is spaced, for the axis of a :class:`Curves` panel.
    formats : mapping of str to str, optional
        A format spec for a key's numbers; the others use ``".4f"``.

    Examples
    --------
    >>> import torch
    >>> from xentdocs.explorable import Curves, Explorable, Table
    >>> values = [0.0, 0.5, 1.0, 1.5, 2.0]
    >>> figure = Explorable(
    ...     "squares",
    ...     label="x",
    ...     values=values,
    ...     default=1.0,
    ...     numbers={"x²": torch.tensor(values) ** 2},
    ...     panels=[Curves("x²", ["x²"], ["x²"])],
    ...     table=Table(["value"], [("x²", ["x²"])]),
    ...     caption="The square of x.",
    ... )
    >>> figure
    Explorable('squares', 5 frames, x = 1)
    >>> figure.text("x²", 3)
    '2.2500'
    >>> figure._repr_html_().count('<input type="range"')
    1
    """

    def __init__(
        self,
        kind: str,
        *,
        label: str,
        values: Sequence[float],
        default: float,
        numbers: Mapping[str, torch.Tensor | Sequence[float]],
        panels: Sequence[Bars | Curves],
        table: Table,
        caption: str,
        scale: str = "linear",
        formats: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(kind, str) or not NAME.fullmatch(kind):
            raise ValueError(
                f"kind must be lowercase words joined by hyphens, such as 'softmax-temperature'; got {kind!r}"
            )
        if scale not in ("linear", "log"):
            raise ValueError(f"scale must be 'linear' or 'log', got {scale!r}")
        self.kind, self.label, self.caption, self.scale = kind, label, caption, scale
        self.values = [float(v) for v in values]
        if len(self.values) < 2 or any(
            b <= a for a, b in zip(self.values, self.values[1:], strict=False)
        ):
            raise ValueError(f"values must be at least two increasing numbers, got {self.values}")
        if scale == "log" and self.values[0] <= 0:
            raise ValueError(f"a log scale needs positive values, got {self.values[0]} first")
        for value in self.values:
            if float(f"{value:g}") != value:
                raise ValueError(
                    f"each value must print exactly with the format 'g', so a reader sees the value "
                    f"its frame was computed for; {value!r} prints as {value:g}"
                )
        if default not in self.values:
            raise ValueError(f"default must be one of values {self.values}, got {default!r}")
        self.default = self.values.index(float(default))
        self.numbers = {key: self._series(key, value) for key, value in numbers.items()}
        self.formats = dict(formats or {})
        self.panels = list(panels)
        self.table = table
        wanted = [
            k
            for p in self.panels
            for k in (p.keys if isinstance(p, Curves) else [k for row in p.keys for k in row])
        ]
        wanted += [k for _, keys in table.rows for k in keys if k is not None]
        missing = sorted(set(wanted) - self.numbers.keys())
        if missing:
            raise ValueError(f"no numbers were given for {missing}; given: {sorted(self.numbers)}")
        unshown = sorted(self.numbers.keys() - {k for _, keys in table.rows for k in keys})
        if unshown:
            raise ValueError(
                f"every number must be in the table, so a reader can read it; {unshown} are not"
            )
        for _, keys in table.rows:
            if len(keys) != len(table.columns):
                raise ValueError(
                    f"each row needs one key per column ({len(table.columns)}), got {list(keys)}"
                )
        self._html = self._render()
        if len(self._html.encode()) > MAX_HTML_BYTES:
            raise ValueError(
                f"the figure {kind!r} weighs {len(self._html.encode())} bytes, over {MAX_HTML_BYTES}: "
                "use a coarser grid or fewer numbers"
            )

    def _series(self, key: str, value: torch.Tensor | Sequence[float]) -> list[float]:
        if isinstance(value, torch.Tensor):
            value = value.detach().to("cpu", torch.float64).tolist()
        values = [float(v) for v in value]  # type: ignore[union-attr]
        if len(values) != len(self.values):
            raise ValueError(
                f"numbers[{key!r}] must hold one number per grid value ({len(self.values)}), "
                f"got {len(values)}"
            )
        return values

    def text(self, key: str, frame: int) -> str:
        """The number ``key`` of frame ``frame`` as the figure prints it."""
        return f"{self.numbers[key][frame]:{self.formats.get(key, '.4f')}}".replace("-", "\u2212")

    # -- Drawing ----------------------------------------------------------------------------------

    def _tree(self, frame: int) -> _Node:
        ident = f"xd-{self.kind}"
        value = f"{self.values[frame]:g}"
        control = _el(
            "div",
            {"class": "xd-control"},
            _el("label", {"for": f"{ident}-input"}, self.label),
            _el(
                "input",
                {
                    "type": "range",
                    "id": f"{ident}-input",
                    "min": 0,
                    "max": len(self.values) - 1,
                    "step": 1,
                    "value": self.default,
                    "aria-valuetext": value,
                    "disabled": "disabled",
                },
            ),
            _el("output", {"for": f"{ident}-input", "id": f"{ident}-value"}, value),
        )
        header = _el(
            "tr",
            {},
            _el("th", {"scope": "col"}, self.table.corner),
            *(_el("th", {"scope": "col"}, name) for name in self.table.columns),
        )
        rows = [
            _el(
                "tr",
                {},
                _el("th", {"scope": "row"}, name),
                *(
                    _el("td", {"data-key": k}, self.text(k, frame)) if k else _el("td")
                    for k in keys
                ),
            )
            for name, keys in self.table.rows
        ]
        return _el(
            "figure",
            {"class": "xd-explorable", "id": ident, "data-kind": self.kind},
            control,
            _el("div", {"class": "xd-panels"}, *(p.render(self, frame) for p in self.panels)),
            _el(
                "table", {"class": "xd-numbers"}, _el("thead", {}, header), _el("tbody", {}, *rows)
            ),
            _el("figcaption", {}, self.caption),
        )

    def _render(self) -> str:
        trees = [self._tree(f) for f in range(len(self.values))]
        numbers, slots, frames = _changes(trees, self.default)
        data = json.dumps({"slots": slots, "frames": frames}, separators=(",", ":"))
        data = data.replace("</", "<\\/")
        markup = _serialize(trees[self.default], numbers, {})
        script = f'<script type="application/json" class="xd-frames">{data}</script>'
        return markup.replace("</figure>", script + "</figure>")

    def _repr_html_(self) -> str:
        return self._html

    def _repr_png_(self) -> bytes:
        """The default frame, drawn by matplotlib (a PDF or EPUB of the book shows this)."""
        from matplotlib.figure import Figure

        count = len(self.panels)
        picture = Figure(figsize=(3.6 * count, 3.0), layout="constrained")
        for ax, panel in zip(
            picture.subplots(1, count, squeeze=False)[0], self.panels, strict=True
        ):
            panel.draw(ax, self, self.default)
            ax.set_title(panel.title, fontsize="medium")
        picture.suptitle(f"{self.label}: {self.values[self.default]:g}")
        buffer = io.BytesIO()
        # The PNG says which figure and frame it is, for a reader's tools and for the tests.
        title = f"{self.kind}: {self.label} = {self.values[self.default]:g}"
        picture.savefig(buffer, format="png", dpi=110, metadata={"Software": None, "Title": title})
        return buffer.getvalue()

    def __repr__(self) -> str:
        return (
            f"Explorable({self.kind!r}, {len(self.values)} frames, "
            f"{self.label} = {self.values[self.default]:g})"
        )
