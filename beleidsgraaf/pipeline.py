"""The one-way flow: files -> validation -> store. Small steps the CLI and the API share:
reading and validating RDF files and spreadsheets, and building the store (the service's
start-up is api/serve.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
from rdflib import Graph

from .backends import is_remote_spec
from .settings import current_settings
from .shipped import GraphFile, data_files, ontology_files, ontology_graph, read_graph_file
from .errors import UserError
from .formats import rdf_file_suffixes, rdf_format_for_path
from .rdfio import read_file, to_graph
from .published import PROV_GRAPH_NAME, PublishedArea
from .backends.oxigraph_store import build_store, read_shipped_quads
from .validation import ValidationReport, validate_graph


def _quiet(_: str) -> None:
    pass


def collect_rdf_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if rdf_format_for_path(p) is not None and p.is_file())
            if not found:
                raise UserError(f"{path}: folder holds no RDF files ({', '.join(rdf_file_suffixes())})")
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
    files are a new version of: its current version is left out of the reference data. Quotes
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


def validated_report(data: Graph, references: Graph | None, texts: dict[str, str]) -> ValidationReport:
    """The SHACL report on `data` (with `references`, the data its links may point to), plus the quotes that are
    not verbatim in a submitted or shipped source text."""
    from .quotes import submitted_quote_results

    report = validate_graph(data, references=references)
    quotes = submitted_quote_results(data, references, texts, current_settings().data_dir)
    return report.with_results(quotes, [data] + ([references] if references is not None else []))


def validate_spreadsheet(path: Path, *, alone: bool = False, replacing: str | None = None,
                         source_texts: list[Path] = (), texts: dict[str, str] | None = None):
    """Convert a filled spreadsheet template (beleidsgraaf.convert) and validate the result
    like any RDF file; every result names its sheet, row and column."""
    from .convert import convert, sheets
    from .background import validation_background

    conversion = convert(path)
    if not conversion.quads:
        raise UserError(f"{path}: het spreadsheet levert geen triples op; vul het sjabloon (beleidsgraaf template)")
    references = None if alone else validation_background(replacing)
    all_texts = {**read_source_texts(list(source_texts)), **(texts or {})}
    report = validated_report(conversion.graph, references, all_texts)
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
    cfg = cfg or current_settings()
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
    cfg = current_settings()
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
