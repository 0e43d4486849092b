"""414 URI Too Long instead of a reset connection.

uvicorn's h11 parser gives up when a request's head passes its buffer limit and closes
the connection at once; the client is still sending (a 1 MB query string), so the kernel
answers the unread bytes with a reset and the client never sees a status. This protocol
reads the oversized request head to its end (up to a bound), discarding it, then answers
414 with the advice to POST the query, or 431 when the headers rather than the URL are
too large."""

from __future__ import annotations

import json

from uvicorn.protocols.http.h11_impl import H11Protocol

# The request head a client may send: 64 KB holds any hand-written query by GET.
MAX_REQUEST_HEAD_BYTES = 64 * 1024
# How much of an oversized head is read (and dropped) so the client reads our answer.
MAX_DISCARD_BYTES = 64 * 1024 * 1024
URI_TOO_LONG = ("the URL is longer than {limit} KB; send a long SPARQL query with POST instead "
                "(Content-Type application/sparql-query, or a form with a 'query' field)")
HEADERS_TOO_LARGE = "the request headers are larger than {limit} KB"


class LongUrlH11Protocol(H11Protocol):
    def __init__(self, config, *args, **kwargs):
        config.h11_max_incomplete_event_size = MAX_REQUEST_HEAD_BYTES
        super().__init__(config, *args, **kwargs)
        self._discarding: tuple[int, str] | None = None
        self._discarded = 0
        self._tail = b""

    def data_received(self, data: bytes) -> None:
        if self._discarding is not None:
            self._discard(data)
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        # h11 refused the request; when its head is merely too long, answer what is wrong.
        buffered, _ = self.conn.trailing_data
        if len(buffered) > MAX_REQUEST_HEAD_BYTES and b"\r\n\r\n" not in buffered:
            status = 414 if b"\r\n" not in buffered else 431
            self._discarding = (status, URI_TOO_LONG if status == 414 else HEADERS_TOO_LARGE)
            self._tail = buffered[-3:]
            return
        super().send_400_response(msg)

    def _discard(self, data: bytes) -> None:
        self._discarded += len(data)
        window = self._tail + data
        self._tail = window[-3:]
        if b"\r\n\r\n" in window or self._discarded > MAX_DISCARD_BYTES:
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
