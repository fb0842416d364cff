"""`make run` as a newcomer uses it: Ctrl-C stops the server and the embedded PostgreSQL
it started, and the server leaves nothing behind in the home folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import pytest

from config import embedded_db
from harness.server import BASE_DIR, LOCAL_VARIABLES, caller_env, fetch, free_port

# The caller's make, pytest and database variables; `make run` starts from none of them.
DROPPED = LOCAL_VARIABLES | {
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
    "REDIS_URL",
}

MAKE = shutil.which("make") or "make"
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A copy of the project with its own (empty) .data/, sharing this run's .venv."""
    app = tmp_path / "app"
    shutil.copytree(
        BASE_DIR,
        app,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".data", "staticfiles", "media", "__pycache__", "*.egg-info"
        ),
    )
    (app / ".venv").symlink_to(BASE_DIR / ".venv")
    return app


def test_ctrl_c_on_make_run_stops_the_embedded_database(checkout, tmp_path):
    port = free_port(range(8260, 8290))
    env = caller_env(dropping=DROPPED)
    env["HOME"] = str(tmp_path)
    # The install and sample-content steps are covered elsewhere and slow; `-o` skips them.
    make = subprocess.Popen(
        [MAKE, "-o", ".venv/.installed", "-o", "sample", "run", f"PORT={port}"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    data_dir = checkout / ".data"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and make.poll() is None:
            with suppress(OSError):
                if fetch(f"http://127.0.0.1:{port}/healthz", timeout=1)[0] == 200:
                    break
            time.sleep(0.3)
        else:
            pytest.fail(f"make run did not serve:\n{make.communicate(timeout=5)[0]}")
        assert embedded_db.running(data_dir), "gunicorn starts the embedded PostgreSQL"

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        output = make.communicate(timeout=60)[0]

        assert not embedded_db.running(data_dir), output
        assert "embedded PostgreSQL stopped" in output
        # gunicorn's control socket would be shared by every instance of this user.
        assert not (tmp_path / ".gunicorn").exists()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()
        embedded_db.stop(data_dir)
