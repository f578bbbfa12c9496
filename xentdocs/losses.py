"""Cross-entropy and negative log-likelihood, written from their formulas.

The shapes follow PyTorch: the input is ``(C)`` for one example or ``(N, C, d1, ..., dk)`` for
a batch (``k = 0`` for plain classification, ``k >= 1`` for, e.g., one label per pixel), with
the classes along dimension 1. Class-index targets have the input's shape without ``C``.
"""

import torch

from xentdocs._validation import (
    check_class_index_target,
    check_exact_dims,
    check_floating,
    check_int,
    check_label_smoothing,
    check_loss_input,
    check_reduction,
    check_same_device,
    check_tensor,
    check_weight,
    class_dim,
    format_shape,
    is_integer_dtype,
)
from xentdocs.softmax import _accumulation_dtype, log_softmax


def _along_class_dim(weight: torch.Tensor, input: torch.Tensor) -> torch.Tensor:
    """Reshape the ``(C,)`` class weights so they broadcast against ``input``'s class dim."""
    shape = [1] * input.dim()
    shape[class_dim(input)] = weight.shape[0]
    return weight.reshape(shape)


def _check_on_input_device(target: torch.Tensor, weight: object, input: torch.Tensor) -> None:
    """Raise ValueError unless ``target`` and a tensor ``weight`` are on ``input``'s device.

    Runs before the range checks on ``target``, which would otherwise compare across devices.
    """
    check_same_device(target, "target", input, "input")
    if isinstance(weight, torch.Tensor):
        check_same_device(weight, "weight", input, "input")


def _log_sum_exp(logits: torch.Tensor, dim: int) -> torch.Tensor:
    """``log(sum_k exp(z_k))`` along ``dim``, kept as a dimension of size 1.

    Shifted by the largest logit, as :func:`xentdocs.log_softmax` is, so ``exp`` cannot overflow;
    summed in float32 for float16 and bfloat16 logits, as PyTorch does, so that the sum of more
    than 65,504 exponentials does not overflow float16.
    """
    largest = logits.amax(dim=dim, keepdim=True).detach()
    exps = torch.exp(logits - largest)
    sums = exps.sum(dim=dim, keepdim=True, dtype=_accumulation_dtype(logits))
    return largest + torch.log(sums).to(logits.dtype)


def _picked_losses(
    log_probas: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignored: torch.Tensor,
    log_sum_exp: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each element's ``-weight[y] * log_probas[y]`` and its weight ``weight[y]``.

    ``y`` is the element's target class. Ignored elements get 0 for both, so they add nothing
    to a sum nor to the denominator of a weighted mean. Given ``log_sum_exp``, the first
    argument holds logits instead, and ``log_probas[y]`` is ``logits[y] - log_sum_exp``.
    """
    dim = class_dim(log_probas)
    # An ignored target may be any number (-100 by default): point it at class 0 so the
    # lookups below stay in range; its results are replaced by 0 anyway.
    safe_target = torch.where(ignored, 0, target)
    picked = log_probas.gather(dim, safe_target.unsqueeze(dim))
    if log_sum_exp is not None:
        picked = picked - log_sum_exp
    picked = picked.squeeze(dim)
    target_weights = torch.ones_like(picked) if weight is None else weight[safe_target]
    target_weights = torch.where(ignored, 0.0, target_weights)
    losses = torch.where(ignored, 0.0, -target_weights * picked)
    return losses, target_weights


def _reduce(
    losses: torch.Tensor, reduction: str, mean_denominator: torch.Tensor | int
) -> torch.Tensor:
    """Apply ``reduction``; 'mean' divides the sum by ``mean_denominator``, as PyTorch does."""
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return losses.sum() / mean_denominator


def nll_loss(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> torch.Tensor:
    r"""The negative log-likelihood loss: minus the log-probability of the true class.

    For an element with target class :math:`y` and log-probabilities :math:`\log p`:

    .. math::

        \ell = -w_y \log p_y

    where :math:`w_y` is the weight of class :math:`y` (1 without ``weight``). The input is
    *log-probabilities* (from :func:`xentdocs.log_softmax`), not logits and not
    probabilities: the function only picks and negates, it takes no log itself.

    Parameters
    ----------
    input : torch.Tensor
        Log-probabilities of shape ``(C)`` or ``(N, C, d1, ..., dk)``, classes along
        dimension 1 (dimension 0 for ``(C)``).
    target : torch.Tensor
        Class indices of shape ``()`` or ``(N, d1, ..., dk)``: the input's shape without
        ``C``. Values from ``0`` to ``C - 1``, or ``ignore_index``. Dtype int64 (or uint8).
    weight : torch.Tensor or None, optional
        One weight per class, shape ``(C,)``, in the input's dtype. Default: ``None``, every
        class weighs 1.
    ignore_index : int, optional
        Elements whose target equals this value add nothing to the loss and nothing to the
        denominator of the mean. Default: ``-100``.
    reduction : str, optional
        ``'none'`` returns one loss per element (shape of ``target``), ``'sum'`` their sum,
        ``'mean'`` (the default) their sum divided by the sum of the weights of the targets
        that are not ignored: :math:`\sum_i \ell_i / \sum_i w_{y_i}`. When every target is
        ignored that is ``0 / 0``, so the mean is ``nan``.

    Returns
    -------
    torch.Tensor
        The loss: a 0-d tensor for ``'mean'`` and ``'sum'``, else one per element.

    Raises
    ------
    TypeError
        If ``input`` is not a floating-point tensor, ``target`` is not an int64 or uint8
        tensor, ``weight`` is not a float tensor in the input's dtype, or ``ignore_index``
        is not an int.
    ValueError
        If ``input`` is 0-d or has no classes, ``target`` has the wrong shape (for instance
        one-hot rows) or a value outside ``0..C-1`` other than ``ignore_index``, ``weight``
        is not of shape ``(C,)``, ``reduction`` is unknown, or ``target`` or ``weight`` is on
        another device than ``input``.

    See Also
    --------
    :func:`torch.nn.functional.nll_loss` : PyTorch's version, which this agrees with.
    :func:`xentdocs.cross_entropy` : takes logits and applies :func:`xentdocs.log_softmax`
        itself.

    Examples
    --------
    >>> from xentdocs import lecture_example, log_softmax, nll_loss, softmax
    >>> labels, logits = lecture_example()
    >>> nll_loss(log_softmax(logits), labels, reduction="none")
    tensor([0.9698, 0.8801, 1.0527, 0.8314])
    >>> nll_loss(log_softmax(logits), labels)
    tensor(0.9335)

    A common mistake is to pass probabilities: the "losses" come out negative.

    >>> nll_loss(softmax(logits), labels, reduction="none")
    tensor([-0.3792, -0.4147, -0.3490, -0.4354])
    """
    input = check_loss_input(input, "log-probabilities, one per class")
    target = check_tensor(target, "target")
    _check_on_input_device(target, weight, input)
    ignore_index = check_int(ignore_index, "ignore_index")
    check_class_index_target(target, input, ignore_index, probabilities_allowed=False)
    if weight is not None:
        check_weight(weight, input, input.shape[class_dim(input)], same_dtype=True)
    check_reduction(reduction)

    target = target.long()
    ignored = target == ignore_index
    losses, target_weights = _picked_losses(input, target, weight, ignored)
    return _reduce(losses, reduction, mean_denominator=target_weights.sum())


def cross_entropy(
    input: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    r"""The cross-entropy loss between logits and targets, as PyTorch computes it.

    The logits become log-probabilities with :func:`xentdocs.log_softmax`; the loss of an
    element is then the cross-entropy between the target distribution :math:`t` and the
    predicted one :math:`p`:

    .. math::

        \ell = -\sum_c w_c \, t_c \log p_c

    **Class-index targets** (an integer :math:`y` per element) mean :math:`t` is one-hot, so
    :math:`\ell = -w_y \log p_y`, the same as :func:`xentdocs.nll_loss` of the
    log-probabilities. With ``label_smoothing`` :math:`\varepsilon > 0` PyTorch mixes in a
    second term over all :math:`C` classes:

    .. math::

        \ell = (1 - \varepsilon) \, (-w_y \log p_y)
             + \frac{\varepsilon}{C} \sum_c (-w_c \log p_c)

    Note that the second term weighs each class by *its own* weight :math:`w_c`, not by the
    target's :math:`w_y`, while ``'mean'`` divides both terms by the same
    :math:`\sum_i w_{y_i}` over the targets that are not ignored.

    **Class-probability targets** (a float tensor of the input's shape) are used as
    :math:`t` directly, smoothed to :math:`(1 - \varepsilon)\,t + \varepsilon / C`. Here
    ``'mean'`` divides by the number of elements :math:`N \cdot d_1 \cdots d_k`, whatever the
    weights, and there is no ``ignore_index``.

    Parameters
    ----------
    input : torch.Tensor
        Logits of shape ``(C)`` or ``(N, C, d1, ..., dk)``, classes along dimension 1
        (dimension 0 for ``(C)``).
    target : torch.Tensor
        Either class indices of shape ``()`` or ``(N, d1, ..., dk)`` (the input's shape
        without ``C``), dtype int64 (or uint8), values from ``0`` to ``C - 1`` or
        ``ignore_index``; or class probabilities, a float tensor of the input's shape.
    weight : torch.Tensor or None, optional
        One weight per class, shape ``(C,)``; in the input's dtype for class-index targets.
        Default: ``None``, every class weighs 1.
    ignore_index : int, optional
        For class-index targets: elements whose target equals this value add nothing to the
        loss nor to the denominator of the mean. Default: ``-100``.
    reduction : str, optional
        ``'none'`` returns one loss per element, ``'sum'`` their sum, ``'mean'`` (the
        default) their sum divided by the sum of the target weights (class indices) or by the
        number of elements (class probabilities). A mean over no targets is ``nan``.
    label_smoothing : float, optional
        :math:`\varepsilon` from 0.0 (the default, no smoothing) to 1.0.

    Returns
    -------
    torch.Tensor
        The loss: a 0-d tensor for ``'mean'`` and ``'sum'``, else one per element.

    Raises
    ------
    TypeError
        If ``input`` is not a floating-point tensor, ``target`` is neither an int64 (or
        uint8) tensor of class indices nor a float tensor of probabilities, ``weight`` is not
        a float tensor (in the input's dtype, for class indices), ``ignore_index`` is not an
        int, or ``label_smoothing`` is not a number.
    ValueError
        If ``input`` is 0-d or has no classes, ``target`` has the wrong shape (for instance
        integer one-hot rows) or a class index outside ``0..C-1`` other than
        ``ignore_index``, an ``ignore_index`` of 0 or more is given with probability targets (a
        negative one is accepted, as by PyTorch), ``weight`` is not
        of shape ``(C,)``, ``reduction`` is unknown, ``label_smoothing`` is outside ``[0, 1]``,
        or ``target`` or ``weight`` is on another device than ``input``.

    See Also
    --------
    :func:`torch.nn.functional.cross_entropy` : PyTorch's version, which this agrees with.
    :func:`xentdocs.nll_loss` : the same loss for log-probabilities instead of logits.
    :func:`xentdocs.cross_entropy_from_probas` : the lecture's formula from probabilities.

    Notes
    -----
    Two choices differ from PyTorch, both on inputs PyTorch barely handles: a negative
    ``label_smoothing``, which PyTorch silently treats as 0, is an error here; and an input
    with zero classes is an error here, even when every target is ignored.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import cross_entropy, lecture_example
    >>> labels, logits = lecture_example()
    >>> cross_entropy(logits, labels, reduction="none")
    tensor([0.9698, 0.8801, 1.0527, 0.8314])
    >>> cross_entropy(logits, labels)
    tensor(0.9335)
    >>> cross_entropy(logits, labels, reduction="sum")
    tensor(3.7340)

    Ignoring the third example removes it from the sum and from the count:

    >>> cross_entropy(logits, torch.tensor([0, 1, -100, 2]))
    tensor(0.8938)

    Class probabilities of the input's shape are targets too:

    >>> probabilities = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0],
    ...                               [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    >>> cross_entropy(logits, probabilities, reduction="none")
    tensor([0.9698, 0.8801, 1.2727, 0.8314])
    """
    input = check_loss_input(input, "logits, one per class")
    target = check_tensor(target, "target")
    _check_on_input_device(target, weight, input)
    check_reduction(reduction)
    label_smoothing = check_label_smoothing(label_smoothing)
    ignore_index = check_int(ignore_index, "ignore_index")
    num_classes = input.shape[class_dim(input)]

    if target.dtype.is_floating_point and target.dim() == input.dim():
        if target.shape != input.shape:
            raise ValueError(
                f"target of class probabilities must have the input's shape"
                f" {format_shape(input.shape)}, got {format_shape(target.shape)}"
            )
        if ignore_index >= 0:
            # torch raises here too: with probabilities there is no single class to ignore. A
            # negative ignore_index can name no class, so torch (and this) let it pass unused.
            raise ValueError(
                "ignore_index must be negative (it is unused) with class-probability targets,"
                f" got ignore_index={ignore_index!r}. To leave an element out, give it"
                " all-zero probabilities, or use class indices"
            )
        if weight is not None:
            check_weight(weight, input, num_classes, same_dtype=False)
        return _cross_entropy_with_probabilities(input, target, weight, reduction, label_smoothing)

    check_class_index_target(target, input, ignore_index, probabilities_allowed=True)
    if weight is not None:
        check_weight(weight, input, num_classes, same_dtype=True)
    return _cross_entropy_with_class_indices(
        input, target.long(), weight, ignore_index, reduction, label_smoothing
    )


def _cross_entropy_with_class_indices(
    logits: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignore_index: int,
    reduction: str,
    label_smoothing: float,
) -> torch.Tensor:
    """Cross-entropy for int64 class-index targets (see :func:`cross_entropy`)."""
    ignored = target == ignore_index
    losses, target_weights, _ = _class_index_losses(
        logits, target, weight, ignored, label_smoothing
    )
    return _reduce(losses, reduction, mean_denominator=target_weights.sum())


def _class_index_losses(
    logits: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignored: torch.Tensor,
    label_smoothing: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Each element's cross-entropy, its target's weight, and its logits' log-sum-exp.

    Shared with :func:`xentdocs.linear_cross_entropy`, which runs it on one chunk of rows at a
    time and keeps the log-sum-exp (one number per row) to recompute the chunk in backward.
    """
    dim = class_dim(logits)
    num_classes = logits.shape[dim]
    # log p_y = z_y - log sum_k exp(z_k): the loss needs one log-probability per element, so
    # it is computed from the logit of the true class alone, not from a whole log_softmax.
    # Shifted by the largest logit first, as log_softmax is: z_y - m is exact, while z_y minus
    # (m + log sum) loses the small loss in the rounding of large logits (1e4 in float32).
    largest = logits.amax(dim=dim, keepdim=True).detach()
    shifted = logits - largest
    log_sum_exp = _log_sum_exp(shifted, dim)
    losses, target_weights = _picked_losses(shifted, target, weight, ignored, log_sum_exp)

    # Skipped at 0 rather than multiplied by 0: a logit of -inf would make 0 * inf = nan.
    if label_smoothing > 0:
        log_probas = shifted - log_sum_exp
        if weight is None:
            weighted_log_probas = log_probas
        else:
            weighted_log_probas = log_probas * _along_class_dim(weight, logits)
        smoothing_losses = -weighted_log_probas.sum(dim=dim)
        smoothing_losses = torch.where(ignored, 0.0, smoothing_losses)
        losses = (1 - label_smoothing) * losses + (label_smoothing / num_classes) * smoothing_losses

    return losses, target_weights, largest + log_sum_exp


def _cross_entropy_with_probabilities(
    logits: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    reduction: str,
    label_smoothing: float,
) -> torch.Tensor:
    """Cross-entropy for float class-probability targets (see :func:`cross_entropy`)."""
    dim = class_dim(logits)
    num_classes = logits.shape[dim]
    log_probas = log_softmax(logits, dim=dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / num_classes
    weighted_log_probas = log_probas * target
    if weight is not None:
        weighted_log_probas = weighted_log_probas * _along_class_dim(weight, logits)
    losses = -weighted_log_probas.sum(dim=dim)
    # Every element counts once in the mean, whatever its weight; 0 elements give 0 / 0 = nan.
    return _reduce(losses, reduction, mean_denominator=losses.numel())


def cross_entropy_from_probas(probas: torch.Tensor, one_hot_targets: torch.Tensor) -> torch.Tensor:
    """The lecture's cross-entropy: one loss per example, from probabilities and one-hot rows.

    This is the notebook's ``-torch.sum(torch.log(probas) * one_hot_targets, dim=1)``. Each row
    of the product has one non-zero entry, so the sum just picks the log-probability of the
    true class: the same numbers as :func:`xentdocs.cross_entropy` with
    ``reduction="none"``. There is no reduction here; take ``.mean()`` or ``.sum()`` of the
    result for the outer sum over examples.

    Because it takes :func:`torch.log` of probabilities, a probability that rounded to 0 has
    the log ``-inf``. In the true class that makes the loss ``inf``; in any other class the
    one-hot row multiplies it by 0, and ``0 * -inf`` is ``nan``, so even an example the model
    gets confidently right gets the loss ``nan``. :func:`xentdocs.cross_entropy` starts from the
    logits and gives neither.

    Parameters
    ----------
    probas : torch.Tensor
        Probabilities of shape ``(N, C)``, for instance from :func:`xentdocs.softmax`.
    one_hot_targets : torch.Tensor
        One-hot rows of shape ``(N, C)``, for instance from :func:`xentdocs.one_hot`. Rows of
        class probabilities work as well.

    Returns
    -------
    torch.Tensor
        One loss per example, shape ``(N,)``.

    Raises
    ------
    TypeError
        If ``probas`` is not a floating-point tensor, or ``one_hot_targets`` is not a float or
        integer tensor.
    ValueError
        If ``probas`` is not 2-d, or ``one_hot_targets`` has a different shape or is on
        another device.

    See Also
    --------
    :func:`xentdocs.cross_entropy` : the same losses from logits, computed stably.
    :func:`torch.nn.functional.cross_entropy` : PyTorch's version.

    Examples
    --------
    >>> from xentdocs import cross_entropy_from_probas, lecture_example, one_hot, softmax
    >>> labels, logits = lecture_example()
    >>> cross_entropy_from_probas(softmax(logits), one_hot(labels))
    tensor([0.9698, 0.8801, 1.0527, 0.8314])
    """
    probas = check_tensor(probas, "probas")
    check_floating(probas, "probas", "probabilities, one per class")
    check_exact_dims(probas, "probas", 2, "one row of probabilities per example, (N, C)")
    one_hot_targets = check_tensor(one_hot_targets, "one_hot_targets")
    check_same_device(one_hot_targets, "one_hot_targets", probas, "probas")
    dtype = one_hot_targets.dtype
    if not (dtype.is_floating_point or is_integer_dtype(dtype)):
        raise TypeError(
            f"one_hot_targets must be a float or integer tensor of zeros and ones, got {dtype}"
        )
    if one_hot_targets.shape != probas.shape:
        raise ValueError(
            f"one_hot_targets must have the shape of probas {format_shape(probas.shape)},"
            f" got {format_shape(one_hot_targets.shape)}"
        )
    return -torch.sum(torch.log(probas) * one_hot_targets, dim=1)
