"""Driver values to plain Python: neo4j temporal types become ``datetime`` objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import neo4j.time


def date_or_none(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def datetime_or_none(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"expected a datetime, got {type(value).__name__}")
