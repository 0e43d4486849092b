"""Validation of uploaded RDF in a confined worker process, with a time limit, a memory
limit and a cap on the triples per upload.

SHACL engines cannot be interrupted and their memory grows with the data in ways the
upload size does not bound (4.9 MB of Turtle once took a server from 0.6 to 14.8 GB). So
the upload is parsed and validated in a child process that has no network and a bounded
address space (sandbox.py); past the time limit it is killed. One child serves one
upload and exits, so nothing an upload leaves behind outlives it; one spare child waits,
with the shapes and ontology already loaded, so an upload does not wait for imports.

Requests and answers are pickles over the child's stdin and stdout. The child's settings
come first on stdin, from the server (it reads no environment variable of ours).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import LimitExceeded, RdfInputError, UserError
from .settings import Settings, current_settings

# Named in messages; read by settings.py.
ENV_TIMEOUT = "BELEIDSGRAAF_VALIDATION_TIMEOUT"
ENV_MEMORY = "BELEIDSGRAAF_VALIDATION_MEMORY_MB"
ENV_MAX_TRIPLES = "BELEIDSGRAAF_VALIDATION_MAX_TRIPLES"


class ValidationTooLarge(LimitExceeded):
    """An upload with more triples than one validation may hold, or one that needed more
    memory than a validation may use (HTTP 413)."""


class ValidationTimeout(LimitExceeded):
    """A validation stopped at its time limit (HTTP 504)."""

    retry_after = None


class ValidationFailed(UserError):
    """Data the validator could not process (nesting too deep for it, say): HTTP 422."""


@dataclass(frozen=True)
class ValidationLimits:
    timeout: float = 60.0  # seconds one validation may run
    memory_mb: int = 2048  # address space of the validating process
    max_triples: int = 50_000  # triples in one upload

    @classmethod
    def from_settings(cls, cfg: Settings) -> "ValidationLimits":
        return cls(timeout=cfg.validation_timeout, memory_mb=cfg.validation_memory_mb,
                   max_triples=cfg.validation_max_triples)


@dataclass(frozen=True)
class Upload:
    data: bytes
    fmt_name: str | None
    media_type: str | None
    source: str
    with_shipped: bool
    store_path: str | None = None  # the store version to take the shipped data from (else data/)
    files: tuple[str, ...] = ()  # files to read instead of `data` (the command line)
    replacing: str | None = None  # a published graph the input is a new version of (left out)
    source_texts: tuple[tuple[str, str], ...] = ()  # (name, text): quotes must be verbatim in one
    spreadsheet: bool = False  # `data` is a filled spreadsheet template (.xlsx)


SPLIT_ADVICE = ("split the file into parts of at most {max} triples (for instance one file per plan or per "
                "municipality; references between parts resolve with 'with_shipped' once the other parts "
                "are in data/), or validate on the command line with a higher {env}")


class Sandbox:
    """Validates uploads, each in a fresh confined child; keeps one spare child ready."""

    def __init__(self, limits: ValidationLimits | None = None, *, settings: Settings | None = None,
                 keep_spare: bool = True):
        self.settings = settings or current_settings()  # the children's settings
        self.limits = limits or ValidationLimits.from_settings(self.settings)
        self.keep_spare = keep_spare
        self._spare: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def validate(self, upload: Upload):
        """The ValidationReport for `upload`; RdfInputError for input that does not parse."""
        child = self._take_child()
        if self.keep_spare:
            threading.Thread(target=self._prepare_spare, daemon=True).start()
        try:
            out, _ = child.communicate(pickle.dumps(upload), timeout=self.limits.timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise ValidationTimeout(
                f"de validatie is gestopt na {self.limits.timeout:g} s, de tijdgrens voor één validatie / "
                f"validation stopped after {self.limits.timeout:g} s: "
                + SPLIT_ADVICE.format(max=self.limits.max_triples, env=ENV_TIMEOUT)) from None
        try:
            answer = pickle.loads(out) if out else None
        except (pickle.UnpicklingError, EOFError):
            answer = None
        if answer is None and child.returncode > 0:  # a Python error: a bug, not the limit
            raise RuntimeError(f"the validation process failed (exit status {child.returncode})")
        if answer is None:  # killed by the kernel or an allocation failure: the memory limit
            raise ValidationTooLarge(
                f"de validatie had meer dan {self.limits.memory_mb} MB geheugen nodig / validation needed more "
                f"than {self.limits.memory_mb} MB: " + SPLIT_ADVICE.format(max=self.limits.max_triples,
                                                                            env=ENV_MEMORY))
        return _unpacked(answer, self.limits)

    def close(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.kill()
            spare.wait()

    def _take_child(self) -> subprocess.Popen:
        with self._lock:
            child, self._spare = self._spare, None
        if child is not None and child.poll() is not None:
            child.kill()  # dead
            child.wait()
            child = None
        return child or self._start_child()

    def _prepare_spare(self) -> None:
        child = self._start_child()
        with self._lock:
            if self._spare is None:
                self._spare, child = child, None
        if child is not None:
            child.kill()
            child.wait()

    def _start_child(self) -> subprocess.Popen:
        from .sandbox import child_environment

        env = child_environment()
        child = subprocess.Popen(
            [sys.executable, "-m", "beleidsgraaf.validation_sandbox", str(self.limits.memory_mb),
             str(self.limits.max_triples)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, close_fds=True)
        child.stdin.write(pickle.dumps(self.settings))  # a few hundred bytes: fits the pipe's buffer
        child.stdin.flush()
        return child


def _unpacked(answer: tuple, limits: ValidationLimits):
    kind = answer[0]
    if kind == "report":
        return answer[1]
    if kind == "parse":
        source, reason, line, column = answer[1]
        raise RdfInputError(source, reason, line=line, column=column)
    if kind == "too-many":
        raise ValidationTooLarge(
            f"de invoer bevat {answer[1]} triples, meer dan de {limits.max_triples} die één validatie mag "
            f"bevatten / the upload holds {answer[1]} triples, more than {limits.max_triples}: "
            + SPLIT_ADVICE.format(max=limits.max_triples, env=ENV_MAX_TRIPLES))
    if kind == "user":
        raise UserError(answer[1])
    if kind == "mapping":
        from .convert import MappingError

        raise MappingError(answer[1])
    raise ValidationFailed(answer[1])


# -- the child process -----------------------------------------------------------------------

def _child_main(memory_mb: int, max_triples: int) -> None:
    from .sandbox import confine, limit_memory
    from .settings import use_settings

    settings = use_settings(pickle.load(sys.stdin.buffer))  # the server's, not the environment's
    # Before the upload is read. Remote JSON-LD contexts are an operator's explicit opt-in.
    if settings.allow_remote_contexts:
        limit_memory(memory_mb)
    else:
        confine(memory_mb)
    from . import validation  # noqa: F401  (imports and shapes before the upload arrives)
    from .shipped import ontology_graph, shapes_graph

    ontology_graph()
    shapes_graph()
    try:
        upload = pickle.load(sys.stdin.buffer)
    except EOFError:
        return  # a spare whose server has gone
    answer = _validated(upload, max_triples)
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


def _validated(upload: Upload, max_triples: int) -> tuple:
    from .convert import MappingError
    from .pipeline import validated_report
    from .rdfio import to_graph

    try:
        if upload.spreadsheet:
            return ("report", _validated_spreadsheet(upload))
        quads = _quads(upload)
        if not quads:  # as much a mistake as an empty file: not a pass
            return ("user", f"{upload.source}: bevat geen triples; er is niets te valideren (is het het goede bestand en formaat?)")
        if len(quads) > max_triples:
            return ("too-many", len(quads))
        references = _shipped_data(upload.store_path, upload.replacing) if upload.with_shipped else None
        return ("report", validated_report(to_graph(quads), references, dict(upload.source_texts)))
    except RdfInputError as exc:
        return ("parse", (exc.source, exc.reason, exc.line, exc.column))
    except MappingError as exc:
        return ("mapping", list(exc.problems))
    except UserError as exc:
        return ("user", str(exc))
    except RecursionError:
        return ("failed", f"{upload.source}: de gegevens zijn te diep genest om te valideren / the data nests too "
                          "deeply to validate: flatten nested blank nodes and lists into nodes with their own IRI")
    except MemoryError:
        return None  # reported as the memory limit


def _validated_spreadsheet(upload: Upload):
    import tempfile

    from .pipeline import validate_spreadsheet

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(upload.data)
        _, report = validate_spreadsheet(path, alone=not upload.with_shipped, replacing=upload.replacing,
                                         texts=dict(upload.source_texts))
    return report


def _quads(upload: Upload) -> list:
    from .rdfio import format_for, parse_quads, read_file

    if upload.files:
        return [quad for path in upload.files for quad in read_file(Path(path))]
    fmt = format_for(upload.fmt_name, path=upload.source if not upload.fmt_name and not upload.media_type
                     else None, media_type=upload.media_type)
    return parse_quads(upload.data, fmt, upload.source)


def _shipped_data(store_path: str | None, replacing: str | None):
    """What an upload is validated with: the data graphs of the served store version (the
    shipped and the published ones), without the ontology, the provenance records and the
    graph the upload replaces; without a store, data/ and the published folder."""
    import pyoxigraph as ox

    from .published import PROV_GRAPH_NAME
    from .publish import reference_data
    from .rdfio import to_graph

    if not store_path:
        return reference_data(exclude=replacing)
    cfg = current_settings()
    skip = {ox.NamedNode(cfg.graph_ns + "ontology"), ox.NamedNode(cfg.graph_ns + PROV_GRAPH_NAME)}
    if replacing:
        skip.add(ox.NamedNode(replacing))
    quads = ox.Store.read_only(store_path).quads_for_pattern(None, None, None, None)
    return to_graph(q for q in quads if q.graph_name not in skip)


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), int(sys.argv[2]))
