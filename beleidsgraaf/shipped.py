"""The shipped files: which files make up the model (ontology/), the constraints (shapes/) and
the facts (data/), and the named graph each is loaded into."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .settings import Settings, current_settings
from .namespaces import PREFIXES
from .rdfio import read_file, rebase, to_graph

if TYPE_CHECKING:
    from rdflib import Graph


@dataclass(frozen=True)
class GraphFile:
    """One Turtle file and the named graph it is loaded into."""

    path: Path
    graph_iri: str


def ontology_files(cfg: Settings) -> list[GraphFile]:
    return [GraphFile(p, cfg.graph_ns + "ontology") for p in sorted(cfg.ontology_dir.glob("*.ttl"))]


def shape_files(cfg: Settings) -> list[GraphFile]:
    return [GraphFile(p, cfg.graph_ns + "shapes") for p in sorted(cfg.shapes_dir.glob("*.ttl"))]


def data_files(cfg: Settings) -> list[GraphFile]:
    return [GraphFile(p, cfg.graph_ns + p.stem) for p in sorted(cfg.data_dir.glob("*.ttl"))]


def read_graph_file(gf: GraphFile, cfg: Settings) -> list[ox.Quad]:
    """The file's triples as quads in its named graph, IRIs moved to the configured base."""
    graph = ox.NamedNode(gf.graph_iri)
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in rebase(read_file(gf.path), cfg.base)]


def load_graph(files: list[GraphFile], cfg: Settings | None = None) -> Graph:
    from rdflib import Graph

    cfg = cfg or current_settings()
    graph = Graph()
    for gf in files:
        to_graph(read_graph_file(gf, cfg), graph)
    bind_prefixes(graph)
    return graph


def bind_prefixes(graph: Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)




@lru_cache(maxsize=4)
def ontology_graph(cfg: Settings | None = None) -> Graph:
    cfg = cfg or current_settings()
    return load_graph(ontology_files(cfg), cfg)


@lru_cache(maxsize=4)
def shapes_graph(cfg: Settings | None = None) -> Graph:
    cfg = cfg or current_settings()
    return load_graph(shape_files(cfg), cfg)


def shipped_graph(cfg: Settings | None = None) -> Graph:
    """Ontology plus all shipped data in one rdflib Graph (for validation and reasoning)."""
    cfg = cfg or current_settings()
    return load_graph(ontology_files(cfg) + data_files(cfg), cfg)
