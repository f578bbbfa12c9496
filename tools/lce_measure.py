"""Peak memory and time of a linear layer plus cross-entropy, forward and backward, four ways.

The four ways compute the same loss of ``tokens`` rows of ``features`` numbers over ``classes``
classes (float32, no bias, every target a class index) and its gradients for the input and the
linear weight:

- ``plain``: ``F.cross_entropy(F.linear(input, linear_weight), target)``;
- ``torch_reference``: ``F.linear_cross_entropy(..., options=None)``, torch's default;
- ``torch_chunked``: ``F.linear_cross_entropy(..., options=LinearCrossEntropyOptions())``;
- ``xentdocs``: ``xentdocs.linear_cross_entropy(...)`` with its default ``chunk_size``.

The ways are measured in two child processes, each with glibc's malloc set for what it measures
(left to its defaults, glibc switches a process between handing large freed blocks back and
keeping them, which moves the same code's time by a factor of two or more from one process to the
next): one measures every way's peak memory, one after the other, and one times them, the ways
taking turns. Each child runs a small warm-up of every way first, so loading kernels does not
count. Two processes, because each spends a second or two importing torch, which is most of what
measuring a small size costs.

- **peak memory**: every allocation of 64 KiB or more gets its own mapping, handed back to the
  system when freed (``MALLOC_MMAP_THRESHOLD_=65536``, fixed), so the resident memory follows
  the tensors that are alive and no way finds memory another freed still resident. For each way
  the child resets its high-water mark (writes ``5`` to ``/proc/self/clear_refs``), runs forward
  and backward once, and reports ``VmHWM`` (the peak resident memory) minus the resident memory
  just before, in MB (10^6 bytes).
- **time**: malloc serves everything from its heap and never gives freed memory back
  (``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` at 4 GiB, as ``tools/bench.py``
  times the package), so after one untimed run no call pays page faults for fresh memory and
  the times compare the computations. The child reports each way's fastest of ``repeats`` runs
  per round, over ``rounds`` rounds in which the ways take turns, in ms (other work on the machine
  only ever adds time, and taking turns spreads it over every way alike).

Interface, for ``tools/bench.py`` and for a docs page that shows these figures:

- ``python tools/lce_measure.py`` prints a table; ``--json`` prints the :func:`measure` result
  as JSON instead (``--tokens``, ``--features``, ``--classes``, ``--repeats``, ``--rounds``,
  ``--threads`` change the setup); ``--strict`` exits with 1 when the goal is missed.
- :func:`measure` returns a dict: ``setup`` (``tokens``, ``features``, ``classes``, ``dtype``,
  ``repeats``, ``rounds``, xentdocs's default ``chunk_size``, ``load_average`` before and
  after, ``threads``, ``torch`` version, ``malloc`` settings), ``results`` (a list, one dict per way: ``name``, ``label``, ``peak_mb``, ``ms``,
  ``peak_ratio`` and ``time_ratio`` to ``plain``) and ``goal`` (``max_peak_ratio``,
  ``max_time_ratio``, and ``met``: whether ``xentdocs`` stays within both).
- :func:`format_table` turns that dict into the printed table.

Only Linux has ``/proc/self/clear_refs``; elsewhere the script stops with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

ROOT = Path(__file__).resolve().parent.parent

# glibc's tunables for each measurement (see the module's docstring).
MALLOC_SETTINGS = {
    # Each large block its own mapping, returned when freed: resident memory = live tensors.
    "memory": {"MALLOC_MMAP_THRESHOLD_": str(2**16)},
    # Everything from the heap, never given back: no page faults once the heap has grown.
    "time": {"MALLOC_MMAP_THRESHOLD_": str(2**32), "MALLOC_TRIM_THRESHOLD_": str(2**32)},
}
MALLOC_DESCRIPTION = (
    "peak memory with MALLOC_MMAP_THRESHOLD_=65536 (large blocks returned when freed),"
    " time with MALLOC_MMAP_THRESHOLD_=MALLOC_TRIM_THRESHOLD_=4GiB (freed memory kept)"
)

VARIANTS = {
    "plain": "F.cross_entropy(F.linear(...))",
    "torch_reference": "F.linear_cross_entropy, options=None",
    "torch_chunked": "F.linear_cross_entropy, options=LinearCrossEntropyOptions()",
    "xentdocs": "xentdocs.linear_cross_entropy",
}
BASELINE = "plain"
# The goal for xentdocs against the plain path.
MAX_PEAK_RATIO = 0.25
MAX_TIME_RATIO = 2.0


# -- in the child: one way, measured -------------------------------------------------------------


def _loss_function(name: str) -> Callable[..., torch.Tensor]:
    """The way ``name`` as a function of ``(input, linear_weight, target)`` to the loss."""
    import torch
    import torch.nn.functional as F

    import xentdocs

    if name == "plain":
        return lambda input, linear_weight, target: F.cross_entropy(
            F.linear(input, linear_weight), target
        )
    if name == "torch_reference":
        return lambda input, linear_weight, target: F.linear_cross_entropy(
            input, linear_weight, target, options=None
        )
    if name == "torch_chunked":
        options = torch.nn.LinearCrossEntropyOptions()
        return lambda input, linear_weight, target: F.linear_cross_entropy(
            input, linear_weight, target, options=options
        )
    if name == "xentdocs":
        return xentdocs.linear_cross_entropy
    raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {name!r}")


def _memory_kb(field: str) -> int:
    """A ``Vm...`` line of ``/proc/self/status``, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line")


def _inputs(num_rows: int, features: int, num_classes: int) -> tuple:
    import torch

    generator = torch.Generator().manual_seed(0)
    input = torch.randn(num_rows, features, generator=generator)
    linear_weight = torch.randn(num_classes, features, generator=generator) / features**0.5
    target = torch.randint(0, num_classes, (num_rows,), generator=generator)
    return input.requires_grad_(), linear_weight.requires_grad_(), target


def _forward_backward(loss_function: Callable, problem: tuple) -> None:
    input, linear_weight, target = problem
    input.grad = linear_weight.grad = None
    loss_function(input, linear_weight, target).backward()


def _set_threads(threads: int | None) -> None:
    import torch

    if threads is not None:
        torch.set_num_threads(threads)


def measure_memory(names: list[str], tokens: int, features: int, classes: int) -> dict[str, float]:
    """Each way's peak memory above the start of a forward and backward pass, in MB.

    The ways run one after the other in this process. Every block of 64 KiB or more is its own
    mapping, handed back to the system when freed (``MALLOC_SETTINGS["memory"]``), so no way finds
    memory another one freed still resident; the high-water mark is reset before each way.
    """
    import gc

    functions = {name: _loss_function(name) for name in names}
    for function in functions.values():
        _forward_backward(function, _inputs(64, features, 512))  # loads the kernels
    peaks = {}
    for name, function in functions.items():
        problem = _inputs(tokens, features, classes)
        gc.collect()
        start_kb = _memory_kb("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")
        _forward_backward(function, problem)
        peaks[name] = (_memory_kb("VmHWM") - start_kb) * 1024 / 1e6
        del problem
    return peaks


def measure_times(
    names: list[str], tokens: int, features: int, classes: int, repeats: int, rounds: int
) -> dict[str, float]:
    """Each way's best time of a forward and backward pass in ms, the ways taking turns."""
    functions = {name: _loss_function(name) for name in names}
    problem = _inputs(tokens, features, classes)
    for function in functions.values():
        _forward_backward(function, _inputs(64, features, 512))  # loads the kernels
        _forward_backward(function, problem)  # grows the heap to what a call needs
    best = dict.fromkeys(names, float("inf"))
    for _ in range(rounds):
        for name, function in functions.items():
            for _ in range(repeats):
                begin = time.perf_counter()
                _forward_backward(function, problem)
                best[name] = min(best[name], (time.perf_counter() - begin) * 1e3)
    return best


# -- in the parent: every way, each in its own processes -----------------------------------------


def _child(what: str, arguments: list[str]) -> subprocess.Popen[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", what, *arguments]
    env = {**os.environ, **MALLOC_SETTINGS[what]}
    # The xentdocs next to this script, whatever the caller's working folder.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _result_of(child: subprocess.Popen[str], what: str) -> str:
    stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(
            f"measuring the {what} failed (exit {child.returncode}):\n{stderr[-3000:]}"
        )
    return stdout


def measure(
    tokens: int = 4096,
    features: int = 256,
    classes: int = 32768,
    repeats: int = 2,
    threads: int | None = None,
    rounds: int = 1,
) -> dict:
    """Measure every way, each in its own child processes; see the module's docstring.

    The time children run in ``rounds`` rounds, the ways taking turns, and each way keeps its
    best time: on a busy machine more rounds spread the other work over every way alike.
    """
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("measuring peak memory needs Linux's /proc/self/clear_refs")
    import torch

    sys.path.insert(0, str(ROOT))  # the xentdocs the children import
    from xentdocs.linear import DEFAULT_CHUNK_SIZE

    sizes = ["--tokens", str(tokens), "--features", str(features), "--classes", str(classes)]
    sizes += ["--repeats", str(repeats), "--rounds", str(rounds)]
    if threads is not None:
        sizes += ["--threads", str(threads)]
    load_before = os.getloadavg()[0]
    peaks = json.loads(_result_of(_child("memory", sizes), "peak memory"))
    times = json.loads(_result_of(_child("time", sizes), "times"))
    results = [
        {"name": name, "label": label, "peak_mb": peaks[name], "ms": times[name]}
        for name, label in VARIANTS.items()
    ]
    load_after = os.getloadavg()[0]
    baseline = next(result for result in results if result["name"] == BASELINE)
    for result in results:
        result["peak_ratio"] = result["peak_mb"] / baseline["peak_mb"]
        result["time_ratio"] = result["ms"] / baseline["ms"]
    ours = next(result for result in results if result["name"] == "xentdocs")
    met = ours["peak_ratio"] <= MAX_PEAK_RATIO and ours["time_ratio"] <= MAX_TIME_RATIO
    return {
        "setup": {
            "tokens": tokens,
            "features": features,
            "classes": classes,
            "dtype": "float32",
            "repeats": repeats,
            "rounds": rounds,
            "chunk_size": DEFAULT_CHUNK_SIZE,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "threads": threads if threads is not None else torch.get_num_threads(),
            "torch": torch.__version__,
            "malloc": MALLOC_DESCRIPTION,
        },
        "results": results,
        "goal": {"max_peak_ratio": MAX_PEAK_RATIO, "max_time_ratio": MAX_TIME_RATIO, "met": met},
    }


def format_table(measured: dict) -> str:
    """The figures of :func:`measure` as a text table, with the goal's verdict."""
    setup = measured["setup"]
    title = (
        f"linear + cross-entropy, forward and backward: {setup['tokens']} tokens x"
        f" {setup['features']} features x {setup['classes']} classes, {setup['dtype']},"
        f" {setup['threads']} thread(s), torch {setup['torch']}, xentdocs chunk_size"
        f" {setup['chunk_size']}"
    )
    timing = (
        f"time: best of {setup['repeats']} runs x {setup['rounds']} round(s);"
        f" load average {setup['load_average'][0]} before, {setup['load_average'][1]} after"
    )
    header = f"{'way':<62} {'peak MB':>8} {'/ plain':>8} {'ms':>8} {'/ plain':>8}"
    lines = [title, timing, f"C allocator: {setup['malloc']}", "", header, "-" * len(header)]
    for result in measured["results"]:
        lines.append(
            f"{result['label']:<62} {result['peak_mb']:8.1f} {result['peak_ratio']:8.2f}"
            f" {result['ms']:8.1f} {result['time_ratio']:8.2f}"
        )
    goal = measured["goal"]
    ours = next(result for result in measured["results"] if result["name"] == "xentdocs")
    verdict = (
        f"goal for xentdocs: peak memory <= {goal['max_peak_ratio']} x plain"
        f" ({ours['peak_ratio']:.2f}), time <= {goal['max_time_ratio']} x plain"
        f" ({ours['time_ratio']:.2f}): {'PASS' if goal['met'] else 'FAIL'}"
    )
    return "\n".join([*lines, "", verdict])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    parser.add_argument("--tokens", type=int, default=4096)
    parser.add_argument("--features", type=int, default=256)
    parser.add_argument("--classes", type=int, default=32768)
    parser.add_argument("--repeats", type=int, default=2, help="timed runs in each time child")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of turns in timing")
    parser.add_argument("--threads", type=int, default=None, help="default: torch's own")
    parser.add_argument("--child", choices=list(MALLOC_SETTINGS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = (args.tokens, args.features, args.classes)
    if args.child:
        _set_threads(args.threads)
        if args.child == "memory":
            print(json.dumps(measure_memory(list(VARIANTS), *sizes)))
        else:
            print(json.dumps(measure_times(list(VARIANTS), *sizes, args.repeats, args.rounds)))
        return
    measured = measure(*sizes, args.repeats, args.threads, args.rounds)
    print(json.dumps(measured, indent=2) if args.json else format_table(measured))
    if args.strict and not measured["goal"]["met"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
