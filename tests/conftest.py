"""Fixtures shared by the tests: the device the package's tests run on, and a built site.

``XENTDOCS_TEST_DEVICE=cuda`` (any torch device name) runs the package's tests on that
device: every tensor a test makes without ``device=`` lands there. Unset, they run on the CPU.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import torch
from builtsite import Host, baked_base_url
from sitetools import build, build_env, copy_site, output_of

if TYPE_CHECKING:
    from playwright.sync_api import Browser

TEST_DEVICE_VARIABLE = "XENTDOCS_TEST_DEVICE"
TEST_DEVICE_KEY = pytest.StashKey[torch.device | None]()  # the checked device, None when unset

# A fixed timestamp, so dates in the pages do not differ between two builds.
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01 00:00:00 UTC


def requested_test_device() -> torch.device | None:
    """The device ``XENTDOCS_TEST_DEVICE`` names, checked to be usable; None when it is unset.

    A device this machine lacks is an error, not a skip: a run meant for the GPU must not pass
    quietly on the CPU.
    """
    name = os.environ.get(TEST_DEVICE_VARIABLE, "").strip()
    if not name:
        return None
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise pytest.UsageError(
            f"{TEST_DEVICE_VARIABLE} must name a torch device such as 'cuda' or 'cuda:1',"
            f" got {name!r} ({error})"
        ) from error
    if device.type == "meta":
        raise pytest.UsageError(
            f"{TEST_DEVICE_VARIABLE} must name a device that holds values, got {name!r}"
            "; meta tensors have shapes only, so no result could be compared"
        )
    try:
        # Resolves "cuda" to "cuda:0", so results compare equal to the devices tests expect.
        return torch.empty(0, device=device).device
    except (RuntimeError, AssertionError) as error:  # torch's CPU builds raise AssertionError
        raise pytest.UsageError(
            f"{TEST_DEVICE_VARIABLE}={name!r} names a device this machine cannot use: {error}"
            f"; unset {TEST_DEVICE_VARIABLE} to run the tests on the CPU"
        ) from error


def pytest_configure(config: pytest.Config) -> None:
    """Check XENTDOCS_TEST_DEVICE and make it the default device before any test module loads.

    Setting it here, not only per test, puts the tensors that test modules make at import
    time (module-level constants) on the device too.
    """
    device = requested_test_device()
    config.stash[TEST_DEVICE_KEY] = device
    if device is not None:
        torch.set_default_device(device)


@pytest.fixture(scope="session")
def device_under_test(pytestconfig: pytest.Config) -> torch.device:
    """The device the package's tests make their tensors on: XENTDOCS_TEST_DEVICE, or the CPU."""
    device = pytestconfig.stash[TEST_DEVICE_KEY]
    return torch.device("cpu") if device is None else device


@pytest.fixture(autouse=True)
def _tensors_on_device_under_test(pytestconfig: pytest.Config) -> None:
    """With XENTDOCS_TEST_DEVICE set, each test starts with it as the default device.

    So a test that changed the default device cannot move the tests after it elsewhere.
    """
    device = pytestconfig.stash[TEST_DEVICE_KEY]
    if device is not None:
        torch.set_default_device(device)


# A test that asks for one of these needs the session's built site.
SITE_FIXTURES = frozenset({"built_site", "second_built_site", "site_host", "site_base_url"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``site`` every test that uses the built site, so ``-m "not site"`` leaves it out.

    Tests that build copies of their own carry the mark themselves (``pytestmark``).
    """
    for item in items:
        if SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)


def build_full_site(dest: Path, base_url: str) -> Path:
    """Copy the whole site to ``dest``, build it for ``base_url``, return the ``_build/html`` folder."""
    site = copy_site(dest)
    env = build_env(site, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, XENTDOCS_BASEURL=base_url)
    for variable in ("READTHEDOCS_CANONICAL_URL", "XENTDOCS_REPOSITORY_URL"):
        env.pop(variable, None)  # the tests' site has no repository buttons to link elsewhere
    result = build(site, env=env)
    assert result.returncode == 0, "the site must build:\n" + output_of(result)
    return site / "_build" / "html"


@pytest.fixture(scope="session")
def site_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    """The static host of the session's site on 127.0.0.1: its port is reserved before the build.

    The site is built for this address (``XENTDOCS_BASEURL``), as a hosted site is, and served
    here (a missing page gets the site's 404 page). With ``XENTDOCS_BUILT_SITE``, the reused
    build is served at the address it was built for, when it has one.
    """
    reuse = os.environ.get("XENTDOCS_BUILT_SITE")
    if reuse:
        folder = Path(reuse).resolve()
        port = urlsplit(baked_base_url(folder)).port or 0
    else:
        folder = tmp_path_factory.mktemp("built") / "site" / "_build" / "html"
        port = 0
    host = Host(folder, port).start()
    yield host
    host.close()


@pytest.fixture(scope="session")
def site_base_url(site_host: Host) -> str:
    """The address the session's site is built for and served at: ``http://127.0.0.1:<port>/``."""
    return site_host.url


@pytest.fixture(scope="session")
def built_site(site_host: Host) -> Path:
    """The HTML of a clean build of the whole site, made once per test session.

    It is built for the address ``site_host`` serves it at. ``XENTDOCS_BUILT_SITE=path/to/html``
    reuses a build you made yourself (with ``XENTDOCS_BASEURL=http://127.0.0.1:<free port>/`` for
    the checks of a hosted site), to iterate on the checks without rebuilding each time.
    """
    if os.environ.get("XENTDOCS_BUILT_SITE"):
        return site_host.folder
    return build_full_site(site_host.folder.parent.parent, site_host.url)


@pytest.fixture(scope="session")
def source_date_epoch() -> int:
    """The SOURCE_DATE_EPOCH every build of the tests runs with."""
    return int(SOURCE_DATE_EPOCH)


@pytest.fixture(scope="session")
def second_built_site(
    built_site: Path, site_base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A second clean build of the whole site, made after ``built_site``, to compare with it.

    Built for the same address as ``built_site``. ``XENTDOCS_SECOND_BUILT_SITE=path/to/html``
    reuses another clean build of your own.
    """
    reuse = os.environ.get("XENTDOCS_SECOND_BUILT_SITE")
    if reuse:
        return Path(reuse).resolve()
    return build_full_site(tmp_path_factory.mktemp("second") / "site", site_base_url)


# One Chromium for the whole session: Playwright's sync API runs one event loop per thread, so a
# second ``sync_playwright()`` while another is open fails ("Sync API inside the asyncio loop").
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: the browser tests need it. On Debian or Ubuntu run "
            "`apt-get install chromium`, or name another binary in XENTDOCS_CHROMIUM. "
            "(These tests fail rather than skip, so a CI without a browser cannot pass.)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
