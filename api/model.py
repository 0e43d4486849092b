"""The model at /def: an HTML reference of the ontology's classes and properties (with the
shapes that constrain each and a class diagram) for browsers, the ontology as RDF for programs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

import pyoxigraph as ox

from beleidsgraaf import formats
from beleidsgraaf.formats import GRAPH_TYPES, HTML
from beleidsgraaf.results import compact, serialize_triples

from .service import Service, service
from .negotiation import negotiate
from .openapi_responses import HTML_OR_RDF

router = APIRouter(tags=["Model"])


@router.get("/def", summary="De ontologie: HTML-naslag of RDF (Turtle, N-Triples, JSON-LD, RDF/XML) via Accept",
            response_class=Response, responses=HTML_OR_RDF,
            description="Termen https://w3id.org/beleidsgraaf/def#Naam staan op deze pagina onder #Naam.")
def ontology(request: Request):
    c = service(request)
    media = negotiate(request, [HTML] + GRAPH_TYPES)
    if media != HTML:
        return _ontology_rdf(c, media)
    terms = ontology_terms(c)
    classes = [t for t in terms if t["kind"] == "klasse"]
    return c.templates.TemplateResponse(request, "model.html", {
        "title": "Model", "meta": _metadata(c), "classes": classes,
        "properties": [t for t in terms if t["kind"] != "klasse"],
        "diagram": class_diagram_svg(classes, [t for t in terms if t["kind"] == "objecteigenschap"])})


@router.get("/def.ttl", summary="De ontologie als Turtle", include_in_schema=False)
def ontology_turtle(request: Request):
    return _ontology_rdf(service(request), formats.media_type(formats.RdfFormat.TURTLE))


def _ontology_rdf(c: Service, media: str) -> Response:
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in c.store.quads(c.ontology_graph_iri)]
    body = serialize_triples(triples, formats.rdf_format_for_media_type(media))
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def _metadata(c: Service) -> dict:
    rows = c.run("ontology-metadata")
    return {k: (v.value if v is not None else None) for k, v in rows[0].items()} if rows else {}


def ontology_terms(c: Service) -> list[dict]:
    shapes = _shapes_by_term(c)
    terms: dict[str, dict] = {}
    for r in c.run("ontology-terms"):
        iri = r["term"].value
        term = terms.setdefault(iri, {
            "iri": iri, "curie": compact(iri), "anchor": _anchor(c, iri), "kind": r["kind"].value,
            "labelNl": r["labelNl"].value, "labelEn": _v(r["labelEn"]),
            "definitionNl": _v(r["definitionNl"]), "definitionEn": _v(r["definitionEn"]),
            "domain": [], "range": [], "super": [], "shapes": shapes.get(iri, [])})
        for key in ("domain", "range", "super"):
            if r[key] is not None:
                link = {"iri": r[key].value, "href": c.href(r[key].value), "text": compact(r[key].value)}
                if link not in term[key]:
                    term[key].append(link)
    return sorted(terms.values(), key=lambda t: t["labelNl"].lower())


def _anchor(c: Service, iri: str) -> str:
    return iri[len(c.settings.def_ns):] if iri.startswith(c.settings.def_ns) else compact(iri).replace(":", "-")


def _shapes_by_term(c: Service) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in c.run("shapes-by-term", store=c.shapes_store()):
        entry = {"shape": _shape_name(c, r["shape"]),
                 "message": _v(r["message"]),
                 "severity": _v(r["severity"]).rsplit("#", 1)[-1] if r["severity"] is not None else None}
        if entry not in out.setdefault(r["term"].value, []):
            out[r["term"].value].append(entry)
    return out


def _shape_name(c: Service, term) -> str:
    if not isinstance(term, ox.NamedNode):
        return "(naamloze vorm)"
    shapes_ns = c.settings.base + "shapes#"
    return "bgsh:" + term.value[len(shapes_ns):] if term.value.startswith(shapes_ns) else compact(term.value)


def _v(term):
    return None if term is None else term.value


def class_diagram_svg(classes: list[dict], properties: list[dict]) -> str:
    """Classes on a circle, object properties as arrows from domain to range."""
    import math
    from html import escape

    shown = [c for c in classes if c["domain"] == [] and (c["iri"].startswith("https://w3id.org/") or
             any(p for p in properties if any(d["iri"] == c["iri"] for d in p["domain"] + p["range"])))]
    n = max(len(shown), 1)
    size, radius = 900, 360
    pos = {c["iri"]: (size / 2 + radius * math.cos(2 * math.pi * i / n),
                      size / 2 + radius * math.sin(2 * math.pi * i / n)) for i, c in enumerate(shown)}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" role="img" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" font-family="sans-serif" font-size="12"><title>Klassendiagram</title>'
             '<desc>Klassen van de ontologie met de objecteigenschappen tussen hen (van domein naar bereik)</desc>'
             '<defs><marker id="pijl" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>']
    for p in properties:
        for d in p["domain"]:
            for r in p["range"]:
                if d["iri"] in pos and r["iri"] in pos and d["iri"] != r["iri"]:
                    (x1, y1), (x2, y2) = pos[d["iri"]], pos[r["iri"]]
                    parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#bbb" '
                                 f'marker-end="url(#pijl)"><title>{escape(p["labelNl"])}</title></line>')
    for c in shown:
        x, y = pos[c["iri"]]
        parts.append(f'<a href="#{escape(c["anchor"])}"><g><title>{escape(c["curie"])}</title>'
                     f'<rect x="{x - 70:.0f}" y="{y - 14:.0f}" width="140" height="28" rx="6" fill="#fff" '
                     f'stroke="#0d47a1"/><text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle">'
                     f'{escape(c["labelNl"][:22])}</text></g></a>')
    parts.append("</svg>")
    return "\n".join(parts)
