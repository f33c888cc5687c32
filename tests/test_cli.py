"""The run command end to end: serve, query over real HTTP, stop, and serve again on the same data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from kiezgraph.local_neo4j import free_port

COUNTS = "{ quarters { name } }"


def _serve_once(home: Path) -> tuple[list[str], str]:
    port, bolt = free_port(), free_port()
    env = {**os.environ, "PORT": str(port), "KIEZGRAPH_NEO4J_PORT": str(bolt), "KIEZGRAPH_NEO4J_HOME": str(home)}
    env.pop("NEO4J_URI", None)
    with subprocess.Popen(
        [sys.executable, "-m", "kiezgraph", "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as server:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 300  # an upper bound for a busy machine, not a speed goal
            while True:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                try:
                    if httpx.get(f"{base}/readyz", timeout=30).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the service did not become ready"
                time.sleep(0.3)
            page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=30)
            assert page.status_code == 200 and "graphiql" in page.text.lower()
            body = httpx.post(f"{base}/graphql", json={"query": COUNTS}, timeout=30).json()
        finally:
            server.send_signal(signal.SIGINT)
            out, _ = server.communicate(timeout=60)
            assert server.returncode == 0
    pid_file = home / "neo4j.pid"
    assert not pid_file.exists(), "the local Neo4j was not stopped"
    return [q["name"] for q in body["data"]["quarters"]], out.decode()


@pytest.mark.slow
def test_run_twice_on_the_same_data_keeps_one_of_each(tmp_path: Path) -> None:
    first, printed = _serve_once(tmp_path)
    second, _ = _serve_once(tmp_path)
    assert len(first) == 12 and "Rixdorf" in first
    assert second == first
    # A first-time user is told how to get an admin token.
    assert "kiezgraph token create --role admin" in printed
