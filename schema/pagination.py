"""Relay connection plumbing shared by every connection type."""

from __future__ import annotations

import strawberry

from resolvers.paging import Slice


@strawberry.type(description="Where a page stands in its connection (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page (it was asked for with `after`).")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item on this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after` for the next page. Cursors hold sort keys, "
        "not positions, so they stay valid when data changes."
    )

    @classmethod
    def of(cls, page: Slice[object]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.items[0][0] if page.items else None,
            end_cursor=page.items[-1][0] if page.items else None,
        )
