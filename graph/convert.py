"""Driver values to plain Python: neo4j temporal types become ``datetime`` objects.

Hot read paths project instants as epoch milliseconds and dates as ISO text: the driver's
hydration of temporal values costs about 0.1 ms each, which made it the largest cost of
returning a thousand partners (see bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import neo4j.time


def date_or_none(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str):  # projections send dates as ISO text: cheaper to decode
        return dt.date.fromisoformat(value)
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def datetime_or_none(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, int):  # projections send instants as epoch milliseconds: cheaper to decode
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"expected a datetime, got {type(value).__name__}")
