"""Values as a Dutch reader expects them: dates written out ("31 december 2025"), numbers
without datatype noise, and notations in natural order (1, 2, ..., 10 rather than 1, 10, 2)."""

from __future__ import annotations

import datetime as dt
import re

from beleidsgraaf.namespaces import XSD

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]
NUMBERS = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger",
                             "positiveInteger")}
PLAIN = {XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", XSD + "gYear", XSD + "anyURI"}
DIGITS = re.compile(r"(\d+)")


def dutch_date(text: str) -> str | None:
    """'2025-12-31' -> '31 december 2025'; '2025-12' -> 'december 2025'; None if no date."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = text.split("-")
            return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return None
    return None


def display_literal(term) -> str:
    """The text of a literal as a Dutch page shows it: dates written out, other values as written."""
    datatype = getattr(term, "datatype", None)
    kind = datatype.value if datatype is not None else None
    if kind in (XSD + "date", XSD + "gYearMonth", XSD + "dateTime"):
        return dutch_date(term.value[:10] if kind == XSD + "dateTime" else term.value) or term.value
    if kind == XSD + "boolean":
        return "ja" if term.value in ("true", "1") else "nee"
    return term.value


def shows_datatype(datatype_iri: str | None) -> bool:
    """Whether the datatype says something a reader needs (it rarely does)."""
    return bool(datatype_iri) and datatype_iri not in PLAIN and datatype_iri not in NUMBERS \
        and datatype_iri not in (XSD + "date", XSD + "gYearMonth", XSD + "dateTime", XSD + "boolean")


def natural_key(text: str | None) -> tuple:
    """Sort key putting '2' before '10' and '3.2' before '3.10': digit runs compare as numbers."""
    parts = DIGITS.split((text or "").lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")
