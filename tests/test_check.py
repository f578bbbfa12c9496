"""xentdocs.check names the mistake behind a wrong answer, and accepts every right one.

Each recognised mistake is made here in code, the way a learner would make it, and the verdict
must name it: by its key in ``Verdict.mistakes`` and by a phrase in the message. Every key of the
registry (``xentdocs/check/_mistakes.py``) has a row in ``MISTAKES``: adding a mistake is one
record there and one row here. Right answers computed other valid ways (torch.nn.functional, by
hand, float64, NumPy, a Python float) must pass. A wrong answer of any kind is a verdict, never
an exception; bad inputs to the checker are TypeError/ValueError. ``test_check_adversarial.py``
makes answers in every float dtype.
"""

import math
from collections.abc import Callable
from dataclasses import FrozenInstanceError

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import check, lecture_example
from xentdocs.check import Verdict, _mistakes

LABELS, LOGITS = lecture_example()  # 4 examples, 3 classes, labels [0, 1, 2, 2]
PROBAS = torch.softmax(LOGITS, dim=1)
LOG_PROBAS = torch.log_softmax(LOGITS, dim=1)
ONE_HOT = F.one_hot(LABELS, num_classes=3).float()
ROWS = torch.arange(4)
# Labels that leave the last class free, so that labels + 1 is still a valid class.
LOW_LABELS = torch.tensor([0, 1, 1, 0])
# (N, N) logits whose argmax along dim 0 differs from the one along dim 1.
SQUARE_LOGITS = torch.tensor([[0.0, 1.0, 2.0], [3.0, 5.0, 4.0], [8.0, 7.0, 6.0]])
# Logits whose naive softmax overflows (exp(500) is inf in float32) or underflows to 0 / 0.
LARGE_LOGITS = LOGITS * 500


def naive_softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True)


def numpy_softmax() -> np.ndarray:
    exps = np.exp(LOGITS.cpu().numpy().astype(np.float64))
    return exps / exps.sum(axis=1, keepdims=True)


# (name, verdict of the mistaken answer, the keys it must carry, a phrase its message must hold)
MISTAKES: list[tuple[str, Callable[[], Verdict], tuple[str, ...], str]] = [
    # softmax
    (
        "softmax over dim 0",
        lambda: check.softmax(torch.softmax(LOGITS, dim=0), LOGITS),
        ("softmax_wrong_dim",),
        "softmax over the wrong dimension",
    ),
    (
        "softmax over dim 1 of (N, C, K) logits asked along dim 2",
        lambda: check.softmax(torch.softmax(LOGITS.view(2, 2, 3), 1), LOGITS.view(2, 2, 3), 2),
        ("softmax_wrong_dim",),
        "softmax over the wrong dimension",
    ),
    (
        "the lecture's softmax without its final .t()",
        lambda: check.softmax(torch.exp(LOGITS.t()) / torch.sum(torch.exp(LOGITS), 1), LOGITS),
        ("softmax_transposed",),
        "transposed",
    ),
    (
        "row sums without keepdim on square logits",
        lambda: check.softmax(torch.exp(LOGITS[:3]) / torch.exp(LOGITS[:3]).sum(dim=1), LOGITS[:3]),
        ("softmax_wrong_broadcast",),
        "keepdim=True",
    ),
    (
        "log_softmax where softmax was asked",
        lambda: check.softmax(F.log_softmax(LOGITS, dim=1), LOGITS),
        ("log_softmax_not_softmax",),
        "log-probabilities (log_softmax) where probabilities were asked",
    ),
    (
        "logits normalized without exp",
        lambda: check.softmax(LOGITS / LOGITS.sum(dim=1, keepdim=True), LOGITS),
        ("softmax_without_exp",),
        "without the exponential",
    ),
    (
        "exp without the division",
        lambda: check.softmax(torch.exp(LOGITS), LOGITS),
        ("softmax_not_normalized",),
        "not divided by their sum",
    ),
    (
        "exp divided by the sum of everything",
        lambda: check.softmax(torch.exp(LOGITS) / torch.exp(LOGITS).sum(), LOGITS),
        ("softmax_no_dim",),
        "sum over the whole tensor",
    ),
    (
        "sigmoid instead of softmax",
        lambda: check.softmax(torch.sigmoid(LOGITS), LOGITS),
        ("sigmoid_not_softmax",),
        "sigmoid",
    ),
    (
        "naive softmax of large logits",
        lambda: check.softmax(naive_softmax(LARGE_LOGITS), LARGE_LOGITS),
        ("naive_softmax_overflow",),
        "naive softmax that overflowed",
    ),
    (
        "softmax as integers",
        lambda: check.softmax(
            torch.softmax(torch.tensor([[100.0, 0.0], [0.0, 100.0]]), 1).long(),
            torch.tensor([[100.0, 0.0], [0.0, 100.0]]),
        ),
        ("wrong_dtype",),
        "dtype is torch.int64",
    ),
    (
        "softmax with an extra dimension",
        lambda: check.softmax(torch.softmax(LOGITS, dim=1).unsqueeze(0), LOGITS),
        ("wrong_shape",),
        "should have shape (4, 3)",
    ),
    # predictions
    (
        "argmax over dim 0",
        lambda: check.predictions(torch.argmax(LOGITS, dim=0), LOGITS),
        ("argmax_wrong_dim",),
        "argmax over the wrong dimension",
    ),
    (
        "argmax over dim 0 of square logits",
        lambda: check.predictions(torch.argmax(SQUARE_LOGITS, dim=0), SQUARE_LOGITS),
        ("argmax_wrong_dim",),
        "argmax over the wrong dimension",
    ),
    (
        "max values instead of indices",
        lambda: check.predictions(torch.max(LOGITS, dim=1).values, LOGITS),
        ("max_values_not_indices",),
        "largest scores instead of their indices",
    ),
    (
        "the (values, indices) pair",
        lambda: check.predictions(torch.max(LOGITS, dim=1), LOGITS),
        ("max_pair",),
        "(values, indices) pair",
    ),
    (
        "argmin",
        lambda: check.predictions(torch.argmin(LOGITS, dim=1), LOGITS),
        ("argmin_not_argmax",),
        "smallest scores",
    ),
    (
        "argmax without dim",
        lambda: check.predictions(torch.argmax(LOGITS), LOGITS),
        ("argmax_no_dim",),
        "argmax without dim",
    ),
    (
        "predictions counted from 1",
        lambda: check.predictions(torch.argmax(LOGITS, dim=1) + 1, LOGITS),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "probabilities instead of labels",
        lambda: check.predictions(PROBAS, LOGITS),
        ("scores_not_labels",),
        "not predicted labels",
    ),
    (
        "predictions as floats",
        lambda: check.predictions(torch.argmax(LOGITS, dim=1).float(), LOGITS),
        ("predictions_dtype",),
        "dtype is torch.float32",
    ),
    (
        "argmax with keepdim",
        lambda: check.predictions(torch.argmax(LOGITS, dim=1, keepdim=True), LOGITS),
        ("wrong_shape",),
        "keepdim=True",
    ),
    # one-hot
    (
        "F.one_hot's int64",
        lambda: check.one_hot(F.one_hot(LABELS, num_classes=3), LABELS, 3),
        ("one_hot_dtype",),
        "one-hot of the wrong dtype",
    ),
    (
        "a bool one-hot",
        lambda: check.one_hot(F.one_hot(LABELS, num_classes=3).bool(), LABELS, 3),
        ("one_hot_dtype",),
        "one-hot of the wrong dtype",
    ),
    (
        "F.one_hot without num_classes",
        lambda: check.one_hot(F.one_hot(LABELS).float(), LABELS, 5),
        ("one_hot_width",),
        "one-hot of the wrong width",
    ),
    (
        "F.one_hot without num_classes nor .float()",
        lambda: check.one_hot(F.one_hot(LABELS), LABELS, 4),
        ("one_hot_width", "one_hot_dtype"),
        "one-hot of the wrong width",
    ),
    (
        "one-hot of labels + 1, one column wider",
        lambda: check.one_hot(F.one_hot(LABELS + 1).float(), LABELS, 3),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "one-hot of labels + 1, right width",
        lambda: check.one_hot(F.one_hot(LOW_LABELS + 1, 3).float(), LOW_LABELS, 3),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "one-hot of labels + 1, int64",
        lambda: check.one_hot(F.one_hot(LABELS + 1), LABELS, 3),
        ("labels_from_one", "one_hot_dtype"),
        "labels counted from 1",
    ),
    (
        "one-hot of labels - 1 by indexing, which wraps around",
        lambda: check.one_hot(torch.eye(3)[LABELS - 1], LABELS, 3),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "one-hot columns",
        lambda: check.one_hot(ONE_HOT.t(), LABELS, 3),
        ("one_hot_transposed",),
        "transposed",
    ),
    (
        "the labels themselves",
        lambda: check.one_hot(LABELS, LABELS, 3),
        ("labels_not_one_hot",),
        "labels themselves",
    ),
    # cross-entropy
    (
        "sum where the mean was asked",
        lambda: check.cross_entropy(
            F.cross_entropy(LOGITS, LABELS, reduction="sum"), LOGITS, LABELS
        ),
        ("sum_not_mean",),
        "the sum where the mean was asked",
    ),
    (
        "mean where the sum was asked",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS), LOGITS, LABELS, "sum"),
        ("mean_not_sum",),
        "the mean where the sum was asked",
    ),
    (
        "per-example losses where the mean was asked",
        lambda: check.cross_entropy(-LOG_PROBAS[ROWS, LABELS], LOGITS, LABELS),
        ("per_example_not_reduced",),
        "per-example losses where one number was asked",
    ),
    (
        "per-example losses where the sum was asked",
        lambda: check.cross_entropy(-LOG_PROBAS[ROWS, LABELS], LOGITS, LABELS, "sum"),
        ("per_example_not_reduced",),
        "per-example losses where one number was asked",
    ),
    (
        "the mean where reduction='none' was asked",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS).item(), LOGITS, LABELS, "none"),
        ("one_number_not_per_example",),
        "one number where per-example losses were asked",
    ),
    (
        "missing minus sign",
        lambda: check.cross_entropy(
            torch.sum(torch.log(PROBAS) * ONE_HOT, 1).mean(), LOGITS, LABELS
        ),
        ("missing_minus",),
        "missing minus sign",
    ),
    (
        "mean over the N*C entries",
        lambda: check.cross_entropy(-(torch.log(PROBAS) * ONE_HOT).mean(), LOGITS, LABELS),
        ("mean_over_classes",),
        "mean over all N*C entries",
    ),
    (
        "the one-hot product summed along dim 0",
        # N = 4, C = 2: on the lecture's inputs N - 1 = C, and the sum over N - 1 is the same.
        lambda: check.cross_entropy(
            (
                -torch.sum(torch.log_softmax(LOGITS[:, :2], 1) * F.one_hot(LOW_LABELS, 2), dim=0)
            ).mean(),
            LOGITS[:, :2],
            LOW_LABELS,
        ),
        ("sum_wrong_dim",),
        "summed along dim=0",
    ),
    (
        "every class's log-probability",
        lambda: check.cross_entropy(-torch.sum(torch.log(PROBAS), dim=1).mean(), LOGITS, LABELS),
        ("all_classes_not_true_class",),
        "every class",
    ),
    (
        "probas[:, labels]",
        lambda: check.cross_entropy(-torch.log(PROBAS[:, LABELS]).mean(), LOGITS, LABELS),
        ("indexing_all_rows",),
        "(N, N) table",
    ),
    (
        "binary cross-entropy with logits",
        lambda: check.cross_entropy(
            F.binary_cross_entropy_with_logits(LOGITS, ONE_HOT), LOGITS, LABELS
        ),
        ("binary_cross_entropy",),
        "binary cross-entropy",
    ),
    (
        "binary cross-entropy of the probabilities",
        lambda: check.cross_entropy(F.binary_cross_entropy(PROBAS, ONE_HOT), LOGITS, LABELS),
        ("binary_cross_entropy",),
        "binary cross-entropy",
    ),
    (
        "probabilities into nll_loss",
        lambda: check.cross_entropy(F.nll_loss(PROBAS, LABELS), LOGITS, LABELS),
        ("probas_not_log_probas",),
        "probabilities where log-probabilities are expected",
    ),
    (
        "softmax before F.cross_entropy",
        lambda: check.cross_entropy(F.cross_entropy(PROBAS, LABELS), LOGITS, LABELS),
        ("softmax_applied_twice",),
        "softmax applied twice",
    ),
    (
        "logits into nll_loss",
        lambda: check.cross_entropy(F.nll_loss(LOGITS, LABELS), LOGITS, LABELS),
        ("logits_not_log_probas",),
        "logits where log-probabilities are expected",
    ),
    (
        "log_softmax over dim 0",
        lambda: check.cross_entropy(F.nll_loss(F.log_softmax(LOGITS, 0), LABELS), LOGITS, LABELS),
        ("softmax_wrong_dim",),
        "softmax over the wrong dimension",
    ),
    (
        "log base 2",
        lambda: check.cross_entropy(-torch.log2(PROBAS[ROWS, LABELS]).mean(), LOGITS, LABELS),
        ("wrong_log_base",),
        "log base 2",
    ),
    (
        "log base 10",
        lambda: check.cross_entropy(-torch.log10(PROBAS[ROWS, LABELS]).mean(), LOGITS, LABELS),
        ("wrong_log_base",),
        "log base 10",
    ),
    (
        "labels + 1",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LOW_LABELS + 1), LOGITS, LOW_LABELS),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "labels - 1 by indexing, which wraps around",
        lambda: check.cross_entropy(-LOG_PROBAS[ROWS, LABELS - 1].mean(), LOGITS, LABELS),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "missing minus sign and the sum",
        lambda: check.cross_entropy(torch.sum(torch.log(PROBAS) * ONE_HOT), LOGITS, LABELS),
        ("missing_minus", "sum_not_mean"),
        "Two mistakes",
    ),
    (
        "naive softmax of large logits, then the log",
        lambda: check.cross_entropy(
            -torch.log(naive_softmax(LARGE_LOGITS)[ROWS, LABELS]).mean(), LARGE_LOGITS, LABELS
        ),
        ("naive_softmax_overflow",),
        "naive softmax that overflowed",
    ),
    (
        "the log of a probability that rounded to 0",
        lambda: check.cross_entropy(
            -torch.log(torch.softmax(LOGITS * 1000, dim=1)[ROWS, LABELS]).mean(),
            LOGITS * 1000,
            LABELS,
        ),
        ("log_of_zero_probability",),
        "rounded to 0",
    ),
    (
        "a (1,) loss",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS).view(1), LOGITS, LABELS),
        ("wrong_shape",),
        "should have shape ()",
    ),
    (
        "per-example losses without the minus",
        lambda: check.cross_entropy(LOG_PROBAS[ROWS, LABELS], LOGITS, LABELS, "none"),
        ("missing_minus",),
        "missing minus sign",
    ),
    # nll_loss
    (
        "probabilities into nll_loss, checked as nll_loss",
        lambda: check.nll_loss(F.nll_loss(PROBAS, LABELS), LOG_PROBAS, LABELS),
        ("probas_not_log_probas",),
        "probabilities where log-probabilities are expected",
    ),
    (
        "nll_loss without the minus",
        lambda: check.nll_loss(LOG_PROBAS[ROWS, LABELS].mean(), LOG_PROBAS, LABELS),
        ("missing_minus",),
        "missing minus sign",
    ),
    (
        "nll_loss of labels + 1",
        lambda: check.nll_loss(F.nll_loss(LOG_PROBAS, LOW_LABELS + 1), LOG_PROBAS, LOW_LABELS),
        ("labels_from_one",),
        "labels counted from 1",
    ),
    (
        "nll_loss sum where the mean was asked",
        lambda: check.nll_loss(F.nll_loss(LOG_PROBAS, LABELS, reduction="sum"), LOG_PROBAS, LABELS),
        ("sum_not_mean",),
        "the sum where the mean was asked",
    ),
    (
        "nll_loss mean where the sum was asked",
        lambda: check.nll_loss(F.nll_loss(LOG_PROBAS, LABELS), LOG_PROBAS, LABELS, "sum"),
        ("mean_not_sum",),
        "the mean where the sum was asked",
    ),
    (
        "nll_loss per-example where the mean was asked",
        lambda: check.nll_loss(-LOG_PROBAS[ROWS, LABELS], LOG_PROBAS, LABELS),
        ("per_example_not_reduced",),
        "per-example losses where one number was asked",
    ),
    (
        "nll_loss sum where reduction='none' was asked",
        lambda: check.nll_loss(-LOG_PROBAS[ROWS, LABELS].sum(), LOG_PROBAS, LABELS, "none"),
        ("one_number_not_per_example",),
        "one number where per-example losses were asked",
    ),
    (
        "nll_loss of log_probas[:, labels]",
        lambda: check.nll_loss(-LOG_PROBAS[:, LABELS].mean(), LOG_PROBAS, LABELS),
        ("indexing_all_rows",),
        "(N, N) table",
    ),
    (
        "nll_loss of every class",
        lambda: check.nll_loss(-LOG_PROBAS.sum(dim=1), LOG_PROBAS, LABELS, "none"),
        ("all_classes_not_true_class",),
        "every class",
    ),
    (
        "nll_loss as the mean of the one-hot product",
        lambda: check.nll_loss(-(LOG_PROBAS * ONE_HOT).mean(), LOG_PROBAS, LABELS),
        ("mean_over_classes",),
        "mean over all N*C entries",
    ),
    (
        "probabilities into nll_loss, summed",
        lambda: check.nll_loss(F.nll_loss(PROBAS, LABELS, reduction="sum"), LOG_PROBAS, LABELS),
        ("probas_not_log_probas", "sum_not_mean"),
        "probabilities where log-probabilities are expected",
    ),
    (
        "the sum divided by N - 1 (N - 1 != C)",
        lambda: check.cross_entropy(
            F.cross_entropy(LOGITS[:, :2], LOW_LABELS, reduction="sum") / 3,
            LOGITS[:, :2],
            LOW_LABELS,
        ),
        ("divided_by_n_minus_one",),
        "divided by N - 1",
    ),
    (
        "nll_loss summed, divided by N - 1",
        lambda: check.nll_loss(
            -LOG_PROBAS[:3][ROWS[:3], LABELS[:3]].sum() / 2, LOG_PROBAS[:3], LABELS[:3]
        ),
        ("divided_by_n_minus_one",),
        "divided by N - 1",
    ),
    (
        "a topk pair where labels were asked",
        lambda: check.predictions(torch.topk(LOGITS, 1, dim=1), LOGITS),
        ("max_pair",),
        "that torch.topk returns",
    ),
    (
        "a sort pair where labels were asked",
        lambda: check.predictions(torch.sort(LOGITS, dim=1, descending=True), LOGITS),
        ("max_pair",),
        "that torch.sort returns",
    ),
    (
        "a list where probabilities were asked",
        lambda: check.softmax(PROBAS.tolist(), LOGITS),
        ("not_a_tensor",),
        "not a tensor",
    ),
]

# The keys the engine finds from the answer's form, tested by the rows above and below.
ROW_KEYS = {key for _, _, keys, _ in MISTAKES for key in keys}


@pytest.mark.parametrize("key", _mistakes.KEYS)
def test_every_registered_mistake_has_a_test_row(key: str) -> None:
    assert key in ROW_KEYS, f"add a row to MISTAKES that makes the mistake {key!r}"


@pytest.mark.parametrize(
    "mistake", _mistakes.MISTAKES, ids=[f"{m.key}-{m.checks[0]}" for m in _mistakes.MISTAKES]
)
def test_every_record_is_documented_where_it_applies(mistake: _mistakes.Mistake) -> None:
    assert f"``{mistake.key}``" in check.__doc__
    assert mistake.summary in check.__doc__
    for name in mistake.checks:
        if mistake.key != "not_a_tensor":  # every check: said once, in the module's table
            assert f"``{mistake.key}``" in getattr(check, name).__doc__, name
    # A record that can be made has the code to make it; one the engine finds has none.
    assert (mistake.make is None) == (mistake.kind == "form")
    assert set(mistake.checks) <= set(_mistakes.CHECKS)


@pytest.mark.parametrize("name", _mistakes.CHECKS)
def test_each_checker_lists_exactly_the_registry_s_mistakes(name: str) -> None:
    import re

    docstring = " ".join(getattr(check, name).__doc__.split())
    listed = docstring.split("Recognised mistakes: ")[1].split(";")[0].split(". ")[0]
    keys = set(re.findall(r"``([a-z_]+)``", listed))
    registered = {m.key for m in _mistakes.for_check(name)} - {"not_a_tensor"}
    assert keys == registered


def test_two_mistakes_that_give_the_same_numbers_are_not_named() -> None:
    # The lecture has N = 4 examples and C = 3 classes: the sum over N - 1 = 3 is also the sum
    # over C, the one-hot product summed along the wrong dimension.
    answer = F.cross_entropy(LOGITS, LABELS, reduction="sum") / 3
    verdict = check.cross_entropy(answer, LOGITS, LABELS)
    assert not verdict.ok
    assert verdict.mistakes == ()
    assert set(verdict.alternatives) == {("divided_by_n_minus_one",), ("sum_wrong_dim",)}
    assert "cannot be told" in verdict.message
    # With N - 1 != C they differ, and each is named.
    logits, labels = LOGITS[:, :2], LOW_LABELS  # N - 1 = 3, C = 2
    total = F.cross_entropy(logits, labels, reduction="sum")
    assert check.cross_entropy(total / 3, logits, labels).mistakes == ("divided_by_n_minus_one",)
    assert check.cross_entropy(total / 2, logits, labels).mistakes == ("sum_wrong_dim",)


@pytest.mark.parametrize(
    ("make_verdict", "keys", "phrase"),
    [case[1:] for case in MISTAKES],
    ids=[case[0] for case in MISTAKES],
)
def test_each_recognised_mistake_is_named(
    make_verdict: Callable[[], Verdict], keys: tuple[str, ...], phrase: str
) -> None:
    verdict = make_verdict()
    assert not verdict.ok
    assert verdict.mistakes == keys, verdict.message
    assert phrase in verdict.message


RIGHT_ANSWERS: list[tuple[str, Callable[[], Verdict]]] = [
    ("torch.softmax", lambda: check.softmax(torch.softmax(LOGITS, dim=1), LOGITS)),
    ("F.softmax, dim=-1", lambda: check.softmax(F.softmax(LOGITS, dim=-1), LOGITS)),
    ("softmax by hand", lambda: check.softmax(naive_softmax(LOGITS), LOGITS)),
    (
        "the lecture's softmax",
        lambda: check.softmax(
            (torch.exp(LOGITS.t()) / torch.sum(torch.exp(LOGITS), 1)).t(), LOGITS
        ),
    ),
    ("softmax in float64", lambda: check.softmax(torch.softmax(LOGITS.double(), 1), LOGITS)),
    ("softmax of float64 logits", lambda: check.softmax(PROBAS, LOGITS.double())),
    (
        "softmax in NumPy, as a tensor",
        lambda: check.softmax(torch.from_numpy(numpy_softmax()), LOGITS),
    ),
    ("softmax in NumPy, as an array", lambda: check.softmax(numpy_softmax(), LOGITS)),
    (
        "stable softmax of large logits",
        lambda: check.softmax(torch.softmax(LARGE_LOGITS, 1), LARGE_LOGITS),
    ),
    (
        "softmax with a gradient",
        lambda: check.softmax(torch.softmax(LOGITS.clone().requires_grad_(), 1), LOGITS),
    ),
    ("softmax along dim 0", lambda: check.softmax(torch.softmax(LOGITS, 0), LOGITS, dim=0)),
    ("torch.argmax", lambda: check.predictions(torch.argmax(LOGITS, dim=1), LOGITS)),
    ("argmax of probabilities", lambda: check.predictions(PROBAS.argmax(dim=1), LOGITS)),
    ("max(...).indices", lambda: check.predictions(LOGITS.max(dim=1).indices, LOGITS)),
    ("predictions as int32", lambda: check.predictions(LOGITS.argmax(1).int(), LOGITS)),
    (
        "a prediction as a Python int",
        lambda: check.predictions(int(LOGITS[0].argmax()), LOGITS[0], 0),
    ),
    ("F.one_hot(...).float()", lambda: check.one_hot(F.one_hot(LABELS, 3).float(), LABELS, 3)),
    (
        "the lecture's scatter_",
        lambda: check.one_hot(torch.zeros(4, 3).scatter_(1, LABELS.view(-1, 1), 1), LABELS, 3),
    ),
    ("one-hot in float64", lambda: check.one_hot(F.one_hot(LABELS, 5).double(), LABELS, 5)),
    ("one-hot by eye", lambda: check.one_hot(torch.eye(3)[LABELS], LABELS, 3)),
    (
        "F.cross_entropy",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS), LOGITS, LABELS),
    ),
    (
        "the lecture's cross-entropy",
        lambda: check.cross_entropy(
            (-torch.sum(torch.log(PROBAS) * ONE_HOT, dim=1)).mean(), LOGITS, LABELS
        ),
    ),
    (
        "cross-entropy as a Python float",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS).item(), LOGITS, LABELS),
    ),
    (
        "cross-entropy as a NumPy scalar",
        lambda: check.cross_entropy(
            np.float32(F.cross_entropy(LOGITS, LABELS).item()), LOGITS, LABELS
        ),
    ),
    (
        "cross-entropy in float64",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS.double(), LABELS), LOGITS, LABELS),
    ),
    (
        "cross-entropy sum by hand",
        lambda: check.cross_entropy(-LOG_PROBAS[ROWS, LABELS].sum(), LOGITS, LABELS, "sum"),
    ),
    (
        "cross-entropy per example",
        lambda: check.cross_entropy(
            F.cross_entropy(LOGITS, LABELS, reduction="none"), LOGITS, LABELS, "none"
        ),
    ),
    (
        "cross-entropy of int32 labels",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS, LABELS), LOGITS, LABELS.int()),
    ),
    (
        "cross-entropy of large logits, stable",
        lambda: check.cross_entropy(F.cross_entropy(LARGE_LOGITS, LABELS), LARGE_LOGITS, LABELS),
    ),
    (
        "cross-entropy of one example (C)",
        lambda: check.cross_entropy(F.cross_entropy(LOGITS[0], LABELS[0]), LOGITS[0], LABELS[0]),
    ),
    (
        "cross-entropy of (N, C, d) logits",
        lambda: check.cross_entropy(
            F.cross_entropy(LOGITS.view(2, 3, 2), LABELS.view(2, 2)),
            LOGITS.view(2, 3, 2),
            LABELS.view(2, 2),
        ),
    ),
    ("F.nll_loss", lambda: check.nll_loss(F.nll_loss(LOG_PROBAS, LABELS), LOG_PROBAS, LABELS)),
    (
        "nll_loss of log(softmax)",
        lambda: check.nll_loss(-torch.log(PROBAS)[ROWS, LABELS].mean(), LOG_PROBAS, LABELS),
    ),
    (
        "nll_loss per example",
        lambda: check.nll_loss(-LOG_PROBAS[ROWS, LABELS], LOG_PROBAS, LABELS, "none"),
    ),
]


@pytest.mark.parametrize(
    "make_verdict", [case[1] for case in RIGHT_ANSWERS], ids=[case[0] for case in RIGHT_ANSWERS]
)
def test_a_right_answer_computed_any_valid_way_is_accepted(
    make_verdict: Callable[[], Verdict],
) -> None:
    verdict = make_verdict()
    assert verdict.ok, verdict.message
    assert verdict.mistakes == ()
    assert verdict.message.endswith("right.")


def test_an_answer_on_the_cpu_is_accepted_for_inputs_on_the_device_under_test(
    device_under_test: torch.device,
) -> None:
    logits = LOGITS.to(device_under_test)
    labels = LABELS.to(device_under_test)
    assert check.softmax(torch.softmax(logits, 1).cpu(), logits)
    assert check.cross_entropy(F.cross_entropy(logits, labels).cpu(), logits, labels)
    assert check.one_hot(F.one_hot(labels, 3).float().cpu(), labels, 3)
    assert check.predictions(logits.argmax(1).cpu(), logits)


# -- random inputs: right answers always pass, mistakes never do ------------------------------


@st.composite
def classification(draw: st.DrawFn) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Random (N, C) logits with N != C (so that a wrong dimension changes the shape), labels
    that leave the last class free (so that labels + 1 is a class), and num_classes above them.
    """
    num_classes = draw(st.integers(3, 6))
    num_examples = draw(st.integers(2, 6).filter(lambda n: n != num_classes))
    seed = draw(st.integers(0, 2**31 - 1))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    # Logits of moderate size keep every loss well above 0, so that -loss != loss.
    scale = draw(st.floats(0.5, 2.0))
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(num_examples, num_classes, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, num_classes - 1, (num_examples,), generator=generator)
    device = torch.get_default_device()
    return (logits * scale).to(device, dtype), labels.to(device), num_classes


def right_answers(logits: torch.Tensor, labels: torch.Tensor, num_classes: int) -> list[Verdict]:
    log_probas = F.log_softmax(logits, dim=1)
    rows = torch.arange(len(labels))
    by_hand = -torch.log(naive_softmax(logits.double()))[rows, labels]
    return [
        check.softmax(F.softmax(logits, dim=1), logits),
        check.softmax(naive_softmax(logits.double()), logits),
        check.predictions(logits.argmax(dim=1), logits),
        check.predictions(F.softmax(logits, dim=1).argmax(dim=1).int(), logits),
        check.one_hot(F.one_hot(labels, num_classes).float(), labels, num_classes),
        check.one_hot(torch.eye(num_classes, dtype=torch.float64)[labels], labels, num_classes),
        check.cross_entropy(F.cross_entropy(logits, labels), logits, labels),
        check.cross_entropy(by_hand.mean().item(), logits, labels),
        check.cross_entropy(by_hand.sum(), logits, labels, "sum"),
        check.cross_entropy(by_hand, logits, labels, "none"),
        check.nll_loss(F.nll_loss(log_probas, labels), log_probas, labels),
        check.nll_loss(F.nll_loss(log_probas, labels, reduction="sum"), log_probas, labels, "sum"),
    ]


def mistaken_answers(
    logits: torch.Tensor, labels: torch.Tensor, num_classes: int
) -> list[tuple[str, Verdict]]:
    probas = F.softmax(logits, dim=1)
    log_probas = F.log_softmax(logits, dim=1)
    one_hot = F.one_hot(labels, num_classes).to(logits.dtype)
    losses = F.cross_entropy(logits, labels, reduction="none")
    mistakes = [
        ("softmax_wrong_dim", check.softmax(F.softmax(logits, dim=0), logits)),
        ("log_softmax_not_softmax", check.softmax(log_probas, logits)),
        ("softmax_not_normalized", check.softmax(torch.exp(logits), logits)),
        ("sigmoid_not_softmax", check.softmax(torch.sigmoid(logits), logits)),
        ("softmax_no_dim", check.softmax(torch.exp(logits) / torch.exp(logits).sum(), logits)),
        ("argmax_wrong_dim", check.predictions(logits.argmax(dim=0), logits)),
        ("max_values_not_indices", check.predictions(logits.max(dim=1).values, logits)),
        # With integer labels, argmax + 1 and argmin may coincide: either name is right then.
        ("labels_from_one", check.predictions(logits.argmax(dim=1) + 1, logits)),
        ("argmin_not_argmax", check.predictions(logits.argmin(dim=1), logits)),
        ("one_hot_dtype", check.one_hot(F.one_hot(labels, num_classes), labels, num_classes)),
        (
            "labels_from_one",
            check.one_hot(F.one_hot(labels + 1, num_classes).float(), labels, num_classes),
        ),
        ("one_hot_width", check.one_hot(one_hot, labels, num_classes + 1)),
        # A wrong reduction of the right losses is tried before any other mistake, so it is
        # named even as a single number.
        ("sum_not_mean", check.cross_entropy(losses.sum(), logits, labels)),
        ("mean_not_sum", check.cross_entropy(losses.mean(), logits, labels, "sum")),
        ("per_example_not_reduced", check.cross_entropy(losses, logits, labels)),
        ("one_number_not_per_example", check.cross_entropy(losses.mean(), logits, labels, "none")),
        ("mean_over_classes", check.cross_entropy(-(log_probas * one_hot).mean(), logits, labels)),
        (
            "sum_wrong_dim",
            check.cross_entropy(-(log_probas * one_hot).sum(0).mean(), logits, labels),
        ),
    ]
    # The other mistakes are made on per-example losses: one number may, by chance, be what two
    # mistakes give within the tolerance, a vector of them may not.
    wrong_losses = {
        "missing_minus": -losses,
        "probas_not_log_probas": F.nll_loss(probas, labels, reduction="none"),
        "softmax_applied_twice": F.cross_entropy(probas, labels, reduction="none"),
        "logits_not_log_probas": F.nll_loss(logits, labels, reduction="none"),
        "softmax_wrong_dim": F.nll_loss(F.log_softmax(logits, 0), labels, reduction="none"),
        "labels_from_one": F.cross_entropy(logits, labels + 1, reduction="none"),
        "all_classes_not_true_class": -log_probas.sum(dim=1),
        "binary_cross_entropy": F.binary_cross_entropy_with_logits(
            logits, one_hot, reduction="none"
        ).mean(dim=1),
        "wrong_log_base": losses / math.log(2),
    }
    for key, wrong in wrong_losses.items():
        mistakes.append((key, check.cross_entropy(wrong, logits, labels, "none")))
    wrong_nll = {
        "missing_minus": -F.nll_loss(log_probas, labels, reduction="none"),
        "probas_not_log_probas": F.nll_loss(probas, labels, reduction="none"),
        "labels_from_one": F.nll_loss(log_probas, labels + 1, reduction="none"),
    }
    for key, wrong in wrong_nll.items():
        mistakes.append((key, check.nll_loss(wrong, log_probas, labels, "none")))
    return mistakes


@settings(max_examples=40, deadline=None)
@given(case=classification())
def test_right_answers_always_pass_on_random_inputs(
    case: tuple[torch.Tensor, torch.Tensor, int],
) -> None:
    for verdict in right_answers(*case):
        assert verdict.ok, verdict.message


@settings(max_examples=40, deadline=None)
@given(case=classification())
def test_mistakes_are_never_accepted_and_are_named_on_random_inputs(
    case: tuple[torch.Tensor, torch.Tensor, int],
) -> None:
    logits, _, _ = case
    plus_one_is_argmin = torch.equal(logits.argmax(dim=1) + 1, logits.argmin(dim=1))
    for key, verdict in mistaken_answers(*case):
        assert not verdict.ok, key
        if (
            plus_one_is_argmin
            and key in {"labels_from_one", "argmin_not_argmax"}
            and (
                verdict.alternatives  # predictions, not one-hot rows counted from 1
            )
        ):
            assert set(verdict.alternatives) == {("labels_from_one",), ("argmin_not_argmax",)}
        elif verdict.alternatives:
            # Two mistakes give the same numbers here (with N = 2, the sum over N - 1 is the
            # sum): the verdict names neither, and lists both.
            assert verdict.mistakes == ()
            assert (key,) in verdict.alternatives, (key, verdict.message)
        else:
            assert key in verdict.mistakes, (key, verdict.message)


# -- a wrong answer is a verdict, never an exception ------------------------------------------

STRANGE_ANSWERS = {
    "None": None,
    "a string": "0.93",
    "a list": [0.1, 0.2],
    "a nested list": [[0.3, 0.3, 0.4]],
    "a tuple": (1, 2),
    "a dict": {"loss": 0.9},
    "a bool": True,
    "an object": object(),
    "an empty tensor": torch.tensor([]),
    "a 0-d tensor": torch.tensor(0.5),
    "a (4, 3, 1) tensor": torch.zeros(4, 3, 1),
    "a complex tensor": torch.zeros(2, 2, dtype=torch.complex64),
    "a bool tensor": torch.ones(4, 3, dtype=torch.bool),
    "nan": torch.full((4, 3), float("nan")),
    "inf": torch.full((4,), float("inf")),
    "integers": torch.arange(12).view(4, 3),
    "a NumPy array of strings": np.array(["a", "b"]),
    "a NumPy array of objects": np.array([object()]),
}
CHECKS: list[tuple[str, Callable[[object], Verdict]]] = [
    ("softmax", lambda answer: check.softmax(answer, LOGITS)),
    ("predictions", lambda answer: check.predictions(answer, LOGITS)),
    ("one_hot", lambda answer: check.one_hot(answer, LABELS, 3)),
    ("cross_entropy", lambda answer: check.cross_entropy(answer, LOGITS, LABELS)),
    ("cross_entropy none", lambda answer: check.cross_entropy(answer, LOGITS, LABELS, "none")),
    ("nll_loss", lambda answer: check.nll_loss(answer, LOG_PROBAS, LABELS)),
]


@pytest.mark.parametrize("answer", STRANGE_ANSWERS.values(), ids=STRANGE_ANSWERS.keys())
@pytest.mark.parametrize("run_check", [case[1] for case in CHECKS], ids=[c[0] for c in CHECKS])
def test_a_wrong_answer_of_any_kind_gets_a_verdict(
    run_check: Callable[[object], Verdict], answer: object
) -> None:
    verdict = run_check(answer)
    assert isinstance(verdict, Verdict)
    assert not verdict.ok
    assert verdict.message
    assert "tensor([" not in verdict.message  # the expected values are not given away


def test_a_non_tensor_answer_says_what_was_expected() -> None:
    verdict = check.softmax(PROBAS.tolist(), LOGITS)
    assert verdict.mistakes == ("not_a_tensor",)
    assert "list" in verdict.message
    assert "torch.Tensor of shape (4, 3)" in verdict.message
    assert "torch.tensor(...)" in verdict.message
    verdict = check.cross_entropy(None, LOGITS, LABELS)
    assert verdict.mistakes == ("not_a_tensor",)
    assert verdict.message.startswith("No answer yet")
    assert str(verdict).startswith("… No answer yet")
    assert not verdict
    assert "return its result" in verdict.message


def test_an_unrecognised_answer_says_what_differs_without_the_answer() -> None:
    wrong = PROBAS.clone()
    wrong[2] = wrong[2].flip(0)
    verdict = check.softmax(wrong, LOGITS)
    assert verdict.mistakes == ()
    assert "2 of the 12 entries" in verdict.message
    assert "position (2, 0)" in verdict.message
    verdict = check.softmax(PROBAS[:, :2], LOGITS)
    assert "should have shape (4, 3), yours has shape (4, 2)" in verdict.message
    verdict = check.cross_entropy(torch.tensor(-0.5), LOGITS, LABELS)
    assert verdict.mistakes == ()
    assert "differs from the right value" in verdict.message
    assert "never negative" in verdict.message
    expected_loss = f"{F.cross_entropy(LOGITS, LABELS).item():.2f}"
    assert expected_loss not in verdict.message
    verdict = check.softmax(PROBAS * 1.5, LOGITS)
    assert "do not sum to one" in verdict.message
    verdict = check.predictions(torch.tensor([0, 1, 7, 2]), LOGITS)
    assert "from 0 to 2" in verdict.message


# -- bad inputs to the checker raise -----------------------------------------------------------

BAD_INPUTS: list[tuple[str, Callable[[], Verdict], type[Exception], str]] = [
    (
        "list logits",
        lambda: check.softmax(PROBAS, LOGITS.tolist()),
        TypeError,
        "logits must be a torch.Tensor",
    ),
    ("int logits", lambda: check.softmax(PROBAS, LOGITS.long()), TypeError, "floating-point"),
    (
        "dim out of range",
        lambda: check.softmax(PROBAS, LOGITS, dim=2),
        ValueError,
        "dim must be between",
    ),
    (
        "dim not an int",
        lambda: check.predictions(LABELS, LOGITS, dim="1"),
        TypeError,
        "dim must be an int",
    ),
    (
        "0-d logits",
        lambda: check.predictions(LABELS, LOGITS[0, 0]),
        ValueError,
        "at least one dimension",
    ),
    (
        "float labels",
        lambda: check.one_hot(ONE_HOT, LABELS.float(), 3),
        TypeError,
        "labels must be an integer",
    ),
    ("2-d labels", lambda: check.one_hot(ONE_HOT, LABELS.view(2, 2), 3), ValueError, "1-d"),
    (
        "num_classes float",
        lambda: check.one_hot(ONE_HOT, LABELS, 3.0),
        TypeError,
        "num_classes must be an int",
    ),
    ("num_classes too small", lambda: check.one_hot(ONE_HOT, LABELS, 2), ValueError, "from 0 to 1"),
    ("negative label", lambda: check.one_hot(ONE_HOT, LABELS - 1, 3), ValueError, "start at 0"),
    (
        "unknown reduction",
        lambda: check.cross_entropy(0.9, LOGITS, LABELS, "avg"),
        ValueError,
        "reduction must be one of",
    ),
    (
        "labels of wrong shape",
        lambda: check.cross_entropy(0.9, LOGITS, LABELS[:3]),
        ValueError,
        "labels must have shape (4,)",
    ),
    (
        "one-hot labels",
        lambda: check.cross_entropy(0.9, LOGITS, ONE_HOT.long()),
        ValueError,
        "labels must have shape (4,)",
    ),
    (
        "label too large",
        lambda: check.cross_entropy(0.9, LOGITS, LABELS + 1),
        ValueError,
        "from 0 to 2",
    ),
    (
        "float labels for a loss",
        lambda: check.nll_loss(0.9, LOG_PROBAS, PROBAS),
        TypeError,
        "labels must be an integer",
    ),
    (
        "int log_probas",
        lambda: check.nll_loss(0.9, LABELS.view(2, 2), LABELS[:2]),
        TypeError,
        "log_probas must be a floating-point",
    ),
    (
        "labels on another device",
        lambda: check.cross_entropy(0.9, LOGITS, LABELS.to("meta")),
        ValueError,
        "same device",
    ),
]


@pytest.mark.parametrize(
    ("run_check", "error", "phrase"),
    [case[1:] for case in BAD_INPUTS],
    ids=[c[0] for c in BAD_INPUTS],
)
def test_bad_inputs_to_the_checker_raise(
    run_check: Callable[[], Verdict], error: type[Exception], phrase: str
) -> None:
    with pytest.raises(error, match=phrase.replace("(", r"\(").replace(")", r"\)")):
        run_check()


# -- the verdict -------------------------------------------------------------------------------


def test_a_verdict_is_true_when_ok_and_prints_as_one_line() -> None:
    right = check.softmax(PROBAS, LOGITS)
    wrong = check.softmax(PROBAS.t(), LOGITS)
    assert bool(right) is True
    assert bool(wrong) is False
    assert repr(right) == f"✓ Correct: {right.message}"
    assert str(wrong) == f"✗ Not yet: {wrong.message}"
    assert "\n" not in repr(wrong)
    with pytest.raises(FrozenInstanceError):
        right.ok = False  # type: ignore[misc]


def test_tolerances_follow_how_precisely_the_answer_can_be_computed() -> None:
    loss = F.cross_entropy(LOGITS.double(), LABELS).item()
    # float32 inputs: a float32 answer rounded either way passes, eight units off does not.
    eps32 = torch.finfo(torch.float32).eps
    assert check.cross_entropy(np.float32(loss) * (1 + eps32 / 2), LOGITS, LABELS)
    assert not check.cross_entropy(loss * (1 + 8 * eps32), LOGITS, LABELS)
    assert not check.cross_entropy(loss * (1 + 1e-5), LOGITS, LABELS)
    # float64 inputs and answer: a millionth is far too much, a rounding error is not.
    assert not check.cross_entropy(loss * (1 + 1e-6), LOGITS.double(), LABELS)
    assert not check.cross_entropy(loss * (1 + 1e-12), LOGITS.double(), LABELS)
    assert check.cross_entropy(loss * (1 + 1e-15), LOGITS.double(), LABELS)
    # A bfloat16 answer is judged at bfloat16's precision: 8 % off and 2 % off are wrong.
    logits16 = LOGITS.bfloat16()
    right16 = F.cross_entropy(logits16.double(), LABELS)
    assert check.cross_entropy(right16.bfloat16(), logits16, LABELS)
    assert check.cross_entropy(F.cross_entropy(logits16, LABELS), logits16, LABELS)
    for factor in (1.08, 1.02, 0.98):
        assert not check.cross_entropy((right16 * factor).bfloat16(), logits16, LABELS), factor
    assert math.isfinite(loss)
