"""The beleidsgraaf command line: build, validate, list and run queries, ad-hoc SPARQL, serve.

Every user error ends in one clear line on stderr and exit code 2; validation failures
exit 1; success exits 0.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, formats
from .errors import UserError
from .settings import SettingsError, current_settings, load_settings, settings_in_use

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # The environment is read here, once, before any command: a bad value stops every one.
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"beleidsgraaf: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with settings_in_use(settings):  # restored after: main() also runs inside tests
        return _command(argv)


def _command(argv: list[str]) -> int:
    if argv[:1] == ["bench"]:
        return _run_guarded(lambda: _cmd_bench(argv[1:]))
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return _run_guarded(lambda: args.func(args))


def _run_guarded(command) -> int:
    try:
        return command()
    except UserError as exc:
        print(f"beleidsgraaf: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="beleidsgraaf", description="Knowledge graph of Dutch social-domain policy.")
    p.add_argument("--version", action="version", version=f"beleidsgraaf {__version__}")
    sub = p.add_subparsers(title="commands")

    st = sub.add_parser("settings", help="show the settings in use (BELEIDSGRAAF_* variables), or their table")
    st.add_argument("--markdown", action="store_true",
                    help="print the table of every setting (docs/settings.md) instead of the values in use")
    st.set_defaults(func=_cmd_settings)

    b = sub.add_parser("build", help="load ontology and data, validate, write the store")
    b.add_argument("--store", type=Path, help="store directory (default: build/store or $BELEIDSGRAAF_STORE)")
    b.add_argument("--target", metavar="URL",
                   help="load into this SPARQL endpoint instead (Query + Update + Graph Store Protocol), "
                        "replacing the dataset's graphs there; see docs/backends.md")
    b.add_argument("--materialise", action="store_true", help="add RDFS entailments in graph .../graph/inferred")
    b.add_argument("--skip-validation", action="store_true", help="do not run SHACL before writing")
    b.add_argument("--reason", action="store_true", help="also check consistency with HermiT (needs Java)")
    b.add_argument("--extra", type=Path, action="append", default=[], metavar="FILE|DIR",
                   help="also load these RDF files or folders, each file into its own named graph "
                        "(.../graph/FILE-NAME), validated with the shipped data unless --skip-validation; repeatable")
    b.set_defaults(func=_cmd_build)

    v = sub.add_parser("validate", help="SHACL-validate RDF files or folders against our shapes")
    v.add_argument("paths", nargs="+", type=Path, help="RDF files (.ttl .nt .jsonld .rdf .trig) or folders")
    v.add_argument("--alone", action="store_true",
                   help="validate these files alone; by default they are validated together with the shipped "
                        "data and every published graph, so links to existing entities resolve")
    v.add_argument("--with-shipped", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for scripts
    v.add_argument("--graph", metavar="IRI", help="the published graph these files are a new version of "
                                                  "(its current version is left out of the reference data)")
    v.add_argument("--source-text", type=Path, action="append", default=[], metavar="TXT",
                   help="the plan's text (UTF-8): every bg:quote must be in it verbatim; repeatable")
    v.add_argument("--format", choices=formats.REPORT_NAMES, default="text")
    v.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the messages (text format)")
    v.set_defaults(func=_cmd_validate)

    r = sub.add_parser("reason", help="check the ontology with the shipped data for consistency (HermiT)")
    r.set_defaults(func=_cmd_reason)

    q = sub.add_parser("queries", help="list the canned queries")
    q.set_defaults(func=_cmd_queries)

    qr = sub.add_parser("query", help="run a canned query")
    qr.add_argument("name")
    qr.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE")
    qr.add_argument("--format", choices=formats.query_output_names(), default=formats.TABLE)
    qr.set_defaults(func=_cmd_query)

    s = sub.add_parser("sparql", help="run an ad-hoc SPARQL query (text, or @file)")
    s.add_argument("query")
    s.add_argument("--format", choices=formats.sparql_output_names(), default=formats.TABLE)
    s.set_defaults(func=_cmd_sparql)

    im = sub.add_parser("import", help="publish an RDF file as a named graph (SHACL-gated, with history)")
    im.add_argument("file", type=Path, help="RDF file (.ttl .nt .jsonld .rdf)")
    im.add_argument("--graph", required=True, metavar="IRI", help="the named graph to replace, one per plan")
    im.add_argument("--steward", default=None, help="who publishes, for the provenance record (default: $USER)")
    im.add_argument("--merge", action="store_true", help="add to the graph instead of replacing it")
    im.add_argument("--source-text", type=Path, action="append", default=[], metavar="TXT",
                    help="the plan's text (UTF-8): every bg:quote must be in it verbatim; repeatable")
    im.add_argument("--format", choices=formats.REPORT_NAMES, default="text", help="report format")
    im.set_defaults(func=_cmd_import)

    ex = sub.add_parser("export", help="write a published graph (or one of its versions) as RDF")
    ex.add_argument("--graph", required=True, metavar="IRI")
    ex.add_argument("--version", type=int, help="an earlier version (see 'beleidsgraaf history')")
    ex.add_argument("--format", choices=formats.graph_output_names(), default="turtle")
    ex.set_defaults(func=_cmd_export)

    hi = sub.add_parser("history", help="list the versions of a published graph (PROV-O: who, when, file hash)")
    hi.add_argument("--graph", required=True, metavar="IRI")
    hi.add_argument("--format", choices=["table", "json"], default="table")
    hi.set_defaults(func=_cmd_history)

    rs = sub.add_parser("restore", help="make an earlier version of a published graph current again")
    rs.add_argument("--graph", required=True, metavar="IRI")
    rs.add_argument("--version", type=int, required=True)
    rs.add_argument("--steward", default=None, help="who restores, for the provenance record (default: $USER)")
    rs.set_defaults(func=_cmd_restore)

    tp = sub.add_parser("template", help="write the spreadsheet template for a plan (.xlsx, or CSV files)")
    tp.add_argument("out", type=Path, help="plan.xlsx, or plan.csv for one CSV file per sheet (plan-acties.csv, ...)")
    tp.set_defaults(func=_cmd_template)

    cv = sub.add_parser("convert", help="convert a filled spreadsheet template to Turtle and validate it")
    cv.add_argument("spreadsheet", type=Path, help="plan.xlsx, or one of the plan's CSV files (plan-acties.csv)")
    cv.add_argument("--out", type=Path, help="Turtle file to write (default: next to the spreadsheet, .ttl)")
    cv.add_argument("--alone", action="store_true", help="validate without the existing data")
    cv.add_argument("--graph", metavar="IRI", help="the published graph this plan is a new version of")
    cv.add_argument("--source-text", type=Path, action="append", default=[], metavar="TXT",
                    help="the plan's text (UTF-8): every quote must be in it verbatim; repeatable")
    cv.set_defaults(func=_cmd_convert)

    sy = sub.add_parser("synth", help="write a deterministic synthetic dataset for scale tests")
    sy.add_argument("--municipalities", "-n", type=int, required=True,
                    help="number of municipalities (regions of 5); each is about as large as the shipped graph, "
                         "so N - 1 of them with the shipped data make a graph N times its size")
    sy.add_argument("--out", type=Path, required=True, help="output folder (N-Triples files)")
    sy.add_argument("--seed", type=int, default=42)
    sy.set_defaults(func=_cmd_synth)

    # Parsed by bench/cli.py (the bench package); listed here for --help.
    sub.add_parser("bench", add_help=False, help="benchmark and load test (see 'beleidsgraaf bench --help')")

    sv = sub.add_parser("serve", help="serve the web API and browser")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--store", help="store directory (default: build/store; built if missing), or 'memory', "
                                    "'rdflib' or the http(s) URL of a SPARQL endpoint")
    sv.add_argument("--memory", action="store_true", help="load the shipped data into memory instead")
    sv.set_defaults(func=_cmd_serve)
    return p


# -- commands --------------------------------------------------------------------------


def _cmd_build(args) -> int:
    from .pipeline import build

    if args.target and args.store:
        raise UserError("give --store DIR or --target URL, not both")
    if args.target and not args.target.lower().startswith(("http://", "https://")):
        raise UserError(f"--target '{args.target}': give the http(s) URL of a SPARQL endpoint, "
                        f"e.g. http://127.0.0.1:8890/sparql (for a folder use --store)")
    report = build(args.target or args.store or current_settings().store_dir, validate=not args.skip_validation,
                   materialise=args.materialise, reason=args.reason, extra=args.extra, log=_err)
    return EXIT_OK if report else EXIT_INVALID


def _cmd_validate(args) -> int:
    from .pipeline import validate_paths

    report = validate_paths(args.paths, alone=args.alone and not args.with_shipped, replacing=args.graph,
                            source_texts=args.source_text)
    if args.format == "json":
        print(report.as_json())
    elif args.format == "turtle":
        print(report.as_turtle())
    else:
        print(report.as_text(args.lang))
    return EXIT_OK if report.violations == 0 else EXIT_INVALID


def _cmd_import(args) -> int:
    from .publish import Rejected
    from .publish_cli import import_file

    try:
        outcome = import_file(args.file, args.graph, steward=_steward(args), merge=args.merge,
                              source_texts=args.source_text, log=_err)
    except Rejected as exc:
        _print_report(exc.report, args.format)
        _err(f"niet gepubliceerd: {args.file} voldoet niet aan de vormen; er is niets gewijzigd")
        return EXIT_INVALID
    print(f"gepubliceerd: <{args.graph}> versie {outcome.version.number}, {outcome.triples} triples")
    return EXIT_OK


def _cmd_export(args) -> int:
    from .publish_cli import export_graph

    sys.stdout.write(export_graph(args.graph, args.version, args.format).decode("utf-8"))
    return EXIT_OK


def _cmd_history(args) -> int:
    import json

    from .publish import history

    versions = history(_graph_iri(args.graph))
    if not versions:
        raise UserError(f"graaf <{args.graph}> is nooit gepubliceerd; 'beleidsgraaf import' publiceert hem")
    if args.format == "json":
        print(json.dumps(versions, ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = [[str(v["version"]) + (" (huidig)" if v["current"] else ""), v["action"] or "", v["steward"] or "",
             v["time"] or "", (v["file_sha256"] or "")[:16]] for v in versions]
    header = ["versie", "wat", "wie", "wanneer", "bestand (sha256)"]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return EXIT_OK


def _cmd_restore(args) -> int:
    from .publish import Rejected
    from .publish_cli import restore_version

    try:
        outcome = restore_version(_graph_iri(args.graph), args.version, steward=_steward(args), log=_err)
    except Rejected as exc:
        _print_report(exc.report, "text")
        _err("niet teruggezet: die versie voldoet niet meer aan de vormen met de huidige gegevens")
        return EXIT_INVALID
    print(f"teruggezet: <{args.graph}> versie {args.version} is nu versie {outcome.version.number}")
    return EXIT_OK


def _steward(args) -> str:
    import getpass

    return args.steward or getpass.getuser()


def _graph_iri(value: str) -> str:
    from .publish_cli import checked_graph_iri

    return checked_graph_iri(value)


def _print_report(report, fmt: str) -> None:
    if fmt == "json":
        print(report.as_json())
    elif fmt == "turtle":
        print(report.as_turtle())
    else:
        print(report.as_text("nl"))


def _cmd_template(args) -> int:
    from .convert import write_template

    for path in write_template(args.out):
        print(f"sjabloon geschreven: {path}")
    return EXIT_OK


def _cmd_convert(args) -> int:
    from .convert import MappingError
    from .pipeline import validate_spreadsheet

    try:
        conversion, report = validate_spreadsheet(args.spreadsheet, alone=args.alone, replacing=args.graph,
                                                  source_texts=args.source_text)
    except MappingError as exc:
        raise UserError(str(exc)) from None
    out = args.out or args.spreadsheet.with_name(args.spreadsheet.stem.removesuffix("-acties") + ".ttl")
    out.write_bytes(conversion.turtle())
    print(report.as_text("nl"))
    _err(f"Turtle geschreven: {out} ({len(conversion.quads)} triples)")
    return EXIT_OK if report.violations == 0 else EXIT_INVALID


def _cmd_reason(args) -> int:
    from .shipped import shipped_graph
    from .reasoning import check_consistency

    report = check_consistency(shipped_graph())
    print(report.summary())
    return EXIT_OK if report.consistent and not report.unsatisfiable_classes else EXIT_INVALID


def _cmd_queries(args) -> int:
    from .queries import registry

    for q in registry():
        params = ", ".join(f"{p.name}:{p.type.name}" + ("" if p.required else "?") for p in q.parameters)
        print(f"{q.name:34} {q.label('nl')}" + (f"  [{params}]" if params else ""))
    return EXIT_OK


def _cmd_query(args) -> int:
    from .backends import open_store
    from .queries import registry
    from .search_index import index_for

    query = registry().get(args.name)
    values = _parse_params(args.param)
    query.bind(values)  # a wrong parameter is reported before the store is opened
    store = open_store(log=_err)
    sparql, substitutions = query.prepare(values, finder=lambda *how: index_for(store).find(*how))
    result = store.query(sparql, substitutions=substitutions)
    _print_result(result, args.format)
    return EXIT_OK


def _cmd_sparql(args) -> int:
    from .backends import open_store
    from .sparql_guard import check_query
    from .sparql_syntax import explained_syntax_errors

    text = _read_query_argument(args.query)
    check_query(text)
    with explained_syntax_errors(text):
        result = open_store(log=_err).query(text)
    _print_result(result, args.format)
    return EXIT_OK


def _cmd_synth(args) -> int:
    from .synthetic.synth import generate

    if args.municipalities < 1:
        raise UserError("--municipalities must be at least 1")
    counts = generate(args.municipalities, args.out, seed=args.seed)
    print(f"wrote {sum(counts.values())} triples in {len(counts)} files to {args.out}")
    return EXIT_OK


def _cmd_bench(argv: list[str]) -> int:
    try:
        from bench.cli import main as bench_main
    except ImportError as exc:
        raise UserError(f"the benchmark needs the 'bench' extra (pip install -e '.[bench]'): {exc}") from None
    return bench_main(argv)


def _cmd_serve(args) -> int:
    from api.serve import serve

    serve(host=args.host, port=args.port, store_path=args.store, in_memory=args.memory, log=_err,
          settings=current_settings())
    return EXIT_OK


def _cmd_settings(args) -> int:
    from .settings import env_name, markdown_table

    if args.markdown:
        sys.stdout.write(markdown_table())
        return EXIT_OK
    cfg = current_settings()
    for field in type(cfg).model_fields:
        value = getattr(cfg, field)
        shown = "" if value is None else getattr(value, "value", value)  # SecretStr shows as **********
        print(f"{env_name(field)}={shown}")
    return EXIT_OK


# -- helpers ---------------------------------------------------------------------------


def _parse_params(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserError(f"--param '{pair}': write parameters as NAME=VALUE, e.g. --param goal=https://...")
        values[name.strip()] = value
    return values


def _read_query_argument(arg: str) -> str:
    if arg.startswith("@"):
        from .errors import QueryError
        from .sparql_syntax import decode_query

        path = Path(arg[1:])
        try:
            return decode_query(path.read_bytes())
        except OSError as exc:
            raise UserError(f"{path}: cannot read query file: {exc.strerror}") from None
        except QueryError as exc:
            raise QueryError(f"{path}: {exc}") from None
    return arg.removeprefix("\ufeff")


def _print_result(result, fmt: str) -> None:
    import pyoxigraph as ox

    from .results import is_graph_result, serialize_solutions, serialize_triples, solutions_to_rows, text_table

    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
        return
    if is_graph_result(result):
        sys.stdout.write(serialize_triples(result, formats.graph_format_or_turtle(fmt)).decode("utf-8"))
        return
    if fmt == formats.TABLE:
        print(text_table(*solutions_to_rows(result)))
    elif fmt in formats.RESULTS_NAMES:
        sys.stdout.write(serialize_solutions(result, formats.results_format_named(fmt)).decode("utf-8"))
        if fmt == "json":
            sys.stdout.write("\n")
    else:
        raise UserError(f"format '{fmt}' is for CONSTRUCT/DESCRIBE results; use "
                        + ", ".join(formats.query_output_names()))


def _err(message: str) -> None:
    print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
