"""Remote JSON-LD @context documents: fetched only when an operator allows it.

By default nothing is fetched: Oxigraph's JSON-LD parser has no document loader, and a
document that names a remote context is refused with a message saying so. An operator who
trusts the network can set BELEIDSGRAAF_ALLOW_REMOTE_CONTEXTS=1; then every @context (and
@import) that names an http(s) URL is fetched (bounded in size, time and depth) and put
inline, before Oxigraph parses the document.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlparse

from .errors import RdfInputError
from .formats import JSON_LD_ACCEPT

ENV_VAR = "BELEIDSGRAAF_ALLOW_REMOTE_CONTEXTS"  # named in messages; read by settings.py
MAX_CONTEXT_BYTES = 1024 * 1024
TIMEOUT_SECONDS = 10
MAX_CHAIN = 8  # contexts that name contexts


def remote_contexts_allowed() -> bool:
    from .settings import current_settings

    return current_settings().allow_remote_contexts


def inline_remote_contexts(text: str, source: str, base_iri: str | None = None) -> str:
    """`text` with every remote context replaced by the context it names (unchanged if none)."""
    try:
        document = json.loads(text)
    except ValueError:
        return text  # not JSON: Oxigraph reports where
    loader = _Loader(source, base_iri)
    if not loader.walk(document):
        return text
    return json.dumps(document, ensure_ascii=False)


class _Loader:
    def __init__(self, source: str, base_iri: str | None):
        self.source = source
        self.base_iri = base_iri
        self.cache: dict[str, object] = {}

    def walk(self, node) -> bool:
        """Inline the contexts in `node` in place; True when something was fetched."""
        changed = False
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    node[key], fetched = self.context(value, 0, self.base_iri)
                    changed |= fetched
                else:
                    changed |= self.walk(value)
        elif isinstance(node, list):
            for item in node:
                changed |= self.walk(item)
        return changed

    def context(self, value, depth: int, base: str | None):
        """(the context with remote parts inlined, whether anything was fetched)."""
        if isinstance(value, str):
            return self.fetch(value, depth, base), True
        if isinstance(value, list):
            parts = [self.context(v, depth, base) for v in value]
            return [p for p, _ in parts], any(f for _, f in parts)
        if isinstance(value, dict):
            fetched = False
            if isinstance(value.get("@import"), str):
                imported = self.fetch(value.pop("@import"), depth, base)
                value = {**(imported if isinstance(imported, dict) else {}), **value}
                fetched = True
            for term, definition in value.items():  # scoped contexts inside term definitions
                if isinstance(definition, dict) and "@context" in definition:
                    definition["@context"], inner = self.context(definition["@context"], depth, base)
                    fetched |= inner
            return value, fetched
        return value, False

    def fetch(self, reference: str, depth: int, base: str | None):
        """The context a reference names, resolved against the document or context that names it."""
        url = urljoin(base or "", reference)
        if depth >= MAX_CHAIN:
            self.fail(f"JSON-LD contexts name each other more than {MAX_CHAIN} deep (at {url})")
        if urlparse(url).scheme not in ("http", "https"):
            self.fail(f"JSON-LD @context '{reference}' is not an http(s) URL; only those are fetched")
        if url not in self.cache:
            document = self.download(url)
            if not isinstance(document, dict) or "@context" not in document:
                self.fail(f"{url} holds no \"@context\"")
            self.cache[url], _ = self.context(document["@context"], depth + 1, url)
        return self.cache[url]

    def download(self, url: str):
        request = urllib.request.Request(url, headers={"Accept": JSON_LD_ACCEPT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
                body = response.read(MAX_CONTEXT_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            self.fail(f"cannot fetch JSON-LD context {url}: {getattr(exc, 'reason', exc)}")
        if len(body) > MAX_CONTEXT_BYTES:
            self.fail(f"JSON-LD context {url} is larger than {MAX_CONTEXT_BYTES // 1024} kB")
        try:
            return json.loads(body)
        except ValueError as exc:
            self.fail(f"JSON-LD context {url} is not JSON: {exc}")

    def fail(self, message: str):
        raise RdfInputError(self.source, message)
