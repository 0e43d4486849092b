"""Validation of uploaded RDF in a confined worker process, with a time limit, a memory
limit and a cap on the triples per upload.

SHACL engines cannot be interrupted and their memory grows with the data in ways the
upload size does not bound (4.9 MB of Turtle once took a server from 0.6 to 14.8 GB). So
the upload is parsed and validated in a child process that has no network and a bounded
address space (sandbox.py); past the time limit it is killed. One child serves one
upload and exits, so nothing an upload leaves behind outlives it; one spare child waits,
with the shapes and ontology already loaded, so an upload does not wait for imports.

The server sends its request as a pickle over the child's stdin (the server is trusted);
the child answers over stdout in the plain format of replies.py, never in a pickle, so a
child that an upload subverted cannot make the server run code. The same child also
parses and checks what a data steward publishes (`PUT`/`POST /store`, `beleidsgraaf
import`): the server receives the new content of the graph as N-Quads it wrote itself.
The child's settings come first on stdin, from the server (it reads no environment variable of ours).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from . import replies
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
    files: tuple[str, ...] = ()  # files to read instead of `data` (the command line)
    replacing: str | None = None  # a published graph the input is a new version of (left out)
    source_texts: tuple[tuple[str, str], ...] = ()  # (name, text): quotes must be verbatim in one
    spreadsheet: bool = False  # `data` is a filled spreadsheet template (.xlsx)
    publish_to: str | None = None  # a published graph this becomes the content of (the reply carries it)
    merge: bool = False  # publish_to: add to the graph's current content (POST) instead of replacing it
    published_dir: str | None = None  # the published area (else the configured one)
    parts: tuple[tuple[bytes, str, str], ...] = ()  # (bytes, media type, name) to read instead of `data`


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
        return self._run(upload)[0]

    def publication(self, upload: Upload):
        """(the graph's new content as quads, its ValidationReport) for an `upload` with
        `publish_to`: parsed, merged, rebased and validated in the child."""
        import pyoxigraph as ox

        report, content = self._run(upload)
        # N-Quads the child wrote from at most max_triples quads: flat, bounded, no user syntax left.
        return list(ox.parse(content, format=ox.RdfFormat.N_QUADS)), report

    def _run(self, upload: Upload):
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
            answer = replies.decode(out, REPLY_KINDS) if out else None
        except replies.BadReply:
            raise ValidationFailed("het validatieproces gaf een antwoord dat deze server niet aanneemt / the "
                                   "validation process gave an answer this server does not accept; try again") from None
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


REPLY_KINDS = frozenset({"report", "parse", "too-many", "user", "mapping", "failed"})


def _unpacked(answer: tuple, limits: ValidationLimits):
    """(report, content bytes) from a decoded reply, or the error it reports."""
    (kind, *fields), body = answer
    try:
        if kind == "report":
            from .validation import ValidationReport

            return ValidationReport.from_plain(fields[0]), body
        if kind == "parse":
            source, reason, line, column = fields
            raise RdfInputError(str(source), str(reason), line=line, column=column)
        if kind == "too-many":
            count = int(fields[0])
            raise ValidationTooLarge(
                f"de invoer bevat {count} triples, meer dan de {limits.max_triples} die één validatie mag "
                f"bevatten / the upload holds {count} triples, more than {limits.max_triples}: "
                + SPLIT_ADVICE.format(max=limits.max_triples, env=ENV_MAX_TRIPLES))
        if kind == "user":
            raise UserError(str(fields[0]))
        if kind == "mapping":
            from .convert import MappingError

            raise MappingError([str(f) for f in fields])
        raise ValidationFailed(str(fields[0]))
    except (IndexError, TypeError, ValueError, KeyError):
        raise ValidationFailed("het validatieproces gaf een onvolledig antwoord / the validation process gave an "
                               "incomplete answer; try again") from None


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
    from .background import shipped_data_quads
    from .shipped import ontology_graph, shapes_graph

    ontology_graph()
    shapes_graph()
    shipped_data_quads()  # the data files, parsed while no upload waits
    try:
        upload = pickle.load(sys.stdin.buffer)  # from the server, which is trusted
    except EOFError:
        return  # a spare whose server has gone
    answer = _validated(upload, max_triples)
    if answer is None:
        return  # out of memory: no answer is the answer
    kind, *fields = answer
    if kind == "report":
        fields, body = [fields[0].to_plain()], (fields[1] if len(fields) > 1 else b"")
    else:
        body = b""
    sys.stdout.buffer.write(replies.encode(kind, *fields, body=body))
    sys.stdout.buffer.flush()


def _validated(upload: Upload, max_triples: int) -> tuple | None:
    from .convert import MappingError
    from .pipeline import validated_report
    from .rdfio import to_graph

    try:
        if upload.spreadsheet:
            return ("report", _validated_spreadsheet(upload))
        quads = _quads(upload)
        if upload.publish_to:
            quads = _published_content(upload, quads)
        if not quads:  # as much a mistake as an empty file: not a pass
            if upload.publish_to:
                return ("user", "de invoer bevat geen triples; om een graaf te verwijderen gebruikt u DELETE")
            return ("user", f"{upload.source}: bevat geen triples; er is niets te valideren (is het het goede bestand en formaat?)")
        if len(quads) > max_triples:
            return ("too-many", len(quads))
        context = _background(upload) if upload.with_shipped else None
        report = validated_report(to_graph(quads), context, dict(upload.source_texts))
        if upload.publish_to:
            import pyoxigraph as ox

            return ("report", report, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return ("report", report)
    except RdfInputError as exc:
        return ("parse", exc.source, exc.reason, exc.line, exc.column)
    except MappingError as exc:
        return ("mapping", *exc.problems)
    except UserError as exc:
        return ("user", str(exc))
    except RecursionError:
        return ("failed", f"{upload.source}: de gegevens zijn te diep genest om te valideren / the data nests too "
                          "deeply to validate: flatten nested blank nodes and lists into nodes with their own IRI")
    except MemoryError:
        return None  # reported as the memory limit


def _published_content(upload: Upload, quads: list) -> list:
    """What the published graph will hold: the upload (after the graph's current content,
    for a POST), moved to the configured base, every triple in the graph."""
    from .settings import current_settings
    from .publish import in_graph
    from .rdfio import rebase

    existing = (_area(upload).read(upload.publish_to) or []) if upload.merge else []
    return in_graph(upload.publish_to, list(rebase(existing + quads, current_settings().base)))


def _area(upload: Upload):
    from .published import PublishedArea

    return PublishedArea(Path(upload.published_dir)) if upload.published_dir else PublishedArea.default()


def _background(upload: Upload):
    from .background import validation_background

    return validation_background(upload.replacing or upload.publish_to, area=_area(upload))


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
    if upload.parts:  # a multipart POST to /store: one document per part, each in its own format
        return [quad for data, media_type, name in upload.parts
                for quad in parse_quads(data, format_for(media_type=media_type), name)]
    fmt = format_for(upload.fmt_name, path=upload.source if not upload.fmt_name and not upload.media_type
                     else None, media_type=upload.media_type)
    return parse_quads(upload.data, fmt, upload.source)


if __name__ == "__main__":
    _child_main(int(sys.argv[1]), int(sys.argv[2]))
