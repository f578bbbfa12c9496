"""
The worked example
==================

The lecture's labels and logits, the example every page and script of this site uses. You will see
the two tensors, their shapes, and the row of logits that belongs to each label.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# :func:`xentdocs.lecture_example` returns the labels and the logits as a pair of tensors.
import torch

import xentdocs

labels, logits = xentdocs.lecture_example()
labels

# %%
# One row of logits per training example, one column per class.
logits

# %%
# The shapes say the same: four labels, and a matrix of four rows by three columns.
print("labels:", tuple(labels.shape), labels.dtype)
print("logits:", tuple(logits.shape), logits.dtype)

# %%
# Each label picks the column of its class in its own row. :func:`torch.gather` reads those
# logits out: the logit of the true class for every example.
logits.gather(1, labels.view(-1, 1)).squeeze(1)

# %%
# Every other page builds on these tensors: :func:`xentdocs.one_hot` encodes the labels and
# :func:`xentdocs.softmax` turns each row of logits into probabilities.
torch.set_printoptions(precision=4)
xentdocs.softmax(logits)

# %%
# The page :ref:`lecture-example` introduces this example.
