"""The full-text search index: every entity with a skos:prefLabel, in SQLite FTS5.

Text is folded (lower case, accents off), split into words (a hyphen splits, a notation such
as 5.3 stays one word) and stemmed with the Dutch Snowball stemmer before FTS5 sees it, so
the index holds stems and a query is stemmed the same way: "woningen" finds "woning",
"beschermd-wonen" finds "beschermd wonen". A query word of five letters or more that is no
stem in the index is widened to the stems one edit away (a swap of two neighbouring letters
counts as one edit): "daklooshied" finds "dakloosheid". Words are matched in any order;
ranking puts the thing whose notation is the query first ("doelstelling 1"), then label
matches (shorter names first), then matches in descriptions and quotes (FTS5's bm25 with
column weights).

The index is a file beside the store (``search-index.sqlite`` in the store folder), written
by ``beleidsgraaf build``; a server without one builds it in a temporary file at start.
``SearchIndex.update_graph(store, graph)`` re-reads one named graph: a write path calls it
after each accepted write.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import unicodedata
from collections import OrderedDict, deque
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import Stemmer

from .settings import Settings, current_settings as default_settings
from .namespaces import BG, DCTERMS as DCT, SKOS
from .queries import Registry

INDEX_FILE = "search-index.sqlite"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = {SKOS + "prefLabel"}
ALT_LABELS = {SKOS + "altLabel", SKOS + "hiddenLabel", DCT + "title"}
BODY = {DCT + "description", SKOS + "definition", SKOS + "scopeNote", BG + "quote"}
# Values whose label names the kind of numbered thing ("doelstelling", "actielijn").
KIND = {BG + "goalLevel", BG + "strandKind"}
# On folded text: a notation (1, 5.3, 2.10a) stays one word; anything else not a letter or digit splits.
WORD = re.compile(r"\d+(?:\.\d+)*[a-z]?|[a-z0-9]+")
COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
ORIGINAL_WORD = re.compile(r"\d+(?:\.\d+)*\w?|\w+")
FUZZY_MIN_LENGTH = 5
CANDIDATES = 300
# How many matches of a name or text query bm25 ranks: the first ones in rowid order, which
# are the shortest names (the build inserts them so).
RANKED_MATCHES = 1000
NAME_COLUMNS = "{designation label alt}"
# Facets count at most this many matches; "1000+" says there are more (counting all of a
# common word at 342x, tens of thousands, would cost more than the search).
FACET_LIMIT = 1000
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# How many recent find() answers are kept (each at most a page of up to 1000 IRIs).
FOUND_CACHE = 256
# bm25 weights per column: designation ("doelstelling 1"), label, other names, texts, prefixes.
WEIGHTS = (10.0, 8.0, 4.0, 1.0, 1.0)
RANKING = ", ".join(map(str, WEIGHTS))
# The layout's version, in the file's user_version: a server finding an older one builds anew.
SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS entity (
  id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, graph TEXT NOT NULL, label TEXT NOT NULL,
  label_key TEXT NOT NULL, notation TEXT, designation_keys TEXT NOT NULL, type_iri TEXT, type_label TEXT,
  document TEXT, document_label TEXT, texts TEXT NOT NULL, references_in INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entity_graph ON entity(graph);
CREATE INDEX IF NOT EXISTS entity_label_key ON entity(label_key);
CREATE TABLE IF NOT EXISTS entity_type (id INTEGER NOT NULL, type_iri TEXT NOT NULL, PRIMARY KEY (type_iri, id));
CREATE INDEX IF NOT EXISTS entity_type_id ON entity_type(id);
CREATE TABLE IF NOT EXISTS designation (key TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS designation_id ON designation(id);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(designation, label, alt, body, words,
  tokenize = "unicode61 tokenchars '.'", prefix = '2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, 'row');
"""

_local = threading.local()


def fold(text: str) -> str:
    """Lower case without accents: 'Één' -> 'een'."""
    if text.isascii():  # most text: no accents to take off
        return text.lower()
    # One regex pass over the combining marks (a loop per character took half a 342x build).
    return COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word[:1].isdigit():
        return word
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a PyStemmer object is not safe to share between threads
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch")
    return stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


def one_edit_away(word: str) -> set[str]:
    """Every word one deletion, insertion, substitution or swap of neighbours from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    inserts = {a + c + b for a, b in splits for c in ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word}


@dataclass
class Entry:
    """One entity as the index holds it, gathered from the index query's rows."""
    iri: str
    labels: list[str] = field(default_factory=list)
    alt: list[str] = field(default_factory=list)
    notation: str | None = None
    types: list[tuple[str, str | None]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    document: str | None = None
    document_label: str | None = None
    texts: list[str] = field(default_factory=list)
    references: int = 0

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else self.iri

    def type(self) -> tuple[str | None, str | None]:
        """The most telling type: one of ours with a Dutch label, else any labelled one."""
        labelled = [t for t in self.types if t[1]]
        ours = [t for t in labelled if t[0].startswith(BG)]
        best = (ours or labelled or self.types or [(None, None)])[0]
        return best

    def designations(self) -> list[str]:
        """How a policy officer names a numbered thing: 'doelstelling 1', 'actie 5.3'."""
        if not self.notation:
            return []
        names = list(self.kinds)
        for _, type_label in self.types:
            names.extend(part.strip() for part in (type_label or "").split(" of "))
        seen = dict.fromkeys(f"{n} {self.notation}" for n in names if n)
        return list(seen) + [self.notation]


@dataclass
class Hit:
    iri: str
    label: str
    notation: str | None
    type_iri: str | None
    type_label: str | None
    document: str | None
    document_label: str | None
    snippet: list[tuple[str, bool]]
    matched_in: str  # "nummer", "naam" or "tekst"


@dataclass
class Results:
    hits: list[Hit]
    total: int
    types: list[tuple[str, int]]
    documents: list[tuple[str, int]]

    @property
    def more(self) -> bool:
        """Whether there are more matches than were counted (FACET_LIMIT)."""
        return self.total >= FACET_LIMIT


class SearchIndex:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._write_lock = threading.Lock()
        with closing(sqlite3.connect(self.path)) as db:
            # WAL: readers on the server's threads go on while a write path updates a graph.
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)
        self._vocabulary: frozenset[str] | None = None  # read on first use: a large index takes a moment
        # The matches canned queries asked for lately: the same words are asked again and again
        # (forms, paging), and the answer only changes when a graph is re-indexed.
        self._found: OrderedDict[tuple, list[str]] = OrderedDict()
        self._found_lock = threading.Lock()

    # -- building and updating ------------------------------------------------------------

    @classmethod
    def build(cls, store, path: Path, cfg: Settings | None = None) -> "SearchIndex":
        """A fresh index of every named graph of `store` at `path`: read with one extraction
        query, written into a file beside it in one transaction, then moved into place."""
        cfg = cfg or default_settings()
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        entries = read_entries(store, None, cfg)
        # Shortest names first: the rowid order is the order FTS5 finds matches in, so the
        # bounded candidate sets that searches rank are the shortest names, not arbitrary ones.
        entries.sort(key=lambda ge: (len(ge[1].label), ge[1].label, ge[1].iri))
        with closing(sqlite3.connect(partial, isolation_level=None)) as db:
            # Nobody reads this file until it is complete and renamed: no journal, no waiting
            # for the disk on every page (it is synced once, below).
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(SCHEMA)
            db.execute("BEGIN")
            _insert_entries(db, entries, first_id=1)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
            db.execute("INSERT INTO fts (fts) VALUES ('optimize')")  # one b-tree per term, merged once
            db.execute("COMMIT")
            db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to move into place
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        partial.replace(path)
        return cls(path)

    @staticmethod
    def is_current(path: Path) -> bool:
        """Whether the file at `path` is an index in this code's layout."""
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

    @classmethod
    def temporary(cls, store, cfg: Settings | None = None) -> "SearchIndex":
        """An index in a temporary folder, for stores that come without one (memory, remote)."""
        folder = Path(tempfile.mkdtemp(prefix="beleidsgraaf-search-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return cls.build(store, folder / INDEX_FILE, cfg)

    def update_graph(self, store, graph: str, cfg: Settings | None = None) -> int:
        """Re-index the entities labelled in named graph `graph`: drop what the index holds
        from that graph, read it again from `store`. Returns the number of entities indexed."""
        cfg = cfg or default_settings()
        entries = read_entries(store, graph, cfg)
        with self._write_lock, self._writer() as db:
            old = [r[0] for r in db.execute("SELECT id FROM entity WHERE graph = ?", (graph,))]
            for _, entry in entries:
                old.extend(r[0] for r in db.execute("SELECT id FROM entity WHERE iri = ?", (entry.iri,)))
            for table, column in (("fts", "rowid"), ("entity_type", "id"), ("designation", "id"), ("entity", "id")):
                db.executemany(f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in dict.fromkeys(old)])
            first_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM entity").fetchone()[0]
            added = _insert_entries(db, entries, first_id)
        if self._vocabulary is not None:
            # Words of things removed stay: a query for them finds nothing, which is right.
            self._vocabulary = self._vocabulary | added
        with self._found_lock:
            self._found.clear()
        return len(entries)

    def _writer(self) -> "_Transaction":
        return _Transaction(sqlite3.connect(self.path, isolation_level=None))

    def _reader(self) -> sqlite3.Connection:
        """One read connection per thread (the server answers requests on a thread pool)."""
        readers = getattr(_local, "readers", None)
        if readers is None:
            readers = _local.readers = {}
        db = readers.get(self.path)
        if db is None:
            db = readers[self.path] = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return db

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every term in the index, for typo tolerance (read once, then kept up to date)."""
        if self._vocabulary is None:
            with self._write_lock:
                if self._vocabulary is None:
                    self._vocabulary = self._load_vocabulary()
        return self._vocabulary

    def _load_vocabulary(self) -> frozenset[str]:
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
            return frozenset(r[0] for r in db.execute("SELECT term FROM fts_vocab"))

    def __len__(self) -> int:
        return self._reader().execute("SELECT count(*) FROM entity").fetchone()[0]

    # -- searching ------------------------------------------------------------------------------

    def expression(self, text: str) -> tuple[str | None, list[str]]:
        """The FTS5 query for `text` (None when a word is nowhere in the index) and the
        stems that count as hits for highlighting."""
        parts, wanted = [], []
        for word in words(text):
            options = self.stems_for(word)
            if not options:
                return None, []
            wanted.extend(options)
            parts.append("(" + " OR ".join(f'"{s}"' for s in options) + ")")
        return (" AND ".join(parts) if parts else None), wanted

    def stems_for(self, word: str) -> list[str]:
        """The indexed stems a query word stands for: its own, or those one edit away."""
        own = stem(word)
        vocabulary = self.vocabulary
        if own in vocabulary:
            return [own]
        if len(word) < FUZZY_MIN_LENGTH or word[:1].isdigit():
            return []
        near = {stem(w) for w in one_edit_away(word)} | {s for s in one_edit_away(own)}
        return sorted(near & vocabulary)[:20]

    def search(self, text: str, *, limit: int = 50, type_label: str | None = None,
               document_label: str | None = None) -> Results:
        expression, wanted = self.expression(text)
        if expression is None:
            return Results([], 0, [], [])
        db = self._reader()
        filters, args = _filters(type_label, document_label)
        page = self._ranked(db, text, expression, filters, args, limit)
        hits = [_hit(row, set(wanted), " ".join(stems(text))) for row in page]
        total, types, documents = self._facets(db, expression, filters, args)
        return Results(hits, total, types, documents)

    def find(self, text: str, limit: int, class_iri: str | None = None) -> list[str]:
        """The IRIs of the `limit` best matches, best first, optionally only members of
        `class_iri`: what a canned query answered by the index gets (no facets, no snippets)."""
        found = self.recalled(text, limit, class_iri)
        if found is not None:
            return found
        expression, _ = self.expression(text)
        found = []
        if expression is not None:
            filters, args = _filters(None, None, class_iri)
            found = [row[1] for row in self._ranked(self._reader(), text, expression, filters, args, limit)]
        with self._found_lock:
            self._found[(text, limit, class_iri)] = found
            while len(self._found) > FOUND_CACHE:
                self._found.popitem(last=False)
        return list(found)

    def recalled(self, text: str, limit: int, class_iri: str | None = None) -> list[str] | None:
        """What `find` answered for these arguments since the last re-index, or None: no search."""
        key = (text, limit, class_iri)
        with self._found_lock:
            if key not in self._found:
                return None
            self._found.move_to_end(key)
            return list(self._found[key])

    def _ranked(self, db, text: str, expression: str, filters: str, args: tuple, limit: int) -> list[tuple]:
        query_stems = stems(text)
        key = " ".join(query_stems)
        # From the narrowest match to the widest, each a bounded set: the notation asked for
        # and the exact name (b-tree lookups), then all words in a name, and only when those
        # do not fill the page, all words anywhere. bm25 ranks each bounded set, never every
        # match: a common word at 342x is in the names of 30,000 things and the texts of 100,000.
        found = Candidates()
        found.add(db.execute(f"SELECT e.id, NULL FROM designation d JOIN entity e ON e.id = d.id WHERE d.key = ? "
                             f"{filters} ORDER BY e.references_in DESC LIMIT ?", (key, *args, CANDIDATES)), phase=0)
        found.add(db.execute(f"SELECT e.id, NULL FROM entity e WHERE e.label_key = ? {filters} LIMIT ?",
                             (key, *args, CANDIDATES)), phase=0)
        # Names are ranked by how they match (_rank) and then by length, without bm25: among
        # names, the shorter one is the better match, and scoring a thousand names at 342x
        # would cost 10 ms. Texts (descriptions, quotes) differ more, so bm25 ranks them.
        found.add(_name_matches(db, NAME_COLUMNS + " : (" + expression + ")", filters, args), phase=0)
        if len(found) < limit:
            found.add(_ranked_matches(db, expression, filters, args), phase=1)
        return self._best(db, found, query_stems, limit)

    def _best(self, db, found: "Candidates", query_stems: list[str], limit: int) -> list[tuple]:
        """The `limit` best of the candidates, read in full (texts only for these)."""
        key = " ".join(query_stems)
        ranks = {}
        for chunk in _chunks(list(found.ids)):
            for id_, label, label_key, designation_keys, references in db.execute(
                    "SELECT id, label, label_key, designation_keys, references_in FROM entity WHERE id IN "
                    f"({','.join('?' * len(chunk))})", chunk):
                ranks[id_] = _rank(label, label_key, designation_keys, references, key, query_stems,
                                   *found.ids[id_])
        best = sorted(ranks, key=ranks.__getitem__)[:limit]
        rows = {}
        for chunk in _chunks(best):
            rows.update((r[0], r) for r in db.execute(
                "SELECT id, iri, label, notation, designation_keys, type_iri, type_label, document, document_label, "
                f"texts FROM entity WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return [rows[i] for i in best]

    def _facets(self, db, expression: str, filters: str, args: tuple):
        """Counts per type and per document over the first FACET_LIMIT matches, in one pass;
        the total says "at least" beyond that (Results.more)."""
        pairs = db.execute("SELECT x.type_label, x.document_label, count(*) FROM (SELECT e.id FROM fts JOIN entity e "
                           f"ON e.id = fts.rowid WHERE fts MATCH ? {filters} LIMIT ?) m JOIN entity x ON x.id = m.id "
                           "GROUP BY 1, 2", (expression, *args, FACET_LIMIT)).fetchall()
        types: dict[str, int] = {}
        documents: dict[str, int] = {}
        for type_label, document_label, n in pairs:
            types[type_label or "overig"] = types.get(type_label or "overig", 0) + n
            documents[document_label or "geen document"] = documents.get(document_label or "geen document", 0) + n
        by_count = lambda counts: sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))  # noqa: E731
        return sum(types.values()), by_count(types), by_count(documents)

    def labels(self, iris: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """The label and notation of each of `iris` the index knows."""
        wanted = list(dict.fromkeys(iris))
        found: dict[str, tuple[str, str | None]] = {}
        db = self._reader()
        for chunk in _chunks(wanted):
            rows = db.execute(f"SELECT iri, label, notation FROM entity WHERE iri IN ({','.join('?' * len(chunk))})",
                              chunk)
            found.update((iri, (label, notation)) for iri, label, notation in rows)
        return found

    def suggest(self, text: str, *, limit: int = 8, type_label: str | None = None,
                type_iri: str | None = None) -> list[Hit]:
        """Things whose name or notation starts with what was typed so far: every word but
        the last as a whole word, the last as the start of a word."""
        typed = words(text)
        if not typed:
            return []
        parts = []
        for word in typed[:-1]:
            options = self.stems_for(word)
            if not options:
                return []
            parts.append(NAME_COLUMNS + " : (" + " OR ".join(f'"{s}"' for s in options) + ")")
        parts.append(f'words : "{typed[-1]}"*')
        filters, args = _filters(type_label, None, type_iri)
        # Among things that all start with what was typed, the shortest name first ('Tactus'
        # before 'Preventiespreekuur (Tactus)'): the rowid order, so the first CANDIDATES
        # found are the shortest names and bm25 is left out.
        db = self._reader()
        found = Candidates()
        found.add(db.execute(f"SELECT e.id, 0 FROM fts JOIN entity e ON e.id = fts.rowid WHERE fts MATCH ? {filters} "
                             "LIMIT ?", (" AND ".join(parts), *args, CANDIDATES)), phase=0)
        query_stems = [stem(w) for w in typed]
        key = " ".join(query_stems)
        return [_hit(row, set(query_stems), key) for row in self._best(db, found, query_stems, limit)]


def stored_index(folder: Path) -> SearchIndex | None:
    """The index `beleidsgraaf build` wrote into a store folder, if it has the current layout."""
    index_file = Path(folder) / INDEX_FILE
    if not index_file.is_file():
        return None
    try:
        # An index from an older layout is rebuilt by the caller (as for a store without one).
        return SearchIndex(index_file) if SearchIndex.is_current(index_file) else None
    except sqlite3.Error:  # e.g. a store folder this user may not write to (WAL needs it)
        return None


def index_for(store, cfg: Settings | None = None) -> SearchIndex:
    """The index of `store`: the one built with an on-disk store, else one built now from
    the store (memory, rdflib and remote stores come without one)."""
    folder = getattr(store, "folder", None)
    return (stored_index(folder) if folder else None) or SearchIndex.temporary(store, cfg)


class Candidates:
    """Entity ids found by the steps of a search, the first step that found one kept, with
    its score there (bm25, lower is better) and the step's phase (0 names, 1 texts)."""

    def __init__(self):
        self.ids: dict[int, tuple[int, float | None]] = {}

    def add(self, rows, phase: int) -> None:
        for id_, score in rows:
            known = self.ids.get(id_)
            if known is None:
                self.ids[id_] = (phase, score)
            elif known[1] is None:  # found by a lookup without a score: the step's bm25 breaks ties
                self.ids[id_] = (known[0], score)

    def __len__(self) -> int:
        return len(self.ids)


def _name_matches(db, expression: str, filters: str, args: tuple) -> list[tuple[int, None]]:
    """The first RANKED_MATCHES matches (the shortest names: rowid order), without a score."""
    return db.execute(f"SELECT e.id, NULL FROM fts JOIN entity e ON e.id = fts.rowid WHERE fts MATCH ? {filters} "
                      "LIMIT ?", (expression, *args, RANKED_MATCHES)).fetchall()


def _ranked_matches(db, expression: str, filters: str, args: tuple) -> list[tuple[int, float]]:
    """The first RANKED_MATCHES matches (the shortest names: rowid order) with their bm25."""
    return db.execute(f"SELECT e.id, bm25(fts, {RANKING}) FROM fts JOIN entity e ON e.id = fts.rowid "
                      f"WHERE fts MATCH ? {filters} LIMIT ?", (expression, *args, RANKED_MATCHES)).fetchall()


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_entries(db: sqlite3.Connection, entries: list[tuple[str, "Entry"]], first_id: int) -> set[str]:
    """Add entities (graph, entry) with ids from `first_id` on; returns the terms they bring."""
    entity_rows, type_rows, designation_rows, fts_rows = [], [], [], []
    terms: set[str] = set()
    for id_, (graph, e) in enumerate(entries, start=first_id):
        type_iri, type_label = e.type()
        designations = e.designations()
        keys = list(dict.fromkeys(" ".join(stems(d)) for d in designations))
        entity_rows.append((id_, e.iri, graph, e.label, " ".join(stems(e.label)), e.notation, json.dumps(keys),
                            type_iri, type_label, e.document, e.document_label,
                            json.dumps(e.texts, ensure_ascii=False), e.references))
        type_rows.extend((id_, t) for t in dict.fromkeys(t for t, _ in e.types))
        designation_rows.extend((k, id_) for k in keys)
        names = designations + e.labels + e.alt
        columns = (_indexed(designations), _indexed(e.labels), _indexed(e.alt), _indexed(e.texts),
                   " ".join(w for n in names for w in words(n)))
        fts_rows.append((id_, *columns))
        for column in columns:
            terms.update(column.split())
    db.executemany("INSERT INTO entity (id, iri, graph, label, label_key, notation, designation_keys, type_iri, "
                   "type_label, document, document_label, texts, references_in) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
    db.executemany("INSERT INTO entity_type (id, type_iri) VALUES (?, ?)", type_rows)
    db.executemany("INSERT INTO designation (key, id) VALUES (?, ?)", designation_rows)
    db.executemany("INSERT INTO fts (rowid, designation, label, alt, body, words) VALUES (?, ?, ?, ?, ?, ?)", fts_rows)
    return terms


class _Transaction:
    """A write connection used as `with`: one transaction, closed afterwards."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, kind, *_):
        self.db.execute("ROLLBACK" if kind else "COMMIT")
        self.db.close()


def _filters(type_label: str | None, document_label: str | None,
             type_iri: str | None = None) -> tuple[str, tuple]:
    clauses, args = [], []
    if type_iri:
        clauses.append("AND e.id IN (SELECT id FROM entity_type WHERE type_iri = ?)")
        args.append(type_iri)
    if type_label:
        clauses.append("AND e.type_label = ?")
        args.append(type_label)
    if document_label:
        clauses.append("AND e.document_label = ?")
        args.append(document_label)
    return " ".join(clauses), tuple(args)


def _indexed(texts: Iterable[str]) -> str:
    return " ".join(" ".join(stems(t)) for t in texts)


def _rank(label: str, label_key: str, designation_keys: str, references: int, key: str,
          query_stems: list[str], phase: int, score: float) -> tuple:
    """Best first: the notation asked for, the exact name, all words in the name (as a
    phrase before in any order), then name matches before text matches, then bm25; shorter
    names before longer ones."""
    # designation_keys is a JSON list of stems, which hold no quote or backslash: the quoted
    # key as a substring is exactly "key is in the list", without parsing 1000 lists a search.
    if f'"{key}"' in designation_keys:
        tier = 0
    elif label_key == key:
        tier = 1
    elif f" {key} " in f" {label_key} ":
        tier = 2
    elif set(query_stems) <= set(label_key.split()):
        tier = 3
    else:
        tier = 4
    # Among equal matches (three documents have a 'doelstelling 1'), the one the graph refers to most.
    return tier, -references if tier == 0 else 0, phase, 0.0 if score is None else score, len(label), label


def _hit(row, wanted: set[str], key: str) -> Hit:
    _, iri, label, notation, designation_keys, type_iri, type_label, document, document_label, texts = row
    label_stems = set(stems(label))
    if key in json.loads(designation_keys):
        matched_in, source = "nummer", label
    elif wanted & label_stems or set(key.split()) <= label_stems:
        matched_in, source = "naam", label
    else:
        matched_in = "tekst"
        source = next((t for t in json.loads(texts) if wanted & set(stems(t))), label)
    return Hit(iri, label, notation, type_iri, type_label, document, document_label,
               highlight(source, wanted), matched_in)


def highlight(text: str, wanted: set[str], around: int = 12) -> list[tuple[str, bool]]:
    """`text` as (piece, is_hit) pieces, cut to some words around the first hit. Reads
    only as far as it shows: quotes can be long."""
    before: deque[tuple[str, bool]] = deque(maxlen=2 * around)
    shown: list[tuple[str, bool]] = []
    position, cut_before, found = 0, False, False
    for match in ORIGINAL_WORD.finditer(text):
        if found and len(shown) >= 2 * around:
            shown.append(("…", False))
            position = len(text)
            break
        hit = any(stem(w) in wanted for w in words(match.group()))
        pieces = [(text[position:match.start()], False), (match.group(), hit)]
        position = match.end()
        if found or hit:
            found = True
            shown.extend(pieces)
        else:
            if len(before) >= before.maxlen - 1:
                cut_before = True
            before.extend(pieces)
    shown.append((text[position:], False))
    if not found:  # no hit (a name matched by its notation): the start of the text
        return [p for p in list(before)[:4 * around] + shown if p[0]]
    lead = [("…", False)] if cut_before else []
    return [p for p in lead + list(before) + shown if p[0]]


def read_entries(store, graph: str | None, cfg: Settings) -> list[tuple[str, Entry]]:
    """The index query's rows for one graph (or, with None, for all graphs in one query),
    gathered per entity as (graph, entry). A thing labelled in several graphs is indexed
    once, from the last of them in IRI order."""
    internal = Registry.from_directory(cfg.queries_dir / "internal")
    values = {} if graph is None else {"graph": graph}
    entries: dict[tuple[str, str], Entry] = {}
    for row in _rows(store, internal.get("search-index-entries"), values):
        value_label = row["valueLabel"]
        entry = entries.setdefault((row["graph"].value, row["entity"].value), Entry(row["entity"].value))
        _add(entry, row["property"].value, row["value"], value_label.value if value_label is not None else None)
    for row in _rows(store, internal.get("search-index-references"), values):
        # (rdflib answers a GROUP BY over no rows with one row of unbound values)
        if row["entity"] is not None and (row["graph"].value, row["entity"].value) in entries:
            entries[row["graph"].value, row["entity"].value].references = int(row["references"].value)
    chosen: dict[str, tuple[str, Entry]] = {}
    for (in_graph, iri), entry in sorted(entries.items()):
        if not iri.startswith(cfg.id_ns):
            continue
        if entry.document is None and any(t == BG + "PolicyDocument" for t, _ in entry.types):
            entry.document, entry.document_label = entry.iri, entry.label  # a document is its own source
        chosen[iri] = (in_graph, entry)
    return list(chosen.values())


def _rows(store, query, values: dict):
    sparql, substitutions = query.prepare(values)
    result = store.query(sparql, substitutions=substitutions)
    try:
        yield from result
    finally:
        del result  # Oxigraph results must be dropped on the thread that made them


def _add(entry: Entry, prop: str, value, value_label: str | None) -> None:
    text = value.value
    language = getattr(value, "language", None)
    if prop in LABELS:
        # The Dutch label names the thing; other languages still find it.
        (entry.labels.insert(0, text) if language == "nl" else entry.alt.append(text))
    elif prop in ALT_LABELS:
        entry.alt.append(text)
    elif prop == SKOS + "notation":
        entry.notation = entry.notation or text
    elif prop == RDF_TYPE:
        entry.types.append((text, value_label))
    elif prop in KIND and value_label:
        entry.kinds.append(value_label)
    elif prop == DCT + "source" and entry.document is None:
        entry.document, entry.document_label = text, value_label
    elif prop in BODY and language in (None, "nl"):
        entry.texts.append(text)
