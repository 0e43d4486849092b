"""The imported W3C manifests are upstream's bytes: each file under tests/w3c/ named in
PROVENANCE.json has the git blob id recorded there (the id git gives that file at the recorded
commit of w3c/rdf-tests), and every file there is recorded. A hand edit changes the id; the
way to change these files is tests/w3c/import_manifests.py."""

from __future__ import annotations

import hashlib
import re

import pytest

from w3c.manifest import HERE, PROVENANCE

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
