"""Contract run: schemathesis against the live schema of a real gunicorn server.

    .venv/bin/python tests/contract/run_schemathesis.py            # what CI runs
    CONTRACT_MAX_EXAMPLES=500 .venv/bin/python tests/contract/run_schemathesis.py
    CONTRACT_MAX_TIME=1800 .venv/bin/python tests/contract/run_schemathesis.py
    CONTRACT_SEED=random .venv/bin/python tests/contract/run_schemathesis.py

It creates a database of its own (`bt_contract`, dropped afterwards) on the server the
project uses (`DATABASE_URL`, or the embedded PostgreSQL), migrates it, loads the sample
content, starts gunicorn with production settings on 127.0.0.1, registers a member
through the API, then runs every operation of `/api/schema/` twice: anonymously and with
the member's token. Exit status 0 only when both runs report no failure.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness.database import (  # noqa: E402 - after the path is set
    create_database,
    database_url,
    drop_database,
    prepare_database,
)
from harness.server import Gunicorn, free_port, post_json, production_env  # noqa: E402

PORTS = range(8140, 8150)
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "30"))
MAX_TIME = os.environ.get("CONTRACT_MAX_TIME", "")
# A fixed seed keeps CI's verdict reproducible; CONTRACT_SEED=random explores new data.
SEED = os.environ.get("CONTRACT_SEED", "20261126")
PHASES = os.environ.get("CONTRACT_PHASES", "examples,coverage,fuzzing,stateful")
# Every check but four, which judge what this API decides on purpose:
# - positive_data_acceptance: valid-looking input may still be refused for a reason the
#   schema cannot express (a wrong password, an email already taken, a slug not found).
# - missing_required_header: no operation declares a header parameter; auth is not one.
# - ignored_auth / use_after_free: they need credentials or resources schemathesis does
#   not have; the security tests cover these with real owners and strangers.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
    "allow_header_conformance",
    "ensure_resource_availability",
]
# The member's token must survive its own run: these would revoke it halfway through.
# They still run anonymously, where they must answer 401.
TOKEN_REVOKING_OPERATIONS = ["auth_logout", "auth_logout_all", "me_delete"]
# Generous rates: the run must exercise validation, not the throttles (tested elsewhere).
UNTHROTTLED = {
    f"THROTTLE_{scope}": "1000000/min"
    for scope in (
        "ANON",
        "USER",
        "LOGIN",
        "REGISTER",
        "PASSWORD_RESET",
        "PASSWORD_RESET_CONFIRM",
        "VERIFY_EMAIL",
        "VERIFICATION_MAIL",
        "NEWSLETTER_SUBSCRIBE",
        "NEWSLETTER_TOKEN",
    )
}


def register_member(base_url: str) -> str:
    """A new member (registration answers 202 whatever the address), then a token."""
    member = {
        "email": f"contract-{secrets.token_hex(4)}@example.com",
        "password": secrets.token_urlsafe(16),
        "display_name": "Contract Member",
    }
    for path, expected in (("register", 202), ("login", 200)):
        status, _, payload = post_json(f"{base_url}/api/v1/auth/{path}/", member)
        if status != expected:
            raise RuntimeError(f"{path} for the contract member failed: {status} {payload!r}")
    return json.loads(payload)["token"]


def schemathesis(base_url: str, label: str, report_dir: Path, *extra: str) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base_url}/api/schema/?format=json",
        "--url",
        base_url,
        "--phases",
        PHASES,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        os.environ.get("CONTRACT_WORKERS", "1"),
        "--request-timeout",
        "20",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "too_slow,filter_too_much",
        "--report",
        "junit",
        "--report-junit-path",
        str(report_dir / f"{label}.xml"),
        "--no-color",
        *extra,
    ]
    if MAX_TIME:
        command += ["--max-time", MAX_TIME]
    if SEED != "random":
        command += ["--seed", SEED]
    print(f"== schemathesis ({label})", flush=True)
    started = time.monotonic()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks", "PYTHONPATH": str(ROOT)}
    # schemathesis keeps its replay cache in the working folder: the report folder.
    returncode = subprocess.run(command, cwd=report_dir, env=env, check=False).returncode
    print(f"== schemathesis ({label}): exit {returncode} in {time.monotonic() - started:.0f}s")
    return returncode


def main() -> int:
    started = time.monotonic()
    url = database_url(os.environ.get("CONTRACT_DATABASE", "bt_contract"))
    create_database(url, fresh=True)
    env = production_env(database=url, **UNTHROTTLED)
    report_dir = Path(os.environ.get("CONTRACT_REPORT_DIR", tempfile.mkdtemp(prefix="contract-")))
    report_dir.mkdir(parents=True, exist_ok=True)
    try:
        prepare_database(env, sample_content=os.environ.get("CONTRACT_SAMPLE_CONTENT") != "0")
        server = Gunicorn(
            port=free_port(PORTS),
            env=env,
            workers=int(os.environ.get("CONTRACT_GUNICORN_WORKERS", "2")),
            log_path=report_dir / "gunicorn.log",
        )
        with server:
            token = register_member(server.url)
            results = {
                "anonymous": schemathesis(server.url, "anonymous", report_dir),
                "member": schemathesis(
                    server.url,
                    "member",
                    report_dir,
                    "--header",
                    f"Authorization: Token {token}",
                    *(f"--exclude-operation-id={op}" for op in TOKEN_REVOKING_OPERATIONS),
                ),
            }
        server_errors = [
            line for line in server.log_tail(100_000).splitlines() if "Traceback" in line
        ]
    finally:
        if not os.environ.get("CONTRACT_KEEP_DATABASE"):
            drop_database(url)
    print(
        f"== contract run: {results} in {time.monotonic() - started:.0f}s; reports in {report_dir}"
    )
    if server_errors:
        print(
            f"== gunicorn logged {len(server_errors)} traceback(s): see {report_dir}/gunicorn.log"
        )
    return 0 if not any(results.values()) and not server_errors else 1


if __name__ == "__main__":
    sys.exit(main())
