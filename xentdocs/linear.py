"""A linear layer followed by cross-entropy, computed a chunk of rows at a time.

A language model's last layer turns each of ``N`` hidden vectors of ``in_features`` numbers into
logits over a vocabulary of ``num_classes`` words, and the loss is the cross-entropy of those
logits. Written plainly, ``cross_entropy(linear(input, linear_weight), target)`` holds all
``N x num_classes`` logits at once, and autograd keeps them (and their log-probabilities) until
the backward pass: at 4096 tokens and 32768 classes in float32 each copy is 512 MiB, while the
input and the weight together, with 256 features, are 36 MiB.

Nothing in the loss needs all the rows at the same time. Here the forward pass computes the
logits of ``chunk_size`` rows, reduces them to one loss and one log-sum-exp per row, and drops
them; the backward pass computes each chunk's logits again and turns them into that chunk's
share of the gradients. Memory grows with ``chunk_size x num_classes`` instead of
``N x num_classes``, for one more matrix product per chunk.
"""

import contextlib

import torch
from torch.autograd.function import FunctionCtx

from xentdocs._validation import (
    check_class_index_dtype,
    check_class_indices,
    check_exact_dims,
    check_floating,
    check_int,
    check_label_smoothing,
    check_reduction,
    check_same_device,
    check_tensor,
    check_weight,
    format_shape,
)
from xentdocs.losses import _class_index_losses, _reduce

# Rows per chunk. A chunk's logits take chunk_size * num_classes numbers (32 MiB at 32768
# classes in float32), and about three chunk-sized buffers are alive at once, while the forward
# pass takes the log-sum-exp. Smaller chunks save little more and make the matrix products
# less efficient; larger ones hold proportionally more memory.
DEFAULT_CHUNK_SIZE = 256


def linear_cross_entropy(
    input: torch.Tensor,
    linear_weight: torch.Tensor,
    target: torch.Tensor,
    *,
    linear_bias: torch.Tensor | None = None,
    weight: torch.Tensor | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> torch.Tensor:
    r"""Cross-entropy of a linear layer's logits, without holding all the logits at once.

    The result is that of ``cross_entropy(linear(input, linear_weight, linear_bias), target)``:
    for row :math:`i` the logits are :math:`z_i = W x_i + b`, and with :math:`\log p_{ic} =
    z_{ic} - \log \sum_k e^{z_{ik}}` its loss is

    .. math::

        \ell_i = (1 - \varepsilon) \, (-w_{y_i} \log p_{i y_i})
               + \frac{\varepsilon}{C} \sum_c (-w_c \log p_{ic})

    as in :func:`xentdocs.cross_entropy` (:math:`w` are the class weights, :math:`\varepsilon`
    the label smoothing, :math:`C` the number of classes). The rows are processed
    ``chunk_size`` at a time: the forward pass keeps one log-sum-exp per row, never the
    ``(N, num_classes)`` logits, and the backward pass computes each chunk's logits again.
    The gradient of a row's loss with respect to its logits is

    .. math::

        \frac{\partial \ell_i}{\partial z_{ic}} = s_i \, p_{ic} - t_{ic}, \qquad
        t_{ic} = (1 - \varepsilon) \, w_{y_i} [c = y_i] + \frac{\varepsilon}{C} w_c, \qquad
        s_i = \sum_c t_{ic}

    (without weights and smoothing, the familiar :math:`p_i - \text{onehot}(y_i)`), and the
    gradients of ``input``, ``linear_weight`` and ``linear_bias`` follow from it through the
    linear layer, one chunk at a time.

    Parameters
    ----------
    input : torch.Tensor
        The features, shape ``(N, in_features)``: one row per example (per token). A single
        example of shape ``(in_features,)`` is not accepted; use ``input.unsqueeze(0)``.
    linear_weight : torch.Tensor
        The linear layer's weight, shape ``(num_classes, in_features)`` (the layout of the
        ``weight`` of a :class:`torch.nn.Linear`), in the input's dtype.
    target : torch.Tensor
        Class indices, shape ``(N,)``, dtype int64 (or uint8), values from ``0`` to
        ``num_classes - 1`` or ``ignore_index``. Class probabilities are not supported.
    linear_bias : torch.Tensor or None, optional
        The linear layer's bias, shape ``(num_classes,)``, in the input's dtype.
        Default: ``None``, no bias.
    weight : torch.Tensor or None, optional
        One weight per class, shape ``(num_classes,)``, in the input's dtype; it gets no
        gradient. Default: ``None``, every class weighs 1.
    reduction : str, optional
        ``'none'`` returns one loss per row, ``'sum'`` their sum, ``'mean'`` (the default)
        their sum divided by the sum of the weights of the targets that are not ignored
        (the number of such rows without ``weight``). A mean over no targets is ``nan``.
    ignore_index : int, optional
        Rows whose target equals this value add nothing to the loss, to the denominator of
        the mean, or to the gradients. Default: ``-100``.
    label_smoothing : float, optional
        :math:`\varepsilon` from 0.0 (the default, no smoothing) to 1.0.
    chunk_size : int, optional
        Rows per chunk: memory grows with ``chunk_size * num_classes``. Default: 256.

    Returns
    -------
    torch.Tensor
        The loss: a 0-d tensor for ``'mean'`` and ``'sum'``, else one per row, shape
        ``(N,)``; on the input's device, in its dtype.

    Raises
    ------
    TypeError
        If a tensor argument is not a tensor, ``input``, ``linear_weight``, ``linear_bias``
        or ``weight`` is not floating-point or not in the input's dtype, ``target`` is not an
        int64 (or uint8) tensor of class indices, or ``ignore_index`` or ``chunk_size`` is
        not an int.
    ValueError
        If a tensor has the wrong shape (``in_features`` of ``input`` and ``linear_weight``
        disagree, ``target`` is not ``(N,)``, ...), a target is outside
        ``0..num_classes-1`` and not ``ignore_index``, the tensors are on different devices,
        ``weight`` requires grad, ``reduction`` is unknown, ``label_smoothing`` is outside
        ``[0, 1]``, or ``chunk_size`` is not positive.

    See Also
    --------
    :func:`torch.nn.functional.linear_cross_entropy` : PyTorch's version, which this agrees
        with; its chunked path is opt-in through ``options``
        (:class:`torch.nn.LinearCrossEntropyOptions`).
    :func:`xentdocs.cross_entropy` : the same loss from logits that are already computed.

    Notes
    -----
    Differences from :func:`torch.nn.functional.linear_cross_entropy`: ``input`` must be
    ``(N, in_features)`` and ``target`` class indices (torch also takes a single example,
    class probabilities and K-dimensional losses); ``ignore_index`` is an int whose default
    is ``-100`` (torch's default is ``None``, which it maps to ``-100`` for class indices);
    rows are chunked always, label smoothing included (torch's chunked path falls back to
    its reference path, with a warning, when ``label_smoothing > 0``). When every target is
    ignored, ``'mean'`` gives ``nan`` and the gradients are 0, as on torch's reference path
    (its chunked path gives ``nan`` gradients there).

    The gradients are those of the first order only: a backward pass with
    ``create_graph=True`` (gradients of gradients), :func:`torch.func.grad` and forward-mode
    AD raise a :class:`RuntimeError`.

    Examples
    --------
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from xentdocs import linear_cross_entropy
    >>> _ = torch.manual_seed(0)
    >>> features = torch.randn(6, 4, requires_grad=True)
    >>> linear_weight = torch.randn(10, 4, requires_grad=True)
    >>> labels = torch.tensor([3, 0, 9, 9, -100, 1])
    >>> loss = linear_cross_entropy(features, linear_weight, labels, chunk_size=4)
    >>> loss
    tensor(3.8062, grad_fn=<_LinearCrossEntropyBackward>)
    >>> F.cross_entropy(F.linear(features, linear_weight), labels)
    tensor(3.8062, grad_fn=<NllLossBackward0>)
    >>> loss.backward()
    >>> features.grad[4]  # the ignored row gets no gradient
    tensor([0., 0., 0., 0.])
    """
    input, target, ignore_index, chunk_size = _check_arguments(
        input, linear_weight, target, linear_bias, weight, ignore_index, chunk_size
    )
    check_reduction(reduction)
    label_smoothing = check_label_smoothing(label_smoothing)
    return _LinearCrossEntropy.apply(
        input,
        linear_weight,
        linear_bias,
        target.long(),
        weight,
        ignore_index,
        reduction,
        float(label_smoothing),
        chunk_size,
    )


class _LinearCrossEntropy(torch.autograd.Function):
    """The chunked forward and backward passes (see :func:`linear_cross_entropy`)."""

    @staticmethod
    def forward(
        ctx: FunctionCtx,
        input: torch.Tensor,
        linear_weight: torch.Tensor,
        linear_bias: torch.Tensor | None,
        target: torch.Tensor,
        weight: torch.Tensor | None,
        ignore_index: int,
        reduction: str,
        label_smoothing: float,
        chunk_size: int,
    ) -> torch.Tensor:
        num_rows = input.shape[0]
        ignored = target == ignore_index
        losses = torch.empty(num_rows, device=input.device, dtype=input.dtype)
        target_weights = torch.empty(num_rows, device=input.device, dtype=input.dtype)
        log_sum_exps = torch.empty(num_rows, device=input.device, dtype=input.dtype)

        # Under torch.autocast the linear layer runs in the autocast dtype (bfloat16 on the CPU)
        # and the loss in float32, as autocast runs F.linear and F.cross_entropy. The backward
        # pass recomputes the logits under the same state, so it differentiates the same logits.
        ctx.autocast = _autocast_state(input.device.type)
        for rows in _chunks(num_rows, chunk_size):
            logits = _logits(input[rows], linear_weight, linear_bias)
            losses[rows], target_weights[rows], log_sum_exp = _class_index_losses(
                logits, target[rows], weight, ignored[rows], label_smoothing
            )
            log_sum_exps[rows] = log_sum_exp.squeeze(1)
            # The chunk's logits are dropped here: only one number per row is kept.

        mean_denominator = target_weights.sum()
        ctx.save_for_backward(
            input, linear_weight, linear_bias, target, weight, log_sum_exps, mean_denominator
        )
        ctx.ignore_index = ignore_index
        ctx.reduction = reduction
        ctx.label_smoothing = label_smoothing
        ctx.chunk_size = chunk_size

        return _reduce(losses, reduction, mean_denominator)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        # Autograd runs a backward pass with grad mode on only to build a graph of the gradients
        # themselves (create_graph=True), which the loops below do not record.
        if torch.is_grad_enabled():
            raise RuntimeError(
                "xentdocs.linear_cross_entropy computes first-order gradients only, got a backward"
                " pass with create_graph=True; for gradients of gradients use"
                " torch.nn.functional.linear_cross_entropy(..., options=None)"
            )
        input, linear_weight, linear_bias, target, weight, log_sum_exps, mean_denominator = (
            ctx.saved_tensors
        )
        needs_input, needs_weight, needs_bias = ctx.needs_input_grad[:3]
        num_rows = input.shape[0]
        ignored = target == ctx.ignore_index

        # How much each row's loss counts in the result. torch.where, not a product, keeps an
        # ignored row at 0 when the mean divides by 0 (every target ignored).
        row_scales = grad_output / mean_denominator if ctx.reduction == "mean" else grad_output
        row_scales = torch.where(ignored, 0.0, row_scales.expand(num_rows))

        grad_input = torch.zeros_like(input) if needs_input else None
        grad_weight = torch.zeros_like(linear_weight) if needs_weight else None
        grad_bias = torch.zeros_like(linear_bias) if needs_bias else None
        device_type, autocast_enabled, autocast_dtype = ctx.autocast
        autocast = (
            torch.autocast(device_type, dtype=autocast_dtype)
            if autocast_enabled
            else contextlib.nullcontext()
        )
        for rows in _chunks(num_rows, ctx.chunk_size):
            with autocast:
                logits = _logits(input[rows], linear_weight, linear_bias)
            grad_logits = _chunk_grad_logits(
                logits,
                log_sum_exps[rows],
                target[rows],
                weight,
                ignored[rows],
                ctx.label_smoothing,
            )
            grad_logits *= row_scales[rows].unsqueeze(1)
            # logits = input @ linear_weight.T + linear_bias, so the chain rule gives:
            if autocast_enabled:
                _autocast_chunk_grads(
                    grad_logits.to(autocast_dtype), input[rows], linear_weight, rows,
                    grad_input, grad_weight, grad_bias,
                )  # fmt: skip
                continue
            if grad_input is not None:
                grad_input[rows] = grad_logits @ linear_weight
            if grad_weight is not None:
                # grad_weight += grad_logits.T @ input[rows], without a temporary of its size
                grad_weight.addmm_(grad_logits.T, input[rows])
            if grad_bias is not None:
                grad_bias += grad_logits.sum(dim=0)

        if autocast_enabled:
            # Autocast's F.linear backward gives its gradients in the autocast dtype, summed
            # over all rows at once and rounded once: round the float32 sums of the chunks here.
            grad_weight, grad_bias = (
                None if grad is None else grad.to(autocast_dtype).to(grad.dtype)
                for grad in (grad_weight, grad_bias)
            )
        # One gradient per argument of forward; target, weight and the options get none.
        return grad_input, grad_weight, grad_bias, None, None, None, None, None, None


def _chunks(num_rows: int, chunk_size: int) -> list[slice]:
    """The rows ``0..num_rows-1`` as consecutive slices of at most ``chunk_size`` rows."""
    return [slice(start, start + chunk_size) for start in range(0, num_rows, chunk_size)]


def _autocast_chunk_grads(
    grad_logits: torch.Tensor,
    input: torch.Tensor,
    linear_weight: torch.Tensor,
    rows: slice,
    grad_input: torch.Tensor | None,
    grad_weight: torch.Tensor | None,
    grad_bias: torch.Tensor | None,
) -> None:
    """One chunk's share of the gradients under autocast, from operands in its dtype.

    ``grad_logits`` is already in the autocast dtype. The products take operands in that dtype,
    as autocast's matrix products do; the weight's and bias's shares are summed in float32,
    as one matrix product over all the rows would sum them.
    """
    low = grad_logits.dtype
    if grad_input is not None:
        grad_input[rows] = grad_logits @ linear_weight.to(low)
    if grad_weight is not None:
        grad_weight += grad_logits.T.to(grad_weight.dtype) @ input.to(low).to(grad_weight.dtype)
    if grad_bias is not None:
        grad_bias += grad_logits.to(grad_bias.dtype).sum(dim=0)


def _autocast_state(device_type: str) -> tuple[str, bool, torch.dtype]:
    """Whether ``torch.autocast`` is on for ``device_type``, and its dtype, to replay it."""
    if not torch.amp.is_autocast_available(device_type):  # meta, for instance
        return device_type, False, torch.float32
    return (
        device_type,
        torch.is_autocast_enabled(device_type),
        torch.get_autocast_dtype(device_type),
    )


def _logits(
    input: torch.Tensor, linear_weight: torch.Tensor, linear_bias: torch.Tensor | None
) -> torch.Tensor:
    """The linear layer, ``input @ linear_weight.T + linear_bias``, for one chunk of rows.

    Under autocast the product is in the autocast dtype; the loss is then computed from these
    logits in float32, as autocast computes F.cross_entropy.
    """
    logits = torch.nn.functional.linear(input, linear_weight, linear_bias)
    if _autocast_state(input.device.type)[1]:
        logits = logits.float()
    return logits


def _chunk_grad_logits(
    logits: torch.Tensor,
    log_sum_exp: torch.Tensor,
    target: torch.Tensor,
    weight: torch.Tensor | None,
    ignored: torch.Tensor,
    label_smoothing: float,
) -> torch.Tensor:
    """``s * probas - t``: each row's loss differentiated by its logits (ignored rows aside).

    ``t`` is the row's target distribution scaled by the class weights,
    ``(1 - eps) * w[y] * onehot(y) + eps / C * w``, and ``s`` its sum over the classes.
    """
    num_classes = logits.shape[1]
    # The chunk's buffers are reused in place (logits -> probas -> gradient): a chunk's worth
    # of memory is what this function saves, so it does not spend three.
    probas = logits.sub_(log_sum_exp.unsqueeze(1)).exp_()
    safe_target = torch.where(ignored, 0, target).unsqueeze(1)
    if weight is None:
        true_class_weights = torch.ones_like(log_sum_exp)
        class_weights_sum = num_classes
    else:
        true_class_weights = weight[safe_target.squeeze(1)]
        class_weights_sum = weight.sum()
    true_class_shares = (1 - label_smoothing) * true_class_weights
    smoothing = label_smoothing / num_classes

    grad_logits = probas.mul_((true_class_shares + smoothing * class_weights_sum).unsqueeze(1))
    grad_logits.scatter_add_(1, safe_target, -true_class_shares.unsqueeze(1))
    if label_smoothing > 0:
        grad_logits -= smoothing * (1.0 if weight is None else weight)
    return grad_logits


def _check_arguments(
    input: object,
    linear_weight: object,
    target: object,
    linear_bias: object,
    weight: object,
    ignore_index: object,
    chunk_size: object,
) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """Check every argument but ``reduction`` and ``label_smoothing``; return them, as read."""
    input = check_tensor(input, "input")
    check_floating(input, "input", "features, one row per example")
    check_exact_dims(input, "input", 2, "one row of in_features per example, (N, in_features)")
    num_rows, in_features = input.shape

    linear_weight = check_tensor(linear_weight, "linear_weight")
    check_same_device(linear_weight, "linear_weight", input, "input")
    check_floating(linear_weight, "linear_weight", "the linear layer's weight")
    check_exact_dims(
        linear_weight, "linear_weight", 2, "one row of in_features per class, (C, in_features)"
    )
    num_classes = linear_weight.shape[0]
    if linear_weight.shape[1] != in_features:
        raise ValueError(
            f"linear_weight must have in_features={in_features} columns, as input of shape"
            f" {format_shape(input.shape)} has, got shape {format_shape(linear_weight.shape)}"
        )
    if num_classes == 0:
        raise ValueError("linear_weight must have at least one row (one per class), got 0 rows")
    _check_dtype(linear_weight, "linear_weight", input)

    if linear_bias is not None:
        linear_bias = check_tensor(linear_bias, "linear_bias")
        check_same_device(linear_bias, "linear_bias", input, "input")
        check_floating(linear_bias, "linear_bias", "the linear layer's bias")
        if linear_bias.shape != (num_classes,):
            raise ValueError(
                f"linear_bias must have one number per class, shape ({num_classes},),"
                f" got shape {format_shape(linear_bias.shape)}"
            )
        _check_dtype(linear_bias, "linear_bias", input)

    if weight is not None:
        check_weight(weight, input, num_classes, same_dtype=True)
        check_same_device(weight, "weight", input, "input")
        if weight.requires_grad and torch.is_grad_enabled():
            raise ValueError(
                "weight must be a tensor that does not require grad (the class weights get no"
                " gradient), got one with requires_grad=True; pass weight.detach()"
            )

    target = check_tensor(target, "target")
    check_same_device(target, "target", input, "input")
    if target.is_floating_point():
        raise TypeError(
            f"target must be an integer tensor of class indices (torch.int64), got {target.dtype}"
            f" of shape {format_shape(target.shape)}; class probabilities are not supported"
            " here (torch.nn.functional.linear_cross_entropy takes them)"
        )
    check_class_index_dtype(target, "target")
    if target.shape != (num_rows,):
        raise ValueError(
            f"target must have shape ({num_rows},), one class index per row of input of shape"
            f" {format_shape(input.shape)}, got {format_shape(target.shape)}"
        )
    ignore_index = check_int(ignore_index, "ignore_index")
    check_class_indices(target.long(), num_classes, "target", ignore_index)

    chunk_size = check_int(chunk_size, "chunk_size")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive number of rows, got {chunk_size}")
    return input, target, ignore_index, chunk_size


def _check_dtype(tensor: torch.Tensor, name: str, input: torch.Tensor) -> None:
    """Raise TypeError unless ``tensor`` has the input's dtype, as torch's matrix product needs."""
    if tensor.dtype != input.dtype:
        raise TypeError(
            f"{name} must have the same dtype as input ({input.dtype}), got {tensor.dtype}"
            f"; convert it with {name}.to({input.dtype})"
        )
