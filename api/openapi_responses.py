"""What each operation may answer, for the OpenAPI document: its success media types and
the error answers of api/errors.py (JSON for programs, an HTML page for browsers), so
that clients and schema-driven tests know every status code and content type."""

from __future__ import annotations

from beleidsgraaf.formats import GRAPH_TYPES, HTML, JSON, RESULT_TYPES, SVG as SVG_TYPE

ERROR_BODY = {
    "title": "Fout",
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {
        "status": {"type": "integer", "description": "the HTTP status code"},
        "error": {"type": "string", "description": "short title, in Dutch"},
        "message": {"type": "string", "description": "what is wrong, where, and how to fix it"},
        "suggestion": {"type": "string"},
        "line": {"type": ["integer", "null"], "description": "line of unparseable input, when known"},
        "column": {"type": ["integer", "null"], "description": "column of unparseable input, when known"},
        "parameter": {"type": "string", "description": "the query parameter that is missing or invalid"},
    },
}


def error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": ERROR_BODY},
                                                    HTML: {"schema": {"type": "string"}}}}


# Answers any operation can give: a malformed request, an unknown thing, no acceptable
# format (Accept or ?format=), an invalid parameter.
COMMON_ERRORS = {
    400: error("ongeldig verzoek (bijv. een onleesbare SPARQL-query of RDF-invoer)"),
    404: error("niet gevonden"),
    406: error("het gevraagde formaat (Accept of ?format=) is hier niet beschikbaar"),
    422: error("ontbrekende of ongeldige parameter"),
}
BODY_ERRORS = {
    413: error("de invoer is groter dan de grens (zie de melding voor de omgevingsvariabele)"),
    415: error("de Content-Type van de invoer wordt niet ondersteund"),
}
FORBIDDEN = {403: error("niet toegestaan (SPARQL Update, of SERVICE zolang een beheerder die niet aanzet)")}


def ok(*media_types: str, description: str = "resultaat") -> dict:
    return {200: {"description": description, "content": {m: {"schema": {}} for m in media_types}}}


SPARQL_ANSWERS = ok(*RESULT_TYPES, *GRAPH_TYPES, HTML,
                    description="resultaten (SELECT/ASK), een graaf (CONSTRUCT/DESCRIBE), de "
                                "dienstbeschrijving (zonder query) of de querypagina (HTML)")
HTML_PAGE = ok(HTML, description="HTML-pagina")
HTML_OR_JSON = ok(HTML, JSON)
HTML_OR_RDF = ok(HTML, *GRAPH_TYPES)
SVG = ok(SVG_TYPE, description="SVG-diagram")
SEE_OTHER = {303: {"description": "See Other: de beschrijving in het gevraagde formaat",
                   "headers": {"Location": {"schema": {"type": "string"}}}}}
