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


# Column headings of result tables and names of form fields: a policy officer reads these,
# not SPARQL variable names. tests/service/test_dutch_pages.py checks that every variable a
# canned query shows, and every parameter, has one.
HEADINGS = {
    "about": "over", "action": "actie", "actionCount": "aantal acties", "actionStatus": "status actie",
    "actions": "acties", "article": "artikel", "asInitiator": "als initiatiefnemer", "asPartner": "als partner",
    "baselineDate": "peildatum nulmeting", "baselineNote": "toelichting nulmeting", "baselineValue": "nulmeting",
    "before": "vóór", "broaderGoals": "bovenliggende doelen", "bwbId": "BWB-id", "category": "categorie",
    "comparator": "vergelijking", "concept": "begrip", "deadline": "uiterlijk", "definition": "definitie",
    "deliverer": "uitvoerder", "directActionCount": "aantal acties (direct)", "direction": "richting",
    "document": "document", "entity": "gevonden", "figure": "cijfer", "fte": "fte",
    "fundingMode": "financiering", "goal": "doel", "hoursPerWeek": "uren per week", "indicator": "indicator",
    "indicators": "indicatoren", "initiated": "als initiatiefnemer", "initiatorLabel": "initiatiefnemer",
    "initiators": "initiatiefnemers", "item": "onderdeel", "itemNotation": "nummer onderdeel",
    "itemStatus": "status onderdeel", "kind": "soort", "label": "naam", "law": "wet", "lawVia": "wet via",
    "level": "niveau", "levelRank": "rangorde niveau", "limit": "per pagina", "link": "verband",
    "notation": "nummer", "notations": "nummers", "note": "toelichting", "offset": "overslaan",
    "ongoingActions": "lopende acties", "organisation": "organisatie", "other": "ander ding",
    "participant": "deelnemer", "partnerLabel": "partner", "partnered": "als partner", "partners": "partners",
    "parts": "onderdelen", "post": "functie", "property": "eigenschap", "provision": "bepaling",
    "provisionKind": "soort bepaling", "publisherLabel": "uitgever", "publishers": "uitgevers", "q": "aantal",
    "quote": "citaat", "rank": "rang", "referenceDate": "peildatum", "referencePeriodEnd": "einde periode",
    "relation": "relatie", "role": "rol", "scheme": "begrippenlijst", "status": "status", "strand": "actielijn",
    "strandNotation": "nummer actielijn", "strands": "actielijnen", "subLabel": "onderdeel", "subject": "onderwerp",
    "subjectType": "soort onderwerp", "subtheme": "subthema", "targetComparator": "vergelijking streefwaarde",
    "targetDate": "streefdatum", "targetGroup": "doelgroep", "targetRelativeChange": "beoogde verandering",
    "targetValue": "streefwaarde", "task": "taak", "taskNotation": "nummer taak", "team": "team",
    "term": "zoekterm", "text": "zoekwoorden", "theme": "thema", "thing": "ding", "total": "totaal",
    "type": "soort", "unit": "eenheid", "until": "tot en met", "usedBy": "gebruikt door",
    "usedByNotation": "nummer (gebruikt door)", "usedByType": "soort (gebruikt door)", "value": "waarde",
    "via": "via", "withDeadline": "met termijn",
}


def heading(variable: str) -> str:
    """The Dutch heading of a result column or form field (a column X shown with its label
    XLabel is headed as X)."""
    return HEADINGS.get(variable) or HEADINGS.get(variable.removesuffix("Label")) or variable

# What a form says a parameter expects, by the parameter's type.
TYPE_NAMES = {"iri": "kies op naam", "string": "tekst", "integer": "geheel getal", "decimal": "getal",
              "date": "datum als JJJJ-MM-DD", "gYear": "jaar als JJJJ", "boolean": "ja of nee"}
