"""
cross_entropy takes logits
==========================

:func:`torch.nn.functional.cross_entropy` and :func:`xentdocs.cross_entropy` on the lecture's
example. You will see that they give the by-hand losses straight from the logits, that they
equal ``nll_loss`` of ``log_softmax``, and that they stay finite where softmax followed by a
log does not. A plot follows one example's loss as its logits grow.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture's labels and logits. Nothing else is needed: the logits go in as they are.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()

# %%
# PyTorch, ``xentdocs`` and ``nll_loss`` of ``log_softmax`` agree, one loss per example.
torch_ce = F.cross_entropy(logits, labels, reduction="none")
our_ce = xentdocs.cross_entropy(logits, labels, reduction="none")
log_probas = torch.log_softmax(logits, dim=1)
nll = F.nll_loss(log_probas, labels, reduction="none")
print("cross_entropy:         ", torch_ce)
print("xentdocs.cross_entropy:", our_ce)
print("nll_loss(log_softmax): ", nll)
print("xentdocs == torch:", torch.allclose(our_ce, torch_ce))
print("nll_loss == torch:", torch.allclose(nll, torch_ce))

# %%
# The module form holds the options and calls the same function.
loss_fn = torch.nn.CrossEntropyLoss(reduction="none")
loss_fn(logits, labels)

# %%
# A very confident network: the lecture's logits times 1000. The third example's true
# class (2) gets a probability of exactly zero in float32.
confident = logits * 1000
confident_probas = torch.softmax(confident, dim=1)
confident_probas

# %%
# Softmax, then log, then ``nll_loss``: the third loss is ``inf``. The fused
# ``cross_entropy`` never forms that zero probability, and its loss stays finite. The
# ``-0.`` entries are zeros with a sign: a log-probability of exactly zero, negated.
log_of_probas = torch.log(confident_probas)
two_step = F.nll_loss(log_of_probas, labels, reduction="none")
fused = F.cross_entropy(confident, labels, reduction="none")
ours = xentdocs.cross_entropy(confident, labels, reduction="none")
print("log(softmax), nll_loss:", two_step)
print("cross_entropy:         ", fused)
print("xentdocs.cross_entropy:", ours)

# %%
# The gradient is worse: every entry of the two-step gradient is ``nan``, even in the rows
# whose loss is zero. Each row has a probability that rounded to zero, and the backward
# pass of ``log`` divides by it. The fused gradient is finite.
z = confident.clone().requires_grad_()
two_step_loss = F.nll_loss(torch.log(torch.softmax(z, dim=1)), labels)
fused_loss = F.cross_entropy(z, labels)
(two_step_grad,) = torch.autograd.grad(two_step_loss, z)
(fused_grad,) = torch.autograd.grad(fused_loss, z)
print(f"two steps:\n{two_step_grad}")
print(f"fused:\n{fused_grad}")

# %%
# The third example's loss as its logits are scaled up. The fused loss grows in a straight
# line. The two-step loss follows it until the probability of the true class rounds to
# zero; from there on it is ``inf`` and leaves the plot. The dotted line marks the first
# scale where that happens.
scales = torch.linspace(1.0, 1000.0, 400)
third_logits = logits[2] * scales.view(-1, 1)
third_labels = torch.full((len(scales),), int(labels[2]))
third_probas = torch.softmax(third_logits, dim=1)
fused_curve = F.cross_entropy(third_logits, third_labels, reduction="none")
two_step_curve = F.nll_loss(torch.log(third_probas), third_labels, reduction="none")
first_inf = scales[torch.isinf(two_step_curve)][0].item()
print(f"first scale with an inf two-step loss: {first_inf:.1f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(scales, fused_curve, label="cross_entropy", linewidth=3)
ax.plot(scales, two_step_curve, label="log(softmax), nll_loss", linestyle="--")
ax.axvline(first_inf, color="gray", linestyle=":", label="two-step loss is inf")
ax.set_title("Loss of the third example as its logits grow (float32)")
ax.set_xlabel("scale factor on the lecture's logits")
ax.set_ylabel("loss")
ax.legend()
fig.tight_layout()

# %%
# The page :ref:`cross-entropy` tells the same story with more explanation.
