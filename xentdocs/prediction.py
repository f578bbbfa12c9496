"""From scores to predicted class labels."""

import torch

from xentdocs._validation import check_dim, check_has_dims, check_tensor, is_integer_dtype


def predict_labels(scores: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Predict a class label per example: the index of the largest score along ``dim``.

    Logits and probabilities give the same labels up to rounding: softmax keeps the order of
    the scores, but two close logits can give two probabilities that round to the same number,
    and then the first wins. This is :func:`torch.argmax`, with its two rules for the unusual cases written
    down and tested:

    * **Ties:** when several scores share the maximum, the *first* (lowest) index wins.
    * **NaN:** ``nan`` counts as larger than every number, so a row with a ``nan`` predicts
      the index of its first ``nan``. A model that produces ``nan`` has a bug to find;
      these labels will not point at it.

    Parameters
    ----------
    scores : torch.Tensor
        Scores (logits or probabilities) of any shape with at least one dimension.
        Integer scores work too.
    dim : int, optional
        The dimension that holds the classes. Default: ``-1``, so an ``(N, C)`` tensor gives
        one label per row.

    Returns
    -------
    torch.Tensor
        The predicted labels, dtype int64, with the shape of ``scores`` without ``dim``.

    Raises
    ------
    TypeError
        If ``scores`` is not a tensor of real numbers (bool and complex are refused) or ``dim``
        is not an int.
    ValueError
        If ``scores`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`torch.argmax` : PyTorch's function, which this calls.
    :func:`xentdocs.labels_from_one_hot` : the same argmax for one-hot rows.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, predict_labels
    >>> labels, logits = lecture_example()
    >>> predict_labels(logits)
    tensor([0, 1, 0, 2])
    >>> labels
    tensor([0, 1, 2, 2])

    The third example is predicted wrong. A tie goes to the first index, a ``nan`` wins:

    >>> predict_labels(torch.tensor([5, 2, 5, 4]))
    tensor(0)
    >>> predict_labels(torch.tensor([1.0, float("nan"), 3.0]))
    tensor(1)
    """
    check_tensor(scores, "scores")
    dtype = scores.dtype
    if not (dtype.is_floating_point or is_integer_dtype(dtype)):
        raise TypeError(f"scores must be a float or integer tensor, got {dtype}")
    check_has_dims(scores, "scores", "the classes")
    dim = check_dim(dim, scores, "scores")
    return torch.argmax(scores, dim=dim)
