"""
Ignored targets and padding
===========================

Targets equal to ``ignore_index`` (``-100`` by default) leave both the sum and the count of the
mean. You will see the lecture example with one target ignored, a batch with every target ignored
(``nan`` under ``mean``), a safe average, and a plot of the loss while padding is added.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture example with the second target replaced by ``-100``.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
targets = torch.tensor([0, -100, 2, 2])

# %%
# The ignored example has a loss of 0 and is not counted: the mean is the mean over the kept rows.
kept = targets != -100
print("torch, none:         ", F.cross_entropy(logits, targets, reduction="none"))
print("torch, mean:         ", F.cross_entropy(logits, targets))
print("xentdocs, mean:      ", xentdocs.cross_entropy(logits, targets))
print("kept rows only:      ", F.cross_entropy(logits[kept], targets[kept]))
print("mean of none, wrong: ", F.cross_entropy(logits, targets, reduction="none").mean())

# %%
# When every target is ignored, ``mean`` is 0 / 0.
all_ignored = torch.full_like(labels, -100)
print("torch, mean:   ", F.cross_entropy(logits, all_ignored))
print("xentdocs, mean:", xentdocs.cross_entropy(logits, all_ignored))
print("torch, sum:    ", F.cross_entropy(logits, all_ignored, reduction="sum"))


# %%
# The fix: divide the sum by the number of kept targets, and never by less than 1.
def mean_over_kept(logits, targets, ignore_index=-100):
    num_kept = (targets != ignore_index).sum()
    total = F.cross_entropy(logits, targets, ignore_index=ignore_index, reduction="sum")
    return total / num_kept.clamp(min=1)


print("some kept:", mean_over_kept(logits, targets))
print("none kept:", mean_over_kept(logits, all_ignored))

# %%
# Padding: append rows whose target is ``-100`` to the lecture example, as a batch of sequences
# pads its short ones. The padding logits are random; they do not matter. PyTorch's mean stays
# the lecture's loss, while the mean of the ``reduction="none"`` losses shrinks with every row
# of padding, because each counts as a loss of 0.
torch.manual_seed(0)
num_padding = range(13)
torch_means, none_means = [], []
for k in num_padding:
    padded_logits = torch.cat([logits, torch.randn(k, 3)])
    padded_targets = torch.cat([labels, torch.full((k,), -100)])
    torch_means.append(F.cross_entropy(padded_logits, padded_targets).item())
    losses = F.cross_entropy(padded_logits, padded_targets, reduction="none")
    none_means.append(losses.mean().item())

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(num_padding, torch_means, "o-", label='reduction="mean" (padding ignored)')
ax.plot(num_padding, none_means, "s--", label='reduction="none", then .mean()')
ax.set_title("Lecture example plus padding rows (target -100)")
ax.set_xlabel("number of padding rows")
ax.set_ylabel("loss")
ax.set_ylim(bottom=0)
ax.legend()
fig.tight_layout()

# %%
# The two curves start at the same value, the lecture's mean loss.
print("lecture loss:", F.cross_entropy(logits, labels))

# %%
# The page :ref:`ignore-index` tells the same story with more explanation.
