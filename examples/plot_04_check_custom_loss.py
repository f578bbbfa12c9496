r"""
Checking your own loss against PyTorch
======================================

Before you train with a loss you wrote yourself, check it against
:func:`torch.nn.functional.cross_entropy`: the values, the gradients autograd computes from it,
and :func:`torch.autograd.gradcheck <torch.autograd.gradcheck.gradcheck>` in float64, across
reductions, class weights and ``ignore_index``. Here the loss under test is
:func:`xentdocs.cross_entropy`; two deliberately wrong losses show what the checks catch.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# A case you know
# ---------------
# Start with inputs small enough to follow by eye: the lecture's example. Put your own function
# in place of ``my_cross_entropy``.
import itertools
import warnings

import torch
import torch.nn.functional as F

import xentdocs

my_cross_entropy = xentdocs.cross_entropy

labels, logits = xentdocs.lecture_example()
print("labels:", labels)
print("logits:", logits)
print("my loss:  ", my_cross_entropy(logits, labels))
print("PyTorch's:", F.cross_entropy(logits, labels))

# %%
# Values and gradients
# --------------------
# :func:`torch.testing.assert_close` compares with tolerances suited to the dtype and raises an
# :class:`AssertionError` that says how far apart the tensors are. The gradients come from
# :func:`torch.autograd.grad`; with ``reduction="none"`` the losses are summed first.


def check_against_torch(loss_fn, logits, labels, **options):
    logits = logits.detach().requires_grad_()
    mine = loss_fn(logits, labels, **options)
    reference = F.cross_entropy(logits, labels, **options)
    torch.testing.assert_close(mine, reference, msg=lambda message: "values: " + message)
    (my_grad,) = torch.autograd.grad(mine.sum(), logits)
    (reference_grad,) = torch.autograd.grad(reference.sum(), logits)
    torch.testing.assert_close(my_grad, reference_grad, msg=lambda message: "gradients: " + message)


check_against_torch(my_cross_entropy, logits, labels)
print("the lecture's example: values and gradients agree")

# %%
# Every combination
# -----------------
# Random logits for 6 examples and 4 classes, labels with two ignored, and every reduction with
# and without class weights.
torch.manual_seed(0)
random_logits = torch.randn(6, 4)
random_labels = torch.tensor([3, 0, -100, 1, 1, -100])
class_weights = torch.tensor([0.5, 1.0, 2.0, 4.0])

for reduction, weight in itertools.product(("mean", "sum", "none"), (None, class_weights)):
    check_against_torch(
        my_cross_entropy, random_logits, random_labels, reduction=reduction, weight=weight
    )
    weighted = "yes" if weight is not None else "no"
    print(f"reduction={reduction!r:7} weight={weighted:3}: agree")

# %%
# gradcheck
# ---------
# :func:`torch.autograd.gradcheck <torch.autograd.gradcheck.gradcheck>` compares the gradient
# autograd computes with one from finite differences. It needs float64: in float32 the
# differences are too coarse (the next cell shows it). It returns ``True`` or raises.


def gradcheck_loss(loss_fn, logits, labels, **options):
    logits64 = logits.detach().double().requires_grad_()
    return torch.autograd.gradcheck(lambda z: loss_fn(z, labels, **options), (logits64,))


for reduction, weight in itertools.product(("mean", "sum", "none"), (None, class_weights.double())):
    passed = gradcheck_loss(
        my_cross_entropy, random_logits, random_labels, reduction=reduction, weight=weight
    )
    weighted = "yes" if weight is not None else "no"
    print(f"gradcheck, reduction={reduction!r:7} weight={weighted:3}:", passed)

# %%
# The same check in float32 fails on this correct loss. gradcheck also warns that the input is
# not float64; the warning is silenced here to keep the output short.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        torch.autograd.gradcheck(
            lambda z: my_cross_entropy(z, random_labels), (random_logits.detach().requires_grad_(),)
        )
    except RuntimeError as error:
        print("float32:", type(error).__name__, "-", str(error).splitlines()[0].rstrip(","))

# %%
# A wrong loss the values catch
# -----------------------------
# A common slip: with class weights, divide the weighted sum by the number of examples. PyTorch
# divides by the sum of the weights of the labels that count.


def mean_over_examples(logits, labels, weight=None, reduction="mean"):
    losses = F.cross_entropy(logits, labels, weight=weight, reduction="none")
    return losses.mean() if reduction == "mean" else losses


try:
    check_against_torch(mean_over_examples, random_logits, random_labels, weight=class_weights)
except AssertionError as error:
    print(error)

# %%
# A wrong loss only the gradients catch
# -------------------------------------
# This one computes the right value, but :meth:`torch.Tensor.detach` on the log-sum-exp cuts it
# out of the graph. The values agree; the gradients do not.


def detached_log_sum_exp(logits, labels, weight=None, reduction="mean"):
    log_probas = logits - torch.logsumexp(logits, dim=1, keepdim=True).detach()
    return F.nll_loss(log_probas, labels, weight=weight, reduction=reduction)


print("my loss:  ", detached_log_sum_exp(logits, labels))
print("PyTorch's:", F.cross_entropy(logits, labels))
try:
    check_against_torch(detached_log_sum_exp, logits, labels)
except AssertionError as error:
    print(error)

# %%
# Where next
# ----------
# The pages :ref:`cross-entropy` and :ref:`gradient` derive the values and gradients checked
# here, :ref:`class-weights` and :ref:`ignore-index` what the mean divides by. The functions
# used here: :func:`torch.testing.assert_close`, :func:`torch.autograd.grad`,
# :func:`torch.autograd.gradcheck <torch.autograd.gradcheck.gradcheck>`,
# :func:`torch.nn.functional.cross_entropy` and :func:`xentdocs.cross_entropy`.
