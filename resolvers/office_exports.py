"""What the office exports (XLSX, German Excel CSV) write beyond the network: addresses and type
details, each membership with its own period, the quarters, the data revision, and — only for
those who may read them — contact persons.

Contact persons follow the rule of ``Actor.contactPersons`` (core/access.py): admins get every
actor's, managers those of actors with a current membership in one of their quarters (others'
columns stay empty), everyone else none; asking for them without the right is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from core import access as rules
from core.context import Context
from exchange.model import Contact, SheetActor, SheetCooperation
from exchange.writing import from_network
from graph import actors, persons, quarters
from graph.quarters import QuarterRecord
from resolvers import ids
from resolvers.access import may_read_personal, require
from resolvers.networks import Network


@dataclasses.dataclass(frozen=True)
class OfficeSheets:
    actors: list[SheetActor]
    cooperations: list[SheetCooperation]
    quarters: list[QuarterRecord]


async def sheets(ctx: Context, view: Network, contacts: bool) -> OfficeSheets:
    if contacts:
        require(ctx.principal, rules.CONTACT_PERSONS, "exporting contact persons")
    node_ids = [n.id for n in view.data.nodes]
    records = await actors.by_ids(ctx.db, node_ids)
    memberships = await actors.memberships(ctx.db, node_ids)
    all_quarters = await quarters.all_quarters(ctx.db)
    slugs = {q.id: q.slug for q in all_quarters}
    rows, ties = from_network(
        view.data,
        actor_id=lambda i: ids.encode("Actor", i),
        edge_id=lambda i: ids.encode("Cooperation", i),
        records=records,
        memberships=memberships,
        quarter_slugs=slugs,
    )
    if contacts:
        rows = await _with_contacts(ctx, node_ids, rows)
    used = {m.quarter for a in rows for m in a.memberships}
    return OfficeSheets(rows, ties, [q for q in all_quarters if q.slug in used])


async def _with_contacts(ctx: Context, node_ids: Sequence[str], rows: list[SheetActor]) -> list[SheetActor]:
    quarter_ties = await actors.quarter_ties(ctx.db, node_ids)
    readable = [i for i in node_ids if may_read_personal(ctx.principal, rules.CONTACT_PERSONS, quarter_ties[i])]
    people = await persons.of_actors(ctx.db, readable) if readable else {}
    out = []
    for actor_id, row in zip(node_ids, rows, strict=True):
        found = people.get(actor_id, [])
        contacts = tuple(Contact(p.name, p.function, p.email, p.phone) for p in found)
        out.append(dataclasses.replace(row, contacts=contacts) if contacts else row)
    return out
