"""The Examples in every docstring run and print what they show.

The pages link to these docstrings, so an example that no longer prints what it shows would
teach something false.
"""

import doctest
import importlib
import inspect
import io
import pkgutil
from types import ModuleType

import pytest

import xentdocs

MODULES = [xentdocs] + [
    importlib.import_module(f"xentdocs.{module.name}")
    for module in pkgutil.iter_modules(xentdocs.__path__)
]
PUBLIC_OBJECTS = [
    name
    for name in xentdocs.__all__
    if inspect.isfunction(getattr(xentdocs, name)) or inspect.isclass(getattr(xentdocs, name))
]


def run_doctests(obj: object, name: str, module: ModuleType) -> doctest.TestResults:
    """Run the doctests found on ``obj``; fail with the doctest report if any example fails."""
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    report = io.StringIO()
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
    obj = getattr(xentdocs, name)
    module = importlib.import_module(obj.__module__)
    results = run_doctests(obj, f"{module.__name__}.{name}", module)
    assert results.attempted >= 1, f"xentdocs.{name} has no example in its docstring"


def test_the_public_api_is_what_the_docs_list() -> None:
    assert len(PUBLIC_OBJECTS) == len(xentdocs.__all__) - 1  # all but __version__
    assert xentdocs.__version__ == "0.1.0"
