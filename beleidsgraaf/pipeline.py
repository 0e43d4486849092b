"""The one-way flow: files -> validation -> store -> service. Small steps the CLI and the
API share."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .backends import QueryStore, is_remote_spec, is_store_spec, open_store
from .config import settings
from .dataset import GraphFile, data_files, ontology_files, ontology_graph, read_graph_file
from .errors import UserError
from .rdfio import read_file, to_graph
from .published import PROV_GRAPH_NAME, PublishedArea
from .store import Store, build_store, read_shipped_quads
from .validation import ValidationReport, validate_graph

RDF_SUFFIXES = {".ttl", ".nt", ".jsonld", ".json", ".rdf", ".owl", ".xml", ".trig", ".nq"}


def _quiet(_: str) -> None:
    pass


def collect_rdf_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in RDF_SUFFIXES and p.is_file())
            if not found:
                raise UserError(f"{path}: folder holds no RDF files ({', '.join(sorted(RDF_SUFFIXES))})")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or folder")
    return files


def read_user_graph(paths: list[Path]) -> Graph:
    graph = Graph()
    for file in collect_rdf_files(paths):
        to_graph(read_file(file), graph)
    return graph


def validate_paths(paths: list[Path], *, alone: bool = False, replacing: str | None = None,
                   source_texts: list[Path] = ()) -> ValidationReport:
    """Validate RDF files together with the shipped data and every published graph (so links
    to existing entities resolve), or `alone`. `replacing` names a published graph the
    files are a new version of: its current version is left out of the context. Quotes
    are checked against `source_texts` and the shipped source texts of cited documents.
    Parsing and SHACL run in the validation sandbox, under the same limits as uploads."""
    from .validation_sandbox import Sandbox, Upload

    files = collect_rdf_files(paths)
    texts = read_source_texts(list(source_texts))
    sandbox = Sandbox(keep_spare=False)
    try:
        return sandbox.validate(Upload(b"", None, None, ", ".join(str(p) for p in paths), not alone,
                                       files=tuple(str(f.resolve()) for f in files), replacing=replacing,
                                       source_texts=tuple(texts.items())))
    finally:
        sandbox.close()


def validated_report(data: Graph, context: Graph | None, texts: dict[str, str]) -> ValidationReport:
    """The SHACL report on `data` (with `context` for references), plus the quotes that are
    not verbatim in a submitted or shipped source text."""
    from .quotes import submitted_quote_results

    report = validate_graph(data, context=context)
    quotes = submitted_quote_results(data, context, texts, settings().data_dir)
    return report.with_results(quotes, [data] + ([context] if context is not None else []))


def validate_spreadsheet(path: Path, *, alone: bool = False, replacing: str | None = None,
                         source_texts: list[Path] = (), texts: dict[str, str] | None = None):
    """Convert a filled spreadsheet template (beleidsgraaf.convert) and validate the result
    like any RDF file; every result names its sheet, row and column."""
    from .convert import convert, sheets
    from .publish import validation_context

    conversion = convert(path)
    if not conversion.quads:
        raise UserError(f"{path}: het spreadsheet levert geen triples op; vul het sjabloon (beleidsgraaf template)")
    context = None if alone else validation_context(exclude=replacing)
    all_texts = {**read_source_texts(list(source_texts)), **(texts or {})}
    report = validated_report(conversion.graph, context, all_texts)
    return conversion, conversion.locate(report, sheets())


def read_source_texts(paths: list[Path]) -> dict[str, str]:
    texts = {}
    for path in paths:
        try:
            texts[Path(path).name] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: kan de brontekst niet lezen als UTF-8-tekst: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
    return texts


def read_extra_quads(paths: list[Path], cfg=None) -> list[ox.Quad]:
    """RDF files or folders to load besides the shipped data, each file into its own named
    graph named after the file, like data/ files (e.g. a new plan, or synthetic data)."""
    cfg = cfg or settings()
    taken = {gf.graph_iri: gf.path for gf in ontology_files(cfg) + data_files(cfg)}
    quads: list[ox.Quad] = []
    for file in collect_rdf_files(paths):
        graph = cfg.graph_ns + file.stem
        if graph in taken:
            raise UserError(f"{file}: its named graph <{graph}> would merge with {taken[graph]}; "
                            f"rename the file so its name differs from every file in data/ and ontology/")
        taken[graph] = file
        quads.extend(read_graph_file(GraphFile(file, graph), cfg))
    return quads


def published_quads(cfg, log: Callable[[str], None] = _quiet) -> list[ox.Quad]:
    """The graphs data stewards published (see beleidsgraaf.published): every build keeps
    them, beside the shipped data."""
    area = PublishedArea.default(cfg)
    quads = area.all_quads(cfg)
    if quads:
        log(f"published graphs from {area.root}: {len(area.graphs())} graphs, {len(quads)} quads with provenance")
    return quads


def build(store_path: Path | str, *, validate: bool = True, materialise: bool = False, reason: bool = False,
          extra: list[Path] | None = None, log: Callable[[str], None] = _quiet) -> bool:
    """Validate the shipped data (and any extra files) and write the store (a folder, or the
    http(s) URL of a SPARQL endpoint); False when validation fails."""
    cfg = settings()
    started = time.perf_counter()
    quads = read_shipped_quads(cfg)  # parsed once; validation, reasoning and the store share it
    if extra:
        quads.extend(read_extra_quads(extra, cfg))
    published = published_quads(cfg, log)
    quads.extend(published)
    ontology_graph_name = ox.NamedNode(cfg.graph_ns + "ontology")
    provenance_graph_name = ox.NamedNode(cfg.graph_ns + PROV_GRAPH_NAME)
    # Only what needs rdflib gets the (slow, large) rdflib copy: a big --skip-validation build does not.
    data = to_graph(q for q in quads if q.graph_name not in (ontology_graph_name, provenance_graph_name)) \
        if validate or reason or materialise else None
    if validate:
        report = validate_graph(data)
        log(f"validation: {report.summary()}")
        if not report.violations and len(report.results):
            # Warnings do not stop the build, but a count alone does not say what to fix.
            log(f"read them with: beleidsgraaf validate {cfg.data_dir} (or upload a file on /validate)")
        if report.violations:
            log(report.as_text())
            log("build stopped: fix the violations above; the previous store is untouched")
            return False
    full = ontology_graph(cfg) + data if reason or materialise else None
    if reason:
        from .reasoning import check_consistency

        consistency = check_consistency(full)
        log(f"reasoning: {consistency.summary()}")
        if not consistency.consistent or consistency.unsatisfiable_classes:
            return False
    entailed = None
    if materialise:
        from .reasoning import materialise as entail

        entailed = entail(full)
        log(f"materialised {len(entailed)} entailed triples into {cfg.graph_ns}inferred")
    if is_remote_spec(store_path):
        from .backends.remote_load import load_endpoint
        from .rdfio import to_oxigraph

        inferred = ox.NamedNode(cfg.graph_ns + "inferred")
        extra_quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), inferred) for s, p, o in entailed or ()]
        count = load_endpoint(str(store_path), cfg, quads + extra_quads, log)
    else:
        count = build_store(Path(store_path), cfg, extra=entailed, quads=quads)
    log(f"store written to {store_path}: {count} quads in {time.perf_counter() - started:.1f} s")
    return True


def open_default_store(log: Callable[[str], None]) -> QueryStore:
    """The store BELEIDSGRAAF_STORE names (a folder, or memory, rdflib or an endpoint URL);
    else the built store if there is one, else the shipped data in memory."""
    spec = os.environ.get("BELEIDSGRAAF_STORE")
    if is_store_spec(spec):
        return open_store(spec)
    path = settings().store_dir
    if path.is_dir():
        warn_if_stale(path, log)
        return Store.open(path)
    return Store.shipped()


def warn_if_stale(store_path: Path, log: Callable[[str], None]) -> None:
    """Say so when ontology/ or data/ changed after the store was built: the store does
    not follow the files by itself."""
    cfg = settings()
    built = Path(store_path).resolve().stat().st_mtime
    files = [gf.path for gf in ontology_files(cfg) + data_files(cfg)]
    for broken in (p for p in files if not p.exists()):
        # A symbolic link to a file that is gone: the store still answers, but the next build fails.
        log(f"note: {broken} is a symbolic link to a missing file ({os.readlink(broken)}); the store at "
            f"{store_path} was built without it; restore the file or remove the link before 'beleidsgraaf build'")
    newer = [p.name for p in files if p.exists() and p.stat().st_mtime > built]
    if newer:
        log(f"note: {', '.join(newer[:3])}{' and more' if len(newer) > 3 else ''} changed after the store "
            f"at {store_path} was built; run 'beleidsgraaf build' to include the changes")


def stored_search_index(store_path: Path | str | None, in_memory: bool):
    """The search index built with an on-disk store, or None (the app then builds one)."""
    from .search_index import INDEX_FILE, SearchIndex

    if in_memory or is_store_spec(store_path):
        return None
    import sqlite3

    index_file = Path(store_path or settings().store_dir) / INDEX_FILE
    if not index_file.is_file():
        return None
    try:
        # An index from an older layout is rebuilt by the app (as for a store without one).
        return SearchIndex(index_file) if SearchIndex.is_current(index_file) else None
    except sqlite3.Error:  # e.g. a store folder this user may not write to (WAL needs it)
        return None


def serve(*, host: str, port: int, store_path: Path | str | None, in_memory: bool,
          log: Callable[[str], None] = _quiet) -> None:
    import uvicorn

    from api.app import create_app
    from api.longurl import LongUrlH11Protocol

    from .publish import load_published

    store: QueryStore
    if in_memory:
        log("note: with --in-memory, queries run in the server process: no time limit applies")
        store = Store.shipped()
        load_published(store)
    elif is_store_spec(store_path):
        store = open_store(store_path)
        if not is_remote_spec(store_path):
            load_published(store)  # memory or rdflib: filled with the shipped data only
    else:
        path = Path(store_path or settings().store_dir)
        if not path.is_dir():
            log(f"no store at {path}: building it from the shipped data")
            if not build(path, log=log):
                raise UserError("cannot serve: the shipped data does not validate (see above)")
        warn_if_stale(path, log)
        from .workers import PooledStore, QueryLimits

        limits = QueryLimits.from_env()
        store = PooledStore(path, limits)
        log(f"queries run in {limits.workers} worker processes: at most {limits.timeout:g} s, "
            f"{limits.memory_mb} MB and {limits.max_rows} rows each; a request waits at most "
            f"{limits.queue_wait:g} s for a worker")
        from .sparql_guard import network_allowed

        if not store.pool.network_isolated and not network_allowed():
            log("note: the query workers could not be cut off from the network (no user or network "
                "namespaces here); SERVICE is refused by the query check alone")
    log(f"serving {len(store)} quads on http://{host}:{port}/")
    try:
        uvicorn.run(create_app(store, search_index=stored_search_index(store_path, in_memory)),
                    host=host, port=port, log_level="info", http=LongUrlH11Protocol)
    finally:
        if hasattr(store, "close"):
            store.close()
