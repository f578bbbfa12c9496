"""focal_loss: the formula of Lin et al. (2017), cross-entropy at gamma=0, and the package's errors.

At ``gamma=0`` the loss is :func:`torch.nn.functional.cross_entropy`, values and gradients, for
every shape, reduction, weight and ignored target drawn. For ``gamma > 0`` it is checked against
the formula written out separately in float64, its gradients pass ``gradcheck``, and bad input
gets the same ``ValueError``/``TypeError`` messages as the package's other losses.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from xentdocs import cross_entropy, focal_loss, lecture_example

REDUCTIONS = ["none", "mean", "sum"]
FLOAT_DTYPES = [torch.float32, torch.float64]


def tolerances(dtype: torch.dtype) -> dict[str, float]:
    if dtype == torch.float64:
        return {"rtol": 1e-7, "atol": 1e-7}
    return {"rtol": 1e-5, "atol": 1e-5}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    """Logits (C), (N, C), (N, C, d1) or (N, C, d1, d2), targets with some ignored, weights."""
    num_classes = draw(st.integers(1, 5))
    num_spatial = draw(st.sampled_from([None, 0, 1, 2]))  # None: one example, shape (C)
    if num_spatial is None:
        shape = [num_classes]
    else:
        spatial = draw(st.lists(st.integers(1, 3), min_size=num_spatial, max_size=num_spatial))
        shape = [draw(st.integers(0, 4)), num_classes, *spatial]
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    generator = torch.Generator(torch.get_default_device()).manual_seed(
        draw(st.integers(0, 2**31 - 1))
    )
    scale = draw(st.sampled_from([1.0, 5.0, 30.0]))
    logits = torch.randn(shape, generator=generator, dtype=dtype) * scale
    dim = 0 if logits.dim() == 1 else 1
    target_shape = logits.shape[:dim] + logits.shape[dim + 1 :]
    target = torch.randint(0, num_classes, target_shape, generator=generator)
    ignore_index = draw(st.sampled_from([-100, -1, 0]))
    ignored = torch.rand(target_shape, generator=generator) < draw(st.sampled_from([0, 0.3, 1]))
    target = torch.where(ignored, ignore_index, target)
    weight = None
    if draw(st.booleans()):
        weight = torch.rand(num_classes, generator=generator, dtype=dtype) * 2
    return {
        "logits": logits,
        "target": target,
        "weight": weight,
        "ignore_index": ignore_index,
        "reduction": draw(st.sampled_from(REDUCTIONS)),
        "generator": generator,
    }


def by_the_formula(
    logits: torch.Tensor,
    target: torch.Tensor,
    gamma: float,
    weight: torch.Tensor | None,
    ignore_index: int,
    reduction: str,
) -> torch.Tensor:
    """-w_y (1 - p_t)^gamma log p_t, written out element by element in float64."""
    dim = 0 if logits.dim() == 1 else 1
    probas = torch.softmax(logits.double(), dim=dim).movedim(dim, -1).reshape(-1, logits.shape[dim])
    labels = target.reshape(-1).tolist()
    losses, weights = [], []
    for row, label in zip(probas, labels, strict=True):
        if label == ignore_index:
            losses.append(0.0)
            weights.append(0.0)
            continue
        p_t = row[label].item()
        w = 1.0 if weight is None else weight[label].item()
        losses.append(-w * (1 - p_t) ** gamma * math.log(p_t))
        weights.append(w)
    per_element = torch.tensor(losses, dtype=torch.float64).reshape(target.shape)
    if reduction == "none":
        return per_element
    if reduction == "sum":
        return per_element.sum()
    return per_element.sum() / sum(weights) if sum(weights) else torch.tensor(math.nan).double()


@settings(max_examples=150, deadline=None)
@given(case=cases())
def test_gamma_zero_is_cross_entropy_values_and_gradients(case: dict[str, object]) -> None:
    logits = case["logits"]
    arguments = {k: case[k] for k in ("weight", "ignore_index", "reduction")}
    ours_input = logits.clone().requires_grad_()
    theirs_input = logits.clone().requires_grad_()
    ours = focal_loss(ours_input, case["target"], gamma=0.0, **arguments)
    theirs = F.cross_entropy(theirs_input, case["target"], **arguments)
    tolerance = tolerances(logits.dtype)
    torch.testing.assert_close(ours, theirs, equal_nan=True, **tolerance)
    upstream = torch.randn(theirs.shape, generator=case["generator"], dtype=theirs.dtype)
    ours.backward(upstream)
    theirs.backward(upstream)
    torch.testing.assert_close(ours_input.grad, theirs_input.grad, equal_nan=True, **tolerance)


@settings(max_examples=150, deadline=None)
@given(case=cases(), gamma=st.sampled_from([0.5, 1.0, 2.0, 5.0]))
def test_agrees_with_the_formula(case: dict[str, object], gamma: float) -> None:
    logits = case["logits"]
    arguments = {k: case[k] for k in ("weight", "ignore_index", "reduction")}
    ours = focal_loss(logits, case["target"], gamma=gamma, **arguments)
    expected = by_the_formula(logits, case["target"], gamma, **arguments)
    assert ours.dtype == logits.dtype
    assert ours.device == logits.device
    torch.testing.assert_close(
        ours.double(), expected.to(ours.device), equal_nan=True, **tolerances(logits.dtype)
    )


@pytest.mark.parametrize(
    "shape", [(4, 3), (3, 4, 2), (5,), (2, 3, 2, 2)], ids=["NC", "NCd1", "C", "NCd1d2"]
)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_gradients_pass_gradcheck(
    shape: tuple[int, ...], reduction: str, weighted: bool, gamma: float
) -> None:
    generator = torch.Generator(torch.get_default_device()).manual_seed(0)
    logits = torch.randn(shape, generator=generator, dtype=torch.float64, requires_grad=True)
    dim = 0 if len(shape) == 1 else 1
    target_shape = shape[:dim] + shape[dim + 1 :]
    target = torch.randint(0, shape[dim], target_shape, generator=generator)
    if target.dim() > 0:
        target.view(-1)[0] = -100  # one ignored target
    weight = torch.rand(shape[dim], dtype=torch.float64, generator=generator) if weighted else None

    def loss(x: torch.Tensor) -> torch.Tensor:
        return focal_loss(x, target, gamma=gamma, weight=weight, reduction=reduction)

    assert torch.autograd.gradcheck(loss, (logits,))
    assert torch.autograd.gradgradcheck(loss, (logits,))


def test_a_known_value_by_hand() -> None:
    # Two classes, logits 0 and log 3: p_t = 3/4 for class 1 and 1/4 for class 0.
    logits = torch.tensor([[0.0, math.log(3.0)], [0.0, math.log(3.0)]], dtype=torch.float64)
    target = torch.tensor([1, 0])
    easy = (1 / 4) ** 2 * -math.log(3 / 4)
    hard = (3 / 4) ** 2 * -math.log(1 / 4)
    losses = focal_loss(logits, target, reduction="none")
    torch.testing.assert_close(losses, torch.tensor([easy, hard], dtype=torch.float64))
    weight = torch.tensor([2.0, 1.0], dtype=torch.float64)
    mean = focal_loss(logits, target, weight=weight)
    torch.testing.assert_close(mean, torch.tensor((easy * 1 + hard * 2) / 3, dtype=torch.float64))


def test_the_weighted_mean_divides_by_the_kept_targets_weights() -> None:
    _, logits = lecture_example()
    weight = torch.tensor([1.0, 2.0, 3.0])
    target = torch.tensor([0, 1, -100, 2])
    per_element = focal_loss(logits, target, weight=weight, reduction="none")
    assert per_element[2] == 0
    denominator = weight[0] + weight[1] + weight[2]
    torch.testing.assert_close(
        focal_loss(logits, target, weight=weight), per_element.sum() / denominator
    )
    assert torch.isnan(focal_loss(logits, torch.full((4,), -100)))


def test_easy_examples_are_scaled_down_more_than_hard_ones() -> None:
    labels, logits = lecture_example()
    ratios = focal_loss(logits, labels, reduction="none") / cross_entropy(
        logits, labels, reduction="none"
    )
    p_t = torch.softmax(logits, dim=1).gather(1, labels.unsqueeze(1)).squeeze(1)
    torch.testing.assert_close(ratios, (1 - p_t) ** 2)
    assert torch.equal(torch.argsort(ratios), torch.argsort(-p_t))


@pytest.mark.parametrize("gamma", [0.25, 0.5, 1.0, 2.0])
def test_a_certain_right_answer_has_zero_loss_and_finite_gradients(gamma: float) -> None:
    # p_t rounds to exactly 1 in float32: 0 ** gamma must not turn the gradient into nan.
    logits = torch.tensor([[50.0, 0.0, 0.0], [0.0, 1.0, 0.0]], requires_grad=True)
    loss = focal_loss(logits, torch.tensor([0, 1]), gamma=gamma)
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(logits.grad).all()
    assert focal_loss(logits[:1], torch.tensor([0]), gamma=gamma) == 0
    torch.testing.assert_close(logits.grad[0], torch.zeros(3), atol=1e-12, rtol=0)


def test_a_confident_right_answer_keeps_its_small_loss() -> None:
    # 1 - p_t computed as -expm1(log p_t): the loss of p_t = 1 - 1e-7 is not rounded to 0.
    logits = torch.tensor([[math.log(1e7), 0.0]], dtype=torch.float64)
    loss = focal_loss(logits, torch.tensor([0]), gamma=2.0)
    p_false = 1 / (1e7 + 1)
    torch.testing.assert_close(
        loss, torch.tensor(p_false**2 * -math.log1p(-p_false), dtype=torch.float64)
    )


def test_the_result_is_in_the_inputs_dtype_and_uint8_targets_work() -> None:
    labels, logits = lecture_example()
    for dtype in (torch.float16, torch.bfloat16, torch.float64):
        assert focal_loss(logits.to(dtype), labels).dtype == dtype
    torch.testing.assert_close(
        focal_loss(logits, labels.to(torch.uint8)), focal_loss(logits, labels)
    )


def test_arguments_after_target_are_keyword_only() -> None:
    labels, logits = lecture_example()
    with pytest.raises(TypeError, match="positional"):
        focal_loss(logits, labels, 2.0)


LABELS = torch.tensor([0, 1, 2, 2])
LOGITS = torch.tensor(
    [[-0.3, -0.5, -0.5], [-0.4, -0.1, -0.5], [-0.3, -0.94, -0.5], [-0.99, -0.88, -0.5]]
)


def bad(error: type[Exception], message: str, id: str, *args: object, **kwargs: object):
    return pytest.param(args, kwargs, error, message, id=id)


BAD_INPUTS = [
    bad(
        TypeError,
        "input must be a torch.Tensor, got list [[0.0, 1.0]]; wrap it with torch.tensor(...)",
        "input-list",
        [[0.0, 1.0]],
        LABELS,
    ),
    bad(
        TypeError,
        "input must be a floating-point tensor (logits, one per class), got torch.int64",
        "input-integers",
        LABELS.reshape(2, 2),
        LABELS[:2],
    ),
    bad(
        ValueError,
        "input must have at least one dimension ((C) or (N, C, d1, ..., dk)), got a 0-d tensor",
        "input-0d",
        torch.tensor(1.0),
        torch.tensor(0),
    ),
    bad(
        TypeError,
        "target must be an integer tensor of class indices (torch.int64, or torch.uint8),"
        " got torch.float32",
        "target-float",
        LOGITS,
        LABELS.float(),
    ),
    bad(
        TypeError,
        "got torch.int32; convert it with target.long()",
        "target-int32",
        LOGITS,
        LABELS.int(),
    ),
    bad(
        ValueError,
        "did you pass a one-hot tensor?",
        "target-one-hot",
        LOGITS,
        F.one_hot(LABELS, 3),
    ),
    bad(
        ValueError,
        "target must have shape (4,) (the input's shape (4, 3) without the class dimension),"
        " got (4, 1)",
        "target-N1",
        LOGITS,
        LABELS.unsqueeze(1),
    ),
    bad(
        ValueError,
        "target must be class indices from 0 to 2 for 3 classes, or ignore_index=-100,"
        " got 3 at position 1",
        "target-too-large",
        LOGITS,
        torch.tensor([0, 3, 1, 2]),
    ),
    bad(
        ValueError,
        "target must be class indices, which start at 0, or ignore_index=-100, got -1",
        "target-negative",
        LOGITS,
        torch.tensor([0, -1, 1, 2]),
    ),
    bad(
        TypeError,
        "gamma must be a float of at least 0.0, got str '2'",
        "gamma-string",
        LOGITS,
        LABELS,
        gamma="2",
    ),
    bad(
        TypeError,
        "gamma must be a float of at least 0.0, got bool True",
        "gamma-bool",
        LOGITS,
        LABELS,
        gamma=True,
    ),
    bad(
        ValueError,
        "gamma must be a finite number of at least 0.0, got -1.0",
        "gamma-negative",
        LOGITS,
        LABELS,
        gamma=-1.0,
    ),
    bad(
        ValueError,
        "gamma must be a finite number of at least 0.0, got nan",
        "gamma-nan",
        LOGITS,
        LABELS,
        gamma=math.nan,
    ),
    bad(
        ValueError,
        "gamma must be a finite number of at least 0.0, got inf",
        "gamma-inf",
        LOGITS,
        LABELS,
        gamma=math.inf,
    ),
    bad(
        ValueError,
        "weight must be a 1-d tensor with one weight per class, shape (3,), got shape (2,)",
        "weight-length",
        LOGITS,
        LABELS,
        weight=torch.ones(2),
    ),
    bad(
        TypeError,
        "weight must have the same dtype as input (torch.float32), got torch.float64",
        "weight-dtype",
        LOGITS,
        LABELS,
        weight=torch.ones(3, dtype=torch.float64),
    ),
    bad(
        ValueError,
        "reduction must be one of 'none', 'mean', 'sum', got 'average'",
        "reduction",
        LOGITS,
        LABELS,
        reduction="average",
    ),
    bad(
        TypeError,
        "ignore_index must be an int, got float -100.0",
        "ignore-index-float",
        LOGITS,
        LABELS,
        ignore_index=-100.0,
    ),
    bad(
        ValueError,
        "target must be on the same device as input (cpu), got a tensor on meta",
        "target-device",
        LOGITS.cpu(),
        LABELS.to("meta"),
    ),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), BAD_INPUTS)
def test_bad_input_gets_the_packages_clear_errors(
    args: tuple[object, ...], kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        focal_loss(*args, **kwargs)
    assert message in str(raised.value)
    assert type(raised.value) is error
