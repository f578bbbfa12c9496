"""Explorable figures: the module's promises, and every figure of the built site in Chromium.

The first part builds small figures with :class:`xentdocs.explorable.Explorable` and checks what
the HTML holds: the default frame drawn in full, and frames that turn it into any other frame
exactly. The second part finds every range input of the built site (``built_site``), moves each by
keyboard in headless Chromium, at a phone's width and a desktop's, and recomputes every number the
figure then shows with torch, by a function of its own for each kind of figure. A range input that
is not in an explorable figure, or a figure of a kind with no recomputation here, fails.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from bs4 import NavigableString
from builtsite import Element, html_pages, parse_html, read_page
from IPython.core.formatters import DisplayFormatter
from sitetools import build_env, copy_small_site, output_of

import xentdocs
from xentdocs.explorable import MAX_HTML_BYTES, Bars, Curves, Explorable, Table

# -- The module ------------------------------------------------------------------------------------


def small_figure(default: float = 1.0, **changes: object) -> Explorable:
    """Softmax of two logits (t, 0) over a grid of t: two bars and a curve."""
    values = [0.5 * step for step in range(-4, 5)]
    rows = torch.stack([torch.tensor(values), torch.zeros(len(values))], dim=1)
    probas = torch.softmax(rows, dim=1)
    options: dict[str, object] = {
        "label": "Logit t",
        "values": values,
        "default": default,
        "numbers": {"p0": probas[:, 0], "p1": probas[:, 1]},
        "panels": [
            Bars("Probabilities", ["class 0", "class 1"], ["p"], [["p0"], ["p1"]], (0, 1)),
            Curves("p of class 0", ["p0"], ["p0"]),
        ],
        "table": Table(["p"], [("class 0", ["p0"]), ("class 1", ["p1"])]),
        "caption": "Two logits.",
    }
    kind = str(changes.pop("kind", "two-logits"))
    options.update(changes)
    return Explorable(kind, **options)  # type: ignore[arg-type]


def table_numbers(figure: Element) -> dict[str, str]:
    """The numbers the figure's table shows, by key, as the HTML holds them."""
    return {td["data-key"]: td.get_text() for td in figure.find_all("td", attrs={"data-key": True})}


def frames_of(figure: Element) -> dict[str, list]:
    script = figure.find("script")
    assert script is not None
    assert script["type"] == "application/json"
    return json.loads(script.get_text())


def apply_frame(figure: Element, index: int) -> None:
    """Do what _static/explorable.js does: copy frame ``index``'s values into the numbered nodes."""
    data = frames_of(figure)
    nodes = {e["data-xd"]: e for e in figure.find_all(attrs={"data-xd": True})}
    for (number, name), value in zip(data["slots"], data["frames"][index], strict=True):
        node = nodes[str(number)]
        if name == "#text":
            node.string = value
        else:
            node[name] = value


def markup(node: Element | NavigableString) -> str:
    """A canonical serialization (attributes sorted), to compare two elements."""
    if not isinstance(node, Element):
        return str(node)
    attrs = "".join(
        f' {k}="{" ".join(v) if isinstance(v, list) else v}"' for k, v in sorted(node.attrs.items())
    )
    inner = "".join(markup(child) for child in node.children)
    return f"<{node.name}{attrs}>{inner}</{node.name}>"


def comparable(figure: Element) -> str:
    """The figure's markup without what only the browser changes: numbering, data, slider state."""
    for script in figure.find_all("script"):
        script.decompose()
    for element in [figure, *figure.find_all(True)]:
        element.attrs.pop("data-xd", None)
        if element.name == "input":
            element.attrs.pop("value")
    return markup(figure)


def figure_element(html: str) -> Element:
    found = parse_html(html).find("figure", "xd-explorable")
    assert found is not None
    return found


def test_the_html_holds_the_default_frame_and_a_labelled_range_input() -> None:
    figure = small_figure(default=1.0)
    root = figure_element(figure._repr_html_())
    assert root.attrs["id"] == "xd-two-logits"
    assert root.attrs["data-kind"] == "two-logits"
    (slider,) = root.find_all("input")
    assert slider.attrs["type"] == "range"
    assert (slider.attrs["min"], slider.attrs["max"], slider.attrs["value"]) == ("0", "8", "6")
    assert slider.attrs["aria-valuetext"] == "1"
    (label,) = root.find_all("label")
    assert label.attrs["for"] == slider.attrs["id"]
    assert label.get_text() == "Logit t"
    (output,) = root.find_all("output")
    assert output.get_attribute_list("for") == [slider.attrs["id"]]
    assert output.get_text() == "1"
    cells = table_numbers(root)
    p0 = torch.softmax(torch.tensor([1.0, 0.0]), dim=0)[0].item()
    assert cells == {"p0": f"{p0:.4f}", "p1": f"{1 - p0:.4f}"}
    assert len(root.find_all("svg")) == 2
    assert root.find_all("rect")
    assert root.find_all("polyline")


@pytest.mark.parametrize("index", range(9))
def test_each_frame_turns_the_default_figure_into_that_frame_exactly(index: int) -> None:
    """The browser copies values only; the result is the figure drawn for that value in Python."""
    values = [0.5 * step for step in range(-4, 5)]
    shown = figure_element(small_figure(default=1.0)._repr_html_())
    apply_frame(shown, index)
    drawn = figure_element(small_figure(default=values[index])._repr_html_())
    assert comparable(shown) == comparable(drawn)


def test_two_figures_made_alike_have_the_same_bytes() -> None:
    assert small_figure()._repr_html_() == small_figure()._repr_html_()


def test_the_figure_is_offline_and_carries_no_script_to_run() -> None:
    html = small_figure()._repr_html_()
    assert set(re.findall(r"https?://[^\s\"']+", html)) == {"http://www.w3.org/2000/svg"}
    assert "<script>" not in html
    assert "<script src" not in html
    assert len(html.encode()) <= MAX_HTML_BYTES


def test_a_png_of_the_default_frame_goes_with_the_html() -> None:
    """myst-nb picks the PNG where HTML cannot go (LaTeX), so IPython must offer both."""
    bundle, _ = DisplayFormatter().format(small_figure())
    assert {"text/html", "image/png", "text/plain"} <= bundle.keys()
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert small_figure()._repr_png_() == small_figure()._repr_png_()
    assert small_figure(default=-2.0)._repr_png_() != small_figure()._repr_png_()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"values": [1.0, 0.5, 2.0]}, "increasing"),
        ({"default": 0.3}, "default must be one of"),
        ({"values": [0.1 * step for step in range(-4, 5)]}, "print exactly"),
        ({"numbers": {"p0": [0.5] * 9}}, "no numbers were given for ['p1']"),
        ({"numbers": {"p0": [0.5] * 9, "p1": [0.5] * 8}}, "one number per grid value (9), got 8"),
        ({"numbers": {"p0": [0.5] * 9, "p1": [0.5] * 9, "p2": [0.1] * 9}}, "['p2'] are not"),
        ({"scale": "cubic"}, "scale must be 'linear' or 'log'"),
        ({"scale": "log"}, "a log scale needs positive values"),
        (
            {"table": Table(["p", "q"], [("class 0", ["p0"]), ("class 1", ["p1"])])},
            "one key per column",
        ),
    ],
)
def test_bad_input_is_refused_with_what_was_wrong(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        small_figure(**changes)


def png_title(png: bytes) -> str:
    from PIL import Image  # matplotlib's own dependency

    with Image.open(io.BytesIO(png)) as image:
        return image.text["Title"]


def test_the_static_image_is_the_default_frame() -> None:
    """What a PDF of the book shows: the figure drawn at its default value, and saying so."""
    for default in (-1.0, 1.5):
        png = small_figure(default=default)._repr_png_()
        assert png.startswith(b"\x89PNG")
        assert png_title(png) == f"two-logits: Logit t = {default:g}"
    assert small_figure()._repr_png_() == small_figure()._repr_png_(), "the same bytes each time"


def build_softmax_page(tmp_path: Path, builder: str) -> Path:
    """A small copy of the site with the softmax page, built by ``builder``; its output folder."""
    site = copy_small_site(
        tmp_path / "site", page="docs/lecture/02-softmax.md", example=SMALL_COPY_EXAMPLE
    )
    out = f"_build/{builder}"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "-b", builder, "-c", ".", "docs", out],
        cwd=site,
        env=build_env(site),
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, output_of(result)
    return site / out


@pytest.mark.site
def test_a_pdf_of_the_book_shows_the_figure_as_its_default_frame(tmp_path: Path) -> None:
    """The LaTeX builder (a PDF of the book) takes the PNG of the temperature figure, at T = 1."""
    latex = build_softmax_page(tmp_path, "latex")
    (tex,) = latex.glob("*.tex")
    text = tex.read_text(encoding="utf-8")
    start = text.index("\\subsection{Temperature}")
    section = text[start : text.find("\\subsection", start + 1)]
    images = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{([^}]+)\}\.png\}", section)
    assert len(images) == 1, f"the Temperature section includes {images}"
    assert png_title((latex / f"{images[0]}.png").read_bytes()) == (
        "softmax-temperature: Temperature T = 1"
    )


@pytest.mark.site
def test_an_epub_of_the_book_shows_the_figure_drawn_at_its_default_frame(tmp_path: Path) -> None:
    """An e-reader runs no script: the EPUB's page holds the figure drawn at T = 1 in SVG, with
    the numbers of that frame in its table, each what torch computes."""
    epub = build_softmax_page(tmp_path, "epub")
    page = parse_html((epub / "lecture" / "02-softmax.xhtml").read_text(encoding="utf-8"))
    figure = page.find("figure", id="xd-softmax-temperature")
    assert figure is not None, "the EPUB's softmax page has no temperature figure"
    (slider,) = figure.find_all("input")
    (output,) = figure.find_all("output")
    assert output.get_text() == slider["aria-valuetext"] == "1"
    svgs = figure.find_all("svg")
    assert len(svgs) == 2
    assert all(svg.find_all(["rect", "polyline"]) for svg in svgs), "a panel is not drawn"
    problems = mismatches("softmax-temperature", output.get_text(), table_numbers(figure))
    assert not problems, "\n".join(problems)


def test_a_legend_that_would_run_off_its_panel_is_refused() -> None:
    """Each legend is one row; the browser clips what runs past the panel, so it is refused."""
    long = ["cross-entropy", "softmax twice", "MSE on one-hot rows"]
    panel = Curves("p", long, ["p0", "p1", "p0"])
    with pytest.raises(ValueError, match="expected shorter series names"):
        small_figure(panels=[panel])
    fits = Curves("p", ["cross-entropy", "softmax twice", "MSE, one-hot"], ["p0", "p1", "p0"])
    assert "MSE, one-hot" in small_figure(panels=[fits])._repr_html_()


def test_a_kind_must_be_a_name_and_a_figure_must_stay_light() -> None:
    with pytest.raises(ValueError, match="lowercase words joined by hyphens"):
        small_figure(kind="Two Logits")
    values = list(range(2000))
    with pytest.raises(ValueError, match="use a coarser grid"):
        Explorable(
            "heavy",
            label="n",
            values=values,
            default=0,
            numbers={"n": torch.arange(2000.0)},
            panels=[Curves("n", ["n"], ["n"])],
            table=Table(["n"], [("n", ["n"])]),
            caption="",
        )


# -- Every figure of the built site ----------------------------------------------------------------

LECTURE_LABELS, LECTURE_LOGITS = xentdocs.lecture_example()
NAMES_OF_LOSSES = ["cross-entropy", "softmax twice", "MSE, one-hot"]


def softmax_temperature(temperature: float) -> dict[str, float]:
    scaled = LECTURE_LOGITS / temperature
    probas = torch.softmax(scaled, dim=1)
    losses = F.cross_entropy(scaled, LECTURE_LABELS, reduction="none")
    numbers = {f"p[{i},{j}]": probas[i, j].item() for i in range(4) for j in range(3)}
    numbers |= {f"loss[{i}]": losses[i].item() for i in range(4)}
    return numbers | {"mean loss": F.cross_entropy(scaled, LECTURE_LABELS).item()}


def label_smoothing(epsilon: float) -> dict[str, float]:
    target = torch.tensor([1 - epsilon + epsilon / 3, epsilon / 3, epsilon / 3])
    numbers = {f"t[{j}]": target[j].item() for j in range(3)}
    if epsilon == 0:
        gap, floor = math.inf, 0.0
    else:
        gap = torch.log(target[0] / target[1]).item()
        best_row = torch.tensor([[gap, 0.0, 0.0]])
        floor = F.cross_entropy(best_row, torch.tensor([0]), label_smoothing=epsilon).item()
    loss = F.cross_entropy(LECTURE_LOGITS, LECTURE_LABELS, label_smoothing=epsilon).item()
    return numbers | {"best gap": gap, "floor": floor, "loss": loss}


def class_weights(class_2_weight: float) -> dict[str, float]:
    weight = torch.tensor([1.0, 2.0, class_2_weight])
    losses = F.cross_entropy(LECTURE_LOGITS, LECTURE_LABELS, reduction="none")
    target_weights = weight[LECTURE_LABELS]
    numbers = {f"loss[{i}]": losses[i].item() for i in range(4)}
    numbers |= {f"w[{i}]": target_weights[i].item() for i in range(4)}
    numbers |= {f"share[{i}]": (target_weights[i] / target_weights.sum()).item() for i in range(4)}
    return numbers | {
        "denominator": target_weights.sum().item(),
        "weighted mean": F.cross_entropy(LECTURE_LOGITS, LECTURE_LABELS, weight=weight).item(),
        "plain mean": F.cross_entropy(LECTURE_LOGITS, LECTURE_LABELS).item(),
    }


def true_class_margin(true_logit: float) -> dict[str, float]:
    label = torch.tensor([0])
    losses = {
        "cross-entropy": lambda row: F.cross_entropy(row, label),
        "softmax twice": lambda row: F.cross_entropy(torch.softmax(row, dim=1), label),
        "MSE, one-hot": lambda row: F.mse_loss(
            torch.softmax(row, dim=1), F.one_hot(label, 3).float()
        ),
    }
    numbers = {"p": torch.softmax(torch.tensor([true_logit, 0.0, 0.0]), dim=0)[0].item()}
    for name, loss_of in losses.items():
        row = torch.tensor([[true_logit, 0.0, 0.0]], requires_grad=True)
        loss = loss_of(row)
        (grad,) = torch.autograd.grad(loss, row)
        numbers |= {f"{name}: loss": loss.item(), f"{name}: gradient": grad[0, 0].item()}
    return numbers


def ignore_index(ignored: float) -> dict[str, float]:
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(20, 3, generator=generator)
    targets = torch.randint(0, 3, (20,), generator=generator)
    count = int(ignored)
    assert count == ignored
    if count:
        targets[-count:] = -100
    losses = F.cross_entropy(logits, targets, reduction="none")
    numbers = {f"loss[{i}]": losses[i].item() for i in range(20)}
    return numbers | {
        "kept": 20.0 - count,
        "sum": F.cross_entropy(logits, targets, reduction="sum").item(),
        "mean": F.cross_entropy(logits, targets).item(),
        "losses.mean()": losses.sum().item() / 20,
    }


def distillation(temperature: float) -> dict[str, float]:
    teacher_logits = 3 * torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    student_logits = LECTURE_LOGITS.clone().requires_grad_()
    soft_targets = torch.softmax(teacher_logits / temperature, dim=1)
    student_soft = torch.softmax(LECTURE_LOGITS / temperature, dim=1)
    soft_loss = F.cross_entropy(student_logits / temperature, soft_targets)
    (grad,) = torch.autograd.grad(soft_loss, student_logits)
    norm = torch.linalg.vector_norm(grad).item()
    numbers = {f"teacher[{j}]": soft_targets[0, j].item() for j in range(3)}
    numbers |= {f"student[{j}]": student_soft[0, j].item() for j in range(3)}
    return numbers | {"|grad|": norm, "T² |grad|": temperature**2 * norm}


def float_limits(size: float) -> dict[str, float]:
    numbers = {}
    for name, dtype in {"float32": torch.float32, "float16": torch.float16,
                        "bfloat16": torch.bfloat16}.items():  # fmt: skip
        row = torch.tensor([size, 0.0, -size], dtype=dtype)
        exps = torch.exp(row)
        numbers |= {
            f"{name}: exp": exps[0].item(),
            f"{name}: naive": (exps / exps.sum())[0].item(),
            f"{name}: log(softmax)": torch.log(torch.softmax(row, dim=0))[2].item(),
            f"{name}: log_softmax": F.log_softmax(row, dim=0)[2].item(),
        }
    return numbers


# What each kind of figure shows, recomputed from the slider's value; and the page it belongs on.
RECOMPUTE: dict[str, Callable[[float], dict[str, float]]] = {
    "softmax-temperature": softmax_temperature,
    "label-smoothing": label_smoothing,
    "class-weights": class_weights,
    "true-class-margin": true_class_margin,
    "ignore-index": ignore_index,
    "distillation": distillation,
    "float-limits": float_limits,
}
HOMES = {
    "softmax-temperature": "lecture/02-softmax.html",
    "label-smoothing": "beyond/10-label-smoothing.html",
    "class-weights": "beyond/06-class-weights.html",
    "true-class-margin": "beyond/04-gradient.html",
    "ignore-index": "beyond/08-ignore-index.html",
    "distillation": "beyond/09-soft-targets.html",
    "float-limits": "beyond/14-numerical-limits.html",
}
# The recipe a small copy of the site keeps (any will do: the figures are on pages).
SMALL_COPY_EXAMPLE = "examples/plot_04_check_custom_loss.py"
MAX_FIGURE_BYTES = 60 * 1024  # the bound: data and code together
SHARED_FILES = ("_static/explorable.js", "_static/explorable.css")


def shown_number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def tolerance(text: str, value: float) -> float:
    """Half a unit in the last digit shown, and a little for float32 summing in another order."""
    mantissa, _, exponent = text.replace("\u2212", "-").lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    unit = 10.0 ** (int(exponent or 0) - decimals)
    return 0.5 * unit + 1e-5 * abs(value) + 1e-7


def mismatches(kind: str, value_text: str, shown: dict[str, str]) -> list[str]:
    """The shown numbers that are not what torch computes at the value the figure shows."""
    if kind not in RECOMPUTE:
        return [f"a figure of kind {kind!r}, which this test cannot recompute: add it to RECOMPUTE"]
    expected = RECOMPUTE[kind](shown_number(value_text))
    problems = []
    if set(shown) != set(expected):
        problems.append(
            f"{kind} at {value_text}: shows {sorted(shown)}, the test recomputes {sorted(expected)}"
        )
    for key in sorted(shown.keys() & expected.keys()):
        got, want = shown_number(shown[key]), expected[key]
        same = (math.isnan(got) and math.isnan(want)) or got == want
        if not same and not abs(got - want) <= tolerance(shown[key], want):
            problems.append(
                f"{kind} at {value_text}: {key} shows {shown[key]}, torch gives {want!r}"
            )
    return problems


def test_the_recomputations_catch_a_wrong_number() -> None:
    right = softmax_temperature(2.0)
    shown = {key: f"{value:.4f}" for key, value in right.items()}
    assert mismatches("softmax-temperature", "2", shown) == []
    shown["p[2,1]"] = f"{right['p[2,1]'] + 0.0002:.4f}"
    assert mismatches("softmax-temperature", "2", shown) == [
        f"softmax-temperature at 2: p[2,1] shows {shown['p[2,1]']}, torch gives {right['p[2,1]']!r}"
    ]
    del shown["mean loss"]
    assert any("the test recomputes" in p for p in mismatches("softmax-temperature", "2", shown))
    assert "cannot recompute" in mismatches("no-such-figure", "1", {})[0]
    assert (
        mismatches("ignore-index", "20", {k: f"{v:.4f}" for k, v in ignore_index(20).items()}) == []
    )


@pytest.fixture(scope="module")
def figures(built_site: Path) -> dict[str, list[Element]]:
    """Every explorable figure of the built site, by page; every range input must be in one."""
    found: dict[str, list[Element]] = {}
    strays = []
    for page in html_pages(built_site):
        document = read_page(built_site / page)
        for element in document.find_all("input"):
            if element.attrs.get("type") != "range":
                continue
            figure = element.find_parent(class_="xd-explorable")
            if figure is None:
                strays.append(
                    f"{page}: a range input outside an explorable figure: {element.attrs}"
                )
            else:
                found.setdefault(page, []).append(figure)
    assert not strays, "\n".join(strays)
    return found


def test_every_figure_is_on_the_page_that_teaches_its_idea(
    figures: dict[str, list[Element]],
) -> None:
    kinds = {figure.attrs["data-kind"]: page for page, found in figures.items() for figure in found}
    unknown = sorted(kinds.keys() - RECOMPUTE.keys())
    assert not unknown, f"figures this test cannot recompute: {unknown}; add them to RECOMPUTE"
    assert kinds == HOMES
    ids = [figure.attrs["id"] for found in figures.values() for figure in found]
    assert len(ids) == len(set(ids)), ids


def test_each_figure_weighs_at_most_60_kb_with_its_script_and_style(built_site: Path) -> None:
    shared = sum((built_site / name).stat().st_size for name in SHARED_FILES)
    weights = {}
    for page in HOMES.values():
        text = (built_site / page).read_text(encoding="utf-8")
        for markup in re.findall(r'<figure class="xd-explorable".*?</figure>', text, re.DOTALL):
            kind = re.search(r'data-kind="([^"]+)"', markup)[1]  # type: ignore[index]
            weights[kind] = len(markup.encode()) + shared
    print("figure weights, bytes with the shared script and style:", weights)
    assert weights.keys() == HOMES.keys()
    heavy = {kind: weight for kind, weight in weights.items() if weight > MAX_FIGURE_BYTES}
    assert not heavy, f"over {MAX_FIGURE_BYTES} bytes: {heavy}"


def test_without_javascript_each_figure_is_drawn_at_its_default_value(
    figures: dict[str, list[Element]],
) -> None:
    """The HTML alone holds the default frame: an SVG with its bars or lines, and right numbers."""
    problems = []
    for page, found in figures.items():
        for figure in found:
            kind = figure.attrs["data-kind"]
            (slider,) = figure.find_all("input")
            (output,) = figure.find_all("output")
            svgs = figure.find_all("svg")
            drawn = [e for svg in svgs for e in svg.find_all(["rect", "polyline"])]
            if not svgs or not drawn:
                problems.append(f"{page}: {kind} has no drawn SVG")
            if output.get_text() != slider.attrs["aria-valuetext"]:
                problems.append(f"{page}: {kind}'s output and aria-valuetext differ")
            label = [
                e for e in figure.find_all("label") if e.attrs.get("for") == slider.attrs["id"]
            ]
            if not label or not label[0].get_text().strip():
                problems.append(f"{page}: {kind}'s slider has no visible label")
            problems += mismatches(kind, output.get_text(), table_numbers(figure))
    assert figures, "the site has no explorable figure"
    assert not problems, "\n".join(problems)


# -- In Chromium -----------------------------------------------------------------------------------

READ_FIGURE = """(figure) => {
    const input = figure.querySelector('input[type=range]');
    const shown = {};
    for (const cell of figure.querySelectorAll('[data-key]')) shown[cell.dataset.key] = cell.textContent;
    return {index: Number(input.value), max: Number(input.max), disabled: input.disabled,
            output: figure.querySelector('output').textContent,
            valuetext: input.getAttribute('aria-valuetext'), shown,
            pictures: [...figure.querySelectorAll('svg')].map((svg) => svg.outerHTML).join(''),
            overflow: Math.max(...[...figure.querySelectorAll('*')].map(
                (e) => e.getBoundingClientRect().right)) - document.documentElement.clientWidth};
}"""


def figure_violations(tab: object) -> list[str]:
    """Serious axe violations inside the figures, in light mode and then in dark mode.

    test_browser checks each whole page at 1280 px; this checks the figures at each width.
    """
    from axe_playwright_python.sync_playwright import Axe
    from test_browser import AXE_COLOUR_OPTIONS, AXE_OPTIONS, SERIOUS

    found = []
    for theme, options in [("light", AXE_OPTIONS), ("dark", AXE_COLOUR_OPTIONS)]:
        tab.evaluate(f"document.documentElement.dataset.theme = {theme!r}")  # type: ignore[attr-defined]
        tab.wait_for_timeout(300)  # type: ignore[attr-defined]  # the theme's colour transitions
        results = Axe().run(tab, context={"include": [["figure.xd-explorable"]]}, options=options)
        found += [
            f"in {theme} mode: {violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {', '.join(map(str, node['target']))}: {node['html'][:200]}"
            for violation in results.response["violations"]
            if violation["impact"] in SERIOUS
            for node in violation["nodes"]
        ]
    tab.evaluate("document.documentElement.dataset.theme = 'light'")  # type: ignore[attr-defined]
    return found


def keys_to_press(last: int, everywhere: bool) -> list[str]:
    """Every position from the first to the last and back a page, or a few of each kind of key."""
    if everywhere:
        return ["Home", *["ArrowRight"] * last, "PageDown", "ArrowLeft", "End"]
    return ["End", "ArrowLeft", "ArrowLeft", "Home", "ArrowRight", "ArrowUp", "PageUp", "ArrowDown"]


@pytest.mark.parametrize("width", [390, 1280])
def test_each_figure_moved_by_keyboard_shows_what_torch_computes(
    browser: object, site_url: str, figures: dict[str, list[Element]], width: int
) -> None:
    from test_browser import ARTIFACTS, Watcher

    problems: list[str] = []
    for page in sorted(figures):
        watcher = Watcher(site_url)
        context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        try:
            tab = context.new_page()
            watcher.attach(tab)
            tab.goto(site_url + page, wait_until="load")
            tab.wait_for_load_state("networkidle")
            for handle in tab.query_selector_all("figure.xd-explorable"):
                kind = handle.get_attribute("data-kind")
                start = handle.evaluate(READ_FIGURE)
                if start["disabled"]:
                    problems.append(
                        f"{page}: the slider of {kind} is still disabled with JavaScript"
                    )
                    continue
                slider = handle.query_selector("input[type=range]")
                slider.scroll_into_view_if_needed()
                box = handle.bounding_box()
                if box is None or box["width"] > width:
                    problems.append(
                        f"{page}: {kind} is {box and box['width']} px wide at {width} px"
                    )
                slider.focus()
                seen_frames: dict[int, str] = {start["index"]: start["pictures"]}
                for key in keys_to_press(start["max"], everywhere=width == 1280):
                    before = handle.evaluate(READ_FIGURE)
                    tab.keyboard.press(key)
                    state = handle.evaluate(READ_FIGURE)
                    where = f"{page}: {kind} after {key} at position {state['index']}"
                    if state["overflow"] > 0:
                        problems.append(f"{where}: wider than the window by {state['overflow']} px")
                    if state["output"] != state["valuetext"]:
                        problems.append(
                            f"{where}: output {state['output']!r}, aria-valuetext {state['valuetext']!r}"
                        )
                    problems += [
                        f"{where}: {p}" for p in mismatches(kind, state["output"], state["shown"])
                    ]
                    moved = state["index"] != before["index"]
                    if moved and state["pictures"] == before["pictures"]:
                        problems.append(f"{where}: the numbers moved and the picture did not")
                    if moved and state["output"] == before["output"]:
                        problems.append(f"{where}: the slider moved and its value did not")
                    if (
                        seen_frames.setdefault(state["index"], state["pictures"])
                        != state["pictures"]
                    ):
                        problems.append(f"{where}: the same position drew two different pictures")
                if width == 1280 and len(seen_frames) != start["max"] + 1:
                    problems.append(f"{page}: {kind} was not moved through all its values")
                if width == 390:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    handle.screenshot(path=str(ARTIFACTS / f"explorable-{kind}-390px.png"))
            problems += [f"{page} at {width} px: {p}" for p in watcher.take()]
            problems += [f"{page} at {width} px: {p}" for p in figure_violations(tab)]
            problems += [f"{page} at {width} px: {p}" for p in watcher.take()]
        finally:
            context.close()
    assert figures, "the site has no explorable figure"
    assert not problems, "\n".join(problems)


def test_without_javascript_the_browser_shows_each_default_frame(
    browser: object, site_url: str, figures: dict[str, list[Element]], tmp_path: Path
) -> None:
    from test_browser import ARTIFACTS

    problems = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in sorted(figures):
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 390, "height": 900}
        )  # type: ignore[attr-defined]
        try:
            tab = context.new_page()
            tab.goto(site_url + page, wait_until="load")
            for handle in tab.query_selector_all("figure.xd-explorable"):
                kind = handle.get_attribute("data-kind")
                sizes = [svg.bounding_box() for svg in handle.query_selector_all("svg")]
                if not sizes or any(
                    s is None or s["width"] < 200 or s["height"] < 100 for s in sizes
                ):
                    problems.append(f"{page}: {kind} is not drawn without JavaScript: {sizes}")
                handle.scroll_into_view_if_needed()
                handle.screenshot(path=str(ARTIFACTS / f"explorable-{kind}-390px-no-js.png"))
        finally:
            context.close()
    assert figures, "the site has no explorable figure"
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def site_url(site_host: object) -> str:
    return site_host.url  # type: ignore[attr-defined]
