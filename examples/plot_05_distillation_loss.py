r"""
A knowledge-distillation loss
=============================

Train a small student to match a large teacher, as :cite:t:`hinton2015` do: soften both models'
logits by a temperature :math:`T`, take the KL divergence between the two distributions, scale it
by :math:`T^2`, and mix it with the ordinary cross-entropy on the labels. You get the loss as a
function, each of its pieces printed, and why the :math:`T^2` is there.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# Teacher, student and labels
# ---------------------------
# Random logits stand in for the two models' outputs on a batch of 4 examples and 5 classes. The
# teacher's are larger: a confident model. Only the student's logits get a gradient.
import warnings

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.manual_seed(0)
num_examples, num_classes = 4, 5
labels = torch.tensor([1, 0, 4, 2])
teacher_logits = 4 * torch.randn(num_examples, num_classes)
teacher_logits[torch.arange(num_examples), labels] += 4
student_logits = torch.randn(num_examples, num_classes, requires_grad=True)
print("labels:", labels.tolist())

# %%
# Softening with a temperature
# ----------------------------
# Dividing the logits by :math:`T` before the softmax flattens the distribution: at :math:`T = 1`
# the teacher puts almost everything on one class; at :math:`T = 4` the other classes get a
# visible share, and how the teacher ranks them is what the student learns from.
temperature = 4.0
print("teacher, T=1:", xentdocs.softmax(teacher_logits[0]))
print(f"teacher, T={temperature:g}:", xentdocs.softmax(teacher_logits[0] / temperature))

fig, ax = plt.subplots(figsize=(5, 2.5), layout="constrained")
classes = torch.arange(num_classes)
for shift, t in ((-0.2, 1.0), (0.2, temperature)):
    probas = torch.softmax(teacher_logits[0] / t, dim=0)
    ax.bar(classes + shift, probas, width=0.4, label=f"T = {t:g}")
ax.set_xticks(classes, [f"class {j}" for j in range(num_classes)])
ax.set_ylabel("teacher's probability")
ax.set_title(f"Teacher's probabilities, example 0, T = 1 and T = {temperature:g}")
ax.legend()
plt.show()

# %%
# The loss
# --------
# :func:`torch.nn.functional.kl_div` takes the student's log-probabilities first and the teacher's
# second (here as log-probabilities too, with ``log_target=True``). ``reduction="batchmean"``
# divides the sum by the number of examples: the mean of the examples' KL divergences.
# ``alpha`` weighs the soft part against the hard one.


def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    soft = F.kl_div(
        F.log_softmax(student_logits / temperature, dim=1),
        F.log_softmax(teacher_logits / temperature, dim=1),
        reduction="batchmean",
        log_target=True,
    )
    hard = F.cross_entropy(student_logits, labels)
    return alpha * temperature**2 * soft + (1 - alpha) * hard


alpha = 0.5
loss = distillation_loss(student_logits, teacher_logits.detach(), labels, temperature, alpha)
print("distillation loss:", loss)

# %%
# The pieces
# ----------
# The same loss, one piece at a time. The KL divergence is also the cross-entropy against the
# teacher's probabilities minus the teacher's entropy, which does not depend on the student: so
# :func:`xentdocs.cross_entropy` with probability targets could take the place of the KL.
with torch.no_grad():
    student_log_probas = F.log_softmax(student_logits / temperature, dim=1)
    teacher_probas = F.softmax(teacher_logits / temperature, dim=1)
    kl = F.kl_div(student_log_probas, teacher_probas, reduction="batchmean")
    soft_cross_entropy = xentdocs.cross_entropy(student_logits / temperature, teacher_probas)
    teacher_entropy = -(teacher_probas * teacher_probas.log()).sum(dim=1).mean()
    hard = F.cross_entropy(student_logits, labels)

print("KL, batchmean:                      ", kl)
print("soft cross-entropy - teacher entropy:", soft_cross_entropy - teacher_entropy)
print("T^2 * KL:                           ", temperature**2 * kl)
print("hard cross-entropy:                 ", hard)
print("alpha * T^2 * KL + (1 - alpha) * CE:", alpha * temperature**2 * kl + (1 - alpha) * hard)

# %%
# The teacher's entropy does not depend on the student, so the gradients agree too:
kl_for_grad = F.kl_div(
    F.log_softmax(student_logits / temperature, dim=1), teacher_probas, reduction="batchmean"
)
cross_entropy_for_grad = xentdocs.cross_entropy(student_logits / temperature, teacher_probas)
(kl_grad,) = torch.autograd.grad(kl_for_grad, student_logits)
(cross_entropy_grad,) = torch.autograd.grad(cross_entropy_for_grad, student_logits)
print("same gradient:", torch.allclose(kl_grad, cross_entropy_grad))

# %%
# ``reduction="mean"`` is a trap here: it divides by the number of examples times the number of
# classes. PyTorch warns about it, and says what it plans:
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    kl_mean = F.kl_div(student_log_probas, teacher_probas, reduction="mean")
print("KL, mean:        ", kl_mean)
print("KL, batchmean / C:", kl / num_classes)
print("warning:", caught[0].message)

# %%
# Why T squared
# -------------
# The gradient of the soft part with respect to the student's logit :math:`z_{i,j}` is
# :math:`(p_{i,j} - t_{i,j}) / T` per example, where :math:`p` and :math:`t` are the softened
# student and teacher probabilities (the teacher's are the targets), before the mean over the
# batch; and for a large :math:`T` those differences themselves shrink as :math:`1 / T`. So the gradient falls as :math:`1 / T^2`, and
# multiplying by :math:`T^2` keeps the soft part's say in training about the same whatever
# :math:`T` you pick.
for t in (1.0, 2.0, 4.0, 8.0):
    soft = F.kl_div(
        F.log_softmax(student_logits / t, dim=1),
        F.log_softmax(teacher_logits / t, dim=1),
        reduction="batchmean",
        log_target=True,
    )
    (grad,) = torch.autograd.grad(soft, student_logits)
    norm = grad.norm().item()
    print(f"T={t:g}: gradient norm of KL {norm:.4f}, of T^2 * KL {t**2 * norm:.4f}")

# %%
# Where next
# ----------
# The page :ref:`soft-targets` explains cross-entropy against probabilities and its link to the
# KL divergence. The functions used here: :func:`torch.nn.functional.kl_div`,
# :func:`torch.nn.functional.log_softmax`, :func:`torch.nn.functional.cross_entropy` and
# :func:`xentdocs.cross_entropy`.
