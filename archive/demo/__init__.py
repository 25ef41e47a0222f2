"""The bundled demo site: a fictional newspaper citing a fictional ministry, in three states.
Imports only the read side (`index`, `versions`, `report`, `replay.urls`, `store`) for the
demo's closing tour, and `exceptions`.

``DemoSite`` (from :mod:`archive.demo.site`) serves it on loopback for ``palimpsest demo`` and
for tests; the content lives in TOML files beside these modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.demo.site import DemoSite

__all__ = ["DemoSite"]


def __getattr__(name: str) -> Any:
    # Imported on first use rather than here, so that `python -m archive.demo.site` does not find
    # its own module already imported by the package (runpy warns about that).
    if name == "DemoSite":
        from archive.demo.site import DemoSite

        return DemoSite
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
