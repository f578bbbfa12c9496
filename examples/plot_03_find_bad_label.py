r"""
Finding the label that is out of range
======================================

A label outside ``0 .. C-1`` stops the loss with an error that does not say which example holds
it. Here you see what PyTorch and ``xentdocs`` report, a one-line check that finds every bad
position before the loss runs, and the two usual repairs.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# A batch with two bad labels
# ---------------------------
# Five classes, so the labels must lie from 0 to 4. Two of them do not: a 5, as a data set whose
# classes are numbered from 1 gives, and a -1, a common code for "unknown".
import torch
import torch.nn.functional as F

import xentdocs

torch.manual_seed(0)
num_classes = 5
labels = torch.tensor([0, 4, 2, 5, 1, -1, 3, 2])
logits = torch.randn(len(labels), num_classes)
print("labels:", labels.tolist())

# %%
# What PyTorch says
# -----------------
# On the CPU, :func:`torch.nn.functional.cross_entropy` raises an :class:`IndexError` that names
# a bad value, but not its position, and not the other bad values.
try:
    F.cross_entropy(logits, labels)
except IndexError as error:
    print("IndexError:", error)

# %%
# What xentdocs says
# ------------------
# :func:`xentdocs.cross_entropy` checks its input first, and its :class:`ValueError` says what
# was expected, and which bad label it met at which position (one of them, again).
try:
    xentdocs.cross_entropy(logits, labels)
except ValueError as error:
    print("ValueError:", error)

# %%
# Find every bad label
# --------------------
# One comparison finds them all. Leave out ``ignore_index`` (-100 by default): it is out of range
# on purpose. Run this on the labels of the whole data set once, before training.
ignore_index = -100
is_bad = ((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)
positions = is_bad.nonzero().flatten()
print("bad positions:", positions.tolist())
print("their labels: ", labels[positions].tolist())
print("labels range from", labels.min().item(), "to", labels.max().item())


# %%
# The same test as a guard to put in front of the loss, with a message that names the positions:
def check_labels(labels: torch.Tensor, num_classes: int, ignore_index: int = -100) -> None:
    is_bad = ((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)
    if is_bad.any():
        positions = is_bad.nonzero().flatten()
        raise ValueError(
            f"labels must be from 0 to {num_classes - 1} or {ignore_index}; positions"
            f" {positions.tolist()} hold {labels[positions].tolist()}"
        )


try:
    check_labels(labels, num_classes)
except ValueError as error:
    print("ValueError:", error)

# %%
# Two usual repairs
# -----------------
# Which repair is right depends on where the bad labels come from. Labels numbered from 1 are
# shifted down by one; a label that means "unknown" becomes ``ignore_index``, so that example
# adds nothing to the loss. Here the 5 is taken as class 4 and the -1 as unknown; in a data set
# that counts from 1 throughout, subtract 1 from every label instead.
repaired = labels.clone()
repaired[repaired == 5] = 4
repaired[repaired == -1] = ignore_index
check_labels(repaired, num_classes)
print("repaired labels:", repaired.tolist())
print("F.cross_entropy:       ", F.cross_entropy(logits, repaired))
print("xentdocs.cross_entropy:", xentdocs.cross_entropy(logits, repaired))

# %%
# On a GPU
# --------
# On a CUDA device the same mistake fails in another way, and not always at the line that made
# it: the page :ref:`on-a-gpu` explains why, and shows what a GPU raised where a run has been
# recorded. Either way, the check above, run on the labels before they go to the GPU, names the
# bad label.

# %%
# Where next
# ----------
# The page :ref:`common-mistakes` lists this mistake with the others, and :ref:`ignore-index`
# explains the labels that are skipped on purpose. The functions used here:
# :func:`torch.nn.functional.cross_entropy`, :func:`xentdocs.cross_entropy` and
# :meth:`torch.Tensor.nonzero`.
