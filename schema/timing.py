"""The GraphQL phases of a request measured for ``Server-Timing`` (see core/timing.py)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from core.timing import phase


class ServerTiming(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        with phase("parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with phase("validate"):
            yield

    def on_execute(self) -> Iterator[None]:
        with phase("execute"):
            yield
