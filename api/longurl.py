"""The HTTP protocol the service runs under uvicorn: httptools (llhttp, in C), with a
bound on the request head that answers 414 URI Too Long or 431 instead of reading on.

httptools collects a request head of any size: uvicorn would hold a 1 GB URL in memory.
This protocol counts the bytes of each request head before the parser sees them; once a
head passes MAX_REQUEST_HEAD_BYTES without ending, it stops parsing, reads the rest of the
head (up to a bound) and drops it, so the client, which is still sending, reads the
answer instead of a reset connection: 414 with the advice to POST the query, or 431 when
the headers rather than the URL are too large.

httptools rather than uvicorn's pure-Python h11: every request passes through the parser
and the response writer, and in C they cost a fraction of a millisecond less per request
(measured in docs/performance.md)."""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The request head a client may send: 64 KB holds any hand-written query by GET.
MAX_REQUEST_HEAD_BYTES = 64 * 1024
# How much of an oversized head is read (and dropped) so the client reads our answer.
MAX_DISCARD_BYTES = 64 * 1024 * 1024
URI_TOO_LONG = ("the URL is longer than {limit} KB; send a long SPARQL query with POST instead "
                "(Content-Type application/sparql-query, or a form with a 'query' field)")
HEADERS_TOO_LARGE = "the request headers are larger than {limit} KB"
END_OF_HEAD = b"\r\n\r\n"


class LongUrlProtocol(HttpToolsProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.access_log = False  # access_log.py writes the line after the response
        self._in_head = True  # the bytes coming are (still) a request head
        self._head_bytes = 0
        self._head_tail = b""  # the last bytes of the head so far: an end split between reads
        self._request_line_done = False
        self._discarding: tuple[int, str] | None = None
        self._discarded = 0

    def data_received(self, data: bytes) -> None:
        if self._discarding is None and self._in_head and self._head_too_large(data):
            status = 431 if self._request_line_done else 414
            self._discarding = (status, HEADERS_TOO_LARGE if status == 431 else URI_TOO_LONG)
        if self._discarding is not None:
            self._discard(data)
            return
        super().data_received(data)

    def _head_too_large(self, data: bytes) -> bool:
        """Whether the head, with `data`, passes the bound before it ends. Counted on the
        raw bytes, before the parser (which would collect them all) sees them. When it
        does, the tail is left as it was before `data`, for `_discard` to read `data` from."""
        window = self._head_tail + data
        end = window.find(END_OF_HEAD)
        length = self._head_bytes + (end + len(END_OF_HEAD) - len(self._head_tail) if end >= 0 else len(data))
        self._request_line_done = self._request_line_done or b"\r\n" in window
        if length > MAX_REQUEST_HEAD_BYTES:
            return True
        self._head_bytes, self._head_tail = length, window[-(len(END_OF_HEAD) - 1):]
        return False

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._head_tail, self._request_line_done = True, 0, b"", False

    def _discard(self, data: bytes) -> None:
        self._discarded += len(data)
        window = self._head_tail + data
        self._head_tail = window[-(len(END_OF_HEAD) - 1):]
        if (END_OF_HEAD in window or self._discarded > MAX_DISCARD_BYTES) and not self.transport.is_closing():
            status, template = self._discarding
            self._send_error(status, template.format(limit=MAX_REQUEST_HEAD_BYTES // 1024))

    def _send_error(self, status: int, message: str) -> None:
        body = json.dumps({"status": status, "error": "URL te lang" if status == 414 else "Headers te groot",
                           "message": message}).encode()
        self.transport.write(
            f"HTTP/1.1 {status} {'URI Too Long' if status == 414 else 'Request Header Fields Too Large'}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
            + body)
        self.transport.close()
