r"""
Cross-entropy over a large vocabulary without all the logits
============================================================

A language model's last layer makes one logit per token and per word of the vocabulary, and for a
long batch and a large vocabulary those logits outweigh the rest of the step. Here you work out
their size, then compute the same loss and gradients three ways: the plain
``cross_entropy(linear(...))``, :func:`xentdocs.linear_cross_entropy`, which handles a chunk of
tokens at a time, and PyTorch's :func:`torch.nn.functional.linear_cross_entropy`.

To run it on your own machine, from a clone of the repository, install what it needs first::

    pip install torch==2.13.0 -e ".[examples]"
"""

# %%
# What the logits weigh
# ---------------------
# The logits are an ``(N, V)`` matrix: ``N`` tokens in the batch, ``V`` words in the vocabulary,
# 4 bytes each in float32. Take 8 sequences of 4096 tokens, features of 4096 numbers per token and a
# vocabulary of 128256 words. The logits alone take far more than the features and the layer's
# weight together, and autograd keeps more tensors of their size for the backward pass (the page
# :ref:`at-scale` measures them). A chunk of 256 tokens at a time needs only 256 rows of them.
import torch
import torch.nn.functional as F

import xentdocs

num_tokens = 8 * 4096
in_features = 4096
vocab_size = 128256
chunk_size = 256
bytes_per_number = torch.float32.itemsize
gib = 2**30

sizes = {
    "logits, N * V": num_tokens * vocab_size,
    "features, N * in_features": num_tokens * in_features,
    "weight, V * in_features": vocab_size * in_features,
    "a chunk of logits, chunk_size * V": chunk_size * vocab_size,
}
for name, count in sizes.items():
    print(f"{name:34} {count:>13,} numbers, {count * bytes_per_number / gib:6.2f} GiB")

# %%
# A small case
# ------------
# The same computation at a size that runs in a blink: 64 tokens, 32 features, 1000 words, chunks
# of 16 tokens. Some targets are ``-100``, the default ``ignore_index`` (padding, say).
torch.manual_seed(0)
num_tokens, in_features, vocab_size, chunk_size = 64, 32, 1000, 16
features = torch.randn(num_tokens, in_features, requires_grad=True)
linear = torch.nn.Linear(in_features, vocab_size)
targets = torch.randint(0, vocab_size, (num_tokens,))
targets[-5:] = -100
parameters = (features, linear.weight, linear.bias)
print("features:", tuple(features.shape), "weight:", tuple(linear.weight.shape))
print("logits would be:", (num_tokens, vocab_size))

# %%
# Three ways to the same loss
# ---------------------------
# The plain way builds all the logits. :func:`xentdocs.linear_cross_entropy` takes the layer's
# weight and bias instead of its output and never holds more than ``chunk_size`` rows of logits;
# PyTorch's function does the same when given :class:`torch.nn.LinearCrossEntropyOptions`;
# without them it computes the plain way, as the name of each result's backward function shows.
plain = F.cross_entropy(linear(features), targets)
chunked = xentdocs.linear_cross_entropy(
    features, linear.weight, targets, linear_bias=linear.bias, chunk_size=chunk_size
)
options = torch.nn.LinearCrossEntropyOptions(batch_chunk_size=chunk_size)
torch_chunked = F.linear_cross_entropy(
    features, linear.weight, targets, linear_bias=linear.bias, options=options
)
print(f"cross_entropy(linear(...)):      {plain.item():.4f}")
print(f"xentdocs.linear_cross_entropy:   {chunked.item():.4f}")
print(f"F.linear_cross_entropy, chunked: {torch_chunked.item():.4f}")
print("backward of F.linear_cross_entropy, chunked:   ", torch_chunked.grad_fn.name())
without_options = F.linear_cross_entropy(features, linear.weight, targets, linear_bias=linear.bias)
print("backward of F.linear_cross_entropy, no options:", without_options.grad_fn.name())
torch.testing.assert_close(chunked, plain)
torch.testing.assert_close(torch_chunked, plain)

# %%
# The same gradients
# ------------------
# The two chunked versions get their gradients in different ways. :func:`xentdocs.linear_cross_entropy`
# computes each chunk's logits again in the backward pass. PyTorch's chunked path, with the
# default ``mean`` reduction (or ``sum``), computes the loss and all the gradients in its forward
# pass, one chunk at a time, and its backward pass only scales them by the incoming gradient.
# Either way the gradients of the features, the weight and the bias agree with the plain way's,
# up to float32 rounding (the sums run in another order), which is what
# :func:`torch.testing.assert_close` allows.
plain_grads = torch.autograd.grad(plain, parameters)
for name, loss in (("xentdocs", chunked), ("torch", torch_chunked)):
    grads = torch.autograd.grad(loss, parameters)
    for parameter_name, grad, expected in zip(
        ("features", "weight", "bias"), grads, plain_grads, strict=True
    ):
        torch.testing.assert_close(grad, expected)
        print(f"{name}: the gradient of the {parameter_name} agrees, shape {tuple(grad.shape)}")

# %%
# Since PyTorch's chunked backward hands out gradients it computed ahead, it has nothing left for
# a second backward pass: a second one raises, even with ``retain_graph=True`` (unless the options
# were made with ``allow_retain_graph=True``, which keeps the gradients for it).
again = F.linear_cross_entropy(
    features, linear.weight, targets, linear_bias=linear.bias, options=options
)
torch.autograd.grad(again, parameters, retain_graph=True)
try:
    torch.autograd.grad(again, parameters, retain_graph=True)
except RuntimeError as err:
    print("second backward:", err)
keep_options = torch.nn.LinearCrossEntropyOptions(
    batch_chunk_size=chunk_size, allow_retain_graph=True
)
kept = F.linear_cross_entropy(
    features, linear.weight, targets, linear_bias=linear.bias, options=keep_options
)
torch.autograd.grad(kept, parameters, retain_graph=True)
second_grads = torch.autograd.grad(kept, parameters, retain_graph=True)
torch.testing.assert_close(second_grads[1], plain_grads[1])
print("allow_retain_graph=True: the second backward gives the weight's gradient again")

# %%
# Where next
# ----------
# The page :ref:`at-scale` measures the time and memory the chunks save at a real size. The
# functions used here: :func:`xentdocs.linear_cross_entropy`,
# :func:`torch.nn.functional.linear_cross_entropy`, :func:`torch.nn.functional.cross_entropy` and
# :class:`torch.nn.Linear`.
