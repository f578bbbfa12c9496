"""linear_cross_entropy agrees with torch's, and never holds all the logits at once.

The values and the gradients of ``input``, ``linear_weight`` and ``linear_bias`` are compared
with ``F.cross_entropy(F.linear(...))`` and with ``F.linear_cross_entropy``, both its reference
path (``options=None``) and its chunked one (``options=LinearCrossEntropyOptions()``), across
class weights, ignored targets, label smoothing, the three reductions, float32 and float64,
and chunk sizes that divide the number of rows, that do not, and that exceed it.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.utils._python_dispatch import TorchDispatchMode

from xentdocs import linear_cross_entropy

FLOAT_DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ["none", "mean", "sum"]


@dataclass
class Problem:
    """The arguments of one call: features, a linear layer, targets and class weights."""

    input: torch.Tensor
    linear_weight: torch.Tensor
    linear_bias: torch.Tensor | None
    target: torch.Tensor
    weight: torch.Tensor | None
    ignore_index: int
    generator: torch.Generator


def make_problem(
    num_rows: int,
    in_features: int,
    num_classes: int,
    dtype: torch.dtype = torch.float64,
    *,
    seed: int = 0,
    bias: bool = True,
    weighted: bool = False,
    ignored_fraction: float = 0.0,
    ignore_index: int = -100,
) -> Problem:
    # A generator on the default device, so XENTDOCS_TEST_DEVICE=cuda can draw with it.
    generator = torch.Generator(torch.get_default_device()).manual_seed(seed)
    input = torch.randn(num_rows, in_features, generator=generator, dtype=dtype)
    linear_weight = torch.randn(num_classes, in_features, generator=generator, dtype=dtype)
    linear_bias = torch.randn(num_classes, generator=generator, dtype=dtype) if bias else None
    target = torch.randint(0, num_classes, (num_rows,), generator=generator)
    ignored = torch.rand(num_rows, generator=generator) < ignored_fraction
    target = torch.where(ignored, ignore_index, target)
    weight = torch.rand(num_classes, generator=generator, dtype=dtype) * 2 if weighted else None
    return Problem(input, linear_weight, linear_bias, target, weight, ignore_index, generator)


def plain(
    input: torch.Tensor, linear_weight: torch.Tensor, target: torch.Tensor, **kwargs: object
) -> torch.Tensor:
    linear_bias = kwargs.pop("linear_bias")
    return F.cross_entropy(F.linear(input, linear_weight, linear_bias), target, **kwargs)


def torch_reference(*args: torch.Tensor, **kwargs: object) -> torch.Tensor:
    return F.linear_cross_entropy(*args, **kwargs, options=None)


def torch_chunked(*args: torch.Tensor, **kwargs: object) -> torch.Tensor:
    return F.linear_cross_entropy(*args, **kwargs, options=torch.nn.LinearCrossEntropyOptions())


def loss_and_gradients(
    loss_function: Callable[..., torch.Tensor],
    problem: Problem,
    upstream_seed: int = 1,
    **kwargs: object,
) -> tuple[torch.Tensor, list[torch.Tensor | None]]:
    """The loss, and the gradients of input, linear_weight and linear_bias for a random upstream."""
    input = problem.input.clone().requires_grad_()
    linear_weight = problem.linear_weight.clone().requires_grad_()
    linear_bias = None
    if problem.linear_bias is not None:
        linear_bias = problem.linear_bias.clone().requires_grad_()
    loss = loss_function(
        input,
        linear_weight,
        problem.target,
        linear_bias=linear_bias,
        weight=problem.weight,
        ignore_index=problem.ignore_index,
        **kwargs,
    )
    # Not all ones: some gradient errors cancel out in a plain sum.
    generator = torch.Generator(loss.device).manual_seed(upstream_seed)
    upstream = torch.randn(loss.shape, generator=generator, dtype=loss.dtype, device=loss.device)
    loss.backward(upstream)
    gradients = [input.grad, linear_weight.grad]
    gradients.append(None if linear_bias is None else linear_bias.grad)
    return loss.detach(), gradients


def tolerances(dtype: torch.dtype) -> dict[str, float]:
    """Chunked sums add the same numbers in another order than torch's kernels."""
    if dtype == torch.float64:
        return {"rtol": 1e-7, "atol": 1e-9}
    return {"rtol": 1e-5, "atol": 1e-5}


def assert_agree(
    theirs: Callable[..., torch.Tensor], problem: Problem, chunk_size: int, **kwargs: object
) -> None:
    """Our loss and gradients equal those of ``theirs`` (nan where theirs is nan)."""
    our_loss, our_gradients = loss_and_gradients(
        linear_cross_entropy, problem, chunk_size=chunk_size, **kwargs
    )
    their_loss, their_gradients = loss_and_gradients(theirs, problem, **kwargs)
    tolerance = tolerances(problem.input.dtype)
    assert our_loss.dtype == their_loss.dtype
    assert our_loss.device == problem.input.device
    torch.testing.assert_close(our_loss, their_loss, equal_nan=True, **tolerance)
    for name, ours, expected in zip(
        ["input", "linear_weight", "linear_bias"], our_gradients, their_gradients, strict=True
    ):
        assert (ours is None) == (expected is None), name
        if ours is not None:
            torch.testing.assert_close(ours, expected, msg=f"gradient of {name}", **tolerance)


# -- agreement with torch ------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn, dtype: torch.dtype | None = None) -> tuple[Problem, int]:
    """A random problem with a chunk size from 1 to beyond its number of rows."""
    problem = make_problem(
        num_rows=draw(st.integers(1, 12)),
        in_features=draw(st.integers(1, 5)),
        num_classes=draw(st.integers(1, 8)),
        dtype=dtype or draw(st.sampled_from(FLOAT_DTYPES)),
        seed=draw(st.integers(0, 2**31 - 1)),
        bias=draw(st.booleans()),
        weighted=draw(st.booleans()),
        ignored_fraction=draw(st.sampled_from([0.0, 0.3, 1.0])),
        # -100 is the default; 0 is a real class that gets ignored.
        ignore_index=draw(st.sampled_from([-100, -1, 0])),
    )
    return problem, draw(st.integers(1, 16))


LABEL_SMOOTHINGS = st.one_of(st.sampled_from([0.0, 0.1, 1.0]), st.floats(0.0, 1.0))


@settings(max_examples=100, deadline=None)
@given(
    problem_and_chunk_size=problems(),
    reduction=st.sampled_from(REDUCTIONS),
    label_smoothing=LABEL_SMOOTHINGS,
    theirs=st.sampled_from([plain, torch_reference]),
)
def test_agrees_with_cross_entropy_of_linear(
    problem_and_chunk_size: tuple[Problem, int],
    reduction: str,
    label_smoothing: float,
    theirs: Callable[..., torch.Tensor],
) -> None:
    problem, chunk_size = problem_and_chunk_size
    assert_agree(theirs, problem, chunk_size, reduction=reduction, label_smoothing=label_smoothing)


@settings(max_examples=50, deadline=None)
@given(problem_and_chunk_size=problems(), reduction=st.sampled_from(REDUCTIONS))
def test_agrees_with_torchs_chunked_path(
    problem_and_chunk_size: tuple[Problem, int], reduction: str
) -> None:
    problem, chunk_size = problem_and_chunk_size
    # Torch's chunked path differs from its reference there: see the test of that case below.
    assume(reduction != "mean" or not problem.target.eq(problem.ignore_index).all())
    assert_agree(torch_chunked, problem, chunk_size, reduction=reduction)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize(
    ("num_rows", "chunk_size"),
    [(12, 4), (12, 5), (12, 1), (12, 12), (3, 8)],
    ids=["divides", "does-not-divide", "one-row", "one-chunk", "fewer-rows-than-a-chunk"],
)
def test_every_chunking_agrees(
    dtype: torch.dtype, reduction: str, label_smoothing: float, num_rows: int, chunk_size: int
) -> None:
    problem = make_problem(num_rows, 4, 7, dtype, weighted=True, seed=5)
    problem.target[1] = -100
    for theirs in (plain, torch_reference):
        assert_agree(
            theirs, problem, chunk_size, reduction=reduction, label_smoothing=label_smoothing
        )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_an_empty_batch_agrees(reduction: str) -> None:
    # No rows: 'sum' is 0, 'none' is empty, and 'mean' is 0 / 0 = nan, as in torch.
    problem = make_problem(0, 3, 5)
    assert_agree(plain, problem, chunk_size=4, reduction=reduction, label_smoothing=0.1)


def test_torchs_chunked_path_falls_back_to_the_reference_with_label_smoothing() -> None:
    # So its chunked path is compared above without smoothing only, and ours is not limited so.
    problem = make_problem(10, 3, 6, weighted=True, ignored_fraction=0.3)
    with pytest.warns(UserWarning, match="options`` ignored; chunked path needs"):
        assert_agree(torch_chunked, problem, chunk_size=4, label_smoothing=0.1)


@pytest.mark.parametrize("theirs", [plain, torch_reference])
def test_every_target_ignored_gives_a_nan_mean_and_zero_gradients(
    theirs: Callable[..., torch.Tensor],
) -> None:
    problem = make_problem(6, 3, 5, ignored_fraction=1.0)
    assert problem.target.eq(-100).all()
    loss, gradients = loss_and_gradients(linear_cross_entropy, problem, chunk_size=4)
    assert loss.isnan()
    for gradient in gradients:
        assert gradient is not None
        assert gradient.eq(0).all()
    assert_agree(theirs, problem, chunk_size=4)


def test_torchs_chunked_path_gives_nan_gradients_when_every_target_is_ignored() -> None:
    # Its reference path (and ours, and the plain one) gives zeros: no row contributes anything.
    problem = make_problem(6, 3, 5, ignored_fraction=1.0)
    loss, gradients = loss_and_gradients(torch_chunked, problem)
    assert loss.isnan()
    for gradient in gradients:
        assert gradient is not None
        assert gradient.isnan().all()


def test_uint8_targets_give_what_int64_targets_give() -> None:
    problem = make_problem(9, 3, 5)
    as_int64 = linear_cross_entropy(problem.input, problem.linear_weight, problem.target)
    as_uint8 = linear_cross_entropy(problem.input, problem.linear_weight, problem.target.byte())
    torch.testing.assert_close(as_uint8, as_int64, rtol=0, atol=0)


def test_a_second_backward_with_retain_graph_adds_the_same_gradients_again() -> None:
    problem = make_problem(7, 3, 5)
    input = problem.input.clone().requires_grad_()
    loss = linear_cross_entropy(input, problem.linear_weight, problem.target, chunk_size=3)
    loss.backward(retain_graph=True)
    once = input.grad.clone()
    loss.backward()
    torch.testing.assert_close(input.grad, 2 * once)


def test_torchs_ignore_index_default_is_none_which_means_minus_100() -> None:
    assert inspect.signature(F.linear_cross_entropy).parameters["ignore_index"].default is None
    assert inspect.signature(F.cross_entropy).parameters["ignore_index"].default == -100
    assert inspect.signature(linear_cross_entropy).parameters["ignore_index"].default == -100

    problem = make_problem(8, 3, 5, ignored_fraction=0.4)
    assert problem.target.eq(-100).any()
    arguments = (problem.input, problem.linear_weight, problem.target)
    by_default = F.linear_cross_entropy(*arguments)
    torch.testing.assert_close(by_default, F.linear_cross_entropy(*arguments, ignore_index=-100))
    torch.testing.assert_close(by_default, linear_cross_entropy(*arguments))
    # The value differs when -100 is not ignored, so the equalities above are about ignoring.
    kept = torch.where(problem.target == -100, 0, problem.target)
    assert not torch.allclose(by_default, F.linear_cross_entropy(*arguments[:2], kept))


# -- memory: no (N, num_classes) tensor ----------------------------------------------------------

NUM_ROWS, IN_FEATURES, NUM_CLASSES, CHUNK_SIZE = 64, 3, 50, 8


class LargestTensor(TorchDispatchMode):
    """Record the most elements any operation returns while the mode is on."""

    def __init__(self) -> None:
        super().__init__()
        self.numel = 0
        self.calls = 0

    def __torch_dispatch__(
        self,
        func: Callable[..., object],
        types: tuple[type, ...],
        args: tuple[object, ...] = (),
        kwargs: dict[str, object] | None = None,
    ) -> object:
        result = func(*args, **(kwargs or {}))
        for tensor in torch.utils._pytree.tree_leaves(result):
            if isinstance(tensor, torch.Tensor):
                self.numel = max(self.numel, tensor.numel())
        self.calls += 1
        return result


def memory_problem() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    problem = make_problem(NUM_ROWS, IN_FEATURES, NUM_CLASSES, torch.float32)
    input = problem.input.requires_grad_()
    linear_weight = problem.linear_weight.requires_grad_()
    linear_bias = problem.linear_bias.requires_grad_()
    return input, linear_weight, linear_bias, problem.target


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_no_operation_makes_more_than_a_chunk_of_logits(label_smoothing: float) -> None:
    input, linear_weight, linear_bias, target = memory_problem()
    chunk_of_logits = CHUNK_SIZE * NUM_CLASSES
    # The other tensors are smaller than a chunk of logits, so the bound says something.
    assert max(input.numel(), linear_weight.numel()) < chunk_of_logits < NUM_ROWS * NUM_CLASSES

    for when in ("forward", "backward"):
        recorder = LargestTensor()
        with recorder:
            if when == "forward":
                loss = linear_cross_entropy(
                    input,
                    linear_weight,
                    target,
                    linear_bias=linear_bias,
                    label_smoothing=label_smoothing,
                    chunk_size=CHUNK_SIZE,
                )
            else:
                loss.backward()
        assert recorder.calls > 0, when
        assert recorder.numel == chunk_of_logits, when

    # The same recorder sees the plain path make all the logits.
    recorder = LargestTensor()
    with recorder:
        plain(input, linear_weight, target, linear_bias=linear_bias).backward()
    assert recorder.numel == NUM_ROWS * NUM_CLASSES


def test_the_graph_keeps_the_inputs_and_one_number_per_row() -> None:
    input, linear_weight, linear_bias, target = memory_problem()
    saved_shapes: list[tuple[int, ...]] = []

    def record(tensor: torch.Tensor) -> torch.Tensor:
        saved_shapes.append(tuple(tensor.shape))
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(record, lambda tensor: tensor):
        linear_cross_entropy(
            input, linear_weight, target, linear_bias=linear_bias, chunk_size=CHUNK_SIZE
        )
    allowed = {
        (NUM_ROWS, IN_FEATURES),  # input
        (NUM_CLASSES, IN_FEATURES),  # linear_weight
        (NUM_CLASSES,),  # linear_bias
        (NUM_ROWS,),  # target, and one log-sum-exp per row
        (),  # the denominator of the mean
    }
    assert saved_shapes
    assert set(saved_shapes) <= allowed

    saved_shapes.clear()
    with torch.autograd.graph.saved_tensors_hooks(record, lambda tensor: tensor):
        plain(input, linear_weight, target, linear_bias=linear_bias)
    assert (NUM_ROWS, NUM_CLASSES) in saved_shapes


# -- what it does not support --------------------------------------------------------------------


def test_gradients_of_gradients_raise_a_clear_error() -> None:
    input, linear_weight, _linear_bias, target = memory_problem()
    loss = linear_cross_entropy(input, linear_weight, target, chunk_size=CHUNK_SIZE)
    with pytest.raises(RuntimeError, match="computes first-order gradients only"):
        torch.autograd.grad(loss, input, create_graph=True)


def test_torch_func_grad_is_refused() -> None:
    input, linear_weight, _linear_bias, target = memory_problem()
    with pytest.raises(RuntimeError, match="functorch transforms"):
        torch.func.grad(lambda input: linear_cross_entropy(input, linear_weight, target))(input)


def test_it_computes_on_the_inputs_device() -> None:
    # Every tensor made without device= would land on meta and break the comparison.
    problem = make_problem(10, 3, 6, weighted=True, ignored_fraction=0.3)
    with torch.device("meta"):
        assert_agree(plain, problem, chunk_size=4, label_smoothing=0.1)


# -- bad input -----------------------------------------------------------------------------------


def good_arguments() -> dict[str, object]:
    """Arguments of a valid call: 6 rows of 4 features, 10 classes."""
    problem = make_problem(6, 4, 10, torch.float32, weighted=True)
    return {
        "input": problem.input,
        "linear_weight": problem.linear_weight,
        "target": problem.target,
        "linear_bias": problem.linear_bias,
        "weight": problem.weight,
    }


BAD_ARGUMENTS: dict[str, tuple[Callable[[dict], object], type[Exception], str]] = {
    # name: (how to spoil the good arguments, the error, the start of its message)
    "input-list": (
        lambda a: {"input": a["input"].tolist()},
        TypeError,
        "input must be a torch.Tensor, got list",
    ),
    "input-int": (
        lambda a: {"input": a["input"].long()},
        TypeError,
        "input must be a floating-point tensor (features, one row per example), got torch.int64",
    ),
    "input-1d": (
        lambda a: {"input": a["input"][0]},
        ValueError,
        (
            "input must be a 2-d tensor (one row of in_features per example, (N, in_features)),"
            " got a 1-d tensor of shape (4,)"
        ),
    ),
    "input-3d": (
        lambda a: {"input": a["input"].unsqueeze(0)},
        ValueError,
        "input must be a 2-d tensor",
    ),
    "linear_weight-in_features": (
        lambda a: {"linear_weight": a["linear_weight"][:, :3]},
        ValueError,
        (
            "linear_weight must have in_features=4 columns, as input of shape (6, 4) has,"
            " got shape (10, 3)"
        ),
    ),
    "linear_weight-transposed": (
        lambda a: {"linear_weight": a["linear_weight"].T},
        ValueError,
        "linear_weight must have in_features=4 columns",
    ),
    "linear_weight-1d": (
        lambda a: {"linear_weight": a["linear_weight"][0]},
        ValueError,
        "linear_weight must be a 2-d tensor",
    ),
    "linear_weight-no-classes": (
        lambda a: {"linear_weight": a["linear_weight"][:0], "target": a["target"][:0]},
        ValueError,
        "linear_weight must have at least one row",
    ),
    "linear_weight-dtype": (
        lambda a: {"linear_weight": a["linear_weight"].double()},
        TypeError,
        "linear_weight must have the same dtype as input (torch.float32), got torch.float64",
    ),
    "linear_weight-int": (
        lambda a: {"linear_weight": a["linear_weight"].long()},
        TypeError,
        "linear_weight must be a floating-point tensor",
    ),
    "linear_bias-shape": (
        lambda a: {"linear_bias": a["linear_bias"][:9]},
        ValueError,
        "linear_bias must have one number per class, shape (10,), got shape (9,)",
    ),
    "linear_bias-dtype": (
        lambda a: {"linear_bias": a["linear_bias"].double()},
        TypeError,
        "linear_bias must have the same dtype as input",
    ),
    "target-probabilities": (
        lambda a: {"target": torch.softmax(a["input"] @ a["linear_weight"].T, dim=1)},
        TypeError,
        (
            "target must be an integer tensor of class indices (torch.int64), got torch.float32"
            " of shape (6, 10); class probabilities are not supported here"
        ),
    ),
    "target-int32": (
        lambda a: {"target": a["target"].int()},
        TypeError,
        (
            "target must be an integer tensor of class indices (torch.int64, or torch.uint8),"
            " got torch.int32; convert it with target.long()"
        ),
    ),
    "target-too-few": (
        lambda a: {"target": a["target"][:5]},
        ValueError,
        "target must have shape (6,), one class index per row of input of shape (6, 4), got (5,)",
    ),
    "target-column": (
        lambda a: {"target": a["target"].unsqueeze(1)},
        ValueError,
        "target must have shape (6,)",
    ),
    "target-too-large": (
        lambda a: {"target": torch.tensor([0, 1, 2, 10, 4, 5])},
        ValueError,
        (
            "target must be class indices from 0 to 9 for 10 classes, or ignore_index=-100,"
            " got 10 at position 3"
        ),
    ),
    "target-negative": (
        lambda a: {"target": torch.tensor([0, -1, 2, 3, 4, 5])},
        ValueError,
        "target must be class indices, which start at 0, or ignore_index=-100, got -1",
    ),
    "weight-shape": (
        lambda a: {"weight": a["weight"][:3]},
        ValueError,
        "weight must be a 1-d tensor with one weight per class, shape (10,), got shape (3,)",
    ),
    "weight-dtype": (
        lambda a: {"weight": a["weight"].double()},
        TypeError,
        "weight must have the same dtype as input",
    ),
    "weight-requires-grad": (
        lambda a: {"weight": a["weight"].clone().requires_grad_()},
        ValueError,
        "weight must be a tensor that does not require grad",
    ),
    "reduction": (lambda a: {"reduction": "avg"}, ValueError, "reduction must be one of"),
    "label_smoothing-range": (
        lambda a: {"label_smoothing": 1.5},
        ValueError,
        "label_smoothing must be between 0.0 and 1.0, got 1.5",
    ),
    "label_smoothing-str": (
        lambda a: {"label_smoothing": "0.1"},
        TypeError,
        "label_smoothing must be a float",
    ),
    "ignore_index-none": (
        lambda a: {"ignore_index": None},
        TypeError,
        "ignore_index must be an int, got NoneType None",
    ),
    "chunk_size-zero": (
        lambda a: {"chunk_size": 0},
        ValueError,
        "chunk_size must be a positive number of rows, got 0",
    ),
    "chunk_size-negative": (
        lambda a: {"chunk_size": -4},
        ValueError,
        "chunk_size must be a positive number of rows, got -4",
    ),
    "chunk_size-float": (
        lambda a: {"chunk_size": 4.0},
        TypeError,
        "chunk_size must be an int, got float 4.0",
    ),
    "chunk_size-bool": (
        lambda a: {"chunk_size": True},
        TypeError,
        "chunk_size must be an int, got bool True",
    ),
}


@pytest.mark.parametrize(
    ("spoil", "error", "message"), BAD_ARGUMENTS.values(), ids=BAD_ARGUMENTS.keys()
)
def test_bad_input_gets_a_clear_error(
    spoil: Callable[[dict], object], error: type[Exception], message: str
) -> None:
    arguments = good_arguments()
    linear_cross_entropy(**arguments)  # valid before it is spoiled
    arguments.update(spoil(arguments))
    with pytest.raises(error) as raised:
        linear_cross_entropy(**arguments)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("name", ["linear_weight", "target", "linear_bias", "weight"])
def test_a_tensor_on_another_device_gets_a_value_error_naming_both(name: str) -> None:
    arguments = good_arguments()
    arguments[name] = arguments[name].to("meta")
    input_device = arguments["input"].device
    with pytest.raises(ValueError, match="must be on the same device") as raised:
        linear_cross_entropy(**arguments)
    message = str(raised.value)
    assert message.startswith(f"{name} must be on the same device as input ({input_device})")
    assert "meta" in message
