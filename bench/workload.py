"""What the benchmark asks: every canned query with its example parameters, the ad-hoc
research queries in bench/queries/, and two web pages; each in the forms the different
targets need (engine substitutions in-process, a canned-query URL for our server, plain
SPARQL text for a generic endpoint)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


from beleidsgraaf.formats import N_TRIPLES, RESULTS_JSON, SPARQL_QUERY
from beleidsgraaf.queries import CannedQuery, Registry, registry

ADHOC_DIR = Path(__file__).resolve().parent / "queries"
# Canned queries whose required parameters have no default get these example values.
EXAMPLE_VALUES = {"search": {"text": "zorg"}}
# Pages: an entity page and a goal-tree diagram of shipped entities (present at every size).
ENTITY_PAGE = "/id/doel/regiovisie-bw-mo-2024-2026/doelstelling-1.html"
TREE_DOCUMENT = "https://w3id.org/beleidsgraaf/id/document/beleidsplan-jeugdhulp-wmo-lochem"



@dataclass(frozen=True)
class BenchQuery:
    """One query of the workload. `name` is unique across kinds (ad-hoc names get a prefix)."""

    name: str
    kind: str                                   # "canned" or "adhoc"
    sparql: str
    form: str                                   # SELECT, ASK, CONSTRUCT, DESCRIBE
    tags: tuple[str, ...] = ()
    substitutions: dict[str, object] = field(default_factory=dict)
    http_params: dict[str, str] = field(default_factory=dict)
    # Answered by the service's search index (its matches become a VALUES table): an engine
    # alone cannot run it, so only the service is measured.
    index_backed: bool = False

    @property
    def accept(self) -> str:
        return N_TRIPLES if self.form in {"CONSTRUCT", "DESCRIBE"} else RESULTS_JSON

    def our_request(self) -> tuple[str, str, dict]:
        """(method, path, httpx keyword arguments) for our own server."""
        headers = {"Accept": self.accept}
        if self.kind == "canned":
            return "GET", f"/queries/{self.name}", {"params": self.http_params, "headers": headers}
        return "POST", "/sparql", {"content": self.sparql.encode("utf-8"),
                                   "headers": {**headers, "Content-Type": SPARQL_QUERY}}

    def portable_sparql(self) -> str:
        """The query as plain text for an endpoint without parameter binding."""
        return inline_values(self.sparql, self.substitutions)

    def peer_request(self) -> tuple[str, str, dict]:
        return "POST", "/sparql", {"content": self.portable_sparql().encode("utf-8"),
                                   "headers": {"Accept": self.accept, "Content-Type": SPARQL_QUERY}}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    params: dict[str, str] = field(default_factory=dict)


# Search: the result page for words, a typo and a notation, and suggestions as one types.
SEARCH_PAGES = (Page("search-words", "/zoeken", {"q": "beschermd wonen"}),
                Page("search-typo", "/zoeken", {"q": "daklooshied"}),
                Page("search-notation", "/zoeken", {"q": "doelstelling 1"}))
SUGGESTION_PAGES = (Page("suggest-name", "/zoeken/suggesties", {"q": "tact"}),
                    Page("suggest-words", "/zoeken/suggesties", {"q": "beschermd wo"}))
PAGES = (Page("entity-page", ENTITY_PAGE), Page("goal-tree-svg", "/diagrammen/boom.svg", {"document": TREE_DOCUMENT})) \
    + SEARCH_PAGES + SUGGESTION_PAGES


def canned_queries(reg: Registry | None = None) -> list[BenchQuery]:
    out = []
    for query in reg or registry():
        values = example_values(query)
        out.append(BenchQuery(name=query.name, kind="canned", sparql=query.sparql, form=query.query_form,
                              tags=query.tags, substitutions=query.bind(values), http_params=values,
                              index_backed=query.index is not None))
    return out


def example_values(query: CannedQuery) -> dict[str, str]:
    """The example parameters: defaults apply by themselves; required ones without a default
    get a value from EXAMPLE_VALUES (or a common word for a text parameter)."""
    values = dict(EXAMPLE_VALUES.get(query.name, {}))
    for param in query.parameters:
        if param.required and param.name not in values:
            if param.type.name != "string":
                raise ValueError(f"canned query {query.name}: give an example value for '{param.name}' in "
                                 f"bench/workload.py EXAMPLE_VALUES")
            values[param.name] = "zorg"
    return values


def adhoc_queries(directory: Path = ADHOC_DIR) -> list[BenchQuery]:
    return [BenchQuery(name=f"adhoc/{q.name}", kind="adhoc", sparql=q.sparql, form=q.query_form, tags=q.tags)
            for q in Registry.from_directory(directory)]


def all_queries(only: set[str] | None = None) -> list[BenchQuery]:
    queries = canned_queries() + adhoc_queries()
    return [q for q in queries if not only or q.name in only or q.name.removeprefix("adhoc/") in only]


_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def inline_values(sparql: str, substitutions: dict[str, object]) -> str:
    """Bind parameters the portable way: a VALUES block at the start of every WHERE group
    (the outer query and each subquery), so a variable is bound wherever the engine would
    have substituted it. Values are written as N-Triples terms (not user input: these are
    the benchmark's own example values)."""
    if not substitutions:
        return sparql
    names = sorted(substitutions)
    row = " ".join(str(substitutions[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    return _WHERE_OPEN.sub(lambda m: m.group(0) + block, sparql)
