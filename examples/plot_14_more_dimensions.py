"""
One label per pixel
===================

For segmentation, :func:`torch.nn.functional.cross_entropy` takes logits of shape ``(N, C, H, W)``
and labels of shape ``(N, H, W)``: the classes in dimension 1. You will see a tiny seeded example
computed by PyTorch and ``xentdocs``, its per-pixel losses as an image, and what a channels-last
``(N, H, W, C)`` input does: an error, or a silently wrong loss when the shapes happen to fit.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# Two images of 4 by 4 pixels, three classes.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
torch.manual_seed(0)
num_classes = 3
seg_logits = torch.randn(2, num_classes, 4, 4)
seg_labels = torch.randint(0, num_classes, (2, 4, 4))
print("torch:   ", F.cross_entropy(seg_logits, seg_labels))
print("xentdocs:", xentdocs.cross_entropy(seg_logits, seg_labels))

# %%
# ``reduction="none"`` returns one loss per pixel, shape ``(N, H, W)``. Next to the labels of the
# first image, the pixels whose label got a small logit stand out.
pixel_losses = F.cross_entropy(seg_logits, seg_labels, reduction="none")
fig, (ax_labels, ax_losses) = plt.subplots(1, 2, figsize=(7, 3.2), layout="constrained")
shown_labels = ax_labels.imshow(seg_labels[0], cmap="viridis", vmin=0, vmax=num_classes - 1)
ax_labels.set_title("labels, image 0")
fig.colorbar(shown_labels, ax=ax_labels, label="class", ticks=range(num_classes))
shown_losses = ax_losses.imshow(pixel_losses[0], cmap="magma")
ax_losses.set_title("loss per pixel, image 0")
fig.colorbar(shown_losses, ax=ax_losses, label="loss")
for ax in (ax_labels, ax_losses):
    ax.set_xticks(range(4))
    ax.set_yticks(range(4))
    ax.set_xlabel("column")
    ax.set_ylabel("row")

# %%
# The mean over all pixels is the loss of one big ``(N * H * W, C)`` batch, once the classes have
# been moved last with ``permute`` before flattening.
rows = seg_logits.permute(0, 2, 3, 1).reshape(-1, num_classes)
print("pixels as rows:", F.cross_entropy(rows, seg_labels.reshape(-1)))
print("mean per pixel:", pixel_losses.mean())

# %%
# Channels last, ``(N, H, W, C)``: PyTorch reads the rows of the image as classes. Here the shapes
# do not fit and the call fails.
channels_last = seg_logits.permute(0, 2, 3, 1)
try:
    F.cross_entropy(channels_last, seg_labels)
except RuntimeError as err:
    print("torch:   ", err)
try:
    xentdocs.cross_entropy(channels_last, seg_labels)
except ValueError as err:
    print("xentdocs:", err)

# %%
# With a 3 by 3 image and three classes, they fit, and the wrong layout gives a wrong loss without
# any error. So does flattening the 4 by 4 images with ``reshape`` before moving the classes:
# compare it with the loss in the first cell.
square_logits = torch.randn(2, num_classes, 3, 3)
square_labels = torch.randint(0, num_classes, (2, 3, 3))
print("right layout: ", F.cross_entropy(square_logits, square_labels))
print("channels last:", F.cross_entropy(square_logits.permute(0, 2, 3, 1), square_labels))
wrong_rows = seg_logits.reshape(-1, num_classes)
print("reshape only: ", F.cross_entropy(wrong_rows, seg_labels.reshape(-1)))

# %%
# The fix: move the classes to dimension 1.
print("permute(0, 3, 1, 2):", F.cross_entropy(channels_last.permute(0, 3, 1, 2), seg_labels))
print("movedim(-1, 1):     ", F.cross_entropy(channels_last.movedim(-1, 1), seg_labels))

# %%
# The page :ref:`more-dimensions` tells the same story with more explanation.
