"""
One-hot encoding
================

The lecture's labels turned into one-hot rows: with ``scatter_`` as in the lecture, with
:func:`xentdocs.one_hot` and with :func:`torch.nn.functional.one_hot`. You will see the rows
drawn as a grid, the way back to the labels, and what each function says about labels that do not
start at 0.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The labels of the worked example: four examples, three classes.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

labels, logits = xentdocs.lecture_example()
num_examples, num_classes = logits.shape
labels

# %%
# The lecture's one-hot. ``labels.view(-1, 1)`` is a column with one label per row: the index
# tensor that ``scatter_`` receives.
index = labels.view(-1, 1).long()
index

# %%
# ``scatter_(1, index, 1)`` starts from zeros and writes a 1 in row ``i``, column ``index[i, 0]``.
one_hot_targets = torch.zeros(num_examples, num_classes).scatter_(1, index, 1)
one_hot_targets

# %%
# :func:`xentdocs.one_hot` gives the same float rows. PyTorch's
# :func:`torch.nn.functional.one_hot` gives them as int64.
print("xentdocs.one_hot:", torch.equal(xentdocs.one_hot(labels), one_hot_targets))
print("F.one_hot dtype: ", F.one_hot(labels).dtype)
print("F.one_hot equal: ", torch.equal(F.one_hot(labels).float(), one_hot_targets))

# %%
# Each row has one filled cell, in the column of its label.
fig, ax = plt.subplots(figsize=(6, 4))
ax.imshow(one_hot_targets, cmap="Blues", vmin=0, vmax=1)
for i in range(num_examples):
    for j in range(num_classes):
        ax.text(j, i, f"{one_hot_targets[i, j]:.0f}", ha="center", va="center")
ax.set_xticks(range(num_classes))
ax.set_yticks(range(num_examples), [f"example {i} (label {y})" for i, y in enumerate(labels)])
ax.set_xlabel("class (column)")
ax.set_title("One-hot rows of the lecture's labels")
fig.tight_layout()

# %%
# Argmax along the columns finds the one in each row: the labels come back.
print(torch.argmax(one_hot_targets, dim=1))
print(xentdocs.labels_from_one_hot(one_hot_targets))

# %%
# Labels must start at 0. Counted from 1, the same labels give PyTorch an extra column 0 that no
# example uses, without any error.
labels_from_one = labels + 1
F.one_hot(labels_from_one)

# %%
# With ``num_classes=3`` every function refuses. Only :func:`xentdocs.one_hot` says which label
# is wrong and what it expected.
try:
    F.one_hot(labels_from_one, num_classes=3)
except RuntimeError as err:
    print("F.one_hot:", err)
try:
    torch.zeros(4, 3).scatter_(1, labels_from_one.view(-1, 1), 1)
except RuntimeError as err:
    print("scatter_: ", err)
try:
    xentdocs.one_hot(labels_from_one, num_classes=3)
except ValueError as err:
    print("xentdocs: ", err)

# %%
# A negative label is refused the same way.
negative_labels = torch.tensor([0, -1, 2, 2])
try:
    F.one_hot(negative_labels, num_classes=3)
except RuntimeError as err:
    print("F.one_hot:", err)
try:
    xentdocs.one_hot(negative_labels, num_classes=3)
except ValueError as err:
    print("xentdocs: ", err)

# %%
# The book's page :ref:`one-hot` explains each step.
