"""The data at each size, generated and built once: synthetic files and the on-disk store
are cached under build/bench/, keyed by size and by a hash of everything that shapes them
(generator, shipped data, ontology, build code, pyoxigraph version), so a re-run skips the
minutes that 342x takes to generate and build. The build time is measured when the store
is built and kept with it (`--rebuild` measures it again)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from beleidsgraaf.settings import current_settings
from beleidsgraaf.synthetic.synth import generate, municipalities_for_size

REPO = Path(__file__).resolve().parent.parent
SEED = 42
BUILD_CODE = ("beleidsgraaf/pipeline.py", "beleidsgraaf/backends/oxigraph_store.py", "beleidsgraaf/shipped.py", "beleidsgraaf/rdfio.py",
              "beleidsgraaf/cli.py")


def _hash(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:12]


def synth_key() -> str:
    return _hash([(REPO / "beleidsgraaf" / "synthetic" / "synth.py").read_bytes(), str(SEED).encode()])


def store_key(size: int) -> str:
    cfg = current_settings()
    files = sorted(cfg.ontology_dir.glob("*.ttl")) + sorted(cfg.data_dir.glob("*.ttl")) + [REPO / p for p in BUILD_CODE]
    parts = [f.read_bytes() for f in files] + [synth_key().encode(), str(size).encode(), ox.__version__.encode()]
    return _hash(parts)


@dataclass
class PreparedData:
    size: int
    municipalities: int
    synth_dir: Path | None
    store_path: Path
    folder: Path
    meta: dict

    @property
    def quads(self) -> int:
        return self.meta["quads"]

    def data_paths(self) -> list[Path]:
        """The RDF that makes up this size: the shipped data plus the synthetic files."""
        return [current_settings().data_dir] + ([self.synth_dir] if self.synth_dir else [])

    def nquads(self, log=print) -> Path:
        """The store's content as one N-Quads file (for the peer), written once."""
        path = self.folder / "data.nq"
        if not path.exists():
            log(f"  {self.size}x: writing N-Quads for the peer")
            partial = path.with_suffix(".nq.partial")
            ox.Store.read_only(str(self.store_path)).dump(str(partial), format=ox.RdfFormat.N_QUADS)
            os.replace(partial, path)
        return path


def prepare(size: int, cache: Path, *, rebuild: bool = False, log=print) -> PreparedData:
    cache = Path(cache)
    cache.mkdir(parents=True, exist_ok=True)
    municipalities = municipalities_for_size(size)
    synth_dir = _synthetic(municipalities, cache, log) if municipalities else None
    folder = cache / f"store-{size}x-{store_key(size)}"
    meta_path = folder / "meta.json"
    if rebuild or not meta_path.exists():
        _prune(cache, f"store-{size}x-", keep=folder)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        meta = _build(size, folder, synth_dir, log)
        meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return PreparedData(size, municipalities, synth_dir, folder / "store", folder, meta)


def _synthetic(municipalities: int, cache: Path, log) -> Path:
    folder = cache / f"synth-{municipalities}-{synth_key()}"
    if not (folder / ".complete").exists():
        _prune(cache, f"synth-{municipalities}-", keep=folder)
        shutil.rmtree(folder, ignore_errors=True)
        log(f"  generating {municipalities} synthetic municipalities")
        started = time.perf_counter()
        counts = generate(municipalities, folder, seed=SEED)
        (folder / ".complete").write_text(json.dumps({"triples": sum(counts.values()), "files": len(counts),
                                                      "seconds": round(time.perf_counter() - started, 2)}))
    return folder


def _build(size: int, folder: Path, synth_dir: Path | None, log) -> dict:
    """`beleidsgraaf build --skip-validation [--extra DIR]` as a user runs it, timed."""
    command = [sys.executable, "-m", "beleidsgraaf.cli", "build", "--store", str(folder / "store"),
               "--skip-validation"] + (["--extra", str(synth_dir)] if synth_dir else [])
    log(f"  {size}x: building the store")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [str(REPO), os.environ.get("PYTHONPATH")] if p)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"build at {size}x failed ({done.returncode}): {done.stderr[-2000:]}")
    quads = len(ox.Store.read_only(str(folder / "store")))
    synth = json.loads((synth_dir / ".complete").read_text()) if synth_dir else None
    return {"size": size, "quads": quads, "build_s": round(seconds, 3),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "command": "beleidsgraaf " + " ".join(command[3:]),
            "synth": synth}


def _prune(cache: Path, prefix: str, keep: Path) -> None:
    """Drop cached data of the same size made by other code versions (342x is ~2 GB)."""
    for old in cache.glob(prefix + "*"):
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
