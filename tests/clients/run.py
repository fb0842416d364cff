"""The generated-clients check: three TypeScript clients, generated from the served schema
with their default options, compiled under `tsc --strict` and run against a live server.

    .venv/bin/python tests/clients/run.py                 # what CI runs (make clients)
    .venv/bin/python tests/clients/run.py --url http://127.0.0.1:8000   # a server you run

1. `npm ci` from the committed lock (skipped when node_modules is already that lock's);
2. a database of its own (`bt_clients`, dropped afterwards) with the sample content, and
   gunicorn with production settings on 127.0.0.1 (as the contract run starts it);
3. `/api/schema/?format=json` from that server, then openapi-typescript (for
   openapi-fetch), orval (`--client fetch`) and @hey-api/openapi-ts, each with its
   default options, into `build/generated/`;
4. `tsc` with `strict` over the generated code and one small program per client
   (`openapi-fetch.ts`, `orval.ts`, `hey-api.ts`), written as a person would: no casts,
   no `any`, no `!`;
5. each program against the server: guides, a guide, register and log in, `/me/`, a
   journal entry written without its defaulted fields and read back, a calendar and a
   CSV export as text.

Without node or npm on the PATH it says so and exits 0. Exit status 0 only when every
client generated, compiled and ran.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from harness.database import (  # noqa: E402 - after the path is set
    create_database,
    database_url,
    drop_database,
    prepare_database,
)
from harness.server import Gunicorn, free_port, production_env  # noqa: E402
from tests.contract.run_schemathesis import UNTHROTTLED  # noqa: E402

PORTS = range(8150, 8160)
BUILD = HERE / "build"
GENERATED = BUILD / "generated"
BIN = HERE / "node_modules" / ".bin"
STAMP = HERE / "node_modules" / ".lock-sha256"
# The three generators, each with its default options; orval's default client is axios,
# and the one asked of it here is its fetch client.
GENERATORS = {
    "openapi-typescript": ["openapi-typescript", "build/schema.json", "-o", "{out}/schema.d.ts"],
    "orval": [
        "orval",
        "--input",
        "build/schema.json",
        "--output",
        "{out}/api.ts",
        "--client",
        "fetch",
    ],
    "hey-api": ["openapi-ts", "--input", "./build/schema.json", "--output", "{out}"],
}
PROGRAMS = ["openapi-fetch", "orval", "hey-api"]


def step(title: str) -> float:
    print(f"== clients: {title}", flush=True)
    return time.monotonic()


def run(command: list[str], **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=HERE, text=True, capture_output=True, check=False, **options)


def npm_ci() -> None:
    """`npm ci`, unless node_modules was installed from this very lock. The lock names
    no registry (`.npmrc`: `omit-lockfile-registry-resolved`); one that does is refused."""
    lock = (HERE / "package-lock.json").read_bytes()
    if b'"resolved"' in lock:
        raise SystemExit("tests/clients/package-lock.json has `resolved` URLs: see .npmrc.")
    digest = hashlib.sha256(lock).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    started = step("npm ci")
    result = run(["npm", "ci", "--no-audit", "--no-fund"])
    if result.returncode:
        raise SystemExit(f"npm ci failed:\n{result.stdout}{result.stderr}")
    STAMP.write_text(digest)
    print(f"== clients: npm ci in {time.monotonic() - started:.0f}s")


def generate(schema: bytes) -> list[str]:
    """Each generator on `schema`, at once; the names of those that failed."""
    shutil.rmtree(BUILD, ignore_errors=True)
    GENERATED.mkdir(parents=True)
    (BUILD / "schema.json").write_bytes(schema)
    started = step(f"generating {', '.join(GENERATORS)} from {len(schema):,} bytes of schema")
    processes = {
        name: subprocess.Popen(
            [
                str(BIN / command[0]),
                *(a.format(out=f"build/generated/{name}") for a in command[1:]),
            ],
            cwd=HERE,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for name, command in GENERATORS.items()
    }
    failed = []
    for name, process in processes.items():
        output, _ = process.communicate()
        if process.returncode or not any((GENERATED / name).rglob("*.ts")):
            print(f"== clients: {name} failed (exit {process.returncode}):\n{output}")
            failed.append(name)
    print(f"== clients: generated in {time.monotonic() - started:.0f}s")
    return failed


def compile_programs() -> bool:
    started = step("tsc --strict (tsconfig.json): the generated code and the programs")
    result = run([str(BIN / "tsc"), "--project", "tsconfig.json", "--pretty", "false"])
    print(result.stdout + result.stderr, end="")
    print(f"== clients: tsc exit {result.returncode} in {time.monotonic() - started:.0f}s")
    return result.returncode == 0


def run_programs(url: str) -> list[str]:
    failed = []
    for program in PROGRAMS:
        result = run(
            ["node", f"build/dist/{program}.js"], env={**os.environ, "API_URL": url}, timeout=120
        )
        print(result.stdout + result.stderr, end="")
        if result.returncode:
            print(f"== clients: {program} failed (exit {result.returncode})")
            failed.append(program)
    return failed


def check(url: str) -> int:
    with urllib.request.urlopen(f"{url}/api/schema/?format=json", timeout=30) as response:  # noqa: S310
        schema = response.read()
    failed = generate(schema)
    if not failed and not compile_programs():
        failed = ["tsc"]
    if not failed:
        failed = run_programs(url)
    passed = 0 if failed else len(PROGRAMS)
    print(f"clients: {passed} passed, {len(PROGRAMS) - passed} failed")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="A server already running (else one is started).")
    args = parser.parse_args(argv)
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        print(f"== clients: skipped, {' and '.join(missing)} not on the PATH")
        return 0
    started = time.monotonic()
    npm_ci()
    if args.url:
        status = check(args.url.rstrip("/"))
    else:
        database = database_url(os.environ.get("CLIENTS_DATABASE", "bt_clients"))
        create_database(database, fresh=True)
        env = production_env(database=database)
        try:
            step("a database with the sample content, and gunicorn")
            prepare_database(env)
            # Unthrottled as in the contract run: each program registers and logs in.
            with Gunicorn(
                port=free_port(PORTS),
                env={**env, **UNTHROTTLED},
                workers=2,
                log_path=BUILD.with_name("gunicorn.log"),
            ) as server:
                status = check(server.url)
        finally:
            drop_database(database)
    print(
        f"== clients: {'passed' if status == 0 else 'FAILED'} in {time.monotonic() - started:.0f}s"
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
