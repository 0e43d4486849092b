"""Linked-entity browsing for policy staff: the home page, entity pages under /id/,
class pages, search and the per-document diagrams. Every page is server-rendered Dutch
HTML; entities also answer in RDF by Accept header or extension."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote as url_quote

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from beleidsgraaf import formats
from beleidsgraaf.formats import GRAPH_TYPES, HTML, JSON
from beleidsgraaf.namespaces import BG, DCTERMS as DCT, PREFIXES, RDF, RDFS, SKOS
from beleidsgraaf.results import compact, serialize_triples

from . import diagrams
from .dutch import display_literal, natural_key, shows_datatype
from .service import Service, service
from .errors import NotFound
from .negotiation import negotiate
from .openapi_responses import HTML_OR_JSON, HTML_OR_RDF, HTML_PAGE, SEE_OTHER, SVG

router = APIRouter(tags=["Bladeren"])

RDF_TYPE = RDF + "type"
# Shown in the page header, so not repeated in the property groups.
HEADER_PROPERTIES = {RDF_TYPE, SKOS + "prefLabel", SKOS + "notation", DCT + "source", BG + "quote"}
# Dutch names for reused properties the ontology does not label itself.
FALLBACK_LABELS = {
    RDF_TYPE: "soort", SKOS + "prefLabel": "naam", SKOS + "altLabel": "andere naam",
    SKOS + "hiddenLabel": "verborgen naam", SKOS + "notation": "nummering", SKOS + "definition": "definitie",
    SKOS + "scopeNote": "toelichting", SKOS + "example": "voorbeeld", SKOS + "inScheme": "in begrippenlijst",
    SKOS + "broader": "breder begrip", SKOS + "related": "verwant begrip", DCT + "source": "bron",
    DCT + "title": "titel", DCT + "alternative": "andere titel", DCT + "description": "beschrijving",
    DCT + "identifier": "identificatie", DCT + "issued": "uitgegeven", DCT + "publisher": "uitgever",
    DCT + "creator": "maker", DCT + "isPartOf": "onderdeel van", DCT + "references": "verwijst naar",
    DCT + "relation": "verband met", DCT + "spatial": "gebied", DCT + "subject": "onderwerp",
    DCT + "license": "licentie", RDFS + "label": "label", RDFS + "comment": "opmerking",
    RDFS + "seeAlso": "zie ook", RDFS + "subClassOf": "subklasse van", RDFS + "domain": "domein",
    RDFS + "range": "bereik", "http://xmlns.com/foaf/0.1/page": "webpagina",
    PREFIXES["prov"] + "wasRevisionOf": "herziening van", PREFIXES["prov"] + "wasDerivedFrom": "afgeleid van",
    PREFIXES["prov"] + "wasAttributedTo": "toegeschreven aan",
}
SEARCH_LIMIT = 30  # the best 30; the facets narrow the rest down
SUGGESTIONS = 8
# entity-incoming.rq shows at most this many references (its LIMIT).
INCOMING_SHOWN = 500
# Turtle first: what a program asking for */* gets; HTML second, for a browser.
ENTITY_OFFERS = [GRAPH_TYPES[0], HTML, *GRAPH_TYPES[1:]]
SUFFIX_MEDIA = {"." + formats.extension(media): media for media in ENTITY_OFFERS}


# -- home, search, classes ---------------------------------------------------------------

@router.get("/", summary="Startpagina: documenten met hun doelen", response_class=Response, responses=HTML_PAGE)
def home(request: Request):
    c = service(request)
    return c.templates.TemplateResponse(request, "home.html", {"title": "beleidsgraaf",
                                                               "documents": documents_with_goals(c)})


@dataclass
class GoalItem:
    iri: str
    label: str
    notation: str | None
    level: str | None
    children: list["GoalItem"] = field(default_factory=list)


def documents_with_goals(c: Service) -> list[dict]:
    documents: dict[str, dict] = {}
    goals: dict[str, dict[str, GoalItem]] = {}
    broader: dict[str, str] = {}
    for row in c.run("documents-goal-trees"):
        doc = row["document"].value
        documents.setdefault(doc, {"iri": doc, "label": _value(row["documentLabel"]) or compact(doc),
                                   "period": _period(row), "goals": []})
        if row["goal"] is not None:
            goal = row["goal"].value
            goals.setdefault(doc, {}).setdefault(goal, GoalItem(goal, _value(row["goalLabel"]) or compact(goal),
                                                                _value(row["notation"]), _value(row["levelLabel"])))
            if row["broader"] is not None:
                broader[goal] = row["broader"].value
    for doc, items in goals.items():
        for iri, item in items.items():
            parent = broader.get(iri)
            if parent in items and parent != iri:
                items[parent].children.append(item)
            else:
                documents[doc]["goals"].append(item)
    return sorted(documents.values(), key=lambda d: d["label"].lower())


def _period(row) -> str | None:
    start, end = _value(row["periodStart"]), _value(row["periodEnd"])
    if start and end:
        return f"{start} – {end}"
    return start or end


def _value(term) -> str | None:
    return None if term is None else term.value


@router.get("/zoeken", summary="Zoeken in namen, nummers en teksten (woordvormen, tikfouten, elke volgorde)",
            response_class=Response, responses=HTML_OR_JSON,
            description="Volledige-tekstzoeken in de zoekindex: beste treffer eerst (het gevraagde nummer, "
                        "dan namen, dan beschrijvingen en citaten), met fragmenten en facetten per soort en "
                        "document. `soort` en `document` beperken tot een facet.")
def search(request: Request, q: str = "", soort: str = "", document: str = ""):
    c = service(request)
    media = negotiate(request, [HTML, JSON])
    results = c.index().search(q, limit=SEARCH_LIMIT, type_label=soort or None, document_label=document or None) \
        if q.strip() else None
    hits = [_hit_view(c, h) for h in results.hits] if results else []
    if media == HTML:
        return c.templates.TemplateResponse(request, "search.html", {
            "title": "Zoeken", "q": q, "hits": hits, "results": results, "soort": soort, "document": document})
    return JSONResponse({"q": q, "total": results.total if results else 0, "more": results.more if results else False,
                         "results": [{"iri": h["iri"], "label": h["label"], "type": h["type"], "url": h["href"],
                                      "notation": h["notation"], "document": h["document"],
                                      "matched_in": h["matched_in"],
                                      "snippet": "".join(text for text, _ in h["snippet"])} for h in hits],
                         "facets": {"type": dict(results.types) if results else {},
                                    "document": dict(results.documents) if results else {}}})


@router.get("/zoeken/suggesties", summary="Suggesties tijdens het typen: namen met hun soort en document",
            response_class=JSONResponse,
            description="Dingen waarvan de naam of het nummer begint met wat tot nu toe getypt is (het laatste "
                        "woord als begin van een woord). `soort` beperkt tot één soort (bijv. organisatie), "
                        "`klasse` tot de leden van een klasse (bijv. org:Organization).")
def suggestions(request: Request, q: str = "", soort: str = "", klasse: str = ""):
    c = service(request)
    class_iri = expand(klasse) if klasse and not klasse.startswith("http") else klasse
    hits = c.index().suggest(q[:200], limit=SUGGESTIONS, type_label=soort or None, type_iri=class_iri or None)
    return JSONResponse({"q": q, "suggestions": [
        {"iri": h.iri, "label": h.label, "notation": h.notation, "type": h.type_label,
         "document": h.document_label, "url": c.href(h.iri)} for h in hits]})


def _hit_view(c: Service, h) -> dict:
    return {"iri": h.iri, "href": c.href(h.iri), "label": h.label, "type": h.type_label, "notation": h.notation,
            "document": h.document_label, "document_href": c.href(h.document) if h.document else None,
            "snippet": h.snippet, "matched_in": h.matched_in}


def run_search(c: Service, text: str, limit: int = 50) -> list[dict]:
    return [_hit_view(c, h) for h in c.index().search(text, limit=limit).hits]


@router.get("/klassen", summary="Alle klassen met het aantal leden", response_class=Response, responses=HTML_PAGE)
def class_index(request: Request):
    c = service(request)
    classes = [{"iri": r["class"].value, "curie": compact(r["class"].value),
                "label": _value(r["classLabel"]) or compact(r["class"].value), "members": int(r["members"].value)}
               for r in c.run("classes")]
    classes.sort(key=lambda k: (_class_rank(k["iri"]), k["label"].lower()))
    return c.templates.TemplateResponse(request, "classes.html", {"title": "Klassen", "classes": classes})


def _class_rank(iri: str) -> int:
    """Our own classes first, then reused vocabularies (org:, skos:, ...), then OWL/RDF's."""
    if iri.startswith(BG):
        return 0
    if iri.startswith((PREFIXES["owl"], RDF_TYPE.split("#")[0] + "#", RDFS)):
        return 2
    return 1


@router.get("/klassen/{curie}", summary="De leden van een klasse, bijv. /klassen/bg:Goal",
            response_class=Response, responses=HTML_OR_JSON)
def class_page(request: Request, curie: str):
    c = service(request)
    iri = expand(curie)
    rows = c.run("class-members", **{"class": iri})
    if not rows:
        raise NotFound(f"De klasse {curie} heeft geen leden of bestaat niet.",
                       suggestion="Bekijk de lijst van klassen op /klassen.")
    media = negotiate(request, [HTML, JSON])
    members, seen, anonymous = [], set(), set()
    for r in rows:
        if isinstance(r["member"], ox.BlankNode):
            anonymous.add(r["member"].value)
            continue
        if r["member"].value in seen:
            continue
        seen.add(r["member"].value)
        members.append({"iri": r["member"].value, "href": c.href(r["member"].value),
                        "label": _value(r["label"]) or compact(r["member"].value), "notation": _value(r["notation"]),
                        "document": _value(r["document"]), "documentLabel": _value(r["documentLabel"])})
    label = _value(rows[0]["classLabel"]) or curie
    members.sort(key=lambda m: ((m["documentLabel"] or "").lower(), natural_key(m["notation"]), m["label"].lower()))
    if media != HTML:
        return JSONResponse({"class": iri, "label": label, "members": members, "anonymous": len(anonymous)})
    return c.templates.TemplateResponse(request, "class.html", {"title": label, "class_iri": iri, "curie": curie,
                                                                "members": members, "anonymous": len(anonymous)})


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    if prefix in PREFIXES and local:
        return PREFIXES[prefix] + local
    raise NotFound(f"'{curie}' is geen bekende klassenaam; schrijf bijvoorbeeld bg:Goal of org:Organization.")


# -- entities ------------------------------------------------------------------------------

# What the OpenAPI document promises an entity path holds: the characters of a URI (RFC 3986)
# after percent-decoding, which are all our IRIs use; others are refused with 422.
IRI_PATH = r"^[A-Za-z0-9._~:/@!$&'()*+,;=-]+$"
DocumentIri = Annotated[str, Query(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:" + IRI_PATH[1:],
                                   description="IRI van een beleidsdocument")]

@router.get("/id/{path:path}", summary="Een entiteit: HTML, Turtle, JSON-LD of N-Triples",
            response_class=Response, responses={**HTML_OR_RDF, **SEE_OTHER},
            description="Zonder extensie: 303 See Other naar de beschrijving in het gevraagde formaat "
                        "(Accept). Met .html, .ttl, .jsonld, .nt of .rdf: die beschrijving (200).")
def entity(request: Request, path: Annotated[str, Path(pattern=IRI_PATH)]):
    c = service(request)
    base_path, suffix = split_suffix(path)
    iri = c.settings.id_ns + base_path
    if suffix is None:
        if not entity_exists(c, iri):
            raise _unknown_entity(c, iri, base_path)
        media = negotiate(request, ENTITY_OFFERS)
        target = f"/id/{url_quote(base_path)}.{formats.extension(media)}"
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})
    media = SUFFIX_MEDIA[suffix]
    if media != HTML:
        triples = c.run_graph("entity-description", entity=iri)
        if not triples:
            raise _unknown_entity(c, iri, base_path)
        # The entity's own statements first, then what links to it: easier to read.
        triples.sort(key=lambda t: (t.subject.value != iri, t.subject.value, t.predicate.value, str(t.object)))
        body = serialize_triples(triples, formats.rdf_format_for_media_type(media))
        return Response(body, media_type=media, headers={"Link": f'<{iri}>; rel="describes"'})
    page = describe_entity(c, iri)
    if page is None:
        raise _unknown_entity(c, iri, base_path)
    extras = document_pictures(c, iri, page["label"]) if page["is_document"] else {}
    if any(t["iri"] == BG + "Goal" for t in page["types"]):
        extras["goal_actions"] = actions_serving_goal(c, iri)
    return c.templates.TemplateResponse(request, "entity.html", {"title": page["label"], "e": page, **extras})


def actions_serving_goal(c: Service, goal: str) -> list[dict]:
    """The canned query policy staff need most on a goal page: what is done for it."""
    rows = c.run_query(c.canned.get("actions-for-goal"), goal=goal)
    actions: dict[str, dict] = {}
    for r in rows:
        # One row per action: an action linked both by the text and by inference (3.1, 3.4)
        # is one action with two reasons.
        action = actions.setdefault(r["action"].value, {
            "action": _link(c, r["action"], r["actionLabel"]), "notation": _value(r["notation"]),
            "strand": _link(c, r["strand"], r["strandLabel"]) if r["strand"] is not None else None, "links": []})
        link = {"inferred": _value(r["link"]) == "inferred", "via": _value(r["via"])}
        if link not in action["links"]:
            action["links"].append(link)
    for action in actions.values():
        action["links"].sort(key=lambda link: link["inferred"])  # what the text says first
    return sorted(actions.values(), key=lambda a: (natural_key(a["notation"]), a["action"]["text"]))


def split_suffix(path: str) -> tuple[str, str | None]:
    for suffix in SUFFIX_MEDIA:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], suffix
    return path, None


def entity_exists(c: Service, iri: str) -> bool:
    return bool(c.run("entity-outgoing", entity=iri)) or bool(c.run("entity-incoming", entity=iri))


def _unknown_entity(c: Service, iri: str, path: str) -> NotFound:
    words = path.rsplit("/", 1)[-1].replace("-", " ").strip()
    hits = run_search(c, words, limit=5) if words else []
    suggestion = f"Zoek naar ‘{words}’: /zoeken?q={url_quote(words)}"
    if hits:
        suggestion += " — bedoelt u: " + "; ".join(f"{h['label']} ({h['href']})" for h in hits)
    return NotFound(f"Onbekende entiteit {iri}.", suggestion=suggestion)


def describe_entity(c: Service, iri: str) -> dict | None:
    outgoing = c.run("entity-outgoing", entity=iri)
    incoming = c.run("entity-incoming", entity=iri)
    if not outgoing and not incoming:
        return None
    by_property = lambda name: [r for r in outgoing if r["property"].value == name]  # noqa: E731
    types = [_link(c, r["value"], r["valueLabel"]) for r in by_property(RDF_TYPE)]
    return {
        "iri": iri,
        "label": _dutch_label(outgoing) or compact(iri),
        "types": types,
        "notation": next((r["value"].value for r in by_property(SKOS + "notation")), None),
        "sources": [_link(c, r["value"], r["valueLabel"]) for r in by_property(DCT + "source")],
        "quotes": [r["value"].value for r in by_property(BG + "quote")],
        "outgoing": group_outgoing(c, [r for r in outgoing if r["property"].value not in HEADER_PROPERTIES]),
        "incoming": group_incoming(c, incoming),
        "incoming_capped": len({(r["subject"], r["property"]) for r in incoming}) >= INCOMING_SHOWN,
        "external": [_link(c, r["value"], r["valueLabel"]) for r in outgoing
                     if isinstance(r["value"], ox.NamedNode) and c.local_path(r["value"].value) is None
                     and r["property"].value != RDF_TYPE],
        "breadcrumbs": breadcrumbs(c, iri),
        "is_document": any(t["iri"] == BG + "PolicyDocument" for t in types),
        "rdf_links": {ext: f"{c.href(iri)}.{ext}" for ext in ("ttl", "jsonld", "nt")},
    }


def _dutch_label(rows: list[dict]) -> str | None:
    for name in (SKOS + "prefLabel", RDFS + "label"):
        for r in rows:
            if r["property"].value == name and isinstance(r["value"], ox.Literal) and r["value"].language == "nl":
                return r["value"].value
    return None


def _link(c: Service, term, label_term) -> dict:
    """A value as the page shows it: a label linking to its page, or an outbound link."""
    if isinstance(term, ox.Literal):
        # Dates in Dutch, and no datatype where the value speaks for itself ("2025-12-31 (xsd:date)").
        shown = term.language is None and shows_datatype(term.datatype.value)
        return {"literal": True, "text": display_literal(term), "lang": term.language,
                "datatype": compact(term.datatype.value) if shown else None}
    if isinstance(term, ox.BlankNode):
        return {"literal": True, "text": "(anoniem knooppunt)", "lang": None, "datatype": None}
    iri = term.value
    local = c.local_path(iri)
    return {"literal": False, "iri": iri, "href": local or iri, "external": local is None,
            "text": _value(label_term) or compact(iri)}


def property_label(iri: str, label_term) -> str:
    return _value(label_term) or FALLBACK_LABELS.get(iri) or compact(iri)


def group_outgoing(c: Service, rows: list[dict]) -> list[dict]:
    return _group_by_property(c, rows, lambda r: _link(c, r["value"], r["valueLabel"]))


def group_incoming(c: Service, rows: list[dict]) -> list[dict]:
    def numbered_link(r):
        # Incoming links are mostly numbered items (actions, strands): show the number first.
        link = _link(c, r["subject"], r["subjectLabel"])
        notation = _value(r["subjectNotation"])
        if notation and not link["literal"]:
            link["text"] = f"{notation} {link['text']}"
        return link

    return _group_by_property(c, rows, numbered_link, inverse=True)


def _group_by_property(c: Service, rows: list[dict], link_of, inverse: bool = False) -> list[dict]:
    """Values grouped by property, each group's values once, in natural order of their text
    (1, 2, ..., 10). Incoming links read through the property's Dutch inverse where the
    ontology has one ("levert" rather than "… geleverd door deze")."""
    groups: dict[str, dict] = {}
    for r in rows:
        prop = r["property"].value
        group = groups.get(prop)
        if group is None:
            group = groups[prop] = {"iri": prop, "href": c.href(prop), "values": [],
                                    "label": property_label(prop, r["propertyLabel"]), "inverse": False}
            if inverse and r.get("inverseLabel") is not None:
                group.update(iri=r["inverse"].value, href=c.href(r["inverse"].value),
                             label=r["inverseLabel"].value, inverse=True)
        link = link_of(r)
        if link not in group["values"]:
            group["values"].append(link)
    for group in groups.values():
        group["values"].sort(key=lambda v: natural_key(v["text"]))
    return sorted(groups.values(), key=lambda g: g["label"].lower())


def breadcrumbs(c: Service, iri: str, limit: int = 8) -> list[dict]:
    """The path from the document down to this entity (document > goal > strand > action).

    One query gives the parents of everything the entity sits under; the trail then follows
    the lowest-ranked parent (then the first by IRI) from the entity upwards."""
    parents: dict[str, list[tuple[int, str, str | None]]] = {}
    for r in c.run("entity-ancestors", entity=iri):
        parents.setdefault(r["node"].value, []).append(
            (int(r["rank"].value), r["parent"].value, _value(r["parentLabel"])))
    trail, seen, current = [], {iri}, iri
    for _ in range(limit):
        candidates = parents.get(current)
        if not candidates:
            break
        _, parent, label = min(candidates, key=lambda candidate: candidate[:2])
        if parent in seen:
            break
        seen.add(parent)
        trail.append({"href": c.href(parent), "text": label or compact(parent)})
        current = parent
    return list(reversed(trail))


# -- pictures --------------------------------------------------------------------------------

def document_pictures(c: Service, document: str, title: str) -> dict:
    return {"tree_svg": tree_for(c, document, title), "timeline_svg": timeline_for(c, document, title),
            "diagram_links": {"boom": f"/diagrammen/boom.svg?document={url_quote(document)}",
                              "tijdlijn": f"/diagrammen/tijdlijn.svg?document={url_quote(document)}"}}


def tree_for(c: Service, document: str, title: str = "") -> str:
    roots = diagrams.build_forest(c.run("document-tree", document=document), c.href)
    return diagrams.tree_svg(roots, f"Doelenboom {title}".strip())


def timeline_for(c: Service, document: str, title: str = "") -> str:
    items = diagrams.milestones(c.run("document-timeline", document=document), c.href)
    return diagrams.timeline_svg(items, f"Tijdlijn {title}".strip())


@router.get("/diagrammen/boom.svg", summary="Doelenboom (doel > actielijn > actie) van een document als SVG",
            response_class=Response, responses=SVG)
def tree_diagram(request: Request, document: DocumentIri):
    c = service(request)
    _require_document(c, document)
    return Response(tree_for(c, document), media_type=formats.SVG)


@router.get("/diagrammen/tijdlijn.svg", summary="Tijdlijn van de deadlines van de acties van een document als SVG",
            response_class=Response, responses=SVG)
def timeline_diagram(request: Request, document: DocumentIri):
    c = service(request)
    _require_document(c, document)
    return Response(timeline_for(c, document), media_type=formats.SVG)


def _require_document(c: Service, document: str) -> None:
    if not c.run("entity-outgoing", entity=_checked_iri(document)):
        raise NotFound(f"Onbekend document {document}.", suggestion="Kies een document op de startpagina /.")


def _checked_iri(text: str) -> str:
    from beleidsgraaf.queries import PARAM_TYPES

    return PARAM_TYPES["iri"].coerce("document", text).value
