"""A throwaway `redis-server` for the live harness: on a loopback port of its own,
nothing kept on disk, so a run never shares keys (or an outage) with anyone."""

from __future__ import annotations

import shutil
import subprocess
import time

from harness.server import LOOPBACK, free_port, port_answers


def available() -> bool:
    return shutil.which("redis-server") is not None


class RedisServer:
    """redis-server on 127.0.0.1:`port`; `start()` waits until it answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://{LOOPBACK}:{port}/0"
        self.process: subprocess.Popen | None = None

    @classmethod
    def on_free_port(cls, candidates: range) -> RedisServer:
        return cls(free_port(candidates))

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", LOOPBACK),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_answers(self.port):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
