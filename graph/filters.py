"""Compiles :mod:`graph.criteria` into Cypher ``WHERE`` fragments plus parameters.

The fragments below are the only query text a filter can produce; a filter's values become
numbered parameters (``$f0``, ``$f1``…), and variable names are generated here too. Nothing a
client sends is ever written into the query.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, LiteralString, cast

from graph.criteria import ActorCriteria, CooperationCriteria, DateRange

TRUE: LiteralString = "true"

# "active on a date": started on or before it (or start unknown), not ended before it.
_PERIOD_COVERS = "({v}.since IS NULL OR {v}.since <= {d}) AND ({v}.until IS NULL OR {v}.until >= {d})"
# "active at some time within a range".
_PERIOD_OVERLAPS = "({v}.since IS NULL OR {v}.since <= {end}) AND ({v}.until IS NULL OR {v}.until >= {start})"
# The same with one end of the range open.
_STILL_ACTIVE = "{v}.until IS NULL OR {v}.until >= {start}"
_BEGUN = "{v}.since IS NULL OR {v}.since <= {end}"
_TYPE_IN = "{v}.type IN {p}"


class Compiler:
    """Collects parameters and fresh variable names while fragments are built."""

    def __init__(self, prefix: str = "f") -> None:
        self.params: dict[str, Any] = {}
        self._prefix = prefix
        self._n = 0
        self._vars = 0

    def param(self, value: Any) -> str:
        name = f"{self._prefix}{self._n}"
        self._n += 1
        self.params[name] = value
        return "$" + name

    def var(self, stem: str) -> str:
        self._vars += 1
        return f"{stem}_{self._vars}"

    # ---- actors ---------------------------------------------------------------------------

    def actor(self, c: ActorCriteria, a: str) -> LiteralString:
        """A predicate on actor variable ``a``; archived actors are out unless asked for."""
        parts = [self._actor_own(c, a)]
        if c.archived_only:
            parts.append(f"{a}.archived = true")
        elif not c.include_archived:
            parts.append(f"{a}.archived = false")
        return _and(parts)

    def actor_matched(self, c: ActorCriteria, a: str) -> LiteralString:
        """:meth:`actor` for the candidates :meth:`actor_match` found: an actor reached from the
        quarters is in one of them, so their condition is not checked again (an EXISTS per actor),
        unless it is bound to a day (``active_on``), which the match does not check."""
        if c.quarters is not None and c.active_on is None:
            c = replace(c, quarters=None)
        return self.actor(c, a)

    def actor_match(self, c: ActorCriteria, a: str) -> LiteralString:
        """The MATCH that finds candidate actors; a WHERE with :meth:`actor` must follow.

        With quarters at the top level, candidates come from the quarters' memberships
        instead of a scan of every actor (a quarter holds a few hundred of ten thousand).
        """
        if c.quarters is None:
            return cast(LiteralString, f"MATCH ({a}:Actor)")
        q = self.var("q")
        return cast(
            LiteralString,
            f"MATCH ({q}:Quarter)<-[:ACTIVE_IN]-({a}:Actor) WHERE {q}.slug IN {self.param(list(c.quarters))} "
            f"WITH DISTINCT {a}",
        )

    def cooperation_matched(self, c: CooperationCriteria, rel: str, x: str, y: str) -> LiteralString:
        """:meth:`cooperation` for the candidates :meth:`cooperation_match` found: one of their
        actors is in one of the quarters already, so that condition is not checked again (two
        EXISTS per cooperation, most of a quarter's page), unless both actors must be in them."""
        if c.quarters is not None and not c.both_in_quarters:
            c = replace(c, quarters=None)
        return self.cooperation(c, rel, x, y)

    def cooperation_match(self, c: CooperationCriteria, rel: str, x: str, y: str) -> LiteralString:
        """The MATCH that finds candidate cooperations; a WHERE with :meth:`cooperation` must follow.

        With quarters at the top level, candidates come from the quarters' actors instead of a
        scan of every cooperation; each is then bound once, its ends in its stored direction. The
        ends are taken from the tie (``startNode``/``endNode``) rather than matched again with
        their labels: every ``COOPERATES_WITH`` joins two ``:Actor`` nodes (each write creates it
        between two matched actors, and a merge deletes a duplicate's ties before it drops the
        label), and the second MATCH cost a label check at each end of every candidate (issue 16:
        12k of a large quarter's 72k db hits).
        """
        if c.quarters is None:
            return cast(LiteralString, f"MATCH ({x}:Actor)-[{rel}:COOPERATES_WITH]->({y}:Actor)")
        q, m = self.var("q"), self.var("a")
        return cast(
            LiteralString,
            f"MATCH ({q}:Quarter)<-[:ACTIVE_IN]-({m}:Actor)-[{rel}:COOPERATES_WITH]-() "
            f"WHERE {q}.slug IN {self.param(list(c.quarters))} WITH DISTINCT {rel} "
            f"WITH {rel}, startNode({rel}) AS {x}, endNode({rel}) AS {y}",
        )

    def _actor_own(self, c: ActorCriteria, a: str) -> str:
        parts: list[str] = []
        if c.ids is not None:
            parts.append(f"{a}.id IN {self.param(list(c.ids))}")
        if c.types is not None:
            parts.append(_TYPE_IN.format(v=a, p=self.param(list(c.types))))
        if c.quarters is not None or c.active_on is not None:
            m, q = self.var("m"), self.var("q")
            inner = []
            if c.quarters is not None:
                inner.append(f"{q}.slug IN {self.param(list(c.quarters))}")
            if c.active_on is not None:
                inner.append(_PERIOD_COVERS.format(v=m, d=self.param(c.active_on)))
            parts.append(f"EXISTS {{ MATCH ({a})-[{m}:ACTIVE_IN]->({q}:Quarter) WHERE {_and(inner)} }}")
        if c.action_fields is not None:
            f = self.var("f")
            parts.append(
                f"EXISTS {{ MATCH ({a})-[:WORKS_ON]->({f}:ActionField) "
                f"WHERE {f}.key IN {self.param(list(c.action_fields))} }}"
            )
        if c.text_tokens is not None:
            t = self.var("t")
            parts.append(f"all({t} IN {self.param(list(c.text_tokens))} WHERE {a}.searchKey CONTAINS {t})")
        if c.tags is not None:
            t = self.var("t")
            parts.append(f"any({t} IN {self.param(list(c.tags))} WHERE {t} IN {a}.tags)")
        if c.near is not None:
            origin = self.param({"latitude": c.near.latitude, "longitude": c.near.longitude})
            parts.append(f"point.distance({a}.location, point({origin})) <= {self.param(c.near.metres)}")
        if c.synthetic is not None:
            parts.append(f"{a}.synthetic = {self.param(c.synthetic)}")
        if c.has_cooperation is not None:
            parts.append(self._exists_cooperation(c.has_cooperation, a))
        if c.lacks_cooperation is not None:
            parts.append("NOT " + self._exists_cooperation(c.lacks_cooperation, a))
        parts += [self._actor_own(sub, a) for sub in c.all_of]
        if c.any_of:
            parts.append("(" + " OR ".join(self._actor_own(sub, a) for sub in c.any_of) + ")")
        if c.none_of is not None:
            parts.append(f"NOT ({self._actor_own(c.none_of, a)})")
        return _and(parts)

    def _exists_cooperation(self, c: CooperationCriteria, a: str) -> str:
        rel, other = self.var("c"), self.var("b")
        where = self.cooperation(c, rel, a, other)
        return f"EXISTS {{ MATCH ({a})-[{rel}:COOPERATES_WITH]-({other}:Actor) WHERE {where} }}"

    # ---- cooperations ---------------------------------------------------------------------

    def cooperation(self, c: CooperationCriteria, rel: str, x: str, y: str) -> LiteralString:
        """A predicate on cooperation ``rel`` between actors ``x`` and ``y`` (either direction)."""
        parts = [self._cooperation_own(c, rel, x, y)]
        if not c.include_archived:
            parts.append(f"{x}.archived = false AND {y}.archived = false")
        return _and(parts)

    def _cooperation_own(self, c: CooperationCriteria, rel: str, x: str, y: str) -> str:
        parts: list[str] = []
        if c.ids is not None:
            parts.append(f"{rel}.id IN {self.param(list(c.ids))}")
        if c.kinds is not None:
            parts.append(f"{rel}.kind IN {self.param(list(c.kinds))}")
        if c.action_fields is not None:
            t = self.var("t")
            parts.append(f"any({t} IN {rel}.actionFields WHERE {t} IN {self.param(list(c.action_fields))})")
        if c.active_on is not None:
            parts.append(_PERIOD_COVERS.format(v=rel, d=self.param(c.active_on)))
        if c.active_during is not None:
            parts.append(self._overlaps(rel, c.active_during))
        if c.started is not None:
            if c.started.start is not None:
                parts.append(f"{rel}.since >= {self.param(c.started.start)}")
            if c.started.end is not None:
                parts.append(f"{rel}.since <= {self.param(c.started.end)}")
        if c.quarters is not None:
            slugs = self.param(list(c.quarters))
            qx, qy = self.var("q"), self.var("q")
            in_x = f"EXISTS {{ MATCH ({x})-[:ACTIVE_IN]->({qx}:Quarter) WHERE {qx}.slug IN {slugs} }}"
            in_y = f"EXISTS {{ MATCH ({y})-[:ACTIVE_IN]->({qy}:Quarter) WHERE {qy}.slug IN {slugs} }}"
            parts.append(f"({in_x} AND {in_y})" if c.both_in_quarters else f"({in_x} OR {in_y})")
        if c.actor_types is not None:
            types = self.param(list(c.actor_types))
            parts.append(f"({_TYPE_IN.format(v=x, p=types)} OR {_TYPE_IN.format(v=y, p=types)})")
        if c.type_pair is not None:
            first, second = self.param([c.type_pair[0]]), self.param([c.type_pair[1]])
            straight = f"{_TYPE_IN.format(v=x, p=first)} AND {_TYPE_IN.format(v=y, p=second)}"
            crossed = f"{_TYPE_IN.format(v=x, p=second)} AND {_TYPE_IN.format(v=y, p=first)}"
            parts.append(f"(({straight}) OR ({crossed}))")
        if c.min_intensity is not None:
            parts.append(f"{rel}.intensity >= {self.param(c.min_intensity)}")
        if c.synthetic is not None:
            parts.append(f"{rel}.synthetic = {self.param(c.synthetic)}")
        parts += [self._cooperation_own(sub, rel, x, y) for sub in c.all_of]
        if c.any_of:
            parts.append("(" + " OR ".join(self._cooperation_own(sub, rel, x, y) for sub in c.any_of) + ")")
        if c.none_of is not None:
            parts.append(f"NOT ({self._cooperation_own(c.none_of, rel, x, y)})")
        return _and(parts)

    def _overlaps(self, v: str, r: DateRange) -> str:
        # An open end of the range is no condition (every date is within 0001–9999): without this,
        # ``current: true`` read every candidate's ``since`` only to compare it with 9999-12-31.
        if r.start is None and r.end is None:
            return TRUE
        if r.end is None:
            return _STILL_ACTIVE.format(v=v, start=self.param(r.start))
        if r.start is None:
            return _BEGUN.format(v=v, end=self.param(r.end))
        return _PERIOD_OVERLAPS.format(v=v, start=self.param(r.start), end=self.param(r.end))


def _and(parts: list[str]) -> LiteralString:
    # Every part is built from the constants above, generated names and $parameters only.
    kept = [p for p in parts if p and p != TRUE]
    return cast(LiteralString, " AND ".join(f"({p})" for p in kept) if kept else TRUE)
