"""
nll_loss expects log-probabilities
==================================

:func:`torch.nn.functional.nll_loss` and :func:`xentdocs.nll_loss` on the lecture's example.
You will see that they give the by-hand losses when fed log-probabilities, that they only pick
and negate an entry, and what comes out when you feed them probabilities by mistake. A plot
compares the right loss with the mistaken one.

To run this script on your own machine, install PyTorch and ``xentdocs`` first
(``pip install torch==2.13.0 ".[examples]"`` in a checkout of this site's repository).
"""

# %%
# The lecture's labels and logits, their probabilities and their log-probabilities.
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

import xentdocs

torch.set_printoptions(precision=4)
labels, logits = xentdocs.lecture_example()
probas = torch.softmax(logits, dim=1)
log_probas = torch.log_softmax(logits, dim=1)

# %%
# By hand: minus the log of the probability of the true class, one loss per example.
one_hot_targets = xentdocs.one_hot(labels)
by_hand = xentdocs.cross_entropy_from_probas(probas, one_hot_targets)
by_hand

# %%
# ``nll_loss`` on the log-probabilities gives the same numbers, in PyTorch and in
# ``xentdocs``. ``reduction="none"`` keeps one loss per example.
torch_nll = F.nll_loss(log_probas, labels, reduction="none")
our_nll = xentdocs.nll_loss(log_probas, labels, reduction="none")
print("torch:   ", torch_nll)
print("xentdocs:", our_nll)
print("torch == by hand:   ", torch.allclose(torch_nll, by_hand))
print("xentdocs == by hand:", torch.allclose(our_nll, by_hand))

# %%
# ``nll_loss`` takes no log. It returns minus the input at the label's column, whatever
# the input is. A tensor of easy numbers shows it.
scores = torch.arange(1.0, 13.0).view(4, 3)
picked = scores.gather(1, labels.view(-1, 1)).squeeze(1)
print(scores)
print("nll_loss:        ", F.nll_loss(scores, labels, reduction="none"))
print("minus the picked:", -picked)

# %%
# The classic mistake: probabilities instead of log-probabilities. No error, no warning,
# and every "loss" is negative: it is minus the probability of the true class.
wrong = F.nll_loss(probas, labels, reduction="none")
print("torch:   ", wrong)
print("xentdocs:", xentdocs.nll_loss(probas, labels, reduction="none"))
print("mean, mistaken:", F.nll_loss(probas, labels))
print("mean, right:   ", F.nll_loss(log_probas, labels))

# %%
# The mistaken gradient with respect to the logits is the right one times the probability
# of the true class: the worse the prediction, the weaker the push.
z = logits.clone().requires_grad_()
right_loss = F.nll_loss(torch.log_softmax(z, dim=1), labels)
wrong_loss = F.nll_loss(torch.softmax(z, dim=1), labels)
(right_grad,) = torch.autograd.grad(right_loss, z)
(wrong_grad,) = torch.autograd.grad(wrong_loss, z)
print(f"wrong_grad / right_grad:\n{wrong_grad / right_grad}")
true_probas = probas.gather(1, labels.view(-1, 1)).squeeze(1)
print("true-class probas:", true_probas)

# %%
# Both losses as functions of the probability of the true class. The right loss, minus the
# log, grows without bound as the probability falls to zero, and is zero only at one. The
# mistaken one stays between minus one and zero, and its slope is the same everywhere. The
# dots are the lecture's four examples.
p = torch.linspace(0.01, 1.0, 200)

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(p, -torch.log(p), label="right: nll_loss(log p) = -log p")
ax.plot(p, -p, label="mistake: nll_loss(p) = -p")
ax.scatter(true_probas, -torch.log(true_probas), color="C0", zorder=3)
ax.scatter(true_probas, -true_probas, color="C1", zorder=3)
ax.axhline(0.0, color="gray", linewidth=0.8)
ax.set_ylim(-1.5, 4.0)
ax.set_title("nll_loss with log-probabilities and with probabilities")
ax.set_xlabel("probability of the true class")
ax.set_ylabel("loss of one example")
ax.legend()
fig.tight_layout()

# %%
# The page :ref:`nll-loss` tells the same story with more explanation.
