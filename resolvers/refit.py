"""The suggestion model fitted on this deployment's own past year, in the background (issue 17, rule (a)).

After the suggestions' snapshot is built (resolvers/suggestions.py), the structure-only model is fitted
on it (analysis/learning.py: the pools of a year ago, labelled by the partners met since) in a worker
process of its own (core/services.OneProcess: started for the fit, gone after it, ended at shutdown),
and kept in ``services.models`` (core/latest.py). A process, not a thread: the fit is Python CPU, and on
a thread it held the GIL that requests need (a pool's median went from 10 to 15 ms during a fit). The
snapshot is sent as its arrays and rows (:func:`pack`), the fitted coefficients come back. A fit is CPU-heavy
(hundreds of pools), so it is bounded (at most ``refit.actors`` actors) and not repeated on every
write: it runs when there is none yet, when the day changed (the window moved), or when the snapshot's
revision moved and the last fit is older than ``refit.every`` seconds. :func:`served` gives the fitted
model while one is there for today's window, else the shipped default (also where the year held fewer
than ``refit.min_positives`` positive examples, and always with ``KIEZGRAPH_SUGGESTION_REFIT=0``).

Like the snapshot and the metrics, the fit is **per process**: each instance and each worker fits on
its own snapshot (the same data give the same fit: it is deterministic), so N workers spend N times
the CPU once an hour at most.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from analysis import learning
from analysis import suggestions as scoring
from analysis.candidates import Snapshot
from analysis.reasons import Words, described
from core.latest import Entry, Work
from core.services import Refit, Services
from graph import action_fields
from graph.db import Database
from graph.quarters import QuarterRecord

log = logging.getLogger(__name__)

MODEL = ("suggestions", "deployment model")
Nearby = Callable[[set[str], list[QuarterRecord]], set[str]]  # resolvers.suggestions.neighbouring


@dataclass(frozen=True)
class DeploymentFit:
    """One attempt to fit the model for ``day``'s window on the snapshot of a revision (the Entry's)."""

    day: dt.date
    fitted: learning.Fitted | None  # None: too few positives (or the fit failed), the shipped model serves
    reason: Words  # what it was fitted on, or why not (German and English: the logs, the model's description)
    model: scoring.Model | None  # the fitted model as the ranking takes it
    seconds: float  # how long the fit took


def due(kept: Entry | None, revision: int, today: dt.date, now: dt.datetime, every: float) -> bool:
    """Whether to fit (again) on the snapshot of ``revision``: no fit yet, another day, or the revision
    moved and the last fit is at least ``every`` seconds old."""
    if kept is None:
        return True
    if kept.value.day != today:
        return True
    return revision > kept.revision and (now - kept.computed_at).total_seconds() >= every


def keep_up(services: Services, db: Database, snapshot: Entry, nearby: Nearby) -> None:
    """Ask for a fit on ``snapshot`` in the background if one is due (cheap when none is)."""
    refit = services.refit
    if not refit.enabled:
        return
    kept = services.models.get(MODEL)
    if not due(kept, snapshot.revision, dt.date.today(), dt.datetime.now(dt.UTC), refit.every):
        return
    work = fit_work(db, services, snapshot, nearby)
    if kept is None:
        services.models.start(MODEL, work)
    else:
        services.models.refresh(MODEL, work)


def fit_work(db: Database, services: Services, snapshot: Entry, nearby: Nearby) -> Work:
    """How the model is brought up to date (core/latest.py): fit on ``snapshot`` if still due."""
    refit: Refit = services.refit

    async def work(kept: Entry | None) -> Entry | None:
        today = dt.date.today()
        if not due(kept, snapshot.revision, today, dt.datetime.now(dt.UTC), refit.every):
            return None
        catalogue = await services.catalogue.action_fields(lambda: action_fields.all_fields(db))
        related = {f.key: (f.key, *f.successors, *f.predecessors) for f in catalogue}
        found: Snapshot = snapshot.value
        started = time.monotonic()
        try:
            fitted, reason = await services.fitter.run(
                fit_packed,
                pack(found),
                today,
                nearby,
                related,
                learning.MIN_POSITIVES if refit.min_positives is None else refit.min_positives,
                learning.MAX_ACTORS if refit.actors is None else refit.actors,
            )
        except Exception as exc:  # the shipped model serves; the next due moment tries again
            log.exception("fitting the suggestion model failed")
            fitted, reason = None, described("FIT_FAILED", error=type(exc).__name__)
        seconds = time.monotonic() - started
        at = dt.datetime.now(dt.UTC)
        log.info("suggestion model for %s at revision %s (%.1f s): %s", today, snapshot.revision, seconds, reason.en)
        model = None if fitted is None else _model(fitted, reason, snapshot.revision, at)
        return Entry(DeploymentFit(today, fitted, reason, model, seconds), snapshot.revision, at)

    return work


Packed = tuple[dict[str, Any], ...]


def pack(found: Snapshot) -> Packed:
    """What the worker process needs of ``found`` to rebuild it, as one picklable value: its attributes
    (numpy arrays travel as raw buffers) without the lock and the derived day views, which the worker
    makes anew. Numbers and rows, not the 60,000 records the snapshot was built from."""
    state = {k: v for k, v in vars(found).items() if k not in _NOT_SENT}
    return (state,)


_NOT_SENT = frozenset({"_lock", "_days", "_carried"})


def unpack(packed: Packed) -> Snapshot:
    (state,) = packed
    found = Snapshot.__new__(Snapshot)
    found.__dict__.update(state)
    found._lock = threading.Lock()
    found._days = {}
    found._carried = {}
    return found


def fit(
    found: Snapshot,
    today: dt.date,
    nearby: Nearby,
    related: dict[str, tuple[str, ...]],
    min_positives: int,
    actors: int,
) -> tuple[learning.Fitted | None, Words]:
    """The fit itself (analysis/learning.py) on ``found`` for ``today``'s window."""
    return learning.learn(found, today, lambda focus: nearby(focus, found.quarters), related, min_positives, actors)


def fit_packed(
    packed: Packed,
    today: dt.date,
    nearby: Nearby,
    related: dict[str, tuple[str, ...]],
    min_positives: int,
    actors: int,
) -> tuple[learning.Fitted | None, Words]:
    """``fit`` in the worker process (core/services.OneProcess) on the snapshot ``pack`` sent."""
    return fit(unpack(packed), today, nearby, related, min_positives, actors)


def current(services: Services) -> tuple[DeploymentFit, Entry] | None:
    """The last fit and its entry (revision, when), if it is for today's window and per-deployment
    fitting is on."""
    kept = services.models.get(MODEL) if services.refit.enabled else None
    if kept is None or kept.value.day != dt.date.today():
        return None
    found: DeploymentFit = kept.value
    return found, kept


def served(services: Services) -> scoring.Model:
    """The model fitted on this deployment's year up to today, or the shipped default."""
    found = current(services)
    if found is None or found[0].model is None:
        return scoring.DEFAULT_MODEL
    return found[0].model


def _model(fitted: learning.Fitted, reason: Words, revision: int, at: dt.datetime) -> scoring.Model:
    # when and on what it was fitted, readable in the model's description (`trainedOn`) too
    said = described("FITTED_AT", said=reason, at=at, revision=str(revision))
    return scoring.Model.from_named(
        fitted.coefficients,
        fitted.intercept,
        said,
        kind="deployment",
        start=fitted.start,
        end=fitted.end,
        actors=fitted.actors,
        positives=fitted.positives,
    )
