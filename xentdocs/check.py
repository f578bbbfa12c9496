r"""Check a learner's answer and name the mistake behind a wrong one.

An exercise asks for a tensor (probabilities, predicted labels, one-hot rows, a loss) and the
learner computes it. Each function here takes that answer and the inputs it was computed from,
computes the right result with the package's own functions, and returns a :class:`Verdict`.

When the answer is wrong, the checker computes the answers that the classic mistakes give
(softmax over the wrong dimension, labels counted from 1, a missing minus sign, the sum where
the mean was asked, ...) and compares each with the learner's. When one matches, the verdict
names that mistake and says how to fix it; otherwise it says what differs (the shape, the
dtype, or which entries) without showing the expected values. The most specific mistakes are
tried first, and two mistakes at once (say, a missing minus sign *and* the sum instead of the
mean) are named together.

The rules, for exercise authors:

* **A wrong answer never raises.** A tensor of the wrong shape, a string, ``None`` or a list
  gets a verdict that is not ok. Bad *inputs* to the checker (logits that are not a float
  tensor, labels that are not integers, an unknown ``reduction``, ...) raise
  :class:`TypeError` or :class:`ValueError`, as everywhere in the package.
* **Another valid way is accepted.** Values are compared with :func:`torch.allclose`, with
  a relative tolerance of :math:`\sqrt{\varepsilon}`, the square root of the machine epsilon of
  the less precise of the answer's and the inputs' dtypes, so ``F.softmax``, a softmax by
  hand, float64 instead of float32 or an answer on another device all pass. A single
  number may be a 0-d tensor, a Python ``float`` or a NumPy scalar; a NumPy array is read as a
  tensor.
* **The dtype is part of the answer.** Probabilities, one-hot rows and losses must be
  floating-point (any float dtype); predicted labels must be integers (any integer dtype).
  In particular :func:`one_hot` expects float rows, ready to multiply with probabilities as the
  lecture does, so the int64 rows of :func:`torch.nn.functional.one_hot` are named as a one-hot
  of the wrong dtype.

Each verdict lists the mistakes it recognised in :attr:`Verdict.mistakes`, as stable keys an
exercise can test (the messages may be reworded; the keys stay):

================================  ================================================================
key                               the mistake
================================  ================================================================
``not_a_tensor``                  the answer is not a tensor (``None``, a list, a string, ...)
``max_pair``                      the ``(values, indices)`` pair of ``.max(dim=...)``
``wrong_dtype``                   right values, but not floating-point
``wrong_shape``                   right values in the wrong shape (e.g. ``keepdim=True``)
``naive_softmax_overflow``        ``nan`` from ``exp`` of large logits without the max shift
``log_of_zero_probability``       ``inf`` from the log of a probability that rounded to 0
``softmax_wrong_dim``             softmax (or log-softmax) over the wrong dimension
``softmax_transposed``            the probabilities transposed, shape ``(C, N)``
``softmax_wrong_broadcast``       exponentials divided by another row's sum (no ``keepdim``)
``log_softmax_not_softmax``       log-probabilities where probabilities were asked
``softmax_without_exp``           logits divided by their sum, without the exponential
``softmax_not_normalized``        ``exp(logits)`` not divided by their sum
``softmax_no_dim``                ``exp(logits)`` divided by the sum over the whole tensor
``sigmoid_not_softmax``           the sigmoid of each logit instead of softmax
``argmax_wrong_dim``              argmax over the wrong dimension
``max_values_not_indices``        the largest scores instead of their positions
``argmin_not_argmax``             the positions of the smallest scores
``argmax_no_dim``                 argmax of the flattened tensor (no ``dim``)
``scores_not_labels``             the scores or probabilities themselves instead of labels
``predictions_dtype``             the right labels as floats
``one_hot_dtype``                 a one-hot of the wrong dtype (integers or bools)
``one_hot_width``                 a one-hot of the wrong width (number of columns)
``one_hot_transposed``            one-hot columns instead of rows, shape ``(C, N)``
``labels_not_one_hot``            the labels themselves instead of one-hot rows
``labels_from_one``               labels counted from 1 (shifted by one class)
``missing_minus``                 a missing minus sign
``probas_not_log_probas``         probabilities where log-probabilities are expected
``logits_not_log_probas``         logits where log-probabilities are expected
``softmax_applied_twice``         probabilities passed to a loss that applies softmax itself
``wrong_log_base``                log base 2 or 10 instead of the natural log
``sum_not_mean``                  the sum where the mean was asked
``mean_not_sum``                  the mean where the sum was asked
``per_example_not_reduced``       the per-example losses where one number was asked
``one_number_not_per_example``    one number where per-example losses were asked
``mean_over_classes``             the mean over all ``N * C`` entries instead of over ``N``
``sum_wrong_dim``                 the one-hot product summed over the examples (dim 0), then
                                  averaged over the classes
``all_classes_not_true_class``    the log-probabilities of every class summed, not the true one
``indexing_all_rows``             ``log_probas[:, labels]``, an ``(N, N)`` table, averaged
``binary_cross_entropy``          the binary cross-entropy of sigmoids instead of softmax's
================================  ================================================================
"""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from xentdocs._validation import (
    check_class_indices,
    check_dim,
    check_exact_dims,
    check_floating,
    check_has_dims,
    check_integer,
    check_loss_input,
    check_num_classes,
    check_reduction,
    check_same_device,
    check_tensor,
    class_dim,
    class_index_shape,
    format_shape,
    is_integer_dtype,
)
from xentdocs.encoding import one_hot as reference_one_hot
from xentdocs.losses import cross_entropy as reference_cross_entropy
from xentdocs.losses import nll_loss as reference_nll_loss
from xentdocs.prediction import predict_labels
from xentdocs.softmax import log_softmax, naive_softmax
from xentdocs.softmax import softmax as reference_softmax

__all__ = [
    "Verdict",
    "cross_entropy",
    "nll_loss",
    "one_hot",
    "predictions",
    "show",
    "softmax",
]


# How the message for an answer of None starts: an exercise's cell starts as ``answer = None``.
NO_ANSWER = "No answer yet"


@dataclass(frozen=True, repr=False)
class Verdict:
    """The checker's answer: is it right, and if not, what went wrong.

    A verdict is true when the answer is right, so ``if check.softmax(...):`` works, and it
    prints as one line, ``✓ Correct: ...`` or ``✗ Not yet: ...`` (``… No answer yet: ...`` for
    ``None``, the answer an exercise's cell starts with).

    Attributes
    ----------
    ok : bool
        Whether the answer is right.
    message : str
        A sentence or two for the learner: what is right, or which mistake was recognised and
        how to fix it, or what differs.
    mistakes : tuple of str
        The keys of the mistakes recognised (see the table in :mod:`xentdocs.check`); empty when
        the answer is right or when no known mistake explains it.

    Examples
    --------
    >>> from xentdocs.check import Verdict
    >>> verdict = Verdict(ok=False, message="This is the sum.", mistakes=("sum_not_mean",))
    >>> verdict
    ✗ Not yet: This is the sum.
    >>> bool(verdict)
    False
    """

    ok: bool
    message: str
    mistakes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        if self.ok:
            return f"✓ Correct: {self.message}"
        if self.message.startswith(NO_ANSWER):  # an exercise's cell before the learner's turn
            return f"… {self.message}"
        return f"✗ Not yet: {self.message}"

    __str__ = __repr__


def show(answer: object) -> None:
    """Print an exercise's answer, or say that there is none yet.

    For the exercises that ask the learner to compute and look rather than to be graded: their
    cell starts as ``answer = None`` and ends with ``check.show(answer)``.

    Parameters
    ----------
    answer : object
        The learner's answer; ``None`` until they replace it with their code.

    Examples
    --------
    >>> from xentdocs import check
    >>> check.show(None)
    … No answer yet: replace None with your code, then run the cell again.
    >>> check.show(3)
    3
    """
    if answer is None:
        print(f"… {NO_ANSWER}: replace None with your code, then run the cell again.")
    else:
        print(answer)


# A recognised mistake: its keys, its message (or a function of the answer that writes it), and
# a test of whether the answer is what that mistake gives.
Mistake = tuple[
    tuple[str, ...], str | Callable[[torch.Tensor], str], Callable[[torch.Tensor], bool]
]


@dataclass(frozen=True)
class _Expected:
    """What the right answer looks like, for the checks that every kind of answer shares."""

    value: torch.Tensor
    what: str  # "your probabilities", named in messages
    float_answer: bool  # floating-point (probabilities, losses) or integer (labels)
    dtype_mistake: tuple[str, str]  # key and message when only the dtype is wrong
    rtol: float
    atol: float


def _tolerances(*tensors: torch.Tensor) -> tuple[float, float]:
    """Relative and absolute tolerances for the least precise float dtype among ``tensors``.

    The square root of the machine epsilon leaves room for every sane way of computing the
    result (by hand, in another dtype) while staying far below the gap any mistake opens.
    """
    eps = max(
        (torch.finfo(tensor.dtype).eps for tensor in tensors if tensor.is_floating_point()),
        default=torch.finfo(torch.float32).eps,
    )
    rtol = math.sqrt(eps)
    return rtol, rtol / 100


def _comparable(tensor: torch.Tensor) -> torch.Tensor:
    """The values of ``tensor`` in float64 on the CPU, so that any two answers compare."""
    return tensor.detach().to(device="cpu", dtype=torch.float64)


def _matches(answer: torch.Tensor, candidate: torch.Tensor | None, expected: _Expected) -> bool:
    """True when ``answer`` has the shape of ``candidate`` and values close to it."""
    if candidate is None or answer.shape != candidate.shape:
        return False
    rtol, atol = _answer_tolerances(answer, expected)
    return torch.allclose(
        _comparable(answer), _comparable(candidate), rtol=rtol, atol=atol, equal_nan=True
    )


def _answer_tolerances(answer: torch.Tensor, expected: _Expected) -> tuple[float, float]:
    """The inputs' tolerances, loosened when the answer's dtype is less precise than theirs."""
    if not answer.is_floating_point():
        return expected.rtol, expected.atol
    rtol, atol = _tolerances(answer)
    return max(rtol, expected.rtol), max(atol, expected.atol)


def _value_test(candidate: Callable[[], torch.Tensor | None], expected: _Expected) -> Callable:
    """A test that computes ``candidate`` only when asked and compares it with the answer."""
    return lambda answer: _matches(answer, candidate(), expected)


def _describe_answer(answer: object) -> str:
    """Name what the learner gave, briefly: a long repr would drown the message."""
    if isinstance(answer, torch.Tensor):
        return f"a tensor of shape {format_shape(answer.shape)} and dtype {answer.dtype}"
    text = repr(answer)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(answer).__name__} {text}"


def _expected_form(expected: _Expected) -> str:
    """Say what kind of tensor is expected: its shape and dtype family."""
    kind = "a floating-point" if expected.float_answer else "an integer"
    return f"{kind} torch.Tensor of shape {format_shape(expected.value.shape)}"


def _as_tensor(answer: object, expected: _Expected) -> torch.Tensor | Verdict:
    """Read the answer as a tensor, or return the verdict that it is not one."""
    if isinstance(answer, torch.Tensor):
        return answer.detach()
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        # A Python float carries float64 precision; an int stays an integer.
        dtype = torch.float64 if isinstance(answer, float) else torch.int64
        return torch.tensor(answer, dtype=dtype, device=expected.value.device)
    if type(answer).__module__ == "numpy" and hasattr(answer, "dtype"):
        try:
            return torch.as_tensor(answer)
        except (TypeError, RuntimeError):  # object arrays and other dtypes torch has not
            pass
    if answer is None:
        # An exercise's cell starts as ``answer = None``: say there is no answer yet.
        message = (
            f"{NO_ANSWER}: your answer is None. Replace None with your code (if a function"
            f" of yours computed it, make it return its result). Expected"
            f" {_expected_form(expected)}."
        )
    elif isinstance(answer, tuple) and hasattr(answer, "values") and hasattr(answer, "indices"):
        message = (
            "Your answer is the (values, indices) pair that .max(dim=...) returns, not a tensor:"
            " take its .indices (the positions) or use torch.argmax."
        )
        return Verdict(False, message, ("max_pair",))
    else:
        hint = ""
        if isinstance(answer, (list, tuple)):
            hint = " Wrap it with torch.tensor(...), or compute it with tensor operations."
        message = (
            f"Your answer is {_describe_answer(answer)}, not a tensor: expected"
            f" {_expected_form(expected)}.{hint}"
        )
    return Verdict(False, message, ("not_a_tensor",))


def _position(index: list[int]) -> str:
    return str(index[0]) if len(index) == 1 else str(tuple(index))


def _what_differs(answer: torch.Tensor, expected: _Expected) -> str:
    """Say what differs between the answer and the right one, without giving it away."""
    reference = expected.value
    if answer.dtype.is_complex or answer.dtype == torch.bool:
        wanted = "floating-point" if expected.float_answer else "integer"
        return f"{expected.what} should be a {wanted} tensor, yours has dtype {answer.dtype}."
    if answer.shape != reference.shape:
        return (
            f"{expected.what} should have shape {format_shape(reference.shape)},"
            f" yours has shape {format_shape(answer.shape)}."
        )
    parts = []
    if expected.float_answer and not answer.is_floating_point():
        parts.append(
            f"{expected.what} should be floating-point, yours has dtype {answer.dtype}"
            " (an integer division or a .long() somewhere?)."
        )
    elif not expected.float_answer and not is_integer_dtype(answer.dtype):
        parts.append(f"{expected.what} should be integers, yours has dtype {answer.dtype}.")
    given, wanted = _comparable(answer), _comparable(reference)
    not_finite = ~torch.isfinite(given) & torch.isfinite(wanted)
    if reference.dim() == 0:
        if not_finite.any():
            parts.append(f"{expected.what} is nan or inf where the right value is finite.")
        else:
            parts.append(f"{expected.what} differs from the right value.")
    elif not_finite.any():
        count = int(not_finite.sum())
        first = not_finite.nonzero()[0].tolist()
        parts.append(
            f"{count} of the {not_finite.numel()} entries of {expected.what} are nan or inf"
            f" where the right answer is finite, the first at position {_position(first)}."
        )
    else:
        rtol, atol = _answer_tolerances(answer, expected)
        wrong = ~torch.isclose(given, wanted, rtol=rtol, atol=atol, equal_nan=True)
        if wrong.any():
            count = int(wrong.sum())
            first = wrong.nonzero()[0].tolist()
            verb = "differs from the right one" if count == 1 else "differ from the right ones"
            parts.append(
                f"{count} of the {wrong.numel()} entries of {expected.what} {verb},"
                f" the first at position {_position(first)}."
            )
    if not parts:
        parts.append(f"{expected.what} differ from the right answer.")
    return " ".join(_sentence(part) for part in parts)


def _judge(
    answer: object,
    expected: _Expected,
    mistakes: Iterator[Mistake],
    hints: Callable[[torch.Tensor], str] | None = None,
) -> Verdict:
    """The verdict every checker shares: right, a recognised mistake, or what differs."""
    answer_tensor = _as_tensor(answer, expected)
    if isinstance(answer_tensor, Verdict):
        return answer_tensor
    if answer_tensor.dtype.is_complex:
        return Verdict(False, _what_differs(answer_tensor, expected), ())
    if _matches(answer_tensor, expected.value, expected):
        if expected.float_answer == answer_tensor.is_floating_point() and (
            answer_tensor.is_floating_point() or is_integer_dtype(answer_tensor.dtype)
        ):
            verb = "is" if expected.what.endswith("loss") else "are"
            return Verdict(True, _sentence(f"{expected.what} {verb} right."), ())
        key, message = expected.dtype_mistake
        return Verdict(False, message.format(dtype=answer_tensor.dtype), (key,))
    for keys, message, test in mistakes:
        if test(answer_tensor):
            text = message(answer_tensor) if callable(message) else message
            return Verdict(False, text, keys)
    reference = expected.value
    if (
        answer_tensor.shape != reference.shape
        and answer_tensor.numel() == reference.numel()
        and _matches(answer_tensor.reshape(reference.shape), reference, expected)
    ):
        message = (
            f"The values are right but the shape is not: {expected.what} should have shape"
            f" {format_shape(reference.shape)}, yours has {format_shape(answer_tensor.shape)}."
            " Drop the keepdim=True or the extra dimension, or reshape it."
        )
        return Verdict(False, message, ("wrong_shape",))
    message = _what_differs(answer_tensor, expected)
    extra = hints(answer_tensor) if hints is not None else ""
    return Verdict(False, _sentence(message + extra), ())


def _sentence(text: str) -> str:
    """Start ``text`` with a capital letter, leaving the rest as it is."""
    return text[:1].upper() + text[1:]


_FLOAT_DTYPE_MISTAKE = (
    "wrong_dtype",
    "The values are right, but the dtype is {dtype}: the answer should be floating-point.",
)


# -- softmax ---------------------------------------------------------------------------------


def softmax(answer: object, logits: torch.Tensor, dim: int = 1) -> Verdict:
    """Check probabilities computed from ``logits`` by softmax along ``dim``.

    Parameters
    ----------
    answer : torch.Tensor
        The learner's probabilities, of the shape of ``logits``, floating-point.
    logits : torch.Tensor
        The floating-point scores they were computed from, for instance ``(N, C)``.
    dim : int, optional
        The dimension that holds the classes. Default: ``1``, the columns of an ``(N, C)``
        tensor, as in the lecture.

    Returns
    -------
    Verdict
        ``ok`` when ``answer`` is the softmax of ``logits`` along ``dim``. Recognised mistakes:
        ``naive_softmax_overflow``, ``softmax_wrong_dim``, ``softmax_transposed``,
        ``softmax_wrong_broadcast``, ``log_softmax_not_softmax``, ``softmax_without_exp``,
        ``softmax_no_dim``, ``sigmoid_not_softmax``, ``softmax_not_normalized``,
        ``wrong_dtype``, ``wrong_shape``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`xentdocs.softmax` : the right answer.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import check, lecture_example
    >>> labels, logits = lecture_example()
    >>> check.softmax(torch.softmax(logits, dim=1), logits)
    ✓ Correct: Your probabilities are right.
    >>> check.softmax(torch.softmax(logits, dim=0), logits)  # doctest: +NORMALIZE_WHITESPACE
    ✗ Not yet: This is softmax over the wrong dimension: your values sum to one along dim=0,
    but the classes are along dim=1. Use torch.softmax(logits, dim=1), so that each example's
    probabilities sum to one.
    """
    logits = check_tensor(logits, "logits")
    check_floating(logits, "logits", "scores, one per class")
    check_has_dims(logits, "logits", "the classes")
    check_dim(dim, logits, "logits")
    dim = dim % logits.dim()
    rtol, atol = _tolerances(logits)
    expected = _Expected(
        reference_softmax(logits, dim),
        "your probabilities",
        float_answer=True,
        dtype_mistake=_FLOAT_DTYPE_MISTAKE,
        rtol=rtol,
        atol=atol,
    )

    def mistakes() -> Iterator[Mistake]:
        yield (
            ("naive_softmax_overflow",),
            _overflow_message(f"torch.softmax(logits, dim={dim})"),
            lambda answer: (
                _overflowed(answer, expected)
                and not torch.isfinite(naive_softmax(logits, dim)).all()
            ),
        )
        for other in range(logits.dim()):
            if other != dim and logits.shape[other] > 1:
                yield (
                    ("softmax_wrong_dim",),
                    (
                        f"This is softmax over the wrong dimension: your values sum to one along"
                        f" dim={other}, but the classes are along dim={dim}. Use"
                        f" torch.softmax(logits, dim={dim}), so that each example's probabilities"
                        " sum to one."
                    ),
                    _value_test(lambda other=other: reference_softmax(logits, other), expected),
                )
        if logits.dim() == 2:
            yield (
                ("softmax_transposed",),
                (
                    f"Your probabilities are transposed: shape"
                    f" {format_shape(expected.value.shape[::-1])} instead of"
                    f" {format_shape(expected.value.shape)}. The lecture's formula works on z.t()"
                    " and transposes back with a final .t(); keep one row per example."
                ),
                _value_test(lambda: expected.value.t(), expected),
            )
            if dim == 1 and logits.shape[0] == logits.shape[1]:
                yield (
                    ("softmax_wrong_broadcast",),
                    (
                        "Each exponential is divided by the sum of another row: a sum of shape (N,)"
                        " lines up with the columns when it broadcasts. Keep the summed dimension"
                        " with .sum(dim=1, keepdim=True), or transpose as the lecture does."
                    ),
                    _value_test(lambda: torch.exp(logits) / torch.exp(logits).sum(dim=1), expected),
                )
        yield (
            ("log_softmax_not_softmax",),
            (
                f"These are log-probabilities (log_softmax) where probabilities were asked: use"
                f" torch.softmax(logits, dim={dim}), or take the exp of your answer."
            ),
            _value_test(lambda: log_softmax(logits, dim), expected),
        )
        yield (
            ("softmax_without_exp",),
            (
                "These are the logits divided by their sum, without the exponential: softmax"
                f" exponentiates first, torch.exp(logits) / torch.exp(logits).sum(dim={dim},"
                " keepdim=True)."
            ),
            _value_test(lambda: logits / logits.sum(dim=dim, keepdim=True), expected),
        )
        yield (
            ("softmax_no_dim",),
            (
                "These are the exponentials divided by the sum over the whole tensor, not over"
                f" each example: the sum needs dim={dim} and keepdim=True,"
                f" torch.exp(logits).sum(dim={dim}, keepdim=True)."
            ),
            _value_test(lambda: torch.exp(logits) / torch.exp(logits).sum(), expected),
        )
        yield (
            ("sigmoid_not_softmax",),
            (
                "This is the sigmoid of each logit on its own, not softmax: the sigmoid is for"
                " one yes-or-no class. Softmax makes the classes of an example compete, so"
                f" that they sum to one: use torch.softmax(logits, dim={dim})."
            ),
            _value_test(lambda: torch.sigmoid(logits), expected),
        )
        yield (
            ("softmax_not_normalized",),
            (
                f"These are the exponentials of the logits, not divided by their sum: divide each"
                f" example's exponentials by their sum along dim={dim}."
            ),
            _value_test(lambda: torch.exp(logits), expected),
        )

    def hints(answer: torch.Tensor) -> str:
        if answer.shape != logits.shape or not answer.is_floating_point():
            return ""
        values = _comparable(answer)
        if not torch.isfinite(values).all():
            return ""
        sums = values.sum(dim=dim)
        if not torch.allclose(sums, torch.ones_like(sums), rtol=rtol, atol=rtol):
            return f" Your values along dim={dim} do not sum to one, as probabilities must."
        if (values < 0).any():
            return " Probabilities are never negative; some of yours are."
        return ""

    return _judge(answer, expected, mistakes(), hints)


def _overflowed(answer: torch.Tensor, expected: _Expected) -> bool:
    """True when the answer has nan or inf where the right answer is finite."""
    if answer.shape != expected.value.shape:
        return False
    given, wanted = _comparable(answer), _comparable(expected.value)
    return bool((~torch.isfinite(given) & torch.isfinite(wanted)).any())


def _overflow_message(fix: str) -> str:
    return (
        "This is the naive softmax that overflowed: torch.exp of a large logit is inf (or every"
        " exponential rounds to 0), and inf / inf or 0 / 0 gives nan. Subtract each example's"
        f" largest logit before torch.exp, or use {fix}."
    )


# -- predictions -----------------------------------------------------------------------------


def predictions(answer: object, logits: torch.Tensor, dim: int = 1) -> Verdict:
    """Check predicted class labels: the index of the largest logit of each example.

    Parameters
    ----------
    answer : torch.Tensor
        The learner's predicted labels: integers, the shape of ``logits`` without ``dim``.
        Any integer dtype is accepted; :func:`torch.argmax` gives int64.
    logits : torch.Tensor
        The floating-point scores (logits, or probabilities: softmax keeps the order) the
        labels were predicted from, for instance ``(N, C)``.
    dim : int, optional
        The dimension that holds the classes. Default: ``1``, as in the lecture.

    Returns
    -------
    Verdict
        ``ok`` when ``answer`` equals ``torch.argmax(logits, dim=dim)``. Recognised mistakes:
        ``max_pair``, ``max_values_not_indices``, ``argmax_wrong_dim``, ``argmax_no_dim``,
        ``argmin_not_argmax``, ``labels_from_one``, ``scores_not_labels``,
        ``predictions_dtype``, ``wrong_shape``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`xentdocs.predict_labels` : the right answer.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import check, lecture_example
    >>> labels, logits = lecture_example()
    >>> check.predictions(torch.argmax(logits, dim=1), logits)
    ✓ Correct: Your predicted labels are right.
    >>> check.predictions(torch.max(logits, dim=1).values, logits)
    ... # doctest: +NORMALIZE_WHITESPACE
    ✗ Not yet: These are the largest scores instead of their indices: torch.max(logits, dim=1)
    returns the values first. Use torch.argmax(logits, dim=1), or the .indices of torch.max.
    """
    logits = check_tensor(logits, "logits")
    check_floating(logits, "logits", "scores, one per class")
    check_has_dims(logits, "logits", "the classes")
    check_dim(dim, logits, "logits")
    dim = dim % logits.dim()
    rtol, atol = _tolerances(logits)
    expected = _Expected(
        predict_labels(logits, dim),
        "your predicted labels",
        float_answer=False,
        dtype_mistake=(
            "predictions_dtype",
            (
                "The predicted classes are right, but their dtype is {dtype}: labels are integer"
                " class indices, as torch.argmax gives them (int64). Drop the .float(), or convert"
                " with .long()."
            ),
        ),
        rtol=rtol,
        atol=atol,
    )
    fix = f"Use torch.argmax(logits, dim={dim})"

    def mistakes() -> Iterator[Mistake]:
        yield (
            ("max_values_not_indices",),
            (
                f"These are the largest scores instead of their indices: torch.max(logits,"
                f" dim={dim}) returns the values first. {fix}, or the .indices of torch.max."
            ),
            _value_test(lambda: logits.amax(dim=dim), expected),
        )
        for other in range(logits.dim()):
            if other != dim:
                yield (
                    ("argmax_wrong_dim",),
                    (
                        f"This is argmax over the wrong dimension: dim={other} picks, for each"
                        f" class, the example with the largest score. The classes are along"
                        f" dim={dim}: {fix[0].lower()}{fix[1:]}."
                    ),
                    _value_test(lambda other=other: torch.argmax(logits, dim=other), expected),
                )
        if logits.dim() > 1:
            yield (
                ("argmax_no_dim",),
                (
                    f"This is argmax without dim: one index into the flattened tensor, not one label"
                    f" per example. Pass dim={dim}: torch.argmax(logits, dim={dim})."
                ),
                _value_test(lambda: torch.argmax(logits), expected),
            )
        yield (
            ("labels_from_one",),
            (
                "Each predicted label is one too large: labels counted from 1. Class indices start"
                " at 0, as torch.argmax gives them; drop the + 1."
            ),
            _value_test(lambda: expected.value + 1, expected),
        )
        yield (
            ("argmin_not_argmax",),
            (
                f"These are the positions of the smallest scores (argmin); the predicted class is"
                f" the one with the largest score. {fix}."
            ),
            _value_test(lambda: torch.argmin(logits, dim=dim), expected),
        )
        yield (
            ("scores_not_labels",),
            (
                f"These are scores, one per class, not predicted labels: the prediction is the"
                f" index of the largest score of each example. {fix}."
            ),
            lambda answer: (
                answer.shape == logits.shape
                and (
                    _matches(answer, logits, expected)
                    or _matches(answer, reference_softmax(logits, dim), expected)
                    or _matches(answer, log_softmax(logits, dim), expected)
                )
            ),
        )

    def hints(answer: torch.Tensor) -> str:
        num_classes = logits.shape[dim]
        if not (answer.numel() and is_integer_dtype(answer.dtype)):
            return ""
        if bool((answer < 0).any()) or bool((answer >= num_classes).any()):
            return (
                f" Labels are class indices from 0 to {num_classes - 1}; some of yours are"
                " outside that range."
            )
        return ""

    return _judge(answer, expected, mistakes(), hints)


# -- one-hot ---------------------------------------------------------------------------------


def one_hot(answer: object, labels: torch.Tensor, num_classes: int) -> Verdict:
    """Check one-hot rows for ``labels``: row ``i`` has a single 1, in column ``labels[i]``.

    The rows must be floating-point, ready to multiply with probabilities as the lecture does;
    any float dtype is accepted. The int64 rows that :func:`torch.nn.functional.one_hot`
    returns are named as a one-hot of the wrong dtype, with the fix ``.float()``.

    Parameters
    ----------
    answer : torch.Tensor
        The learner's one-hot rows, shape ``(N, num_classes)``.
    labels : torch.Tensor
        The class labels they encode: integers of shape ``(N,)``.
    num_classes : int
        The number of classes ``C``, the width of each row.

    Returns
    -------
    Verdict
        ``ok`` when ``answer`` equals ``xentdocs.one_hot(labels, num_classes)`` in a float
        dtype. Recognised mistakes: ``one_hot_dtype``, ``one_hot_width`` (possibly with
        ``one_hot_dtype``), ``labels_from_one``, ``one_hot_transposed``,
        ``labels_not_one_hot``, ``wrong_shape``.

    Raises
    ------
    TypeError
        If ``labels`` is not an integer tensor or ``num_classes`` is not an int.
    ValueError
        If ``labels`` is not 1-d, ``num_classes`` is below 1, or a label is negative or not
        below ``num_classes``.

    See Also
    --------
    :func:`xentdocs.one_hot` : the right answer.

    Examples
    --------
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from xentdocs import check, lecture_example
    >>> labels, logits = lecture_example()
    >>> check.one_hot(F.one_hot(labels, num_classes=3).float(), labels, num_classes=3)
    ✓ Correct: Your one-hot rows are right.
    >>> check.one_hot(F.one_hot(labels), labels, num_classes=3)
    ... # doctest: +NORMALIZE_WHITESPACE
    ✗ Not yet: This is a one-hot of the wrong dtype: the ones are in the right places, but the
    dtype is torch.int64 (torch.nn.functional.one_hot returns int64). The rows get multiplied
    with probabilities, which takes floats: add .float().
    """
    labels = check_tensor(labels, "labels")
    check_integer(labels, "labels")
    check_exact_dims(labels, "labels", 1, "one class label per example, shape (N,)")
    check_num_classes(num_classes)
    check_class_indices(labels, num_classes, "labels")
    rtol, atol = _tolerances()
    dtype_fix = "The rows get multiplied with probabilities, which takes floats: add .float()."
    expected = _Expected(
        reference_one_hot(labels, num_classes),
        "your one-hot rows",
        float_answer=True,
        dtype_mistake=(
            "one_hot_dtype",
            "This is a one-hot of the wrong dtype: the ones are in the right places, but the"
            " dtype is {dtype} (torch.nn.functional.one_hot returns int64). " + dtype_fix,
        ),
        rtol=rtol,
        atol=atol,
    )
    largest = int(labels.max()) if labels.numel() else -1

    def width_of(answer: torch.Tensor) -> int | None:
        """The answer's number of columns, when it has one row per label."""
        if answer.dim() == 2 and answer.shape[0] == labels.shape[0]:
            return answer.shape[1]
        return None

    def dtype_note(answer: torch.Tensor) -> str:
        if answer.is_floating_point():
            return ""
        return f" Also, its dtype is {answer.dtype}: add .float()."

    def wrong_width(answer: torch.Tensor) -> bool:
        width = width_of(answer)
        return (
            width is not None
            and width != num_classes
            and width > largest
            and _matches(answer, reference_one_hot(labels, width), expected)
        )

    def from_one(answer: torch.Tensor) -> bool:
        width = width_of(answer)
        return (
            width is not None
            and width > largest + 1
            and _matches(answer, reference_one_hot(labels + 1, width), expected)
        )

    def minus_one(answer: torch.Tensor) -> bool:
        shifted = (labels - 1) % num_classes
        return _matches(answer, reference_one_hot(shifted, num_classes), expected)

    def minus_one_message(answer: torch.Tensor) -> str:
        return (
            "Each 1 is one column to the left of its label (label 0 wrapped around to the last"
            " column): labels counted from 1, so 1 was subtracted. Class indices already start"
            " at 0: use the labels as they are." + dtype_note(answer)
        )

    def from_one_message(answer: torch.Tensor) -> str:
        width = answer.shape[1]
        extra = " and the extra column" if width == num_classes + 1 else ""
        message = (
            "Each 1 is one column to the right of its label: labels counted from 1. Class"
            f" indices start at 0, so label 0 goes in column 0; drop the + 1{extra}."
        )
        if width not in (num_classes, num_classes + 1):
            message += f" The rows should have num_classes={num_classes} columns."
        return message + dtype_note(answer)

    def width_message(answer: torch.Tensor) -> str:
        message = (
            f"This is a one-hot of the wrong width: {answer.shape[1]} columns instead of"
            f" num_classes={num_classes}. torch.nn.functional.one_hot(labels) without"
            " num_classes makes labels.max() + 1 columns, too few when the largest class has"
            f" no example in the batch: pass num_classes={num_classes}."
        )
        return message + dtype_note(answer)

    def mistakes() -> Iterator[Mistake]:
        yield (
            ("labels_from_one",),
            from_one_message,
            lambda answer: answer.is_floating_point() and from_one(answer),
        )
        yield (
            ("labels_from_one", "one_hot_dtype"),
            from_one_message,
            lambda answer: not answer.is_floating_point() and from_one(answer),
        )
        if num_classes > 1 and labels.numel():
            yield (
                ("labels_from_one",),
                minus_one_message,
                lambda answer: answer.is_floating_point() and minus_one(answer),
            )
            yield (
                ("labels_from_one", "one_hot_dtype"),
                minus_one_message,
                lambda answer: not answer.is_floating_point() and minus_one(answer),
            )
        yield (
            ("one_hot_width",),
            width_message,
            lambda answer: answer.is_floating_point() and wrong_width(answer),
        )
        yield (
            ("one_hot_width", "one_hot_dtype"),
            width_message,
            lambda answer: not answer.is_floating_point() and wrong_width(answer),
        )
        if labels.shape[0] != num_classes:
            yield (
                ("one_hot_transposed",),
                (
                    f"Your one-hot is transposed: one column per example, shape"
                    f" {format_shape((num_classes, labels.shape[0]))}. Make one row per example,"
                    f" shape {format_shape((labels.shape[0], num_classes))}."
                ),
                _value_test(lambda: expected.value.t(), expected),
            )
        yield (
            ("labels_not_one_hot",),
            (
                "These are the labels themselves, not one-hot rows: make one row per label with"
                f" a single 1 in the label's column, shape {format_shape(expected.value.shape)}."
            ),
            _value_test(lambda: labels, expected),
        )

    def hints(answer: torch.Tensor) -> str:
        if answer.shape != expected.value.shape:
            return ""
        ones_per_row = (_comparable(answer) == 1).sum(dim=1)
        if not (ones_per_row == 1).all():
            row = int((ones_per_row != 1).nonzero()[0])
            count = int(ones_per_row[row])
            return f" A one-hot row has exactly one 1; row {row} of yours has {count}."
        return ""

    return _judge(answer, expected, mistakes(), hints)


# -- losses ----------------------------------------------------------------------------------


def _check_loss_inputs(
    scores: object, scores_name: str, meaning: str, labels: object, reduction: object
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the inputs of a loss: float scores (C) or (N, C, ...) and matching class labels."""
    scores = check_loss_input(scores, meaning, name=scores_name)
    labels = check_tensor(labels, "labels")
    check_integer(labels, "labels")
    check_same_device(labels, "labels", scores, scores_name)
    expected_shape = class_index_shape(scores)
    if tuple(labels.shape) != expected_shape:
        raise ValueError(
            f"labels must have shape {format_shape(expected_shape)} (the shape of {scores_name}"
            f" {format_shape(scores.shape)} without the class dimension),"
            f" got {format_shape(labels.shape)}"
        )
    num_classes = scores.shape[class_dim(scores)]
    check_class_indices(labels, num_classes, "labels")
    check_reduction(reduction)
    return scores, labels.long()


def _picked(values: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Each example's entry of ``values`` in its label's class: ``values[i, labels[i]]``."""
    dim = class_dim(values)
    return values.gather(dim, labels.unsqueeze(dim)).squeeze(dim)


# The per-example mistakes of a loss: key, message, and the per-example losses it gives (or
# None when that mistake cannot happen with these inputs).
LossVariant = tuple[str, str, Callable[[], torch.Tensor | None]]


def _reductions(reduction: str, num_classes: int) -> list[tuple[str | None, str, Callable]]:
    """The reduction asked (key None), then the wrong reductions a learner may take instead."""

    def reduce(losses: torch.Tensor, how: str) -> torch.Tensor:
        if how == "none":
            return losses
        return losses.sum() if how == "sum" else losses.sum() / losses.numel()

    asked = (None, "", lambda losses: reduce(losses, reduction))
    if reduction == "none":
        one_number = (
            "This is one number where per-example losses were asked (reduction='none'): keep"
            " one loss per example, without the {how}."
        )
        return [
            asked,
            ("one_number_not_per_example", one_number.format(how="mean"), torch.mean),
            ("one_number_not_per_example", one_number.format(how="sum"), torch.sum),
        ]
    other = "sum" if reduction == "mean" else "mean"
    if reduction == "mean":
        wrong_reduction = (
            "This is the sum where the mean was asked: divide by the number of examples, or"
            " take .mean() instead of .sum()."
        )
    else:
        wrong_reduction = (
            "This is the mean where the sum was asked: take .sum() instead of .mean()."
        )
    result = [
        asked,
        (f"{other}_not_{reduction}", wrong_reduction, lambda losses: reduce(losses, other)),
        (
            "per_example_not_reduced",
            (
                "These are the per-example losses where one number was asked: reduce them to one"
                f" number with .{reduction}() (reduction='{reduction}')."
            ),
            lambda losses: losses,
        ),
    ]
    if reduction == "mean" and num_classes > 1:
        result.append(
            (
                "mean_over_classes",
                (
                    "This is the mean over all N*C entries of the product with the one-hot rows,"
                    " not over the N examples: it is C times too small. Sum over the classes"
                    " (dim=1) first, then take the mean over the examples."
                ),
                lambda losses: losses.sum() / (losses.numel() * num_classes),
            )
        )
        result.append(
            (
                "sum_wrong_dim",
                (
                    "This is the mean over the C classes of sums over the examples: the product"
                    " with the one-hot rows was summed along dim=0 (the examples) instead of"
                    " dim=1 (the classes). Sum along dim=1, then take the mean over the examples."
                ),
                lambda losses: losses.sum() / num_classes,
            )
        )
    return result


def _loss_mistakes(
    variants: list[LossVariant],
    reduction: str,
    num_classes: int,
    expected: _Expected,
) -> Iterator[Mistake]:
    """Every per-example mistake with every reduction: single mistakes first, then pairs."""
    _, _, correct = variants[0]
    reductions = _reductions(reduction, num_classes)
    _, _, asked = reductions[0]

    def candidate(losses: Callable[[], torch.Tensor | None], reduce: Callable) -> Callable:
        def compute() -> torch.Tensor | None:
            values = losses()
            return None if values is None else reduce(values)

        return _value_test(compute, expected)

    for key, message, reduce in reductions[1:]:
        yield (key,), message, candidate(correct, reduce)
    for key, message, losses in variants[1:]:
        yield (key,), message, candidate(losses, asked)
    for key, message, losses in variants[1:]:
        for reduction_key, reduction_message, reduce in reductions[1:]:
            yield (
                (key, reduction_key),
                f"Two mistakes. {message} And: {reduction_message}",
                candidate(losses, reduce),
            )


def _loss_expected(reference: torch.Tensor, reduction: str, *inputs: torch.Tensor) -> _Expected:
    rtol, atol = _tolerances(*inputs)
    return _Expected(
        reference,
        "your per-example losses" if reduction == "none" else "your loss",
        float_answer=True,
        dtype_mistake=_FLOAT_DTYPE_MISTAKE,
        rtol=rtol,
        atol=atol,
    )


def _all_rows_variants(values: torch.Tensor, labels: torch.Tensor) -> list[LossVariant]:
    """The losses of ``values[:, labels]``: every example's entry for every example's label.

    That is an ``(N, N)`` table, not one entry per example; its mean over the rows gives one
    "loss" per label, whose mean is the mean of the whole table. Only for ``(N, C)`` inputs.
    """
    if values.dim() != 2 or labels.numel() < 2:
        return []
    message = (
        "Your loss averages the log-probabilities of every example for every label:"
        " log_probas[:, labels] is an (N, N) table, not one entry per example. Index the rows"
        " too, log_probas[torch.arange(N), labels], or use .gather(1, labels.view(-1, 1))."
    )
    return [("indexing_all_rows", message, lambda: -values[:, labels].mean(dim=0))]


def _shifted_label_variants(
    values: torch.Tensor, labels: torch.Tensor, num_classes: int
) -> list[LossVariant]:
    """Losses that use the class next to the label: labels counted from 1, one way or another."""
    message = (
        "Each loss uses the log-probability of the class next to the example's label: labels"
        " counted from 1 (or shifted by one). Class indices start at 0; index with the labels"
        " as they are."
    )
    if num_classes < 2 or labels.numel() == 0:
        return []

    def plus_one() -> torch.Tensor | None:
        # Only possible when no label is the last class; otherwise indexing would fail.
        if int(labels.max()) + 1 >= num_classes:
            return None
        return -_picked(values, labels + 1)

    # Python-style indexing wraps label - 1 = -1 around to the last class.
    def minus_one() -> torch.Tensor:
        return -_picked(values, (labels - 1) % num_classes)

    return [("labels_from_one", message, plus_one), ("labels_from_one", message, minus_one)]


def _binary_cross_entropy(
    log_p: torch.Tensor, log_not_p: torch.Tensor, labels: torch.Tensor
) -> torch.Tensor | None:
    """Each example's binary cross-entropy against its one-hot row, averaged over the classes.

    ``log_p`` and ``log_not_p`` are ``log p`` and ``log(1 - p)`` for each class. The mean of the
    result is what ``binary_cross_entropy(p, one_hot)`` gives by default.
    """
    if log_p.dim() != 2:
        return None
    targets = reference_one_hot(labels, log_p.shape[1], dtype=log_p.dtype)
    return -(targets * log_p + (1 - targets) * log_not_p).mean(dim=1)


def _sign_hint(answer: torch.Tensor, name: str) -> str:
    if answer.is_floating_point() and answer.numel() and bool((_comparable(answer) < 0).any()):
        return f" A {name} is never negative; yours is."
    return ""


def cross_entropy(
    answer: object, logits: torch.Tensor, labels: torch.Tensor, reduction: str = "mean"
) -> Verdict:
    """Check the cross-entropy loss of ``logits`` for class ``labels``.

    Parameters
    ----------
    answer : torch.Tensor or float
        The learner's loss: one number (a 0-d tensor or a Python float) for ``'mean'`` and
        ``'sum'``, one loss per example (shape of ``labels``) for ``'none'``.
    logits : torch.Tensor
        The floating-point scores, shape ``(N, C)`` (or ``(C)``, or ``(N, C, d1, ..., dk)``),
        classes along dimension 1.
    labels : torch.Tensor
        The class labels, integers of shape ``(N,)`` (the shape of ``logits`` without ``C``).
    reduction : str, optional
        ``'mean'`` (the default), ``'sum'`` or ``'none'``, as for
        :func:`torch.nn.functional.cross_entropy`.

    Returns
    -------
    Verdict
        ``ok`` when ``answer`` equals ``F.cross_entropy(logits, labels, reduction=reduction)``.
        Recognised mistakes: ``naive_softmax_overflow``, ``log_of_zero_probability``,
        ``missing_minus``, ``labels_from_one``, ``probas_not_log_probas``,
        ``softmax_applied_twice``, ``logits_not_log_probas``, ``softmax_wrong_dim``,
        ``all_classes_not_true_class``, ``indexing_all_rows``, ``binary_cross_entropy``,
        ``wrong_log_base``, ``sum_not_mean``,
        ``mean_not_sum``, ``per_example_not_reduced``, ``one_number_not_per_example``,
        ``mean_over_classes``, ``sum_wrong_dim``, ``wrong_dtype``, ``wrong_shape``;
        a per-example mistake and a reduction mistake are also recognised together.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``labels`` not an integer tensor.
    ValueError
        If ``logits`` is 0-d or has no classes, ``labels`` has the wrong shape, is on another
        device or holds a label outside ``0..C-1``, or ``reduction`` is unknown.

    See Also
    --------
    :func:`xentdocs.cross_entropy` : the right answer.

    Examples
    --------
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from xentdocs import check, lecture_example
    >>> labels, logits = lecture_example()
    >>> check.cross_entropy(F.cross_entropy(logits, labels), logits, labels)
    ✓ Correct: Your loss is right.
    >>> probas = torch.softmax(logits, dim=1)
    >>> by_hand = -torch.log(probas[torch.arange(4), labels]).sum()
    >>> check.cross_entropy(by_hand, logits, labels)  # doctest: +NORMALIZE_WHITESPACE
    ✗ Not yet: This is the sum where the mean was asked: divide by the number of examples, or
    take .mean() instead of .sum().
    """
    logits, labels = _check_loss_inputs(
        logits, "logits", "scores, one per class", labels, reduction
    )
    dim = class_dim(logits)
    num_classes = logits.shape[dim]
    expected = _loss_expected(
        reference_cross_entropy(logits, labels, reduction=reduction), reduction, logits
    )

    def log_probas() -> torch.Tensor:
        return log_softmax(logits, dim)

    def losses() -> torch.Tensor:
        return -_picked(log_probas(), labels)

    variants: list[LossVariant] = [
        ("", "", losses),
        (
            "missing_minus",
            (
                "There is a missing minus sign: a log-probability is at most 0, and the loss is"
                " minus it, so that it is positive. Put a minus in front of the log."
            ),
            lambda: _picked(log_probas(), labels),
        ),
        *_shifted_label_variants(log_probas(), labels, num_classes),
        (
            "probas_not_log_probas",
            (
                "The log is missing: you used probabilities where log-probabilities are expected."
                " The loss is minus the log of the true class's probability: use"
                " torch.log_softmax(logits, dim=1), or torch.log of the probabilities."
            ),
            lambda: -_picked(reference_softmax(logits, dim), labels),
        ),
        (
            "softmax_applied_twice",
            (
                "This is softmax applied twice: you passed probabilities to a loss that applies"
                " softmax itself. torch.nn.functional.cross_entropy takes the logits; pass them"
                " directly."
            ),
            lambda: -_picked(log_softmax(reference_softmax(logits, dim), dim), labels),
        ),
        (
            "logits_not_log_probas",
            (
                "You passed logits where log-probabilities are expected: nll_loss does not apply"
                " log_softmax. Use torch.nn.functional.cross_entropy on the logits, or nll_loss"
                " of torch.log_softmax(logits, dim=1)."
            ),
            lambda: -_picked(logits, labels),
        ),
        (
            "all_classes_not_true_class",
            (
                "Your loss adds up the log-probabilities of every class, not only the true"
                " class's: multiply by the one-hot rows before the sum, or pick one"
                " log-probability per example with the labels."
            ),
            lambda: -log_probas().sum(dim=dim),
        ),
        *_all_rows_variants(log_probas(), labels),
        (
            "binary_cross_entropy",
            (
                "This is the binary cross-entropy (one yes-or-no question per class, as"
                " binary_cross_entropy and its _with_logits form compute), not the"
                " cross-entropy of a softmax over the classes: use"
                " torch.nn.functional.cross_entropy(logits, labels)."
            ),
            lambda: _binary_cross_entropy(F.logsigmoid(logits), F.logsigmoid(-logits), labels),
        ),
        (
            "binary_cross_entropy",
            (
                "This is the binary cross-entropy of the probabilities (binary_cross_entropy),"
                " not the cross-entropy: it also counts log(1 - p) for every wrong class. Use"
                " torch.nn.functional.cross_entropy(logits, labels)."
            ),
            lambda: _binary_cross_entropy(
                log_probas(), torch.log1p(-reference_softmax(logits, dim)), labels
            ),
        ),
    ]
    for other in range(logits.dim()):
        if other != dim and logits.shape[other] > 1:
            variants.append(
                (
                    "softmax_wrong_dim",
                    (
                        f"This is softmax over the wrong dimension: your log-probabilities are"
                        f" normalized along dim={other}, but the classes are along dim={dim}. Use"
                        f" torch.log_softmax(logits, dim={dim})."
                    ),
                    lambda other=other: -_picked(log_softmax(logits, other), labels),
                )
            )
    for base in (2, 10):
        variants.append(
            (
                "wrong_log_base",
                (
                    f"You used the log base {base} (torch.log{base}): cross-entropy here uses the"
                    " natural log, torch.log (as log_softmax does)."
                ),
                lambda base=base: losses() / math.log(base),
            )
        )

    def overflow(answer: torch.Tensor) -> str | None:
        """Which overflow made the answer nan or inf, if it is one."""
        if answer.shape != expected.value.shape or not _overflowed(answer, expected):
            return None
        naive_overflows = not torch.isfinite(naive_softmax(logits, dim)).all()
        # exp overflowing gives nan (inf / inf); a probability rounding to 0 gives log(0) = -inf.
        if naive_overflows and torch.isnan(answer).any():
            return "naive_softmax_overflow"
        if (_picked(reference_softmax(logits, dim), labels) == 0).any():
            return "log_of_zero_probability"
        return "naive_softmax_overflow" if naive_overflows else None

    def mistakes() -> Iterator[Mistake]:
        yield (
            ("naive_softmax_overflow",),
            _overflow_message(
                f"torch.log_softmax(logits, dim={dim}) or torch.nn.functional.cross_entropy"
            ),
            lambda answer: overflow(answer) == "naive_softmax_overflow",
        )
        yield (
            ("log_of_zero_probability",),
            (
                "This is the log of a probability that rounded to 0: torch.log(0) is -inf. Compute"
                f" the log-probabilities from the logits, with torch.log_softmax(logits, dim={dim})"
                " or torch.nn.functional.cross_entropy, which never form the probabilities."
            ),
            lambda answer: overflow(answer) == "log_of_zero_probability",
        )
        yield from _loss_mistakes(variants, reduction, num_classes, expected)

    return _judge(answer, expected, mistakes(), lambda answer: _sign_hint(answer, "cross-entropy"))


def nll_loss(
    answer: object, log_probas: torch.Tensor, labels: torch.Tensor, reduction: str = "mean"
) -> Verdict:
    """Check the negative log-likelihood loss of ``log_probas`` for class ``labels``.

    Parameters
    ----------
    answer : torch.Tensor or float
        The learner's loss: one number (a 0-d tensor or a Python float) for ``'mean'`` and
        ``'sum'``, one loss per example (shape of ``labels``) for ``'none'``.
    log_probas : torch.Tensor
        The floating-point log-probabilities, shape ``(N, C)`` (or ``(C)``, or
        ``(N, C, d1, ..., dk)``), classes along dimension 1; for instance
        ``torch.log_softmax(logits, dim=1)``.
    labels : torch.Tensor
        The class labels, integers of shape ``(N,)`` (the shape of ``log_probas`` without
        ``C``).
    reduction : str, optional
        ``'mean'`` (the default), ``'sum'`` or ``'none'``, as for
        :func:`torch.nn.functional.nll_loss`.

    Returns
    -------
    Verdict
        ``ok`` when ``answer`` equals ``F.nll_loss(log_probas, labels, reduction=reduction)``.
        Recognised mistakes: ``probas_not_log_probas``, ``missing_minus``, ``labels_from_one``,
        ``all_classes_not_true_class``, ``indexing_all_rows``, ``sum_not_mean``, ``mean_not_sum``,
        ``per_example_not_reduced``, ``one_number_not_per_example``, ``mean_over_classes``,
        ``sum_wrong_dim``, ``wrong_dtype``, ``wrong_shape``; a per-example mistake and a
        reduction mistake are also recognised together.

    Raises
    ------
    TypeError
        If ``log_probas`` is not a floating-point tensor or ``labels`` not an integer tensor.
    ValueError
        If ``log_probas`` is 0-d or has no classes, ``labels`` has the wrong shape, is on
        another device or holds a label outside ``0..C-1``, or ``reduction`` is unknown.

    See Also
    --------
    :func:`xentdocs.nll_loss` : the right answer.

    Examples
    --------
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from xentdocs import check, lecture_example
    >>> labels, logits = lecture_example()
    >>> log_probas = torch.log_softmax(logits, dim=1)
    >>> check.nll_loss(F.nll_loss(log_probas, labels), log_probas, labels)
    ✓ Correct: Your loss is right.
    >>> probas = torch.softmax(logits, dim=1)
    >>> check.nll_loss(F.nll_loss(probas, labels), log_probas, labels)
    ... # doctest: +NORMALIZE_WHITESPACE
    ✗ Not yet: You passed probabilities where log-probabilities are expected: nll_loss takes
    no log itself, so the "losses" are minus the probabilities. Pass
    torch.log_softmax(logits, dim=1), or the log of the probabilities.
    """
    log_probas, labels = _check_loss_inputs(
        log_probas, "log_probas", "log-probabilities, one per class", labels, reduction
    )
    dim = class_dim(log_probas)
    num_classes = log_probas.shape[dim]
    expected = _loss_expected(
        reference_nll_loss(log_probas, labels, reduction=reduction), reduction, log_probas
    )
    variants: list[LossVariant] = [
        ("", "", lambda: -_picked(log_probas, labels)),
        (
            "probas_not_log_probas",
            (
                "You passed probabilities where log-probabilities are expected: nll_loss takes no"
                ' log itself, so the "losses" are minus the probabilities. Pass'
                f" torch.log_softmax(logits, dim={dim}), or the log of the probabilities."
            ),
            lambda: -_picked(torch.exp(log_probas), labels),
        ),
        (
            "missing_minus",
            (
                "There is a missing minus sign: a log-probability is at most 0, and the loss is"
                " minus it, so that it is positive. Put a minus in front of the log-probability."
            ),
            lambda: _picked(log_probas, labels),
        ),
        *_shifted_label_variants(log_probas, labels, num_classes),
        (
            "all_classes_not_true_class",
            (
                "Your loss adds up the log-probabilities of every class, not only the true"
                " class's: multiply by the one-hot rows before the sum, or pick one"
                " log-probability per example with the labels."
            ),
            lambda: -log_probas.sum(dim=dim),
        ),
        *_all_rows_variants(log_probas, labels),
    ]

    def hints(answer: torch.Tensor) -> str:
        if bool((log_probas > 0).any()):  # not log-probabilities: no sign to expect
            return ""
        return _sign_hint(answer, "negative log-likelihood")

    return _judge(
        answer, expected, _loss_mistakes(variants, reduction, num_classes, expected), hints
    )
