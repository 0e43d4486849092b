"""Starting the service: choose the store (building it when there is none yet), say what
limits apply, and run the app under uvicorn. The CLI's `serve` command calls this; the core
package never imports the API."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from beleidsgraaf.backends import QueryStore, is_remote_spec, is_store_spec, open_store
from beleidsgraaf.settings import Settings, current_settings
from beleidsgraaf.errors import UserError

if TYPE_CHECKING:
    from beleidsgraaf.search_index import SearchIndex


def _quiet(_: str) -> None:
    pass


def serve(*, host: str, port: int, store_path: Path | str | None, in_memory: bool,
          log: Callable[[str], None] = _quiet, settings: Settings | None = None) -> None:
    import threading

    # Ready = the first SPARQL answer. The web framework takes most of a second to import
    # and the app a moment to make; the query workers are processes of their own that
    # import little and open the store meanwhile (started first, waited for only once the
    # app is made). The thread also overlaps the imports with building a missing store.
    web = threading.Thread(target=_import_web_modules, name="beleidsgraaf-import-web", daemon=True)
    web.start()
    cfg = settings or current_settings()
    spec = served_store_spec(store_path, in_memory, cfg)
    store = open_served_store(spec, cfg, log, wait=False)
    try:
        web.join()
        import uvicorn

        from .app import create_app
        from .access_log import AccessLog
        from .longurl import LongUrlProtocol

        app = create_app(store, cfg, search_index=stored_search_index(spec, cfg))
        if hasattr(store, "pool"):
            workers_started(store, log)
        # An on-disk store is not counted: Oxigraph counts by scanning (1.7 s at 342x).
        size = f"{len(store)} quads" if not hasattr(store, "pool") else f"the store at {store.version}"
        log(f"serving {size} on http://{host}:{port}/")
        uvicorn.run(AccessLog(app), host=host, port=port, log_level="info", http=LongUrlProtocol)
    finally:
        if hasattr(store, "close"):
            store.close()


def _import_web_modules() -> None:
    import uvicorn  # noqa: F401

    from . import access_log, app, longurl  # noqa: F401


def served_store_spec(store_path: Path | str | None, in_memory: bool, cfg: Settings) -> str | Path:
    """--memory, else --store, else BELEIDSGRAAF_STORE, else the default store folder."""
    if in_memory:
        return "memory"
    return store_path or cfg.store or cfg.store_dir


def open_served_store(spec: str | Path, cfg: Settings, log: Callable[[str], None] = _quiet, *,
                      wait: bool = True) -> QueryStore:
    """The store to serve: a folder (built first when missing) queried in the worker pool,
    or an in-memory store with the published graphs, or an endpoint. With `wait=False` the
    workers of a folder's pool are still starting on return: call `workers_started` before
    the first query."""
    from beleidsgraaf.workers import QueryLimits

    if is_store_spec(spec):
        if not is_remote_spec(spec):
            log(f"note: with --memory or --store {spec}, queries run in the server process: no time limit applies")
        return open_store(spec, cfg, with_published=True, log=log)
    path = Path(spec)
    if not path.is_dir():
        from beleidsgraaf.pipeline import build

        log(f"no store at {path}: building it from the shipped data")
        if not build(path, log=log):
            raise UserError("cannot serve: the shipped data does not validate (see above)")
    store = open_store(path, cfg, limits=QueryLimits.from_settings(cfg), wait=False, log=log)
    if wait:
        workers_started(store, log)
    return store


def workers_started(store, log: Callable[[str], None] = _quiet) -> None:
    """Wait until the query workers of a served folder are ready, and say what limits apply."""
    try:
        store.wait_started()
    except BaseException:
        store.close()
        raise
    limits = store.pool.limits
    log(f"queries run in {limits.workers} worker processes: at most {limits.timeout:g} s, "
        f"{limits.memory_mb} MB and {limits.max_rows} rows each; a request waits at most "
        f"{limits.queue_wait:g} s for a worker")
    if not store.pool.network_isolated and not limits.allow_service:
        log("note: the query workers could not be cut off from the network (no user or network "
            "namespaces here); SERVICE is refused by the query check alone")


def stored_search_index(spec: str | Path | None, cfg: Settings | None = None) -> SearchIndex | None:
    """The search index built with an on-disk store, or None (the app then builds one)."""
    from beleidsgraaf.search_index import stored_index

    cfg = cfg or current_settings()
    if is_store_spec(spec):
        return None
    return stored_index(Path(spec or cfg.store_dir))
