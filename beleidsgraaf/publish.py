"""Data stewards publish: the one write path that the /store router and the CLI
(`import`, `restore`) share.

A write goes through four steps, all under the published area's lock:
1. the gate: the upload is parsed and the new content of the graph is validated with
   SHACL in the validation sandbox (a confined child with time, memory and triple limits;
   this process never parses a steward's upload), together with the shipped data and
   every other published graph (background.py, so links to existing entities resolve);
   any violation rejects the whole write with the report, and nothing changes;
2. the precondition: an If-Match ETag must name the graph's current version (412 else);
3. the record: the version and its PROV-O record are written atomically (see published);
4. going live: `refresh_live_store` makes the running store see the new data, and every
   function registered with `on_accepted_write` is called (e.g. a search index). A failure
   here leaves the write recorded; the next write or `build` brings the store up to date.

The worker pool (beleidsgraaf.workers) is touched only through `refresh_live_store`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pyoxigraph as ox

from . import __version__
from .settings import Settings, current_settings
from .shipped import data_files, ontology_files, shape_files
from .errors import UserError
from .namespaces import PREFIXES, PROV
from .published import PROV_GRAPH_NAME, PublishedArea, Version, graph_key

if TYPE_CHECKING:
    from .validation import ValidationReport
    from .validation_sandbox import Sandbox, Upload

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")

AfterWrite = Callable[[str, "list[ox.Quad] | None"], None]
_after_write: list[AfterWrite] = []


class Rejected(UserError):
    """The write does not conform to the shapes; `report` says why."""

    def __init__(self, report: ValidationReport):
        super().__init__(f"niet gepubliceerd: {report.summary_nl()}")
        self.report = report


class PreconditionFailed(UserError):
    def __init__(self, message: str, current: Version | None):
        super().__init__(message)
        self.current = current


class ProtectedGraph(UserError):
    """A graph that is not a steward's to write (the ontology, the shipped data, provenance)."""


class UnknownVersion(UserError):
    pass


@dataclass(frozen=True)
class Outcome:
    version: Version
    created: bool  # the graph had no current version before
    triples: int
    report: ValidationReport | None


def on_accepted_write(function: AfterWrite) -> AfterWrite:
    """Call `function(graph, quads)` after every accepted write (quads None: deleted). The
    hook for indexes that must follow the data, such as search."""
    _after_write.append(function)
    return function


# -- the writes ----------------------------------------------------------------------------

def publish(graph: str, data: bytes, *, steward: str, source: str = "invoer", fmt_name: str | None = None,
            media_type: str | None = None, merge: bool = False, if_match: str | None = None,
            if_none_match: str | None = None, store=None, area: PublishedArea | None = None,
            cfg: Settings | None = None, source_texts: dict[str, str] | None = None,
            sandbox: "Sandbox | None" = None, parts: tuple[tuple[bytes, str, str], ...] = ()) -> Outcome:
    """Replace (PUT) or extend (POST, `merge`) the published graph `graph` with the RDF in
    `data` (its format from `fmt_name`, `media_type` or the suffix of `source`), or in
    `parts` ((bytes, media type, name) each, a multipart POST) instead; quotes are
    checked against `source_texts` (name -> text) and shipped source texts. The upload is
    parsed and validated in the validation sandbox, never in this process."""
    from .validation_sandbox import Upload

    cfg = cfg or current_settings()
    area = area or PublishedArea.default(cfg)
    check_writable_graph(graph, cfg)
    with area.writing():
        current = area.current(graph)
        check_preconditions(current, if_match, if_none_match)
        content, report = gate(Upload(data, fmt_name, media_type, source, True, source_texts=tuple(
            (source_texts or {}).items()), publish_to=graph, merge=merge, published_dir=str(area.root),
            parts=parts), sandbox)
        action = "aangevuld" if merge and current and not current.deleted else "gepubliceerd"
        version = _record(area, graph, content, current, cfg, steward=steward, action=action,
                          file_hash=_sha256(data or b"".join(part[0] for part in parts)))
        _go_live(store, area, graph, content, cfg)  # under the lock: two new store versions never race
    return Outcome(version, created=current is None or current.deleted, triples=len(content), report=report)


def delete(graph: str, *, steward: str, if_match: str | None = None, store=None,
           area: PublishedArea | None = None, cfg: Settings | None = None) -> Version:
    cfg = cfg or current_settings()
    area = area or PublishedArea.default(cfg)
    check_writable_graph(graph, cfg)
    with area.writing():
        current = area.current(graph)
        if current is None or current.deleted:
            raise UnknownVersion(f"graaf <{graph}> is niet gepubliceerd; er is niets te verwijderen")
        check_preconditions(current, if_match, None)
        version = _record(area, graph, None, current, cfg, steward=steward, action="verwijderd", file_hash=None)
        _go_live(store, area, graph, None, cfg)
    return version


def restore(graph: str, number: int, *, steward: str, store=None, area: PublishedArea | None = None,
            cfg: Settings | None = None, sandbox: "Sandbox | None" = None) -> Outcome:
    """Make an earlier version current again, as a new version (history only grows); it
    passes the same gate, since the data around it may have changed since."""
    from .validation_sandbox import Upload

    cfg = cfg or current_settings()
    area = area or PublishedArea.default(cfg)
    check_writable_graph(graph, cfg)
    with area.writing():
        current = area.current(graph)
        if not any(v.number == number for v in area.versions(graph)):
            known = ", ".join(str(v.number) for v in area.versions(graph)) or "geen"
            raise UnknownVersion(f"graaf <{graph}> heeft geen versie {number}; bekende versies: {known}")
        content = area.read(graph, number)
        if content is None:
            raise UnknownVersion(f"versie {number} van <{graph}> is een verwijdering; kies een versie met "
                                 "gegevens, of verwijder de graaf")
        content, report = gate(Upload(ox.serialize(content, format=ox.RdfFormat.N_QUADS), None, "application/n-quads",
                                      f"versie {number}", True, publish_to=graph, published_dir=str(area.root)), sandbox)
        version = _record(area, graph, content, current, cfg, steward=steward,
                          action=f"teruggezet naar versie {number}", file_hash=None, restored=number)
        _go_live(store, area, graph, content, cfg)
    return Outcome(version, created=current is None or current.deleted, triples=len(content), report=report)


def check_preconditions(current: Version | None, if_match: str | None, if_none_match: str | None) -> None:
    exists = current is not None and not current.deleted
    if if_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
        if not exists or ("*" not in tags and current.etag not in tags):
            now = current.etag if exists else "geen (de graaf bestaat niet)"
            raise PreconditionFailed(f"de graaf is intussen gewijzigd: If-Match {if_match}, huidige versie {now}; "
                                     "haal de graaf opnieuw op (GET), voeg uw wijziging samen en stuur opnieuw",
                                     current)
    if if_none_match is not None and if_none_match.strip() == "*" and exists:
        raise PreconditionFailed(f"de graaf bestaat al (versie {current.etag}); laat If-None-Match weg om "
                                 "hem te vervangen", current)


def check_writable_graph(graph: str, cfg: Settings) -> None:
    shipped = {gf.graph_iri for gf in ontology_files(cfg) + data_files(cfg) + shape_files(cfg)}
    reserved = shipped | {cfg.graph_ns + "inferred", cfg.graph_ns + PROV_GRAPH_NAME}
    if graph in reserved:
        raise ProtectedGraph(f"graaf <{graph}> hoort bij de meegeleverde gegevens en is alleen te wijzigen "
                             "in de bronbestanden (data/, ontology/) met 'beleidsgraaf build'; kies een eigen "
                             f"graaf, bijv. {cfg.graph_ns}gemeente-voorbeeld/plan-2026")


# -- the gate ------------------------------------------------------------------------------

def gate(upload: "Upload", sandbox: "Sandbox | None" = None) -> tuple[list[ox.Quad], ValidationReport]:
    """The new content of `upload.publish_to` and its report, from the validation sandbox
    (parsed, merged and checked there with SHACL and quotes against the shipped data and
    every other published graph, see background.py); Rejected on any violation."""
    from .validation_sandbox import Sandbox

    own = sandbox is None
    sandbox = sandbox or Sandbox(keep_spare=False)
    try:
        content, report = sandbox.publication(upload)
    finally:
        if own:
            sandbox.close()
    if report.violations:
        raise Rejected(report)
    return content, report


def in_graph(graph: str, quads: list[ox.Quad]) -> list[ox.Quad]:
    name = ox.NamedNode(graph)
    return list({ox.Quad(q.subject, q.predicate, q.object, name) for q in quads})


# -- provenance ----------------------------------------------------------------------------

def shapes_version(cfg: Settings) -> str:
    digest = hashlib.sha256()
    for gf in shape_files(cfg):
        digest.update(gf.path.read_bytes())
    return digest.hexdigest()


def _record(area: PublishedArea, graph: str, content: list[ox.Quad] | None, current: Version | None,
            cfg: Settings, *, steward: str, action: str, file_hash: str | None, restored: int | None = None) -> Version:
    number = (current.number if current else 0) + 1
    provenance = provenance_record(graph, number, cfg, steward=steward, action=action, file_hash=file_hash,
                                   previous=current.number if current else None, restored=restored,
                                   triples=None if content is None else len(content))
    return area.write_version(graph, content, provenance, number)


def version_iri(graph: str, number: int, cfg: Settings) -> str:
    return f"{cfg.base}provenance/{graph_key(graph)}/v{number}"


def provenance_record(graph: str, number: int, cfg: Settings, *, steward: str, action: str,
                      file_hash: str | None, previous: int | None, restored: int | None,
                      triples: int | None) -> bytes:
    """The PROV-O record of one write: the version (an entity specialising the graph),
    the activity that made it, the steward, the submitted file's hash and the shapes used."""
    now = ox.Literal(datetime.now(timezone.utc).isoformat(timespec="seconds"), datatype=XSD_DATETIME)
    version = ox.NamedNode(version_iri(graph, number, cfg))
    activity = ox.NamedNode(version.value + "/activiteit")
    agent = ox.NamedNode(f"{cfg.base}steward/{_slug(steward)}")
    shapes = ox.NamedNode(f"{cfg.base}shapes/{shapes_version(cfg)[:16]}")
    p = lambda name: ox.NamedNode(PROV + name)  # noqa: E731
    triples = [
        (version, RDF_TYPE, p("Entity")),
        (version, p("specializationOf"), ox.NamedNode(graph)),
        (version, RDFS_LABEL, ox.Literal(f"versie {number}: {action}" +
                                         (f" ({triples} triples)" if triples is not None else ""), language="nl")),
        (version, p("wasGeneratedBy"), activity),
        (version, p("generatedAtTime"), now),
        (activity, RDF_TYPE, p("Activity")),
        (activity, RDFS_LABEL, ox.Literal(action, language="nl")),
        (activity, p("endedAtTime"), now),
        (activity, p("wasAssociatedWith"), agent),
        (activity, p("used"), shapes),
        (agent, RDF_TYPE, p("Agent")),
        (agent, RDFS_LABEL, ox.Literal(steward)),
        (shapes, RDF_TYPE, p("Entity")),
        (shapes, RDFS_LABEL, ox.Literal(f"SHACL-vormen van beleidsgraaf {__version__}", language="nl")),
        (shapes, DCT_IDENTIFIER, ox.Literal("sha256:" + shapes_version(cfg))),
    ]
    if file_hash:
        triples.append((version, DCT_IDENTIFIER, ox.Literal("sha256:" + file_hash)))
    if previous:
        triples.append((version, p("wasRevisionOf"), ox.NamedNode(version_iri(graph, previous, cfg))))
    if restored:
        triples.append((activity, p("used"), ox.NamedNode(version_iri(graph, restored, cfg))))
    return ox.serialize([ox.Triple(*t) for t in triples], format=ox.RdfFormat.TURTLE,
                        prefixes={name: PREFIXES[name] for name in ("prov", "rdfs", "dcterms")})


def history(graph: str, area: PublishedArea | None = None, cfg: Settings | None = None) -> list[dict]:
    """Each version of `graph`, oldest first, as its PROV-O record says: what was done, by
    whom, when, the submitted file's hash and the shapes it was validated with."""
    cfg = cfg or current_settings()
    area = area or PublishedArea.default(cfg)
    current = area.current(graph)
    out = []
    for version in area.versions(graph):
        triples = list(ox.parse(area.provenance(graph, version.number) or b"", format=ox.RdfFormat.TURTLE))
        value = lambda s, p: next((t.object.value for t in triples if t.subject == s and t.predicate == p), None)  # noqa: E731
        entity = ox.NamedNode(version_iri(graph, version.number, cfg))
        activity = ox.NamedNode(entity.value + "/activiteit")
        agent = ox.NamedNode(value(activity, ox.NamedNode(PROV + "wasAssociatedWith")) or "urn:x")
        shapes = next((t.object for t in triples if t.subject == activity and t.predicate.value == PROV + "used"
                       and t.object.value.startswith(cfg.base + "shapes/")), ox.NamedNode("urn:x"))
        file_hash = value(entity, DCT_IDENTIFIER)
        out.append({"version": version.number, "etag": version.etag, "current": version == current,
                    "deleted": version.deleted, "action": value(activity, RDFS_LABEL),
                    "steward": value(agent, RDFS_LABEL), "time": value(entity, ox.NamedNode(PROV + "generatedAtTime")),
                    "file_sha256": file_hash.removeprefix("sha256:") if file_hash else None,
                    "shapes_sha256": (value(shapes, DCT_IDENTIFIER) or "").removeprefix("sha256:") or None,
                    "provenance": entity.value})
    return out


# -- going live ----------------------------------------------------------------------------

def refresh_live_store(store, area: PublishedArea, graph: str, content: list[ox.Quad] | None, cfg: Settings) -> None:
    """Make the running `store` show the published area as it now is: the one function
    between a write and what queries, pages and dumps see.

    - an in-process store (Oxigraph or rdflib in memory) replaces the graph and the
      provenance graph in place;
    - the on-disk store served by worker processes (which open it read-only and cannot see
      writes) gets a new store version holding everything it held, with the published
      graphs as they now are; the link is swapped and the workers move to it.
    """
    if store is None:
        return
    prov = cfg.graph_ns + PROV_GRAPH_NAME
    if hasattr(store, "replace_graph"):
        store.replace_graph(graph, content or [])
        store.replace_graph(prov, area.provenance_quads(cfg))
        return
    if hasattr(store, "reopen"):
        rebuild_store_version(store.link, area, cfg, source=store, changed=graph)
        store.reopen()
        return
    raise UserError("deze opslag kan geen gepubliceerde grafen tonen zonder herstart; start de dienst opnieuw")


def load_published(store, cfg: Settings | None = None) -> int:
    """Put the published graphs into an in-memory store that was filled with the shipped
    data only (serve --memory): a restart must not hide what stewards published."""
    cfg = cfg or current_settings()
    area = PublishedArea.default(cfg)
    quads = area.all_quads(cfg)
    if quads and hasattr(store, "add_quads"):
        store.add_quads(quads)
    return len(quads)


def rebuild_store_version(link: Path, area: PublishedArea, cfg: Settings, *, source, changed: str | None) -> int:
    """Write a new version of the on-disk store at `link`: what `source` holds, with the
    published graphs (and their provenance) replaced by what the published area holds."""
    from .backends.oxigraph_store import build_store

    replaced = set(area.graphs()) | {cfg.graph_ns + PROV_GRAPH_NAME} | ({changed} if changed else set())
    kept = [q for q in source.quads() if q.graph_name.value not in replaced]
    return build_store(Path(link), cfg, quads=kept + area.all_quads(cfg))


def _go_live(store, area: PublishedArea, graph: str, content: list[ox.Quad] | None, cfg: Settings) -> None:
    refresh_live_store(store, area, graph, content, cfg)
    for function in list(_after_write):
        try:
            function(graph, content)
        except Exception:  # an index that cannot follow must not undo or fail an accepted write
            logging.getLogger("beleidsgraaf.publish").exception("after-write hook %r failed on <%s>", function, graph)


# -- helpers -------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "onbekend"
