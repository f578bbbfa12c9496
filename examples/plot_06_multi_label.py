r"""
Multi-label targets with binary cross-entropy
=============================================

When an example can belong to several classes at once (a photo with a dog *and* a cat), each class
is its own yes-or-no question. Here you build 0/1 targets of shape ``(N, C)``, compute
:func:`torch.nn.functional.binary_cross_entropy_with_logits`, weigh the rare labels with a
``pos_weight`` from the label counts, and check both losses against a sigmoid and the formula
written by hand.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# Targets: one 0/1 column per class
# ---------------------------------
# A stand-in training set of 200 examples and 4 labels, some common and some rare. The targets
# must be floating-point, even though they hold only 0 and 1; keep them in the logits' dtype.
import torch
import torch.nn.functional as F

torch.manual_seed(0)
num_examples, num_classes = 200, 4
label_rates = torch.tensor([0.5, 0.3, 0.1, 0.03])
targets = torch.bernoulli(label_rates.expand(num_examples, num_classes))
print("targets:", tuple(targets.shape), targets.dtype)
print(f"first four rows:\n{targets[:4]}")
print("labels per example, first ten:", targets.sum(dim=1)[:10].int().tolist())

# %%
# The loss
# --------
# One logit per class; random numbers stand in for a model's output. The default mean is over all
# ``N * C`` entries.
logits = torch.randn(num_examples, num_classes)
loss = F.binary_cross_entropy_with_logits(logits, targets)
print("binary_cross_entropy_with_logits:", loss)

# %%
# Integer targets, as they often come from a data set, are refused:
try:
    F.binary_cross_entropy_with_logits(logits, targets.long())
except RuntimeError as error:
    print("RuntimeError:", error)

# %%
# A float target of another dtype is taken, but the loss then comes out in the target's dtype,
# not the logits': float16 targets give a float16 loss, with float16's few digits.
for dtype in (torch.float16, torch.float64):
    other_loss = F.binary_cross_entropy_with_logits(logits, targets.to(dtype))
    print(f"{dtype!s:14} targets: loss {other_loss.item():.6f}, dtype {other_loss.dtype}")
assert F.binary_cross_entropy_with_logits(logits, targets.half()).dtype == torch.float16

# %%
# The same by hand: each logit goes through a sigmoid, independently of the others, and each
# entry costs :math:`-[t \log p + (1 - t) \log (1 - p)]`. :func:`torch.nn.functional.logsigmoid`
# gives both logarithms without rounding :math:`p` to 0 or 1 first
# (:math:`\log(1 - \sigma(z)) = \log \sigma(-z)`).
log_probas = F.logsigmoid(logits)
log_one_minus_probas = F.logsigmoid(-logits)
by_hand = -(targets * log_probas + (1 - targets) * log_one_minus_probas).mean()
print("binary_cross_entropy_with_logits:", loss)
print("by hand:                         ", by_hand)
torch.testing.assert_close(loss, by_hand)

# %%
# The probabilities of one example need not add up to 1: each is a separate question.
probas = torch.sigmoid(logits)
print("probabilities of example 0:", probas[0])
print("their sum:", probas[0].sum())

# %%
# pos_weight from the label counts
# --------------------------------
# A rare label is mostly 0, and a model that always says "no" scores well on it. ``pos_weight``
# multiplies the loss of the positive entries of each class; the usual choice is the number of
# negatives over the number of positives, counted over the training set.
positives = targets.sum(dim=0)
negatives = num_examples - positives
pos_weight = negatives / positives.clamp(min=1)
print("positives per class:", positives.int().tolist())
print("pos_weight:", pos_weight)

# %%
# With ``pos_weight`` the positive term of each entry is multiplied by its class's weight.
weighted_loss = F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pos_weight)
weighted_by_hand = -(
    pos_weight * targets * log_probas + (1 - targets) * log_one_minus_probas
).mean()
print("with pos_weight:", weighted_loss)
print("by hand:        ", weighted_by_hand)
torch.testing.assert_close(weighted_loss, weighted_by_hand)

# %%
# Predictions
# -----------
# Each class is predicted on its own, where its probability passes a threshold (here a half, the
# same as a logit above 0), not by an argmax: an example can get no label, or several.
predictions = (logits > 0).long()
print(f"predicted labels, first four rows:\n{predictions[:4]}")
print(f"true labels, first four rows:\n{targets[:4].long()}")

# %%
# Where next
# ----------
# The page :ref:`binary-and-multi-label` explains binary cross-entropy and how it relates to
# softmax cross-entropy. The functions used here:
# :func:`torch.nn.functional.binary_cross_entropy_with_logits`,
# :func:`torch.nn.functional.logsigmoid` and :func:`torch.sigmoid`.
