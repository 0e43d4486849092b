"""Copy the W3C SPARQL 1.1 Protocol and Graph Store Protocol test manifests, and every file
they use, byte for byte from a checkout (or bare clone) of https://github.com/w3c/rdf-tests
into tests/w3c/, and record where each came from in tests/w3c/PROVENANCE.json.

    python tests/w3c/import_manifests.py /path/to/rdf-tests        # a bare clone works too

No registry we can reach ships these manifests, so they are imported from git, never typed
in: PROVENANCE.json keeps the repository, the commit and each file's git blob id, and
tests/test_w3c_manifests.py checks every copied file against its blob id. To upgrade, run
this script against a newer commit and commit the result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import Namespace

UPSTREAM = "https://github.com/w3c/rdf-tests"
# The manifests' own base: rdf-tests publishes its tree under this address, so relative
# IRIs such as <data1.nt> and <manifest-direct.ttl> resolve to a path in the repository.
BASE = "https://w3c.github.io/rdf-tests/"
ROOT_MANIFESTS = (
    "sparql/sparql11/protocol/manifest.ttl",
    "sparql/sparql11/graph-store-protocol/manifest.ttl",
)
HERE = Path(__file__).resolve().parent
PROVENANCE = HERE / "PROVENANCE.json"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def blob_exists(repo: Path, commit: str, path: str) -> bool:
    return subprocess.run(["git", "-C", str(repo), "cat-file", "-e", f"{commit}:{path}"],
                          capture_output=True).returncode == 0


def parse_manifest(content: bytes, path: str) -> Graph:
    return Graph().parse(data=content, format="turtle", publicID=BASE + path)


def referenced_files(graph: Graph, repo: Path, commit: str) -> list[str]:
    """Repository paths of the files a manifest points at: included manifests (mf:include),
    data files (ut:graph, qt:data, ...), any IRI under BASE that is a file at the commit."""
    paths = set()
    for term in graph.all_nodes():
        if isinstance(term, URIRef) and str(term).startswith(BASE):
            path = str(term)[len(BASE):].split("#")[0]
            if path and blob_exists(repo, commit, path):
                paths.add(path)
    for manifest in graph.subjects(MF.include, None):
        for included in Collection(graph, graph.value(manifest, MF.include)):
            paths.add(str(included)[len(BASE):])
    return sorted(paths)


def import_from(repo: Path, target: Path = HERE) -> dict:
    commit = git(repo, "rev-parse", "HEAD").decode().strip()
    files: dict[str, str] = {}
    pending = list(ROOT_MANIFESTS)
    while pending:
        path = pending.pop()
        if path in files:
            continue
        content = git(repo, "cat-file", "blob", f"{commit}:{path}")
        files[path] = git(repo, "rev-parse", f"{commit}:{path}").decode().strip()
        copy = target / path
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(content)
        if path.endswith(".ttl"):
            pending.extend(referenced_files(parse_manifest(content, path), repo, commit))
    record = {
        "repository": UPSTREAM,
        "commit": commit,
        "base": BASE,
        "manifests": list(ROOT_MANIFESTS),
        "imported_with": "tests/w3c/import_manifests.py",
        "files": dict(sorted(files.items())),
    }
    (target / PROVENANCE.name).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python tests/w3c/import_manifests.py RDF_TESTS_REPOSITORY\n"
              "  RDF_TESTS_REPOSITORY: a clone (bare or not) of " + UPSTREAM, file=sys.stderr)
        return 2
    try:
        record = import_from(Path(argv[0]))
    except subprocess.CalledProcessError as error:
        print(f"git failed in {argv[0]}: {error.stderr.decode(errors='replace').strip()}\n"
              f"  is it a clone of {UPSTREAM} with {', '.join(ROOT_MANIFESTS)}?", file=sys.stderr)
        return 1
    print(f"imported {len(record['files'])} files from {UPSTREAM} at {record['commit']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
