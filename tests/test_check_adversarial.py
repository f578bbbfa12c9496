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
