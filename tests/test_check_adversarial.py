"""Answers made the way learners make them, in every float dtype: the checker is never fooled.

For each dtype the package supports (float16, bfloat16, float32, float64) and a few input shapes,
right answers are computed every way a learner might (``F.*``, by hand, the lecture's formula,
in float64, in NumPy, as a Python float) and must pass; wrong answers a little off (a factor of
1.02, label smoothing, a temperature) must fail whenever the dtype can tell them from the right
answer, that is when they are more than a few units in the last place away from it. Odd answers
(NumPy arrays of any layout, meta, sparse and nested tensors, huge ints, empty answers, the pairs
of ``topk`` and ``sort``) get a verdict, never an exception.
"""

import math
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from xentdocs import check, lecture_example
from xentdocs.check import Verdict

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
# (examples, classes, scale of the logits): small enough that nothing overflows float16.
SHAPES = [(4, 3, 1.0), (8, 10, 2.0), (16, 50, 0.5), (3, 1000, 1.5), (5, 5, 3.0)]


def inputs(dtype: torch.dtype, shape: tuple[int, int, float]) -> tuple[torch.Tensor, torch.Tensor]:
    num_examples, num_classes, scale = shape
    generator = torch.Generator().manual_seed(num_examples * 1000 + num_classes)
    logits = torch.randn(num_examples, num_classes, generator=generator) * scale
    labels = torch.randint(num_classes, (num_examples,), generator=generator)
    return logits.to(dtype), labels


def units_apart(value: float, exact: float, dtype: torch.dtype) -> float:
    """How many units in the last place of ``dtype`` (at ``exact``) separate the two numbers."""
    _, exponent = math.frexp(abs(exact))
    return abs(value - exact) / (torch.finfo(dtype).eps * 2.0 ** (exponent - 1))


def right_softmaxes(logits: torch.Tensor) -> dict[str, object]:
    as_numpy = logits.double().numpy()
    return {
        "F.softmax": F.softmax(logits, dim=1),
        "by hand": torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True),
        "shifted by hand": torch.exp(logits - logits.max(dim=1, keepdim=True).values)
        / torch.exp(logits - logits.max(dim=1, keepdim=True).values).sum(dim=1, keepdim=True),
        "the lecture's": (torch.exp(logits.t()) / torch.sum(torch.exp(logits), dim=1)).t(),
        "exp of log_softmax": F.log_softmax(logits, dim=1).exp(),
        "float64": F.softmax(logits.double(), dim=1),
        "float32": F.softmax(logits.float(), dim=1),
        "NumPy": np.exp(as_numpy) / np.exp(as_numpy).sum(axis=1, keepdims=True),
    }


def right_losses(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, object]:
    rows = torch.arange(len(labels))
    num_classes = logits.shape[1]
    probas = F.softmax(logits, dim=1)
    one_hot = F.one_hot(labels, num_classes).to(logits.dtype)
    return {
        "F.cross_entropy": F.cross_entropy(logits, labels),
        "log of softmax": -torch.log(probas)[rows, labels].mean(),
        "the lecture's": (-torch.sum(torch.log(probas) * one_hot, dim=1)).mean(),
        "log-sum-exp": (torch.logsumexp(logits, dim=1) - logits[rows, labels]).mean(),
        "nll of log_softmax": F.nll_loss(F.log_softmax(logits, dim=1), labels),
        "float64": F.cross_entropy(logits.double(), labels),
        "Python float": F.cross_entropy(logits.double(), labels).item(),
        "np.float32": np.float32(F.cross_entropy(logits.float(), labels).item()),
    }


def wrong_losses(logits: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
    exact = F.cross_entropy(logits.double(), labels)
    dtype = logits.dtype
    return {
        "8 % more": (exact * 1.08).to(dtype),
        "2 % more": (exact * 1.02).to(dtype),
        "1 % less": (exact * 0.99).to(dtype),
        "half a percent more": (exact * 1.005).to(dtype),
        "label smoothing 0.1": F.cross_entropy(logits, labels, label_smoothing=0.1),
        "label smoothing 0.05": F.cross_entropy(logits, labels, label_smoothing=0.05),
        "temperature 1.1": F.cross_entropy(logits / 1.1, labels),
        "temperature 0.9": F.cross_entropy(logits / 0.9, labels),
        "32 units more": (exact * (1 + 32 * torch.finfo(dtype).eps)).to(dtype),
    }


def wrong_softmaxes(logits: torch.Tensor) -> dict[str, torch.Tensor]:
    probas = F.softmax(logits.double(), dim=1)
    num_classes = logits.shape[1]
    return {
        "temperature 1.1": F.softmax(logits / 1.1, dim=1),
        "2 % more": (probas * 1.02).to(logits.dtype),
        "smoothed": (probas * 0.9 + 0.1 / num_classes).to(logits.dtype),
    }


CASES = [(dtype, shape) for dtype in DTYPES for shape in SHAPES]
IDS = [f"{str(dtype)[6:]}-{n}x{c}" for dtype, (n, c, _) in CASES]


@pytest.mark.parametrize(("dtype", "shape"), CASES, ids=IDS)
def test_right_answers_made_any_way_pass_in_every_dtype(
    dtype: torch.dtype, shape: tuple[int, int, float]
) -> None:
    logits, labels = inputs(dtype, shape)
    for way, answer in right_softmaxes(logits).items():
        verdict = check.softmax(answer, logits)
        assert verdict.ok, (way, verdict.message)
    for way, answer in right_losses(logits, labels).items():
        verdict = check.cross_entropy(answer, logits, labels)
        assert verdict.ok, (way, verdict.message)
    labels_by_argmax = {
        "argmax": logits.argmax(dim=1),
        "argmax of probabilities": F.softmax(logits, dim=1).argmax(dim=1),
        "max().indices as int32": logits.max(dim=1).indices.int(),
        "NumPy argmax": logits.double().numpy().argmax(axis=1),
    }
    for way, answer in labels_by_argmax.items():
        verdict = check.predictions(answer, logits)
        assert verdict.ok, (way, verdict.message)


@pytest.mark.parametrize(("dtype", "shape"), CASES, ids=IDS)
def test_wrong_answers_a_little_off_fail_in_every_dtype(
    dtype: torch.dtype, shape: tuple[int, int, float]
) -> None:
    logits, labels = inputs(dtype, shape)
    exact = F.cross_entropy(logits.double(), labels).item()
    # float64 answers get 16 units: the reference is itself computed in float64.
    limit = 16 if dtype == torch.float64 else 3
    for way, answer in wrong_losses(logits, labels).items():
        apart = units_apart(float(answer), exact, dtype)
        verdict = check.cross_entropy(answer, logits, labels)
        if apart <= 1:
            continue  # the dtype has no closer number: this wrong answer *is* the right one
        if apart > limit:
            assert not verdict.ok, (way, float(answer), exact, apart)
    probas = F.softmax(logits.double(), dim=1)
    for way, answer in wrong_softmaxes(logits).items():
        apart = max(
            units_apart(float(given), float(right), dtype)
            for given, right in zip(answer.flatten(), probas.flatten(), strict=True)
        )
        if apart > limit:
            assert not check.softmax(answer, logits).ok, (way, apart)
    # Labels are compared exactly, at any class index.
    wrong_labels = logits.argmax(dim=1).clone()
    wrong_labels[-1] = (wrong_labels[-1] + 1) % logits.shape[1]
    assert not check.predictions(wrong_labels, logits).ok


@pytest.mark.parametrize("dtype", DTYPES, ids=[str(d)[6:] for d in DTYPES])
def test_a_label_one_off_fails_however_large_the_class_index(dtype: torch.dtype) -> None:
    for index in (12, 33, 4000, 49999):
        scores = torch.zeros(1, 50_000, dtype=dtype)
        scores[0, index] = 1
        assert not check.predictions(scores.argmax(dim=1) + 1, scores).ok
        assert not check.predictions(scores.argmax(dim=1).double() + 1, scores).ok
        assert check.predictions(scores.argmax(dim=1), scores).ok


def test_the_issue_s_examples_are_wrong_answers() -> None:
    labels, logits = lecture_example()
    loss = F.cross_entropy(logits, labels)
    assert not check.cross_entropy((loss * 1.08).bfloat16(), logits, labels)
    assert not check.cross_entropy((loss * 1.02).half(), logits, labels)
    for dtype in (torch.float16, torch.bfloat16):
        low = logits.to(dtype)
        assert not check.cross_entropy(
            F.cross_entropy(low, labels, label_smoothing=0.1), low, labels
        )
        assert not check.cross_entropy(F.cross_entropy(low / 1.1, labels), low, labels)
        assert check.cross_entropy(F.cross_entropy(low, labels), low, labels)
    scores = torch.zeros(1, 5000)
    scores[0, 4000] = 1
    assert not check.predictions(scores.argmax(1) + 1, scores).ok


LABELS, LOGITS = lecture_example()
PROBAS = torch.softmax(LOGITS, dim=1)
BIG_ENDIAN = PROBAS.numpy().astype(">f4")

# (name, the verdict, whether it is right, a phrase the message must hold or None)
ODD_ANSWERS: list[tuple[str, Callable[[], Verdict], bool, str | None]] = [
    ("np.flip", lambda: check.softmax(np.flip(np.flip(PROBAS.numpy(), 0), 0), LOGITS), True, None),
    ("[::-1] twice", lambda: check.softmax(PROBAS.numpy()[::-1][::-1], LOGITS), True, None),
    ("[::-1], rows reversed", lambda: check.softmax(PROBAS.numpy()[::-1], LOGITS), False, None),
    ("big-endian float32", lambda: check.softmax(BIG_ENDIAN, LOGITS), True, None),
    (
        "big-endian float64 scalar",
        lambda: check.cross_entropy(
            np.array(F.cross_entropy(LOGITS, LABELS).item(), dtype=">f8"), LOGITS, LABELS
        ),
        True,
        None,
    ),
    (
        "np.longdouble",
        lambda: check.cross_entropy(np.longdouble(0.9335), LOGITS, LABELS),
        False,
        None,
    ),
    (
        "uint16 NumPy labels",
        lambda: check.predictions(np.array([0, 1, 0, 2], np.uint16), LOGITS),
        True,
        None,
    ),
    ("a Python int past int64", lambda: check.predictions(2**70, LOGITS[0], 0), False, None),
    (
        "a Python int past float64",
        lambda: check.cross_entropy(10**400, LOGITS, LABELS),
        False,
        "too large",
    ),
    ("a meta tensor", lambda: check.softmax(PROBAS.to("meta"), LOGITS), False, "meta"),
    ("a sparse COO tensor", lambda: check.softmax(PROBAS.to_sparse(), LOGITS), True, None),
    (
        "a nested tensor",
        lambda: check.softmax(
            torch.nested.nested_tensor([PROBAS[0], PROBAS[1, :2]], layout=torch.jagged), LOGITS
        ),
        False,
        "nested",
    ),
    # float8 rounds the right probabilities to 3 bits: right at that precision, and no closer.
    ("a float8 tensor", lambda: check.softmax(PROBAS.to(torch.float8_e4m3fn), LOGITS), True, None),
    (
        "a float8 tensor a step off",
        lambda: check.softmax((PROBAS * 1.15).to(torch.float8_e4m3fn), LOGITS),
        False,
        None,
    ),
    ("a Parameter", lambda: check.softmax(torch.nn.Parameter(PROBAS), LOGITS), True, None),
    ("a complex number", lambda: check.cross_entropy(1 + 2j, LOGITS, LABELS), False, "complex"),
    (
        "a NumPy date",
        lambda: check.cross_entropy(np.datetime64("2020-01-01"), LOGITS, LABELS),
        False,
        "not a tensor",
    ),
    ("inf", lambda: check.cross_entropy(float("inf"), LOGITS, LABELS), False, "nan or inf"),
    (
        "empty losses for empty labels",
        lambda: check.cross_entropy(torch.tensor([]), LOGITS[:0], LABELS[:0], "none"),
        True,
        None,
    ),
    (
        "the nan mean of no losses",
        lambda: check.cross_entropy(
            F.cross_entropy(LOGITS[:0], LABELS[:0]), LOGITS[:0], LABELS[:0]
        ),
        True,
        None,
    ),
    (
        "no labels for no examples",
        lambda: check.predictions(torch.tensor([], dtype=torch.long), LOGITS[:0]),
        True,
        None,
    ),
    ("no one-hot rows", lambda: check.one_hot(torch.zeros(0, 3), LABELS[:0], 3), True, None),
    (
        "no one-hot rows, of the wrong width",
        lambda: check.one_hot(torch.zeros(0, 4), LABELS[:0], 3),
        False,
        None,
    ),
    ("topk", lambda: check.predictions(torch.topk(LOGITS, 1, dim=1), LOGITS), False, "topk"),
    ("sort", lambda: check.predictions(torch.sort(LOGITS, dim=1), LOGITS), False, "sort"),
    (
        "topk where probabilities were asked",
        lambda: check.softmax(torch.topk(PROBAS, 3), LOGITS),
        False,
        None,
    ),
    (
        "uint8 labels of class 255",
        lambda: check.one_hot(
            F.one_hot(torch.tensor([255]), 256).float(), torch.tensor([255], dtype=torch.uint8), 256
        ),
        True,
        None,
    ),
    (
        "a tensor whose repr fails",
        lambda: check.softmax(type("Odd", (), {"__repr__": lambda self: 1 / 0})(), LOGITS),
        False,
        "not a tensor",
    ),
]


@pytest.mark.parametrize(
    ("make_verdict", "ok", "phrase"),
    [case[1:] for case in ODD_ANSWERS],
    ids=[case[0] for case in ODD_ANSWERS],
)
def test_an_odd_answer_gets_a_verdict(
    make_verdict: Callable[[], Verdict], ok: bool, phrase: str | None
) -> None:
    verdict = make_verdict()
    assert isinstance(verdict, Verdict)
    assert verdict.ok is ok, verdict.message
    assert "could not be compared" not in verdict.message  # the safety net is never needed
    assert ".max(dim=...)" not in verdict.message or "max" in str(make_verdict)
    if phrase is not None:
        assert phrase in verdict.message


def test_a_topk_or_sort_pair_is_not_called_max_s() -> None:
    for pair in (torch.topk(LOGITS, 1, dim=1), torch.sort(LOGITS, dim=1, descending=True)):
        verdict = check.predictions(pair, LOGITS)
        assert verdict.mistakes == ("max_pair",)
        assert ".max(dim=...)" not in verdict.message
    assert ".max(dim=...)" in check.predictions(torch.max(LOGITS, dim=1), LOGITS).message


# -- the spread of right answers: only ways that are right in that dtype ------------------------


def half_logits(num_examples: int, num_classes: int, scale: float, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(num_examples, num_classes, generator=generator) * scale).half()


# float16 logits whose exponentials overflow (a logit of 12), or whose 50,000 exponentials sum
# past float16's largest: the naive softmax gives nan and zeros there, which are no right answer.
OVERFLOWING = {
    "a logit of 12": torch.tensor([[12.0, 0.0, 1.0], [0.0, 1.0, 2.0]]).half(),
    "50,000 classes": half_logits(2, 50_000, 2.0, 3),
}


@pytest.mark.parametrize("logits", OVERFLOWING.values(), ids=OVERFLOWING.keys())
def test_an_overflowing_way_does_not_widen_what_passes(logits: torch.Tensor) -> None:
    probas = F.softmax(logits.double(), dim=1)
    small = probas < probas.amax(dim=1, keepdim=True)
    wrong = {
        "zeros": torch.zeros_like(logits),
        "the small ones doubled": torch.where(small, probas * 2, probas),
        "the small ones zero": torch.where(small, torch.zeros_like(probas), probas),
        "30 % more": probas * 1.3,
        "30 % less": probas * 0.7,
    }
    for way, answer in wrong.items():
        verdict = check.softmax(answer, logits)
        assert not verdict.ok, way
        assert verdict.mistakes in ((), ("naive_softmax_overflow",)), (way, verdict.message)
    for answer in (F.softmax(logits, dim=1), probas, F.softmax(logits.float(), dim=1)):
        assert check.softmax(answer, logits), check.softmax(answer, logits).message


def test_a_naive_softmax_whose_sum_overflows_is_named_so() -> None:
    logits = OVERFLOWING["50,000 classes"]
    naive = torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)
    assert not naive.any()  # every quotient x / inf is 0: finite, and wrong
    verdict = check.softmax(naive, logits)
    assert verdict.mistakes == ("naive_softmax_overflow",), verdict.message
    # The sum over the whole tensor overflows too: the same zeros, one explanation.
    assert "sum over many classes is inf" in verdict.message


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_classes_summed_in_another_order_pass(dtype: torch.dtype) -> None:
    # A transposed tensor, softmax along dim 0, sums in another order: over 50,000 classes that
    # is several units of float64 off, and right.
    logits = half_logits(2, 50_000, 6.0, 0).to(dtype)
    for answer in (
        F.softmax(logits.t(), dim=0).t(),
        (torch.exp(logits.t()) / torch.exp(logits.t()).sum(dim=0)).t(),
    ):
        verdict = check.softmax(answer, logits)
        assert verdict.ok, verdict.message
    labels = torch.tensor([3, 49_999])
    for reduction in ("mean", "none"):
        answer = F.nll_loss(F.log_softmax(logits.t(), dim=0).t(), labels, reduction=reduction)
        assert check.cross_entropy(answer, logits, labels, reduction), reduction


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_log_sum_exp_by_hand_passes_where_the_loss_is_small(
    dtype: torch.dtype, reduction: str
) -> None:
    # Confident examples: log-sum-exp and the true logit nearly cancel.
    logits = torch.tensor([[6.3, -2.1], [-4.0, 3.7], [5.2, 5.0], [0.1, 7.9], [8.0, -8.0]])
    logits = logits.to(dtype)
    labels = torch.tensor([0, 1, 0, 1, 0])
    losses = torch.logsumexp(logits, dim=1) - logits[torch.arange(5), labels]
    answer = {"none": losses, "mean": losses.mean(), "sum": losses.sum()}[reduction]
    verdict = check.cross_entropy(answer, logits, labels, reduction)
    assert verdict.ok, verdict.message
    # ... and what differs from it by a factor still fails.
    assert not check.cross_entropy(answer * 1.001, logits, labels, reduction)


def test_a_mistake_that_gives_the_right_answer_is_never_named() -> None:
    # With two classes the binary cross-entropy of the probabilities is the cross-entropy: an
    # answer a little off is not "the binary cross-entropy", and the exact one is right.
    logits = torch.tensor([[0.3, -1.2], [2.0, 0.5], [-0.7, 0.4]], dtype=torch.float64)
    labels = torch.tensor([0, 0, 1])
    probas = F.softmax(logits, dim=1)
    one_hot = F.one_hot(labels, 2).double()
    bce = F.binary_cross_entropy(probas, one_hot, reduction="none").mean(dim=1)
    assert check.cross_entropy(bce, logits, labels, "none")
    exact = F.cross_entropy(logits, labels, reduction="none")
    for factor in (1 + 1e-13, 1 - 1e-13):
        verdict = check.cross_entropy(exact * factor, logits, labels, "none")
        assert "binary_cross_entropy" not in verdict.mistakes, verdict.message
        assert not verdict.alternatives, verdict.message


def test_probabilities_from_the_logits_are_named_where_log_probabilities_were_given() -> None:
    # The checker gets float32 log-probabilities; the learner's probabilities come from the
    # logits, a unit of float32 away from exp(log_probas): still "probabilities, not logs".
    generator = torch.Generator().manual_seed(5)
    logits = torch.randn(6, 5, generator=generator) * 2
    labels = torch.tensor([3, 0, 2, 2, 1, 2])
    log_probas = F.log_softmax(logits, dim=1)
    answer = F.nll_loss(F.softmax(logits, dim=1), labels, reduction="none")
    verdict = check.nll_loss(answer, log_probas, labels, "none")
    assert verdict.mistakes == ("probas_not_log_probas",), verdict.message


FLOAT8 = [torch.float8_e4m3fn, torch.float8_e5m2]


@pytest.mark.parametrize("dtype", FLOAT8, ids=["e4m3fn", "e5m2"])
def test_float8_inputs_get_a_verdict_for_nan_answers(dtype: torch.dtype) -> None:
    logits = LOGITS.to(dtype)
    nan = float("nan")
    for verdict in (
        check.softmax(torch.full((4, 3), nan), logits),
        check.cross_entropy(nan, logits, LABELS),
        check.softmax(F.softmax(logits.float(), dim=1) * 2, logits),
    ):
        assert not verdict.ok
        assert "could not be compared" not in verdict.message, verdict.message
    assert check.softmax(F.softmax(logits.float(), dim=1), logits)


UNSIGNED = {
    "torch.uint16": lambda labels: labels.to(torch.uint16),
    "torch.uint32": lambda labels: labels.to(torch.uint32),
    "torch.uint64": lambda labels: labels.to(torch.uint64),
    "np.uint64": lambda labels: labels.numpy().astype(np.uint64),
    "big-endian np.uint64": lambda labels: labels.numpy().astype(">u8"),
}


@pytest.mark.parametrize("convert", UNSIGNED.values(), ids=UNSIGNED.keys())
def test_unsigned_labels_are_integers(convert: Callable[[torch.Tensor], object]) -> None:
    labels = LOGITS.argmax(dim=1)
    verdict = check.predictions(convert(labels), LOGITS)
    assert verdict.ok, verdict.message
    wrong = check.predictions(convert(labels + 1), LOGITS)
    assert not wrong.ok
    assert "predictions_dtype" not in wrong.mistakes, wrong.message


def test_unsigned_labels_past_int64_are_wrong_labels_not_floats() -> None:
    for answer in (
        torch.full((4,), 2**64 - 1, dtype=torch.uint64),
        np.full(4, 2**64 - 1, dtype=np.uint64),
    ):
        verdict = check.predictions(answer, LOGITS)
        assert not verdict.ok
        assert "should be integers" not in verdict.message, verdict.message
        assert "outside that range" in verdict.message, verdict.message


@pytest.mark.parametrize("num_classes", [2**40, 2**63 - 1], ids=["2**40", "2**63 - 1"])
def test_a_one_hot_too_large_to_make_gets_a_verdict(num_classes: int) -> None:
    verdict = check.one_hot(torch.zeros(4, 3), LABELS, num_classes)
    assert not verdict.ok
    assert "could not be compared" not in verdict.message
    assert f"(4, {num_classes})" in verdict.message
