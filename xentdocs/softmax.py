"""Softmax and log-softmax: from scores (logits) to probabilities and their logarithms.

Three ways to write the same formula, kept side by side on purpose:

* :func:`lecture_softmax` is the lecture's formula, letter for letter;
* :func:`naive_softmax` is the textbook formula along any dimension, and overflows;
* :func:`softmax` and :func:`log_softmax` subtract the largest logit first, so their
  :func:`torch.exp` never overflows.
"""

import torch

from xentdocs._validation import (
    check_dim,
    check_exact_dims,
    check_floating,
    check_has_dims,
    check_tensor,
)


def _check_logits(logits: object, dim: object) -> tuple[torch.Tensor, int]:
    """Check what every softmax here needs: float logits with a non-empty dimension ``dim``."""
    logits = check_tensor(logits, "logits")
    check_floating(logits, "logits", "scores, one per class")
    check_has_dims(logits, "logits", "the classes")
    return logits, check_dim(dim, logits, "logits")


def _accumulation_dtype(logits: torch.Tensor) -> torch.dtype:
    """The dtype to compute in: float32 for float16 and bfloat16, as PyTorch's kernels do.

    A sum of exponentials in float16 overflows past 65,504 (the largest float16): over 70,000
    equal logits it is ``inf`` and every probability 0, where PyTorch, which sums in float32,
    gives 1/70,000. The result is rounded back to the logits' dtype at the end.
    """
    if logits.dtype in (torch.float16, torch.bfloat16):
        return torch.float32
    return logits.dtype


def softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""Turn logits into probabilities along ``dim``, without overflow.

    .. math::

        \operatorname{softmax}(z)_j = \frac{e^{z_j - m}}{\sum_k e^{z_k - m}},
        \qquad m = \max_k z_k

    Subtracting the largest logit :math:`m` changes no probability (it cancels between the
    numerator and the denominator), but it makes every exponent at most 0, so no
    :func:`torch.exp` overflows to ``inf``.

    Parameters
    ----------
    logits : torch.Tensor
        Floating-point scores of any shape with at least one dimension.
    dim : int, optional
        The dimension that holds the classes, the one that sums to one. Default: ``-1``, the
        last, so each row of an ``(N, C)`` tensor becomes a probability distribution.

    Returns
    -------
    torch.Tensor
        Probabilities of the same shape as ``logits``, summing to one along ``dim``.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`torch.softmax` : PyTorch's version; ``torch.softmax(logits, dim)`` agrees.
    :func:`torch.nn.functional.softmax` : the same function, as ``F.softmax``.
    :func:`xentdocs.naive_softmax` : the same formula without the shift, which overflows.
    :func:`xentdocs.log_softmax` : the logarithm of the result, computed without a division.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, softmax
    >>> labels, logits = lecture_example()
    >>> probas = softmax(logits)
    >>> probas
    tensor([[0.3792, 0.3104, 0.3104],
            [0.3072, 0.4147, 0.2780],
            [0.4263, 0.2248, 0.3490],
            [0.2668, 0.2978, 0.4354]])
    >>> torch.allclose(probas.sum(dim=1), torch.ones(4))
    True

    Logits far too large for :func:`torch.exp` still give probabilities:

    >>> softmax(torch.tensor([1000.0, 0.0]))
    tensor([1., 0.])
    """
    logits, dim = _check_logits(logits, dim)
    dtype = logits.dtype
    logits = logits.to(_accumulation_dtype(logits))
    # The shift cancels out of the result, so no gradient needs to flow through it.
    largest = logits.amax(dim=dim, keepdim=True).detach()
    exps = torch.exp(logits - largest)
    return (exps / exps.sum(dim=dim, keepdim=True)).to(dtype)


def naive_softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""The textbook softmax, :math:`e^{z_j} / \sum_k e^{z_k}`, which can overflow.

    This is the formula as written, kept to show what goes wrong: once a logit is above
    about 88 (float32) or 709 (float64), :func:`torch.exp` returns ``inf`` and the division
    gives ``nan``; once every logit is below about -104 (float32), every exponential is 0
    and ``0 / 0`` gives ``nan`` too. Use :func:`xentdocs.softmax` for real work.

    Parameters
    ----------
    logits : torch.Tensor
        Floating-point scores of any shape with at least one dimension.
    dim : int, optional
        The dimension that holds the classes, the one that sums to one. Default: ``-1``.

    Returns
    -------
    torch.Tensor
        Probabilities of the same shape as ``logits``, or ``nan`` where the exponentials
        overflowed or all underflowed.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`xentdocs.softmax` : the same probabilities, computed without overflow.
    :func:`xentdocs.lecture_softmax` : the lecture's version of this formula.
    :func:`torch.softmax` : PyTorch's version, which does not overflow.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, naive_softmax
    >>> labels, logits = lecture_example()
    >>> naive_softmax(logits)
    tensor([[0.3792, 0.3104, 0.3104],
            [0.3072, 0.4147, 0.2780],
            [0.4263, 0.2248, 0.3490],
            [0.2668, 0.2978, 0.4354]])

    With one large logit the exponential overflows:

    >>> torch.exp(torch.tensor([1000.0, 0.0]))
    tensor([inf, 1.])
    >>> naive_softmax(torch.tensor([1000.0, 0.0]))
    tensor([nan, 0.])
    """
    logits, dim = _check_logits(logits, dim)
    exps = torch.exp(logits)
    return exps / exps.sum(dim=dim, keepdim=True)


def lecture_softmax(logits: torch.Tensor) -> torch.Tensor:
    """The lecture's softmax, written exactly as in its notebook, for an ``(N, C)`` tensor.

    The notebook computes ``(torch.exp(z.t()) / torch.sum(torch.exp(z), dim=1)).t()``.
    Inside the parentheses it works on the transpose, ``(C, N)``, where each *column* is one
    example: dividing by the ``(N,)`` row sums broadcasts along the columns. The final ``.t()``
    turns it back, so in the result each *row* is one example and each *row* sums to one.
    The exponentials are not shifted, so this overflows like :func:`xentdocs.naive_softmax`.

    Parameters
    ----------
    logits : torch.Tensor
        Floating-point scores of shape ``(N, C)``: one row per example, one column per class.

    Returns
    -------
    torch.Tensor
        Probabilities of shape ``(N, C)``; each row sums to one.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor.
    ValueError
        If ``logits`` is not 2-d or has no columns.

    See Also
    --------
    :func:`xentdocs.naive_softmax` : the same formula for any shape, without the transposes.
    :func:`xentdocs.softmax` : the version that does not overflow.
    :func:`torch.softmax` : PyTorch's version.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, lecture_softmax
    >>> labels, logits = lecture_example()
    >>> probas = lecture_softmax(logits)
    >>> probas
    tensor([[0.3792, 0.3104, 0.3104],
            [0.3072, 0.4147, 0.2780],
            [0.4263, 0.2248, 0.3490],
            [0.2668, 0.2978, 0.4354]])

    The rows sum to one (each row is one example); the columns do not:

    >>> torch.allclose(probas.sum(dim=1), torch.ones(4))
    True
    >>> torch.allclose(probas.sum(dim=0), torch.ones(3))
    False
    """
    logits = check_tensor(logits, "logits")
    check_floating(logits, "logits", "scores, one per class")
    check_exact_dims(logits, "logits", 2, "one row per example, one column per class, (N, C)")
    check_dim(1, logits, "logits")
    z = logits
    return (torch.exp(z.t()) / torch.sum(torch.exp(z), dim=1)).t()


def log_softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""The logarithm of :func:`xentdocs.softmax`, computed with the log-sum-exp trick.

    .. math::

        \log \operatorname{softmax}(z)_j = (z_j - m) - \log \sum_k e^{z_k - m},
        \qquad m = \max_k z_k

    Taking :func:`torch.log` of probabilities loses the small ones: a probability that
    rounds to 0 has a log of ``-inf``. This formula never forms the probabilities, so it
    stays finite as long as the differences ``z_j - m`` of the logits are finite; where a
    difference overflows the dtype (logits near its largest value, of both signs), the
    result is ``-inf`` too, as in :func:`torch.nn.functional.log_softmax`.

    Parameters
    ----------
    logits : torch.Tensor
        Floating-point scores of any shape with at least one dimension.
    dim : int, optional
        The dimension that holds the classes. Default: ``-1``.

    Returns
    -------
    torch.Tensor
        Log-probabilities of the same shape as ``logits``, all at most 0.

    Raises
    ------
    TypeError
        If ``logits`` is not a floating-point tensor or ``dim`` is not an int.
    ValueError
        If ``logits`` is 0-d, ``dim`` is out of range or has size 0.

    See Also
    --------
    :func:`torch.nn.functional.log_softmax` : PyTorch's version (``torch.log_softmax`` is the same).
    :func:`torch.logsumexp` : the log-sum-exp term on its own.
    :func:`xentdocs.nll_loss` : takes these log-probabilities as its input.

    Examples
    --------
    >>> import torch
    >>> from xentdocs import lecture_example, log_softmax, softmax
    >>> labels, logits = lecture_example()
    >>> log_softmax(logits)
    tensor([[-0.9698, -1.1698, -1.1698],
            [-1.1801, -0.8801, -1.2801],
            [-0.8527, -1.4927, -1.0527],
            [-1.3214, -1.2114, -0.8314]])

    Where the log of the probabilities gives ``-inf``, log-softmax stays finite:

    >>> torch.log(softmax(torch.tensor([1000.0, 0.0])))
    tensor([0., -inf])
    >>> log_softmax(torch.tensor([1000.0, 0.0]))
    tensor([    0., -1000.])

    It is not finite for every finite logit: here ``z_1 - m`` overflows float32.

    >>> log_softmax(torch.tensor([3e38, -3e38]))
    tensor([0., -inf])
    """
    logits, dim = _check_logits(logits, dim)
    dtype = logits.dtype
    logits = logits.to(_accumulation_dtype(logits))
    # The shift cancels out of the result, so no gradient needs to flow through it.
    largest = logits.amax(dim=dim, keepdim=True).detach()
    shifted = logits - largest
    return (shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))).to(dtype)
