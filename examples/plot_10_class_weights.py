"""
Class weights and the weighted mean
===================================

With ``weight``, :func:`torch.nn.functional.cross_entropy` scales each example's loss by the weight
of its target and then divides by the sum of those weights, not by the number of examples. You will
see the denominator computed by hand, a batch of one where the weight cancels, and a plot of both
averages while the weight of one class grows.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture example, and a weight for each of the three classes.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
weight = torch.tensor([1.0, 2.0, 3.0])

# %%
# With ``reduction="none"`` each loss is multiplied by ``weight[labels]``, the weight of its target.
weighted = F.cross_entropy(logits, labels, weight=weight, reduction="none")
print("plain * weight[labels]:", F.cross_entropy(logits, labels, reduction="none") * weight[labels])
print("torch, weight, none:   ", weighted)

# %%
# ``mean`` divides their sum by ``weight[labels].sum()``. The mean of the tensor above divides by
# the number of examples, and gives a different, larger number.
denominator = weight[labels].sum()
print("denominator:           ", denominator)
print("torch, weight, mean:   ", F.cross_entropy(logits, labels, weight=weight))
print("xentdocs, weight, mean:", xentdocs.cross_entropy(logits, labels, weight=weight))
print("sum / denominator:     ", weighted.sum() / denominator)
print("weighted.mean():       ", weighted.mean())

# %%
# For a batch of one example, ``mean`` is ``w * loss / w``: the weight cancels.
print("with weight:   ", F.cross_entropy(logits[:1], labels[:1], weight=weight))
print("without weight:", F.cross_entropy(logits[:1], labels[:1]))

# %%
# Now let the weight of class 2 grow while classes 0 and 1 keep weight 1. PyTorch's weighted mean
# moves from the average loss of the other examples towards the average loss of the class-2
# examples and stays between them; for the lecture example the two are close, so its curve is
# almost flat. The sum divided by the number of examples grows without bound.
class2_weights = torch.linspace(0.0, 10.0, 101)
torch_means, sums_over_n = [], []
for w2 in class2_weights:
    weight = torch.tensor([1.0, 1.0, w2.item()])
    torch_means.append(F.cross_entropy(logits, labels, weight=weight).item())
    total = F.cross_entropy(logits, labels, weight=weight, reduction="sum")
    sums_over_n.append(total.item() / len(labels))

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(class2_weights, torch_means, label='reduction="mean" (divides by the sum of weights)')
ax.plot(class2_weights, sums_over_n, "--", label='reduction="sum" / N')
ax.axhline(F.cross_entropy(logits, labels).item(), color="gray", lw=0.8, label="no weight")
ax.set_title("Weighted cross-entropy of the lecture example")
ax.set_xlabel("weight of class 2 (classes 0 and 1 weigh 1)")
ax.set_ylabel("loss")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# The limits of the weighted mean are the plain means of the two groups of examples.
others, class2 = labels != 2, labels == 2
print("mean loss of classes 0 and 1:", F.cross_entropy(logits[others], labels[others]))
print("mean loss of class 2:        ", F.cross_entropy(logits[class2], labels[class2]))

# %%
# The page :ref:`class-weights` tells the same story with more explanation.
