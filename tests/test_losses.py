"""nll_loss and cross_entropy agree with torch.nn.functional, values and gradients.

Each case is drawn at random: input of shape (C), (N, C) or (N, C, d1[, d2]), float32 or
float64, logits from small to +-1e4, with or without class weights, some or all targets
ignored, every reduction, label smoothing, and class-probability targets.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import (
    cross_entropy,
    cross_entropy_from_probas,
    lecture_example,
    log_softmax,
    nll_loss,
    one_hot,
    softmax,
)

FLOAT_DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ["none", "mean", "sum"]
LABEL_SMOOTHINGS = st.one_of(st.sampled_from([0.0, 0.1, 1.0]), st.floats(0.0, 1.0))


@dataclass
class Case:
    """One call's arguments, without the loss-specific ones."""

    input: torch.Tensor
    target: torch.Tensor
    weight: torch.Tensor | None
    reduction: str
    generator: torch.Generator


def tolerances(dtype: torch.dtype) -> dict[str, float]:
    """Float32 sums of logits up to 1e4 differ in their last bits from PyTorch's order."""
    if dtype == torch.float64:
        return {"rtol": 1e-7, "atol": 1e-7}
    return {"rtol": 1e-5, "atol": 1e-5}


@st.composite
def inputs(draw: st.DrawFn) -> tuple[torch.Tensor, torch.Generator]:
    """A random input of shape (C), (N, C), (N, C, d1) or (N, C, d1, d2); N may be 0."""
    num_classes = draw(st.integers(1, 5))
    num_spatial = draw(st.sampled_from([None, 0, 1, 2]))  # None: a single example, shape (C)
    if num_spatial is None:
        shape = [num_classes]
    else:
        batch_size = draw(st.integers(0, 4))
        spatial = draw(st.lists(st.integers(1, 3), min_size=num_spatial, max_size=num_spatial))
        shape = [batch_size, num_classes, *spatial]
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    scale = draw(st.sampled_from([1.0, 10.0, 1e4]))
    # A generator on the default device, so XENTDOCS_TEST_DEVICE=cuda can draw with it.
    generator = torch.Generator(torch.get_default_device()).manual_seed(
        draw(st.integers(0, 2**31 - 1))
    )
    return torch.randn(shape, generator=generator, dtype=dtype) * scale, generator


def class_weights(
    draw: st.DrawFn,
    input: torch.Tensor,
    generator: torch.Generator,
    dtype: torch.dtype | None = None,
) -> torch.Tensor | None:
    """No weights, or one random weight per class (in ``dtype``, default the input's)."""
    num_classes = input.shape[0 if input.dim() == 1 else 1]
    if not draw(st.booleans()):
        return None
    return torch.rand(num_classes, generator=generator, dtype=dtype or input.dtype) * 2


@st.composite
def class_index_cases(draw: st.DrawFn) -> tuple[Case, int]:
    """A case with int64 class-index targets, and the ignore_index its targets use."""
    input, generator = draw(inputs())
    class_dim = 0 if input.dim() == 1 else 1
    num_classes = input.shape[class_dim]
    target_shape = input.shape[:class_dim] + input.shape[class_dim + 1 :]
    target = torch.randint(0, num_classes, target_shape, generator=generator)
    # -100 is PyTorch's default; 0 and 2 are (or may be) real classes that get ignored.
    ignore_index = draw(st.sampled_from([-100, -1, 0, 2]))
    ignored_fraction = draw(st.sampled_from([0.0, 0.3, 1.0]))
    ignored = torch.rand(target_shape, generator=generator) < ignored_fraction
    target = torch.where(ignored, ignore_index, target)
    weight = class_weights(draw, input, generator)
    reduction = draw(st.sampled_from(REDUCTIONS))
    return Case(input, target, weight, reduction, generator), ignore_index


@st.composite
def probability_cases(draw: st.DrawFn) -> Case:
    """A case with float class-probability targets of the input's shape.

    PyTorch does not check that the targets sum to one, so some here do not.
    """
    input, generator = draw(inputs())
    class_dim = 0 if input.dim() == 1 else 1
    target_dtype = draw(st.sampled_from(FLOAT_DTYPES))
    target = torch.rand(input.shape, generator=generator, dtype=target_dtype)
    if draw(st.booleans()):
        target = target / target.sum(dim=class_dim, keepdim=True)
    # With probability targets PyTorch promotes dtypes, so the weight's may differ from the input's.
    weight = class_weights(draw, input, generator, dtype=draw(st.sampled_from(FLOAT_DTYPES)))
    reduction = draw(st.sampled_from(REDUCTIONS))
    return Case(input, target, weight, reduction, generator)


def assert_same_values_and_gradients(
    ours: Callable[..., torch.Tensor],
    theirs: Callable[..., torch.Tensor],
    case: Case,
    **kwargs: object,
) -> None:
    """Call both functions on the case and compare the losses and the input's gradients."""
    our_input = case.input.clone().requires_grad_()
    their_input = case.input.clone().requires_grad_()
    arguments = {"weight": case.weight, "reduction": case.reduction, **kwargs}
    our_loss = ours(our_input, case.target, **arguments)
    their_loss = theirs(their_input, case.target, **arguments)

    tolerance = tolerances(case.input.dtype)
    torch.testing.assert_close(our_loss, their_loss, equal_nan=True, **tolerance)

    upstream = torch.randn(their_loss.shape, generator=case.generator, dtype=their_loss.dtype)
    our_loss.backward(upstream)
    their_loss.backward(upstream)
    torch.testing.assert_close(our_input.grad, their_input.grad, equal_nan=True, **tolerance)


@settings(max_examples=200, deadline=None)
@given(case_and_ignore_index=class_index_cases())
def test_nll_loss_agrees_with_torch(case_and_ignore_index: tuple[Case, int]) -> None:
    case, ignore_index = case_and_ignore_index
    assert_same_values_and_gradients(nll_loss, F.nll_loss, case, ignore_index=ignore_index)


@settings(max_examples=200, deadline=None)
@given(case_and_ignore_index=class_index_cases(), label_smoothing=LABEL_SMOOTHINGS)
def test_cross_entropy_with_class_indices_agrees_with_torch(
    case_and_ignore_index: tuple[Case, int], label_smoothing: float
) -> None:
    case, ignore_index = case_and_ignore_index
    assert_same_values_and_gradients(
        cross_entropy,
        F.cross_entropy,
        case,
        ignore_index=ignore_index,
        label_smoothing=label_smoothing,
    )


@settings(max_examples=200, deadline=None)
@given(case=probability_cases(), label_smoothing=LABEL_SMOOTHINGS)
def test_cross_entropy_with_probabilities_agrees_with_torch(
    case: Case, label_smoothing: float
) -> None:
    assert_same_values_and_gradients(
        cross_entropy, F.cross_entropy, case, label_smoothing=label_smoothing
    )


@settings(max_examples=100, deadline=None)
@given(case_and_ignore_index=class_index_cases())
def test_cross_entropy_is_nll_loss_of_log_softmax(case_and_ignore_index: tuple[Case, int]) -> None:
    case, ignore_index = case_and_ignore_index
    class_dim = 0 if case.input.dim() == 1 else 1
    arguments = {"weight": case.weight, "ignore_index": ignore_index, "reduction": case.reduction}
    torch.testing.assert_close(
        cross_entropy(case.input, case.target, **arguments),
        nll_loss(log_softmax(case.input, dim=class_dim), case.target, **arguments),
        equal_nan=True,
    )


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2], ids=["plain", "smoothed"])
def test_mean_over_only_ignored_targets_is_nan_like_torch(
    weighted: bool, label_smoothing: float
) -> None:
    _, logits = lecture_example()
    target = torch.full((4,), -100)
    weight = torch.tensor([1.0, 2.0, 3.0]) if weighted else None
    ours = cross_entropy(logits, target, weight=weight, label_smoothing=label_smoothing)
    theirs = F.cross_entropy(logits, target, weight=weight, label_smoothing=label_smoothing)
    assert torch.isnan(ours)
    assert torch.isnan(theirs)
    assert torch.isnan(nll_loss(log_softmax(logits), target, weight=weight))


def test_ignored_targets_leave_the_mean_of_the_others() -> None:
    labels, logits = lecture_example()
    ignored_third = torch.tensor([0, 1, -100, 2])
    kept = torch.tensor([0, 1, 3])
    torch.testing.assert_close(
        cross_entropy(logits, ignored_third), cross_entropy(logits[kept], labels[kept])
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_a_minus_inf_logit_stays_finite_without_smoothing(reduction: str) -> None:
    # Masking a class with -inf is common; the smoothing term (which sums every class) must
    # then not be computed at all, or 0 * inf would give nan.
    logits = torch.tensor([[0.5, -torch.inf, 1.0], [2.0, 0.0, -torch.inf]], requires_grad=True)
    torch_logits = logits.detach().clone().requires_grad_()
    target = torch.tensor([0, 1])
    ours = cross_entropy(logits, target, reduction=reduction)
    theirs = F.cross_entropy(torch_logits, target, reduction=reduction)
    assert torch.isfinite(ours).all()
    torch.testing.assert_close(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    torch.testing.assert_close(logits.grad, torch_logits.grad)


def test_uint8_class_indices_are_accepted_like_torch() -> None:
    labels, logits = lecture_example()
    torch.testing.assert_close(
        cross_entropy(logits, labels.to(torch.uint8)), F.cross_entropy(logits, labels)
    )
    torch.testing.assert_close(
        nll_loss(log_softmax(logits), labels.to(torch.uint8)),
        F.nll_loss(torch.log_softmax(logits, dim=1), labels),
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["float16", "bfloat16"])
def test_half_precision_is_close_to_torch(dtype: torch.dtype) -> None:
    generator = torch.Generator(torch.get_default_device()).manual_seed(0)
    logits = torch.randn(8, 5, generator=generator).to(dtype)
    target = torch.randint(0, 5, (8,), generator=generator)
    ours = cross_entropy(logits, target, label_smoothing=0.1)
    theirs = F.cross_entropy(logits, target, label_smoothing=0.1)
    assert ours.dtype == dtype
    torch.testing.assert_close(ours.float(), theirs.float(), rtol=2e-2, atol=2e-2)


@settings(max_examples=100, deadline=None)
@given(
    num_examples=st.integers(1, 6),
    num_classes=st.integers(1, 5),
    seed=st.integers(0, 2**31 - 1),
    dtype=st.sampled_from(FLOAT_DTYPES),
)
def test_cross_entropy_from_probas_is_the_lectures_formula_and_agrees_with_torch(
    num_examples: int, num_classes: int, seed: int, dtype: torch.dtype
) -> None:
    generator = torch.Generator(torch.get_default_device()).manual_seed(seed)
    logits = torch.randn(num_examples, num_classes, generator=generator, dtype=dtype) * 3
    labels = torch.randint(0, num_classes, (num_examples,), generator=generator)
    probas = softmax(logits)
    one_hot_targets = one_hot(labels, num_classes, dtype=dtype)

    losses = cross_entropy_from_probas(probas, one_hot_targets)
    lecture = -torch.sum(torch.log(probas) * one_hot_targets, dim=1)
    assert torch.equal(losses, lecture)
    torch.testing.assert_close(losses, F.cross_entropy(logits, labels, reduction="none"))


def test_the_lectures_losses_agree_across_all_three_routes() -> None:
    labels, logits = lecture_example()
    by_hand = cross_entropy_from_probas(softmax(logits), one_hot(labels))
    torch.testing.assert_close(by_hand, F.cross_entropy(logits, labels, reduction="none"))
    torch.testing.assert_close(by_hand, nll_loss(log_softmax(logits), labels, reduction="none"))
    torch.testing.assert_close(by_hand.mean(), cross_entropy(logits, labels))
    torch.testing.assert_close(by_hand.sum(), cross_entropy(logits, labels, reduction="sum"))
