"""
Softmax
=======

The lecture's logits turned into probabilities, by hand, with the lecture's transposed formula,
with :func:`xentdocs.softmax` and with :func:`torch.softmax`. You will see which dimension sums to
one, what ``dim=0`` does instead, and the probabilities of each example as bars.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The logits of the worked example: one row per example, one column per class.
import matplotlib.pyplot as plt
import torch

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
logits

# %%
# By hand: exponentiate, then divide each row by its own sum.
exps = torch.exp(logits)
probas = exps / exps.sum(dim=1, keepdim=True)
probas

# %%
# The lecture's formula works on the transpose. Inside it, each column is one example and the
# columns sum to one; after the final ``.t()`` each row is one example and the rows sum to one.
z = logits
inner = torch.exp(z.t()) / torch.sum(torch.exp(z), dim=1)
print("inside, columns sum to:", inner.sum(dim=0))
print("result, rows sum to:   ", inner.t().sum(dim=1))
print("result, columns sum to:", inner.t().sum(dim=0))

# %%
# :func:`xentdocs.lecture_softmax`, :func:`xentdocs.softmax` and :func:`torch.softmax` with
# ``dim=1`` all give the hand-written probabilities.
print("lecture_softmax:", torch.allclose(xentdocs.lecture_softmax(logits), probas))
print("xentdocs.softmax:", torch.allclose(xentdocs.softmax(logits), probas))
print("torch.softmax:  ", torch.allclose(torch.softmax(logits, dim=1), probas))

# %%
# With ``dim=0`` PyTorch normalizes the columns instead: each class is shared out over the
# examples. The rows are no longer probability distributions.
wrong = torch.softmax(logits, dim=0)
print("dim=0, rows sum to:   ", wrong.sum(dim=1))
print("dim=0, columns sum to:", wrong.sum(dim=0))

# %%
# One panel per example, one bar per class; the dark bar is the true class. Where the dark bar
# is not the tallest, the model predicts a wrong class.
num_examples, num_classes = probas.shape
fig, axes = plt.subplots(1, num_examples, figsize=(8, 3), sharey=True)
for i, ax in enumerate(axes):
    colors = ["tab:blue" if j == labels[i] else "lightgray" for j in range(num_classes)]
    ax.bar(range(num_classes), probas[i], color=colors)
    for j in range(num_classes):
        ax.text(j, probas[i, j], f"{probas[i, j]:.2f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(num_classes))
    ax.set_title(f"example {i}, label {labels[i].item()}", fontsize=10)
    ax.set_xlabel("class")
axes[0].set_ylabel("probability")
axes[0].set_ylim(0, 1.25 * probas.max().item())
fig.suptitle("Softmax of each example (dark bar: true class)")
fig.tight_layout()

# %%
# The book's page :ref:`softmax` explains each step.
