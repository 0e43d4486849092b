"""The canned-query registry: .rq files under queries/ with a grlc-style YAML header.

The header (lines starting with ``#+ ``) gives title, description, tags and typed
parameters; the rest of the file is SPARQL. Parameter values are checked against their
type and handed to the engine as substitutions, so no user text becomes query text.

A query that lists everything of a kind is paged: its header names the variable a page
counts (``pagination: organisation``) and declares the integer parameters ``limit`` and
``offset``. SPARQL cannot bind LIMIT or OFFSET, so these two are the one exception to
substitution: the query's single ``LIMIT <default>`` clause is rewritten from the two
checked whole numbers (never from the text the user sent).

A query that finds things by words is answered by the full-text search index, not by a
substring scan in SPARQL: its header names the text parameter, the variable for the things
found and the variable for their rank (``index: {text: text, found: entity, rank: rank}``,
optionally ``class: skos:Concept``). The index's page of matches, in rank order, becomes a
VALUES table at the start of the query's WHERE group (IRIs and whole numbers from the index,
each a checked term: the user's text is never query text); the query adds the details.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

import pyoxigraph as ox
import yaml

from .settings import Settings, current_settings
from .backends.values import bind_rows
from .namespaces import XSD, expand
from .errors import ParameterError, UnknownQueryError, UserError

HEADER_PREFIX = "#+"
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
PAGE_PARAMETERS = ("limit", "offset")
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 10_000_000
LIMIT_CLAUSE = re.compile(r"\bLIMIT\s+(\d+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ParamType:
    name: str
    description: str
    python_type: type

    def coerce(self, param: str, raw: object):
        """Check a raw value and turn it into an Oxigraph term."""
        text = str(raw).strip() if not isinstance(raw, bool) else ("true" if raw else "false")
        try:
            return _COERCERS[self.name](text)
        except (ValueError, InvalidOperation):
            raise ParameterError(param, f"'{_short(text)}' is not a valid {self.name} ({self.description})") from None


def _iri(text: str) -> ox.NamedNode:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or IRI_FORBIDDEN.search(text):
        raise ValueError(text)
    return ox.NamedNode(text)


def _gyear(text: str) -> ox.Literal:
    if not re.fullmatch(r"-?\d{4}", text):
        raise ValueError(text)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))


def _date(text: str) -> ox.Literal:
    dt.date.fromisoformat(text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def _integer(text: str) -> ox.Literal:
    # "10.0" is the whole number 10, as JSON Schema's integer (and generated clients) have it.
    whole = re.fullmatch(r"([+-]?\d+)(?:\.0+)?", text)
    if not whole:
        raise ValueError(text)
    return ox.Literal(str(int(whole.group(1), 10)), datatype=ox.NamedNode(XSD + "integer"))


def _decimal(text: str) -> ox.Literal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(text)
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))


def _boolean(text: str) -> ox.Literal:
    if text.lower() not in {"true", "false", "1", "0"}:
        raise ValueError(text)
    return ox.Literal("true" if text.lower() in {"true", "1"} else "false", datatype=ox.NamedNode(XSD + "boolean"))


def _string(text: str) -> ox.Literal:
    if "\x00" in text:
        raise ValueError(text)
    return ox.Literal(text)


_COERCERS = {
    "iri": _iri, "string": _string, "integer": _integer, "decimal": _decimal,
    "date": _date, "gYear": _gyear, "boolean": _boolean,
}

PARAM_TYPES = {
    "iri": ParamType("iri", "an absolute IRI such as https://w3id.org/beleidsgraaf/id/...", str),
    "string": ParamType("string", "text", str),
    "integer": ParamType("integer", "a whole number", int),
    "decimal": ParamType("decimal", "a decimal number such as 2.5", float),
    "date": ParamType("date", "a date as YYYY-MM-DD", str),
    "gYear": ParamType("gYear", "a year as YYYY", str),
    "boolean": ParamType("boolean", "true or false", bool),
}


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: ParamType
    description: str = ""
    default: str | None = None
    required: bool = True
    # For an iri parameter: the class (a CURIE such as org:Organization) whose members a form
    # offers by label, so nobody has to type an IRI.
    pick_class: str | None = None


# finder(text, how_many, class_iri) -> the IRIs of the best matches, best first.
Finder = Callable[[str, int, "str | None"], list[str]]


@dataclass(frozen=True)
class IndexSearch:
    """A query answered by the search index: which parameter holds the words, which
    variables receive the things found and their rank (1 = best), and optionally the class
    they must be members of."""

    text: str
    found: str
    rank: str
    class_iri: str | None = None


@dataclass(frozen=True)
class Page:
    """Which page of a paged query: at most `limit` values of the paged variables (one
    variable, or a combination such as law and citing item), after skipping `offset`."""

    variables: tuple[str, ...]
    limit: int
    offset: int

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset else None


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    sparql: str
    path: Path
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    query_form: str = "SELECT"
    pagination: tuple[str, ...] | None = None  # the variables whose combinations a page counts
    index: IndexSearch | None = None

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or next(iter(self.title.values()), self.name)

    @property
    def variable_parameters(self) -> tuple[Parameter, ...]:
        """The parameters that are SPARQL variables (all but a paged query's limit/offset)."""
        if self.pagination is None:
            return self.parameters
        return tuple(p for p in self.parameters if p.name not in PAGE_PARAMETERS)

    def bind(self, values: Mapping[str, object]) -> dict[str, object]:
        """Check the given values against the parameters and return engine substitutions.

        A paged query's limit and offset are checked too, but they are no substitutions:
        `prepare` puts them into the query text."""
        self._check_names(values)
        if self.pagination is not None:
            self.page(values)
        substitutions: dict[str, object] = {}
        for param in self.variable_parameters:
            raw = self._raw(param, values)
            if raw is not None:
                substitutions[param.name] = param.type.coerce(param.name, raw)
        return substitutions

    def prepare(self, values: Mapping[str, object], finder: Finder | None = None) -> tuple[str, dict[str, object]]:
        """The SPARQL text for the requested page and the engine substitutions. A query
        answered by the search index needs `finder` (e.g. `SearchIndex.find`)."""
        substitutions = self.bind(values)
        if self.index is not None:
            return self._with_found(values, substitutions, finder), substitutions
        if self.pagination is None:
            return self.sparql, substitutions
        page = self.page(values)
        sparql = LIMIT_CLAUSE.sub(f"LIMIT {page.limit:d} OFFSET {page.offset:d}", self.sparql, count=1)
        return sparql, substitutions

    def _with_found(self, values: Mapping[str, object], substitutions: dict, finder: Finder | None) -> str:
        """The query with the index's page of matches as a VALUES table of (thing, rank)."""
        if finder is None:
            raise TypeError(f"query '{self.name}' is answered by the search index: pass a finder")
        page = self.page(values)
        text = substitutions[self.index.text].value
        found = finder(text, page.offset + page.limit, self.index.class_iri)[page.offset:page.offset + page.limit]
        integer = ox.NamedNode(XSD + "integer")
        rows = [(ox.NamedNode(iri), ox.Literal(str(page.offset + n), datatype=integer))
                for n, iri in enumerate(found, start=1)]
        return bind_rows(self.sparql, (self.index.found, self.index.rank), rows)

    def page(self, values: Mapping[str, object]) -> Page | None:
        """The page asked for, or None for a query without pages."""
        if self.pagination is None:
            return None
        by_name = {p.name: p for p in self.parameters}
        limit = self._whole_number(by_name["limit"], values, 1, MAX_PAGE_SIZE)
        offset = self._whole_number(by_name["offset"], values, 0, MAX_OFFSET)
        return Page(self.pagination, limit, offset)

    def _whole_number(self, param: Parameter, values: Mapping[str, object], low: int, high: int) -> int:
        number = int(param.type.coerce(param.name, self._raw(param, values)).value)
        if not low <= number <= high:
            raise ParameterError(param.name, f"{number} is out of range: give a whole number from {low} to {high}")
        return number

    def _check_names(self, values: Mapping[str, object]) -> None:
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise ParameterError(unknown[0], f"query '{self.name}' has no such parameter (parameters: {expected})")

    def _raw(self, param: Parameter, values: Mapping[str, object]):
        raw = values.get(param.name)
        if raw is None or raw == "":
            raw = param.default
        if raw is None and param.required:
            raise ParameterError(param.name, f"required by query '{self.name}' "
                                 f"({param.type.name}: {param.description or param.type.description})")
        return raw


class QueryFileError(UserError):
    """A malformed .rq file: a developer error in queries/, reported with its file."""


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header_lines, body_lines = [], []
    for line in text.splitlines():
        if line.startswith(HEADER_PREFIX) and not body_lines:
            header_lines.append(line[len(HEADER_PREFIX):].removeprefix(" "))
        else:
            body_lines.append(line)
    try:
        meta = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {exc}") from None
    name = path.stem
    if not NAME_PATTERN.match(name):
        raise QueryFileError(f"{path}: query file names are kebab-case (e.g. actions-for-goal.rq)")
    for key in ("title", "description"):
        if key not in meta:
            raise QueryFileError(f"{path}: the header needs '{key}'")
    params = tuple(_parameter(path, pname, spec or {}) for pname, spec in (meta.get("params") or {}).items())
    sparql = "\n".join(body_lines).strip() + "\n"
    form = _query_form(sparql)
    pagination = meta.get("pagination")
    index = _index_search(path, meta.get("index"), params, sparql)
    if pagination is not None:
        pagination = tuple(str(pagination).split())
        _check_pagination(path, pagination, params, sparql, paged_by_index=index is not None)
    elif index is not None:
        raise QueryFileError(f"{path}: a query answered by the search index is paged: add 'pagination' "
                             f"with limit and offset parameters")
    return CannedQuery(name=name, title=_lang_map(meta["title"]), description=_lang_map(meta["description"]),
                       sparql=sparql, path=path, parameters=params, tags=tuple(meta.get("tags") or ()),
                       query_form=form, pagination=pagination, index=index)


def _index_search(path: Path, spec, params: tuple[Parameter, ...], sparql: str) -> IndexSearch | None:
    """The header's `index:` entry, checked against the parameters and the query text."""
    if spec is None:
        return None
    if not isinstance(spec, dict) or not {"text", "found", "rank"} <= set(spec):
        raise QueryFileError(f"{path}: 'index' names the text parameter and the variables for the things "
                             f"found and their rank, e.g. 'index: {{text: text, found: entity, rank: rank}}'")
    text, found, rank = str(spec["text"]), str(spec["found"]), str(spec["rank"])
    if not any(p.name == text and p.type.name == "string" for p in params):
        raise QueryFileError(f"{path}: 'index' takes its words from '{text}', which is no string parameter")
    for variable in (found, rank):
        if not re.search(r"\?" + re.escape(variable) + r"\b", sparql):
            raise QueryFileError(f"{path}: 'index' binds ?{variable}, which the query does not use")
    try:
        class_iri = expand(str(spec["class"])) if spec.get("class") else None
    except KeyError:
        raise QueryFileError(f"{path}: 'index' class {spec['class']} has an unknown prefix") from None
    return IndexSearch(text=text, found=found, rank=rank, class_iri=class_iri)


def _check_pagination(path: Path, variables: tuple[str, ...], params: tuple[Parameter, ...], sparql: str,
                      paged_by_index: bool = False) -> None:
    """A paged query declares integer limit and offset parameters with defaults and holds
    exactly one LIMIT clause, with the default page size and without OFFSET (the file as
    it stands answers the first page). A query answered by the search index gets its page
    from the index, so it holds no LIMIT at all."""
    by_name = {p.name: p for p in params}
    for name in PAGE_PARAMETERS:
        param = by_name.get(name)
        if param is None or param.type.name != "integer" or param.default is None:
            raise QueryFileError(f"{path}: 'pagination' needs an integer parameter '{name}' with a default")
    # Counted in the whole text, comments included, so that the rewrite can't hit a comment.
    clauses = LIMIT_CLAUSE.findall(sparql)
    if paged_by_index:
        if clauses:
            raise QueryFileError(f"{path}: a query answered by the search index gets its page from the index: "
                                 f"remove 'LIMIT {clauses[0]}'")
        clauses = [by_name["limit"].default]
    if clauses != [by_name["limit"].default]:
        raise QueryFileError(f"{path}: a paged query holds exactly one 'LIMIT {by_name['limit'].default}' "
                             f"(the default page, not in a comment either), found "
                             f"{['LIMIT ' + c for c in clauses] or 'none'}")
    if re.search(r"\bOFFSET\b", sparql, re.IGNORECASE) or by_name["offset"].default != "0":
        raise QueryFileError(f"{path}: a paged query starts at offset 0 and writes no OFFSET itself")
    if not variables:
        raise QueryFileError(f"{path}: 'pagination' names the variable(s) a page counts, e.g. 'pagination: goal'")
    for variable in variables:
        if not re.search(r"\?" + re.escape(variable) + r"\b", sparql):
            raise QueryFileError(f"{path}: 'pagination' names ?{variable}, which the query does not use")


def _query_form(sparql: str) -> str:
    without_comments = re.sub(r"#[^\n]*", "", sparql)
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", without_comments, re.IGNORECASE)
    return match.group(1).upper() if match else "SELECT"


def _lang_map(value) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    return {"nl": str(value).strip(), "en": str(value).strip()}


def _parameter(path: Path, name: str, spec: dict) -> Parameter:
    type_name = spec.get("type", "string")
    if type_name not in PARAM_TYPES:
        raise QueryFileError(f"{path}: parameter '{name}' has unknown type '{type_name}' "
                             f"(use one of {', '.join(PARAM_TYPES)})")
    default = spec.get("default")
    required = bool(spec.get("required", default is None))
    pick_class = spec.get("class")
    if pick_class is not None and type_name != "iri":
        raise QueryFileError(f"{path}: parameter '{name}' has 'class' but is not of type iri")
    return Parameter(name=name, type=PARAM_TYPES[type_name], description=str(spec.get("description", "")),
                     default=None if default is None else str(default), required=required,
                     pick_class=None if pick_class is None else str(pick_class))


class Registry:
    def __init__(self, queries: Mapping[str, CannedQuery]):
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def from_directory(cls, directory: Path) -> "Registry":
        return cls({q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))})

    def __iter__(self):
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def names(self) -> list[str]:
        return list(self._queries)

    def get(self, name: str) -> CannedQuery:
        try:
            return self._queries[name]
        except KeyError:
            close = [n for n in self._queries if name in n or n in name]
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise UnknownQueryError(f"unknown query '{name}'.{hint} List them with 'beleidsgraaf queries'.") from None


@lru_cache(maxsize=4)
def registry(cfg: Settings | None = None) -> Registry:
    return Registry.from_directory((cfg or current_settings()).queries_dir)
