"""one_hot and labels_from_one_hot agree with PyTorch and undo each other."""

import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import LectureExample, labels_from_one_hot, lecture_example, one_hot

INTEGER_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]
RESULT_DTYPES = [torch.float32, torch.float64, torch.int64, torch.bool]


@st.composite
def labels_and_num_classes(draw: st.DrawFn) -> tuple[torch.Tensor, int]:
    num_classes = draw(st.integers(1, 6))
    values = draw(st.lists(st.integers(0, num_classes - 1), max_size=8))
    dtype = draw(st.sampled_from(INTEGER_DTYPES))
    return torch.tensor(values, dtype=dtype), num_classes


def test_one_hot_of_the_lecture_labels() -> None:
    labels, _ = lecture_example()
    expected = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    torch.testing.assert_close(one_hot(labels), expected, rtol=0, atol=0)


def test_one_hot_is_the_lectures_scatter_formula() -> None:
    labels, _ = lecture_example()
    lecture = torch.zeros(4, 3).scatter_(1, labels.view(-1, 1).long(), 1)
    assert torch.equal(one_hot(labels), lecture)


@settings(max_examples=150, deadline=None)
@given(case=labels_and_num_classes(), dtype=st.sampled_from(RESULT_DTYPES))
def test_one_hot_agrees_with_torch(case: tuple[torch.Tensor, int], dtype: torch.dtype) -> None:
    labels, num_classes = case
    expected = F.one_hot(labels.long(), num_classes).to(dtype)
    result = one_hot(labels, num_classes, dtype=dtype)
    assert result.dtype == dtype
    assert torch.equal(result, expected)


@settings(max_examples=100, deadline=None)
@given(case=labels_and_num_classes())
def test_one_hot_default_num_classes_is_largest_label_plus_one(
    case: tuple[torch.Tensor, int],
) -> None:
    labels, _ = case
    if labels.numel() == 0:
        return  # covered by the validation tests: there is no largest label
    expected = F.one_hot(labels.long()).float()
    result = one_hot(labels)
    assert result.dtype == torch.float32
    assert torch.equal(result, expected)


def test_one_hot_of_empty_labels_with_num_classes() -> None:
    result = one_hot(torch.tensor([], dtype=torch.int64), num_classes=3)
    assert result.shape == (0, 3)


@settings(max_examples=150, deadline=None)
@given(case=labels_and_num_classes(), dtype=st.sampled_from([torch.float32, torch.int64]))
def test_labels_from_one_hot_undoes_one_hot(
    case: tuple[torch.Tensor, int], dtype: torch.dtype
) -> None:
    labels, num_classes = case
    result = labels_from_one_hot(one_hot(labels, num_classes, dtype=dtype))
    assert result.dtype == torch.int64
    assert torch.equal(result, labels.long())


def test_lecture_example_unpacks_into_labels_and_logits() -> None:
    example = lecture_example()
    assert isinstance(example, LectureExample)
    labels, logits = example
    assert labels is example.labels
    assert logits is example.logits
    assert labels.dtype == torch.int64
    assert labels.shape == (4,)
    assert logits.dtype == torch.float32
    assert logits.shape == (4, 3)


def test_lecture_example_gives_fresh_tensors_on_every_call() -> None:
    first = lecture_example()
    first.labels[0] = 2
    first.logits[0, 0] = 100.0
    second = lecture_example()
    assert second.labels[0] == 0
    assert second.logits[0, 0] != 100.0
