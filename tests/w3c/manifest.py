"""Read the imported W3C test manifests (tests/w3c/, see import_manifests.py) into plain
records: one Entry per manifest entry, in manifest order, with its HTTP requests in the
order they must run and what each response must be.

Only the manifest vocabulary is interpreted here (mf:, ht:, cnt:, ut:); what a request means
for this service is the test runners' business."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS

HERE = Path(__file__).resolve().parent
PROVENANCE = json.loads((HERE / "PROVENANCE.json").read_text(encoding="utf-8"))
BASE = PROVENANCE["base"]

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


@dataclass(frozen=True)
class Expected:
    statuses: tuple[range, ...]            # any of these
    format: str | None = None              # "boolean", "tabular" or "RDF" (protocol tests)
    boolean: bool | None = None
    location: str | None = None            # a template the Location header value replaces
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None              # RDF the response must be isomorphic to

    def allows(self, status: int) -> bool:
        return any(status in r for r in self.statuses)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Entry:
    iri: str
    name: str
    title: str
    requests: tuple[Request, ...]
    graph_data: tuple[tuple[str, Path], ...] = ()   # (graph name, data file)
    requires: tuple[str, ...] = field(default=())


def status_ranges(term: URIRef) -> range:
    """hts:StatusCode2xx is a class of codes; hts:Created, hts:NoContent ... name one."""
    name = str(term).removeprefix(str(HTS))
    if match := re.fullmatch(r"StatusCode(\d)xx", name):
        first = int(match[1]) * 100
        return range(first, first + 100)
    code = HTTPStatus[re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).upper()]
    return range(code, code + 1)


def _headers(graph: Graph, node) -> tuple[tuple[str, str], ...]:
    listed = graph.value(node, HT.headers)
    if listed is None:
        return ()
    return tuple((str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
                 for h in Collection(graph, listed))


def _body(graph: Graph, node) -> bytes | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(body, CNT.chars)).encode(encoding)


def _expected(graph: Graph, response) -> Expected:
    def plain(predicate):
        value = graph.value(response, predicate)
        return value.toPython() if isinstance(value, Literal) else value

    return Expected(
        statuses=tuple(status_ranges(s) for s in graph.objects(response, MF.expectedStatus)),
        format=plain(MF.expectedFormat), boolean=plain(MF.expectedBoolean),
        location=plain(MF.expectedLocation), headers=_headers(graph, response), body=_body(graph, response))


def _request(graph: Graph, node) -> Request:
    return Request(method=str(graph.value(node, HT.methodName)), path=str(graph.value(node, HT.absolutePath)),
                   headers=_headers(graph, node), body=_body(graph, node),
                   expected=_expected(graph, graph.value(node, HT.resp)))


def _entry(graph: Graph, iri: URIRef) -> Entry:
    action = graph.value(iri, MF.action)
    requests = tuple(_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests)))
    graph_data = tuple(sorted((str(graph.value(d, RDFS.label)), HERE / str(graph.value(d, UT.graph))[len(BASE):])
                              for d in graph.objects(iri, UT.graphData)))
    return Entry(iri=str(iri), name=str(iri).rsplit("#", 1)[-1], title=str(graph.value(iri, MF.name)),
                 requests=requests, graph_data=graph_data,
                 requires=tuple(str(r).removeprefix(str(MF)) for r in graph.objects(iri, MF.requires)))


def parse(path: str) -> Graph:
    return Graph().parse(HERE / path, format="turtle", publicID=BASE + path)


def entries(path: str) -> list[Entry]:
    """The entries of the manifest at `path` (relative to tests/w3c/) and of those it includes."""
    graph = parse(path)
    manifest = URIRef(BASE + path)
    found = []
    listed = graph.value(manifest, MF.entries)
    if listed is not None:
        found.extend(_entry(graph, iri) for iri in Collection(graph, listed))
    included = graph.value(manifest, MF.include)
    if included is not None:
        for child in Collection(graph, included):
            found.extend(entries(str(child)[len(BASE):]))
    return found
