"""The per-deployment fit in a worker process of its own (resolvers/refit.py, core/services.OneProcess):
the snapshot sent there compactly gives the same model as a fit in this process, the worker is gone
after the fit, and stopping (the app's shutdown) ends a running fit's process at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import pickle
import time

import pytest

from bench import replica
from core.services import OneProcess
from resolvers import refit
from resolvers import suggestions as resolver
from tests.test_refit import NETWORK, TODAY

# the refit's own settings in small: few actors, a low bar of positives, so that a fit is made
ACTORS, MIN_POSITIVES = 60, 10


def children() -> set[int]:
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def test_a_fit_in_the_worker_process_gives_the_model_of_a_fit_here() -> None:
    snapshot = replica.snapshot_of(NETWORK)
    related = {f: (f,) for f in sorted({f for a in snapshot.actors for f in a.action_fields})}
    here = refit.fit(snapshot, TODAY, resolver.neighbouring, related, MIN_POSITIVES, ACTORS)
    before = children()
    worker = OneProcess()
    there = asyncio.run(
        worker.run(refit.fit_packed, refit.pack(snapshot), TODAY, resolver.neighbouring, related, MIN_POSITIVES, ACTORS)
    )
    fitted, reason = there
    assert fitted is not None and here[0] is not None, here[1].en
    assert fitted == here[0] and reason == here[1]
    assert fitted.positives >= MIN_POSITIVES and any(v > 0 for v in fitted.coefficients.values())
    assert children() <= before  # the worker went with its job


def test_the_snapshot_travels_as_its_arrays_and_rebuilds_to_the_same_answers() -> None:
    snapshot = replica.snapshot_of(NETWORK)
    sent = pickle.dumps(refit.pack(snapshot), protocol=pickle.HIGHEST_PROTOCOL)
    rebuilt = refit.unpack(pickle.loads(sent))
    actor = sorted(snapshot.ids)[len(snapshot.ids) // 2]
    day = dt.date(2024, 6, 1)
    assert rebuilt.neighbourhood(actor, day) == snapshot.neighbourhood(actor, day)
    assert rebuilt.new_partners(day, TODAY) == snapshot.new_partners(day, TODAY)
    # what it needs, not what it derived: the day views are made anew where the fit runs
    snapshot.day(day)
    assert len(pickle.dumps(refit.pack(snapshot), protocol=pickle.HIGHEST_PROTOCOL)) == len(sent)


def test_the_worker_runs_at_a_lower_priority_than_the_service() -> None:
    assert asyncio.run(OneProcess().run(os.nice, 0)) == min(19, os.nice(0) + 10)  # 19: the lowest
    assert asyncio.run(OneProcess(nice=0).run(os.nice, 0)) == os.nice(0)


def test_stopping_ends_a_running_job_and_its_process() -> None:
    async def scenario() -> None:
        worker = OneProcess()
        before = children()
        job = asyncio.ensure_future(worker.run(time.sleep, 600))  # a job that would run for ten minutes
        deadline = time.monotonic() + 60
        while not children() - before:  # wait for the worker process to be there
            assert time.monotonic() < deadline, "no worker process within a minute"
            await asyncio.sleep(0.05)
        started = children() - before
        worker.stop()
        with pytest.raises(Exception):  # noqa: B017, PT011 — the pool reports its ended worker as broken
            await asyncio.wait_for(job, 60)
        assert not (children() & started)
        with pytest.raises(RuntimeError):  # stopped for good: the app is shutting down
            await worker.run(time.sleep, 0)

    asyncio.run(scenario())
