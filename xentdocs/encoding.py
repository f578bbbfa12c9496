"""One-hot encoding of class labels, and the way back."""

import torch

from xentdocs._validation import (
    check_class_indices,
    check_exact_dims,
    check_integer,
    check_non_negative,
    check_num_classes,
    check_tensor,
    format_shape,
    has_values,
    is_integer_dtype,
)


def one_hot(
    labels: torch.Tensor, num_classes: int | None = None, *, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Turn class labels into one-hot rows, the way the lecture does with ``scatter_``.

    Row ``i`` of the result is all zeros except for a one in column ``labels[i]``:
    ``torch.zeros(N, C).scatter_(1, labels.view(-1, 1).long(), 1)``.

    Parameters
    ----------
    labels : torch.Tensor
        Class labels of shape ``(N,)``, integers from ``0`` to ``num_classes - 1``.
        Any integer dtype works, as in the lecture, which calls ``.long()`` on them.
    num_classes : int or None, optional
        The number of classes ``C``, the width of each row. ``None`` (the default) takes the
        largest label plus one, so a class above every label in ``labels`` gets no column.
    dtype : torch.dtype, optional
        The dtype of the result. Default: ``torch.float32``, as the lecture's
        ``torch.zeros`` gives, ready to multiply with probabilities.

    Returns
    -------
    torch.Tensor
        One-hot rows of shape ``(N, C)``, on the device of ``labels``.

    Raises
    ------
    TypeError
        If ``labels`` is not an integer tensor, ``num_classes`` is not an int or ``dtype``
        is not a :class:`torch.dtype`.
    ValueError
        If ``labels`` is not 1-d, a label is negative or not below ``num_classes``,
        ``num_classes`` is below 1, or ``labels`` is empty and ``num_classes`` is ``None``.

    See Also
    --------
    :func:`torch.nn.functional.one_hot` : PyTorch's version; it accepts labels of any shape
        and returns int64.
    :meth:`torch.Tensor.scatter_` : the in-place write this function is built on.
    :func:`xentdocs.labels_from_one_hot` : the way back from one-hot rows to labels.

    Notes
    -----
    Unlike :func:`torch.nn.functional.one_hot`, this function only takes a 1-d tensor of
    labels, one per example, because that is what ``labels.view(-1, 1)`` in the lecture's
    formula assumes.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, one_hot
    >>> labels, logits = lecture_example()
    >>> labels
    tensor([0, 1, 2, 2])
    >>> one_hot(labels)
    tensor([[1., 0., 0.],
            [0., 1., 0.],
            [0., 0., 1.],
            [0., 0., 1.]])

    A fourth class that no example has needs ``num_classes``:

    >>> one_hot(labels, num_classes=4, dtype=torch.int64)
    tensor([[1, 0, 0, 0],
            [0, 1, 0, 0],
            [0, 0, 1, 0],
            [0, 0, 1, 0]])
    """
    check_tensor(labels, "labels")
    check_integer(labels, "labels")
    check_exact_dims(labels, "labels", 1, "one class label per example, shape (N,)")
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"dtype must be a torch.dtype, got {type(dtype).__name__} {dtype!r}")
    if num_classes is None:
        if labels.numel() == 0:
            raise ValueError(
                "labels must not be empty when num_classes is None, got shape (0,)"
                "; pass num_classes, there is no largest label to count from"
            )
        if not has_values(labels):
            raise ValueError(
                "labels must have values when num_classes is None, got a tensor on meta"
                "; pass num_classes, there is no largest label to count from"
            )
        check_non_negative(labels, "labels")
        num_classes = int(labels.max()) + 1
    num_classes = check_num_classes(num_classes)
    check_class_indices(labels, num_classes, "labels")

    num_examples = labels.shape[0]
    return torch.zeros(num_examples, num_classes, dtype=dtype, device=labels.device).scatter_(
        1, labels.view(-1, 1).long(), 1
    )


def labels_from_one_hot(one_hot_targets: torch.Tensor) -> torch.Tensor:
    """Turn one-hot rows back into class labels: the column of the one in each row.

    This undoes :func:`xentdocs.one_hot`. It is :func:`torch.argmax` along the rows, after
    checking that each row really is one-hot.

    Parameters
    ----------
    one_hot_targets : torch.Tensor
        One-hot rows of shape ``(N, C)``: zeros everywhere except for exactly one ``1`` per row.
        Float or integer dtypes both work.

    Returns
    -------
    torch.Tensor
        The class labels, shape ``(N,)`` and dtype int64.

    Raises
    ------
    TypeError
        If ``one_hot_targets`` is not a tensor of real numbers (bool and complex are refused).
    ValueError
        If ``one_hot_targets`` is not 2-d, holds a value other than 0 and 1, or has a row
        without exactly one ``1``.

    See Also
    --------
    :func:`xentdocs.one_hot` : the way there.
    :func:`xentdocs.predict_labels` : the same argmax for scores or probabilities.

    Examples
    --------
    >>> from xentdocs import labels_from_one_hot, lecture_example, one_hot
    >>> labels, logits = lecture_example()
    >>> labels_from_one_hot(one_hot(labels))
    tensor([0, 1, 2, 2])
    """
    check_tensor(one_hot_targets, "one_hot_targets")
    dtype = one_hot_targets.dtype
    if not (dtype.is_floating_point or is_integer_dtype(dtype)):
        raise TypeError(
            f"one_hot_targets must be a float or integer tensor of zeros and ones, got {dtype}"
        )
    check_exact_dims(one_hot_targets, "one_hot_targets", 2, "one one-hot row per example")
    if not has_values(one_hot_targets):  # a meta tensor: the shape and dtype are all there is
        return torch.argmax(one_hot_targets, dim=1)
    is_zero_or_one = (one_hot_targets == 0) | (one_hot_targets == 1)
    if not is_zero_or_one.all():
        position = tuple((~is_zero_or_one).nonzero()[0].tolist())
        value = one_hot_targets[position].item()
        raise ValueError(
            f"one_hot_targets must hold only zeros and ones, got {value} at position {position}"
            "; for scores or probabilities use predict_labels"
        )
    ones_per_row = (one_hot_targets == 1).sum(dim=1)
    if not (ones_per_row == 1).all():
        row = int((ones_per_row != 1).nonzero()[0])
        raise ValueError(
            f"one_hot_targets must have exactly one 1 in each row, got {int(ones_per_row[row])}"
            f" ones in row {row} of a tensor of shape {format_shape(one_hot_targets.shape)}"
        )
    return torch.argmax(one_hot_targets, dim=1)
