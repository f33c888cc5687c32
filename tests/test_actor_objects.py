"""Actors of a page of partners (id, name and type alone) are copied from a template rather than
built by their constructor (schema/types.py, issue 16): each must be the object the constructor
builds, with its own global id."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from graph.actors import ActorRecord
from graph.actors import record as actor_record
from resolvers import ids
from schema import types
from schema.enums import ActorType


def _built(r: ActorRecord) -> types.Actor:
    """The actor the class's own constructor builds from the record."""
    return types._ACTOR_CLASS.get(r.type, types._HOUSING)[0](**types._bare_values(r))


@pytest.mark.parametrize("stored", ["Institution", "Initiative", "Company", "HousingAssociation"])
def test_an_actor_of_a_bare_record_is_the_one_its_constructor_builds(stored: str) -> None:
    records = [
        actor_record({"id": f"a-{stored}-{i}", "type": stored, "name": f"Name {i}"}, frozenset()) for i in range(3)
    ]
    for r in records:
        actor = types.actor_of(r)
        assert type(actor) is type(_built(r))
        assert vars(actor) == vars(_built(r))
        assert actor.id == ids.encode("Actor", r.id) and actor.name == r.name and actor.record is r
        assert actor.type is ActorType(stored)
    # Each its own: no value of one leaks into the next.
    assert len({types.actor_of(r).id for r in records}) == 3


def test_a_bare_record_with_other_values_is_built_by_the_constructor() -> None:
    # A record of no optional column made otherwise than by graph.actors.record (other times, a
    # version) must not get the template's empty values.
    r = dataclasses.replace(
        actor_record({"id": "x", "type": "Company", "name": "Y"}, frozenset()),
        version=7,
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    actor = types.actor_of(r)
    assert actor.version == 7 and actor.created_at == r.created_at
    assert vars(actor) == vars(_built(r))


def test_global_ids_of_actors_are_remembered_as_encoded() -> None:
    for local in ("a", "b" * 40, "ümlaut-id"):
        assert types.actor_global_id(local) == ids.encode("Actor", local)
        assert types.actor_global_id(local) == ids.encode("Actor", local)  # from memory
