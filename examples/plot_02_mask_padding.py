r"""
Masking padding in a batch of sequences
=======================================

Compute a language model's loss on a padded batch of token sequences so that the padding counts
for nothing: targets set to ``ignore_index`` at the pad positions, logits of shape ``(N, S, V)``
put in the order cross-entropy expects, and a check that the loss is the mean over the real
tokens only.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# A padded batch
# --------------
# Three sequences of lengths 6, 4 and 3 from a vocabulary of ``V = 10`` token ids, padded to a
# common length with the pad id 0. At each position a language model predicts the next token,
# so the inputs drop the last column and the targets the first.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

pad_id = 0
vocab_size = 10
tokens = torch.tensor(
    [
        [4, 7, 1, 9, 3, 5],
        [2, 8, 6, 3, 0, 0],
        [5, 1, 4, 0, 0, 0],
    ]
)
inputs, targets = tokens[:, :-1], tokens[:, 1:]
print(f"inputs:\n{inputs}")
print(f"targets:\n{targets}")

# %%
# Mark the padding
# ----------------
# Every target that is padding becomes ``-100``, the default ``ignore_index`` of
# :func:`torch.nn.functional.cross_entropy`. No real token here has the id 0, so every 0 is
# padding; where the pad id is also a real token, build the mask from the sequences' lengths. ``masked_fill`` (not ``masked_fill_``) leaves
# ``tokens`` as it was: ``targets`` is a view of it.
targets = targets.masked_fill(targets == pad_id, -100)
is_real = targets != -100
print(f"targets with padding ignored:\n{targets}")
print("real tokens per sequence:", is_real.sum(dim=1).tolist())

# %%
# The logits
# ----------
# A model gives one row of ``V`` logits per position: shape ``(N, S, V)``, with ``S`` positions. Random numbers stand in
# for it here.
torch.manual_seed(0)
num_sequences, num_positions = targets.shape
logits = torch.randn(num_sequences, num_positions, vocab_size)
print("logits:", tuple(logits.shape), "targets:", tuple(targets.shape))

# %%
# Cross-entropy expects the classes in dimension 1, ``(N, V, S)``. Passed ``(N, S, V)`` as it is,
# the logits are read as ``S`` classes at ``V`` positions, and the shapes clash:
try:
    F.cross_entropy(logits, targets)
except RuntimeError as error:
    print("RuntimeError:", error)

# %%
# Either move the vocabulary to dimension 1, or flatten the batch into one row per token. Both
# give the same loss.
loss_moved = F.cross_entropy(logits.permute(0, 2, 1), targets)
loss_flat = F.cross_entropy(logits.reshape(-1, vocab_size), targets.reshape(-1))
print("(N, V, S):          ", loss_moved)
print("(N * S, V):         ", loss_flat)
print("xentdocs, (N, V, S):", xentdocs.cross_entropy(logits.permute(0, 2, 1), targets))

# %%
# Check the mask
# --------------
# With ``reduction="none"`` the ignored positions get a loss of 0. The mean divides by the number
# of real tokens, so it equals the mean of the losses at the real positions alone.
losses = F.cross_entropy(logits.permute(0, 2, 1), targets, reduction="none")
print(f"losses per position:\n{losses}")
print("real tokens:", is_real.sum().item(), "of", targets.numel())
print("mean over the real tokens:", losses[is_real].mean())
print("cross_entropy's mean:     ", loss_moved)
torch.testing.assert_close(loss_moved, losses[is_real].mean())

# %%
# The mask as a picture: a loss per real position, nothing where the padding was.
fig, ax = plt.subplots(figsize=(5, 2), layout="constrained")
image = ax.imshow(losses.masked_fill(~is_real, float("nan")), cmap="viridis")
ax.set_xticks(range(num_positions))
ax.set_yticks(range(num_sequences))
ax.set_xlabel("position")
ax.set_ylabel("sequence")
fig.colorbar(image, ax=ax, label="loss")
ax.set_title("Loss per real token; padding left blank")
plt.show()

# %%
# Per token or per sequence?
# --------------------------
# The mean over tokens gives a long sequence more say than a short one. If each sequence should
# count the same, average within each sequence first, then over the sequences.
per_sequence = losses.sum(dim=1) / is_real.sum(dim=1)
print("mean per sequence:", per_sequence)
print("mean of those:    ", per_sequence.mean())
print("mean per token:   ", loss_moved)

# %%
# Where next
# ----------
# The page :ref:`ignore-index` explains ``ignore_index`` and what the mean divides by, and
# :ref:`more-dimensions` the ``(N, C, d)`` layout. The functions used here:
# :func:`torch.nn.functional.cross_entropy`, :func:`xentdocs.cross_entropy` and
# :meth:`torch.Tensor.permute`.
