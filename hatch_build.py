"""Where the site and the repository live, read from the environment; the package's project URLs.

One place answers "what is this site's public address, and where is its repository?" for both the
Sphinx build (``_ext/hosting.py`` loads this file) and the package's metadata (hatchling runs the
``CustomMetadataHook`` below, so the wheel published inside the site and the one sent to PyPI name
the same addresses as the site's buttons). Only the standard library is needed to read them.

``XENTDOCS_BASEURL``
    The site's public address, for example ``https://example.github.io/xentdocs/``. On Read the
    Docs, ``READTHEDOCS_CANONICAL_URL`` is used when this is unset. Unset for a local build.
``XENTDOCS_REPOSITORY_URL``
    The repository's web address, for example ``https://github.com/example/xentdocs``: the site
    shows repository, issue and "edit this page" buttons, and the package lists it. On Read the
    Docs an ``https`` clone URL (``READTHEDOCS_GIT_CLONE_URL``) is used when this is unset.
``XENTDOCS_REPOSITORY_BRANCH``
    The branch the "edit this page" buttons edit; ``main`` when unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


class AddressError(ValueError):
    """A configured address is not one the site can use."""


def _absolute_http_url(value: str, variable: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise AddressError(
            f"{variable} must be the {what} as an absolute http(s) URL without query or fragment,"
            f" such as https://example.github.io/xentdocs/; got {value!r}"
        )
    return value


def base_url(environ: Mapping[str, str] = os.environ) -> str:
    """The site's public address ending in ``/``, or ``""`` when none is configured."""
    for variable in ("XENTDOCS_BASEURL", "READTHEDOCS_CANONICAL_URL"):
        value = environ.get(variable, "").strip()
        if value:
            url = _absolute_http_url(value, variable, "site's public address")
            return url if url.endswith("/") else url + "/"
    return ""


def repository_url(environ: Mapping[str, str] = os.environ) -> str:
    """The repository's web address without a trailing ``/``, or ``""`` when none is configured."""
    value = environ.get("XENTDOCS_REPOSITORY_URL", "").strip()
    if value:
        return _absolute_http_url(value, "XENTDOCS_REPOSITORY_URL", "repository's web address")
    clone = environ.get("READTHEDOCS_GIT_CLONE_URL", "").strip()
    if clone.startswith("https://"):
        return clone.removesuffix(".git").rstrip("/")
    return ""


def repository_branch(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get("XENTDOCS_REPOSITORY_BRANCH", "").strip() or "main"


def project_urls(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The ``[project.urls]`` of the package: the site and the repository, where configured."""
    urls = {}
    site = base_url(environ)
    if site:
        urls["Documentation"] = site
    repository = repository_url(environ)
    if repository:
        branch = repository_branch(environ)
        urls["Repository"] = repository
        urls["Issues"] = f"{repository}/issues"
        urls["Changelog"] = f"{repository}/blob/{branch}/CHANGELOG.md"
    return urls


try:
    from hatchling.metadata.plugin.interface import MetadataHookInterface
except ImportError:  # read by the Sphinx build, where only the functions above are used
    pass
else:

    class CustomMetadataHook(MetadataHookInterface):
        """Fill ``[project] urls`` (declared dynamic) from the environment."""

        def update(self, metadata: dict[str, Any]) -> None:
            try:
                metadata["urls"] = project_urls()
            except AddressError as error:
                raise ValueError(str(error)) from None
