"""
Cross-entropy by hand
=====================

The lecture's per-example cross-entropy, computed from the probabilities and the one-hot rows with
:func:`xentdocs.cross_entropy_from_probas` and with plain PyTorch. You will see that the one-hot
rows select one log-probability per row, and the curve of the loss :math:`-\\log p` against the
probability :math:`p` of the true class, with the lecture's four examples on it.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# Probabilities from the logits, one-hot rows from the labels.
import matplotlib.pyplot as plt
import torch

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
probas = xentdocs.softmax(logits)
one_hot_targets = xentdocs.one_hot(labels)
probas

# %%
# The inner sum, over the classes: one loss per example, with xentdocs and with the lecture's
# line of PyTorch.
losses = xentdocs.cross_entropy_from_probas(probas, one_hot_targets)
losses_torch = -torch.sum(torch.log(probas) * one_hot_targets, dim=1)
print("xentdocs:", losses)
print("torch:   ", losses_torch)

# %%
# The product before the sum keeps one log-probability per row, that of the true class; the
# rest are zeros (printed ``-0.``).
torch.log(probas) * one_hot_targets

# %%
# So each loss is minus the log of the true class's probability, which ``gather`` reads out.
true_class_probas = probas.gather(1, labels.view(-1, 1)).squeeze(1)
print("p of true class:", true_class_probas)
print("-log p:         ", -torch.log(true_class_probas))

# %%
# A correct prediction still has a loss above zero: its true class gets less than all of the
# probability.
predictions = xentdocs.predict_labels(probas)
for i in range(len(labels)):
    verdict = "correct" if predictions[i] == labels[i] else "wrong"
    print(f"example {i}: p = {true_class_probas[i]:.4f}, loss = {losses[i]:.4f} ({verdict})")

# %%
# The loss of one example as a function of the probability of its true class. It is zero at
# ``p = 1`` and grows without bound as ``p`` goes to 0. The lecture's examples all sit close
# together on the curve; the inset magnifies that stretch.
p = torch.linspace(0.01, 1, 200)
correct = predictions == labels
marks = [
    (correct, {"color": "tab:blue", "label": "correct prediction"}),
    (~correct, {"color": "tab:red", "marker": "X", "s": 80, "label": "wrong prediction"}),
]
fig, ax = plt.subplots(figsize=(6, 4))
inset = ax.inset_axes([0.45, 0.42, 0.52, 0.52])
for axes in (ax, inset):
    axes.plot(p, -torch.log(p), color="gray", label=r"$-\log p$")
    for mask, style in marks:
        axes.scatter(true_class_probas[mask], losses[mask], zorder=3, **style)
for i in range(len(labels)):
    point = (true_class_probas[i], losses[i])
    inset.annotate(f"example {i}", point, xytext=(6, 4), textcoords="offset points", fontsize=8)
inset.set_xlim(true_class_probas.min() - 0.02, true_class_probas.max() + 0.05)
inset.set_ylim(losses.min() - 0.05, losses.max() + 0.05)
inset.tick_params(labelsize=7)
ax.indicate_inset_zoom(inset, edgecolor="black")
ax.set_xlim(0, 1.02)
ax.set_ylim(0, 3)
ax.set_xlabel("probability of the true class, p")
ax.set_ylabel("loss of the example, -log p")
ax.set_title("Cross-entropy of one example")
ax.legend(loc="lower left", fontsize=8)
fig.tight_layout()

# %%
# The outer sum: the mean over the examples is the loss of the batch. PyTorch gets it from the
# logits with :func:`torch.nn.functional.cross_entropy`.
print("mean of losses:", losses.mean())
print("F.cross_entropy:", torch.nn.functional.cross_entropy(logits, labels))

# %%
# The book's page :ref:`cross-entropy-by-hand` explains each step; :ref:`argmax` and
# :ref:`softmax` come before it.
