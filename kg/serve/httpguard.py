"""uvicorn's httptools protocol with a bound on the request head: size and time to receive it.

uvicorn 0.54 has neither: `timeout_keep_alive` only runs *between* requests, so a client that
connects and sends nothing, or sends its headers one byte every few seconds (slowloris), holds the
connection forever; and httptools accepts headers of any size. Here each request head (request line
and headers) must arrive within `head_timeout` seconds of the connection opening or of its first byte,
and must not exceed `max_head_bytes`; otherwise the client gets 408 or 431 and the connection is closed.
"""

from __future__ import annotations

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_TIMEOUT = 10.0
MAX_HEAD_BYTES = 16 * 1024


class _HeadTooLarge(Exception):
    pass


def _simple_response(status: int, reason: str, msg: str) -> bytes:
    body = msg.encode("ascii")
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("ascii") + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    head_timeout: float = HEAD_TIMEOUT
    max_head_bytes: int = MAX_HEAD_BYTES

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_bytes = 0  # request line + headers of the current head, as parsed
        self._raw = 0  # bytes received while a head is incomplete (bounds a huge unfinished header too)
        self._in_head = True
        self._head_timer = None
        self._arm_head_timer()  # a client that connects and sends nothing is closed too

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.write(_simple_response(408, "Request Timeout",
                                                  f"request head not received within {self.head_timeout:g} s\n"))
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self._in_head:
            self._raw += len(data)
        try:
            self.parser.feed_data(data)
            if self._in_head and self._raw > self.max_head_bytes:
                raise _HeadTooLarge()
        except _HeadTooLarge:
            self._too_large()
        except httptools.HttpParserError as e:
            if isinstance(e.__context__, _HeadTooLarge):
                self._too_large()
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()

    def _too_large(self) -> None:
        self._reject(431, "Request Header Fields Too Large", f"request head exceeds {self.max_head_bytes} bytes\n")

    def _reject(self, status: int, reason: str, msg: str) -> None:
        self._cancel_head_timer()
        if not self.transport.is_closing():
            self.transport.write(_simple_response(status, reason, msg))
            self.transport.close()

    def _count(self, n: int) -> None:
        self._head_bytes += n
        if self._head_bytes > self.max_head_bytes:
            raise _HeadTooLarge()

    # parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._arm_head_timer()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_head, self._raw = True, 0  # what follows is the next request's head
        super().on_message_complete()
