"""Write the intersphinx inventories the book links through, so the build never needs the network.

PyTorch ships no ``objects.inv``, so ours is written from a list of the names the site uses. Each
name is imported from the installed torch before it is written, so a renamed or removed symbol fails
here instead of becoming a dead link. Python's inventory is copied from Debian's ``python3.11-doc``
package (``apt-get install python3.11-doc``), which is the real one for the Python we run on.

Run from the repository root after changing the list::

    python tools/make_inventories.py

The files land in ``_inventories/`` and are committed.
"""

from __future__ import annotations

import pkgutil
import shutil
import sys
from pathlib import Path

import sphobjinv as soi
import torch

OUT = Path(__file__).resolve().parent.parent / "_inventories"
PYTHON_INV = Path("/usr/share/doc/python3.11/html/objects.inv")

FUNCTIONS = """
torch.tensor torch.zeros torch.ones torch.full torch.eye torch.arange torch.linspace torch.empty
torch.randn torch.rand torch.randint torch.manual_seed torch.stack torch.cat torch.where
torch.exp torch.log torch.log1p torch.logsumexp torch.sum torch.mean torch.max torch.min
torch.argmax torch.argmin torch.softmax torch.gather torch.allclose
torch.isclose torch.isnan torch.isfinite torch.isinf torch.equal torch.topk torch.sort
torch.set_num_threads torch.no_grad torch.set_printoptions torch.clamp torch.movedim torch.full_like
torch.zeros_like torch.ones_like torch.permute torch.nextafter torch.linalg.vector_norm
torch.nn.functional.one_hot torch.nn.functional.softmax torch.nn.functional.log_softmax
torch.nn.functional.nll_loss torch.nn.functional.cross_entropy
torch.nn.functional.binary_cross_entropy torch.nn.functional.kl_div
torch.autograd.grad torch.testing.assert_close
""".split()

METHODS = """
scatter_ scatter gather view reshape long float double t sum mean exp log max argmax softmax
backward item tolist numpy to detach requires_grad_ clone unsqueeze squeeze
permute movedim transpose roll
""".split()

CLASSES = """
torch.Tensor torch.dtype torch.finfo torch.nn.CrossEntropyLoss torch.nn.NLLLoss
torch.nn.Softmax torch.nn.LogSoftmax torch.utils.benchmark.Timer
""".split()

MODULES = {
    "torch": "torch.html#module-torch",
    "torch.nn.functional": "nn.functional.html#module-torch.nn.functional",
}

DTYPES = "float64 float32 float16 bfloat16 int64 int32 bool".split()

# Left out on purpose: torch.log_softmax and Tensor.log_softmax work but have no page in
# PyTorch's docs; pages link torch.nn.functional.log_softmax instead.

# Names whose page is not ``generated/<name>.html``.
SPECIAL_PAGES = {
    "torch.Tensor": "tensors.html#torch.Tensor",
    "torch.dtype": "tensor_attributes.html#torch.dtype",
    "torch.finfo": "type_info.html#torch.finfo",
    "torch.utils.benchmark.Timer": "benchmark_utils.html#torch.utils.benchmark.Timer",
    "torch.testing.assert_close": "testing.html#torch.testing.assert_close",
}


def uri(name: str) -> str:
    return SPECIAL_PAGES.get(name, f"generated/{name}.html#{name}")


def torch_inventory() -> soi.Inventory:
    inv = soi.Inventory()
    inv.project = "PyTorch"
    inv.version = torch.__version__.split("+")[0]

    def add(name: str, role: str, location: str) -> None:
        pkgutil.resolve_name(name)  # raises if torch has no such name
        inv.objects.append(
            soi.DataObjStr(
                name=name, domain="py", role=role, priority="1", uri=location, dispname="-"
            )
        )

    for name in FUNCTIONS:
        add(name, "function", uri(name))
    for method in METHODS:
        name = f"torch.Tensor.{method}"
        add(name, "method", uri(name))
    add("torch.Tensor.grad", "attribute", uri("torch.Tensor.grad"))
    for name in CLASSES:
        add(name, "class", uri(name))
    for dtype in DTYPES:
        add(f"torch.{dtype}", "data", "tensor_attributes.html#torch.dtype")
    for name, location in MODULES.items():
        add(name, "module", location)
    return inv


def main() -> int:
    OUT.mkdir(exist_ok=True)
    inv = torch_inventory()
    soi.writebytes(OUT / "torch.inv", soi.compress(inv.data_file(contract=True)))
    print(f"wrote {OUT / 'torch.inv'}: {len(inv.objects)} objects, torch {inv.version}")
    if not PYTHON_INV.exists():
        print(f"{PYTHON_INV} is missing: apt-get install python3.11-doc", file=sys.stderr)
        return 1
    shutil.copyfile(PYTHON_INV, OUT / "python.inv")
    print(f"copied {PYTHON_INV} to {OUT / 'python.inv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
