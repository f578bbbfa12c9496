"""Write the intersphinx inventories the book links through, so the build never needs the network.

PyTorch publishes an ``objects.inv`` for each version of its docs (``docs/<version>/objects.inv`` on
its docs site), but the build must not fetch it, and the machines this book is built on cannot reach
that site. So ours is written from a list of the names the site uses, for the pinned torch's own
docs (``docs/<major>.<minor>/``, not ``stable``, whose pages move on with every release). Each name
is imported from the installed torch first, and must have a docstring (PyTorch only writes a page
for a documented name), so a renamed or removed symbol fails here instead of becoming a dead link.
Each name gets the role its object really has (``torch.no_grad`` is a class). Where PyTorch's real
inventory can be downloaded, ``--check path/to/objects.inv`` compares ours with it: every name and
page of ours must be in it.

Python's inventory is copied from Debian's ``python3.11-doc`` package
(``apt-get install python3.11-doc``), which is the real one for the Python we run on.

Run from the repository root after changing the lists::

    python tools/make_inventories.py

The files land in ``_inventories/`` and are committed. ``conf.py`` links the same torch version.
"""

from __future__ import annotations

import argparse
import inspect
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
torch.randn torch.rand torch.randint torch.randperm torch.randn_like torch.manual_seed torch.stack
torch.cat torch.where torch.exp torch.log torch.log1p torch.logsumexp torch.logaddexp torch.sum
torch.mean torch.max torch.min torch.amax torch.abs torch.sqrt torch.square torch.round
torch.argmax torch.argmin torch.softmax torch.sigmoid torch.gather torch.allclose torch.isclose
torch.isnan torch.isfinite torch.isinf torch.equal torch.topk torch.sort torch.unique torch.bincount
torch.nonzero torch.count_nonzero torch.flatten torch.numel torch.is_tensor torch.multinomial
torch.set_num_threads torch.set_printoptions torch.clamp torch.movedim torch.full_like
torch.zeros_like torch.ones_like torch.permute torch.nextafter torch.linalg.vector_norm
torch.get_default_dtype torch.set_default_device torch.use_deterministic_algorithms
torch.are_deterministic_algorithms_enabled torch.compile torch.cuda.is_available
torch.cuda.synchronize torch.cuda.max_memory_allocated torch.cuda.reset_peak_memory_stats
torch.nn.functional.one_hot torch.nn.functional.softmax torch.nn.functional.log_softmax
torch.nn.functional.nll_loss torch.nn.functional.cross_entropy torch.nn.functional.linear
torch.nn.functional.linear_cross_entropy torch.nn.functional.binary_cross_entropy
torch.nn.functional.binary_cross_entropy_with_logits torch.nn.functional.logsigmoid
torch.nn.functional.softplus torch.nn.functional.kl_div torch.nn.functional.mse_loss
torch.nn.functional.pad torch.nn.functional.normalize torch.nn.functional.embedding
torch.autograd.grad torch.autograd.gradcheck.gradcheck torch.func.grad torch.testing.assert_close
torch.utils.checkpoint.checkpoint torch.special.entr torch.xlogy
""".split()

METHODS = """
scatter_ scatter gather view reshape long float double half bfloat16 int t sum mean exp log max
argmax argmin amax softmax sigmoid logsumexp backward item tolist numpy to cpu cuda detach
requires_grad_ retain_grad register_hook clone unsqueeze squeeze permute movedim transpose roll
flatten contiguous expand repeat masked_fill masked_select bincount any all nonzero numel size
zero_ fill_ clamp abs eq ne new_zeros unique
""".split()

ATTRIBUTES = "grad device shape requires_grad is_leaf ndim".split()

CLASSES = """
torch.Tensor torch.dtype torch.device torch.finfo torch.no_grad torch.enable_grad
torch.inference_mode torch.autocast torch.nn.Module torch.nn.Linear torch.nn.Sequential
torch.nn.ReLU torch.nn.Embedding torch.nn.CrossEntropyLoss torch.nn.NLLLoss torch.nn.BCELoss
torch.nn.BCEWithLogitsLoss torch.nn.KLDivLoss torch.nn.Softmax torch.nn.LogSoftmax
torch.nn.LinearCrossEntropyOptions torch.optim.SGD torch.optim.Adam torch.utils.benchmark.Timer
""".split()

# A module's page; PyTorch's nn.functional page has no ``module-torch.nn.functional`` anchor.
MODULES = {
    "torch": "torch.html#module-torch",
    "torch.nn.functional": "nn.functional.html",
}

DTYPES = "float64 float32 float16 bfloat16 int64 int32 int8 uint8 bool".split()

# Left out on purpose: torch.log_softmax and Tensor.log_softmax work but have no page in
# PyTorch's docs (no docstring); pages link torch.nn.functional.log_softmax instead.

# Names whose page is not ``generated/<name>.html``.
SPECIAL_PAGES = {
    "torch.Tensor": "tensors.html#torch.Tensor",
    "torch.dtype": "tensor_attributes.html#torch.dtype",
    "torch.device": "tensor_attributes.html#torch.device",
    "torch.finfo": "type_info.html#torch.finfo",
    "torch.autocast": "amp.html#torch.autocast",
    "torch.utils.benchmark.Timer": "benchmark_utils.html#torch.utils.benchmark.Timer",
    "torch.testing.assert_close": "testing.html#torch.testing.assert_close",
    "torch.utils.checkpoint.checkpoint": "checkpoint.html#torch.utils.checkpoint.checkpoint",
    "torch.special.entr": "special.html#torch.special.entr",
}


def torch_docs_version() -> str:
    """The ``major.minor`` of the installed torch: the folder of its docs on PyTorch's site."""
    return ".".join(torch.__version__.split("+")[0].split(".")[:2])


def uri(name: str) -> str:
    return SPECIAL_PAGES.get(name, f"generated/{name}.html#{name}")


def torch_inventory() -> soi.Inventory:
    inv = soi.Inventory()
    inv.project = "PyTorch"
    inv.version = torch.__version__.split("+")[0]

    def add(name: str, role: str, location: str) -> None:
        obj = pkgutil.resolve_name(name)  # raises if torch has no such name
        documented = (getattr(obj, "__doc__", None) or "").strip()
        if location.startswith("generated/") and not documented:
            raise SystemExit(f"{name} has no docstring, so PyTorch's docs have no page for it")
        if role == "function" and inspect.isclass(obj):
            raise SystemExit(f"{name} is a class: list it in CLASSES")
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
    for attribute in ATTRIBUTES:
        name = f"torch.Tensor.{attribute}"
        add(name, "attribute", uri(name))
    for name in CLASSES:
        add(name, "class", uri(name))
    for dtype in DTYPES:
        add(f"torch.{dtype}", "data", "tensor_attributes.html#torch.dtype")
    for name, location in MODULES.items():
        add(name, "module", location)
    return inv


def check_against(inv: soi.Inventory, published: Path) -> list[str]:
    """Names of ours that PyTorch's published inventory lacks, or places at another page."""
    theirs = {(o.name, o.role): o.uri_expanded for o in soi.Inventory(published).objects}
    problems = []
    for obj in inv.objects:
        page = theirs.get((obj.name, obj.role))
        if page is None:
            problems.append(f"{obj.name} ({obj.role}) is not in {published}")
        elif page.split("#")[0] != obj.uri_expanded.split("#")[0]:
            problems.append(f"{obj.name}: ours says {obj.uri_expanded}, PyTorch's says {page}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", type=Path, help="PyTorch's published objects.inv, to compare ours with"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    inv = torch_inventory()
    if args.check:
        problems = check_against(inv, args.check)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
    soi.writebytes(OUT / "torch.inv", soi.compress(inv.data_file(contract=True)))
    print(f"wrote {OUT / 'torch.inv'}: {len(inv.objects)} objects, torch {inv.version}")
    print(f"conf.py must link https://docs.pytorch.org/docs/{torch_docs_version()}/")
    if not PYTHON_INV.exists():
        print(f"{PYTHON_INV} is missing: apt-get install python3.11-doc", file=sys.stderr)
        return 1
    shutil.copyfile(PYTHON_INV, OUT / "python.inv")
    print(f"copied {PYTHON_INV} to {OUT / 'python.inv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
