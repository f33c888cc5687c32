"""What every resolver gets per request: the database and request-scoped DataLoaders.

Loaders batch every lookup made in one tick of the event loop into one Cypher query, so a
nested GraphQL selection costs one round trip per level, whatever the number of objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from core.access import PUBLIC, Principal
from core.catalogue import Catalogue
from core.messages import DEFAULT, Language, negotiate
from core.services import Services
from graph import action_fields, actors, cooperations, persons, projects, quarters
from graph.action_fields import ActionFieldRecord
from graph.actors import ActorRecord, MembershipRecord, QuarterTie
from graph.cooperations import CooperationPage, CooperationRecord, PartnerPage
from graph.criteria import CooperationCriteria
from graph.db import Consistency, Database
from graph.pagination import Page
from graph.persons import PersonRecord
from graph.projects import DecisionRecord, ProjectCriteria, ProjectPage, ProjectRecord
from graph.quarters import QuarterRecord

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
G = TypeVar("G", bound=Hashable)


def by_key(fetch: Callable[[Sequence[K]], Awaitable[dict[K, V]]], missing: V | None = None) -> DataLoader[K, V | None]:
    """N lookups in one tick → one ``fetch`` of N keys."""

    async def load(keys: list[K]) -> list[V | None]:
        found = await fetch(keys)
        return [found.get(key, missing) for key in keys]

    return DataLoader(load_fn=load)


def by_key_and_args(
    fetch: Callable[[Sequence[str], G], Awaitable[dict[str, V]]],
) -> DataLoader[tuple[str, G], V]:
    """Like :func:`by_key` for keys ``(id, args)``: one ``fetch`` per distinct ``args``."""

    async def load(keys: list[tuple[str, G]]) -> list[V]:
        groups: dict[G, list[str]] = defaultdict(list)
        for key_id, args in keys:
            groups[args].append(key_id)
        results: dict[tuple[str, G], V] = {}
        for args, ids in groups.items():
            for key_id, value in (await fetch(list(dict.fromkeys(ids)), args)).items():
                results[(key_id, args)] = value
        return [results[key] for key in keys]

    return DataLoader(load_fn=load)


def _forget(loader: DataLoader[Any, Any], key: Any) -> None:
    with contextlib.suppress(KeyError):  # strawberry's loader raises for keys it never cached
        loader.clear(key)


CooperationArgs = tuple[CooperationCriteria, Page]
# … and the partners' columns, and whether the cooperations to each are read
PartnerArgs = tuple[CooperationCriteria, Page, frozenset[str], bool]
# An actor's projects: its role in them (None: either), the filter, the page
ActorProjectArgs = tuple[str | None, ProjectCriteria, Page]


@dataclass
class Loaders:
    db: Database
    # Shared with other requests; without one (tests, scripts) every request reads anew.
    catalogue: Catalogue | None = None
    _action_fields: asyncio.Future[list[ActionFieldRecord]] | None = field(default=None, init=False)

    # Each loader is built when a resolver first asks for it: a request uses two or three of the
    # fourteen, and building all of them was ~1 % of an actor detail's CPU (issue 16).
    @functools.cached_property
    def quarter_by_id(self) -> DataLoader[str, QuarterRecord | None]:
        return by_key(lambda ids: quarters.by_ids(self.db, ids))

    @functools.cached_property
    def quarter_by_slug(self) -> DataLoader[str, QuarterRecord | None]:
        return by_key(lambda slugs: quarters.by_slugs(self.db, slugs))

    @functools.cached_property
    def actor_by_id(self) -> DataLoader[str, ActorRecord | None]:
        return by_key(lambda ids: actors.by_ids(self.db, ids))

    @functools.cached_property
    def cooperation_by_id(self) -> DataLoader[str, CooperationRecord | None]:
        return by_key(lambda ids: cooperations.by_ids(self.db, ids))

    @functools.cached_property
    def memberships(self) -> DataLoader[str, list[MembershipRecord] | None]:
        return by_key(self._memberships, missing=[])

    @functools.cached_property
    def quarter_ties(self) -> DataLoader[str, list[QuarterTie] | None]:  # for access decisions
        return by_key(lambda ids: actors.quarter_ties(self.db, ids), missing=[])

    @functools.cached_property
    def cooperation_counts(self) -> DataLoader[str, tuple[int, int] | None]:
        return by_key(lambda ids: actors.cooperation_counts(self.db, ids), missing=(0, 0))

    @functools.cached_property
    def key_organisations(self) -> DataLoader[str, list[tuple[ActorRecord, MembershipRecord]] | None]:
        return by_key(lambda ids: actors.key_organisations(self.db, ids), missing=[])

    @functools.cached_property
    def persons(self) -> DataLoader[str, list[PersonRecord] | None]:
        return by_key(lambda ids: persons.of_actors(self.db, ids), missing=[])

    @functools.cached_property
    def partners(self) -> DataLoader[tuple[str, PartnerArgs], PartnerPage]:
        return by_key_and_args(lambda ids, args: cooperations.partners_of(self.db, ids, *args))

    @functools.cached_property
    def cooperations_of(self) -> DataLoader[tuple[str, CooperationArgs], CooperationPage]:
        return by_key_and_args(lambda ids, args: cooperations.of_actors(self.db, ids, *args))

    @functools.cached_property
    def project_by_id(self) -> DataLoader[str, ProjectRecord | None]:
        return by_key(lambda ids: projects.by_ids(self.db, ids))

    @functools.cached_property
    def decisions(self) -> DataLoader[str, list[DecisionRecord] | None]:
        return by_key(lambda ids: projects.decisions_of(self.db, ids), missing=[])

    @functools.cached_property
    def projects_of(self) -> DataLoader[tuple[str, ActorProjectArgs], ProjectPage]:
        return by_key_and_args(lambda ids, args: projects.pages_of_actors(self.db, ids, *args))

    async def _memberships(self, ids: Sequence[str]) -> dict[str, list[MembershipRecord]]:
        # The quarters come along in the same query and wait in their loader's cache for the
        # resolver that asks next: one round trip for an actor's quarters, not two.
        found, named = await actors.memberships_and_quarters(self.db, ids)
        for quarter_id, quarter in named.items():
            self.quarter_by_id.prime(quarter_id, quarter)  # never replaces one already loaded
        return found

    async def action_fields(self, require: Iterable[str] = ()) -> list[ActionFieldRecord]:
        """All action fields (a dozen rows): from the shared catalogue while it is fresh and knows
        every key in ``require``, otherwise read at most once per request."""
        if self.catalogue is not None:
            return await self.catalogue.action_fields(self._read_action_fields, require)
        return await self._read_action_fields()

    async def _read_action_fields(self) -> list[ActionFieldRecord]:
        if self._action_fields is None:
            # Share one fetch among all resolvers that ask in this request, even concurrently.
            self._action_fields = asyncio.ensure_future(action_fields.all_fields(self.db))
        return await asyncio.shield(self._action_fields)

    async def known_quarters(self, slugs: Sequence[str]) -> set[str]:
        """Which of ``slugs`` name a quarter: those the shared catalogue confirmed lately cost no
        statement; the rest are looked up (a miss is never trusted from memory)."""
        known = self.catalogue.known_slugs(slugs) if self.catalogue is not None else set()
        rest = [s for s in dict.fromkeys(slugs) if s not in known]
        if rest:
            found = {s for s, q in zip(rest, await self.quarter_by_slug.load_many(rest), strict=True) if q is not None}
            if self.catalogue is not None:
                self.catalogue.confirm_slugs(found)
            known |= found
        return known

    def forget_actor(self, actor_id: str) -> None:
        """Drop cached reads of an actor after a write, so the payload shows the new state."""
        for name in ("actor_by_id", "memberships", "quarter_ties", "cooperation_counts", "persons"):
            if (loader := self.__dict__.get(name)) is not None:  # a loader not built yet holds nothing
                _forget(loader, actor_id)

    def forget_cooperation(self, cooperation_id: str) -> None:
        _forget(self.cooperation_by_id, cooperation_id)

    def forget_project(self, project_id: str) -> None:
        for loader in (self.project_by_id, self.decisions):
            _forget(loader, project_id)
        self.projects_of.clear_all()  # a project's participants may have changed: any actor's list

    def prime_actors(self, records: Iterable[ActorRecord]) -> None:
        for r in records:
            if r.complete:  # a record of fewer columns would answer later lookups wrongly
                self.actor_by_id.prime(r.id, r)

    def prime_cooperations(self, records: Iterable[CooperationRecord]) -> None:
        for r in records:
            self.cooperation_by_id.prime(r.id, r)


@dataclass
class Context:
    db: Database
    loaders: Loaders
    services: Services
    principal: Principal = PUBLIC
    request: Any = None
    response: Any = None
    language: Language = DEFAULT  # of the words for people in answers (core.messages), from Accept-Language
    # Over a WebSocket: what the client sent in connection_init (Strawberry sets it), the client's
    # address, and how to close the connection (set by the app; None over HTTP).
    connection_params: dict[str, Any] | None = None
    client_address: str | None = None
    close_connection: Callable[[int, str], Awaitable[None]] | None = None
    # The request's Neo4j bookmarks: those its reads wait for, those of its commits (graph.db).
    consistency: Consistency | None = None

    def refresh(self, actors: Iterable[ActorRecord] = (), cooperations: Iterable[CooperationRecord] = ()) -> None:
        """Forget what earlier events of a long-lived subscription loaded, and know these records."""
        self.loaders = Loaders(self.db, self.services.catalogue)
        self.loaders.prime_actors(actors)
        self.loaders.prime_cooperations(cooperations)

    async def end_connection(self, code: int, reason: str) -> None:
        """Close the WebSocket this operation runs on, then wait: ending the connection cancels
        its operations. Over HTTP (no connection to close) it returns at once."""
        if self.close_connection is None:
            return
        await self.close_connection(code, reason)
        await asyncio.Event().wait()

    @classmethod
    def for_request(
        cls,
        db: Database,
        services: Services | None = None,
        principal: Principal = PUBLIC,
        request: Any = None,
        response: Any = None,
    ) -> Context:
        services = services or Services()
        return cls(
            db=db,
            loaders=Loaders(db, services.catalogue),
            services=services,
            principal=principal,
            request=request,
            response=response,
            language=negotiate(request.headers.get("accept-language") if request is not None else None),
        )
