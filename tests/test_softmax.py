"""softmax, log_softmax, naive_softmax and lecture_softmax agree with PyTorch.

The stable functions also stay finite where the naive ones overflow: that is the point of the
page about numerical stability.
"""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import lecture_example, lecture_softmax, log_softmax, naive_softmax, softmax

FLOAT_DTYPES = [torch.float32, torch.float64]


@st.composite
def logits_and_dim(draw: st.DrawFn, scale: float = 5.0) -> tuple[torch.Tensor, int]:
    """Random logits of 1 to 4 dimensions (sizes 1..4) and a dimension to normalize."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    seed = draw(st.integers(0, 2**31 - 1))
    # A generator on the default device, so XENTDOCS_TEST_DEVICE=cuda can draw with it.
    generator = torch.Generator(torch.get_default_device()).manual_seed(seed)
    logits = torch.randn(shape, generator=generator, dtype=dtype) * scale
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    return logits, dim


@settings(max_examples=150, deadline=None)
@given(case=logits_and_dim())
def test_softmax_agrees_with_torch(case: tuple[torch.Tensor, int]) -> None:
    logits, dim = case
    torch.testing.assert_close(softmax(logits, dim=dim), torch.softmax(logits, dim=dim))


@settings(max_examples=150, deadline=None)
@given(case=logits_and_dim())
def test_log_softmax_agrees_with_torch(case: tuple[torch.Tensor, int]) -> None:
    logits, dim = case
    torch.testing.assert_close(log_softmax(logits, dim=dim), torch.log_softmax(logits, dim=dim))


@settings(max_examples=150, deadline=None)
@given(case=logits_and_dim())
def test_naive_softmax_agrees_with_torch_for_moderate_logits(
    case: tuple[torch.Tensor, int],
) -> None:
    logits, dim = case
    torch.testing.assert_close(naive_softmax(logits, dim=dim), torch.softmax(logits, dim=dim))


@settings(max_examples=100, deadline=None)
@given(case=logits_and_dim())
def test_lecture_softmax_agrees_with_torch_for_2d_logits(case: tuple[torch.Tensor, int]) -> None:
    logits, _ = case
    logits_2d = logits.reshape(logits.shape[0], -1)
    torch.testing.assert_close(lecture_softmax(logits_2d), torch.softmax(logits_2d, dim=1))


@settings(max_examples=100, deadline=None)
@given(case=logits_and_dim(), use_log=st.booleans())
def test_gradients_agree_with_torch(case: tuple[torch.Tensor, int], use_log: bool) -> None:
    logits, dim = case
    ours = logits.clone().requires_grad_()
    theirs = logits.clone().requires_grad_()
    if use_log:
        our_result, their_result = log_softmax(ours, dim), torch.log_softmax(theirs, dim)
    else:
        our_result, their_result = softmax(ours, dim), torch.softmax(theirs, dim)
    upstream = torch.randn(
        logits.shape,
        dtype=logits.dtype,
        generator=torch.Generator(torch.get_default_device()).manual_seed(0),
    )
    our_result.backward(upstream)
    their_result.backward(upstream)
    torch.testing.assert_close(ours.grad, theirs.grad)


def test_lecture_softmax_rows_sum_to_one_not_columns() -> None:
    _, logits = lecture_example()
    probas = lecture_softmax(logits)
    torch.testing.assert_close(probas.sum(dim=1), torch.ones(4))
    assert not torch.allclose(probas.sum(dim=0), torch.ones(3))


@settings(max_examples=100, deadline=None)
@given(case=logits_and_dim(scale=1e4))
def test_stable_functions_stay_finite_for_extreme_logits(case: tuple[torch.Tensor, int]) -> None:
    logits, dim = case
    probas = softmax(logits, dim=dim)
    log_probas = log_softmax(logits, dim=dim)
    assert torch.isfinite(probas).all()
    assert torch.isfinite(log_probas).all()
    torch.testing.assert_close(probas, torch.softmax(logits, dim=dim))
    torch.testing.assert_close(log_probas, torch.log_softmax(logits, dim=dim))


@settings(max_examples=100, deadline=None)
@given(case=logits_and_dim(), dtype=st.sampled_from(FLOAT_DTYPES), sign=st.sampled_from([1, -1]))
def test_naive_softmax_gives_nan_for_extreme_logits(
    case: tuple[torch.Tensor, int], dtype: torch.dtype, sign: int
) -> None:
    logits, dim = case
    # Every logit at +1e4 overflows exp to inf (inf / inf); at -1e4 it underflows to 0 (0 / 0).
    extreme = torch.full(logits.shape, sign * 1e4, dtype=dtype)
    assert torch.isnan(naive_softmax(extreme, dim=dim)).all()
    assert torch.isfinite(softmax(extreme, dim=dim)).all()


def test_lecture_softmax_gives_nan_for_a_large_logit() -> None:
    logits = torch.tensor([[1e4, 0.0, 0.0], [0.1, 0.2, 0.3]])
    assert torch.isnan(lecture_softmax(logits)[0]).any()
    assert torch.isfinite(softmax(logits)).all()
