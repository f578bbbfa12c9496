"""The mistakes :mod:`xentdocs.check` recognises, as data: one record per mistake.

Each :class:`Mistake` says which checks it applies to, how to make the wrong answer from the
checker's inputs (the function a learner would have run by mistake), and the message that names
it. The engine in :mod:`xentdocs.check` computes every candidate twice, in float64 and in the
least precise dtype of the answer and the inputs, so that it knows how closely an answer made that
way can match; the module's table, each checker's "Recognised mistakes" and the tests are
generated from, or parametrized over, :data:`MISTAKES`.

Adding a mistake is one record here and one row in ``tests/test_check.py``.
"""

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal

import torch
import torch.nn.functional as F

from xentdocs._validation import class_dim, format_shape

CHECKS = ("softmax", "predictions", "one_hot", "cross_entropy", "nll_loss")
LOSS_CHECKS = ("cross_entropy", "nll_loss")

# How a mistake is found:
# "answer"    make() gives wrong answers, compared with the learner's whole answer;
# "losses"    make() gives wrong per-example losses, reduced as asked, and also combined with
#             every "reduction" mistake ("two mistakes at once");
# "reduction" make() reduces the right per-example losses (or a "losses" mistake's) wrongly;
# "test"      make() gives one (None, fields) when the answer shows the mistake (nan or inf);
# "form"      the engine finds it from the answer's type, dtype or shape; no make().
Kind = Literal["answer", "losses", "reduction", "test", "form"]

# A wrong answer (None where this mistake cannot happen with these inputs) and the fields its
# message needs, beyond those of the inputs.
Wrong = tuple[torch.Tensor | None, dict[str, object]]


@dataclass(frozen=True)
class Inputs:
    """What a checker was given, in one floating-point dtype, on the CPU.

    ``scores`` are the logits (``softmax``, ``predictions``, ``cross_entropy``), the
    log-probabilities (``nll_loss``), or None (``one_hot``); ``labels`` are int64 class labels
    or None. The engine builds these once in float64 and once in each low-precision dtype.
    """

    check: str
    scores: torch.Tensor | None
    labels: torch.Tensor | None
    dim: int
    num_classes: int
    reduction: str = "mean"
    dtype: torch.dtype = torch.float64

    def to(self, dtype: torch.dtype) -> "Inputs":
        scores = None if self.scores is None else self.scores.to(dtype)
        return replace(self, scores=scores, dtype=dtype)

    @property
    def fields(self) -> dict[str, object]:
        """The fields every message may use."""
        return {
            "dim": self.dim,
            "num_classes": self.num_classes,
            "reduction": self.reduction,
            "fix": f"Use torch.argmax(logits, dim={self.dim})",
        }

    def log_probas(self) -> torch.Tensor:
        """The log-probabilities: the logits' log-softmax, or the scores of ``nll_loss``."""
        return self._log_probas

    def probas(self) -> torch.Tensor:
        return self._probas

    @cached_property
    def _log_probas(self) -> torch.Tensor:
        if self.check == "nll_loss":
            return self.scores
        return F.log_softmax(self.scores, dim=self.dim)

    @cached_property
    def _probas(self) -> torch.Tensor:
        if self.check == "nll_loss":
            return self.scores.exp()
        return F.softmax(self.scores, dim=self.dim)

    def one_hot(self, labels: torch.Tensor | None = None, width: int | None = None) -> torch.Tensor:
        labels = self.labels if labels is None else labels
        width = self.num_classes if width is None else width
        return F.one_hot(labels, width).to(self.dtype)


def picked(values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Each example's entry of ``values`` in its label's class: ``values[i, labels[i]]``."""
    dim = class_dim(values)
    return values.gather(dim, labels.unsqueeze(dim)).squeeze(dim)


def reduce(losses: torch.Tensor, how: str) -> torch.Tensor:
    """Reduce per-example losses as ``reduction=how`` does (no weights in the checker)."""
    if how == "none":
        return losses
    return losses.sum() if how == "sum" else losses.mean()


def _reduce_in_order(losses: torch.Tensor, how: str) -> torch.Tensor | None:
    """Reduce as a loop over the examples does, one after the other (another rounding)."""
    if how == "none" or losses.numel() == 0:
        return None
    total = torch.cumsum(losses.flatten(), dim=0)[-1]
    return total if how == "sum" else total / losses.numel()


def _finite(*steps: torch.Tensor) -> bool:
    """True when no step of a computation overflowed to inf (or underflowed a sum to 0)."""
    return all(bool(torch.isfinite(step).all()) for step in steps)


# -- what the right answer is, computed every valid way the pages teach --------------------------


def right_answers(inputs: Inputs) -> list[torch.Tensor | None]:
    """The right answer, computed each way a learner may validly compute it.

    The first is the reference. The spread of the others, computed in a low-precision dtype,
    around the float64 reference is how far a right answer in that dtype can be off. A way whose
    exponentials or sums overflow in that dtype is the mistake ``naive_softmax_overflow``, not a
    right answer: it is None there, and so tells nothing of the spread (its zeros would otherwise
    let any small value pass). The classes along the first dimension of a contiguous copy are
    summed in another order, as a learner's transposed tensor or a loop over the classes sums
    them; so are the examples of a loss, one after the other.
    """
    z, dim = inputs.scores, inputs.dim
    if inputs.check == "softmax":
        shifted = torch.exp(z - z.amax(dim=dim, keepdim=True))
        shifted_sums = shifted.sum(dim=dim, keepdim=True)
        exps = torch.exp(z)
        sums = exps.sum(dim=dim, keepdim=True)
        log_probas = F.log_softmax(z, dim=dim)
        first = F.softmax(z.movedim(dim, 0).contiguous(), dim=0).movedim(0, dim)
        return [
            F.softmax(z, dim=dim),
            shifted / shifted_sums if _finite(shifted_sums) else None,
            exps / sums if _finite(exps, sums) and bool((sums > 0).all()) else None,
            log_probas.exp() if _finite(log_probas) else None,
            first,
        ]
    if inputs.check == "predictions":
        # Softmax keeps the order, but in low precision two close logits can round to the same
        # probability, and the argmax of the probabilities picks the first: right too.
        return [torch.argmax(z, dim=dim), torch.argmax(F.softmax(z, dim=dim), dim=dim)]
    if inputs.check == "one_hot":
        return [inputs.one_hot()]
    labels, how = inputs.labels, inputs.reduction
    log_probas = inputs.log_probas()
    losses = -picked(log_probas, labels)
    ways: list[torch.Tensor | None] = [reduce(losses, how), _reduce_in_order(losses, how)]
    if inputs.check == "cross_entropy":
        probas = F.softmax(z, dim=dim)
        exps = torch.exp(z)
        sums = exps.sum(dim=dim, keepdim=True)
        first = F.log_softmax(z.movedim(dim, 0).contiguous(), dim=0).movedim(0, dim)
        ways += [
            F.cross_entropy(z, labels, reduction=how),
            reduce(-picked(torch.log(probas), labels), how),
            reduce(-picked(torch.log(exps / sums), labels), how) if _finite(exps, sums) else None,
            reduce(-picked(first, labels), how),
        ]
        if inputs.dtype.itemsize >= 4:
            # Log-sum-exp minus the true class's logit cancels where the loss is small: its error
            # is a unit of the logits, not of the loss. In float32 and float64 that is far below
            # any mistake; in float16 and bfloat16 it would let a wrong small loss pass.
            ways.append(reduce(torch.logsumexp(z, dim=dim) - picked(z, labels), how))
        if z.dim() == 2:
            ways.append(reduce(-torch.sum(torch.log(probas) * inputs.one_hot(), dim=1), how))
    else:
        ways.append(F.nll_loss(z, labels, reduction=how))
    return ways


# -- the catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One recognised mistake.

    ``make(inputs, answer)`` yields the wrong answers this mistake gives for ``inputs`` (see
    :data:`Kind`); ``message`` is a :meth:`str.format` template over the inputs' fields and those
    each wrong answer brings.
    """

    key: str
    checks: tuple[str, ...]
    summary: str
    message: str
    kind: Kind = "answer"
    make: Callable[..., Iterable[Wrong]] | None = field(default=None, compare=False)


def _one(value: torch.Tensor | None, **fields: object) -> list[Wrong]:
    return [(value, fields)]


def _other_dims(inputs: Inputs) -> Iterator[int]:
    """The dimensions other than the class dimension, with more than one entry."""
    z = inputs.scores
    for other in range(z.dim()):
        if other != inputs.dim and z.shape[other] > 1:
            yield other


def _softmax_wrong_dim(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    for other in _other_dims(inputs):
        yield F.softmax(inputs.scores, dim=other), {"other": other}


def _transposed(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    z = inputs.scores
    if z.dim() != 2:
        return []
    return _one(
        F.softmax(z, dim=inputs.dim).t(),
        shape=format_shape(z.shape),
        transposed_shape=format_shape(z.shape[::-1]),
    )


def _quotient(exps: torch.Tensor, sums: torch.Tensor) -> torch.Tensor:
    """``exps / sums``, nan where a sum overflowed: those zeros tell nothing of the mistake."""
    return torch.where(torch.isinf(sums), torch.nan, exps / sums)


def _wrong_broadcast(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    z = inputs.scores
    if z.dim() != 2 or inputs.dim != 1 or z.shape[0] != z.shape[1]:
        return []
    return _one(_quotient(torch.exp(z), torch.exp(z).sum(dim=1)))


def _shape_of(inputs: Inputs, answer: torch.Tensor) -> dict[str, object]:
    return {"shape": format_shape(right_answers(inputs)[0].shape)}


def _computable(scores: torch.Tensor) -> torch.Tensor:
    """The scores in a dtype torch computes exp in: float8 ones in float32."""
    if scores.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        return scores
    return scores.float()


def _softmax_overflow(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    """The naive softmax overflows in the inputs' own dtype, and the answer shows it.

    ``exp`` of a large logit is inf (inf / inf is nan), every exponential rounds to 0 (0 / 0 is
    nan), or the exponentials are finite but their sum is not (each quotient rounds to 0, as
    over more than 65,504 classes in float16). The answer shows it with nan or inf where the
    right answer is finite, or with exactly the naive quotients.
    """
    z, dim = _computable(inputs.scores), inputs.dim
    exps = torch.exp(z)
    sums = exps.sum(dim=dim, keepdim=True)
    if _finite(exps, sums) and bool((sums > 0).all()):
        return []
    given = answer.to(torch.float64)
    right = F.softmax(z.to(torch.float64), dim=dim)
    if given.shape != right.shape:
        return []
    naive = (exps / sums).to(torch.float64)
    not_finite = bool((~torch.isfinite(given) & torch.isfinite(right)).any())
    same = bool(((given == naive) | (torch.isnan(given) & torch.isnan(naive))).all())
    if not (not_finite or same):
        return []
    return _one(None, fix=f"torch.softmax(logits, dim={dim})")


def _loss_overflow(inputs: Inputs, answer: torch.Tensor, which: str) -> list[Wrong]:
    """nan from the naive softmax's inf / inf, or -inf from the log of a probability of 0."""
    z, dim = _computable(inputs.scores), inputs.dim
    naive = torch.exp(z) / torch.exp(z).sum(dim=dim, keepdim=True)
    naive_overflows = not bool(torch.isfinite(naive).all())
    zero_probability = bool((picked(F.softmax(z, dim=dim), inputs.labels) == 0).any())
    if naive_overflows and bool(torch.isnan(answer).any()):
        found = "naive_softmax_overflow"
    elif zero_probability:
        found = "log_of_zero_probability"
    else:
        found = "naive_softmax_overflow" if naive_overflows else None
    fix = f"torch.log_softmax(logits, dim={dim}) or torch.nn.functional.cross_entropy"
    return _one(None, fix=fix) if found == which else []


def _predictions_from_one(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    return _one(torch.argmax(inputs.scores, dim=inputs.dim) + 1)


def _scores_not_labels(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    z, dim = inputs.scores, inputs.dim
    return [(z, {}), (F.softmax(z, dim=dim), {}), (F.log_softmax(z, dim=dim), {})]


def _answer_width(inputs: Inputs, answer: torch.Tensor) -> int | None:
    """The answer's number of columns, when it has one row per label."""
    if answer.dim() == 2 and answer.shape[0] == inputs.labels.shape[0]:
        return answer.shape[1]
    return None


def _largest_label(inputs: Inputs) -> int:
    return int(inputs.labels.max()) if inputs.labels.numel() else -1


def _one_hot_from_one(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    width = _answer_width(inputs, answer)
    num_classes = inputs.num_classes
    if width is not None and width > _largest_label(inputs) + 1:
        extra = " and the extra column" if width == num_classes + 1 else ""
        advice = ""
        if width not in (num_classes, num_classes + 1):
            advice = f" The rows should have num_classes={num_classes} columns."
        yield (
            inputs.one_hot(inputs.labels + 1, width),
            {
                "direction": "right",
                "how": (
                    "labels counted from 1. Class indices start at 0, so label 0 goes in"
                    f" column 0; drop the + 1{extra}.{advice}"
                ),
            },
        )
    if num_classes > 1 and inputs.labels.numel():
        yield (
            inputs.one_hot((inputs.labels - 1) % num_classes),
            {
                "direction": "left",
                "how": (
                    "label 0 wrapped around to the last column: labels counted from 1, so 1 was"
                    " subtracted. Class indices already start at 0: use the labels as they are."
                ),
            },
        )


def _one_hot_width(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    width = _answer_width(inputs, answer)
    if width is None or width == inputs.num_classes or width <= _largest_label(inputs):
        return []
    return _one(inputs.one_hot(width=width), width=width)


def _one_hot_transposed(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    num_examples = inputs.labels.shape[0]
    if num_examples == inputs.num_classes:
        return []
    return _one(
        inputs.one_hot().t(),
        transposed_shape=format_shape((inputs.num_classes, num_examples)),
        shape=format_shape((num_examples, inputs.num_classes)),
    )


def _labels_not_one_hot(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    return _one(inputs.labels, shape=format_shape((inputs.labels.shape[0], inputs.num_classes)))


def _shifted_labels(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    labels, num_classes = inputs.labels, inputs.num_classes
    if num_classes < 2 or labels.numel() == 0:
        return
    log_probas = inputs.log_probas()
    # labels + 1 indexes past the last class unless no label is the last class.
    if _largest_label(inputs) + 1 < num_classes:
        yield -picked(log_probas, labels + 1), {}
    # Python-style indexing wraps label - 1 = -1 around to the last class.
    yield -picked(log_probas, (labels - 1) % num_classes), {}


def _all_rows(inputs: Inputs, answer: torch.Tensor) -> list[Wrong]:
    log_probas, labels = inputs.log_probas(), inputs.labels
    if log_probas.dim() != 2 or labels.numel() < 2:
        return []
    return _one(-log_probas[:, labels].mean(dim=0))


def _binary_cross_entropy(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    z = inputs.scores
    if z.dim() != 2:
        return
    targets = inputs.one_hot()

    def per_example(log_p: torch.Tensor, log_not_p: torch.Tensor) -> torch.Tensor:
        return -(targets * log_p + (1 - targets) * log_not_p).mean(dim=1)

    yield (
        per_example(F.logsigmoid(z), F.logsigmoid(-z)),
        {"which": "one yes-or-no question per class, as binary_cross_entropy_with_logits"},
    )
    yield (
        per_example(inputs.log_probas(), torch.log1p(-inputs.probas())),
        {"which": "of the probabilities, binary_cross_entropy, which also counts log(1 - p)"},
    )


def _loss_wrong_dim(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    for other in _other_dims(inputs):
        yield -picked(F.log_softmax(inputs.scores, dim=other), inputs.labels), {"other": other}


def _wrong_log_base(inputs: Inputs, answer: torch.Tensor) -> Iterator[Wrong]:
    losses = -picked(inputs.log_probas(), inputs.labels)
    for base in (2, 10):
        yield losses / math.log(base), {"base": base}


def _mean_where(asked: str) -> Callable[[Inputs, torch.Tensor], list[Wrong]]:
    def make(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
        if inputs.reduction != asked:
            return []
        return _one(reduce(losses, "sum" if asked == "mean" else "mean"))

    return make


def _not_reduced(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
    return [] if inputs.reduction == "none" else _one(losses)


def _one_number(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
    if inputs.reduction != "none":
        return []
    return [(losses.mean(), {"how": "mean"}), (losses.sum(), {"how": "sum"})]


def _over_classes(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
    if inputs.reduction != "mean" or inputs.num_classes < 2:
        return []
    return _one(losses.sum() / (losses.numel() * inputs.num_classes))


def _n_minus_one(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
    if inputs.reduction != "mean" or losses.numel() < 2:
        return []
    return _one(losses.sum() / (losses.numel() - 1))


def _sum_wrong_dim(inputs: Inputs, losses: torch.Tensor) -> list[Wrong]:
    if inputs.reduction != "mean" or inputs.num_classes < 2:
        return []
    return _one(losses.sum() / inputs.num_classes)


def _per_example(
    compute: Callable[[Inputs], torch.Tensor],
) -> Callable[[Inputs, torch.Tensor], list[Wrong]]:
    return lambda inputs, answer: _one(compute(inputs))


ALL = CHECKS

MISTAKES: tuple[Mistake, ...] = (
    # -- the form of the answer (found by the engine) ----------------------------------------
    Mistake(
        "not_a_tensor",
        ALL,
        "the answer is not a tensor (``None``, a list, a string, ...)",
        "Your answer is {given}, not a tensor: expected {expected}.{hint}",
        kind="form",
    ),
    Mistake(
        "max_pair",
        ("predictions",),
        "the ``(values, indices)`` pair of ``.max(dim=...)``, ``topk`` or ``sort``",
        "Your answer is the (values, indices) pair that {function} returns, not a tensor: take"
        " its .indices (the positions){squeeze}, or use torch.argmax.",
        kind="form",
    ),
    Mistake(
        "wrong_dtype",
        ("softmax", "cross_entropy", "nll_loss"),
        "right values, but not floating-point",
        "The values are right, but the dtype is {dtype}: the answer should be floating-point.",
        kind="form",
    ),
    Mistake(
        "wrong_shape",
        ALL,
        "right values in the wrong shape (e.g. ``keepdim=True``)",
        "The values are right but the shape is not: {what} should have shape {shape}, yours has"
        " {answer_shape}. Drop the keepdim=True or the extra dimension, or reshape it.",
        kind="form",
    ),
    Mistake(
        "predictions_dtype",
        ("predictions",),
        "the right labels as floats",
        "The predicted classes are right, but their dtype is {dtype}: labels are integer class"
        " indices, as torch.argmax gives them (int64). Drop the .float(), or convert with"
        " .long().",
        kind="form",
    ),
    Mistake(
        "one_hot_dtype",
        ("one_hot",),
        "a one-hot of the wrong dtype (integers or bools)",
        "This is a one-hot of the wrong dtype: the ones are in the right places, but the dtype is"
        " {dtype} (torch.nn.functional.one_hot returns int64). The rows get multiplied with"
        " probabilities, which takes floats: add .float().",
        kind="form",
    ),
    # -- softmax ----------------------------------------------------------------------------
    Mistake(
        "naive_softmax_overflow",
        ("softmax", "cross_entropy"),
        "``nan`` from ``exp`` of large logits without the max shift",
        "This is the naive softmax that overflowed: torch.exp of a large logit is inf (or every"
        " exponential rounds to 0, or their sum over many classes is inf), and inf / inf or"
        " 0 / 0 gives nan, x / inf gives 0. Subtract each example's largest logit before"
        " torch.exp, or use {fix}.",
        kind="test",
        make=lambda inputs, answer: (
            _softmax_overflow(inputs, answer)
            if inputs.check == "softmax"
            else _loss_overflow(inputs, answer, "naive_softmax_overflow")
        ),
    ),
    Mistake(
        "log_of_zero_probability",
        ("cross_entropy",),
        "``inf`` from the log of a probability that rounded to 0",
        "This is the log of a probability that rounded to 0: torch.log(0) is -inf. Compute the"
        " log-probabilities from the logits, with torch.log_softmax(logits, dim={dim}) or"
        " torch.nn.functional.cross_entropy, which never form the probabilities.",
        kind="test",
        make=lambda inputs, answer: _loss_overflow(inputs, answer, "log_of_zero_probability"),
    ),
    Mistake(
        "softmax_wrong_dim",
        ("softmax",),
        "softmax (or log-softmax) over the wrong dimension",
        "This is softmax over the wrong dimension: your values sum to one along dim={other}, but"
        " the classes are along dim={dim}. Use torch.softmax(logits, dim={dim}), so that each"
        " example's probabilities sum to one.",
        make=_softmax_wrong_dim,
    ),
    Mistake(
        "softmax_transposed",
        ("softmax",),
        "the probabilities transposed, shape ``(C, N)``",
        "Your probabilities are transposed: shape {transposed_shape} instead of {shape}. The"
        " lecture's formula works on z.t() and transposes back with a final .t(); keep one row"
        " per example.",
        make=_transposed,
    ),
    Mistake(
        "softmax_wrong_broadcast",
        ("softmax",),
        "exponentials divided by another row's sum (no ``keepdim``)",
        "Each exponential is divided by the sum of another row: a sum of shape (N,) lines up with"
        " the columns when it broadcasts. Keep the summed dimension with .sum(dim=1,"
        " keepdim=True), or transpose as the lecture does.",
        make=_wrong_broadcast,
    ),
    Mistake(
        "log_softmax_not_softmax",
        ("softmax",),
        "log-probabilities where probabilities were asked",
        "These are log-probabilities (log_softmax) where probabilities were asked: use"
        " torch.softmax(logits, dim={dim}), or take the exp of your answer.",
        make=_per_example(lambda inputs: F.log_softmax(inputs.scores, dim=inputs.dim)),
    ),
    Mistake(
        "softmax_without_exp",
        ("softmax",),
        "logits divided by their sum, without the exponential",
        "These are the logits divided by their sum, without the exponential: softmax"
        " exponentiates first, torch.exp(logits) / torch.exp(logits).sum(dim={dim},"
        " keepdim=True).",
        make=_per_example(
            lambda inputs: inputs.scores / inputs.scores.sum(dim=inputs.dim, keepdim=True)
        ),
    ),
    Mistake(
        "softmax_no_dim",
        ("softmax",),
        "``exp(logits)`` divided by the sum over the whole tensor",
        "These are the exponentials divided by the sum over the whole tensor, not over each"
        " example: the sum needs dim={dim} and keepdim=True, torch.exp(logits).sum(dim={dim},"
        " keepdim=True).",
        make=_per_example(
            lambda inputs: _quotient(torch.exp(inputs.scores), torch.exp(inputs.scores).sum())
        ),
    ),
    Mistake(
        "sigmoid_not_softmax",
        ("softmax",),
        "the sigmoid of each logit instead of softmax",
        "This is the sigmoid of each logit on its own, not softmax: the sigmoid is for one"
        " yes-or-no class. Softmax makes the classes of an example compete, so that they sum to"
        " one: use torch.softmax(logits, dim={dim}).",
        make=_per_example(lambda inputs: torch.sigmoid(inputs.scores)),
    ),
    Mistake(
        "softmax_not_normalized",
        ("softmax",),
        "``exp(logits)`` not divided by their sum",
        "These are the exponentials of the logits, not divided by their sum: divide each"
        " example's exponentials by their sum along dim={dim}.",
        make=_per_example(lambda inputs: torch.exp(inputs.scores)),
    ),
    # -- predictions -------------------------------------------------------------------------
    Mistake(
        "argmax_wrong_dim",
        ("predictions",),
        "argmax over the wrong dimension",
        "This is argmax over the wrong dimension: dim={other} picks, for each class, the example"
        " with the largest score. The classes are along dim={dim}: use torch.argmax(logits,"
        " dim={dim}).",
        make=lambda inputs, answer: (
            (torch.argmax(inputs.scores, dim=other), {"other": other})
            for other in range(inputs.scores.dim())
            if other != inputs.dim
        ),
    ),
    Mistake(
        "max_values_not_indices",
        ("predictions",),
        "the largest scores instead of their positions",
        "These are the largest scores instead of their indices: torch.max(logits, dim={dim})"
        " returns the values first. {fix}, or the .indices of torch.max.",
        make=_per_example(lambda inputs: inputs.scores.amax(dim=inputs.dim)),
    ),
    Mistake(
        "argmin_not_argmax",
        ("predictions",),
        "the positions of the smallest scores",
        "These are the positions of the smallest scores (argmin); the predicted class is the one"
        " with the largest score. {fix}.",
        make=_per_example(lambda inputs: torch.argmin(inputs.scores, dim=inputs.dim)),
    ),
    Mistake(
        "argmax_no_dim",
        ("predictions",),
        "argmax of the flattened tensor (no ``dim``)",
        "This is argmax without dim: one index into the flattened tensor, not one label per"
        " example. Pass dim={dim}: torch.argmax(logits, dim={dim}).",
        make=lambda inputs, answer: (
            _one(torch.argmax(inputs.scores)) if inputs.scores.dim() > 1 else []
        ),
    ),
    Mistake(
        "scores_not_labels",
        ("predictions",),
        "the scores or probabilities themselves instead of labels",
        "These are scores, one per class, not predicted labels: the prediction is the index of"
        " the largest score of each example. {fix}.",
        make=_scores_not_labels,
    ),
    # -- one-hot -----------------------------------------------------------------------------
    Mistake(
        "one_hot_width",
        ("one_hot",),
        "a one-hot of the wrong width (number of columns)",
        "This is a one-hot of the wrong width: {width} columns instead of"
        " num_classes={num_classes}. torch.nn.functional.one_hot(labels) without num_classes"
        " makes labels.max() + 1 columns, too few when the largest class has no example in the"
        " batch: pass num_classes={num_classes}.",
        make=_one_hot_width,
    ),
    Mistake(
        "one_hot_transposed",
        ("one_hot",),
        "one-hot columns instead of rows, shape ``(C, N)``",
        "Your one-hot is transposed: one column per example, shape {transposed_shape}. Make one"
        " row per example, shape {shape}.",
        make=_one_hot_transposed,
    ),
    Mistake(
        "labels_not_one_hot",
        ("one_hot",),
        "the labels themselves instead of one-hot rows",
        "These are the labels themselves, not one-hot rows: make one row per label with a single"
        " 1 in the label's column, shape {shape}.",
        make=_labels_not_one_hot,
    ),
    # labels_from_one has one record per check: the wrong answer and the message differ.
    Mistake(
        "labels_from_one",
        ("predictions",),
        "labels counted from 1 (shifted by one class)",
        "Each predicted label is one too large: labels counted from 1. Class indices start at 0,"
        " as torch.argmax gives them; drop the + 1.",
        make=_predictions_from_one,
    ),
    Mistake(
        "labels_from_one",
        ("one_hot",),
        "labels counted from 1 (shifted by one class)",
        "Each 1 is one column to the {direction} of its label: {how}",
        make=_one_hot_from_one,
    ),
    Mistake(
        "labels_from_one",
        LOSS_CHECKS,
        "labels counted from 1 (shifted by one class)",
        "Each loss uses the log-probability of the class next to the example's label: labels"
        " counted from 1 (or shifted by one). Class indices start at 0; index with the labels"
        " as they are.",
        kind="losses",
        make=_shifted_labels,
    ),
    # -- losses, per example -----------------------------------------------------------------
    Mistake(
        "missing_minus",
        LOSS_CHECKS,
        "a missing minus sign",
        "There is a missing minus sign: a log-probability is at most 0, and the loss is minus"
        " it, so that it is positive. Put a minus in front of the log.",
        kind="losses",
        make=_per_example(lambda inputs: picked(inputs.log_probas(), inputs.labels)),
    ),
    Mistake(
        "probas_not_log_probas",
        LOSS_CHECKS,
        "probabilities where log-probabilities are expected",
        "You passed probabilities where log-probabilities are expected: the log is missing, so"
        ' the "losses" are minus the probabilities. The loss is minus the log of the true'
        " class's probability: use torch.log_softmax(logits, dim={dim}), or torch.log of the"
        " probabilities.",
        kind="losses",
        make=_per_example(lambda inputs: -picked(inputs.probas(), inputs.labels)),
    ),
    Mistake(
        "logits_not_log_probas",
        ("cross_entropy",),
        "logits where log-probabilities are expected",
        "You passed logits where log-probabilities are expected: nll_loss does not apply"
        " log_softmax. Use torch.nn.functional.cross_entropy on the logits, or nll_loss of"
        " torch.log_softmax(logits, dim={dim}).",
        kind="losses",
        make=_per_example(lambda inputs: -picked(inputs.scores, inputs.labels)),
    ),
    Mistake(
        "softmax_applied_twice",
        ("cross_entropy",),
        "probabilities passed to a loss that applies softmax itself",
        "This is softmax applied twice: you passed probabilities to a loss that applies softmax"
        " itself. torch.nn.functional.cross_entropy takes the logits; pass them directly.",
        kind="losses",
        make=_per_example(
            lambda inputs: -picked(F.log_softmax(inputs.probas(), dim=inputs.dim), inputs.labels)
        ),
    ),
    Mistake(
        "softmax_wrong_dim",
        ("cross_entropy",),
        "softmax (or log-softmax) over the wrong dimension",
        "This is softmax over the wrong dimension: your log-probabilities are normalized along"
        " dim={other}, but the classes are along dim={dim}. Use torch.log_softmax(logits,"
        " dim={dim}).",
        kind="losses",
        make=_loss_wrong_dim,
    ),
    Mistake(
        "wrong_log_base",
        ("cross_entropy",),
        "log base 2 or 10 instead of the natural log",
        "You used the log base {base} (torch.log{base}): cross-entropy here uses the natural"
        " log, torch.log (as log_softmax does).",
        kind="losses",
        make=_wrong_log_base,
    ),
    Mistake(
        "all_classes_not_true_class",
        LOSS_CHECKS,
        "the log-probabilities of every class summed, not the true one",
        "Your loss adds up the log-probabilities of every class, not only the true class's:"
        " multiply by the one-hot rows before the sum, or pick one log-probability per example"
        " with the labels.",
        kind="losses",
        make=_per_example(lambda inputs: -inputs.log_probas().sum(dim=class_dim(inputs.scores))),
    ),
    Mistake(
        "indexing_all_rows",
        LOSS_CHECKS,
        "``log_probas[:, labels]``, an ``(N, N)`` table, averaged",
        "Your loss averages the log-probabilities of every example for every label:"
        " log_probas[:, labels] is an (N, N) table, not one entry per example. Index the rows"
        " too, log_probas[torch.arange(N), labels], or use .gather(1, labels.view(-1, 1)).",
        kind="losses",
        make=_all_rows,
    ),
    Mistake(
        "binary_cross_entropy",
        ("cross_entropy",),
        "the binary cross-entropy of sigmoids instead of softmax's",
        "This is the binary cross-entropy ({which}), not the cross-entropy of a softmax over the"
        " classes: use torch.nn.functional.cross_entropy(logits, labels).",
        kind="losses",
        make=_binary_cross_entropy,
    ),
    # -- losses, the reduction ---------------------------------------------------------------
    Mistake(
        "sum_not_mean",
        LOSS_CHECKS,
        "the sum where the mean was asked",
        "This is the sum where the mean was asked: divide by the number of examples, or take"
        " .mean() instead of .sum().",
        kind="reduction",
        make=_mean_where("mean"),
    ),
    Mistake(
        "mean_not_sum",
        LOSS_CHECKS,
        "the mean where the sum was asked",
        "This is the mean where the sum was asked: take .sum() instead of .mean().",
        kind="reduction",
        make=_mean_where("sum"),
    ),
    Mistake(
        "per_example_not_reduced",
        LOSS_CHECKS,
        "the per-example losses where one number was asked",
        "These are the per-example losses where one number was asked: reduce them to one number"
        " with .{reduction}() (reduction='{reduction}').",
        kind="reduction",
        make=_not_reduced,
    ),
    Mistake(
        "one_number_not_per_example",
        LOSS_CHECKS,
        "one number where per-example losses were asked",
        "This is one number where per-example losses were asked (reduction='none'): keep one"
        " loss per example, without the {how}.",
        kind="reduction",
        make=_one_number,
    ),
    Mistake(
        "mean_over_classes",
        LOSS_CHECKS,
        "the mean over all ``N * C`` entries instead of over ``N``",
        "This is the mean over all N*C entries of the product with the one-hot rows, not over the"
        " N examples: it is C times too small. Sum over the classes (dim=1) first, then take the"
        " mean over the examples.",
        kind="reduction",
        make=_over_classes,
    ),
    Mistake(
        "divided_by_n_minus_one",
        LOSS_CHECKS,
        "the sum divided by ``N - 1`` instead of the number of examples ``N``",
        "This is the sum divided by N - 1, one less than the number of examples: the mean divides"
        " by N, as .mean() does (N - 1 belongs to the unbiased variance, not to a mean loss).",
        kind="reduction",
        make=_n_minus_one,
    ),
    Mistake(
        "sum_wrong_dim",
        LOSS_CHECKS,
        "the one-hot product summed over the examples (dim 0), then averaged over the classes",
        "This is the mean over the C classes of sums over the examples: the product with the"
        " one-hot rows was summed along dim=0 (the examples) instead of dim=1 (the classes). Sum"
        " along dim=1, then take the mean over the examples.",
        kind="reduction",
        make=_sum_wrong_dim,
    ),
)

KEYS: tuple[str, ...] = tuple(dict.fromkeys(mistake.key for mistake in MISTAKES))


def for_check(check: str, *kinds: Kind) -> list[Mistake]:
    """The records that apply to ``check``, of the given kinds (all kinds when none given)."""
    return [
        mistake
        for mistake in MISTAKES
        if check in mistake.checks and (not kinds or mistake.kind in kinds)
    ]


def record(key: str, check: str) -> Mistake:
    """The record of ``key`` for ``check``."""
    for mistake in MISTAKES:
        if mistake.key == key and check in mistake.checks:
            return mistake
    raise KeyError((key, check))


def summary_table() -> str:
    """The reST table of every key and what it means, for the module's docstring."""
    width = max(len(key) for key in KEYS) + 4
    rule = "=" * width + "  " + "=" * 64
    lines = [rule, f"{'key':<{width}}  the mistake", rule]
    for key in KEYS:
        summaries = dict.fromkeys(m.summary for m in MISTAKES if m.key == key)
        checks = dict.fromkeys(c for m in MISTAKES if m.key == key for c in m.checks)
        text = "; ".join(summaries)
        where = "every check" if len(checks) == len(CHECKS) else ", ".join(checks)
        lines.append(f"{'``' + key + '``':<{width}}  {text} ({where})")
    lines.append(rule)
    return "\n".join(lines)


def recognised(check: str) -> str:
    """The keys ``check`` recognises, as a docstring's comma-separated list."""
    keys = dict.fromkeys(mistake.key for mistake in for_check(check))
    keys.pop("not_a_tensor", None)  # every check: said once, in the module's docstring
    return ", ".join(f"``{key}``" for key in keys)
