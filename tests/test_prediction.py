"""predict_labels is argmax, with ties going to the first index and NaN counting as largest."""

import math

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import lecture_example, predict_labels

# A few values only, so that ties (and NaNs) are common.
SCORES = st.sampled_from([-1.5, 0.0, 0.25, 2.0, math.inf, -math.inf])


def first_index_of_max(row: list[float]) -> int:
    """The label by hand: the first NaN if there is one, else the first maximum."""
    for index, value in enumerate(row):
        if math.isnan(value):
            return index
    return row.index(max(row))


@st.composite
def score_rows(draw: st.DrawFn, with_nan: bool) -> list[list[float]]:
    values = st.one_of(SCORES, st.just(math.nan)) if with_nan else SCORES
    num_classes = draw(st.integers(1, 5))
    num_rows = draw(st.integers(0, 4))
    row = st.lists(values, min_size=num_classes, max_size=num_classes)
    return draw(st.lists(row, min_size=num_rows, max_size=num_rows))


def test_lecture_predictions() -> None:
    labels, logits = lecture_example()
    predictions = predict_labels(logits)
    assert torch.equal(predictions, torch.argmax(logits, dim=1))
    assert (predictions == labels).tolist() == [True, True, False, True]


@settings(max_examples=200, deadline=None)
@given(rows=score_rows(with_nan=False), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_ties_go_to_the_first_index(rows: list[list[float]], dtype: torch.dtype) -> None:
    num_classes = len(rows[0]) if rows else 1
    scores = torch.tensor(rows, dtype=dtype).reshape(len(rows), num_classes)
    expected = torch.tensor([first_index_of_max(row) for row in rows], dtype=torch.int64)
    assert torch.equal(predict_labels(scores), expected)


@settings(max_examples=200, deadline=None)
@given(rows=score_rows(with_nan=True))
def test_nan_counts_as_the_largest_score_like_torch_argmax(rows: list[list[float]]) -> None:
    num_classes = len(rows[0]) if rows else 1
    scores = torch.tensor(rows).reshape(len(rows), num_classes)
    expected = torch.tensor([first_index_of_max(row) for row in rows], dtype=torch.int64)
    assert torch.equal(predict_labels(scores), expected)
    assert torch.equal(predict_labels(scores), torch.argmax(scores, dim=1))


def test_the_lectures_argmax_demonstrations() -> None:
    assert predict_labels(torch.tensor([1, 2, 3, 4])) == 3
    assert predict_labels(torch.tensor([5, 1, 2, 3, 4])) == 0
    assert predict_labels(torch.tensor([5, 1, 2, 5, 4])) == 0


@settings(max_examples=150, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    seed=st.integers(0, 2**31 - 1),
    data=st.data(),
)
def test_agrees_with_torch_argmax_along_any_dim(
    shape: list[int], seed: int, data: st.DataObject
) -> None:
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    # A generator on the default device, so XENTDOCS_TEST_DEVICE=cuda can draw with it.
    scores = torch.randint(
        -3, 3, shape, generator=torch.Generator(torch.get_default_device()).manual_seed(seed)
    )
    for dtype in (torch.int64, torch.float32):
        typed = scores.to(dtype)
        assert torch.equal(predict_labels(typed, dim=dim), torch.argmax(typed, dim=dim))
