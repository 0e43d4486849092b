"""Who may write which published graphs: bearer tokens set by the operator.

- `BELEIDSGRAAF_WRITE_TOKEN=secret`: one token that may write every published graph (its
  holder is recorded as steward "beheerder").
- `BELEIDSGRAAF_WRITE_TOKENS=path/to/stewards.toml`: one entry per steward, naming the
  graphs they may write (patterns with `*`); the token may be given as its SHA-256 so the
  file holds no secrets:

      [[steward]]
      name = "Team data, gemeente Voorbeeld"
      token_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
      graphs = ["https://w3id.org/beleidsgraaf/graph/voorbeeld/*"]

Without either, writes are off.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .settings import Settings

# Named in messages; read by settings.py.
ENV_TOKEN = "BELEIDSGRAAF_WRITE_TOKEN"
ENV_TOKENS_FILE = "BELEIDSGRAAF_WRITE_TOKENS"


class WritesDisabled(UserError):
    """No token is configured: the store is read-only."""


class NotAuthenticated(UserError):
    """No token, or a token no steward holds."""


class NotAuthorised(UserError):
    """A known steward writing a graph they may not write."""


@dataclass(frozen=True)
class Steward:
    name: str
    token_sha256: str
    graphs: tuple[str, ...]

    def may_write(self, graph: str) -> bool:
        return any(fnmatch.fnmatchcase(graph, pattern) for pattern in self.graphs)


def configured_stewards(cfg: Settings) -> list[Steward]:
    """The stewards the WRITE_TOKEN and WRITE_TOKENS settings name (none: writes are off)."""
    stewards = []
    token = cfg.write_token.get_secret_value().strip() if cfg.write_token else ""
    if token:
        stewards.append(Steward("beheerder", _sha256(token), ("*",)))
    if cfg.write_tokens:
        stewards.extend(read_tokens_file(cfg.write_tokens))
    return stewards


def read_tokens_file(path: Path) -> list[Steward]:
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("steward", [])
    except OSError as exc:
        raise UserError(f"{ENV_TOKENS_FILE}={path}: cannot read the tokens file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{ENV_TOKENS_FILE}={path}: not valid TOML: {exc}") from None
    stewards = []
    for i, entry in enumerate(entries, 1):
        name, graphs = entry.get("name"), entry.get("graphs")
        digest = entry.get("token_sha256") or (_sha256(entry["token"]) if entry.get("token") else None)
        if not name or not digest or not isinstance(graphs, list) or not graphs:
            raise UserError(f"{path}: steward {i} needs name, token (or token_sha256) and a non-empty "
                            "list graphs, e.g. graphs = [\"https://w3id.org/beleidsgraaf/graph/voorbeeld/*\"]")
        stewards.append(Steward(str(name), str(digest).lower(), tuple(str(g) for g in graphs)))
    return stewards


def authorise(authorization: str | None, graph: str, stewards: list[Steward]) -> Steward:
    """The steward whose bearer token this is, if they may write `graph`; else an error."""
    if not stewards:
        raise WritesDisabled(f"schrijven is uitgeschakeld: de beheerder heeft geen sleutel ingesteld "
                             f"({ENV_TOKEN} of {ENV_TOKENS_FILE}); lezen kan wel")
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("schrijven vraagt een sleutel: stuur de kop 'Authorization: Bearer <sleutel>' "
                               "met de sleutel die u van de beheerder kreeg")
    digest = _sha256(token.strip())
    steward = next((s for s in stewards if hmac.compare_digest(s.token_sha256, digest)), None)
    if steward is None:
        raise NotAuthenticated("deze sleutel is onbekend; controleer hem of vraag de beheerder om een nieuwe")
    if not steward.may_write(graph):
        raise NotAuthorised(f"{steward.name} mag graaf <{graph}> niet schrijven; toegestaan: "
                            + ", ".join(steward.graphs))
    return steward


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
