"""The local Neo4j never outlives the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiezgraph.local_neo4j import free_port

STARTER = """
import sys, pathlib
from kiezgraph.local_neo4j import LocalNeo4j
server = LocalNeo4j(pathlib.Path(sys.argv[1]), port=int(sys.argv[2]), heap="256m", pagecache="32m")
server.start()
print(server.pid, flush=True)
sys.stdin.read()  # wait to be killed
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is as good as gone
        return stat.read().split()[2] != "Z"


@pytest.mark.slow
def test_the_jvm_dies_when_its_starter_is_killed(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", STARTER, str(tmp_path), str(free_port())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as starter:
        assert starter.stdout is not None
        jvm = int(starter.stdout.readline())
        assert _alive(jvm)
        starter.send_signal(signal.SIGKILL)  # no cleanup code runs in the starter
        starter.wait()
    deadline = time.monotonic() + 60
    while _alive(jvm) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(jvm), "the JVM outlived the process that started it"
