"""
Why use the built-in
====================

:func:`xentdocs.cross_entropy` computes the same loss as
:func:`torch.nn.functional.cross_entropy`, written out step by step so you can read it. This
script times both, forward and backward, on a realistic batch of 4096 examples over 1000 classes,
and times :func:`xentdocs.one_hot` against :func:`torch.nn.functional.one_hot`.

.. note::

   The timings on this page are measured during each build and change from build to build. They
   depend on the machine and on what else it was doing; only the ratios are worth comparing.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# A random batch in float32, the default dtype. ``torch.manual_seed`` fixes the numbers, not the
# timings.
import torch
import torch.nn.functional as F
from torch.utils.benchmark import Timer

import xentdocs

torch.manual_seed(0)
num_examples, num_classes = 4096, 1000
logits = torch.randn(num_examples, num_classes, requires_grad=True)
labels = torch.randint(0, num_classes, (num_examples,))

# %%
# Before timing anything, check that the two compute the same loss and the same gradient.
(torch_grad,) = torch.autograd.grad(F.cross_entropy(logits, labels), logits)
(xentdocs_grad,) = torch.autograd.grad(xentdocs.cross_entropy(logits, labels), logits)
print(
    "same loss:    ",
    torch.allclose(F.cross_entropy(logits, labels), xentdocs.cross_entropy(logits, labels)),
)
print("same gradient:", torch.allclose(torch_grad, xentdocs_grad))


# %%
# :class:`torch.utils.benchmark.Timer` runs a statement many times. It runs on one thread (its
# default ``num_threads=1``) for both functions, so the comparison is fair. We keep the fastest run:
# other programs on the machine can only ever add time. Each statement computes the loss and its
# gradient, as one training step does.
def fastest_ms(stmt, **names):
    measurement = Timer(stmt, globals=names).blocked_autorange(min_run_time=1)
    return min(measurement.times) * 1000


step = "torch.autograd.grad(loss_fn(logits, labels), logits)"
torch_ms = fastest_ms(step, torch=torch, loss_fn=F.cross_entropy, logits=logits, labels=labels)
xentdocs_ms = fastest_ms(
    step, torch=torch, loss_fn=xentdocs.cross_entropy, logits=logits, labels=labels
)
print(f"torch.nn.functional.cross_entropy: {torch_ms:8.2f} ms")
print(f"xentdocs.cross_entropy:            {xentdocs_ms:8.2f} ms")
print(f"xentdocs / torch:                  {xentdocs_ms / torch_ms:8.2f}")

# %%
# Why the built-in wins: :func:`xentdocs.log_softmax` is a chain of separate operations (the row
# maximum, a subtraction, ``exp``, a sum, ``log``, another subtraction), and each one reads and
# writes a full 4096 by 1000 tensor. Autograd keeps those intermediate tensors for the backward pass
# and runs one backward operation for each. PyTorch's ``log_softmax`` is one fused kernel that
# makes a few passes over each row and keeps only its output; its backward is one kernel too.
# ``xentdocs`` also checks its inputs (every label is in range) on each call.

# %%
# ``one_hot`` has no such chain: both versions fill a tensor of zeros and write one value per row.
# :func:`torch.nn.functional.one_hot` returns int64 (eight bytes per entry), ours float32 by
# default (four bytes), and both check the labels first. The third line asks ours for int64 too,
# so the two write the same number of bytes.
one_hot_args = {"labels": labels, "num_classes": num_classes}
stmt = "one_hot(labels, num_classes, **kwargs)"
torch_ms = fastest_ms(stmt, one_hot=F.one_hot, kwargs={}, **one_hot_args)
float_ms = fastest_ms(stmt, one_hot=xentdocs.one_hot, kwargs={}, **one_hot_args)
int_ms = fastest_ms(stmt, one_hot=xentdocs.one_hot, kwargs={"dtype": torch.int64}, **one_hot_args)
print(f"torch.nn.functional.one_hot (int64): {torch_ms:6.3f} ms")
print(
    f"xentdocs.one_hot (float32):          {float_ms:6.3f} ms, xentdocs / torch {float_ms / torch_ms:.2f}"
)
print(
    f"xentdocs.one_hot (int64):            {int_ms:6.3f} ms, xentdocs / torch {int_ms / torch_ms:.2f}"
)

# %%
# For real training, use :func:`torch.nn.functional.cross_entropy` (or
# :class:`torch.nn.CrossEntropyLoss`): it is faster, it uses less memory, and it is the version the
# rest of PyTorch is tested with. The ``xentdocs`` functions are for reading.

# %%
# The page :ref:`cross-entropy` explains what the built-in fuses, and the page
# :ref:`numerical-limits` why that matters for stability.
