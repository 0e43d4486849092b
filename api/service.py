"""The service: what every router needs: the store, the settings, the query registries,
the templates, and the few derived things worth computing once (the store is read-only while
served)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from fastapi.templating import Jinja2Templates

from beleidsgraaf.settings import Settings
from beleidsgraaf.namespaces import PREFIXES
from beleidsgraaf.shipped import read_graph_file, shape_files
from beleidsgraaf.queries import Registry
from beleidsgraaf.results import compact
from beleidsgraaf.backends import QueryStore
from beleidsgraaf.search_index import SearchIndex
from beleidsgraaf.backends.oxigraph_store import Store
from beleidsgraaf.validation_sandbox import Sandbox

from .capacity import Slots
from .dutch import TYPE_NAMES, heading

HERE = Path(__file__).resolve().parent


@dataclass
class Service:
    """Limits, slots and the sandbox left out are made from `settings`."""

    store: QueryStore
    settings: Settings
    canned: Registry
    internal: Registry
    templates: Jinja2Templates
    max_upload_bytes: int | None = None
    validation_slots: Slots | None = None
    adhoc_slots: Slots | None = None
    validation_sandbox: Sandbox | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    search_index: SearchIndex | None = None
    _search_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.max_upload_bytes = self.max_upload_bytes or self.settings.max_upload_bytes
        self.validation_slots = self.validation_slots or Slots.for_validation(self.settings)
        self.adhoc_slots = self.adhoc_slots or Slots.for_adhoc_queries(self.settings)
        self.validation_sandbox = self.validation_sandbox or Sandbox(settings=self.settings)

    # -- search --------------------------------------------------------------------------

    def index(self) -> SearchIndex:
        """The full-text index: the one built with the store, else one built from the store
        on first use (memory, rdflib and remote stores come without one)."""
        with self._search_lock:
            if self.search_index is None:
                self.search_index = SearchIndex.temporary(self.store, self.settings)
            return self.search_index

    def find(self, text: str, limit: int, class_iri: str | None = None) -> list[str]:
        """The best matches of `text` in the index, for a canned query answered by it."""
        return self.index().find(text, limit, class_iri)

    def recalled(self, text: str, limit: int, class_iri: str | None = None) -> list[str]:
        """`find`'s answer if the index remembers it; NotRecalled (no search made) if not."""
        found = self.search_index.recalled(text, limit, class_iri) if self.search_index is not None else None
        if found is None:
            raise NotRecalled(text)
        return found

    # -- queries -----------------------------------------------------------------------

    def run(self, name: str, *, store: QueryStore | None = None, **params) -> list[dict[str, Any]]:
        """Run an internal query (queries/internal/NAME.rq) and return rows of Oxigraph terms."""
        return self.run_query(self.internal.get(name), store=store, **params)

    def run_query(self, query, *, store: QueryStore | None = None, **params) -> list[dict[str, Any]]:
        sparql, substitutions = query.prepare(params, finder=self.find)
        result = (store or self.store).query(sparql, substitutions=substitutions)
        try:
            variables = [v.value for v in result.variables]
            return [{v: row[v] for v in variables} for row in result]
        finally:
            del result  # Oxigraph results must be dropped on the thread that made them

    def run_graph(self, name: str, **params):
        """Run an internal CONSTRUCT query and return its triples as a list."""
        query = self.internal.get(name)
        result = self.store.query(query.sparql, substitutions=query.bind(params))
        try:
            return list(result)
        finally:
            del result

    # -- derived, cached ---------------------------------------------------------------

    @property
    def ontology_graph_iri(self) -> str:
        return self.settings.graph_ns + "ontology"

    def shapes_store(self) -> Store:
        """The SHACL shapes in a small store of their own (the main store holds no shapes)."""
        if "shapes_store" not in self.cache:
            store = Store.in_memory()
            for gf in shape_files(self.settings):
                store.add_quads(read_graph_file(gf, self.settings))
            self.cache["shapes_store"] = store
        return self.cache["shapes_store"]

    # -- links ---------------------------------------------------------------------------

    def local_path(self, iri: str) -> str | None:
        """The path on this server that describes `iri`, or None for an outside IRI."""
        if iri.startswith(self.settings.id_ns):
            return "/id/" + iri[len(self.settings.id_ns):]
        if iri.startswith(self.settings.def_ns):
            return "/def#" + iri[len(self.settings.def_ns):]
        if iri.rstrip("#/") == self.settings.base + "def":
            return "/def"
        # Reused vocabulary (org:, skos:, eli:, ...) is documented on /def too, under e.g. #org-Organization.
        for prefix, ns in PREFIXES.items():
            if prefix not in ("bg", "id", "sh", "xsd") and iri.startswith(ns) and len(iri) > len(ns):
                return f"/def#{prefix}-{iri[len(ns):]}"
        return None

    def href(self, iri: str) -> str:
        return self.local_path(iri) or iri


def linkable(href: str | None) -> bool:
    """Whether a link target is safe to put in href: a path on this server or an http(s) URL.
    Any other scheme (javascript:, data:, vbscript:, file:, urn:) is shown as text, since an
    IRI in a query result or an uploaded file is chosen by whoever wrote it."""
    if not href:
        return False
    if href.startswith("/"):
        return not href.startswith("//")
    return urlsplit(href).scheme.lower() in ("http", "https")


def service(request: Request) -> Service:
    return request.app.state.service


def make_templates(holder: dict) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env

    def href(term) -> str:
        iri = term.value if hasattr(term, "value") else str(term)
        return holder["service"].href(iri)

    def is_local(term) -> bool:
        iri = term.value if hasattr(term, "value") else str(term)
        return holder["service"].local_path(iri) is not None

    env.filters["href"] = href
    env.filters["compact"] = lambda iri: compact(iri.value if hasattr(iri, "value") else str(iri))
    env.filters["is_iri"] = lambda term: isinstance(term, ox.NamedNode)
    env.tests["local"] = is_local
    env.tests["linkable"] = lambda target: linkable(target if isinstance(target, str) or target is None
                                                    else href(target))
    env.globals["prefixes"] = PREFIXES
    env.filters["heading"] = heading
    env.globals["type_names"] = TYPE_NAMES
    return templates


class NotRecalled(LookupError):
    """The search index does not remember these matches: finding them takes a search."""
