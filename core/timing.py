"""Where a request's time goes: its phases, measured while it runs, for the ``Server-Timing``
header of the debug mode (``KIEZGRAPH_SERVER_TIMING=1``).

The measuring request puts a :class:`Timing` into :data:`CURRENT`; parse, validate and execute
(schema/timing.py), every database call (kiezgraph/lanes.py) and the encoding of the answer add
to it. Without one, every hook is a no-op.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Timing:
    phases: dict[str, float] = field(default_factory=dict)  # name → seconds, in the order first seen
    cypher_calls: int = 0

    def add(self, name: str, seconds: float) -> None:
        self.phases[name] = self.phases.get(name, 0.0) + seconds

    def header(self) -> str:
        """The ``Server-Timing`` value: one metric per phase, in milliseconds. ``cypher`` is the
        sum over the request's database calls (calls of one level overlap, so it can exceed the
        wall time of ``execute``, which contains it)."""
        metrics = []
        for name, seconds in self.phases.items():
            description = f';desc="{self.cypher_calls} calls"' if name == "cypher" else ""
            metrics.append(f"{name};dur={seconds * 1000:.2f}{description}")
        return ", ".join(metrics)


CURRENT: ContextVar[Timing | None] = ContextVar("kiezgraph_timing", default=None)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time the block as ``name`` if the current request measures itself."""
    timing = CURRENT.get()
    if timing is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timing.add(name, time.perf_counter() - start)
