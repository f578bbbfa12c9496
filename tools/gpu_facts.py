"""Record what only a GPU shows about cross-entropy, for the pages on-a-gpu and at-scale.

The pages compute everything the CPU can show while the site is built. What happens on a CUDA
device is recorded here instead, by running it, and written with its provenance (the device,
the versions of torch and CUDA, the date and the SHA-256 of this script) to
``docs/beyond/gpu-facts.json``, which the pages render. ``tests/test_gpu_facts.py`` fails when
this script changes and the record was not made again.

Run it from the repository root on a machine with a CUDA device::

    python tools/gpu_facts.py                      # writes docs/beyond/gpu-facts.json
    python tools/gpu_facts.py --output OTHER.json  # writes OTHER.json instead

``XENTDOCS_TEST_DEVICE=cuda:1`` picks another device; a device named there that cannot be used
is an error, never a quiet CPU run. Without a CUDA device the script still writes the record:
its provenance names the CPU-only machine and every fact says it was not recorded, and why.

The facts, each a dict with ``"recorded"`` (and ``"why"`` when it is false):

- ``out_of_range_target``: a label outside ``0..C-1`` run line by line in child processes (the
  device-side assert leaves a process's CUDA context unusable): what each line raised (a line
  that needs what a failed line did not make is marked skipped), the assert's own line, with
  and without ``CUDA_LAUNCH_BLOCKING=1``, and what xentdocs says.
- ``deterministic_algorithms``: ``F.cross_entropy`` forward and backward under
  ``torch.use_deterministic_algorithms(True)`` per input shape and reduction, and workarounds.
- ``autocast_bfloat16``: result dtypes under bfloat16 autocast, and how far ``F.cross_entropy``
  and ``xentdocs.cross_entropy`` land from the float32 loss over many seeded batches.
- ``float16_overflow``: numbers past float16's largest finite value, cast on the device.
- ``memory_at_large_vocabulary``: peak CUDA memory and time of a linear layer plus
  cross-entropy, forward and backward, plain and chunked, at a vocabulary of 128256 classes.

Written for torch 2.11 and later: what an older torch lacks is recorded as not run, with why.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from datetime import datetime, timezone
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the xentdocs of this tree, whatever the working folder

import xentdocs

SCRIPT = Path(__file__).resolve()
DEFAULT_OUTPUT = ROOT / "docs" / "beyond" / "gpu-facts.json"
DEVICE_VARIABLE = "XENTDOCS_TEST_DEVICE"
NO_GPU = "no GPU was available when this record was made"

# The batches of the autocast fact; the page on-a-gpu uses the same ones on the CPU.
AUTOCAST_SETUP = {"num_examples": 128, "num_classes": 8192, "in_features": 64, "batches": 100}

# The lines run, one at a time, in the child process of the out-of-range fact.
OUT_OF_RANGE_LINES = [
    "logits = torch.randn(8, 5, device=device)",
    "labels = torch.tensor([0, 4, 2, 7, 1, 3, 2, 0], device=device)",
    "loss = LOSS(logits, labels)",
    "doubled = loss * 2",
    "value = loss.item()",
    "ones = torch.ones(3, device=device)",
    "total = ones.sum().item()",
]
LOSSES = {"torch": "F.cross_entropy", "xentdocs": "xentdocs.cross_entropy"}


def sha256_of_script() -> str:
    return hashlib.sha256(SCRIPT.read_bytes()).hexdigest()


def not_recorded(why: str) -> dict:
    return {"recorded": False, "why": why}


def error_text(error: BaseException) -> dict:
    """An exception as the record keeps it: its type's full name and its message."""
    kind = type(error)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"  # torch.AcceleratorError, not just AcceleratorError
    return {"type": name, "message": str(error).strip()}


def number(value: float) -> float | str:
    """A float for JSON, which has no inf nor nan: those are kept as the strings torch prints."""
    return value if math.isfinite(value) else str(value)


def chosen_device() -> torch.device | None:
    """The CUDA device to record on, or None on a machine without one."""
    name = os.environ.get(DEVICE_VARIABLE, "").strip()
    if name:
        try:
            device = torch.device(name)
            torch.empty(0, device=device)
        except (RuntimeError, AssertionError) as error:  # CPU builds raise AssertionError
            raise SystemExit(
                f"{DEVICE_VARIABLE}={name!r} names a device this machine cannot use: {error};"
                f" unset {DEVICE_VARIABLE} to write a record that says no GPU was available"
            ) from error
        return device
    return torch.device("cuda") if torch.cuda.is_available() else None


def provenance(device: torch.device | None) -> dict:
    if device is None or device.type != "cuda":
        name = f"none: a CPU-only machine ({platform.system()} {platform.machine()})"
        if device is not None:
            name = f"{device} (not a CUDA device)"
    else:
        name = torch.cuda.get_device_name(device)
    return {
        "device": name,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "python": platform.python_version(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "script_sha256": sha256_of_script(),
    }


# -- out-of-range target: in child processes -----------------------------------------------------


def run_lines(loss: str, device: str) -> list[dict]:
    """In the child: run OUT_OF_RANGE_LINES one by one, each line's outcome in order."""
    namespace = {"torch": torch, "F": F, "xentdocs": xentdocs, "device": device}
    outcomes = []
    for line in OUT_OF_RANGE_LINES:
        line = line.replace("LOSS", LOSSES[loss])
        try:
            exec(line, namespace)  # noqa: S102 -- our own lines, one at a time
            outcomes.append({"line": line, "raised": None})
        except NameError:  # it needs what a line that raised did not make
            outcomes.append({"line": line, "raised": None, "skipped": True})
        except Exception as error:  # noqa: BLE001 -- what it raised is the fact recorded
            outcomes.append({"line": line, "raised": error_text(error)})
    return outcomes


def out_of_range_target(device: torch.device) -> dict:
    runs = {}
    for name, loss, blocking in [
        ("torch", "torch", False),
        ("torch_launch_blocking", "torch", True),
        ("xentdocs", "xentdocs", False),
    ]:
        env = {**os.environ, "CUDA_LAUNCH_BLOCKING": "1" if blocking else "0"}
        with tempfile.TemporaryDirectory() as folder:
            result_file = Path(folder) / "lines.json"
            command = [sys.executable, str(SCRIPT), "--child", loss, str(device), str(result_file)]
            child = subprocess.run(
                command, check=False, env=env, capture_output=True, text=True, timeout=300
            )
            if not result_file.exists():
                raise RuntimeError(f"the child process wrote nothing:\n{child.stderr[-2000:]}")
            lines = json.loads(result_file.read_text())
        output = (child.stdout + child.stderr).splitlines()
        asserts = [line.strip() for line in output if "Assertion" in line]
        runs[name] = {
            "loss": LOSSES[loss],
            "CUDA_LAUNCH_BLOCKING": "1" if blocking else "0",
            "lines": lines,
            "first_raised_at": next((o["line"] for o in lines if o["raised"]), None),
            "assert_lines": asserts[:3],
            "assert_line_count": len(asserts),
            "exit_code": child.returncode,
        }
    return {"recorded": True, "runs": runs}


# -- deterministic algorithms --------------------------------------------------------------------

DETERMINISTIC_SHAPES = {"(N, C)": (8, 5), "(N, C, d1)": (8, 5, 4), "(N, C, d1, d2)": (8, 5, 4, 3)}
# Ways to get the mean loss of (N, C, d1, ...) inputs while deterministic algorithms are on.
WORKAROUNDS = {
    "reduction='none', then .mean()": lambda logits, labels: F.cross_entropy(
        logits, labels, reduction="none"
    ).mean(),
    "classes moved last, flattened to (-1, C)": lambda logits, labels: F.cross_entropy(
        logits.movedim(1, -1).reshape(-1, logits.shape[1]), labels.reshape(-1)
    ),
}


def deterministic_outcome(loss_of, logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """Forward and backward of ``loss_of(logits, labels)`` with deterministic algorithms on.

    Which step raised, and what; or the loss.
    """
    logits = logits.detach().requires_grad_()
    torch.use_deterministic_algorithms(True)
    try:
        try:
            loss = loss_of(logits, labels)
        except Exception as error:  # noqa: BLE001 -- what it raised is the fact recorded
            return {"raised_in": "forward", **error_text(error)}
        try:
            loss.sum().backward()
            torch.cuda.synchronize()
        except Exception as error:  # noqa: BLE001
            return {"raised_in": "backward", **error_text(error)}
        return {"raised_in": None, "loss": loss.sum().item()}
    finally:
        torch.use_deterministic_algorithms(False)


def deterministic_algorithms(device: torch.device) -> dict:
    generator = torch.Generator().manual_seed(0)
    cases, workarounds = [], {}
    for shape_name, shape in DETERMINISTIC_SHAPES.items():
        logits = torch.randn(shape, generator=generator).to(device)
        labels = torch.randint(0, shape[1], (shape[0], *shape[2:]), generator=generator)
        labels = labels.to(device)
        for reduction in ("mean", "sum", "none"):
            outcome = deterministic_outcome(
                lambda z, y, reduction=reduction: F.cross_entropy(z, y, reduction=reduction),
                logits,
                labels,
            )
            cases.append({"shape": shape_name, "reduction": reduction, **outcome})
    # The workarounds, on the last shape, against the mean computed without the setting.
    expected = F.cross_entropy(logits, labels).item()
    for name, loss_of in WORKAROUNDS.items():
        outcome = deterministic_outcome(loss_of, logits, labels)
        if outcome["raised_in"] is None:
            outcome["difference"] = abs(outcome["loss"] - expected)
        workarounds[f"{name}, shape {shape_name}"] = outcome
    return {"recorded": True, "cases": cases, "workarounds": workarounds}


# -- autocast ------------------------------------------------------------------------------------


def autocast_batch(batch: int, device: torch.device) -> tuple:
    """Batch ``batch`` of the autocast fact: features, weight and labels, made on the CPU."""
    num_examples, num_classes, in_features, _ = AUTOCAST_SETUP.values()
    generator = torch.Generator().manual_seed(batch)
    features = torch.randn(num_examples, in_features, generator=generator)
    weight = torch.randn(num_classes, in_features, generator=generator) * 2 / in_features**0.5
    labels = torch.randint(0, num_classes, (num_examples,), generator=generator)
    return features.to(device), weight.to(device), labels.to(device)


def autocast_bfloat16(device: torch.device) -> dict:
    distances = {"F.cross_entropy": [], "xentdocs.cross_entropy": []}
    first = {}
    for batch in range(AUTOCAST_SETUP["batches"]):
        features, weight, labels = autocast_batch(batch, device)
        float32_loss = F.cross_entropy(F.linear(features, weight), labels).item()
        with torch.autocast(device.type, dtype=torch.bfloat16):
            logits = F.linear(features, weight)
            losses = {
                "F.cross_entropy": F.cross_entropy(logits, labels),
                "xentdocs.cross_entropy": xentdocs.cross_entropy(logits, labels),
            }
            if batch == 0:
                dtypes = {
                    "logits": str(logits.dtype),
                    **{name: str(loss.dtype) for name, loss in losses.items()},
                    "F.softmax": str(F.softmax(logits, dim=1).dtype),
                    "F.log_softmax": str(F.log_softmax(logits, dim=1).dtype),
                }
        for name, loss in losses.items():
            distances[name].append(abs(loss.item() - float32_loss))
        if batch == 0:
            first = {"float32": float32_loss, **{n: loss.item() for n, loss in losses.items()}}
    ours, theirs = distances["xentdocs.cross_entropy"], distances["F.cross_entropy"]
    return {
        "recorded": True,
        "setup": AUTOCAST_SETUP,
        "dtypes": dtypes,
        "batch_0": first,
        "mean_distance": {name: sum(d) / len(d) for name, d in distances.items()},
        "max_distance": {name: max(d) for name, d in distances.items()},
        "batches_closer": {
            "F.cross_entropy": sum(t < o for t, o in zip(theirs, ours, strict=True)),
            "xentdocs.cross_entropy": sum(o < t for t, o in zip(theirs, ours, strict=True)),
            "tie": sum(o == t for t, o in zip(theirs, ours, strict=True)),
        },
    }


# -- float16 overflow ----------------------------------------------------------------------------


def float16_overflow(device: torch.device) -> dict:
    values = [60000.0, 65504.0, 65520.0, 70000.0]
    cast = torch.tensor(values, device=device).half()
    logits = torch.tensor([[70000.0, 0.0, -70000.0]], device=device).half()
    loss = F.cross_entropy(logits, torch.tensor([0], device=device))
    return {
        "recorded": True,
        "max": torch.finfo(torch.float16).max,
        "cast": {str(v): number(c) for v, c in zip(values, cast.tolist(), strict=True)},
        "logits": [number(v) for v in logits[0].tolist()],
        "loss": number(loss.item()),
    }


# -- memory at a large vocabulary ----------------------------------------------------------------

VOCABULARY = 128256
IN_FEATURES = 4096


def memory_ways() -> dict:
    """Each way: a function of (features, weight, labels) to the loss, or why it cannot run."""
    ways = {
        "plain": lambda x, w, y: F.cross_entropy(F.linear(x, w), y),
        "plain, bfloat16 logits upcast": lambda x, w, y: F.cross_entropy(
            F.linear(x.bfloat16(), w.bfloat16()).float(), y
        ),
    }
    if hasattr(F, "linear_cross_entropy"):
        ways["F.linear_cross_entropy, options=None"] = lambda x, w, y: F.linear_cross_entropy(
            x, w, y, options=None
        )
        options = torch.nn.LinearCrossEntropyOptions()
        ways["F.linear_cross_entropy, options=LinearCrossEntropyOptions()"] = lambda x, w, y: (
            F.linear_cross_entropy(x, w, y, options=options)
        )
    else:
        why = f"torch {torch.__version__} has no torch.nn.functional.linear_cross_entropy"
        ways["F.linear_cross_entropy, options=None"] = why
        ways["F.linear_cross_entropy, options=LinearCrossEntropyOptions()"] = why
    ways["xentdocs.linear_cross_entropy"] = xentdocs.linear_cross_entropy
    return ways


def memory_at_large_vocabulary(device: torch.device) -> dict:
    total = torch.cuda.get_device_properties(device).total_memory
    # As many tokens (a power of two, at most 8192) as leave room for four float32 copies of
    # the logits in a quarter of the device's memory.
    num_tokens = 8192
    while num_tokens > 256 and 16 * num_tokens * VOCABULARY > total / 4:
        num_tokens //= 2
    generator = torch.Generator(device=device).manual_seed(0)
    features = torch.randn(num_tokens, IN_FEATURES, device=device, generator=generator)
    weight = torch.randn(VOCABULARY, IN_FEATURES, device=device, generator=generator)
    weight /= IN_FEATURES**0.5
    labels = torch.randint(0, VOCABULARY, (num_tokens,), device=device, generator=generator)
    results = {}
    for name, way in memory_ways().items():
        if isinstance(way, str):
            results[name] = not_recorded(way)
            continue
        x, w = features.clone().requires_grad_(), weight.clone().requires_grad_()
        seconds = []
        for run in range(3):
            x.grad = w.grad = None
            torch.cuda.synchronize(device)
            torch.cuda.reset_peak_memory_stats(device)
            start = torch.cuda.memory_allocated(device)
            begin = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loss = way(x, w, labels)
                loss.backward()
            torch.cuda.synchronize(device)
            seconds.append(time.perf_counter() - begin)
            if run == 0:
                peak = torch.cuda.max_memory_allocated(device) - start
        results[name] = {
            "recorded": True,
            "loss": loss.item(),
            "peak_bytes": peak,
            "bytes_per_logit": peak / (num_tokens * VOCABULARY),
            "ms": min(seconds[1:]) * 1e3,  # the first run loads kernels
        }
        del x, w, loss
        torch.cuda.empty_cache()
    return {
        "recorded": True,
        "setup": {
            "num_tokens": num_tokens,
            "in_features": IN_FEATURES,
            "num_classes": VOCABULARY,
            "dtype": "float32 (the bfloat16 way casts features and weight itself)",
            "device_memory_bytes": total,
            "peak": "torch.cuda.max_memory_allocated above the start, first of 3 runs",
            "ms": "best of the last 2 of 3 runs",
        },
        "results": results,
    }


# -- the record ----------------------------------------------------------------------------------

FACTS = {
    "out_of_range_target": out_of_range_target,
    "deterministic_algorithms": deterministic_algorithms,
    "autocast_bfloat16": autocast_bfloat16,
    "float16_overflow": float16_overflow,
    "memory_at_large_vocabulary": memory_at_large_vocabulary,
}


def record(device: torch.device | None) -> dict:
    facts = {}
    for name, fact in FACTS.items():
        if device is None or device.type != "cuda":
            facts[name] = not_recorded(NO_GPU)
            continue
        print(f"recording {name} on {device} ...", file=sys.stderr, flush=True)
        try:
            facts[name] = fact(device)
        except Exception as error:  # noqa: BLE001 -- one failing fact must not lose the others
            traceback.print_exc()
            facts[name] = not_recorded(f"the script failed: {type(error).__name__}: {error}")
    return {"provenance": provenance(device), "facts": facts}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the JSON to write")
    parser.add_argument("--child", nargs=3, metavar=("LOSS", "DEVICE", "FILE"), help="internal")
    args = parser.parse_args(argv)
    if args.child:
        loss, device, result_file = args.child
        outcomes = run_lines(loss, device)
        Path(result_file).write_text(json.dumps(outcomes))
        return
    device = chosen_device()
    made = record(device)
    args.output.write_text(json.dumps(made, indent=2, allow_nan=False) + "\n")
    recorded = [name for name, fact in made["facts"].items() if fact["recorded"]]
    print(
        f"wrote {args.output} on {made['provenance']['device']}:"
        f" {len(recorded)} of {len(made['facts'])} facts recorded",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
