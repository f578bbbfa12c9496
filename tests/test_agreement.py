"""The package agrees with torch where the two disagreed, or differs as the API page documents.

Each test puts an xentdocs function beside its torch twin on the inputs that once split them:
narrow integer labels, negative ``ignore_index`` with probabilities, float16 over more classes
than float16 can count, meta tensors, CPU autocast, NumPy and 0-d scalars, integers past int64.
"""

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import xentdocs
from xentdocs import check

LABELS = torch.tensor([0, 1, 2, 2])
LOGITS = torch.tensor(
    [[-0.3, -0.5, -0.5], [-0.4, -0.1, -0.5], [-0.3, -0.94, -0.5], [-0.99, -0.88, -0.5]]
)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int16])
def test_narrow_integer_labels_are_compared_without_wrapping(dtype: torch.dtype) -> None:
    largest = torch.iinfo(dtype).max
    labels = torch.tensor([0, largest], dtype=dtype)
    rows = xentdocs.one_hot(labels)
    assert rows.shape == (2, largest + 1)
    assert torch.equal(rows, F.one_hot(labels.long()).float())
    # One class too few is refused, in int64, for every width.
    with pytest.raises(ValueError, match=f"got {largest} at position 1"):
        xentdocs.one_hot(labels, num_classes=largest)
    # The checker shares the check.
    assert check.one_hot(rows, labels, largest + 1)
    with pytest.raises(ValueError, match=f"got {largest}"):
        check.one_hot(rows, labels, largest)


def test_uint8_targets_are_not_taken_for_ignore_index() -> None:
    # -100 wraps to 156 in uint8: a label 156 must still count, as it does in torch.
    logits = torch.randn(2, 200, generator=torch.Generator().manual_seed(0))
    target = torch.tensor([156, 3], dtype=torch.uint8)
    for reduction in ("none", "mean", "sum"):
        ours = xentdocs.cross_entropy(logits, target, reduction=reduction)
        theirs = F.cross_entropy(logits, target, reduction=reduction)
        torch.testing.assert_close(ours, theirs)
        log_probas = F.log_softmax(logits, dim=1)
        torch.testing.assert_close(
            xentdocs.nll_loss(log_probas, target, reduction=reduction),
            F.nll_loss(log_probas, target, reduction=reduction),
        )


@pytest.mark.parametrize("ignore_index", [-1, -5, -100, -(2**40)])
def test_probability_targets_take_any_negative_ignore_index(ignore_index: int) -> None:
    targets = torch.softmax(LOGITS * 3, dim=1)
    ours = xentdocs.cross_entropy(LOGITS, targets, ignore_index=ignore_index)
    theirs = F.cross_entropy(LOGITS, targets, ignore_index=ignore_index)
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize("ignore_index", [0, 2, 7])
def test_probability_targets_refuse_a_non_negative_ignore_index(ignore_index: int) -> None:
    targets = torch.softmax(LOGITS, dim=1)
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(LOGITS, targets, ignore_index=ignore_index)
    with pytest.raises(ValueError, match="ignore_index must be negative"):
        xentdocs.cross_entropy(LOGITS, targets, ignore_index=ignore_index)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_softmax_over_more_classes_than_float16_counts(dtype: torch.dtype) -> None:
    logits = torch.zeros(2, 70_000, dtype=dtype)
    ours = xentdocs.softmax(logits)
    assert torch.equal(ours, torch.softmax(logits, dim=-1))
    assert ours.dtype == dtype
    assert float(ours[0, 0]) == pytest.approx(1 / 70_000, rel=1e-2)


def test_half_log_softmax_over_many_classes_is_finite_where_torch_s_cpu_kernel_is_not() -> None:
    # Documented on the API page: torch's CPU log_softmax sums float16 in float16 and overflows.
    logits = torch.zeros(1, 70_000, dtype=torch.float16)
    assert torch.isinf(F.log_softmax(logits, dim=1)).all()
    ours = xentdocs.log_softmax(logits)
    torch.testing.assert_close(
        ours, torch.log_softmax(logits.float(), dim=1).half(), atol=0.0, rtol=0.0
    )
    label = torch.tensor([5])
    torch.testing.assert_close(
        xentdocs.cross_entropy(logits, label),
        F.cross_entropy(logits.float(), label).half(),
    )


META_CALLS = {
    "softmax": (lambda m: xentdocs.softmax(m, dim=1), lambda m: F.softmax(m, dim=1)),
    "log_softmax": (lambda m: xentdocs.log_softmax(m, dim=1), lambda m: F.log_softmax(m, dim=1)),
    "predict_labels": (lambda m: xentdocs.predict_labels(m), lambda m: torch.argmax(m, dim=-1)),
    "cross_entropy": (
        lambda m: xentdocs.cross_entropy(m, LABELS.to("meta")),
        lambda m: F.cross_entropy(m, LABELS.to("meta")),
    ),
    "cross_entropy, smoothed, none": (
        lambda m: xentdocs.cross_entropy(
            m, LABELS.to("meta"), label_smoothing=0.1, reduction="none"
        ),
        lambda m: F.cross_entropy(m, LABELS.to("meta"), label_smoothing=0.1, reduction="none"),
    ),
    "cross_entropy, probabilities": (
        lambda m: xentdocs.cross_entropy(m, torch.softmax(m, 1)),
        lambda m: F.cross_entropy(m, torch.softmax(m, 1)),
    ),
    "nll_loss": (
        lambda m: xentdocs.nll_loss(m, LABELS.to("meta")),
        lambda m: F.nll_loss(m, LABELS.to("meta")),
    ),
    "one_hot": (
        lambda m: xentdocs.one_hot(LABELS.to("meta"), 3, dtype=torch.int64),
        lambda m: F.one_hot(LABELS.to("meta"), 3),
    ),
    "linear_cross_entropy": (
        lambda m: xentdocs.linear_cross_entropy(
            m, torch.ones(5, 3, device="meta"), LABELS.to("meta")
        ),
        lambda m: F.linear_cross_entropy(m, torch.ones(5, 3, device="meta"), LABELS.to("meta")),
    ),
}


@pytest.mark.parametrize("name", META_CALLS)
def test_meta_tensors_run_through_as_through_torch(name: str) -> None:
    ours, theirs = META_CALLS[name]
    logits = torch.empty(4, 3, device="meta")
    result, expected = ours(logits), theirs(logits)
    assert result.device.type == "meta"
    assert result.shape == expected.shape
    assert result.dtype == expected.dtype


def test_meta_labels_without_num_classes_are_refused_as_by_torch() -> None:
    labels = LABELS.to("meta")
    with pytest.raises(RuntimeError):
        F.one_hot(labels)
    with pytest.raises(ValueError, match="pass num_classes"):
        xentdocs.one_hot(labels)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("bias", [False, True])
def test_linear_cross_entropy_under_cpu_bfloat16_autocast(
    label_smoothing: float, bias: bool
) -> None:
    generator = torch.Generator().manual_seed(1)
    features = torch.randn(40, 16, generator=generator)
    linear_weight = torch.randn(30, 16, generator=generator) * 0.3
    linear_bias = torch.randn(30, generator=generator) if bias else None
    target = torch.randint(30, (40,), generator=generator)
    target[3] = -100
    results = []
    for function, options in (
        (F.linear_cross_entropy, {}),
        (xentdocs.linear_cross_entropy, {"chunk_size": 16}),
    ):
        leaves = [features.clone().requires_grad_(), linear_weight.clone().requires_grad_()]
        if bias:
            leaves.append(linear_bias.clone().requires_grad_())
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = function(
                leaves[0],
                leaves[1],
                target,
                linear_bias=leaves[2] if bias else None,
                label_smoothing=label_smoothing,
                **options,
            )
        loss.backward()
        results.append((loss, [leaf.grad for leaf in leaves]))
    (theirs, their_grads), (ours, our_grads) = results
    torch.testing.assert_close(ours, theirs)
    for our_grad, their_grad in zip(our_grads, their_grads, strict=True):
        assert our_grad.dtype == their_grad.dtype
        # bfloat16 products: a bfloat16 rounding apart at most, not 1 % as before the fix.
        torch.testing.assert_close(our_grad, their_grad, rtol=4e-3, atol=1e-5)


def test_numpy_and_0_d_scalars_are_taken_as_torch_takes_them() -> None:
    for dim in (np.int64(1), np.int32(-1), torch.tensor(1)):
        torch.testing.assert_close(xentdocs.softmax(LOGITS, dim=dim), F.softmax(LOGITS, dim=dim))
        torch.testing.assert_close(
            xentdocs.log_softmax(LOGITS, dim=dim), F.log_softmax(LOGITS, dim=dim)
        )
        assert torch.equal(xentdocs.predict_labels(LOGITS, dim=dim), torch.argmax(LOGITS, dim=dim))
        assert check.softmax(F.softmax(LOGITS, dim=1), LOGITS, dim=dim)
    for num_classes in (np.int64(4), np.uint8(4), torch.tensor(4)):
        assert torch.equal(
            xentdocs.one_hot(LABELS, num_classes).long(), F.one_hot(LABELS, num_classes)
        )
        assert check.one_hot(F.one_hot(LABELS, 4).float(), LABELS, num_classes)
    labels = torch.tensor([0, 1, -1, 2])
    for ignore_index in (np.int64(-1), np.int16(-1), torch.tensor(-1)):
        torch.testing.assert_close(
            xentdocs.cross_entropy(LOGITS, labels, ignore_index=ignore_index),
            F.cross_entropy(LOGITS, labels, ignore_index=ignore_index),
        )
    for smoothing in (
        np.float32(0.1),
        np.float64(0.1),
        torch.tensor(0.1),
        torch.tensor(0.1).half(),
    ):
        torch.testing.assert_close(
            xentdocs.cross_entropy(LOGITS, LABELS, label_smoothing=smoothing),
            F.cross_entropy(LOGITS, LABELS, label_smoothing=float(smoothing)),
        )


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(True), 1.0, "1", torch.tensor([1])],
    ids=["bool", "np.bool_", "float", "str", "(1,) tensor"],
)
def test_what_is_not_an_int_is_still_refused(value: object) -> None:
    with pytest.raises(TypeError, match="dim must be an int"):
        xentdocs.softmax(LOGITS, dim=value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: xentdocs.cross_entropy(LOGITS, LABELS, ignore_index=2**70),
        lambda: xentdocs.nll_loss(LOGITS, LABELS, ignore_index=-(2**70)),
        lambda: xentdocs.one_hot(LABELS, 2**64),
        lambda: xentdocs.softmax(LOGITS, dim=2**63),
    ],
    ids=["ignore_index", "negative ignore_index", "num_classes", "dim"],
)
def test_integers_past_int64_are_a_value_error_that_names_the_argument(
    call: Callable[[], object],
) -> None:
    with pytest.raises(ValueError, match=r"must be an int from -2\*\*63 to 2\*\*63 - 1"):
        call()


def test_torch_refuses_integers_past_int64_too() -> None:
    # torch fails in its C++ argument parser; ours names the argument (the API page shows both).
    with pytest.raises((ValueError, OverflowError, RuntimeError)):
        F.cross_entropy(LOGITS, LABELS, ignore_index=2**70)


@pytest.mark.parametrize(
    "gamma",
    [np.float32(2.0), np.float64(2.0), np.int64(2), torch.tensor(2.0), torch.tensor(2)],
    ids=["np.float32", "np.float64", "np.int64", "0-d float tensor", "0-d int tensor"],
)
def test_focal_gamma_takes_the_scalars_label_smoothing_takes(gamma: object) -> None:
    torch.testing.assert_close(
        xentdocs.focal_loss(LOGITS, LABELS, gamma=gamma),
        xentdocs.focal_loss(LOGITS, LABELS, gamma=2.0),
    )


@pytest.mark.parametrize("ignore_index", [np.int64(-1), np.int8(-7), torch.tensor(-1)])
def test_focal_and_linear_cross_entropy_take_numpy_and_0_d_ignore_index(
    ignore_index: object,
) -> None:
    value = int(ignore_index)
    labels = torch.tensor([0, value, 2, 1])
    torch.testing.assert_close(
        xentdocs.focal_loss(LOGITS, labels, gamma=0.0, ignore_index=ignore_index),
        F.cross_entropy(LOGITS, labels, ignore_index=value),
    )
    features = torch.randn(4, 5, generator=torch.Generator().manual_seed(2))
    linear_weight = torch.randn(3, 5, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(
        xentdocs.linear_cross_entropy(features, linear_weight, labels, ignore_index=ignore_index),
        F.linear_cross_entropy(features, linear_weight, labels, ignore_index=value),
    )


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_softmax_over_70000_classes_along_dim_0(dtype: torch.dtype) -> None:
    logits = torch.zeros(70_000, 2, dtype=dtype)
    assert torch.equal(xentdocs.softmax(logits, dim=0), torch.softmax(logits, dim=0))
    assert check.softmax(torch.softmax(logits, dim=0), logits, dim=0)
    assert not check.softmax(torch.zeros_like(logits), logits, dim=0)
