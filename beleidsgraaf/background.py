"""The one background graph an upload is validated with, wherever it is validated.

`/validate`, `PUT`/`POST /store`, `beleidsgraaf validate`, `beleidsgraaf import` and
spreadsheets all check new data together with what already exists, so that links to
existing entities resolve and the shapes that look across graphs see them. What "already
exists" is defined here only: the shipped data files (data/, not the ontology, which
validation adds itself) and every current published graph without its provenance records,
less the graph the upload replaces. The same files are what `build` and a published write
put in the store, so the background is what the served store holds, read from its sources.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph

from .settings import Settings, current_settings
from .shipped import data_files, read_graph_file
from .published import PROV_GRAPH_NAME, PublishedArea
from .rdfio import to_graph


def validation_background(exclude: str | None = None, *, area: PublishedArea | None = None,
                          cfg: Settings | None = None) -> Graph:
    """The shipped data and every published graph but `exclude`, as one rdflib graph."""
    cfg = cfg or current_settings()
    area = area or PublishedArea.default(cfg)
    prov = cfg.graph_ns + PROV_GRAPH_NAME
    published = [q for q in area.all_quads(cfg, exclude=exclude) if q.graph_name.value != prov]
    return to_graph(published, to_graph(shipped_data_quads(cfg)))


def shipped_data_quads(cfg: Settings | None = None) -> list[ox.Quad]:
    """The data files' quads, read again only when a file changed."""
    cfg = cfg or current_settings()
    files = data_files(cfg)
    return _read_cached(cfg, tuple((gf, gf.path.stat().st_mtime_ns) for gf in files))


@lru_cache(maxsize=2)
def _read_cached(cfg: Settings, files: tuple) -> list[ox.Quad]:
    return [q for gf, _ in files for q in read_graph_file(gf, cfg)]
