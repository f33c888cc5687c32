"""The in-memory caches drop least recently used entries once their weights exceed the capacity
(the network cache weighs a network by its rows: many quarter networks fit where six whole ones do)."""

from __future__ import annotations

from core.services import LruCache


def test_entries_leave_by_weight_least_recently_used_first() -> None:
    cache = LruCache(10)
    cache.put("a", "A", weight=5)
    cache.put("b", "B", weight=5)
    assert (cache.get("a"), cache.get("b")) == ("A", "B")  # 10 of 10: both kept; "b" used last
    cache.put("c", "C", weight=3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, "B", "C")
    cache.put("b", "B2", weight=1)  # put again: its new weight counts, not both
    cache.put("d", "D", weight=6)
    assert (cache.get("b"), cache.get("c"), cache.get("d")) == ("B2", "C", "D")


def test_an_entry_heavier_than_the_whole_cache_is_still_kept_alone() -> None:
    cache = LruCache(10)
    cache.put("small", 1)
    cache.put("whole network", 2, weight=60_000)
    assert (cache.get("small"), cache.get("whole network")) == (None, 2)


def test_without_weights_it_counts_entries() -> None:
    cache = LruCache(2)
    for key in "xyz":
        cache.put(key, key.upper())
    assert [cache.get(k) for k in "xyz"] == [None, "Y", "Z"]
