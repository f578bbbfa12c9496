"""
Argmax and ties
===============

From the lecture's probabilities to predicted labels with :func:`torch.argmax` and
:func:`xentdocs.predict_labels`. You will see the predictions next to the true labels, a grid of
the probabilities with each prediction marked, and what argmax does with ties and with NaN.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# Argmax returns the position of the largest value, not the value.
import matplotlib.pyplot as plt
import torch

import xentdocs

torch.set_printoptions(precision=4)
print(torch.argmax(torch.tensor([1, 2, 3, 4])))
print(torch.argmax(torch.tensor([5, 1, 2, 3, 4])))
print(torch.argmax(torch.tensor([5, 1, 2, 3, 5])))

# %%
# The lecture example: argmax along the classes (``dim=1``) gives one label per example.
# Logits and probabilities give the same labels, because softmax keeps the order of each row.
labels, logits = xentdocs.lecture_example()
probas = xentdocs.softmax(logits)
predictions = torch.argmax(probas, dim=1)
print("from probas:", predictions)
print("from logits:", torch.argmax(logits, dim=1))
print("xentdocs:   ", xentdocs.predict_labels(logits))

# %%
# Compare with the true labels. The wrong predictions are listed by index.
print("labels:     ", labels)
print("predictions:", predictions)
print("wrong at:   ", (predictions != labels).nonzero().flatten().tolist())
print("accuracy:   ", (predictions == labels).float().mean().item())

# %%
# The probabilities as a grid: a circle marks the prediction (argmax) of each row, a square the
# true class. Where they sit in different cells, the prediction is wrong.
num_examples, num_classes = probas.shape
fig, ax = plt.subplots(figsize=(5, 4))
image = ax.imshow(probas, cmap="Blues", vmin=0, vmax=1)
for i in range(num_examples):
    for j in range(num_classes):
        ax.text(j, i + 0.3, f"{probas[i, j]:.3f}", ha="center", va="center", fontsize=8)
marks = [
    (predictions, {"marker": "o", "s": 160, "edgecolors": "tab:orange", "label": "prediction"}),
    (labels, {"marker": "s", "s": 300, "edgecolors": "black", "label": "true class"}),
]
for columns, style in marks:
    ax.scatter(columns, range(num_examples), facecolors="none", linewidths=2, **style)
ax.set_xticks(range(num_classes))
ax.set_yticks(range(num_examples))
ax.set_xlabel("class")
ax.set_ylabel("example")
ax.set_title("Probabilities, predictions and true classes")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize=8)
fig.colorbar(image, ax=ax, label="probability")
fig.tight_layout()

# %%
# Ties: the first index wins, in a vector and in every row of a matrix. ``keepdim=True`` keeps
# the class dimension with size 1.
print(torch.argmax(torch.tensor([0.2, 0.7, 0.1, 0.7, 0.7])))
scores = torch.tensor([[0.1, 0.45, 0.45], [0.4, 0.4, 0.2], [1 / 3, 1 / 3, 1 / 3]])
print(torch.argmax(scores, dim=1))
print(torch.argmax(scores, dim=1, keepdim=True))

# %%
# NaN counts as larger than every number: its position wins, the first one if there are several.
nan = float("nan")
print(torch.argmax(torch.tensor([0.2, nan, 0.7])))
print(xentdocs.predict_labels(torch.tensor([[0.2, nan, 0.7, nan]])))

# %%
# The book's page :ref:`argmax` explains each step, and prints what PyTorch documents
# about ties.
