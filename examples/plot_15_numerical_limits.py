"""
Numerical limits of exp, softmax and the log
============================================

Where :func:`torch.exp` overflows to ``inf`` and underflows to ``0`` in float64, float32, float16
and bfloat16, found by bisection and drawn as one bar per dtype. Then the two failures this causes:
a naive softmax that returns ``nan``, and a loss written as ``log(softmax)`` whose gradient is
``nan`` where :func:`torch.nn.functional.cross_entropy` is fine.

To run this script on your own machine, install PyTorch and ``xentdocs``
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# ``boundary`` bisects between a value where a test passes and one where it fails, rounding each
# midpoint to the dtype before testing it. It returns the last value of the dtype that passes.
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
DTYPES = [torch.float64, torch.float32, torch.bfloat16, torch.float16]


def boundary(passes, good, bad, dtype):
    for _ in range(200):
        mid = (good + bad) / 2
        if mid in (good, bad):
            break
        if passes(torch.tensor(mid, dtype=dtype)):
            good = mid
        else:
            bad = mid
    return torch.tensor(good, dtype=dtype)


# %%
# For each dtype: the largest ``x`` with a finite ``exp(x)``, the smallest with ``exp(x) > 0``
# (subnormal numbers included), and the smallest whose ``exp(x)`` is still a normal number.
# The check evaluates ``exp`` at the top and at the next representable value above it.
limits = {}
for dtype in DTYPES:
    top = boundary(lambda x: torch.isfinite(torch.exp(x)), 0.0, 1e6, dtype)
    bottom = boundary(lambda x: torch.exp(x) > 0, 0.0, -1e6, dtype)
    normal = boundary(lambda x: torch.exp(x) >= torch.finfo(x.dtype).tiny, 0.0, -1e6, dtype)
    above = torch.nextafter(top, torch.tensor(math.inf, dtype=dtype))
    limits[dtype] = (bottom.item(), normal.item(), top.item())
    print(f"{dtype}: exp(x) is finite up to x = {top.item()}")
    print(f"    one value up: exp({above.item()}) = {torch.exp(above).item()}")
    print(f"    exp(x) > 0 down to x = {bottom.item()}, normal down to x = {normal.item()}")

# %%
# Each bar is the range of ``x`` where ``exp(x)`` is a positive, finite number; the blue part
# is where it is a normal number. The axis is linear near 0 and logarithmic beyond 10.
fig, ax = plt.subplots(figsize=(6, 4))
bottom, normal, top = torch.tensor(list(limits.values()), dtype=torch.float64).T
rows = range(len(limits))
ax.barh(rows, top - bottom, left=bottom, color="tab:orange", label="subnormal")
ax.barh(rows, top - normal, left=normal, color="tab:blue", label="normal")
ax.set_xscale("symlog", linthresh=10)
ax.set_yticks(range(len(limits)), [str(dtype).removeprefix("torch.") for dtype in limits])
ax.set_xlabel("x")
ax.set_title("Where exp(x) is positive and finite, by dtype")
ax.set_xlim(-2000, 2000)
ax.legend(title="exp(x) is", loc="upper left")
fig.tight_layout()

# %%
# The naive softmax (:func:`xentdocs.naive_softmax`) divides ``inf`` by ``inf`` for a logit of 1000.
# :func:`xentdocs.softmax` and :func:`torch.softmax` subtract the largest logit first.
extreme = torch.tensor([1000.0, 0.0, -1000.0])
print("naive:        ", xentdocs.naive_softmax(extreme))
print("xentdocs:     ", xentdocs.softmax(extreme))
print("torch.softmax:", torch.softmax(extreme, dim=0))

# %%
# The lecture's logits scaled by 1000 underflow instead: in most rows every exponential is ``0``,
# and ``0 / 0`` is ``nan``. The log of a stable softmax is ``-inf`` where a probability rounds to
# ``0``; :func:`torch.nn.functional.log_softmax` and :func:`xentdocs.log_softmax` stay finite.
labels, logits = xentdocs.lecture_example()
big_logits = 1000 * logits
print("naive softmax:\n", xentdocs.naive_softmax(big_logits))
print("log(softmax):\n", torch.log(torch.softmax(big_logits, dim=1)))
print("log_softmax:\n", torch.log_softmax(big_logits, dim=1))
print(
    "xentdocs agrees:",
    torch.allclose(xentdocs.log_softmax(big_logits), torch.log_softmax(big_logits, dim=1)),
)


# %%
# The loss written in two steps, ``nll_loss(log(softmax(z)))``, against the fused
# :func:`torch.nn.functional.cross_entropy` and :func:`xentdocs.cross_entropy`, on one float32
# example whose true class has the logit -50. The two-step gradient holds ``inf`` and ``nan``.
def gradients(row, label, dtype=torch.float32):
    target = torch.tensor([label])
    losses = {
        "log(softmax) + nll_loss": lambda z: F.nll_loss(torch.log(torch.softmax(z, dim=1)), target),
        "F.cross_entropy": lambda z: F.cross_entropy(z, target),
        "xentdocs.cross_entropy": lambda z: xentdocs.cross_entropy(z, target),
    }
    for name, loss_fn in losses.items():
        z = torch.tensor([row], dtype=dtype, requires_grad=True)
        loss = loss_fn(z)
        loss.backward()
        print(f"{name:>24}: loss {loss.item():.4f}, grad {z.grad}")


gradients([0.0, 50.0, -50.0], label=2)

# %%
# With logits of plus and minus 100 the two-step gradient is ``nan`` even for a correct prediction
# with a loss of 0, because the probability of class 2 is exactly ``0`` and ``log`` divides by it.
gradients([0.0, 100.0, -100.0], label=1)

# %%
# The page :ref:`numerical-limits` tells the same story with more explanation.
