"""The lecture's worked example: four examples, three classes."""

from typing import NamedTuple

import torch


class LectureExample(NamedTuple):
    """The lecture's class labels and logits; unpack it as ``labels, logits``.

    Examples
    --------
    >>> from xentdocs import lecture_example
    >>> example = lecture_example()
    >>> example.labels
    tensor([0, 1, 2, 2])
    >>> example.logits.shape
    torch.Size([4, 3])
    """

    #: Class labels of the four examples, shape ``(4,)``, dtype int64.
    labels: torch.Tensor
    #: Logits (net inputs), one row per example and one column per class, shape ``(4, 3)``.
    logits: torch.Tensor


def lecture_example() -> LectureExample:
    """Return the lecture's labels and logits, as new tensors on every call.

    The labels ``[0, 1, 2, 2]`` are four training examples of three classes; the logits are
    the net inputs the lecture made up for them, one row per example. The model gets the
    third example wrong (its largest logit is in column 0), so the loss is not trivially small.

    Returns
    -------
    LectureExample
        A named tuple ``(labels, logits)``: ``labels`` of shape ``(4,)`` and dtype int64,
        ``logits`` of shape ``(4, 3)`` and dtype float32. The tensors are fresh, so changing
        them in place does not change the next call's.

    See Also
    --------
    :func:`xentdocs.one_hot` : the labels as one-hot rows.
    :func:`xentdocs.softmax` : the logits as probabilities.
    :func:`xentdocs.cross_entropy` : the loss of these logits for these labels.

    Examples
    --------
    >>> from xentdocs import lecture_example
    >>> labels, logits = lecture_example()
    >>> labels
    tensor([0, 1, 2, 2])
    >>> logits
    tensor([[-0.3000, -0.5000, -0.5000],
            [-0.4000, -0.1000, -0.5000],
            [-0.3000, -0.9400, -0.5000],
            [-0.9900, -0.8800, -0.5000]])
    """
    labels = torch.tensor([0, 1, 2, 2])
    logits = torch.tensor(
        [
            [-0.3, -0.5, -0.5],
            [-0.4, -0.1, -0.5],
            [-0.3, -0.94, -0.5],
            [-0.99, -0.88, -0.5],
        ]
    )
    return LectureExample(labels=labels, logits=logits)
