"""
Probability targets
===================

A float target with the shape of the logits is read as one row of class probabilities per example.
You will see one-hot floats give the same loss as the labels, integer one-hot rows rejected, the
mean that divides by the number of examples even with class weights, and a mixup target sliding
from one label to another.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture example, with its labels as float one-hot rows.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
one_hot_targets = xentdocs.one_hot(labels, 3)
print("labels:        ", F.cross_entropy(logits, labels))
print("one-hot floats:", F.cross_entropy(logits, one_hot_targets))
print("xentdocs:      ", xentdocs.cross_entropy(logits, one_hot_targets))

# %%
# :func:`torch.nn.functional.one_hot` returns int64 rows. PyTorch and ``xentdocs`` both refuse
# them, each with its own message.
int_one_hot = F.one_hot(labels, 3)
try:
    F.cross_entropy(logits, int_one_hot)
except RuntimeError as err:
    print("torch:   ", err)
try:
    xentdocs.cross_entropy(logits, int_one_hot)
except ValueError as err:
    print("xentdocs:", err)

# %%
# With class weights, the per-example losses of the two encodings agree, but for probability
# targets ``mean`` divides by the number of examples, for labels by the sum of their weights.
weight = torch.tensor([1.0, 2.0, 3.0])
print("none, labels: ", F.cross_entropy(logits, labels, weight=weight, reduction="none"))
print("none, one-hot:", F.cross_entropy(logits, one_hot_targets, weight=weight, reduction="none"))
print("mean, labels: ", F.cross_entropy(logits, labels, weight=weight))
print("mean, one-hot:", F.cross_entropy(logits, one_hot_targets, weight=weight))
print("N, sum of w:  ", len(labels), weight[labels].sum().item())

# %%
# Mixup pairs each example with another, here the one before it, and blends their targets with a
# factor ``lam``. The loss is linear in the target: the mixed target's loss is the same blend of
# the two losses, a straight line between them.
partner_labels = labels.roll(1)
partner_targets = xentdocs.one_hot(partner_labels, 3)
lams = torch.linspace(0.0, 1.0, 21)
mixed_losses = []
for lam in lams:
    mixed = lam * one_hot_targets + (1 - lam) * partner_targets
    mixed_losses.append(F.cross_entropy(logits, mixed).item())
own_loss = F.cross_entropy(logits, labels).item()
partner_loss = F.cross_entropy(logits, partner_labels).item()

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(lams, mixed_losses, "o", label="loss of the mixed target")
ax.plot([0, 1], [partner_loss, own_loss], "-", label="blend of the two losses")
ax.set_title("Mixup targets on the lecture example")
ax.set_xlabel("lam (share of the example's own label)")
ax.set_ylabel("mean loss")
ax.legend()
fig.tight_layout()

# %%
# The two ends are the losses of the partner labels and of the example's own labels.
print("partner labels:", partner_labels, f"loss {partner_loss:.4f}")
print("own labels:    ", labels, f"loss {own_loss:.4f}")

# %%
# The page :ref:`soft-targets` tells the same story with more explanation.
