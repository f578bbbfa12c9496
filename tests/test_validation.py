"""Bad input gets a ValueError or TypeError that says what was wrong, expected and given.

Each case names the function call, the exception and a pattern for its message. The patterns
check the three parts of the house style: the argument's name, what it must be, what it got.
PyTorch's own errors (RuntimeError, IndexError, ...) would not match any of them.
"""

import re
from collections.abc import Callable

import pytest
import torch

from xentdocs import (
    cross_entropy,
    cross_entropy_from_probas,
    labels_from_one_hot,
    lecture_softmax,
    log_softmax,
    naive_softmax,
    nll_loss,
    one_hot,
    predict_labels,
    softmax,
)

LABELS = torch.tensor([0, 1, 2, 2])
LOGITS = torch.tensor(
    [[-0.3, -0.5, -0.5], [-0.4, -0.1, -0.5], [-0.3, -0.94, -0.5], [-0.99, -0.88, -0.5]]
)
LOG_PROBAS = torch.log_softmax(LOGITS, dim=1)


def case(call: Callable[[], object], error: type[Exception], message: str, id: str) -> pytest.param:
    """A validation case; ``message`` is literal text, not a regular expression."""
    return pytest.param(call, error, message, id=id)


ENCODING_CASES = [
    case(
        lambda: one_hot([0, 1, 2]),
        TypeError,
        "labels must be a torch.Tensor, got list [0, 1, 2]; wrap it with torch.tensor(...)",
        "one_hot-list",
    ),
    case(
        lambda: one_hot(LABELS.float()),
        TypeError,
        "labels must be an integer tensor of class indices (torch.int64), got torch.float32",
        "one_hot-float-labels",
    ),
    case(
        lambda: one_hot(LABELS.bool()),
        TypeError,
        "labels must be an integer tensor of class indices (torch.int64), got torch.bool",
        "one_hot-bool-labels",
    ),
    case(
        lambda: one_hot(torch.tensor([0, 1, -1, 2])),
        ValueError,
        "labels must be class indices, which start at 0, got -1 at position 2",
        "one_hot-negative-label",
    ),
    case(
        lambda: one_hot(torch.tensor([0, 3, 1]), num_classes=3),
        ValueError,
        "labels must be class indices from 0 to 2 for 3 classes, got 3 at position 1",
        "one_hot-label-too-large",
    ),
    case(
        lambda: one_hot(torch.tensor([[0, 1], [1, 0]])),
        ValueError,
        "labels must be a 1-d tensor (one class label per example, shape (N,)),"
        " got a 2-d tensor of shape (2, 2)",
        "one_hot-2d-labels",
    ),
    case(
        lambda: one_hot(torch.tensor(1)),
        ValueError,
        "labels must be a 1-d tensor (one class label per example, shape (N,)),"
        " got a 0-d tensor of shape ()",
        "one_hot-0d-labels",
    ),
    case(
        lambda: one_hot(LABELS, num_classes=0),
        ValueError,
        "num_classes must be at least 1, got 0",
        "one_hot-zero-classes",
    ),
    case(
        lambda: one_hot(LABELS, num_classes=3.0),
        TypeError,
        "num_classes must be an int, got float 3.0",
        "one_hot-float-num-classes",
    ),
    case(
        lambda: one_hot(LABELS, num_classes=True),
        TypeError,
        "num_classes must be an int, got bool True",
        "one_hot-bool-num-classes",
    ),
    case(
        lambda: one_hot(torch.tensor([], dtype=torch.int64)),
        ValueError,
        "labels must not be empty when num_classes is None, got shape (0,); pass num_classes",
        "one_hot-empty-labels",
    ),
    case(
        lambda: one_hot(LABELS, dtype="float32"),
        TypeError,
        "dtype must be a torch.dtype, got str 'float32'",
        "one_hot-dtype-string",
    ),
    case(
        lambda: labels_from_one_hot(torch.tensor([[1.0, 0.5, 0.0]])),
        ValueError,
        "one_hot_targets must hold only zeros and ones, got 0.5 at position (0, 1)",
        "labels_from_one_hot-not-zero-or-one",
    ),
    case(
        lambda: labels_from_one_hot(torch.tensor([[1, 0], [1, 1]])),
        ValueError,
        "one_hot_targets must have exactly one 1 in each row, got 2 ones in row 1",
        "labels_from_one_hot-two-ones",
    ),
    case(
        lambda: labels_from_one_hot(torch.tensor([[0, 0]])),
        ValueError,
        "one_hot_targets must have exactly one 1 in each row, got 0 ones in row 0",
        "labels_from_one_hot-no-one",
    ),
    case(
        lambda: labels_from_one_hot(torch.tensor([0, 1, 0])),
        ValueError,
        "one_hot_targets must be a 2-d tensor (one one-hot row per example),"
        " got a 1-d tensor of shape (3,)",
        "labels_from_one_hot-1d",
    ),
    case(
        lambda: labels_from_one_hot(torch.tensor([[True, False]])),
        TypeError,
        "one_hot_targets must be a float or integer tensor of zeros and ones, got torch.bool",
        "labels_from_one_hot-bool",
    ),
]


def softmax_cases(function: Callable[..., torch.Tensor]) -> list[pytest.param]:
    name = function.__name__
    return [
        case(
            lambda: function(LOGITS.tolist()),
            TypeError,
            "logits must be a torch.Tensor, got list",
            f"{name}-list",
        ),
        case(
            lambda: function(LABELS),
            TypeError,
            "logits must be a floating-point tensor (scores, one per class), got torch.int64;"
            " convert it with logits.float()",
            f"{name}-integer-logits",
        ),
        case(
            lambda: function(torch.tensor(1.0)),
            ValueError,
            "logits must have at least one dimension (the classes), got a 0-d tensor: 1.0",
            f"{name}-0d",
        ),
        case(
            lambda: function(LOGITS, dim=2),
            ValueError,
            "dim must be between -2 and 1 for logits of shape (4, 3), got 2",
            f"{name}-dim-too-large",
        ),
        case(
            lambda: function(LOGITS, dim=-3),
            ValueError,
            "dim must be between -2 and 1 for logits of shape (4, 3), got -3",
            f"{name}-dim-too-small",
        ),
        case(
            lambda: function(LOGITS, dim=1.0),
            TypeError,
            "dim must be an int, got float 1.0",
            f"{name}-float-dim",
        ),
        case(
            lambda: function(torch.zeros(2, 0), dim=1),
            ValueError,
            "logits must have at least one class along dim=1, got shape (2, 0)",
            f"{name}-no-classes",
        ),
    ]


SOFTMAX_CASES = [
    *softmax_cases(softmax),
    *softmax_cases(naive_softmax),
    *softmax_cases(log_softmax),
    case(
        lambda: lecture_softmax(LOGITS[0]),
        ValueError,
        "logits must be a 2-d tensor (one row per example, one column per class, (N, C)),"
        " got a 1-d tensor of shape (3,)",
        "lecture_softmax-1d",
    ),
    case(
        lambda: lecture_softmax(LABELS.view(2, 2)),
        TypeError,
        "logits must be a floating-point tensor (scores, one per class), got torch.int64",
        "lecture_softmax-integer-logits",
    ),
    case(
        lambda: lecture_softmax(torch.zeros(4, 0)),
        ValueError,
        "logits must have at least one class along dim=1, got shape (4, 0)",
        "lecture_softmax-no-classes",
    ),
]

PREDICTION_CASES = [
    case(
        lambda: predict_labels((0.1, 0.9)),
        TypeError,
        "scores must be a torch.Tensor, got tuple (0.1, 0.9)",
        "predict_labels-tuple",
    ),
    case(
        lambda: predict_labels(torch.tensor([True, False])),
        TypeError,
        "scores must be a float or integer tensor, got torch.bool",
        "predict_labels-bool",
    ),
    case(
        lambda: predict_labels(torch.tensor(2.0)),
        ValueError,
        "scores must have at least one dimension (the classes), got a 0-d tensor: 2.0",
        "predict_labels-0d",
    ),
    case(
        lambda: predict_labels(LOGITS, dim=5),
        ValueError,
        "dim must be between -2 and 1 for scores of shape (4, 3), got 5",
        "predict_labels-dim-out-of-range",
    ),
    case(
        lambda: predict_labels(torch.zeros(3, 0)),
        ValueError,
        "scores must have at least one class along dim=-1, got shape (3, 0)",
        "predict_labels-no-classes",
    ),
]


def shared_loss_cases(function: Callable[..., torch.Tensor]) -> list[pytest.param]:
    """Cases where nll_loss and cross_entropy answer alike."""
    name = function.__name__
    meaning = "logits" if function is cross_entropy else "log-probabilities"
    return [
        case(
            lambda: function(LOGITS.tolist(), LABELS),
            TypeError,
            "input must be a torch.Tensor, got list",
            f"{name}-list-input",
        ),
        case(
            lambda: function(LOGITS, [0, 1, 2, 2]),
            TypeError,
            "target must be a torch.Tensor, got list [0, 1, 2, 2]",
            f"{name}-list-target",
        ),
        case(
            lambda: function(LABELS.view(2, 2), LABELS[:2]),
            TypeError,
            f"input must be a floating-point tensor ({meaning}, one per class), got torch.int64",
            f"{name}-integer-input",
        ),
        case(
            lambda: function(torch.tensor(0.5), torch.tensor(0)),
            ValueError,
            "input must have at least one dimension ((C) or (N, C, d1, ..., dk)),"
            " got a 0-d tensor: 0.5",
            f"{name}-0d-input",
        ),
        case(
            lambda: function(torch.zeros(2, 0), torch.tensor([0, 0])),
            ValueError,
            "input must have at least one class along its class dimension 1, got shape (2, 0)",
            f"{name}-no-classes",
        ),
        case(
            lambda: function(LOGITS, LABELS.int()),
            TypeError,
            "target must be an integer tensor of class indices (torch.int64, or torch.uint8),"
            " got torch.int32; convert it with target.long()",
            f"{name}-int32-target",
        ),
        case(
            lambda: function(LOGITS, torch.tensor([0, 1, 2, -1])),
            ValueError,
            "target must be class indices, which start at 0, or ignore_index=-100,"
            " got -1 at position 3",
            f"{name}-negative-target",
        ),
        case(
            lambda: function(LOGITS, torch.tensor([5, 1, -1, 2]), ignore_index=-1),
            ValueError,
            "target must be class indices from 0 to 2 for 3 classes, or ignore_index=-1,"
            " got 5 at position 0",
            f"{name}-target-too-large-with-ignore-index",
        ),
        case(
            lambda: function(LOGITS, torch.tensor([0, 3, 1, 2])),
            ValueError,
            "target must be class indices from 0 to 2 for 3 classes, or ignore_index=-100,"
            " got 3 at position 1",
            f"{name}-target-too-large",
        ),
        case(
            lambda: function(torch.zeros(2, 3, 2), torch.tensor([[0, 1], [4, 0]])),
            ValueError,
            "got 4 at position (1, 0)",
            f"{name}-spatial-target-too-large",
        ),
        case(
            lambda: function(LOGITS[0], torch.tensor([0])),
            ValueError,
            "target must have shape () (the input's shape (3,) without the class dimension),"
            " got (1,)",
            f"{name}-single-example-target-shape",
        ),
        case(
            lambda: function(LOGITS, torch.tensor([0, 1, 2, 2, 0])),
            ValueError,
            "target must have shape (4,) (the input's shape (4, 3) without the class"
            " dimension), got (5,); the batch sizes differ: input has N=4, target has 5",
            f"{name}-batch-size-mismatch",
        ),
        case(
            lambda: function(torch.zeros(2, 3, 4, 5), torch.zeros(2, 4, 6, dtype=torch.long)),
            ValueError,
            "target must have shape (2, 4, 5) (the input's shape (2, 3, 4, 5) without the"
            " class dimension), got (2, 4, 6); the spatial sizes differ: input has (4, 5),"
            " target has (4, 6)",
            f"{name}-spatial-shape-mismatch",
        ),
        case(
            lambda: function(LOGITS, one_hot(LABELS, dtype=torch.int64)),
            ValueError,
            "target must hold class indices, shape (4,) (the input's shape without C),"
            " got an integer tensor of the input's shape (4, 3); did you pass a one-hot tensor?",
            f"{name}-integer-one-hot-target",
        ),
        case(
            lambda: function(LOGITS, LABELS, reduction="average"),
            ValueError,
            "reduction must be one of 'none', 'mean', 'sum', got 'average'",
            f"{name}-unknown-reduction",
        ),
        case(
            lambda: function(LOGITS, LABELS, reduction=None),
            ValueError,
            "reduction must be one of 'none', 'mean', 'sum', got None",
            f"{name}-reduction-none-object",
        ),
        case(
            lambda: function(LOGITS, LABELS, weight=torch.ones(2)),
            ValueError,
            "weight must be a 1-d tensor with one weight per class, shape (3,), got shape (2,)",
            f"{name}-weight-wrong-length",
        ),
        case(
            lambda: function(LOGITS, LABELS, weight=torch.ones(1, 3)),
            ValueError,
            "weight must be a 1-d tensor with one weight per class, shape (3,), got shape (1, 3)",
            f"{name}-weight-2d",
        ),
        case(
            lambda: function(LOGITS, LABELS, weight=torch.tensor([1, 2, 1])),
            TypeError,
            "weight must be a floating-point tensor (one weight per class), got torch.int64",
            f"{name}-integer-weight",
        ),
        case(
            lambda: function(LOGITS, LABELS, weight=[1.0, 2.0, 1.0]),
            TypeError,
            "weight must be a torch.Tensor, got list",
            f"{name}-list-weight",
        ),
        case(
            lambda: function(LOGITS, LABELS, weight=torch.ones(3, dtype=torch.float64)),
            TypeError,
            "weight must have the same dtype as input (torch.float32), got torch.float64",
            f"{name}-weight-dtype-mismatch",
        ),
        case(
            lambda: function(LOGITS, LABELS, ignore_index=-100.0),
            TypeError,
            "ignore_index must be an int, got float -100.0",
            f"{name}-float-ignore-index",
        ),
    ]


LOSS_CASES = [
    *shared_loss_cases(nll_loss),
    *shared_loss_cases(cross_entropy),
    case(
        lambda: nll_loss(LOG_PROBAS, LABELS.float()),
        TypeError,
        "target must be an integer tensor of class indices (torch.int64, or torch.uint8),"
        " got torch.float32",
        "nll_loss-float-target",
    ),
    case(
        lambda: nll_loss(LOG_PROBAS, one_hot(LABELS, dtype=torch.int64)),
        ValueError,
        "did you pass a one-hot tensor? pass class indices (labels_from_one_hot turns one-hot"
        " rows into them)",
        "nll_loss-one-hot-advice",
    ),
    case(
        lambda: cross_entropy(LOGITS, one_hot(LABELS, dtype=torch.int64)),
        ValueError,
        "did you pass a one-hot tensor? pass class indices, or float class probabilities",
        "cross_entropy-one-hot-advice",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS.float()),
        TypeError,
        "target must be an integer tensor of class indices (torch.int64), got torch.float32"
        " of shape (4,); float targets are class probabilities and must have the input's"
        " shape (4, 3)",
        "cross_entropy-float-class-indices",
    ),
    case(
        lambda: cross_entropy(LOGITS, torch.rand(4, 2)),
        ValueError,
        "target of class probabilities must have the input's shape (4, 3), got (4, 2)",
        "cross_entropy-probabilities-shape-mismatch",
    ),
    case(
        lambda: cross_entropy(LOGITS, torch.rand(4, 3), weight=torch.tensor([1, 1, 1])),
        TypeError,
        "weight must be a floating-point tensor (one weight per class), got torch.int64",
        "cross_entropy-probabilities-integer-weight",
    ),
    case(
        lambda: cross_entropy(LOGITS, torch.rand(4, 3), ignore_index=0),
        ValueError,
        "ignore_index must be negative (it is unused) with class-probability targets,"
        " got ignore_index=0",
        "cross_entropy-probabilities-ignore-index",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS, label_smoothing=1.5),
        ValueError,
        "label_smoothing must be between 0.0 and 1.0, got 1.5",
        "cross_entropy-smoothing-too-large",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS, label_smoothing=-0.1),
        ValueError,
        "label_smoothing must be between 0.0 and 1.0, got -0.1",
        "cross_entropy-negative-smoothing",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS, label_smoothing=float("nan")),
        ValueError,
        "label_smoothing must be between 0.0 and 1.0, got nan",
        "cross_entropy-nan-smoothing",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS, label_smoothing="0.1"),
        TypeError,
        "label_smoothing must be a float between 0.0 and 1.0, got str '0.1'",
        "cross_entropy-string-smoothing",
    ),
    case(
        lambda: cross_entropy(LOGITS, LABELS, label_smoothing=torch.tensor([0.1])),
        TypeError,
        "label_smoothing must be a float between 0.0 and 1.0, got a tensor of shape (1,)",
        "cross_entropy-tensor-smoothing",
    ),
    case(
        lambda: cross_entropy_from_probas(LOGITS.softmax(dim=1), one_hot(LABELS)[:3]),
        ValueError,
        "one_hot_targets must have the shape of probas (4, 3), got (3, 3)",
        "cross_entropy_from_probas-shape-mismatch",
    ),
    case(
        lambda: cross_entropy_from_probas(LABELS.view(2, 2), one_hot(LABELS[:2], 2)),
        TypeError,
        "probas must be a floating-point tensor (probabilities, one per class), got torch.int64",
        "cross_entropy_from_probas-integer-probas",
    ),
    case(
        lambda: cross_entropy_from_probas(LOGITS[0], one_hot(LABELS)[0]),
        ValueError,
        "probas must be a 2-d tensor (one row of probabilities per example, (N, C)),"
        " got a 1-d tensor of shape (3,)",
        "cross_entropy_from_probas-1d",
    ),
    case(
        lambda: cross_entropy_from_probas(LOGITS.softmax(dim=1), one_hot(LABELS).bool()),
        TypeError,
        "one_hot_targets must be a float or integer tensor of zeros and ones, got torch.bool",
        "cross_entropy_from_probas-bool-targets",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [*ENCODING_CASES, *SOFTMAX_CASES, *PREDICTION_CASES, *LOSS_CASES],
)
def test_bad_input_is_explained(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda: nll_loss(LOG_PROBAS, torch.tensor([0, 1, -1, 2]), ignore_index=-1),
            id="nll_loss-ignore-index-minus-one",
        ),
        pytest.param(
            lambda: cross_entropy(LOGITS, torch.tensor([0, 1, -1, 2]), ignore_index=-1),
            id="cross_entropy-ignore-index-minus-one",
        ),
        pytest.param(
            lambda: cross_entropy(LOGITS, torch.tensor([0, 1, 7, 2]), ignore_index=7),
            id="cross_entropy-ignore-index-above-the-classes",
        ),
        pytest.param(
            lambda: cross_entropy(
                LOGITS, torch.rand(4, 3), weight=torch.ones(3, dtype=torch.float64)
            ),
            id="cross_entropy-probabilities-weight-of-another-float-dtype",
        ),
        pytest.param(
            lambda: cross_entropy(LOGITS, LABELS, label_smoothing=1),
            id="cross_entropy-integer-smoothing",
        ),
    ],
)
def test_what_torch_accepts_passes_validation(call: Callable[[], torch.Tensor]) -> None:
    assert torch.isfinite(call()).all()
