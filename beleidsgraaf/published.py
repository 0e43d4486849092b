"""The published graphs on disk: what data stewards added through /store or
`beleidsgraaf import`, beside the shipped data and outside the store, so that `build`
never drops them and a backup copies one folder.

Layout (default `published/` in the home folder, `BELEIDSGRAAF_PUBLISHED` elsewhere):

    published/
      .lock                      taken by every writer (server and CLI alike)
      <key>/graph.iri            the graph's IRI
      <key>/current              the number of the current version ("3"); absent: never written
      <key>/v3.nt                version 3's triples (sorted N-Triples); absent: deleted in version 3
      <key>/v3.prov.ttl          PROV-O record of the write that made version 3

Every file is written atomically (temporary file, fsync, rename, fsync of the folder), and
`current` is written last: a writer killed at any moment leaves `current` naming a
complete earlier version, never a mix. Versions are never changed once written.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from .settings import Settings, current_settings
from .errors import UserError

PROV_GRAPH_NAME = "provenance"  # under the graph namespace: every write's PROV-O record
_THREAD_LOCK = threading.Lock()  # the file lock is per process; threads of one server take turns here


@dataclass(frozen=True)
class Version:
    graph: str
    number: int
    deleted: bool

    @property
    def etag(self) -> str:
        return f'"{self.number}"'


def published_dir(cfg: Settings | None = None) -> Path:
    cfg = cfg or current_settings()
    return cfg.published_dir


class PublishedArea:
    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def default(cls, cfg: Settings | None = None) -> "PublishedArea":
        return cls(published_dir(cfg))

    # -- locking -------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (server and CLI)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _THREAD_LOCK, open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading -------------------------------------------------------------------------

    def graphs(self) -> list[str]:
        """The graphs that have a current, not deleted version."""
        found = []
        for folder in self._folders():
            current = self._current(folder)
            if current and (folder / f"v{current}.nt").exists():
                found.append((folder / "graph.iri").read_text(encoding="utf-8").strip())
        return sorted(found)

    def current(self, graph: str) -> Version | None:
        folder = self._folder(graph)
        number = self._current(folder)
        if not number:
            return None
        return Version(graph, number, deleted=not (folder / f"v{number}.nt").exists())

    def versions(self, graph: str) -> list[Version]:
        folder = self._folder(graph)
        newest = self._current(folder) or 0
        return [Version(graph, n, deleted=not (folder / f"v{n}.nt").exists()) for n in range(1, newest + 1)
                if (folder / f"v{n}.prov.ttl").exists()]

    def read(self, graph: str, number: int | None = None) -> list[ox.Quad] | None:
        """The triples of a version (the current one by default) in `graph`; None when that
        version does not exist or deleted the graph."""
        folder = self._folder(graph)
        number = number or self._current(folder)
        path = folder / f"v{number}.nt" if number else None
        if path is None or not path.exists():
            return None
        name = ox.NamedNode(graph)
        return [ox.Quad(q.subject, q.predicate, q.object, name)
                for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES)]

    def provenance(self, graph: str, number: int) -> bytes | None:
        path = self._folder(graph) / f"v{number}.prov.ttl"
        return path.read_bytes() if path.exists() else None

    def all_quads(self, cfg: Settings | None = None, *, exclude: str | None = None) -> list[ox.Quad]:
        """Every current published graph, and the provenance of every write, as quads."""
        quads: list[ox.Quad] = []
        for graph in self.graphs():
            if graph != exclude:
                quads.extend(self.read(graph) or ())
        quads.extend(self.provenance_quads(cfg))
        return quads

    def provenance_quads(self, cfg: Settings | None = None) -> list[ox.Quad]:
        cfg = cfg or current_settings()
        name = ox.NamedNode(cfg.graph_ns + PROV_GRAPH_NAME)
        quads = []
        for path in sorted(self.root.glob("*/v*.prov.ttl")) if self.root.is_dir() else ():
            number = _version_number(path)
            current = self._current(path.parent)
            if current and number <= current:  # a record beyond `current` is from a killed write
                quads.extend(ox.Quad(q.subject, q.predicate, q.object, name)
                             for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE))
        return quads

    # -- writing (inside `writing()`) ----------------------------------------------------

    def write_version(self, graph: str, quads: list[ox.Quad] | None, provenance: bytes, number: int) -> Version:
        """Make version `number` of `graph` current: `quads` its triples, or None to delete it."""
        folder = self._folder(graph)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / "graph.iri", graph.encode("utf-8") + b"\n")
        data = folder / f"v{number}.nt"
        if quads is None:
            data.unlink(missing_ok=True)  # a leftover of a killed write with this number
        else:
            write_atomically(data, canonical_ntriples(quads))
        write_atomically(folder / f"v{number}.prov.ttl", provenance)
        write_atomically(folder / "current", f"{number}\n".encode())  # the switch
        return Version(graph, number, deleted=quads is None)

    # -- internals -----------------------------------------------------------------------

    def _folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and (p / "graph.iri").exists())

    def _folder(self, graph: str) -> Path:
        return self.root / graph_key(graph)

    @staticmethod
    def _current(folder: Path) -> int | None:
        try:
            text = (folder / "current").read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None


def graph_key(graph: str) -> str:
    """A folder name for a graph IRI: readable (its last segment) and unique (a hash)."""
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", graph.rstrip("/#").rsplit("/", 1)[-1])[:40].strip("-.") or "graph"
    return f"{tail}-{hashlib.sha256(graph.encode('utf-8')).hexdigest()[:12]}"


def canonical_ntriples(quads: list[ox.Quad]) -> bytes:
    """Sorted N-Triples without duplicates: the same graph always gives the same bytes."""
    lines = {f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}
    return "".join(sorted(lines)).encode("utf-8")


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` so that a crash leaves either the old or the new file, complete."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write the published graph: {exc.strerror}") from None
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def _version_number(path: Path) -> int:
    match = re.match(r"v(\d+)\.", path.name)
    return int(match.group(1)) if match else 0
