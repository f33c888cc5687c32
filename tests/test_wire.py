"""Answers on the wire: encoded in slices where a list is long, one call otherwise, and in both
cases exactly the bytes of one ``orjson.dumps`` (kiezgraph/wire.py)."""

from __future__ import annotations

import orjson

from kiezgraph import wire


def test_answers_small_and_large_are_the_bytes_of_one_dumps() -> None:
    small = {"data": {"actor": {"id": "QWN0b3I6MQ", "name": "Kiezküche \u2028", "partners": [{"n": 1}, {"n": None}]}}}
    nodes = [{"id": str(i), "name": f"Akteur {i}", "weight": i / 3} for i in range(wire.SLICE * 2 + 7)]
    large = {"data": {"network": {"nodes": nodes, "edges": [], "json": None}}, "errors": [{"message": "x"}]}
    deep_and_long = {"data": {"a": [[{"b": list(range(wire.SLICE + 1))}]]}}  # a long list deeper than slices look
    for answer in (small, large, deep_and_long, {"data": None, "errors": []}):
        assert wire.encode(answer) == orjson.dumps(answer)
