"""
The gradient of cross-entropy
=============================

The gradient of cross-entropy with respect to the logits is the softmax probabilities minus the
one-hot targets, divided by the number of examples under ``reduction="mean"``. You will see that
formula next to what autograd computes for :func:`torch.nn.functional.cross_entropy` and
:func:`xentdocs.cross_entropy`, and a plot of one example's gradient as its true-class logit grows.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture example, with ``requires_grad`` on the logits so autograd tracks them.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
logits.requires_grad_(True)
num_examples, num_classes = logits.shape

# %%
# The formula: softmax minus one-hot, divided by the number of examples.
probas = xentdocs.softmax(logits).detach()
targets = xentdocs.one_hot(labels, num_classes=num_classes)
by_formula = (probas - targets) / num_examples
by_formula

# %%
# Autograd's gradient of the mean loss, for PyTorch's function and for ours.
(torch_grad,) = torch.autograd.grad(F.cross_entropy(logits, labels), logits)
(xentdocs_grad,) = torch.autograd.grad(xentdocs.cross_entropy(logits, labels), logits)
print("torch:\n", torch_grad)
print("largest difference to the formula:", (torch_grad - by_formula).abs().max().item())
print("torch.allclose(formula, torch):   ", torch.allclose(by_formula, torch_grad))
print("torch.allclose(formula, xentdocs):", torch.allclose(by_formula, xentdocs_grad))

# %%
# Under ``reduction="sum"`` nothing is divided by the number of examples.
(sum_grad,) = torch.autograd.grad(F.cross_entropy(logits, labels, reduction="sum"), logits)
print("largest difference to the formula:", (sum_grad - (probas - targets)).abs().max().item())
print("torch.allclose(formula, torch):", torch.allclose(probas - targets, sum_grad))

# %%
# With class weights, each row is scaled by the weight of its target and divided by the sum of
# the target weights in the batch.
weight = torch.tensor([1.0, 2.0, 3.0])
target_weights = weight[labels].view(-1, 1)
weighted_formula = target_weights * (probas - targets) / target_weights.sum()
(weighted_grad,) = torch.autograd.grad(F.cross_entropy(logits, labels, weight=weight), logits)
print("largest difference to the formula:", (weighted_grad - weighted_formula).abs().max().item())
print("torch.allclose(formula, torch):", torch.allclose(weighted_formula, weighted_grad))

# %%
# One example of three classes, true class 0, with logits ``[t, 1, -1]``. As ``t`` grows the model
# grows sure of class 0: the gradient of the true class rises from -1 towards 0, the other two
# fall towards 0, and at every ``t`` the three add up to zero. Lines are autograd, dots the formula.
t = torch.linspace(-6, 6, 49)
rows = torch.stack([t, torch.ones_like(t), -torch.ones_like(t)], dim=1).requires_grad_(True)
row_labels = torch.zeros(len(t), dtype=torch.int64)
(row_grads,) = torch.autograd.grad(F.cross_entropy(rows, row_labels, reduction="sum"), rows)
formula = torch.softmax(rows, dim=1).detach() - xentdocs.one_hot(row_labels, num_classes=3)

fig, ax = plt.subplots(figsize=(6, 4))
for k in range(3):
    ax.plot(t, row_grads[:, k], label=f"class {k}" + (" (true)" if k == 0 else ""))
    ax.plot(t[::4], formula[::4, k], "o", color=f"C{k}", markersize=4)
ax.axhline(0, color="grey", linewidth=0.5)
ax.set_xlabel("logit t of the true class (the others are 1 and -1)")
ax.set_ylabel("d loss / d logit")
ax.set_title("Gradient of cross-entropy: softmax minus one-hot")
ax.legend()
fig.tight_layout()

# %%
# The page :ref:`gradient` derives the gradient step by step.
