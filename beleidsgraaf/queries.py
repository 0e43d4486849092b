"""The canned-query registry: .rq files under queries/ with a grlc-style YAML header.

The header (lines starting with ``#+ ``) gives title, description, tags and typed
parameters; the rest of the file is SPARQL. Parameter values are checked against their
type and handed to the engine as substitutions, so no user text becomes query text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox
import yaml

from .config import Settings, settings
from .errors import ParameterError, UnknownQueryError, UserError

XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER_PREFIX = "#+"
NAME_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


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
    return ox.Literal(str(int(text, 10)), datatype=ox.NamedNode(XSD + "integer"))


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

    def label(self, lang: str = "nl") -> str:
        return self.title.get(lang) or next(iter(self.title.values()), self.name)

    def bind(self, values: Mapping[str, object]) -> dict[str, object]:
        """Check the given values against the parameters and return engine substitutions."""
        known = {p.name for p in self.parameters}
        unknown = sorted(set(values) - known)
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise ParameterError(unknown[0], f"query '{self.name}' has no such parameter (parameters: {expected})")
        substitutions: dict[str, object] = {}
        for param in self.parameters:
            raw = values.get(param.name)
            if raw is None or raw == "":
                raw = param.default
            if raw is None:
                if param.required:
                    raise ParameterError(param.name, f"required by query '{self.name}' "
                                         f"({param.type.name}: {param.description or param.type.description})")
                continue
            substitutions[param.name] = param.type.coerce(param.name, raw)
        return substitutions


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
    return CannedQuery(name=name, title=_lang_map(meta["title"]), description=_lang_map(meta["description"]),
                       sparql=sparql, path=path, parameters=params, tags=tuple(meta.get("tags") or ()),
                       query_form=form)


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
    return Parameter(name=name, type=PARAM_TYPES[type_name], description=str(spec.get("description", "")),
                     default=None if default is None else str(default), required=required)


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
    return Registry.from_directory((cfg or settings()).queries_dir)
