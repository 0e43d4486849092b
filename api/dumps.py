"""The whole dataset at stable URLs (/dataset.ttl, .nt, .jsonld, .nq) and its VoID/DCAT
description at /dataset (Turtle, JSON-LD, N-Triples or HTML)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from beleidsgraaf import formats
from beleidsgraaf.namespaces import BG
from beleidsgraaf.formats import GRAPH_TYPES, HTML
from beleidsgraaf.results import compact, serialize_triples

from .service import Service, service
from .negotiation import negotiate
from .openapi_responses import HTML_OR_RDF

if TYPE_CHECKING:
    from rdflib import Graph

router = APIRouter(tags=["Dataset"])



def _shown_name(fmt: ox.RdfFormat) -> str:
    # Only the N-Quads dump keeps the named graphs (see dump_bytes): say so on the page.
    return fmt.name + (" (met grafen)" if fmt == ox.RdfFormat.N_QUADS else "")


# extension -> (media type, format, name shown), for each of beleidsgraaf.formats.DUMP_FORMATS.
DUMPS = {f.file_extension: (formats.media_type(f), f, _shown_name(f)) for f in formats.DUMP_FORMATS}


def dump_bytes(c: Service, ext: str) -> bytes:
    """Serialised once per format: the store does not change while it is served."""
    key = f"dump.{ext}"
    if key not in c.cache:
        _, fmt, _ = DUMPS[ext]
        if fmt == ox.RdfFormat.N_QUADS:
            data = ox.serialize(c.store.quads(), format=fmt)
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in c.store.quads()}
            data = serialize_triples(sorted(triples, key=str), fmt)
        c.cache[key] = data
    return c.cache[key]


def _dump_route(ext: str):
    media, _, name = DUMPS[ext]

    def dump(request: Request) -> Response:
        body = dump_bytes(service(request), ext)
        return Response(body, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="beleidsgraaf.{ext}"'})

    dump.__name__ = f"dump_{ext}"
    router.add_api_route(f"/dataset.{ext}", dump, methods=["GET"], summary=f"De hele dataset als {name}",
                         response_class=Response, responses={200: {"content": {media: {}}}})


for _ext in DUMPS:
    _dump_route(_ext)


@router.get("/dataset", summary="VoID/DCAT-beschrijving van de dataset (tripels per klasse en per brondocument)",
            response_class=Response, responses=HTML_OR_RDF)
def dataset_description(request: Request):
    c = service(request)
    media = negotiate(request, GRAPH_TYPES + [HTML])
    graph = void_graph(c, str(request.base_url).rstrip("/"))
    if media == HTML:
        return c.templates.TemplateResponse(request, "dataset.html", {
            "title": "Dataset", "summary": void_summary(c), "dumps": DUMPS,
            "turtle": graph.serialize(format=formats.RDFLIB_NAMES[ox.RdfFormat.TURTLE])})
    return Response(graph.serialize(format=formats.rdflib_name(media)), media_type=media, headers={"Vary": "Accept"})


def void_summary(c: Service) -> dict:
    if "void" not in c.cache:
        c.cache["void"] = {
            "triples": len(c.store),
            "classes": [{"iri": r["class"].value, "curie": compact(r["class"].value), "href": c.href(r["class"].value),
                         "entities": int(r["entities"].value), "triples": int(r["triples"].value)}
                        for r in c.run("void-class-counts")],
            "documents": [{"iri": r["document"].value, "href": c.href(r["document"].value),
                           "label": r["documentLabel"].value if r["documentLabel"] is not None else compact(r["document"].value),
                           "source": r["sourcePath"].value if r["sourcePath"] is not None else None,
                           "entities": int(r["entities"].value), "triples": int(r["triples"].value)}
                          for r in c.run("void-document-counts")],
            "graphs": [{"iri": r["graph"].value, "triples": int(r["triples"].value)} for r in c.run("void-graph-counts")],
            "meta": {k: (v.value if v is not None else None) for k, v in (c.run("ontology-metadata") or [{}])[0].items()},
        }
    return c.cache["void"]


def void_graph(c: Service, server: str) -> Graph:
    from rdflib import Graph, Literal, URIRef  # here, not at import: the server starts without rdflib
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

    s = void_summary(c)
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("bg", BG), ("foaf", FOAF)):
        g.bind(prefix, ns)
    ds = URIRef(c.settings.base + "dataset")
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal("beleidsgraaf: sociaal-domeinbeleid van Lochem en regio Midden-IJssel", lang="nl")))
    g.add((ds, DCTERMS.description, Literal("Doelen, indicatoren, actielijnen, acties, organisaties en wetten uit "
                                            "beleidsdocumenten, elk met een letterlijk citaat uit de bron.", lang="nl")))
    if s["meta"].get("license"):
        g.add((ds, DCTERMS.license, URIRef(s["meta"]["license"])))
    g.add((ds, VOID.triples, Literal(s["triples"], datatype=XSD.integer)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(server + "/sparql")))
    g.add((ds, VOID.uriSpace, Literal(c.settings.id_ns)))
    g.add((ds, VOID.vocabulary, URIRef(c.settings.def_ns)))
    g.add((ds, VOID.exampleResource, URIRef(c.settings.id_ns + "doel/regiovisie-bw-mo-2024-2026/doelstelling-1")))
    for ext, (media, _, name) in DUMPS.items():
        url = URIRef(f"{server}/dataset.{ext}")
        g.add((ds, VOID.dataDump, url))
        dist = URIRef(f"{server}/dataset.{ext}#distributie")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCTERMS.title, Literal(name, lang="nl")))
    for i, cls in enumerate(s["classes"]):
        part = URIRef(f"{c.settings.base}dataset/klasse/{i}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls["iri"])))
        g.add((part, VOID.entities, Literal(cls["entities"], datatype=XSD.integer)))
        g.add((part, VOID.triples, Literal(cls["triples"], datatype=XSD.integer)))
    for doc in s["documents"]:
        subset = URIRef(f"{c.settings.base}dataset/bron/{doc['iri'].rsplit('/', 1)[-1]}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.source, URIRef(doc["iri"])))
        g.add((ds, DCTERMS.source, URIRef(doc["iri"])))
        g.add((subset, DCTERMS.title, Literal(doc["label"], lang="nl")))
        g.add((subset, VOID.entities, Literal(doc["entities"], datatype=XSD.integer)))
        g.add((subset, VOID.triples, Literal(doc["triples"], datatype=XSD.integer)))
    return g
