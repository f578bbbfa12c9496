"""
Label smoothing, two definitions
================================

PyTorch's ``label_smoothing`` mixes the one-hot target with a uniform distribution over all
classes, the target class included. You will see that target built by hand and checked against
PyTorch and :func:`xentdocs.cross_entropy`, the other definition found elsewhere next to it, and
the loss of the lecture example as the smoothing grows.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture example and its one-hot targets.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
num_classes = logits.shape[1]
one_hot_targets = xentdocs.one_hot(labels, num_classes)


# %%
# PyTorch's smoothed target gives ``epsilon / num_classes`` to every class; the other definition
# gives ``1 - epsilon`` to the target class and shares ``epsilon`` among the others.
def pytorch_smoothing(one_hot_targets, epsilon):
    return (1 - epsilon) * one_hot_targets + epsilon / num_classes


def other_smoothing(one_hot_targets, epsilon):
    others = 1 - one_hot_targets
    return (1 - epsilon) * one_hot_targets + epsilon / (num_classes - 1) * others


epsilon = 0.1
smoothed = pytorch_smoothing(one_hot_targets, epsilon)
other = other_smoothing(one_hot_targets, epsilon)
print("torch, label_smoothing:   ", F.cross_entropy(logits, labels, label_smoothing=epsilon))
print("xentdocs, label_smoothing:", xentdocs.cross_entropy(logits, labels, label_smoothing=epsilon))
print("PyTorch's target by hand: ", F.cross_entropy(logits, smoothed))
print("other definition:         ", F.cross_entropy(logits, other))

# %%
# The two targets for the first example (label 0), with a large smoothing so the bars differ
# visibly.
epsilon = 0.3
bars = {
    "one-hot": one_hot_targets[0],
    "PyTorch: eps / C": pytorch_smoothing(one_hot_targets, epsilon)[0],
    "other: eps / (C - 1)": other_smoothing(one_hot_targets, epsilon)[0],
}
classes = torch.arange(num_classes)
fig, ax = plt.subplots(figsize=(6, 4))
for offset, (name, target) in zip((-0.27, 0.0, 0.27), bars.items(), strict=True):
    ax.bar(classes + offset, target, width=0.27, label=name)
ax.set_xticks(classes.tolist())
ax.set_title(f"Smoothed targets of the first example, eps = {epsilon}")
ax.set_xlabel("class")
ax.set_ylabel("target probability")
ax.legend()
fig.tight_layout()

# %%
# The other definition is PyTorch's with ``epsilon`` scaled by ``num_classes / (num_classes - 1)``.
rescaled = epsilon * num_classes / (num_classes - 1)
other = other_smoothing(one_hot_targets, epsilon)
print("other definition:     ", F.cross_entropy(logits, other))
print("PyTorch, rescaled eps:", F.cross_entropy(logits, labels, label_smoothing=rescaled))

# %%
# The mean loss of the lecture example for ``epsilon`` from 0 to 1. The loss is linear in the
# target, so both curves are straight lines from the unsmoothed loss. The other definition is the
# steeper one: it reaches the uniform target at ``epsilon = (C - 1) / C``, PyTorch only at 1.
epsilons = torch.linspace(0.0, 1.0, 51)
pytorch_losses, other_losses = [], []
for e in epsilons:
    pytorch_losses.append(F.cross_entropy(logits, labels, label_smoothing=e.item()).item())
    other_losses.append(F.cross_entropy(logits, other_smoothing(one_hot_targets, e)).item())

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(epsilons, pytorch_losses, label="PyTorch label_smoothing")
ax.plot(epsilons, other_losses, "--", label="eps / (C - 1) definition")
ax.set_title("Cross-entropy of the lecture example")
ax.set_xlabel("smoothing eps")
ax.set_ylabel("mean loss")
ax.legend()
fig.tight_layout()

# %%
# The page :ref:`label-smoothing` tells the same story with more explanation.
