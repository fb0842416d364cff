"""A TCP proxy in front of the test database (or a Redis) that can be cut and restored,
or frozen and thawed, so a real server can lose its database mid-flight and get it back,
without stopping PostgreSQL for everyone else using it."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time

CHUNK = 65536


class SwitchableProxy:
    """Forwards 127.0.0.1:`port` to `upstream` (a (host, port) pair or a Unix socket
    path). `cut()` drops every open connection and closes the port, so new connections
    are refused at once; `restore()` opens it again. `freeze()` is a hung server: every
    connection stays open and new ones are accepted, but no byte is forwarded either
    way until `thaw()`."""

    def __init__(self, upstream: tuple[str, int] | str, port: int) -> None:
        self.upstream = upstream
        self.port = port
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.frozen = False

    def __enter__(self) -> SwitchableProxy:
        self.restore()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cut()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        self.frozen = False  # so that every pump wakes up to its closed sockets
        with self._lock:
            listener, self._listener = self._listener, None
            doomed, self._sockets = self._sockets, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def freeze(self) -> None:
        self.frozen = True

    def thaw(self) -> None:
        self.frozen = False

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.upstream, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect(self.upstream)
        return sock

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = self._connect_upstream()
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._sockets |= {client, server}
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        peers = {client: server, server: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while True:
                    if self.frozen:
                        time.sleep(0.05)
                        continue
                    for key, _ in selector.select(timeout=0.2):
                        data = key.fileobj.recv(CHUNK)
                        if not data:
                            return
                        peers[key.fileobj].sendall(data)
            except (OSError, ValueError):
                return
            finally:
                for sock in peers:
                    with contextlib.suppress(OSError):
                        sock.close()
                with self._lock:
                    self._sockets -= set(peers)
