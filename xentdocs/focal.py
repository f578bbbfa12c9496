r"""Focal loss: cross-entropy that turns down the examples the model already gets right.

Lin et al. (2017) multiply each example's cross-entropy by :math:`(1 - p_t)^\gamma`, where
:math:`p_t` is the predicted probability of the true class. An example predicted well
(:math:`p_t` near 1) then adds almost nothing, and the loss is made mostly of the hard ones.
"""

import math

import torch

from xentdocs._validation import (
    _describe,
    check_class_index_target,
    check_int,
    check_loss_input,
    check_reduction,
    check_tensor,
    check_weight,
    class_dim,
    real_scalar,
)
from xentdocs.losses import _check_on_input_device, _reduce
from xentdocs.softmax import log_softmax


def _check_gamma(gamma: object) -> float:
    """Raise unless ``gamma`` is a finite number of at least 0; return it as a float.

    As for ``label_smoothing``, a NumPy scalar (``np.float32(2.0)``) or a 0-d real tensor works
    too.
    """
    value = real_scalar(gamma, "gamma")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"gamma must be a float of at least 0.0, got {_describe(gamma)}")
    if not (value >= 0 and math.isfinite(value)):  # also False for NaN
        raise ValueError(f"gamma must be a finite number of at least 0.0, got {value}")
    return float(value)


def focal_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    *,
    gamma: float = 2.0,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> torch.Tensor:
    r"""The focal loss of Lin et al. (2017) between logits and class indices.

    For an element with target class :math:`y`, let :math:`p_t = \operatorname{softmax}(z)_y`
    be the predicted probability of the true class. Its loss is

    .. math::

        \ell = -w_y \, (1 - p_t)^{\gamma} \log p_t

    With :math:`\gamma = 0` the factor is 1 and this is the cross-entropy of
    :func:`xentdocs.cross_entropy` (the same values and gradients, also with ``weight`` and
    ``ignore_index``). With :math:`\gamma > 0` an element the model gets right, :math:`p_t`
    near 1, is scaled down the most.

    Lin et al. write the loss for one binary (sigmoid) outcome and a weight :math:`\alpha_t`;
    here :math:`p_t` comes from softmax over :math:`C` classes, and the per-class ``weight``
    plays the part of :math:`\alpha_t`.

    Parameters
    ----------
    input : torch.Tensor
        Logits of shape ``(C)`` or ``(N, C, d1, ..., dk)``, classes along dimension 1
        (dimension 0 for ``(C)``).
    target : torch.Tensor
        Class indices of shape ``()`` or ``(N, d1, ..., dk)`` (the input's shape without
        ``C``), dtype int64 (or uint8), values from ``0`` to ``C - 1`` or ``ignore_index``.
    gamma : float, optional
        The focusing parameter :math:`\gamma`, a finite number of at least 0. Default: ``2.0``.
    weight : torch.Tensor or None, optional
        One weight per class, shape ``(C,)``, in the input's dtype. Default: ``None``, every
        class weighs 1.
    reduction : str, optional
        ``'none'`` returns one loss per element, ``'sum'`` their sum, ``'mean'`` (the default)
        their sum divided by the sum of the weights of the targets that are not ignored,
        :math:`\sum_i \ell_i / \sum_i w_{y_i}`: the convention of
        :func:`torch.nn.functional.cross_entropy`, so that ``gamma=0`` gives its numbers.
        Without ``weight`` that is the number of targets kept; a mean over none is ``nan``.
    ignore_index : int, optional
        Elements whose target equals this value add nothing to the loss nor to the denominator
        of the mean. Default: ``-100``.

    Returns
    -------
    torch.Tensor
        The loss, on the input's device and in its dtype: a 0-d tensor for ``'mean'`` and
        ``'sum'``, else one per element.

    Raises
    ------
    TypeError
        If ``input`` is not a floating-point tensor, ``target`` is not an int64 or uint8
        tensor, ``weight`` is not a float tensor in the input's dtype, ``gamma`` is not a
        number, or ``ignore_index`` is not an int.
    ValueError
        If ``input`` is 0-d or has no classes, ``target`` has the wrong shape (for instance
        one-hot rows) or a value outside ``0..C-1`` other than ``ignore_index``, ``gamma`` is
        negative or not finite, ``weight`` is not of shape ``(C,)``, ``reduction`` is
        unknown, or ``target`` or ``weight`` is on another device than ``input``.

    See Also
    --------
    :func:`xentdocs.cross_entropy` : the same loss without the factor, ``gamma=0``.
    :func:`torch.nn.functional.cross_entropy` : PyTorch's cross-entropy; PyTorch itself has
        no focal loss.

    Notes
    -----
    Lin et al. normalise the sum of the losses of an image by the number of its anchors that
    were assigned to an object, a count that depends on the detector. Here ``'mean'`` follows
    PyTorch's weighted mean instead; use ``reduction='sum'`` and divide by your own count to
    get theirs.

    Examples
    --------
    >>> from xentdocs import cross_entropy, focal_loss, lecture_example
    >>> labels, logits = lecture_example()
    >>> focal_loss(logits, labels, gamma=0.0)
    tensor(0.9335)
    >>> cross_entropy(logits, labels)
    tensor(0.9335)
    >>> focal_loss(logits, labels, reduction="none")
    tensor([0.3738, 0.3015, 0.4462, 0.2650])

    With the default ``gamma=2.0``, each example's cross-entropy is scaled by
    :math:`(1 - p_t)^2`: the easier the example, the smaller the share it keeps.
    """
    input = check_loss_input(input, "logits, one per class")
    target = check_tensor(target, "target")
    _check_on_input_device(target, weight, input)
    gamma = _check_gamma(gamma)
    ignore_index = check_int(ignore_index, "ignore_index")
    check_class_index_target(target, input, ignore_index, probabilities_allowed=False)
    if weight is not None:
        check_weight(weight, input, input.shape[class_dim(input)], same_dtype=True)
    check_reduction(reduction)

    dim = class_dim(input)
    target = target.long()
    ignored = target == ignore_index
    # An ignored target may be any number (-100 by default): point it at class 0 so the lookup
    # stays in range; its loss is replaced by 0 anyway.
    safe_target = torch.where(ignored, 0, target)
    log_p_true = log_softmax(input, dim=dim).gather(dim, safe_target.unsqueeze(dim)).squeeze(dim)

    cross_entropies = -log_p_true
    if gamma == 0:
        losses = cross_entropies  # (1 - p)^0 = 1, without a 0^0 in the gradient
    else:
        # 1 - p_t as -expm1(log p_t): exact when p_t is near 1, where 1 - exp(...) cancels.
        one_minus_p = -torch.expm1(log_p_true)
        # A p_t that rounds to exactly 1 would give 0 ** gamma, whose gradient is inf for
        # gamma < 1 (and inf * 0 = nan); the smallest normal number keeps it finite.
        one_minus_p = one_minus_p.clamp_min(torch.finfo(one_minus_p.dtype).tiny)
        losses = one_minus_p**gamma * cross_entropies

    target_weights = torch.ones_like(losses) if weight is None else weight[safe_target]
    target_weights = torch.where(ignored, 0.0, target_weights)
    losses = torch.where(ignored, 0.0, target_weights * losses)
    return _reduce(losses, reduction, mean_denominator=target_weights.sum())
