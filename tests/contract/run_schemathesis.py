"""Contract run: schemathesis against the live schema of a real gunicorn server.

    .venv/bin/python tests/contract/run_schemathesis.py            # what CI runs
    CONTRACT_MAX_EXAMPLES=500 .venv/bin/python tests/contract/run_schemathesis.py
    CONTRACT_MAX_TIME=1800 .venv/bin/python tests/contract/run_schemathesis.py
    CONTRACT_SEED=random .venv/bin/python tests/contract/run_schemathesis.py
    .venv/bin/python tests/contract/run_schemathesis.py --production   # phase 2 only (CI)
    .venv/bin/python tests/contract/run_schemathesis.py --fuzz-minutes 20   # make fuzz

It creates a database of its own (`bt_contract`, dropped afterwards) on the server the
project uses (`DATABASE_URL`, or the embedded PostgreSQL), migrates it, loads the sample
content, starts gunicorn with production settings on 127.0.0.1, registers a member
through the API, then runs every operation of `/api/schema/`:

1. with the throttles raised out of the way (the run must reach validation), worker
   recycling off and the database cache: anonymously, as the member (every operation
   but the two sign-outs, which would end the member's token halfway, and the
   deprecated `DELETE /me/`), then the sign-outs and `POST /me/delete/` as a second
   member;
2. with CONTRACT_PRODUCTION=1 (after phase 1) or `--production` (alone, as CI runs
   it), as in production: the shipped throttles and worker recycling, Redis as the
   cache and throttle store, a shorter run (CONTRACT_PRODUCTION_MAX_EXAMPLES),
   anonymous and member. 429s are then answers like any other, and must match the
   schema. The Redis is CONTRACT_REDIS_URL's (keys under a prefix of this run's own,
   so earlier runs' counts do not carry over), else a `redis-server` of its own;
   without either the phase is skipped.

CI keeps a fixed seed, so its verdict is reproducible. `--fuzz-minutes N` (`make fuzz`)
runs phase 1 over and over with a new random seed each round until N minutes are
spent, then lists every failure with its curl reproduction. Exit status 0 only when no
run reported a failure and gunicorn logged no traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness import redis as redis_harness  # noqa: E402 - after the path is set
from harness.database import (  # noqa: E402
    create_database,
    database_url,
    drop_database,
    prepare_database,
)
from harness.server import Gunicorn, free_port, post_json, production_env  # noqa: E402

PORTS = range(8140, 8150)
REDIS_PORTS = range(8370, 8380)
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "30"))
PRODUCTION_MAX_EXAMPLES = int(os.environ.get("CONTRACT_PRODUCTION_MAX_EXAMPLES", "10"))
MAX_TIME = os.environ.get("CONTRACT_MAX_TIME", "")
# A fixed seed keeps CI's verdict reproducible; CONTRACT_SEED=random explores new data.
SEED = os.environ.get("CONTRACT_SEED", "20261126")
PHASES = os.environ.get("CONTRACT_PHASES", "examples,coverage,fuzzing,stateful")
# Phase 2 leaves out the coverage phase (boundary values, the same schema and code as
# phase 1's), so the production-like run stays short; 429s come up while fuzzing.
PRODUCTION_PHASES = os.environ.get("CONTRACT_PRODUCTION_PHASES", "examples,fuzzing,stateful")
# Every check but three:
# - positive_data_acceptance runs as `positive_data_acceptance_with_reasons`
#   (tests/contract/hooks.py): the same check, but a refusal for a reason no schema can
#   state (a wrong password, a token the server never signed, a slug that does not
#   exist) passes; each such reason is listed there and shown in test_hooks.py.
# - missing_required_header: no operation declares a header parameter; auth is not one.
# - ignored_auth / use_after_free: they need credentials or resources schemathesis does
#   not have; the security tests cover these with real owners and strangers.
CHECKS = [
    "not_a_server_error",
    "positive_data_acceptance_with_reasons",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
    "allow_header_conformance",
    "ensure_resource_availability",
]
# These end the token they are sent with: the member run leaves them out, and a second
# member, whose token may end, runs them (with `DELETE /me/`, which needs a password
# schemathesis never guesses, so that member survives it).
SIGN_OUT_OPERATIONS = ["auth_logout", "auth_logout_all"]
REVOKING_OPERATIONS = [*SIGN_OUT_OPERATIONS, "me_delete"]
# `DELETE /me/`, deprecated for `POST /me/delete/` (`me_delete`, in the member run): it
# takes the password in a DELETE body, which OpenAPI 3.0 cannot describe, so every
# request schemathesis makes lacks it. It runs anonymously (401).
MEMBER_EXCLUDED = [*SIGN_OUT_OPERATIONS, "me_destroy"]
# Generous rates for phase 1: it must exercise validation, not the throttles.
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
GENERATED = re.compile(r"^\s*(\d+) generated")


@dataclass
class Outcome:
    label: str
    returncode: int
    seed: str
    generated: int = 0
    failures: list[str] = field(default_factory=list)  # the failure blocks, with curl


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


def _failure_blocks(lines: list[str]) -> list[str]:
    """The report's failure sections (`___ GET /path ___` up to the next one)."""
    blocks, current = [], None
    for line in lines:
        if re.match(r"^_{3,} .+ _{3,}$", line):
            current = [line]
            blocks.append(current)
        elif re.match(r"^={3,}", line):
            current = None
        elif current is not None:
            current.append(line)
    return ["\n".join(block).rstrip() for block in blocks if any("curl " in x for x in block)]


def schemathesis(
    base_url: str,
    label: str,
    report_dir: Path,
    *extra: str,
    seed: str = SEED,
    max_examples: int = MAX_EXAMPLES,
    max_time: str = MAX_TIME,
    phases: str = PHASES,
) -> Outcome:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base_url}/api/schema/?format=json",
        "--url",
        base_url,
        "--phases",
        phases,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(max_examples),
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
    if max_time:
        command += ["--max-time", str(max_time)]
    if seed != "random":
        command += ["--seed", seed]
    print(f"== schemathesis ({label}, seed {seed})", flush=True)
    started = time.monotonic()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.contract.hooks", "PYTHONPATH": str(ROOT)}
    # schemathesis keeps its replay cache in the working folder: the report folder.
    process = subprocess.Popen(
        command,
        cwd=report_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    outcome = Outcome(label, process.wait(), seed, failures=_failure_blocks(lines))
    outcome.generated = sum(int(m.group(1)) for line in lines if (m := GENERATED.match(line)))
    print(
        f"== schemathesis ({label}): exit {outcome.returncode} in "
        f"{time.monotonic() - started:.0f}s, {outcome.generated} test cases"
    )
    return outcome


def _member_runs(server: Gunicorn, report_dir: Path, tag: str, **options) -> list[Outcome]:
    token = register_member(server.url)
    return [
        schemathesis(server.url, f"anonymous{tag}", report_dir, **options),
        schemathesis(
            server.url,
            f"member{tag}",
            report_dir,
            "--header",
            f"Authorization: Token {token}",
            *(f"--exclude-operation-id={op}" for op in MEMBER_EXCLUDED),
            **options,
        ),
    ]


def _revoking_run(server: Gunicorn, report_dir: Path) -> Outcome:
    token = register_member(server.url)
    return schemathesis(
        server.url,
        "member-signing-out",
        report_dir,
        "--header",
        f"Authorization: Token {token}",
        *(f"--include-operation-id={op}" for op in REVOKING_OPERATIONS),
        max_examples=min(MAX_EXAMPLES, 10),
    )


def _tracebacks(server: Gunicorn) -> int:
    return sum("Traceback" in line for line in server.log_tail(1_000_000).splitlines())


def contract(env: dict[str, str], report_dir: Path) -> tuple[list[Outcome], int]:
    """Phase 1 with the fixed seed, then (CONTRACT_PRODUCTION=1) phase 2."""
    outcomes, tracebacks = [], 0
    with Gunicorn(
        port=free_port(PORTS),
        env={**env, **UNTHROTTLED},
        workers=int(os.environ.get("CONTRACT_GUNICORN_WORKERS", "2")),
        log_path=report_dir / "gunicorn.log",
    ) as server:
        outcomes += _member_runs(server, report_dir, "")
        outcomes.append(_revoking_run(server, report_dir))
    tracebacks += _tracebacks(server)
    if os.environ.get("CONTRACT_PRODUCTION", "0") == "1":
        more, more_tracebacks = production(env, report_dir)
        outcomes += more
        tracebacks += more_tracebacks
    return outcomes, tracebacks


def production(env: dict[str, str], report_dir: Path) -> tuple[list[Outcome], int]:
    """Phase 2: the shipped throttles and recycling, Redis as cache and throttle store."""
    if url := os.environ.get("CONTRACT_REDIS_URL"):
        redis = contextlib.nullcontext(url)
        # A prefix of this run's own: no key (a throttle count) of an earlier run applies.
        env = {**env, "CACHE_KEY_PREFIX": f"contract-{secrets.token_hex(4)}"}
    elif redis_harness.available():
        redis = _own_redis()
    else:
        print("== no CONTRACT_REDIS_URL and no redis-server: the production phase is skipped")
        return [], 0
    with redis as redis_url:
        server = Gunicorn(
            port=free_port(PORTS),
            env={**env, "REDIS_URL": redis_url},
            workers=2,
            log_path=report_dir / "gunicorn-production.log",
        )
        server.env.pop("GUNICORN_MAX_REQUESTS")  # recycling as shipped
        with server:
            outcomes = _member_runs(
                server,
                report_dir,
                "-production",
                max_examples=PRODUCTION_MAX_EXAMPLES,
                phases=PRODUCTION_PHASES,
            )
    return outcomes, _tracebacks(server)


@contextlib.contextmanager
def _own_redis():
    with redis_harness.RedisServer.on_free_port(REDIS_PORTS) as redis:
        yield redis.url


def fuzz(env: dict[str, str], report_dir: Path, minutes: float) -> tuple[list[Outcome], int]:
    """Phase 1 again and again, a random seed each round, for `minutes`."""
    deadline = time.monotonic() + minutes * 60
    outcomes = []
    with Gunicorn(
        port=free_port(PORTS),
        env={**env, **UNTHROTTLED},
        workers=int(os.environ.get("CONTRACT_GUNICORN_WORKERS", "2")),
        log_path=report_dir / "gunicorn.log",
    ) as server:
        round_number = 0
        while (left := deadline - time.monotonic()) > 30:
            round_number += 1
            seed = str(random.SystemRandom().randrange(1, 2**31))
            print(f"== fuzz round {round_number}: seed {seed}, {left / 60:.1f} min left")
            outcomes += _member_runs(
                server,
                report_dir,
                f"-{round_number}",
                seed=seed,
                max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", "100")),
                # Each run gets at most half of what is left, so the total holds.
                max_time=str(max(30, int(left / 2))),
            )
    return outcomes, _tracebacks(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="schemathesis against a live gunicorn.")
    parser.add_argument(
        "--fuzz-minutes",
        type=float,
        default=None,
        help="Random seeds, round after round, for this long (make fuzz).",
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="Only the production-like phase: shipped throttles, recycling, Redis.",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    url = database_url(os.environ.get("CONTRACT_DATABASE", "bt_contract"))
    create_database(url, fresh=True)
    env = production_env(database=url)
    report_dir = Path(os.environ.get("CONTRACT_REPORT_DIR", tempfile.mkdtemp(prefix="contract-")))
    report_dir.mkdir(parents=True, exist_ok=True)
    try:
        prepare_database(env, sample_content=os.environ.get("CONTRACT_SAMPLE_CONTENT") != "0")
        if args.fuzz_minutes:
            outcomes, tracebacks = fuzz(env, report_dir, args.fuzz_minutes)
        elif args.production:
            outcomes, tracebacks = production(env, report_dir)
        else:
            outcomes, tracebacks = contract(env, report_dir)
    finally:
        if not os.environ.get("CONTRACT_KEEP_DATABASE"):
            drop_database(url)

    failed = [outcome for outcome in outcomes if outcome.returncode]
    generated = sum(outcome.generated for outcome in outcomes)
    print(
        f"== contract run: {len(outcomes)} schemathesis runs, {generated} test cases, "
        f"{len(failed)} failed, in {time.monotonic() - started:.0f}s; reports in {report_dir}"
    )
    for outcome in failed:
        print(f"== failures of {outcome.label} (seed {outcome.seed}, exit {outcome.returncode}):")
        for block in outcome.failures:
            print(block)
    if args.fuzz_minutes:
        seeds = sorted({outcome.seed for outcome in outcomes})
        print(f"== fuzz: {len(seeds)} rounds, seeds {', '.join(seeds)}")
    if tracebacks:
        print(f"== gunicorn logged {tracebacks} traceback(s): see {report_dir}/gunicorn*.log")
    return 0 if not failed and not tracebacks else 1


if __name__ == "__main__":
    sys.exit(main())
