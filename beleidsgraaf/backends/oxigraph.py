"""The Oxigraph backend: pyoxigraph in memory or persistent on disk, the default for
`serve`. It lives in `beleidsgraaf.store` (with `build_store`, the atomic on-disk build);
this module names it among the backends."""

from __future__ import annotations

from ..store import Store as OxigraphStore
from ..store import build_store

__all__ = ["OxigraphStore", "build_store"]
