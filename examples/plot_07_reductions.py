"""
Reduction modes
===============

``reduction="none"``, ``"mean"`` and ``"sum"`` on the lecture's example, in PyTorch and in
``xentdocs``. You will see that the mean and the sum are the mean and the sum of the
per-example losses, and why ``"mean"`` is the default: the gradient of ``"sum"`` grows with the
batch size, the gradient of ``"mean"`` does not. Two plots show both.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture's labels and logits.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
num_examples = len(labels)

# %%
# The three reductions, in PyTorch and in ``xentdocs``.
losses = {}
for reduction in ["none", "mean", "sum"]:
    losses[reduction] = F.cross_entropy(logits, labels, reduction=reduction)
    ours = xentdocs.cross_entropy(logits, labels, reduction=reduction)
    print(f"{reduction:>4}, torch:   ", losses[reduction])
    print(f"{reduction:>4}, xentdocs:", ours)

# %%
# ``"mean"`` is the mean of the per-example losses, ``"sum"`` their sum.
per_example = losses["none"]
mean_ok = torch.allclose(losses["mean"], per_example.mean())
sum_ok = torch.allclose(losses["sum"], per_example.sum())
scaled_ok = torch.allclose(losses["sum"], num_examples * losses["mean"])
print("mean == per_example.mean():", mean_ok)
print("sum == per_example.sum():  ", sum_ok)
print("sum == num_examples * mean:", scaled_ok)

# %%
# The per-example losses as bars, and the mean as a line across them. The sum is in the
# title: it would not fit on the same scale.
positions = range(num_examples)
tick_labels = [f"example {i + 1}\nlabel {y}" for i, y in enumerate(labels.tolist())]
mean_label = f'"mean": {losses["mean"]:.4f}'

fig, ax = plt.subplots(figsize=(6, 4))
ax.bar(positions, per_example, color="C0", label='"none"')
ax.axhline(losses["mean"], color="C1", linestyle="--", label=mean_label)
ax.set_xticks(positions, tick_labels)
ax.set_ylim(0, 1.35 * per_example.max())
ax.set_ylabel("cross-entropy loss")
ax.set_title(f'Per-example losses; "sum" gives {losses["sum"]:.4f}')
ax.legend(loc="upper left", ncols=2)
fig.tight_layout()


# %%
# A bias ``b``, one number per class, added to every row of logits: the simplest weight a
# model shares across examples. It starts at zero, so the logits stay the lecture's. We
# repeat the lecture batch ``k`` times and measure the size of the gradient with respect to
# ``b`` under each reduction.
def bias_grad_norm(k, reduction):
    batch_logits = torch.cat([logits] * k)
    batch_labels = torch.cat([labels] * k)
    bias = torch.zeros(logits.shape[1], requires_grad=True)
    shifted = batch_logits + bias
    loss = F.cross_entropy(shifted, batch_labels, reduction=reduction)
    (grad,) = torch.autograd.grad(loss, bias)
    return torch.linalg.vector_norm(grad).item()


repeats = [1, 2, 4, 8, 16]
batch_sizes = [k * num_examples for k in repeats]
grad_sums = [bias_grad_norm(k, "sum") for k in repeats]
grad_means = [bias_grad_norm(k, "mean") for k in repeats]
table = zip(batch_sizes, grad_sums, grad_means, strict=True)
print(f"{'batch size':>10} {'|grad| sum':>11} {'|grad| mean':>12}")
for batch_size, grad_sum, grad_mean in table:
    print(f"{batch_size:>10} {grad_sum:>11.4f} {grad_mean:>12.4f}")

# %%
# Under ``"sum"`` the gradient grows in proportion to the batch size, and so would every
# step taken with a fixed learning rate. Under ``"mean"`` it stays flat.
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(batch_sizes, grad_sums, marker="o", label='reduction="sum"')
ax.plot(batch_sizes, grad_means, marker="o", label='reduction="mean"')
ax.set_xticks(batch_sizes)
ax.set_title("Size of the bias gradient against the batch size")
ax.set_xlabel("batch size (copies of the lecture batch)")
ax.set_ylabel("gradient norm")
ax.legend()
fig.tight_layout()

# %%
# The page :ref:`reductions` tells the same story with more explanation.
