"""Every function computes on its inputs' device, and refuses arguments on two devices.

A tensor made inside the package without ``device=`` lands on the default device, which is
usually the CPU: on a CPU-only machine such a bug hides, because the inputs are there too. So
these tests run every function while the default device is ``"meta"`` (shapes without values),
with inputs made explicitly on the device under test: a tensor made on the wrong device either
breaks the computation or comes back on ``meta``. The device under test is the CPU, or whatever
``XENTDOCS_TEST_DEVICE`` names (``cuda`` on a machine with a GPU).

Arguments on two devices must get the package's ValueError naming both devices, not the
RuntimeError PyTorch raises from inside a kernel. Without a GPU, ``meta`` tensors are the
second device.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import xentdocs

WRONG_DEVICE = torch.device("meta")
# float32 sums on a GPU may differ from PyTorch's in their last bits, as in test_losses.py.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


@contextmanager
def default_device(device: torch.device) -> Iterator[None]:
    """Make ``device`` the default device inside the block, and restore the previous one after.

    ``torch.device`` as a context manager is ``torch.set_default_device`` for a block: it puts
    back exactly the default that was set before (the CPU, or XENTDOCS_TEST_DEVICE's device),
    even when the block raises.
    """
    with torch.device(device):
        yield


def random_tensor(device: torch.device, *shape: int, seed: int = 0) -> torch.Tensor:
    """Random float32 numbers of ``shape`` on ``device``, the same ones for the same seed."""
    generator = torch.Generator(device).manual_seed(seed)
    return torch.randn(shape, generator=generator, device=device) * 3


def labels(device: torch.device) -> torch.Tensor:
    """The lecture's four labels of three classes, on ``device``."""
    return torch.tensor([0, 1, 2, 2], device=device)


def probabilities(device: torch.device, *shape: int) -> torch.Tensor:
    """Random class probabilities of ``shape`` (classes along dimension 1) on ``device``."""
    return torch.softmax(random_tensor(device, *shape, seed=1), dim=1)


@dataclass
class Call:
    """A xentdocs call, PyTorch's twin of it, and how to make its arguments on a device."""

    ours: Callable[..., torch.Tensor]
    theirs: Callable[..., torch.Tensor]
    arguments: Callable[[torch.device], tuple[torch.Tensor, ...]]
    differentiable: bool = True  # whether the first argument gets a gradient


def loss_arguments(device: torch.device) -> tuple[torch.Tensor, ...]:
    """Logits (4, 3), the lecture's labels with one ignored, and class weights."""
    target = torch.tensor([0, 1, -1, 2], device=device)
    weight = torch.tensor([1.0, 2.0, 0.5], device=device)
    return random_tensor(device, 4, 3), target, weight


def spatial_arguments(device: torch.device) -> tuple[torch.Tensor, ...]:
    """Logits (2, 3, 5) with one label per position, and class weights."""
    target = torch.tensor([[0, 1, 2, 2, 1], [2, 0, 0, 1, 2]], device=device)
    weight = torch.tensor([1.0, 2.0, 0.5], device=device)
    return random_tensor(device, 2, 3, 5), target, weight


def probability_arguments(device: torch.device) -> tuple[torch.Tensor, ...]:
    """Logits (4, 3), class probabilities of the same shape, and class weights."""
    weight = torch.tensor([1.0, 2.0, 0.5], device=device)
    return random_tensor(device, 4, 3), probabilities(device, 4, 3), weight


def log_probability_arguments(device: torch.device) -> tuple[torch.Tensor, ...]:
    """Log-probabilities (4, 3), targets with one ignored, and class weights."""
    logits, target, weight = loss_arguments(device)
    return torch.log_softmax(logits, dim=1), target, weight


CALLS = {
    "one_hot": Call(
        lambda labels: xentdocs.one_hot(labels),
        lambda labels: F.one_hot(labels).float(),
        lambda device: (labels(device),),
        differentiable=False,
    ),
    "one_hot-num_classes-int64": Call(
        lambda labels: xentdocs.one_hot(labels, num_classes=5, dtype=torch.int64),
        lambda labels: F.one_hot(labels, num_classes=5),
        lambda device: (labels(device),),
        differentiable=False,
    ),
    "labels_from_one_hot": Call(
        xentdocs.labels_from_one_hot,
        lambda one_hot_targets: one_hot_targets.argmax(dim=1),
        lambda device: (F.one_hot(labels(device)).float(),),
        differentiable=False,
    ),
    "softmax": Call(
        lambda logits: xentdocs.softmax(logits, dim=1),
        lambda logits: F.softmax(logits, dim=1),
        lambda device: (random_tensor(device, 2, 3, 5),),
    ),
    "naive_softmax": Call(
        xentdocs.naive_softmax,
        lambda logits: F.softmax(logits, dim=-1),
        lambda device: (random_tensor(device, 4, 3),),
    ),
    "log_softmax": Call(
        lambda logits: xentdocs.log_softmax(logits, dim=0),
        lambda logits: F.log_softmax(logits, dim=0),
        lambda device: (random_tensor(device, 4, 3),),
    ),
    "lecture_softmax": Call(
        xentdocs.lecture_softmax,
        lambda logits: F.softmax(logits, dim=1),
        lambda device: (random_tensor(device, 4, 3),),
    ),
    "predict_labels": Call(
        xentdocs.predict_labels,
        lambda scores: scores.argmax(dim=-1),
        lambda device: (random_tensor(device, 4, 3),),
        differentiable=False,
    ),
    "nll_loss": Call(
        lambda input, target, weight: xentdocs.nll_loss(input, target, ignore_index=-1),
        lambda input, target, weight: F.nll_loss(input, target, ignore_index=-1),
        log_probability_arguments,
    ),
    "nll_loss-weight-none": Call(
        lambda input, target, weight: xentdocs.nll_loss(
            input, target, weight, ignore_index=-1, reduction="none"
        ),
        lambda input, target, weight: F.nll_loss(
            input, target, weight, ignore_index=-1, reduction="none"
        ),
        log_probability_arguments,
    ),
    "cross_entropy": Call(
        xentdocs.cross_entropy,
        F.cross_entropy,
        lambda device: (random_tensor(device, 4, 3), labels(device)),
    ),
    "cross_entropy-one-example": Call(
        xentdocs.cross_entropy,
        F.cross_entropy,
        lambda device: (random_tensor(device, 3), torch.tensor(2, device=device)),
    ),
    "cross_entropy-weight-ignore_index-smoothing": Call(
        lambda input, target, weight: xentdocs.cross_entropy(
            input, target, weight, ignore_index=-1, label_smoothing=0.2
        ),
        lambda input, target, weight: F.cross_entropy(
            input, target, weight, ignore_index=-1, label_smoothing=0.2
        ),
        loss_arguments,
    ),
    "cross_entropy-spatial-weight-sum": Call(
        lambda input, target, weight: xentdocs.cross_entropy(
            input, target, weight, reduction="sum", label_smoothing=0.1
        ),
        lambda input, target, weight: F.cross_entropy(
            input, target, weight, reduction="sum", label_smoothing=0.1
        ),
        spatial_arguments,
    ),
    "cross_entropy-probabilities-weight-smoothing": Call(
        lambda input, target, weight: xentdocs.cross_entropy(
            input, target, weight, label_smoothing=0.3
        ),
        lambda input, target, weight: F.cross_entropy(input, target, weight, label_smoothing=0.3),
        probability_arguments,
    ),
    "cross_entropy-probabilities-none": Call(
        lambda input, target, weight: xentdocs.cross_entropy(input, target, reduction="none"),
        lambda input, target, weight: F.cross_entropy(input, target, reduction="none"),
        probability_arguments,
    ),
    "cross_entropy_from_probas": Call(
        xentdocs.cross_entropy_from_probas,
        lambda probas, one_hot_targets: F.nll_loss(
            torch.log(probas), one_hot_targets.argmax(dim=1), reduction="none"
        ),
        lambda device: (probabilities(device, 4, 3), F.one_hot(labels(device)).float()),
    ),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_results_and_gradients_stay_on_the_inputs_device(
    call: Call, device_under_test: torch.device
) -> None:
    first, *others = call.arguments(device_under_test)
    their_first = first.clone().requires_grad_(call.differentiable)
    theirs = call.theirs(their_first, *others)
    # Not all ones: the gradient of a sum of softmax outputs would be 0 whatever the bug.
    upstream = random_tensor(device_under_test, *theirs.shape, seed=2)

    our_first = first.clone().requires_grad_(call.differentiable)
    with default_device(WRONG_DEVICE):
        ours = call.ours(our_first, *others)
        if call.differentiable:
            ours.backward(upstream)

    assert ours.device == device_under_test
    torch.testing.assert_close(ours, theirs, **TOLERANCE)
    if call.differentiable:
        theirs.backward(upstream)
        assert our_first.grad is not None
        assert our_first.grad.device == device_under_test
        torch.testing.assert_close(our_first.grad, their_first.grad, **TOLERANCE)


def test_the_default_device_comes_back_even_after_an_error(
    device_under_test: torch.device,
) -> None:
    def fail_on_the_wrong_device() -> None:
        with default_device(WRONG_DEVICE):
            assert torch.empty(0).device == WRONG_DEVICE
            raise ZeroDivisionError

    before = torch.get_default_device()
    with pytest.raises(ZeroDivisionError):
        fail_on_the_wrong_device()
    assert torch.get_default_device() == before
    assert torch.empty(0).device == device_under_test


def other_devices(device_under_test: torch.device) -> list[torch.device]:
    """Devices other than the one under test: meta always, and the CPU next to a GPU."""
    devices = [WRONG_DEVICE]
    if device_under_test.type != "cpu":
        devices.append(torch.device("cpu"))
    return devices


def move(arguments: tuple[torch.Tensor, ...], index: int, device: torch.device) -> list[object]:
    """The arguments, with the one at ``index`` moved to ``device``."""
    moved: list[object] = list(arguments)
    moved[index] = arguments[index].to(device)
    return moved


# (call, the argument moved to the other device, its name, the name of the one it must follow)
MIXED = {
    "nll_loss-target": (xentdocs.nll_loss, log_probability_arguments, 1, "target", "input"),
    "nll_loss-weight": (xentdocs.nll_loss, log_probability_arguments, 2, "weight", "input"),
    "nll_loss-input": (xentdocs.nll_loss, log_probability_arguments, 0, "target", "input"),
    "cross_entropy-target": (xentdocs.cross_entropy, loss_arguments, 1, "target", "input"),
    "cross_entropy-weight": (xentdocs.cross_entropy, loss_arguments, 2, "weight", "input"),
    "cross_entropy-input": (xentdocs.cross_entropy, loss_arguments, 0, "target", "input"),
    "cross_entropy-spatial-target": (
        xentdocs.cross_entropy,
        spatial_arguments,
        1,
        "target",
        "input",
    ),
    "cross_entropy-probabilities-target": (
        xentdocs.cross_entropy,
        probability_arguments,
        1,
        "target",
        "input",
    ),
    "cross_entropy-probabilities-weight": (
        xentdocs.cross_entropy,
        probability_arguments,
        2,
        "weight",
        "input",
    ),
    "cross_entropy_from_probas-targets": (
        xentdocs.cross_entropy_from_probas,
        lambda device: (probabilities(device, 4, 3), F.one_hot(labels(device)).float()),
        1,
        "one_hot_targets",
        "probas",
    ),
    "cross_entropy_from_probas-probas": (
        xentdocs.cross_entropy_from_probas,
        lambda device: (probabilities(device, 4, 3), F.one_hot(labels(device)).float()),
        0,
        "one_hot_targets",
        "probas",
    ),
}


@pytest.mark.parametrize(
    ("function", "make_arguments", "moved", "name", "reference_name"),
    MIXED.values(),
    ids=MIXED.keys(),
)
def test_arguments_on_two_devices_get_a_value_error_naming_both(
    function: Callable[..., torch.Tensor],
    make_arguments: Callable[[torch.device], tuple[torch.Tensor, ...]],
    moved: int,
    name: str,
    reference_name: str,
    device_under_test: torch.device,
) -> None:
    for other in other_devices(device_under_test):
        arguments = move(make_arguments(device_under_test), moved, other)
        # Moving the input (or probas) puts the other argument on the device under test.
        reference_device, device = (
            (other, device_under_test) if moved == 0 else (device_under_test, other)
        )
        expected = (
            f"{name} must be on the same device as {reference_name} ({reference_device}),"
            f" got a tensor on {device}; move it with {name}.to({reference_name}.device)"
        )
        with pytest.raises(ValueError, match=f"^{re.escape(expected)}$") as raised:
            function(*arguments)
        # Raised by the package's check, not by PyTorch on the way.
        assert Path(raised.traceback[-1].path).parent.name == "xentdocs"


def test_the_device_check_comes_before_the_checks_of_target_values(
    device_under_test: torch.device,
) -> None:
    # Out of range and on another device: the device is what the message must be about, since
    # checking the values against the input would mix the two devices.
    logits = random_tensor(device_under_test, 4, 3)
    for other in other_devices(device_under_test):
        target = torch.tensor([0, 1, 7, 2], device=other)
        for function in (xentdocs.cross_entropy, xentdocs.nll_loss):
            with pytest.raises(ValueError, match=r"^target must be on the same device as input"):
                function(logits, target)
