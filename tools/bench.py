"""Time the book's builds on a copy of the repository, and the package against PyTorch.

Run it with ``nox -s bench`` (arguments after ``--`` come here), or with the docs environment's
Python: ``python tools/bench.py``. Nothing is asserted; it prints each figure and each ratio.

**Builds.** The repository's sources are copied to a temporary folder, and the command that
``nox -s docs`` runs (``sphinx-build`` with the arguments of ``[tool.xentdocs]`` in
pyproject.toml) is timed five times:

- **cold**: nothing built yet. Goal on a 2-core machine: under 90 s.
- **no-op**: the same command again, nothing changed. Goal: within 10% of cold, runs nothing.
- **one page**: after a comment is added to a code cell of one MyST page. Goal: within 35% of
  cold, runs that page only.
- **one example**: after a comment is added to one gallery script. Goal: within 35% of cold,
  runs that example only.
- **package**: after a line is added to one function in ``xentdocs/``. Goal: every page and
  every example runs again (their caches key on the package).

How many pages and examples each build executed comes from the build's own log: myst-nb's
"Executed notebook in ... seconds" lines, and sphinx-gallery's
"successfully executed N out of M". Other work on the machine slows every step; the load average
is printed beside each one.

**The package.** ``xentdocs.cross_entropy`` (forward and backward) and ``xentdocs.one_hot`` are timed
against their ``torch.nn.functional`` twins with ``torch.utils.benchmark``, side by side in one
run (the two measurements of a pair alternate, and each keeps its best round), at a batch of
4096 over 1000 classes, float32, with one thread (as the book's pages run) and with all cores.
Goals: cross_entropy within 2x of torch's, one_hot within 1.5x. They run in a child process whose
C allocator keeps the memory it frees: by default glibc hands each freed 16 MB tensor back to the
system and faults it in again on the next call, which costs xentdocs (more temporaries) 10 to 18 MB
of page faults a call and made its time swing between 9 and 17 ms from one process to the next.
``--default-allocator`` times them as a plain process runs them.

**Linear + cross-entropy at scale.** ``--only lce`` runs ``tools/lce_measure.py``: the peak
memory above the start and the time of forward plus backward at 4096 tokens x 256 features x
32768 classes, float32, for ``F.cross_entropy(F.linear(...))``, ``F.linear_cross_entropy`` with
``options=None`` and with ``LinearCrossEntropyOptions()``, and ``xentdocs.linear_cross_entropy``,
each in child processes of its own (that module's docstring says how, and which malloc settings).
Goal: xentdocs's peak memory at most a quarter of the plain path's, its time at most twice.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPHINX = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["xentdocs"]["sphinx-build"]
# Written by a build into the source folder; a copy must start without them.
BUILD_OUTPUTS = ("_build", "auto_examples", "sg_execution_times.rst", "jupyter_execute")
# What to edit: a page, a gallery script and a package module, each the first that exists.
PAGE_CHOICES = ("docs/lecture/02-softmax.md", "docs/lecture/01-one-hot.md")
EXAMPLE_CHOICES = ("examples/plot_03_find_bad_label.py", "examples/plot_02_mask_padding.py")
MODULE_CHOICES = ("xentdocs/softmax.py", "xentdocs/losses.py")

# glibc's tunables: serve every allocation from the heap and never give the heap back.
KEEP_FREED_MEMORY = {"MALLOC_MMAP_THRESHOLD_": str(2**32), "MALLOC_TRIM_THRESHOLD_": str(2**32)}

PAGES_RUN = re.compile(r"Executed notebook in [\d.]+ seconds")
EXAMPLES_RUN = re.compile(
    r"successfully executed (\d+) out of (\d+) .*?after excluding (\d+) file", flags=re.DOTALL
)
DOCS_READ = re.compile(r"updating environment: (?:\[[^\]]*\] )?(\d+) added, (\d+) changed")


# -- the copy and its edits ------------------------------------------------------------------------


def copy_repository(source: Path, dest: Path) -> Path:
    """Copy the files git would commit (tracked, or new and not ignored), else all but outputs."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=source,
            capture_output=True,
            check=True,
        ).stdout
        files = [source / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = None
    if files is None:
        ignore = shutil.ignore_patterns(*BUILD_OUTPUTS, ".git", ".nox", "__pycache__", "*.pyc")
        shutil.copytree(source, dest, ignore=ignore)
        return dest
    for path in files:
        if path.is_file():
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return dest


def first_existing(site: Path, choices: tuple[str, ...], pattern: str) -> Path:
    for choice in choices:
        if (site / choice).is_file():
            return site / choice
    return min(site.glob(pattern))


def edit_page(site: Path) -> Path:
    """Add a comment to the first code cell of a MyST page: its cells' hash changes."""
    page = first_existing(site, PAGE_CHOICES, "docs/**/*.md")
    text = page.read_text(encoding="utf-8")
    match = re.search(r"^```\{code-cell\}[^\n]*\n(?::[^\n]*\n)*", text, flags=re.MULTILINE)
    if match is None:
        raise SystemExit(f"{page} has no code cell to edit")
    stamp = f"# edited by tools/bench.py at {time.time()}\n"
    page.write_text(text[: match.end()] + stamp + text[match.end() :], encoding="utf-8")
    return page


def edit_example(site: Path) -> Path:
    script = first_existing(site, EXAMPLE_CHOICES, "examples/plot_*.py")
    with script.open("a", encoding="utf-8") as file:
        file.write(f"\n# edited by tools/bench.py at {time.time()}\n")
    return script


def edit_function(site: Path) -> Path:
    """Add a statement to the body of the first function that has one after its docstring."""
    module = first_existing(site, MODULE_CHOICES, "xentdocs/*.py")
    text = module.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and len(node.body) > 1:
            statement = node.body[1]
            lines = text.splitlines(keepends=True)
            indent = " " * statement.col_offset
            lines.insert(statement.lineno - 1, f"{indent}_edited_by_bench = {time.time()!r}\n")
            module.write_text("".join(lines), encoding="utf-8")
            return module
    raise SystemExit(f"{module} has no function to edit")


# -- one build -------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    seconds: float
    pages: int  # pages executed
    examples: int  # examples executed
    examples_total: int  # examples found, executed or not
    read: int  # documents Sphinx read
    load: float  # the machine's load average as the build started
    log: Path


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def build(site: Path, name: str, extra: list[str], logs: Path) -> Step:
    env = dict(os.environ)
    # The copy's package first, so the pages and examples import what the copy holds.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env.setdefault("OMP_NUM_THREADS", "1")
    load = load_average()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", *SPHINX, *extra],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    log_file = logs / f"{name.replace(' ', '-')}.log"
    log_file.write_text(log, encoding="utf-8")
    if result.returncode != 0:
        print(log[-4000:], file=sys.stderr)
        raise SystemExit(f"the {name} build failed (exit {result.returncode}); log: {log_file}")
    examples = EXAMPLES_RUN.search(log)
    read = DOCS_READ.search(log)
    return Step(
        name=name,
        seconds=seconds,
        pages=len(PAGES_RUN.findall(log)),
        examples=int(examples[1]) if examples else 0,
        examples_total=int(examples[2]) + int(examples[3]) if examples else 0,
        read=int(read[1]) + int(read[2]) if read else 0,
        load=load,
        log=log_file,
    )


def verdict(step: Step, cold: Step) -> tuple[str, bool]:
    """The issue's goal for a step, and whether this build met it."""
    ratio = step.seconds / cold.seconds
    if step.name == "cold":
        return "under 90 s", step.seconds < 90
    if step.name == "no-op":
        return "<= 10% of cold, runs nothing", ratio <= 0.10 and step.pages + step.examples == 0
    if step.name == "one page":
        return "<= 35% of cold, runs 1 page", ratio <= 0.35 and (step.pages, step.examples) == (
            1,
            0,
        )
    if step.name == "one example":
        met = ratio <= 0.35 and (step.pages, step.examples) == (0, 1)
        return "<= 35% of cold, runs 1 example", met
    met = (step.pages, step.examples) == (cold.pages, cold.examples)
    return "runs every page and example again", met


def bench_builds(source: Path, extra: list[str], keep: bool) -> bool:
    work = Path(tempfile.mkdtemp(prefix="xentdocs-bench-"))
    site = copy_repository(source, work / "site")
    for output in BUILD_OUTPUTS:
        if (site / output).is_dir():
            shutil.rmtree(site / output)
        (site / output).unlink(missing_ok=True)
    logs = work / "logs"
    logs.mkdir()
    print(f"copy: {site}   CPUs: {os.cpu_count()}   sphinx-build {' '.join(SPHINX + extra)}")

    steps = [build(site, "cold", extra, logs), build(site, "no-op", extra, logs)]
    for name, edit in (
        ("one page", edit_page),
        ("one example", edit_example),
        ("package", edit_function),
    ):
        edited = edit(site)
        print(f"  {name}: edited {edited.relative_to(site)}")
        steps.append(build(site, name, extra, logs))

    cold = steps[0]
    print()
    header = (
        f"{'build':<12} {'seconds':>8} {'/ cold':>7} {'pages run':>10} {'examples run':>13}"
        f" {'docs read':>10} {'load':>5}  goal"
    )
    print(header)
    print("-" * (len(header) + 36))
    all_met = True
    for step in steps:
        goal, met = verdict(step, cold)
        all_met &= met
        examples = f"{step.examples} of {step.examples_total}"
        print(
            f"{step.name:<12} {step.seconds:8.1f} {step.seconds / cold.seconds:7.1%}"
            f" {step.pages:>10} {examples:>13} {step.read:>10} {step.load:5.1f}"
            f"  {goal}: {'met' if met else 'MISSED'}"
        )
    print(f"\nbuild logs: {logs}")
    if keep:
        print(f"the copy: {site}")
    else:
        shutil.rmtree(site, ignore_errors=True)
    return all_met


# -- the package against PyTorch -------------------------------------------------------------------


def bench_package(rounds: int) -> bool:
    import torch
    import torch.nn.functional as F
    from torch.utils import benchmark

    import xentdocs

    torch.manual_seed(0)
    batch, num_classes = 4096, 1000
    logits = torch.randn(batch, num_classes, dtype=torch.float32)
    labels = torch.randint(0, num_classes, (batch,))

    def forward_backward(loss):
        def run() -> None:
            loss(logits.detach().requires_grad_(), labels).backward()

        return run

    pairs = {
        "cross_entropy, forward and backward": (
            forward_backward(F.cross_entropy),
            forward_backward(xentdocs.cross_entropy),
            2.0,
        ),
        # Each with its default dtype, as a reader calls it: int64 for torch, float32 for xentdocs.
        "one_hot": (
            lambda: F.one_hot(labels, num_classes),
            lambda: xentdocs.one_hot(labels, num_classes),
            1.5,
        ),
    }
    keeps_memory = all(os.environ.get(k) == v for k, v in KEEP_FREED_MEMORY.items())
    allocator = "keeps freed memory" if keeps_memory else "default settings"
    print(
        f"\nxentdocs from {Path(xentdocs.__file__).parent}, torch {torch.__version__},"
        f" C allocator: {allocator}"
    )
    all_met = True
    for threads in sorted({1, torch.get_num_threads()}):
        print(
            f"\nbatch {batch} x {num_classes} classes, float32, {threads} thread(s):"
            f" best of {rounds} rounds, torch and xentdocs alternating   load {load_average():.1f}"
        )
        print(f"{'function':<38} {'torch':>10} {'xentdocs':>10} {'ratio':>7}  goal")
        for name, (theirs, ours, goal) in pairs.items():
            times: dict[str, list[float]] = {"torch": [], "xentdocs": []}
            for _ in range(rounds):
                for label, function in (("torch", theirs), ("xentdocs", ours)):
                    timer = benchmark.Timer(
                        stmt="function()", globals={"function": function}, num_threads=threads
                    )
                    times[label].append(timer.blocked_autorange(min_run_time=0.2).median)
            # The best round: other work on the machine only ever adds time.
            theirs_s = min(times["torch"])
            ours_s = min(times["xentdocs"])
            ratio = ours_s / theirs_s
            all_met &= ratio <= goal
            print(
                f"{name:<38} {theirs_s * 1e3:8.2f}ms {ours_s * 1e3:8.2f}ms {ratio:6.2f}x"
                f"  <= {goal}x: {'met' if ratio <= goal else 'MISSED'}"
            )
    return all_met


# -- linear + cross-entropy at scale ---------------------------------------------------------------


def bench_linear_cross_entropy() -> bool:
    """Print tools/lce_measure.py's table (each way in its own processes); True if the goal is met."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import lce_measure

    print()
    measured = lce_measure.measure()
    print(lce_measure.format_table(measured))
    return measured["goal"]["met"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Any other argument goes to sphinx-build, e.g. -j 2.",
        allow_abbrev=False,
    )
    parser.add_argument("--only", choices=["builds", "package", "lce"], help="run one part only")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of the package timings")
    parser.add_argument("--keep", action="store_true", help="keep the built copy for a look")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument(
        "--source", type=Path, default=ROOT, help="the tree to copy (default: this repository)"
    )
    parser.add_argument(
        "--default-allocator",
        action="store_true",
        help="time the package in this process, with the C allocator's default settings",
    )
    args, sphinx_args = parser.parse_known_args()
    met = True
    if args.only in (None, "builds"):
        met &= bench_builds(args.source.resolve(), sphinx_args, args.keep)
    if args.only in (None, "package"):
        keeps_memory = all(os.environ.get(k) == v for k, v in KEEP_FREED_MEMORY.items())
        if args.default_allocator or keeps_memory:
            met &= bench_package(args.rounds)
        else:
            child = [sys.executable, __file__, "--only", "package", "--strict"]
            child += ["--rounds", str(args.rounds)]
            env = {**os.environ, **KEEP_FREED_MEMORY}
            met &= subprocess.run(child, env=env, check=False).returncode == 0
    if args.only in (None, "lce"):
        met &= bench_linear_cross_entropy()
    if args.strict and not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
