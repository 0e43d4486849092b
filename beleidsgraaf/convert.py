"""Plans authored in a spreadsheet: the template, and the conversion of a filled one to RDF.

The mapping is declarative, in the style of TARQL: every row of a sheet becomes a row node
whose cells are literals (`<urn:beleidsgraaf:rij#titel> "..."`), and one SPARQL CONSTRUCT
query per sheet (queries/mapping/SHEET.rq, run by Oxigraph) maps those rows to our
ontology. Each query's header names its sheet and columns (the property each fills, an
example, whether it is required); the template is made from those headers, so template
and mapping cannot drift apart. (morph-kgc with RML was the first choice; it pins
pyoxigraph < 0.4 and rdflib < 7.3, which our store and pyshacl cannot use.)

Errors point back to the spreadsheet in Dutch: mapping errors (an unknown or missing
column, an empty required cell) before the mapping runs, and SHACL results after it, by
the row that made the entity and the column that fills the property.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import yaml

from .settings import Settings, current_settings
from .namespaces import PREFIXES
from .errors import UserError
from .formats import CSV_SUFFIX, XLSX_SUFFIX
from .queries import HEADER_PREFIX, Registry
from .rdfio import to_graph

if TYPE_CHECKING:  # annotations only: the server answers SPARQL without rdflib
    from rdflib import Graph
    from .validation import ValidationReport

ROW = "urn:beleidsgraaf:rij#"
FROM_ROW = ox.NamedNode(ROW + "uit")
SHEETS = ("document", "organisaties", "functies", "doelen", "indicatoren", "actielijnen", "acties")


class MappingError(UserError):
    """The spreadsheet does not fit the template: each problem names sheet, row and column."""

    def __init__(self, problems: list[str]):
        super().__init__("het spreadsheet past niet bij het sjabloon:\n  " + "\n  ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Column:
    name: str
    property: str | None
    required: bool
    example: str
    help: str


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    query: object  # the CannedQuery

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def letter(self, name: str) -> str:
        return column_letter([c.name for c in self.columns].index(name))


@dataclass
class Conversion:
    graph: Graph
    quads: list[ox.Quad]
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)  # entity IRI -> (sheet, row)
    headers: dict[str, list[str]] = field(default_factory=dict)  # sheet -> column names as in the file

    def turtle(self) -> bytes:
        return ox.serialize([q.triple for q in self.quads], format=ox.RdfFormat.TURTLE,
                            prefixes={k: v for k, v in PREFIXES.items() if k not in {"id", "sh"}})

    def locate(self, report: ValidationReport, sheets: dict[str, Sheet]) -> ValidationReport:
        """Give every result the cell it comes from: sheet, row and column."""
        for result in report.results:
            origin = self.origin.get(result.focus_node)
            if origin is None:
                continue
            sheet_name, row = origin
            columns = self.headers.get(sheet_name, [])
            name = _column_for(sheets[sheet_name], result.path)
            where = f"blad {sheet_name}, rij {row}"
            if name is not None and name in columns:
                where += f", kolom {column_letter(columns.index(name))} ({name})"
            result.location = where
        return report


def sheets(cfg: Settings | None = None) -> dict[str, Sheet]:
    """The template's sheets, read from the mapping queries' headers."""
    cfg = cfg or current_settings()
    directory = cfg.queries_dir / "mapping"
    registry = Registry.from_directory(directory)
    found = {}
    for name in SHEETS:
        path = directory / f"{name}.rq"
        meta = yaml.safe_load("\n".join(line[len(HEADER_PREFIX):] for line in path.read_text(encoding="utf-8")
                                        .splitlines() if line.startswith(HEADER_PREFIX)))
        columns = tuple(Column(str(col), spec.get("property"), bool(spec.get("required")), str(spec.get("example", "")),
                               str(spec.get("help", ""))) for col, spec in meta["columns"].items())
        found[name] = Sheet(meta["sheet"], columns, registry.get(name))
    return found


# -- reading a filled spreadsheet ------------------------------------------------------------

def read_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[int, dict[str, str]]]]]:
    """sheet -> (column names, [(row number, {column: text})]) from an .xlsx workbook, or
    from CSV files (one per sheet, named after it, e.g. plan-acties.csv or acties.csv)."""
    path = Path(path)
    if path.suffix.lower() == XLSX_SUFFIX:
        return _read_xlsx(path)
    if path.suffix.lower() == CSV_SUFFIX or path.is_dir():
        return _read_csv(path)
    raise UserError(f"{path}: geen spreadsheet; geef een .xlsx-bestand of de .csv-bestanden van het sjabloon")


def _read_xlsx(path: Path) -> dict:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise UserError(f"{path}: kan het werkboek niet openen ({type(exc).__name__}: {exc}); "
                        "sla het op als Excel-werkboek (.xlsx)") from None
    out = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            continue
        header = [_cell_text(v).lower() for v in rows[0]]
        out[sheet.title.strip().lower()] = (header, [
            (number, {header[i]: _cell_text(v) for i, v in enumerate(row) if i < len(header) and header[i]})
            for number, row in enumerate(rows[1:], start=2) if any(_cell_text(v) for v in row)])
    workbook.close()
    return out


def _read_csv(path: Path) -> dict:
    files = sorted(path.glob("*.csv")) if path.is_dir() else sorted(path.parent.glob(f"{_stem(path)}*.csv"))
    out = {}
    for file in files:
        sheet = next((s for s in SHEETS if file.stem.lower().endswith(s)), None)
        if sheet is None:
            continue
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{file}: kan het CSV-bestand niet lezen als UTF-8: {exc}") from None
        dialect = csv.Sniffer().sniff(text.splitlines()[0]) if text.strip() else csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        if not rows:
            continue
        header = [h.strip().lower() for h in rows[0]]
        out[sheet] = (header, [(number, {header[i]: v.strip() for i, v in enumerate(row) if i < len(header)})
                               for number, row in enumerate(rows[1:], start=2) if any(v.strip() for v in row)])
    return out


def _stem(path: Path) -> str:
    """plan-acties.csv -> plan-: the CSV files of one plan share what comes before the sheet name."""
    stem = path.stem.lower()
    for sheet in SHEETS:
        if stem.endswith(sheet):
            return path.stem[: len(stem) - len(sheet)]
    return path.stem


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- converting ------------------------------------------------------------------------------

def convert(path: Path, cfg: Settings | None = None) -> Conversion:
    cfg = cfg or current_settings()
    spec = sheets(cfg)
    rows = read_rows(path)
    check_rows(rows, spec)
    from .backends.oxigraph_store import Store

    store = Store.in_memory()
    store.add_quads(_row_quads(rows))
    store.add_quads([ox.Quad(ox.NamedNode("urn:beleidsgraaf:instellingen"), ox.NamedNode(ROW + "basis"),
                             ox.Literal(cfg.id_ns))])
    quads, origin = [], {}
    for name, sheet in spec.items():
        for triple in store.query(sheet.query.sparql):
            if triple.predicate == FROM_ROW:  # the row node's IRI ends in its row number
                origin[triple.subject.value] = (name, int(triple.object.value.rsplit(":", 1)[1]))
            else:
                quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    unique = list(dict.fromkeys(quads))
    return Conversion(to_graph(unique), unique, origin, {name: header for name, (header, _) in rows.items()})


def check_rows(rows: dict, spec: dict[str, Sheet]) -> None:
    """Mapping errors, in Dutch, each at its sheet, row and column."""
    problems = []
    if "document" not in rows or not rows["document"][1]:
        problems.append("blad document ontbreekt of is leeg: vul één rij met de code, titel en het citaat van het plan")
    for name, (header, body) in rows.items():
        sheet = spec.get(name)
        if sheet is None:
            continue
        known = [c.name for c in sheet.columns]
        for i, column in enumerate(header):
            if column and column not in known:
                problems.append(f"blad {name}, rij 1, kolom {column_letter(i)}: onbekende kolom '{column}'; "
                                f"bekende kolommen: {', '.join(known)}")
        for column in sheet.columns:
            if column.required and column.name not in header:
                problems.append(f"blad {name}: verplichte kolom '{column.name}' ontbreekt; voeg hem toe in rij 1 "
                                f"(bijv. {column.example})")
        for number, cells in body:
            for column in sheet.columns:
                if column.required and column.name in header and not cells.get(column.name):
                    problems.append(f"blad {name}, rij {number}, kolom {column_letter(header.index(column.name))} "
                                    f"({column.name}): leeg, maar verplicht; bijv. {column.example}")
    unknown = sorted(set(rows) - set(spec))
    if unknown and not any(s in rows for s in spec):
        problems.append(f"geen bekend blad gevonden (wel: {', '.join(unknown)}); de bladen heten {', '.join(SHEETS)}")
    if problems:
        raise MappingError(problems)


def _row_quads(rows: dict) -> list[ox.Quad]:
    quads = []
    for name, (_, body) in rows.items():
        for number, cells in body:
            row = ox.NamedNode(f"urn:beleidsgraaf:blad:{name}:rij:{number}")
            quads.append(ox.Quad(row, ox.NamedNode(ROW + "blad"), ox.Literal(name)))
            quads.append(ox.Quad(row, ox.NamedNode(ROW + "rij"), ox.Literal(str(number))))
            for column, text in cells.items():
                # A cell may hold several values separated by ";" (e.g. partners).
                for value in (v.strip() for v in text.split(";")):
                    if value:
                        quads.append(ox.Quad(row, ox.NamedNode(ROW + column.replace(" ", "-")), ox.Literal(value)))
    return quads


def _column_for(sheet: Sheet, path: str | None) -> str | None:
    if path is None:
        return None
    for column in sheet.columns:
        prop = (column.property or "").lstrip("^")
        prefix, _, local = prop.partition(":")
        if prefix in PREFIXES and PREFIXES[prefix] + local == path:
            return column.name
    return None


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- the template ----------------------------------------------------------------------------

def write_template(out: Path, cfg: Settings | None = None) -> list[Path]:
    """An empty template with one example row per sheet (marked as an example): an .xlsx
    workbook, or CSV files (one per sheet, next to `out`, named OUT-SHEET.csv)."""
    spec = sheets(cfg)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == XLSX_SUFFIX:
        from openpyxl import Workbook
        from openpyxl.comments import Comment
        from openpyxl.styles import Font

        workbook = Workbook()
        workbook.remove(workbook.active)
        for sheet in spec.values():
            ws = workbook.create_sheet(sheet.name)
            ws.append([c.name for c in sheet.columns])
            ws.append([c.example for c in sheet.columns])
            for i, column in enumerate(sheet.columns, start=1):
                cell = ws.cell(row=1, column=i)
                cell.font = Font(bold=True)
                note = (column.help or "") + (" (verplicht)" if column.required else "") + \
                    (f" -> {column.property}" if column.property else "")
                if note.strip():
                    cell.comment = Comment(note.strip(), "beleidsgraaf")
                ws.column_dimensions[column_letter(i - 1)].width = max(14, min(50, len(column.example) + 2))
        workbook.save(out)
        return [out]
    written = []
    for sheet in spec.values():
        target = out.with_name(f"{out.stem}-{sheet.name}.csv")
        with open(target, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in sheet.columns])
            writer.writerow([c.example for c in sheet.columns])
        written.append(target)
    return written
