r"""Check a learner's answer and name the mistake behind a wrong one.

An exercise asks for a tensor (probabilities, predicted labels, one-hot rows, a loss) and the
learner computes it. Each function here takes that answer and the inputs it was computed from,
computes the right result, and returns a :class:`Verdict`.

When the answer is wrong, the checker computes the answers that the classic mistakes give
(softmax over the wrong dimension, labels counted from 1, a missing minus sign, the sum where
the mean was asked, ...) and compares each with the learner's. A mistake is named only when the
answer matches it and no other: when two mistakes give the same numbers for these inputs, the
verdict says so and lists both in :attr:`Verdict.alternatives`. Two mistakes at once (a missing
minus sign *and* the sum instead of the mean) are named together. When nothing matches, the
verdict says what differs (the shape, the dtype, or which entries) without showing the expected
values.

The rules, for exercise authors:

* **A wrong answer is never accepted.** Integer answers (labels, one-hot rows) are compared
  exactly. A floating-point answer may differ from the exact value only by as much as a right
  answer computed from these inputs can: the checker computes the right answer in float64 and,
  every way the pages teach (``F.softmax``, the formula by hand, the log of the probabilities,
  ...), in the least precise dtype of the answer and the inputs; an answer passes when it is
  within 1.5 times their spread around the float64 value, or within one unit in the last place
  of that dtype (16 for float64, the dtype of the reference itself). A wrong answer closer than
  that is one that no right computation in that dtype could be told from. A way that overflows
  in that dtype (``exp`` of a large logit, a sum of 50,000 exponentials in float16) is the
  mistake ``naive_softmax_overflow``, not a right answer, and widens nothing. Log-sum-exp minus
  the true class's logit, by hand in float16 or bfloat16, is less precise than these ways where
  a loss is small (the two nearly cancel, and its error is a unit of the logits, not of the
  loss): such an answer can be refused; in float32 and float64 it passes.
* **A wrong answer never raises.** Whatever the answer (``None``, a list, a string, a NumPy array
  of any layout or byte order, an int too large for any dtype, a meta, sparse or nested tensor,
  the pair ``topk`` returns, ...), the result is a verdict. Bad *inputs* to the checker (logits
  that are not a float tensor, labels that are not integers, an unknown ``reduction``, ...)
  raise :class:`TypeError` or :class:`ValueError`, as everywhere in the package.
* **Another valid way is accepted.** ``F.softmax``, a softmax by hand, float64 instead of
  float32, NumPy, a Python ``float`` or an answer on another device all pass. A single number may
  be a 0-d tensor, a Python number or a NumPy scalar; a NumPy array is read as a tensor.
* **The dtype is part of the answer.** Probabilities, one-hot rows and losses must be
  floating-point (any float dtype); predicted labels must be integers (any integer dtype).
  In particular :func:`one_hot` expects float rows, ready to multiply with probabilities as the
  lecture does, so the int64 rows of :func:`torch.nn.functional.one_hot` are named as a one-hot
  of the wrong dtype.

Each verdict lists the mistakes it recognised in :attr:`Verdict.mistakes`, as stable keys an
exercise can test (the messages may be reworded; the keys stay). The catalogue is data, one
record per mistake in ``xentdocs/check/_mistakes.py``; this table is made from it:

{table}
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from xentdocs._validation import (
    as_class_indices,
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
from xentdocs.check import _mistakes
from xentdocs.check._mistakes import Inputs, Mistake, picked, record, right_answers

__doc__ = __doc__.replace("{table}", _mistakes.summary_table())

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

# A float answer passes within MARGIN times the spread of the right answers computed in its
# dtype, or within ULPS units in the last place of that dtype (see the module's docstring).
MARGIN = 1.5
ULPS = 1.0
# A mistake is named with a looser tolerance: its wrong answer, made another way, rounds
# differently from the registry's. Naming never accepts an answer, and when two mistakes both
# fit, the verdict says so instead of naming one.
NAMING_MARGIN = 4.0

# The most entries a right answer is computed with when the answer has another shape.
LARGEST = 2**28

# The float dtypes the package computes in; an answer in another (float8) is compared with the
# right answer computed in float32 and rounded to its dtype.
COMPUTE_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


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
        the answer is right, when no known mistake explains it, or when several do.
    alternatives : tuple of tuple of str
        When two or more mistakes (or pairs of mistakes) give the same numbers for these inputs,
        so that the answer cannot tell which was made: the keys of each. Empty otherwise.

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
    alternatives: tuple[tuple[str, ...], ...] = ()

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


def _documented(check: str) -> Callable[[Callable], Callable]:
    """Fill a checker's "Recognised mistakes" from the registry."""

    def decorate(function: Callable) -> Callable:
        function.__doc__ = function.__doc__.replace("{recognised}", _mistakes.recognised(check))
        return function

    return decorate


# -- reading the answer ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Expected:
    """What the right answer looks like: for the messages and the checks every answer shares."""

    check: str
    what: str  # "your probabilities", named in messages
    float_answer: bool  # floating-point (probabilities, losses) or integer (labels)
    shape: tuple[int, ...]
    exact: bool  # integer-valued (labels, one-hot rows): compared exactly


def _describe_answer(answer: object) -> str:
    """Name what the learner gave, briefly: a long repr would drown the message."""
    if isinstance(answer, torch.Tensor):
        if answer.is_nested:
            return f"a nested tensor of dtype {answer.dtype}"
        where = " on the meta device" if answer.device.type == "meta" else ""
        return f"a tensor of shape {format_shape(answer.shape)} and dtype {answer.dtype}{where}"
    try:
        text = repr(answer)
    except Exception:  # noqa: BLE001 - a repr that fails is the answer's problem, not a reason to raise
        text = "..."
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(answer).__name__} {text}"


def _expected_form(expected: _Expected) -> str:
    """Say what kind of tensor is expected: its shape and dtype family."""
    kind = "a floating-point" if expected.float_answer else "an integer"
    return f"{kind} torch.Tensor of shape {format_shape(expected.shape)}"


def _not_a_tensor(answer: object, expected: _Expected, note: str = "") -> "Verdict":
    hint = note
    if not hint and isinstance(answer, (list, tuple)):
        hint = " Wrap it with torch.tensor(...), or compute it with tensor operations."
    message = record("not_a_tensor", expected.check).message.format(
        given=_describe_answer(answer), expected=_expected_form(expected), hint=hint
    )
    return Verdict(False, message, ("not_a_tensor",))


def _from_numpy(answer: object) -> torch.Tensor | None:
    """A NumPy array or scalar as a tensor, whatever its strides and byte order; else None."""
    array = np.asarray(answer)
    kind = array.dtype.kind
    if kind not in "biufc":
        return None  # strings, objects, dates: not numbers
    if kind == "f" and array.dtype.itemsize > 8:
        array = array.astype(np.float64)  # long double: no torch dtype
    elif kind == "c" and array.dtype.itemsize > 16:
        array = array.astype(np.complex128)
    elif kind == "u" and array.dtype.itemsize > 1:
        # torch's uint16/32/64 support few operations: int64 holds the values, saturated past
        # its largest (which no right answer reaches), and they stay integers.
        array = np.minimum(array, np.uint64(2**63 - 1)).astype(np.int64)
    # A copy in native byte order, C-contiguous: torch takes neither negative strides nor
    # big-endian data.
    array = array.astype(array.dtype.newbyteorder("="), order="C", copy=True)
    return torch.from_numpy(array)


def _from_python_number(answer: complex) -> torch.Tensor | None:
    if isinstance(answer, int):
        if -(2**63) <= answer < 2**63:
            return torch.tensor(answer, dtype=torch.int64)
        try:
            return torch.tensor(float(answer), dtype=torch.float64)
        except OverflowError:
            return None
    dtype = torch.complex128 if isinstance(answer, complex) else torch.float64
    return torch.tensor(answer, dtype=dtype)


def _pair_verdict(answer: tuple, expected: _Expected, dim: int) -> "Verdict":
    """The (values, indices) pair of .max(dim=...), topk, sort, ... where labels were asked."""
    function = type(answer).__name__
    name = f".{function}(dim=...)" if function in ("max", "min") else f"torch.{function}"
    squeeze = ""
    indices = getattr(answer, "indices", None)
    if isinstance(indices, torch.Tensor) and tuple(indices.shape) != expected.shape:
        squeeze = (
            f" — but they have shape {format_shape(indices.shape)}, not"
            f" {format_shape(expected.shape)}: one label per example is"
            f" torch.argmax(logits, dim={dim})"
        )
    message = record("max_pair", expected.check).message.format(function=name, squeeze=squeeze)
    return Verdict(False, message, ("max_pair",))


def _as_tensor(answer: object, expected: _Expected, dim: int) -> torch.Tensor | Verdict:
    """Read the answer as a dense CPU tensor with values, or return the verdict that it is not."""
    if answer is None:
        # An exercise's cell starts as ``answer = None``: say there is no answer yet.
        message = (
            f"{NO_ANSWER}: your answer is None. Replace None with your code (if a function"
            f" of yours computed it, make it return its result). Expected"
            f" {_expected_form(expected)}."
        )
        return Verdict(False, message, ("not_a_tensor",))
    if isinstance(answer, torch.Tensor):
        return _readable_tensor(answer, expected)
    if isinstance(answer, (int, float, complex)) and not isinstance(answer, bool):
        tensor = _from_python_number(answer)
        if tensor is None:
            note = " It is too large for any tensor dtype."
            return _not_a_tensor(answer, expected, note)
        return tensor
    if type(answer).__module__ == "numpy" and hasattr(answer, "dtype"):
        tensor = _from_numpy(answer)
        if tensor is not None:
            return tensor
    if (
        isinstance(answer, tuple)
        and hasattr(answer, "values")
        and hasattr(answer, "indices")
        and not expected.float_answer
    ):
        return _pair_verdict(answer, expected, dim)
    return _not_a_tensor(answer, expected)


def _readable_tensor(answer: torch.Tensor, expected: _Expected) -> torch.Tensor | Verdict:
    """A tensor answer as a plain dense CPU tensor, or the verdict that its values are not there."""
    answer = answer.detach()
    if answer.is_nested or answer.device.type == "meta":
        if answer.is_nested:
            why = "its rows have different lengths, where one regular tensor is needed"
            fix = "compute it with regular tensor operations, or torch.stack the rows"
        else:
            why = "the meta device holds shapes but no values"
            fix = "compute it from the inputs on the CPU (or another real device)"
        message = (
            f"Your answer is {_describe_answer(answer)}: {why}. Expected"
            f" {_expected_form(expected)}; {fix}."
        )
        return Verdict(False, message, ("not_a_tensor",))
    if answer.is_quantized:
        answer = answer.dequantize()
    if answer.layout != torch.strided:
        answer = answer.to_dense()  # sparse answers: the values are what counts
    answer = answer.cpu()
    if answer.dtype in (torch.uint16, torch.uint32, torch.uint64):
        # Few operations take these: int64 holds the values (saturated past its largest, which
        # no right answer reaches), and they stay integers, as labels must be.
        too_large = answer.to(torch.float64) >= 2.0**63
        answer = answer.to(torch.int64).masked_fill(too_large, 2**63 - 1)
    return answer


def _float64(tensor: torch.Tensor) -> torch.Tensor:
    """The values of a real tensor in float64 on the CPU, so that any two compare."""
    return tensor.detach().to(device="cpu", dtype=torch.float64)


# -- comparing ---------------------------------------------------------------------------------


def _spacing(values: torch.Tensor, dtypes: list[torch.dtype]) -> torch.Tensor:
    """One unit in the last place of the least precise of ``dtypes``, at each value (float64).

    Both neighbours of the exact value in that dtype are then within reach: an answer rounded
    either way passes. The reference is itself computed in float64, so a float64 answer gets 16
    of its units.
    """
    eps = max(torch.finfo(dtype).eps * (16 if dtype == torch.float64 else 1) for dtype in dtypes)
    tiny = max(torch.finfo(dtype).tiny for dtype in dtypes)
    _, exponent = torch.frexp(values.abs().nan_to_num(posinf=1.0).clamp(min=tiny))
    return eps * torch.pow(2.0, exponent.to(torch.float64) - 1)


@dataclass(frozen=True)
class _Target:
    """A value to compare answers with: in float64, and how far a way to compute it can be off."""

    value: torch.Tensor  # float64
    allowed: torch.Tensor | None  # float64 per entry, the largest difference that matches
    # (None: labels or one-hot rows, compared exactly)


def _target(
    exact: torch.Tensor, others: list[torch.Tensor | None], dtypes: list[torch.dtype]
) -> _Target:
    """Compare with ``exact`` (float64), allowing the spread of ``others`` (low precision)."""
    value = _float64(exact)
    if not exact.is_floating_point() or not dtypes:
        return _Target(value, None)
    spread = torch.zeros((), dtype=torch.float64)
    for other in others:
        if other is None or other.shape != exact.shape:
            continue
        # A way that overflows where the value is finite tells nothing there (the registry's
        # quotients by a sum that overflowed are nan, not the zeros x / inf rounds to).
        gap = (_float64(other) - value).abs().nan_to_num(nan=0.0, posinf=0.0)
        spread = torch.maximum(spread, gap)
    return _Target(value, torch.maximum(MARGIN * spread, ULPS * _spacing(value, dtypes)))


def _close(given: torch.Tensor, target: _Target) -> torch.Tensor:
    """Per entry: is ``given`` (float64, same shape) within what the target allows?"""
    if target.allowed is None:
        return given == target.value
    # Equal infinities match, and nan matches nan (a nan in the right answer comes from the
    # inputs); inf - inf is nan, so the difference alone would refuse them.
    same = (given == target.value) | (torch.isnan(given) & torch.isnan(target.value))
    return same | ((given - target.value).abs() <= target.allowed)


def _matches(given: torch.Tensor, target: _Target | None) -> bool:
    if target is None or given.shape != target.value.shape:
        return False
    return bool(_close(given, target).all())


# -- the engine --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A wrong answer that one mistake, or a pair, gives: its records and message fields."""

    records: tuple[Mistake, ...]
    fields: dict[str, object]
    value: torch.Tensor | None


def _candidates(inputs: Inputs, answer: torch.Tensor, pairs: bool) -> list[_Candidate]:
    """The wrong answers the registry makes for ``inputs``: single mistakes, or pairs.

    The list depends on the shapes and labels only, so that the lists made in two dtypes line
    up entry by entry.
    """
    check = inputs.check
    found: list[_Candidate] = []
    if not pairs:
        for mistake in _mistakes.for_check(check, "answer"):
            for value, fields in mistake.make(inputs, answer):
                found.append(_Candidate((mistake,), fields, value))
    if check not in _mistakes.LOSS_CHECKS:
        return found
    reductions = _mistakes.for_check(check, "reduction")
    if not pairs:
        right_losses = -picked(inputs.log_probas(), inputs.labels)
        for mistake in reductions:
            for value, fields in mistake.make(inputs, right_losses):
                found.append(_Candidate((mistake,), fields, value))
    for mistake in _mistakes.for_check(check, "losses"):
        for losses, fields in mistake.make(inputs, answer):
            if not pairs:
                asked = None if losses is None else _mistakes.reduce(losses, inputs.reduction)
                found.append(_Candidate((mistake,), fields, asked))
                continue
            for reduction in reductions:
                for value, more in [] if losses is None else reduction.make(inputs, losses):
                    found.append(_Candidate((mistake, reduction), {**fields, **more}, value))
    return found


def _low_dtypes(answer: torch.Tensor, given_dtype: torch.dtype | None) -> list[torch.dtype]:
    """The float dtypes a right answer may have been computed in: the answer's and the inputs'."""
    dtypes = []
    for dtype in (answer.dtype, given_dtype):
        if dtype is not None and dtype.is_floating_point and dtype not in dtypes:
            dtypes.append(dtype)
    return dtypes


def _in_dtype(inputs: Inputs, dtype: torch.dtype) -> Inputs:
    """``inputs`` cast to a dtype the package computes in (float32 stands in for float8)."""
    return inputs.to(dtype if dtype in COMPUTE_DTYPES else torch.float32)


def _rounded(value: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
    """A value computed in float32 for a float8 answer, rounded to that answer's dtype."""
    if value is None or not value.is_floating_point() or dtype in COMPUTE_DTYPES:
        return value
    return value.to(dtype).to(torch.float32)


def _judge(
    answer: object,
    given: Inputs,
    expected: _Expected,
    hints: Callable[[torch.Tensor, Callable[[torch.Tensor], torch.Tensor]], str],
) -> Verdict:
    """The verdict every checker shares: right, a recognised mistake, or what differs."""
    try:
        tensor = _as_tensor(answer, expected, given.dim)
        if isinstance(tensor, Verdict):
            return tensor
        if math.prod(expected.shape) > LARGEST and tuple(tensor.shape) != expected.shape:
            # The right answer would not fit in memory (one_hot with num_classes=2**40): the
            # shape alone says that this answer is not it.
            message = (
                f"{expected.what} should have shape {format_shape(expected.shape)},"
                f" yours has shape {format_shape(tensor.shape)}."
            )
            return Verdict(False, _sentence(message), ())
        return _judge_tensor(tensor, given, expected, hints)
    except Exception as error:  # noqa: BLE001 - never raise on an answer: say why instead
        message = (
            f"Your answer ({_describe_answer(answer)}) could not be compared with the right one"
            f" ({type(error).__name__}): expected {_expected_form(expected)}."
        )
        return Verdict(False, message, ())


def _judge_tensor(
    answer: torch.Tensor,
    given: Inputs,
    expected: _Expected,
    hints: Callable[[torch.Tensor, Callable[[torch.Tensor], torch.Tensor]], str],
) -> Verdict:
    check = given.check
    inputs = given.to(torch.float64)
    given_dtype = None if given.scores is None else given.scores.dtype
    dtypes = _low_dtypes(answer, given_dtype)
    lows = [_in_dtype(inputs, dtype) for dtype in dtypes]

    # One-hot rows are compared exactly, whatever their dtype; so are integer values.
    integral = check == "one_hot"

    def target_of(exact: torch.Tensor | None, others: list) -> _Target | None:
        if exact is None:
            return None
        return _target(exact, others, [] if integral else dtypes)

    # The right answer, and every way to compute it in the low dtypes.
    ways = right_answers(inputs)
    low_ways = [
        [_rounded(way, dtype) for way in right_answers(low)]
        for low, dtype in zip(lows, dtypes, strict=True)
    ]
    reference = target_of(ways[0], [way for per_dtype in low_ways for way in per_dtype])
    if expected.exact:  # labels and one-hot rows: equal to one of the ways, exactly
        rights = [target_of(way, []) for way in ways]
        rights += [target_of(way, []) for per_dtype in low_ways for way in per_dtype]
    else:
        rights = [reference]
    if answer.dtype.is_complex:
        return Verdict(False, _what_differs(answer, expected, reference), ())
    given64 = _float64(answer)
    if any(_matches(given64, right) for right in rights):
        answer_is_float = answer.is_floating_point()
        if expected.float_answer == answer_is_float and (
            answer_is_float or is_integer_dtype(answer.dtype)
        ):
            verb = "is" if expected.what.endswith("loss") else "are"
            return Verdict(True, _sentence(f"{expected.what} {verb} right."), ())
        key = {"predictions": "predictions_dtype", "one_hot": "one_hot_dtype"}.get(
            check, "wrong_dtype"
        )
        message = record(key, check).message.format(dtype=answer.dtype)
        return Verdict(False, message, (key,))
    if (
        expected.float_answer
        and not expected.exact
        and is_integer_dtype(answer.dtype)
        and given64.shape == reference.value.shape
        and torch.equal(given64, reference.value.round())
        and _whole(reference, dtypes)
    ):  # right values that are whole numbers, as integers: wrong only in the dtype
        message = record("wrong_dtype", check).message.format(dtype=answer.dtype)
        return Verdict(False, message, ("wrong_dtype",))

    matched = _matching_mistakes(answer, given64, given, lows, dtypes, rights, target_of)
    if matched:
        return _mistake_verdict(matched, answer, expected, inputs)

    if (
        tuple(answer.shape) != expected.shape
        and answer.numel() == reference.value.numel()
        and any(_matches(given64.reshape(expected.shape), right) for right in rights)
    ):
        message = record("wrong_shape", check).message.format(
            what=expected.what,
            shape=format_shape(expected.shape),
            answer_shape=format_shape(answer.shape),
        )
        return Verdict(False, _sentence(message), ("wrong_shape",))
    message = _what_differs(answer, expected, reference)
    return Verdict(False, _sentence(message + hints(answer, _float64)), ())


def _whole(reference: _Target, dtypes: list[torch.dtype]) -> bool:
    """True when the right values are whole numbers, as far as ``dtypes`` can tell.

    A value below the smallest normal number of the dtype (a probability of ``exp(-100)``)
    counts as 0: integers that are the right values rounded are then right but for the dtype.
    """
    tiny = max((torch.finfo(dtype).tiny for dtype in dtypes), default=0.0)
    allowed = tiny if reference.allowed is None else torch.clamp(reference.allowed, min=tiny)
    distance = (reference.value - reference.value.round()).abs()
    return bool((distance <= allowed).all())


def _matching_mistakes(
    answer: torch.Tensor,
    given64: torch.Tensor,
    given: Inputs,
    lows: list[Inputs],
    dtypes: list[torch.dtype],
    rights: list[_Target | None],
    target_of: Callable,
) -> list[_Candidate]:
    """The candidates the answer matches: the tests, then the single mistakes, then the pairs.

    Only the first group with a match counts: a pair is considered only when no single mistake
    explains the answer. A mistake that gives the right answer for these inputs (the binary
    cross-entropy of two classes is the cross-entropy) is no mistake here, and is never named.
    """
    check = given.check
    reference = rights[0]
    inputs = given.to(torch.float64)
    tests = []
    # The softmax test also knows the naive quotients that rounded to 0, which are finite.
    if given64.shape == reference.value.shape and (
        check == "softmax" or _overflowed(given64, reference)
    ):
        for mistake in _mistakes.for_check(check, "test"):
            for _, fields in mistake.make(given, answer):
                tests.append(_Candidate((mistake,), fields, None))
    if tests:
        return tests
    # A mistake made another way is as precise, relatively, as the right answer made another
    # way: the candidate's own spread is widened to the right answer's relative spread.
    relative = 0.0
    finite = torch.isfinite(reference.value)
    if reference.allowed is not None and finite.any():
        largest = reference.value[finite].abs().max()
        if largest > 0:
            relative = float(reference.allowed[finite].max() / largest)
    # A mistake whose wrong answer is as close to the right one as naming allows is not told
    # from a right answer computed imprecisely: it is never named.
    near_right = rights
    if reference.allowed is not None:
        widened = torch.maximum(reference.allowed, relative * reference.value.abs())
        near_right = [_Target(reference.value, NAMING_MARGIN * widened)]
    # The inputs are rounded to their dtype; a learner who made the mistake from the values
    # before that rounding (probabilities from the logits, where the checker was given their
    # log-softmax) is a unit of the inputs off: the inputs nudged by one unit show how far.
    nudged = None
    if reference.allowed is not None and given.scores is not None:
        eps = torch.finfo(given.scores.dtype).eps
        nudged = replace(inputs, scores=inputs.scores * (1 + eps))
    for pairs in (False, True):
        exact = _candidates(inputs, answer, pairs)
        shaped = [
            c.value is not None and tuple(c.value.shape) == tuple(answer.shape) for c in exact
        ]
        if not any(shaped):
            continue
        per_dtype = [_candidates(low, answer, pairs) for low in lows]
        rounding = list(dtypes)
        if nudged is not None:  # how much the inputs' own rounding moves each wrong answer
            per_dtype.append(_candidates(nudged, answer, pairs))
            rounding.append(torch.float64)
        matched = []
        for index, candidate in enumerate(exact):
            if not shaped[index]:
                continue
            if any(_matches(_float64(candidate.value), right) for right in near_right):
                continue  # this "mistake" gives the right answer for these inputs
            others = [
                _rounded(candidates[index].value, dtype)
                for candidates, dtype in zip(per_dtype, rounding, strict=True)
            ]
            target = target_of(candidate.value, others)
            if target.allowed is not None:
                widened = relative * target.value.abs()
                allowed = NAMING_MARGIN * torch.maximum(target.allowed, widened)
                target = _Target(target.value, allowed)
                found = _matches(given64, target)
            else:  # labels: the exact value or the one computed in a low dtype
                found = any(
                    _matches(given64, target_of(value, []))
                    for value in [candidate.value, *others]
                    if value is not None
                )
            if found:
                matched.append(candidate)
        if matched:
            return matched
    return []


def _overflowed(given64: torch.Tensor, reference: _Target) -> bool:
    """True when the answer has nan or inf where the right answer is finite."""
    return bool((~torch.isfinite(given64) & torch.isfinite(reference.value)).any())


def _mistake_verdict(
    matched: list[_Candidate], answer: torch.Tensor, expected: _Expected, inputs: Inputs
) -> Verdict:
    """Name the one mistake (or pair) the answer matches, or say that several fit."""
    explanations: dict[tuple[str, ...], _Candidate] = {}
    for candidate in matched:
        keys = tuple(mistake.key for mistake in candidate.records)
        explanations.setdefault(keys, candidate)
    if len(explanations) > 1:
        fits = "; or ".join(
            " and ".join(mistake.summary.replace("``", "") for mistake in candidate.records)
            for candidate in explanations.values()
        )
        message = (
            f"With these inputs, {len(explanations)} different mistakes give your answer"
            f" (to rounding), so which one you made cannot be told from it: {fits}."
        )
        return Verdict(False, message, (), tuple(explanations))
    ((keys, candidate),) = explanations.items()
    fields = {**inputs.fields, **candidate.fields}
    texts = [mistake.message.format(**fields) for mistake in candidate.records]
    message = texts[0] if len(texts) == 1 else f"Two mistakes. {texts[0]} And: {texts[1]}"
    value = candidate.value
    if (
        value is not None
        and expected.float_answer
        and value.is_floating_point()
        and not answer.is_floating_point()
    ):
        # The right kind of wrong values, in the wrong dtype as well.
        key = "one_hot_dtype" if expected.check == "one_hot" else "wrong_dtype"
        keys = (*keys, key)
        message += f" Also, its dtype is {answer.dtype}: add .float()."
    return Verdict(False, message, keys)


def _what_differs(answer: torch.Tensor, expected: _Expected, reference: _Target) -> str:
    """Say what differs between the answer and the right one, without giving it away."""
    if answer.dtype.is_complex or answer.dtype == torch.bool:
        wanted = "floating-point" if expected.float_answer else "integer"
        return f"{expected.what} should be a {wanted} tensor, yours has dtype {answer.dtype}."
    if tuple(answer.shape) != expected.shape:
        return (
            f"{expected.what} should have shape {format_shape(expected.shape)},"
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
    given, wanted = _float64(answer), reference.value
    not_finite = ~torch.isfinite(given) & torch.isfinite(wanted)
    if len(expected.shape) == 0:
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
        wrong = ~_close(given, reference)
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


def _position(index: list[int]) -> str:
    return str(index[0]) if len(index) == 1 else str(tuple(index))


def _sentence(text: str) -> str:
    """Start ``text`` with a capital letter, leaving the rest as it is."""
    return text[:1].upper() + text[1:]


def _check_values(tensor: torch.Tensor, name: str) -> torch.Tensor:
    """Raise ValueError unless ``tensor`` is a plain tensor with values; return it on the CPU."""
    if tensor.is_nested or tensor.layout != torch.strided:
        raise ValueError(
            f"{name} must be a dense (strided) tensor, got a tensor with layout {tensor.layout}"
            f"{' (nested)' if tensor.is_nested else ''}; convert it with {name}.to_dense()"
        )
    if tensor.device.type == "meta":
        raise ValueError(
            f"{name} must have values to check an answer against, got a tensor on meta"
        )
    return tensor.detach().cpu()


def _inputs(
    check: str,
    scores: torch.Tensor | None,
    labels: torch.Tensor | None,
    dim: int,
    num_classes: int,
    reduction: str = "mean",
) -> Inputs:
    """The checker's inputs as given (on the CPU), in their own dtype."""
    dtype = torch.float32 if scores is None else scores.dtype
    return Inputs(check, scores, labels, dim, num_classes, reduction, dtype)


# -- softmax ---------------------------------------------------------------------------------


@_documented("softmax")
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
        {recognised}.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, on the meta device, ``dim`` is out of range or has size 0.

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
    logits = _check_values(logits, "logits")
    check_has_dims(logits, "logits", "the classes")
    dim = check_dim(dim, logits, "logits") % logits.dim()
    inputs = _inputs("softmax", logits, None, dim, logits.shape[dim])
    expected = _Expected("softmax", "your probabilities", True, tuple(logits.shape), False)

    def hints(answer: torch.Tensor, as_float64: Callable) -> str:
        if tuple(answer.shape) != tuple(logits.shape) or not answer.is_floating_point():
            return ""
        values = as_float64(answer)
        if not torch.isfinite(values).all():
            return ""
        sums = values.sum(dim=dim)
        tolerance = 10 * torch.finfo(answer.dtype).eps * logits.shape[dim]
        if not torch.allclose(sums, torch.ones_like(sums), rtol=0, atol=tolerance):
            return f" Your values along dim={dim} do not sum to one, as probabilities must."
        if (values < 0).any():
            return " Probabilities are never negative; some of yours are."
        return ""

    return _judge(answer, inputs, expected, hints)


# -- predictions -----------------------------------------------------------------------------


@_documented("predictions")
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
        ``ok`` when ``answer`` equals ``torch.argmax(logits, dim=dim)`` exactly (or the argmax
        of the softmax of ``logits``, which can differ only where two probabilities round to
        the same number). Recognised mistakes: {recognised}.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, on the meta device, ``dim`` is out of range or has size 0.

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
    logits = _check_values(logits, "logits")
    check_has_dims(logits, "logits", "the classes")
    dim = check_dim(dim, logits, "logits") % logits.dim()
    inputs = _inputs("predictions", logits, None, dim, logits.shape[dim])
    shape = tuple(logits.shape[:dim] + logits.shape[dim + 1 :])
    expected = _Expected("predictions", "your predicted labels", False, shape, True)
    num_classes = logits.shape[dim]

    def hints(answer: torch.Tensor, as_float64: Callable) -> str:
        if not (answer.numel() and is_integer_dtype(answer.dtype)):
            return ""
        values = as_float64(answer)
        if bool((values < 0).any()) or bool((values >= num_classes).any()):
            return (
                f" Labels are class indices from 0 to {num_classes - 1}; some of yours are"
                " outside that range."
            )
        return ""

    return _judge(answer, inputs, expected, hints)


# -- one-hot ---------------------------------------------------------------------------------


@_documented("one_hot")
def one_hot(answer: object, labels: torch.Tensor, num_classes: int) -> Verdict:
    """Check one-hot rows for ``labels``: row ``i`` has a single 1, in column ``labels[i]``.

    The rows must be floating-point, ready to multiply with probabilities as the lecture does;
    any float dtype is accepted, and the values must be exactly 0 and 1. The int64 rows that
    :func:`torch.nn.functional.one_hot` returns are named as a one-hot of the wrong dtype, with
    the fix ``.float()``.

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
        dtype. Recognised mistakes: {recognised}.

    Raises
    ------
    TypeError
        If ``labels`` is not an integer tensor or ``num_classes`` is not an int.
    ValueError
        If ``labels`` is not 1-d or on the meta device, ``num_classes`` is below 1, or a label
        is negative or not below ``num_classes``.

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
    labels = _check_values(labels, "labels")
    check_exact_dims(labels, "labels", 1, "one class label per example, shape (N,)")
    num_classes = check_num_classes(num_classes)
    check_class_indices(labels, num_classes, "labels")
    labels = as_class_indices(labels)
    inputs = _inputs("one_hot", None, labels, 1, num_classes)
    shape = (labels.shape[0], num_classes)
    expected = _Expected("one_hot", "your one-hot rows", True, shape, True)

    def hints(answer: torch.Tensor, as_float64: Callable) -> str:
        if tuple(answer.shape) != shape or not answer.numel():
            return ""
        ones_per_row = (as_float64(answer) == 1).sum(dim=1)
        if not (ones_per_row == 1).all():
            row = int((ones_per_row != 1).nonzero()[0])
            count = int(ones_per_row[row])
            return f" A one-hot row has exactly one 1; row {row} of yours has {count}."
        return ""

    return _judge(answer, inputs, expected, hints)


# -- losses ----------------------------------------------------------------------------------


def _check_loss_inputs(
    scores: object, scores_name: str, meaning: str, labels: object, reduction: object
) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the inputs of a loss: float scores (C) or (N, C, ...) and matching class labels."""
    scores = check_loss_input(scores, meaning, name=scores_name)
    labels = check_tensor(labels, "labels")
    check_integer(labels, "labels")
    check_same_device(labels, "labels", scores, scores_name)
    scores = _check_values(scores, scores_name)
    labels = _check_values(labels, "labels")
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
    return scores, as_class_indices(labels)


def _loss_expected(check: str, scores: torch.Tensor, reduction: str) -> _Expected:
    what = "your per-example losses" if reduction == "none" else "your loss"
    shape = class_index_shape(scores) if reduction == "none" else ()
    return _Expected(check, what, True, shape, False)


def _sign_hint(name: str) -> Callable[[torch.Tensor, Callable], str]:
    def hint(answer: torch.Tensor, as_float64: Callable) -> str:
        if answer.is_floating_point() and answer.numel() and bool((as_float64(answer) < 0).any()):
            return f" A {name} is never negative; yours is."
        return ""

    return hint


@_documented("cross_entropy")
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
        Recognised mistakes: {recognised}; a per-example mistake and a reduction mistake are
        also recognised together.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``labels`` not an integer tensor.
    ValueError
        If ``logits`` is 0-d or has no classes, ``labels`` has the wrong shape, is on another
        device or holds a label outside ``0..C-1``, a tensor is on the meta device, or
        ``reduction`` is unknown.

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
    inputs = _inputs("cross_entropy", logits, labels, dim, logits.shape[dim], reduction)
    expected = _loss_expected("cross_entropy", logits, reduction)
    return _judge(answer, inputs, expected, _sign_hint("cross-entropy"))


@_documented("nll_loss")
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
        Recognised mistakes: {recognised}; a per-example mistake and a reduction mistake are
        also recognised together.

    Raises
    ------
    TypeError
        If ``log_probas`` is not a floating-point tensor or ``labels`` not an integer tensor.
    ValueError
        If ``log_probas`` is 0-d or has no classes, ``labels`` has the wrong shape, is on
        another device or holds a label outside ``0..C-1``, a tensor is on the meta device, or
        ``reduction`` is unknown.

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
    ✗ Not yet: You passed probabilities where log-probabilities are expected: the log is
    missing, so the "losses" are minus the probabilities. The loss is minus the log of the true
    class's probability: use torch.log_softmax(logits, dim=1), or torch.log of the
    probabilities.
    """
    log_probas, labels = _check_loss_inputs(
        log_probas, "log_probas", "log-probabilities, one per class", labels, reduction
    )
    dim = class_dim(log_probas)
    inputs = _inputs("nll_loss", log_probas, labels, dim, log_probas.shape[dim], reduction)
    expected = _loss_expected("nll_loss", log_probas, reduction)

    def hints(answer: torch.Tensor, as_float64: Callable) -> str:
        if bool((log_probas > 0).any()):  # not log-probabilities: no sign to expect
            return ""
        return _sign_hint("negative log-likelihood")(answer, as_float64)

    return _judge(answer, inputs, expected, hints)
