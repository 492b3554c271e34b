"""FlakyProxy: a small HTTP forwarder that injects real failures between a store and its server."""

from __future__ import annotations

import http.client
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "content-length", "server", "date",
}  # fmt: skip


class FlakyProxy:
    """An HTTP forwarder on 127.0.0.1 that misbehaves on cue.

    `script(*actions, only=...)` queues one action per incoming request whose "METHOD path"
    contains `only`; other requests, and all once the queue is empty, are forwarded. (`only`
    keeps library side traffic, such as google-cloud-storage's background bucket-metadata
    fetch, from eating the script.) Actions: an HTTP status ("503", "403", "412": answered
    without forwarding), "drop" (close the connection without answering), "commit-then-503"
    (forward, so the server commits, then answer 503 as if the reply was lost).
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.seen: list[tuple[str, str, str]] = []  # (method, path, action)
        self._actions: deque[str] = deque()
        self._only = ""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _ProxyHandler)
        self._server.daemon_threads = True
        self._server.proxy = self  # type: ignore[attr-defined]
        serve = lambda: self._server.serve_forever(poll_interval=0.02)  # noqa: E731 - quick stop()
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def script(self, *actions: str, only: str = "") -> None:
        with self._lock:
            self._actions.extend(actions)
            self._only = only

    def take(self, method: str, path: str) -> str:
        with self._lock:
            scripted = self._actions and self._only in f"{method} {path}"
            action = self._actions.popleft() if scripted else "forward"
            self.seen.append((method, path, action))
            return action

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        body = self._read_body()
        action = self.server.proxy.take(self.command, self.path)  # type: ignore[attr-defined]
        if action == "drop":
            self.close_connection = True
            return
        if action.isdigit():
            self._reply(int(action), [], b"")
            return
        status, headers, payload = self._forward(body)
        if action == "commit-then-503":
            self._reply(503, [], b"")
            return
        self._reply(status, headers, payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length", 0))
        return self.rfile.read(length) if length else None

    def _forward(self, body: bytes | None) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.server.proxy.upstream, timeout=30)  # type: ignore[attr-defined]
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body or b"")))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def _reply(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
        self.send_response(status)
        length = str(len(payload))
        for name, value in headers:
            if name.lower() == "content-length" and self.command == "HEAD":
                length = value  # a HEAD reply announces the object's size, with no body
            elif name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", length)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
