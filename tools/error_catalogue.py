"""The catalogue of error messages, and the page it writes: docs/beyond/16-error-messages.md.

Each :class:`Entry` is one error a user meets with PyTorch's classification losses: the code that
raises it (run on the lecture example), its cause, its fix and the page that explains it. The
message itself is not typed anywhere: :func:`message` runs the code with the installed torch, and
:func:`page` writes the page with each message as the title of its section and as a main entry of
the index, which are what Sphinx's search ranks first. The page runs every entry's code again
while the site is built and fails the build if torch no longer says exactly that.

Run it from the repository root after changing an entry (or torch)::

    python tools/error_catalogue.py          # rewrites docs/beyond/16-error-messages.md
    python tools/error_catalogue.py --check  # exits 1 if the page is not what it would write

``tests/test_error_search.py`` checks the page is up to date and that the site's search finds
each message, pasted whole, among its first three results.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "beyond" / "16-error-messages.md"

# Run before every entry's code, on the page and here: the lecture example's four examples.
SETUP = """\
import torch
import torch.nn.functional as F
import xentdocs

labels, logits = xentdocs.lecture_example()
print("labels:", labels)
print("logits:", tuple(logits.shape), logits.dtype)"""


@dataclass(frozen=True)
class Entry:
    """One error: the code that raises it and what a reader should know about it."""

    label: str  # the section's target, prefixed with "error-" on the page
    group: str  # the heading of the group of entries it is listed under
    code: str  # runs after SETUP and raises the error
    cause: str  # MyST
    fix: str  # MyST
    see: str  # MyST, a {ref} to the page that explains it
    asserts: str = ""  # a hidden cell after the entry's code: backs what cause and fix claim


ENTRIES = [
    # -- Class-index targets ------------------------------------------------------------------
    Entry(
        "target-out-of-bounds",
        "Class-index targets",
        "F.cross_entropy(logits, torch.tensor([0, 1, 3, 2]))",
        "a label is $C$ or more. With $C$ classes the labels go from $0$ to $C - 1$; a label"
        " of $C$ usually means labels counted from 1, or a model built with too few outputs"
        " for the data.",
        "find the bad label with `labels.max()` (and `labels.min()`), then count the labels"
        " from 0 (`labels - 1`) or give the last layer one output per class. The message"
        " names the value, not its position: `(labels >= C).nonzero()` gives that.",
        "{ref}`sphx_glr_auto_examples_plot_03_find_bad_label.py` and {ref}`common-mistakes`.",
    ),
    Entry(
        "negative-target",
        "Class-index targets",
        "F.cross_entropy(logits, torch.tensor([0, -1, 2, 2]))",
        "a label is negative, most often padding marked with $-1$ while the loss ignores"
        " $-100$ (its default `ignore_index`).",
        "pass the padding value as `ignore_index=-1`, or pad with $-100$.",
        "{ref}`ignore-index`.",
    ),
    Entry(
        "target-n-1",
        "Class-index targets",
        "F.cross_entropy(logits, labels.unsqueeze(1))",
        "the labels have shape $(N, 1)$, a column, as a data set that stores one label per row"
        " gives them. Class indices have the input's shape without $C$: $(N)$ for $(N, C)$"
        " logits. Float targets of another two-dimensional shape than the logits', such as"
        " $(N, 1)$ or $(N, C - 1)$, get the same message (float targets of shape $(N)$ get"
        " {ref}`error-target-float`).",
        "`labels.squeeze(1)`; not `squeeze()` without a dimension, which also drops the batch"
        " dimension of a batch of one.",
        "{ref}`common-mistakes`.",
        # Float targets of another 2-D shape: the same message.
        "for float_targets in (torch.rand(4, 1), torch.rand(4, 2)):\n"
        "    try:\n"
        "        F.cross_entropy(logits, float_targets)\n"
        "    except RuntimeError as error:\n"
        "        assert str(error) == str(last_error), error\n"
        "    else:\n"
        "        raise AssertionError(float_targets.shape)\n",
    ),
    Entry(
        "target-int32",
        "Class-index targets",
        "F.cross_entropy(logits, labels.to(torch.int32))",
        "class indices must be int64 (`Long`) or uint8 (`Byte`); labels read from NumPy or"
        " a file are often int32 (`Int`).",
        "`labels.long()`.",
        "{ref}`common-mistakes`.",
    ),
    Entry(
        "target-float",
        "Class-index targets",
        "F.cross_entropy(logits, labels.float())",
        "float targets of the shape of class indices, $(N)$: float targets are class"
        " probabilities, and those have the logits' shape $(N, C)$.",
        "`labels.long()` for class indices; for probabilities, one row per example.",
        "{ref}`soft-targets`.",
    ),
    Entry(
        "target-uint8-spatial",
        "Class-index targets",
        "print(F.cross_entropy(logits, labels.to(torch.uint8)))  # (N, C): accepted\n"
        "F.cross_entropy(torch.zeros(2, 3, 4), torch.zeros(2, 4, dtype=torch.uint8))",
        "uint8 (`Byte`) class indices with logits of more than two dimensions,"
        " $(N, C, d_1)$; with $(N, C)$ logits they are accepted, as the first line shows.",
        "`labels.long()`.",
        "{ref}`api` (the differences of {func}`xentdocs.cross_entropy`) and"
        " {ref}`more-dimensions`.",
    ),
    # -- Shapes ----------------------------------------------------------------------------------
    Entry(
        "batch-size-mismatch",
        "Shapes",
        "F.cross_entropy(logits, labels[:3])",
        "the logits and the labels have different numbers of examples: they come from"
        " different batches, or one of them was cut or flattened and the other not.",
        "give both the same first dimension $N$.",
        "{ref}`cross-entropy`.",
    ),
    Entry(
        "classes-last",
        "Shapes",
        "sequence_logits = torch.zeros(2, 5, 3)  # (N, d1, C): the classes last\n"
        "sequence_labels = torch.zeros(2, 5, dtype=torch.long)\n"
        "F.cross_entropy(sequence_logits, sequence_labels)",
        "the classes are in the last dimension, $(N, d_1, C)$, as a sequence model or an image"
        " in channels-last order gives them; PyTorch reads dimension 1 as the classes. When"
        " $d_1 = C$ there is no error at all, and the loss is wrong.",
        "move the classes to dimension 1, `logits.permute(0, 2, 1)` (or `movedim(-1, 1)`), or"
        " flatten both: `logits.reshape(-1, C)` and `labels.reshape(-1)`.",
        "{ref}`more-dimensions`.",
    ),
    Entry(
        "nll-3d-flat-targets",
        "Shapes",
        "sequence_log_probas = torch.zeros(2, 3, 5)  # (N, C, d1)\n"
        "F.nll_loss(sequence_log_probas, torch.zeros(10, dtype=torch.long))",
        "`nll_loss` on a 3-D input with the targets flattened to $(N d_1)$ and the input not:"
        " for an $(N, C, d_1)$ input the targets must be $(N, d_1)$.",
        "flatten neither, or both: `log_probas.movedim(1, -1).reshape(-1, C)` with"
        " `labels.reshape(-1)`.",
        "{ref}`more-dimensions` and {ref}`nll-loss`.",
    ),
    Entry(
        "integer-logits",
        "Shapes",
        "F.cross_entropy(torch.tensor([[2, 0, 1]]), torch.tensor([0]))",
        "the logits are integers (`Long`): a tensor written with whole numbers, or labels"
        " passed where the logits go. Softmax needs floating-point numbers.",
        "`logits.float()`, and check the order of the arguments: `cross_entropy(input, target)`.",
        "{ref}`logits-from-a-model`.",
    ),
    # -- Probability targets -----------------------------------------------------------------
    Entry(
        "one-hot-long-targets",
        "Probability targets",
        "F.cross_entropy(logits, F.one_hot(labels))",
        "integer one-hot rows, from {func}`torch.nn.functional.one_hot`, as targets: a target"
        " of the logits' shape is read as class probabilities, which must be floats.",
        "pass the labels themselves, or `one_hot(labels).float()`.",
        "{ref}`soft-targets` and {ref}`common-mistakes`.",
    ),
    Entry(
        "probabilities-with-ignore-index",
        "Probability targets",
        "probability_targets = F.softmax(logits, dim=1)\n"
        "F.cross_entropy(logits, probability_targets, ignore_index=0)",
        "an `ignore_index` with probability targets: there is no single class to ignore.",
        "drop `ignore_index` and use class indices, or keep the probabilities and mask the"
        " examples yourself: an all-zero row adds no loss and no gradient, but"
        ' `reduction="mean"` still counts it, dividing by all $N$ rows; to average over the'
        ' kept rows only, divide the `reduction="sum"` loss by their number.',
        "{ref}`soft-targets` and {ref}`ignore-index`.",
        # An all-zero row: no loss, yet the mean divides by all N rows.
        "masked_targets = probability_targets.clone()\n"
        "masked_targets[1] = 0.0\n"
        "per_row = F.cross_entropy(logits, masked_targets, reduction='none')\n"
        "assert per_row[1] == 0\n"
        "row_logits = logits.clone().requires_grad_()\n"
        "F.cross_entropy(row_logits, masked_targets).backward()\n"
        "assert (row_logits.grad[1] == 0).all()\n"
        "assert torch.allclose(F.cross_entropy(logits, masked_targets), per_row.sum() / 4)\n"
        "assert not torch.allclose(F.cross_entropy(logits, masked_targets), per_row.sum() / 3)\n",
    ),
    # -- Class weights -------------------------------------------------------------------------
    Entry(
        "weight-length",
        "Class weights",
        "F.cross_entropy(logits, labels, weight=torch.tensor([1.0, 2.0]))",
        "`weight` does not have one number per class: its length is not $C$.",
        "one weight per class, shape $(C)$; count the classes from the logits, `logits.shape[1]`.",
        "{ref}`class-weights`.",
    ),
    Entry(
        "weight-float64",
        "Class weights",
        "F.cross_entropy(logits, labels, weight=torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))",
        "a float64 (`Double`) weight with float32 (`Float`) logits, for instance a weight made"
        " from NumPy counts. The message names neither argument.",
        "`weight.to(logits.dtype)` (and to the logits' device), once, where the loss is built.",
        "{ref}`class-weights` and {ref}`common-mistakes`.",
    ),
    # -- Arguments -----------------------------------------------------------------------------
    Entry(
        "unknown-reduction",
        "Arguments",
        'F.cross_entropy(logits, labels, reduction="average")',
        "`reduction` is not one of `'none'`, `'mean'` and `'sum'`.",
        '`reduction="mean"` for the average.',
        "{ref}`reductions`.",
    ),
    Entry(
        "label-smoothing-range",
        "Arguments",
        "F.cross_entropy(logits, labels, label_smoothing=1.5)",
        "`label_smoothing` above 1: it is the share of the target moved to the uniform"
        " distribution. Only values above 1 are refused: a negative one, outside the range the"
        " message gives, raises nothing and is silently ignored: the loss is the one without"
        " smoothing.",
        "a value from 0 to 1 (check a negative one yourself: PyTorch will not).",
        "{ref}`label-smoothing`.",
        # A negative label_smoothing is accepted and ignored, with either kind of target.
        "for smoothing_targets in (labels, F.softmax(logits, dim=1)):\n"
        "    assert torch.equal(\n"
        "        F.cross_entropy(logits, smoothing_targets, label_smoothing=-0.5),\n"
        "        F.cross_entropy(logits, smoothing_targets),\n"
        "    )\n",
    ),
    Entry(
        "softmax-without-dim",
        "Arguments",
        "torch.softmax(logits)",
        "{func}`torch.softmax` has no default `dim`.",
        "`torch.softmax(logits, dim=1)`: the dimension of the classes.",
        "{ref}`softmax`.",
    ),
    Entry(
        "backward-of-per-example-losses",
        "Arguments",
        "trainable_logits = logits.clone().requires_grad_()\n"
        'F.cross_entropy(trainable_logits, labels, reduction="none").backward()',
        '`backward()` on the per-example losses of `reduction="none"`, a tensor of $N$'
        " numbers: autograd needs one number to differentiate.",
        "reduce first, `losses.mean()` or `losses.sum()`, then `backward()`.",
        "{ref}`reductions` and {ref}`autograd-intro`.",
    ),
    # -- one_hot ---------------------------------------------------------------------------------
    Entry(
        "one-hot-negative",
        "one_hot",
        "F.one_hot(torch.tensor([0, -1, 2]))",
        "a negative label, often padding.",
        "remove or replace the padding before `one_hot`, and keep a mask of it.",
        "{ref}`one-hot`.",
    ),
    Entry(
        "one-hot-too-few-classes",
        "one_hot",
        "F.one_hot(labels, num_classes=2)",
        "`num_classes` is not more than the largest label.",
        "`num_classes=C`, the number of classes of the model, not of the batch.",
        "{ref}`one-hot`.",
    ),
    Entry(
        "one-hot-float",
        "one_hot",
        "F.one_hot(labels.float())",
        "float labels: {func}`torch.nn.functional.one_hot` takes int64 labels only (int32 and"
        " uint8 get the same message).",
        "`F.one_hot(labels.long())`.",
        "{ref}`one-hot`.",
        # int32 and uint8 labels are refused too, with the same message.
        "for dtype in (torch.int32, torch.uint8):\n"
        "    try:\n"
        "        F.one_hot(labels.to(dtype))\n"
        "    except RuntimeError as error:\n"
        "        assert str(error) == str(last_error), error\n"
        "    else:\n"
        "        raise AssertionError(dtype)\n",
    ),
    # -- Binary and multi-label ----------------------------------------------------------------
    Entry(
        "bce-target-outside-0-1",
        "Binary and multi-label",
        "F.binary_cross_entropy(torch.sigmoid(logits[:, 0]), labels.float())",
        "binary targets outside $[0, 1]$: here class indices 0, 1 and 2 given to a yes-or-no loss.",
        "binary targets are 0 or 1 (or a probability); for one label among $C$ classes use"
        " `cross_entropy`, for several labels one-hot rows.",
        "{ref}`binary-and-multi-label`.",
    ),
    Entry(
        "bce-input-outside-0-1",
        "Binary and multi-label",
        "F.binary_cross_entropy(logits, F.one_hot(labels).float())",
        "logits given to {func}`torch.nn.functional.binary_cross_entropy`, which expects"
        " probabilities.",
        "{func}`torch.nn.functional.binary_cross_entropy_with_logits` on the logits: it applies"
        " the sigmoid itself, stably.",
        "{ref}`binary-and-multi-label`.",
    ),
    Entry(
        "bce-with-logits-shape",
        "Binary and multi-label",
        "F.binary_cross_entropy_with_logits(logits, labels.float())",
        "class indices, shape $(N)$, given to a multi-label loss, which needs one target per"
        " logit, shape $(N, C)$.",
        "`F.one_hot(labels, C).float()` for one label per example (or `cross_entropy`), or a"
        " multi-hot $(N, C)$ target.",
        "{ref}`binary-and-multi-label`.",
    ),
    Entry(
        "bce-with-logits-long-target",
        "Binary and multi-label",
        "F.binary_cross_entropy_with_logits(logits, F.one_hot(labels))",
        "integer targets: the loss is computed in the logits' float dtype and cannot be"
        " written back into an integer tensor.",
        "`targets.float()`.",
        "{ref}`binary-and-multi-label`.",
    ),
    # -- Large vocabularies --------------------------------------------------------------------
    Entry(
        "linear-cross-entropy-3d",
        "Large vocabularies",
        "hidden = torch.zeros(2, 5, 4)  # (B, S, H)\n"
        "F.linear_cross_entropy(hidden, torch.zeros(3, 4), torch.zeros(2, 5, dtype=torch.long))",
        "{func}`torch.nn.functional.linear_cross_entropy` takes 1-D or 2-D input only; a"
        " language model's features are $(B, S, H)$.",
        "flatten first: `hidden.reshape(-1, H)` and `labels.reshape(-1)`.",
        "{ref}`at-scale`.",
    ),
    Entry(
        "linear-cross-entropy-probabilities-ignore-index",
        "Large vocabularies",
        "F.linear_cross_entropy(\n"
        "    torch.zeros(4, 2), torch.zeros(3, 2), F.softmax(logits, dim=1), ignore_index=-100\n"
        ")",
        "an explicit `ignore_index`, even $-100$, with probability targets: that is why its"
        " default is `None`.",
        "leave `ignore_index` out with probability targets.",
        "{ref}`at-scale`.",
        # Its default is None, not cross_entropy's -100.
        "import inspect\n"
        "assert inspect.signature(F.linear_cross_entropy).parameters['ignore_index'].default is None\n",
    ),
]


def message(entry: Entry) -> str:
    """Run the entry's code after SETUP; return ``"<ErrorType>: <message>"`` of what it raises."""
    namespace: dict[str, object] = {}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            # The catalogue's own code, the same lines the page shows and runs.
            exec(SETUP, namespace)  # noqa: S102
            exec(entry.code, namespace)  # noqa: S102
    except Exception as error:  # noqa: BLE001 -- whatever it raises is the entry's error
        return f"{type(error).__name__}: {error}"
    raise AssertionError(f"the code of entry {entry.label!r} raised no error:\n{entry.code}")


def text_of(entry: Entry) -> str:
    """The message alone, without the error type: what a reader pastes into the search."""
    return message(entry).split(": ", 1)[1]


def _code_span(text: str) -> str:
    """Inline code for MyST, with a fence longer than any run of backticks inside."""
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _entry_markdown(entry: Entry) -> str:
    full = message(entry)
    text = full.split(": ", 1)[1]
    if "\n" in text or ";" in text:
        raise ValueError(f"entry {entry.label!r}: a message must be one line without ';': {text!r}")
    return f"""\
(error-{entry.label})=
### {_code_span(text)}

```{{index}} ! single: {text}
```

```{{code-cell}} python
with prints_error():
{_indent(entry.code)}
```

```{{code-cell}} python
:tags: [remove-cell]
assert f"{{type(last_error).__name__}}: {{last_error}}" == {full!r}, last_error
{entry.asserts}```

**Cause:** {entry.cause}

**Fix:** {entry.fix}

**See** {entry.see}
"""


def _indent(code: str) -> str:
    return "\n".join("    " + line if line else line for line in code.splitlines())


HEADER = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

<!-- Written by tools/error_catalogue.py from its list of entries: edit that file, then run
     `python tools/error_catalogue.py`. -->

(error-messages)=
# An index of error messages

Each section below is one error that PyTorch's classification losses raise, with the code that
raises it, its cause, its fix and the page that explains it. Paste the message you got into the
search box: the section whose title is that message comes first. A message here that quotes your
numbers differently (another label, another shape) is the same error.

Every message on this page was raised while the site was built, by the code beside it, with
torch {glue:text}`errors_torch_version`; the build fails if that torch words one of them
differently. The code runs on the four examples of {ref}`lecture-example`:

```{code-cell} python
:tags: [remove-cell]
from myst_nb import glue
import torch

glue("errors_torch_version", torch.__version__, display=False)
```

```{code-cell} python
__SETUP__
```

Each entry runs its code inside `prints_error()`, which prints the error's type and message and
fails if there is no error:

```{code-cell} python
from contextlib import contextmanager


@contextmanager
def prints_error():
    global last_error
    try:
        yield
    except Exception as error:
        last_error = error
        print(f"{type(error).__name__}: {error}")
    else:
        raise AssertionError("this code raised no error")
```

{func}`xentdocs.cross_entropy` and the other functions of {mod}`xentdocs` check their arguments
first and name what was wrong, what was expected and what was given; {ref}`common-mistakes`
shows both messages side by side.
"""

EXERCISES = """
## Exercises

```{code-cell} python
:tags: [exercise-setup]
# Everything the exercises use, so they run on their own (a notebook of them is offered for download).
import torch
import torch.nn.functional as F
import xentdocs
from xentdocs import check

labels, logits = xentdocs.lecture_example()
```

::::{exercise-start}
:label: error-messages-ex-1
::::

**Predict, then run.** The labels below are the lecture's, stored as a $2 \\times 2$ grid.
Which error does `F.cross_entropy(logits, grid_labels)` raise: the one for a target of shape
$(N, 1)$, a batch-size mismatch, or another? Write down your guess, then catch the error and set
`answer` to its message, `str(error)`.

```{code-cell} python
grid_labels = labels.reshape(2, 2)
answer = None  # replace None with your code
check.show(answer)
```

::::{exercise-end}
::::

::::{solution-start} error-messages-ex-1
:class: dropdown
::::

PyTorch compares the first dimensions before it looks at how many dimensions the target has:
4 rows of logits, 2 rows of labels, so the batch sizes disagree. A target of shape $(N, 1)$ passes
that comparison, and only then is refused for its column.

```{code-cell} python
grid_labels = labels.reshape(2, 2)
try:
    F.cross_entropy(logits, grid_labels)
except ValueError as error:
    answer = str(error)
print(answer)
assert answer.startswith("Expected input batch_size")
assert "batch_size (4)" in answer and "batch_size (2)" in answer
try:  # a column of 2 labels: the batch sizes first, although it is 2-D too
    F.cross_entropy(logits, labels[:2, None])
except ValueError as error:
    assert str(error) == answer
else:
    raise AssertionError("a (2, 1) target raised no error")
```

::::{solution-end}
::::

::::{exercise-start}
:label: error-messages-ex-2
::::

The labels below were counted from 1, so `F.cross_entropy(logits, labels_from_one)` raises
`IndexError`. Fix the labels, not the logits, and set `answer` to the mean loss.

```{code-cell} python
labels_from_one = torch.tensor([1, 2, 3, 3])
answer = None  # replace None with your code
print(check.cross_entropy(answer, logits, labels))
```

::::{exercise-end}
::::

::::{solution-start} error-messages-ex-2
:class: dropdown
::::

```{code-cell} python
labels_from_one = torch.tensor([1, 2, 3, 3])
answer = F.cross_entropy(logits, labels_from_one - 1)
verdict = check.cross_entropy(answer, logits, labels)
print(verdict)
assert verdict.ok
```

::::{solution-end}
::::

::::{exercise-start}
:label: error-messages-ex-3
::::

**Predict, then run.** A sequence model gives logits of shape $(N, S, C) = (2, 5, 3)$, classes
last, and labels of shape $(2, 5)$. Will `F.cross_entropy` raise? And for sequences of
$S = 3$ positions, as many as the classes, will it raise then? Compute the right mean loss of
`sequence_logits` by moving the classes to dimension 1.

```{code-cell} python
torch.manual_seed(0)
sequence_logits = torch.randn(2, 5, 3)
sequence_labels = torch.randint(0, 3, (2, 5))
answer = None  # replace None with your code
check.show(answer)
```

::::{exercise-end}
::::

::::{solution-start} error-messages-ex-3
:class: dropdown
::::

With $S \\neq C$ the shapes disagree and PyTorch raises; with $S = C$ they agree by accident,
there is no error, and the loss is computed over the wrong dimension.

```{code-cell} python
torch.manual_seed(0)
sequence_logits = torch.randn(2, 5, 3)
sequence_labels = torch.randint(0, 3, (2, 5))
answer = F.cross_entropy(sequence_logits.movedim(-1, 1), sequence_labels)
flat = F.cross_entropy(sequence_logits.reshape(-1, 3), sequence_labels.reshape(-1))
print("classes moved to dim 1:", answer)
print("both flattened:        ", flat)
assert torch.allclose(answer, flat)
try:
    F.cross_entropy(sequence_logits, sequence_labels)
    raise AssertionError("expected an error")
except RuntimeError as error:
    print("classes last:", error)
square_logits = torch.randn(2, 3, 3)
square_labels = torch.randint(0, 3, (2, 3))
wrong = F.cross_entropy(square_logits, square_labels)
right = F.cross_entropy(square_logits.movedim(-1, 1), square_labels)
print("S = C, no error, wrong dimension:", wrong, "instead of", right)
assert not torch.allclose(wrong, right)
```

::::{solution-end}
::::
"""


def page() -> str:
    """The whole page, with every message as the installed torch words it."""
    parts = [HEADER.replace("__SETUP__", SETUP)]
    group = None
    for entry in ENTRIES:
        if entry.group != group:
            group = entry.group
            title = f"`{group}`" if group == "one_hot" else group
            parts.append(f"\n## {title}\n")
        parts.append("\n" + _entry_markdown(entry))
    parts.append(EXERCISES)
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the page is out of date")
    arguments = parser.parse_args()
    text = page()
    if arguments.check:
        if PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python tools/error_catalogue.py")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}: {len(ENTRIES)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
