"""A static file server for the built site, on 127.0.0.1 and a free port.

Like the static hosts the book is published on, it sends text files (HTML, CSS,
JavaScript, SVG, JSON) gzip-compressed to browsers that accept it, so the bytes a
page transfers here are those a reader downloads. It also sends a ``LinkChecker``
header, LinkChecker's documented signal that it may check this (our own) server
at full speed instead of about three requests a second.
"""

from __future__ import annotations

import gzip
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache, partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


@lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """The gzip encoding of a file (cached; ``mtime_ns`` invalidates the entry)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class _StaticHandler(SimpleHTTPRequestHandler):
    """Serves files like a static host: gzip for text, quietly."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (the name http.server dispatches to)
        path = self.translate_path(self.path)
        content_type = self.guess_type(path)
        if (
            os.path.isfile(path)
            and "gzip" in self.headers.get("Accept-Encoding", "")
            and content_type.startswith(COMPRESSED_TYPES)
        ):
            body = _gzipped(path, os.stat(path).st_mtime_ns)
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that stops a download it no longer needs is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` over HTTP for the duration of the block.

    Yields the base URL, ending in a slash. The server listens on 127.0.0.1
    only, on a port the system chooses, and is shut down on exit.
    """
    server = _Server(("127.0.0.1", 0), partial(_StaticHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
