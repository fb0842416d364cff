"""The live harness that tests and benchmarks share: a production-like gunicorn
(`harness.server`) on a database of its own (`harness.database`)."""
