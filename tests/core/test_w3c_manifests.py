"""The imported W3C manifests are upstream's bytes: each file under tests/w3c/ named in
PROVENANCE.json has the git blob id recorded there (the id git gives that file at the recorded
commit of w3c/rdf-tests), and every file there is recorded. A hand edit changes the id; the
way to change these files is tests/w3c/import_manifests.py."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.w3c.manifest import HERE, PROVENANCE

RECORDED = sorted(PROVENANCE["files"].items())
NOT_IMPORTED = {"PROVENANCE.json", "import_manifests.py", "manifest.py"}


def git_blob_id(content: bytes) -> str:
    """What `git hash-object` gives: SHA-1 over a 'blob <size>' header, a NUL and the bytes."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def test_the_record_names_upstream_and_a_commit():
    assert PROVENANCE["repository"] == "https://github.com/w3c/rdf-tests"
    assert re.fullmatch(r"[0-9a-f]{40}", PROVENANCE["commit"])
    assert set(PROVENANCE["manifests"]) <= set(PROVENANCE["files"])


@pytest.mark.parametrize("path,blob", RECORDED, ids=[p for p, _ in RECORDED])
def test_copied_file_is_the_upstream_blob(path, blob):
    assert git_blob_id((HERE / path).read_bytes()) == blob, (
        f"tests/w3c/{path} differs from w3c/rdf-tests {PROVENANCE['commit']}: re-import it with "
        f"tests/w3c/import_manifests.py instead of editing it")


def test_every_copied_file_is_recorded():
    present = {p.relative_to(HERE).as_posix() for p in HERE.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert present - NOT_IMPORTED == set(PROVENANCE["files"])


def test_an_edited_copy_is_caught():
    path, blob = RECORDED[0]
    assert git_blob_id((HERE / path).read_bytes() + b" ") != blob


def test_the_import_copies_the_manifests_and_exactly_the_files_they_use(tmp_path):
    """import_manifests.py on a small rdf-tests look-alike: the two root manifests, what they
    include and the data they name are copied byte for byte with git's blob ids; a file no
    manifest names is not."""
    import subprocess

    from tests.w3c.import_manifests import import_from

    repo = tmp_path / "rdf-tests"
    prefixes = ("@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .\n"
                "@prefix ut: <http://www.w3.org/2009/sparql/tests/test-update#> .\n")
    files = {
        "sparql/sparql11/protocol/manifest.ttl": prefixes + "<> mf:entries (<#t>) .\n"
                                                            "<#t> ut:graphData [ ut:graph <data1.nt> ] .\n",
        "sparql/sparql11/protocol/data1.nt": "<http://example/s> <http://example/p> \"é\" .\r\n",
        "sparql/sparql11/protocol/unused.nt": "<http://example/s> <http://example/p> 1 .\n",
        "sparql/sparql11/graph-store-protocol/manifest.ttl": prefixes + "<> mf:include (<manifest-direct.ttl>) .\n",
        "sparql/sparql11/graph-store-protocol/manifest-direct.ttl": prefixes + "<> mf:entries () .\n",
    }
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(text.encode("utf-8"))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "fixture"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()

    record = import_from(repo, tmp_path / "copy")
    used = sorted(p for p in files if not p.endswith("unused.nt"))
    assert record["commit"] == commit and sorted(record["files"]) == used
    for path in used:
        copied = (tmp_path / "copy" / path).read_bytes()
        assert copied == files[path].encode("utf-8")
        assert record["files"][path] == git_blob_id(copied)
    assert json_of(tmp_path / "copy" / "PROVENANCE.json") == record


def json_of(path):
    import json

    return json.loads(path.read_text(encoding="utf-8"))
