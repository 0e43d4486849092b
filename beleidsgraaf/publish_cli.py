"""The command-line side of publishing: the same gate and record as /store (see publish),
then the on-disk store is given a new version so `query` and a restarted `serve` see it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import formats, publish
from .settings import current_settings
from .errors import UserError
from .published import PublishedArea
from .rdfio import format_for
from .results import serialize_triples


def _quiet(_: str) -> None:
    pass


def checked_graph_iri(value: str, name: str = "--graph") -> str:
    """`value` if it is an absolute IRI (a graph name), else a UserError naming `name`."""
    scheme, colon, rest = value.partition(":")
    try:
        ox.NamedNode(value)
    except ValueError:
        colon = ""
    if not colon or not scheme.isascii() or not scheme[:1].isalpha() or not rest:
        raise UserError(f"{name} '{value}' is geen absolute IRI; bijv. "
                        f"{current_settings().graph_ns}gemeente-voorbeeld/plan-2026")
    return value


def import_file(path: Path, graph: str, *, steward: str, merge: bool = False, source_texts: list[Path] = (),
                log: Callable[[str], None] = _quiet) -> publish.Outcome:
    from .pipeline import read_source_texts

    graph = checked_graph_iri(graph)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: kan het bestand niet lezen: {exc.strerror}") from None
    format_for(path=path)  # an unknown suffix is said here, before the sandbox starts
    outcome = publish.publish(graph, data, steward=steward, source=str(path), merge=merge,
                              source_texts=read_source_texts(list(source_texts)))
    refresh_on_disk_store(graph, log)
    return outcome


def restore_version(graph: str, number: int, *, steward: str,
                    log: Callable[[str], None] = _quiet) -> publish.Outcome:
    outcome = publish.restore(graph, number, steward=steward)
    refresh_on_disk_store(graph, log)
    return outcome


def export_graph(graph: str, version: int | None, fmt: str) -> bytes:
    graph = checked_graph_iri(graph)
    area = PublishedArea.default()
    quads = area.read(graph, version)
    if quads is None:
        if version is not None:
            raise UserError(f"graaf <{graph}> heeft geen versie {version} met gegevens; "
                            "'beleidsgraaf history --graph ...' toont de versies")
        raise UserError(f"graaf <{graph}> is niet gepubliceerd (in {area.root}); de meegeleverde grafen staan "
                        "in data/ en in de dumps (/dataset.nq)")
    names = formats.graph_output_names()
    if fmt not in names:
        raise UserError(f"onbekend formaat '{fmt}'; kies {', '.join(names[:-1])} of {names[-1]}")
    return serialize_triples([q.triple for q in quads], formats.rdf_format_named(fmt))


def refresh_on_disk_store(graph: str, log: Callable[[str], None]) -> None:
    """Give the built store (if there is one) a new version with the published graphs as
    they now are. A running `serve` keeps its version until it restarts; writes through
    /store go live at once."""
    from .backends import is_store_spec
    from .backends.oxigraph_store import Store

    link = current_settings().store_dir
    if is_store_spec(str(link)) or not Path(link).is_dir():
        return
    area = PublishedArea.default()
    with area.writing():
        publish.rebuild_store_version(Path(link), area, current_settings(), source=Store.open(Path(link)), changed=graph)
    log(f"store at {link} updated; a running 'beleidsgraaf serve' shows the change after a restart "
        "(writes through /store show at once)")
