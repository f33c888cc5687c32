"""The GraphQL-over-HTTP audits of the npm package graphql-http, run against a real server.

Every MUST audit has to pass; SHOULD audits that warn are listed in the output (`-rA`) but do
not fail the test. The audit tool is installed from the npm registry by ``make test``
(tests/audits/package.json, exact versions, with its lock file).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import neo4j
import pytest

from bench.common import api_server
from graph.db import Neo4jSettings

AUDITS = Path(__file__).with_name("audits")


@pytest.mark.slow
def test_graphql_over_http_audits_pass(reference: neo4j.Driver, neo4j_settings: Neo4jSettings) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the graphql-http audits"
    assert (AUDITS / "node_modules" / "graphql-http").exists(), "run `make test` (it installs the audit tool)"
    with api_server(neo4j_settings) as base:
        done = subprocess.run(
            [node, str(AUDITS / "audit.mjs"), f"{base}/graphql"], capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) > 20
    failed = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] == "error"]
    warned = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] == "warn"]
    print(f"{len(results)} audits, {len(failed)} MUST failures, {len(warned)} SHOULD warnings")
    for line in warned:
        print("  warn:", line)
    assert failed == []
