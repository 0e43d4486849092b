"""One function chooses the store (beleidsgraaf.backends.open_store) for serve, the CLI, the
benchmark and the tests; `serve` only adds what the service needs on top (build a missing
store, the worker pool, the published graphs in memory)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api.serve import served_store_spec, stored_search_index
from beleidsgraaf.backends import open_store
from beleidsgraaf.backends.oxigraph_store import Store
from beleidsgraaf.backends.rdflib_memory import RdflibStore
from beleidsgraaf.settings import Settings
from beleidsgraaf.errors import StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path, monkeypatch, store: str | None = None) -> Settings:
    """The checkout's files (linked) in a home of its own, where nothing is built."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    for folder in ("ontology", "shapes", "queries", "data"):
        if not (home / folder).exists():
            (home / folder).symlink_to(ROOT / folder)
    monkeypatch.setenv("BELEIDSGRAAF_HOME", str(home))
    if store is None:
        monkeypatch.delenv("BELEIDSGRAAF_STORE", raising=False)
    else:
        monkeypatch.setenv("BELEIDSGRAAF_STORE", store)
    return Settings()


def test_without_a_spec_or_a_built_store_it_is_the_shipped_data_in_memory(tmp_path, monkeypatch, shipped_store):
    cfg = _settings(tmp_path, monkeypatch)
    assert not cfg.store_dir.exists()
    store = open_store(cfg=cfg)
    assert isinstance(store, Store) and len(store) == len(shipped_store)


def test_without_a_spec_beleidsgraaf_store_names_it(tmp_path, monkeypatch):
    cfg = _settings(tmp_path, monkeypatch, store="rdflib")
    assert isinstance(open_store(cfg=cfg), RdflibStore)


def test_without_a_spec_the_built_store_is_used_and_a_stale_one_is_named(tmp_path, monkeypatch):
    from beleidsgraaf.backends.oxigraph_store import build_store

    cfg = _settings(tmp_path, monkeypatch)
    build_store(cfg.store_dir, cfg)
    quiet: list[str] = []
    assert isinstance(open_store(cfg=cfg, log=quiet.append), Store) and quiet == []
    past = min(f.stat().st_mtime for f in (ROOT / "data").glob("*.ttl")) - 3600
    os.utime(cfg.store_dir.resolve(), (past, past))  # as if built before data/ last changed
    notes: list[str] = []
    store = open_store(cfg=cfg, log=notes.append)
    assert isinstance(store, Store) and len(store) > 0
    assert notes and "changed after the store" in notes[0] and "run 'beleidsgraaf build'" in notes[0]


def test_a_missing_folder_is_named_with_how_to_build_it(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(StoreUnavailable, match=f"{missing}: no store there; build one with 'beleidsgraaf build"):
        open_store(missing)


def test_an_endpoint_url_in_beleidsgraaf_store_keeps_its_slashes(tmp_path, monkeypatch):
    cfg = _settings(tmp_path, monkeypatch, store="http://127.0.0.1:9/sparql")
    assert cfg.store == "http://127.0.0.1:9/sparql"
    assert served_store_spec(None, False, cfg) == "http://127.0.0.1:9/sparql"


def test_serve_chooses_memory_then_store_then_the_environment_then_the_default(tmp_path, monkeypatch):
    cfg = _settings(tmp_path, monkeypatch, store="rdflib")
    assert served_store_spec("some/folder", True, cfg) == "memory"
    assert served_store_spec("some/folder", False, cfg) == "some/folder"
    assert served_store_spec(None, False, cfg) == "rdflib"
    cfg = _settings(tmp_path, monkeypatch)
    assert served_store_spec(None, False, cfg) == cfg.store_dir


def test_the_search_index_comes_with_a_folder_only(built_store_path):
    assert stored_search_index(built_store_path) is not None
    assert stored_search_index("memory") is None
    assert stored_search_index("http://127.0.0.1:9/sparql") is None


def test_serve_in_memory_says_no_time_limit_applies_naming_the_flag_it_has(tmp_path, monkeypatch, shipped_store):
    from api.serve import open_served_store

    cfg = _settings(tmp_path, monkeypatch)
    notes: list[str] = []
    store = open_served_store(served_store_spec(None, True, cfg), cfg, notes.append)
    assert len(store) >= len(shipped_store)
    assert any("--memory" in n and "no time limit" in n for n in notes) and not any("--in-memory" in n for n in notes)
