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

import pytest
import torch

import xentdocs

# Every module of the package, subpackages' modules included (xentdocs.check is a package).
MODULES = [xentdocs] + [
    importlib.import_module(module.name)
    for module in pkgutil.walk_packages(xentdocs.__path__, prefix="xentdocs.")
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


FINDER = doctest.DocTestFinder()
# Each docstring's examples, found once in the module that defines the object (the finder skips
# names a module only imports), so each runs once.
DOCTESTS = [
    test for module in MODULES for test in FINDER.find(module, module.__name__) if test.examples
]


@pytest.mark.parametrize("test", DOCTESTS, ids=[test.name for test in DOCTESTS])
def test_the_example_prints_what_it_shows(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner()
    report = io.StringIO()
    with torch.device("cpu"):
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()


@pytest.mark.parametrize("name", PUBLIC_OBJECTS)
def test_every_public_function_has_an_example(name: str) -> None:
    obj = public_object(name)
    qualified = f"{obj.__module__}.{obj.__qualname__}"
    assert any(test.name == qualified for test in DOCTESTS), (
        f"xentdocs.{name} has no example in its docstring (none of the doctests run is {qualified})"
    )


def test_the_public_api_is_what_the_docs_list() -> None:
    top_level = [name for name in PUBLIC_OBJECTS if "." not in name]
    assert len(top_level) + len(PUBLIC_MODULES) == len(xentdocs.__all__) - 1  # but __version__
    assert xentdocs.__version__ == "0.1.0"
