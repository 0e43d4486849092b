"""Talking to a SPARQL 1.1 endpoint over HTTP: the Query and Update protocols and the
Graph Store Protocol, with credentials from the settings.

Which URLs: the one given (`serve --store URL`, `build --target URL`) is the query URL;
updates go to BELEIDSGRAAF_REMOTE_UPDATE_URL and Graph Store requests to
BELEIDSGRAAF_REMOTE_GSP_URL, each defaulting to the query URL (one URL serves all three on
Fuseki's dataset URL). For Virtuoso: query `.../sparql`, update `.../sparql-auth`, graph
store `.../sparql-graph-crud-auth`. Credentials: BELEIDSGRAAF_REMOTE_USER and
BELEIDSGRAAF_REMOTE_PASSWORD, sent only when the server asks, as Digest or Basic auth
according to its challenge (Virtuoso asks for Digest).

Nothing here contacts any host but the ones an operator configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import httpx
import pyoxigraph as ox

from ..errors import QueryError, StoreUnavailable
from ..settings import Settings
from ..formats import N_TRIPLES

DEFAULT_TIMEOUT = 60.0


class ChallengeAuth(httpx.Auth):
    """Answer the server's challenge with Digest or Basic, whichever it asks for; never
    send the password to a server that did not ask."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self._schemes = {"digest": httpx.DigestAuth(user, password), "basic": httpx.BasicAuth(user, password)}
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request):
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if scheme not in self._schemes:
            return
        self._chosen = self._schemes[scheme]
        yield from self._chosen.auth_flow(request)


@dataclass
class Endpoint:
    query_url: str
    update_url: str
    gsp_url: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, url: str, cfg: Settings) -> "Endpoint":
        """The endpoint whose query URL is `url`, with the REMOTE_* settings."""
        return cls(query_url=url, update_url=cfg.remote_update_url or url, gsp_url=cfg.remote_gsp_url or url,
                   user=cfg.remote_user or None,
                   password=cfg.remote_password.get_secret_value() if cfg.remote_password else "",
                   timeout=cfg.remote_timeout)

    def __post_init__(self):
        auth = ChallengeAuth(self.user, self.password or "") if self.user else None
        self._client = httpx.Client(auth=auth, timeout=self.timeout, follow_redirects=False,
                                    headers={"User-Agent": "beleidsgraaf"})

    def close(self) -> None:
        self._client.close()

    # -- SPARQL 1.1 Protocol -----------------------------------------------------------

    def query(self, sparql: str, accept: str, default_graphs: Iterable[str] = (),
              named_graphs: Iterable[str] = ()) -> httpx.Response:
        """POST a query (form-encoded, as the protocol allows for any length)."""
        form = {"query": sparql, "default-graph-uri": list(default_graphs), "named-graph-uri": list(named_graphs)}
        response = self._send("POST", self.query_url, data=form, headers={"Accept": accept})
        if response.status_code in (401, 403, 404, 502, 503, 504):
            raise StoreUnavailable(f"the SPARQL endpoint {self.query_url} answered {response.status_code} "
                                   f"({response.reason_phrase}); check the URL and, if it needs them, "
                                   f"BELEIDSGRAAF_REMOTE_USER and BELEIDSGRAAF_REMOTE_PASSWORD")
        if response.status_code >= 400:
            raise QueryError(f"cannot evaluate SPARQL query: the endpoint {self.query_url} answered "
                             f"{response.status_code}: {_first_line(response.text)}")
        return response

    def update(self, sparql_update: str) -> None:
        response = self._send("POST", self.update_url, data={"update": sparql_update})
        self._check_write(response, self.update_url, "SPARQL Update")

    # -- Graph Store Protocol ----------------------------------------------------------

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace the named graph with this N-Triples document (GSP PUT, indirect
        identification: ?graph=IRI)."""
        response = self._send("PUT", self.gsp_url, params={"graph": graph}, content=ntriples,
                              headers={"Content-Type": N_TRIPLES})
        self._check_write(response, self.gsp_url, f"Graph Store PUT of <{graph}>")

    # -- plumbing ----------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            return self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the SPARQL endpoint {url} did not answer within {self.timeout:.0f} s "
                                   f"(BELEIDSGRAAF_REMOTE_TIMEOUT)") from None
        except httpx.HTTPError as exc:
            raise StoreUnavailable(f"cannot reach the SPARQL endpoint {url}: {exc}; check the URL "
                                   f"and that the endpoint is running") from None

    def _check_write(self, response: httpx.Response, url: str, what: str) -> None:
        if response.status_code in (401, 403):
            raise StoreUnavailable(f"{what} refused by {url} ({response.status_code}): set "
                                   f"BELEIDSGRAAF_REMOTE_USER and BELEIDSGRAAF_REMOTE_PASSWORD to an account "
                                   f"that may write (Virtuoso: SPARQL_UPDATE role)")
        if response.status_code >= 400:
            raise StoreUnavailable(f"{what} failed at {url} ({response.status_code}): "
                                   f"{_first_line(response.text)}")


def graph_document(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as an N-Triples document: every term escaped by Oxigraph's serialiser."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)


def _first_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "(no message)")
    return line if len(line) <= limit else line[:limit] + "…"
