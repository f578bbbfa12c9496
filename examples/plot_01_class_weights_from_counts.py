r"""
Class weights from label counts
===============================

Turn the label counts of an imbalanced data set into the ``weight=`` of a cross-entropy loss, two
ways: inverse frequency scaled to a mean of 1, and the "effective number" of samples of
:cite:t:`cui2019`. You get the weights, the loss they give, and what the weighted mean divides by.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# Count the labels
# ----------------
# Count over the whole training set, not one batch. ``minlength`` keeps a class that never
# occurs in the count (with a 0), so there is still one count per class.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.manual_seed(0)
num_classes = 4
labels = torch.repeat_interleave(torch.arange(num_classes), torch.tensor([700, 200, 80, 20]))
labels = labels[torch.randperm(len(labels))]

counts = torch.bincount(labels, minlength=num_classes)
print("labels:", tuple(labels.shape), "first ten:", labels[:10].tolist())
print("counts per class:", counts.tolist())

# %%
# Inverse frequency
# -----------------
# Each class weighs one over its count, divided by the mean of those so that the weights average
# 1 over the classes (the last section shows when that scale matters). A class with no examples
# would get an infinite weight: ``clamp(min=1)`` counts it as 1 (it is in no loss anyway).
inverse = 1 / counts.clamp(min=1).double()
inverse_weights = (inverse / inverse.mean()).float()
print("inverse frequency weights:", inverse_weights)
print("their mean:", inverse_weights.mean().item())

# %%
# Effective number of samples
# ---------------------------
# :cite:t:`cui2019` argue that each new example of a class adds less than the one before, as
# examples start to overlap, and replace the count :math:`n_j` by the effective number
# :math:`E_j = (1 - \beta^{n_j}) / (1 - \beta)`. The weights are :math:`1 / E_j`, scaled to a
# mean of 1 as above. :math:`\beta = 0` weighs every class the same, and as :math:`\beta` nears 1
# the weights approach inverse frequency. Computed in float64, since :math:`1 - \beta^{n}` loses
# digits in float32 when :math:`\beta` is close to 1.


def effective_number_weights(counts: torch.Tensor, beta: float) -> torch.Tensor:
    effective_numbers = (1 - beta ** counts.double()) / (1 - beta)
    inverse = 1 / effective_numbers.clamp(min=1)
    return (inverse / inverse.mean()).float()


for beta in (0.9, 0.99, 0.999, 0.9999):
    print(f"beta={beta}:", effective_number_weights(counts, beta))

# %%
# Both kinds side by side: the rarer the class, the larger its weight.
betas = (0.99, 0.999)
schemes = {"inverse frequency": inverse_weights}
schemes |= {
    f"effective number, beta={beta}": effective_number_weights(counts, beta) for beta in betas
}

fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
bar_width = 0.8 / len(schemes)
for position, (name, weights) in enumerate(schemes.items()):
    ax.bar(torch.arange(num_classes) + position * bar_width, weights, bar_width, label=name)
ax.set_xticks(torch.arange(num_classes) + bar_width, [f"class {j}" for j in range(num_classes)])
ax.set_ylabel("weight")
ax.set_title("Class weights by scheme: the rarer classes weigh more")
ax.legend()
plt.show()

# %%
# Pass the weights to the loss
# ----------------------------
# The weights go to ``weight=``, in the logits' dtype and on their device. The logits here are
# random, a stand-in for a model's output; :func:`xentdocs.cross_entropy` agrees with PyTorch.
logits = torch.randn(len(labels), num_classes)
weights = effective_number_weights(counts, 0.999)

loss = F.cross_entropy(logits, labels, weight=weights)
print("F.cross_entropy:       ", loss)
print("xentdocs.cross_entropy:", xentdocs.cross_entropy(logits, labels, weight=weights))
print("without weights:       ", F.cross_entropy(logits, labels))

# %%
# What the weighted mean divides by
# ---------------------------------
# With ``reduction="none"`` each loss comes back already multiplied by the weight of its label.
# The mean divides their sum by the sum of those weights, not by the number of examples.
weighted_losses = F.cross_entropy(logits, labels, weight=weights, reduction="none")
label_weights = weights[labels]
print(f"sum of the label weights: {label_weights.sum().item():.4f}, examples: {len(labels)}")
print("sum / sum of label weights:", weighted_losses.sum() / label_weights.sum())
print("sum / number of examples:  ", weighted_losses.sum() / len(labels))

# %%
# So the scale of the weights cancels out of the mean: ten times the weights give the same mean
# loss. It does not cancel out of ``reduction="sum"`` (or of a mean you take yourself), which is
# why scaling the weights to a mean of 1 is the safe habit.
for scale in (1, 10):
    mean = F.cross_entropy(logits, labels, weight=scale * weights)
    total = F.cross_entropy(logits, labels, weight=scale * weights, reduction="sum")
    print(f"weights x {scale}: mean {mean.item():.4f}, sum {total.item():.4f}")

# %%
# Where next
# ----------
# The page :ref:`class-weights` explains the weighted mean and when class weights help. The
# functions used here: :func:`torch.bincount`, :func:`torch.nn.functional.cross_entropy` and
# :func:`xentdocs.cross_entropy`.
