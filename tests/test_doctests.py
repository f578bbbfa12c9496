"""The Examples in every docstring run and print what they show.

The pages link to these docstrings, so an example that no longer prints what it shows would
teach something false. They run on the CPU even under ``XENTDOCS_TEST_DEVICE``: what they print
is what a reader sees on a CPU (on a GPU every tensor would also print ``device='cuda:0'``).
"""

import doctest
import importlib
import inspect
import io
import pkgutil
from types import ModuleType

import pytest
import torch

import xentdocs

MODULES = [xentdocs] + [
    importlib.import_module(f"xentdocs.{module.name}")
    for module in pkgutil.iter_modules(xentdocs.__path__)
]
# Public submodules (``xentdocs.check``) are listed in ``__all__`` too; their own ``__all__``
# names functions and classes that need examples like the top-level ones.
PUBLIC_MODULES = [name for name in xentdocs.__all__ if inspect.ismodule(getattr(xentdocs, name))]
PUBLIC_OBJECTS = [
    name
    for name in xentdocs.__all__
    if inspect.isfunction(getattr(xentdocs, name)) or inspect.isclass(getattr(xentdocs, name))
] + [f"{module}.{name}" for module in PUBLIC_MODULES for name in getattr(xentdocs, module).__all__]


def public_object(dotted_name: str) -> object:
    """``xentdocs.<dotted_name>``: a top-level name, or ``module.name`` in a public submodule."""
    obj: object = xentdocs
    for part in dotted_name.split("."):
        obj = getattr(obj, part)
    return obj


def run_doctests(obj: object, name: str, module: ModuleType) -> doctest.TestResults:
    """Run the doctests found on ``obj``; fail with the doctest report if any example fails."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    report = io.StringIO()
    with torch.device("cpu"):
        for test in finder.find(obj, name, module=module):
            runner.run(test, out=report.write)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, report.getvalue()
    return results


@pytest.mark.parametrize("module", MODULES, ids=[module.__name__ for module in MODULES])
def test_every_example_in_the_module_passes(module: ModuleType) -> None:
    run_doctests(module, module.__name__, module)


@pytest.mark.parametrize("name", PUBLIC_OBJECTS)
def test_every_public_function_has_a_passing_example(name: str) -> None:
    obj = public_object(name)
    module = importlib.import_module(obj.__module__)
    results = run_doctests(obj, f"{module.__name__}.{name.rpartition('.')[2]}", module)
    assert results.attempted >= 1, f"xentdocs.{name} has no example in its docstring"


def test_the_public_api_is_what_the_docs_list() -> None:
    top_level = [name for name in PUBLIC_OBJECTS if "." not in name]
    assert len(top_level) + len(PUBLIC_MODULES) == len(xentdocs.__all__) - 1  # but __version__
    assert xentdocs.__version__ == "0.1.0"
