"""Every setting of beleidsgraaf in one object, read from BELEIDSGRAAF_* environment variables.

The CLI reads the environment once at start (`load_settings`), installs the result
(`use_settings`) and passes it on: to the app, the query workers, the validation sandbox,
publishing and the remote backend. The app factory reads it only when the app is started
without the CLI (uvicorn, tests). Worker and sandbox processes get their values from the
server that starts them, never from the environment. No other module reads a BELEIDSGRAAF_
variable; tests/core/test_settings.py enforces that.

A bad value stops start-up with one line naming the variable, the value and what is
allowed (`SettingsError`, exit status 2). The field descriptions are the documentation:
`python -m beleidsgraaf.settings` (or `beleidsgraaf settings --markdown`) writes the
table in docs/settings.md from them, and a test keeps that page in step.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Iterator, Mapping, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import UserError

ENV_PREFIX = "BELEIDSGRAAF_"
DEFAULT_BASE = "https://w3id.org/beleidsgraaf/"
MB = 1024 * 1024
# The package sits in the repository next to ontology/, shapes/, data/ and queries/.
PACKAGE_HOME = Path(__file__).resolve().parent.parent


class SettingsError(UserError):
    """A BELEIDSGRAAF_* variable with a value that is not allowed (exit status 2)."""


class ShaclEngine(str, Enum):
    rudof = "rudof"
    pyshacl = "pyshacl"


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return value


def _base_iri(value: str) -> str:
    _http_url(value)
    if not value.endswith("/"):
        raise ValueError("the base IRI must end with '/'")
    return value


def _store_spec(value: str) -> str:
    if "://" in value:
        _http_url(value)
    return value


# The `kind` says in the table what a variable takes; `allowed` says it in the start-up error.
PositiveInt = Annotated[int, Field(gt=0, json_schema_extra={
    "kind": "whole number > 0", "allowed": "a whole number greater than 0"})]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False, json_schema_extra={
    "kind": "number > 0", "allowed": "a finite number greater than 0"})]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False, json_schema_extra={
    "kind": "number >= 0", "allowed": "a finite number, 0 or greater"})]
HttpUrl = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={
    "kind": "http(s) URL", "allowed": "an http(s) URL such as http://localhost:8890/sparql"})]
BaseIri = Annotated[str, AfterValidator(_base_iri), Field(json_schema_extra={
    "kind": "http(s) IRI ending in /", "allowed": "an http(s) IRI ending in '/', e.g. " + DEFAULT_BASE})]
StoreSpec = Annotated[str, AfterValidator(_store_spec), Field(json_schema_extra={
    "kind": "folder, memory, rdflib or URL",
    "allowed": "a folder, 'memory', 'rdflib' or an http(s) SPARQL endpoint URL"})]
Switch = Annotated[bool, Field(json_schema_extra={
    "kind": "switch (1/0, true/false, yes/no)", "allowed": "1, true or yes to switch on; 0, false or no to switch off"})]
Folder = Annotated[Path, Field(json_schema_extra={"kind": "path", "allowed": "a path"})]
Secret = Annotated[SecretStr, Field(json_schema_extra={"kind": "secret", "allowed": "text"})]
Text = Annotated[str, Field(json_schema_extra={"kind": "text", "allowed": "text"})]
Engine = Annotated[ShaclEngine, Field(json_schema_extra={
    "kind": "rudof or pyshacl", "allowed": "one of rudof, pyshacl"})]


def _shown(text: str) -> dict:
    """The default as the table shows it, for defaults that depend on the machine or another setting."""
    return {"shown_default": text}


class Settings(BaseSettings):
    """Where things are, what IRIs look like, and the limits the service keeps."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, frozen=True,
                                      extra="forbid", validate_default=True)

    # -- where things are --------------------------------------------------------------
    home: Folder = Field(default=PACKAGE_HOME, json_schema_extra=_shown("the repository folder"),
                         description="The project folder that holds ontology/, shapes/, data/ and queries/.")
    base: BaseIri = Field(default=DEFAULT_BASE, description=(
        "The base IRI of everything we publish: terms under def#, things under id/, named graphs under graph/; "
        "shipped IRIs are moved to it on load."))
    store: StoreSpec | None = Field(default=None, json_schema_extra=_shown("HOME/build/store"), description=(
        "The store that `build` writes and `serve` answers from: a folder, `memory` or `rdflib` (the shipped "
        "data in memory) or the http(s) URL of a SPARQL endpoint."))
    published: Folder | None = Field(default=None, json_schema_extra=_shown("HOME/published"), description=(
        "The folder of the graphs stewards publish through /store and `beleidsgraaf publish`."))

    # -- queries -----------------------------------------------------------------------
    query_timeout: PositiveFloat = Field(default=10.0, description=(
        "Seconds one SPARQL query may run; past it its worker process is killed (and replaced) and the answer is "
        "HTTP 504 naming the limit."))
    max_result_rows: PositiveInt = Field(default=100_000, description=(
        "Solutions or triples one query answer may hold; larger answers are refused: HTTP 422 advising "
        "LIMIT/OFFSET."))
    query_workers: PositiveInt = Field(default_factory=lambda: max(2, os.cpu_count() or 2),
                                       json_schema_extra=_shown("the number of cores, at least 2"),
                                       description="Worker processes that run queries: at most this many queries run at once.")
    queue_wait: PositiveFloat = Field(default=5.0, description=(
        "Seconds a request waits for a free query worker or validation place before a 503 with Retry-After."))
    worker_memory_mb: PositiveInt = Field(default=2048, description=(
        "Address space of one query worker in MB; a query past it stops its worker (replaced): HTTP 503 with "
        "Retry-After."))
    query_cache_mb: NonNegativeFloat = Field(default=64.0, description=(
        "MB of answers to canned and page queries kept per store version, least recently used out first "
        "(ad-hoc /sparql answers are not kept); 0 keeps none: every query is evaluated again."))
    max_adhoc_queries: PositiveInt | None = Field(default=None, json_schema_extra=_shown(
        "QUERY_WORKERS - 1, at least 1"), description=(
        "Ad-hoc /sparql queries that run at once: the other workers stay free for canned queries and entity "
        "pages, so heavy research queries cannot starve policy pages."))
    allow_service: Switch = Field(default=False, description=(
        "Allow SERVICE (federated query): the query workers may then contact other hosts; off, SERVICE is "
        "refused with HTTP 403."))

    # -- validation --------------------------------------------------------------------
    shacl_engine: Engine = Field(default=ShaclEngine.rudof, description=(
        "The SHACL engine: rudof (the Rust validator from PyPI pyrudof) or pyshacl (the reference, about ten "
        "times slower); both give the same report (tests/core/test_shacl_engines.py, bench/shacl_compare.py)."))
    validation_timeout: PositiveFloat = Field(default=60.0, description=(
        "Seconds one validation may run; past it HTTP 504 saying how to split the file."))
    validation_memory_mb: PositiveInt = Field(default=2048, description=(
        "Address space in MB of the process that validates one upload; past it HTTP 413 saying how to split "
        "the file."))
    validation_max_triples: PositiveInt = Field(default=50_000, description=(
        "Triples one validated upload may hold; larger uploads get HTTP 413 saying how to split the file."))
    max_validations: PositiveInt | None = Field(default=None, json_schema_extra=_shown("the number of cores"),
                                                description=(
        "Validations that run at once, each in a confined child process."))
    allow_remote_contexts: Switch = Field(default=False, description=(
        "Fetch remote JSON-LD @context documents named by uploaded or loaded JSON-LD (bounded in size, "
        "time and depth: http(s) only, 1 MB, 10 s); off, such documents are refused."))

    # -- request bodies ----------------------------------------------------------------
    max_upload_bytes: PositiveInt = Field(default=5 * MB, description=(
        "Bytes one upload to /validate or /store may hold (413 past it)."))
    max_query_bytes: PositiveInt = Field(default=1 * MB, description="Bytes one request body to /sparql may hold.")
    max_body_bytes: PositiveInt = Field(default=1 * MB, description=(
        "Bytes a request body to any other route may hold (bodies are counted as they stream, so chunked "
        "uploads are cut too)."))

    # -- writing published graphs ------------------------------------------------------
    write_token: Secret | None = Field(default=None, description=(
        "A bearer token that may write every published graph (its holder is recorded as steward "
        "\"beheerder\"). Without it and WRITE_TOKENS, writes are off."))
    write_tokens: Folder | None = Field(default=None, description=(
        "A TOML file with one entry per steward: name, token (or token_sha256) and the graphs they may write."))

    # -- a remote SPARQL endpoint as the store -----------------------------------------
    remote_update_url: HttpUrl | None = Field(default=None, json_schema_extra=_shown("the query URL"), description=(
        "Where SPARQL updates go when the store is an endpoint URL (Virtuoso: .../sparql-auth)."))
    remote_gsp_url: HttpUrl | None = Field(default=None, json_schema_extra=_shown("the query URL"), description=(
        "Where Graph Store Protocol requests go (Virtuoso: .../sparql-graph-crud-auth)."))
    remote_user: Text | None = Field(default=None, description=(
        "User name for the endpoint, sent (Digest or Basic) only when the server asks."))
    remote_password: Secret | None = Field(default=None, description="Password for REMOTE_USER.")
    remote_timeout: PositiveFloat = Field(default=60.0, description="Seconds to wait for the endpoint's answer.")

    # -- derived -----------------------------------------------------------------------

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def store_dir(self) -> Path:
        return Path(self.store) if self.store else self.home / "build" / "store"

    @property
    def published_dir(self) -> Path:
        return self.published or self.home / "published"

    @property
    def def_ns(self) -> str:
        return self.base + "def#"

    @property
    def id_ns(self) -> str:
        return self.base + "id/"

    @property
    def graph_ns(self) -> str:
        return self.base + "graph/"

    @property
    def adhoc_query_slots(self) -> int:
        return self.max_adhoc_queries or max(1, self.query_workers - 1)

    @property
    def validation_slots(self) -> int:
        return self.max_validations or os.cpu_count() or 2

    def replaced(self, **changes) -> "Settings":
        """These settings with some fields changed (validated like the environment is)."""
        return type(self)(**{**self.model_dump(), **changes})


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `environ` (default: the process environment); SettingsError naming
    every bad variable, its value and what is allowed."""
    try:
        if environ is None:
            return Settings()
        return _from_mapping(environ)
    except ValidationError as exc:
        raise SettingsError(_explained(exc, os.environ if environ is None else environ)) from None


def _from_mapping(environ: Mapping[str, str]) -> Settings:
    values = {}
    for field in Settings.model_fields:
        raw = environ.get(env_name(field))
        if raw is not None and raw != "":
            values[field] = raw
    return Settings.model_validate(values)  # init values only: the real environment is not read


def _explained(exc: ValidationError, environ: Mapping[str, str]) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        if field not in Settings.model_fields:
            problems.append(error["msg"])
            continue
        name = env_name(field)
        problems.append(f"{name}={environ.get(name, error.get('input'))!r} is not allowed: "
                        f"give {_extra(field).get('allowed', 'a valid value')}")
    return "; ".join(dict.fromkeys(problems))  # a union type reports one bad value once per member


def _extra(field: str) -> dict:
    """The field's `kind`, `allowed` and `shown_default`, from the field and its type alias
    (also inside `X | None`)."""
    info = Settings.model_fields[field]
    extra: dict = {}
    for meta in [*info.metadata, *_alias_metadata(info.annotation)]:
        if isinstance(getattr(meta, "json_schema_extra", None), dict):
            extra.update(meta.json_schema_extra)
    if isinstance(info.json_schema_extra, dict):
        extra.update(info.json_schema_extra)
    return extra


def _alias_metadata(annotation) -> list:
    return [meta for member in get_args(annotation) if get_origin(member) is Annotated
            for meta in get_args(member)[1:]]


# -- the settings in use ---------------------------------------------------------------------

_installed: Settings | None = None


def use_settings(settings: Settings) -> Settings:
    """Make `settings` the ones `current_settings` returns (the CLI does this once at start)."""
    global _installed
    _installed = settings
    return settings


def current_settings() -> Settings:
    """The installed settings; without any (a library call, uvicorn, a test), those the
    environment holds now, so that nothing holds on to values nobody installed. Reading them
    takes about a millisecond, so they are read again only when one of our variables (or the
    folder relative paths resolve against) has changed."""
    if _installed is not None:
        return _installed
    ours = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)))
    return _settings_of(ours, os.getcwd())


@lru_cache(maxsize=8)
def _settings_of(environment: tuple, cwd: str) -> Settings:
    return load_settings()  # reads os.environ, which `environment` is a snapshot of


@contextmanager
def settings_in_use(settings: Settings) -> Iterator[Settings]:
    """Use `settings` within the block, then restore what was in use before (for tests)."""
    global _installed
    before, _installed = _installed, settings
    try:
        yield settings
    finally:
        _installed = before


# -- the table in docs/settings.md ---------------------------------------------------------

def markdown_table() -> str:
    lines = ["# Settings", "",
             "<!-- Generated by `python -m beleidsgraaf.settings` from beleidsgraaf/settings.py: "
             "edit the descriptions there, then regenerate. tests check this page. -->", "",
             "Every setting is an environment variable read once at start-up. A value that is not allowed "
             "stops every `beleidsgraaf` command, and `serve`, with one line naming the variable "
             "(exit status 2). Empty means unset.", "",
             "| Variable | Takes | Default | What it does |", "|---|---|---|---|"]
    for field, info in Settings.model_fields.items():
        extra = _extra(field)
        lines.append(f"| `{env_name(field)}` | {extra.get('kind', '')} | {_default_text(info, extra)} | "
                     f"{_with_prefix(info.description or '')} |")
    return "\n".join(lines) + "\n"


def _default_text(info, extra: dict) -> str:
    if "shown_default" in extra:
        return _with_prefix(extra["shown_default"])
    default = info.default
    if default is None:
        return "unset"
    if isinstance(default, bool):
        return "off" if not default else "on"
    if isinstance(default, Enum):
        return f"`{default.value}`"
    if isinstance(default, int) and default >= MB and default % MB == 0:
        return f"{default} ({default // MB} MB)"
    return f"`{default:g}`" if isinstance(default, float) else f"`{default}`"


def _with_prefix(text: str) -> str:
    """Descriptions name other settings without the prefix; the table gives them in full."""
    names = "|".join(field.upper() for field in Settings.model_fields)
    return re.sub(rf"(?<![\w`])({names})(?!\w)", lambda m: env_name(m.group(1).lower()), text)

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else PACKAGE_HOME / "docs" / "settings.md"
    target.write_text(markdown_table(), encoding="utf-8")
    print(f"wrote {target}")
