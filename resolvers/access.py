"""Who may do what: the one place that decides. Every mutation, the contact-person reads and
``history`` ask here; resolvers bring the facts (an actor's quarter memberships with the state
of each quarter, from :func:`graph.actors.quarter_ties`) and never decide themselves. Which role
may use which operation at all is the table of rules in :mod:`core.access`; every decision
here takes the operation's :class:`~core.access.Rule`.

| role       | reads                                           | writes                                      |
|------------|--------------------------------------------------|---------------------------------------------|
| public     | quarters, actors, cooperations, networks         | —                                           |
|            | (no contact persons; can be switched off)        |                                             |
| researcher | public reads, metrics, exports, suggestions      | —                                           |
| manager    | public reads, suggestions; contact persons and   | actors with a current membership in one of  |
|            | history of actors with a current membership in   | its active quarters, their contact persons, |
|            | one of its quarters (active or ended)            | and cooperations where one of the two       |
|            |                                                  | actors is such an actor (rules below)       |
| admin      | everything                                       | everything, incl. merges, deletions, tokens |

The rules for managers, in plain words:

1. **Only current memberships count.** A membership is current until its ``until`` day has
   passed (no ``until``, or ``until`` today or later; one that starts later counts already). An
   actor whose membership in your quarter has ended is no longer yours: you can neither change
   it nor read its contact persons or history.
2. **An ended quarter is read-only.** A quarter has ended when its status is ``ended`` or
   ``merged`` or its end date is before today. Its managers still read what their quarter held
   (contact persons, history) but change nothing through it: no new actors there, no changes to
   its actors or their cooperations on the strength of that quarter. Admins still may.
3. **You change only the memberships of your own active quarters.** ``setActorQuarters`` must
   hand back every membership in any other quarter (another team's, or your ended one) exactly
   as it is — same quarter, role, since, until, flats, note and sources — or it is refused.
4. **New actors go into your own active quarters** only, with at least one current membership
   there (otherwise nobody but an admin could change them afterwards).
5. **Cooperations** may be recorded, changed and ended when one of the two actors is yours by
   rule 1 and 2. Deleting one (for mistakes) is for admins.

A refusal is a ``FORBIDDEN`` error that says which rule refused; the mutation changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from core.access import Principal, Role, Rule
from core.messages import Text
from graph.actors import QuarterTie
from graph.projects import QuarterState
from resolvers import texts
from resolvers.errors import ApiError
from resolvers.outcomes import Refusal, RefusalCode

# Quarter statuses whose QM has ended (a merged quarter lives on in its successor).
ENDED_STATUSES = frozenset({"ended", "merged"})


def today() -> dt.date:
    """The day rights are judged on (the server's date, as everywhere in the API)."""
    return dt.date.today()


def is_current(tie: QuarterTie, day: dt.date) -> bool:
    """Rule 1: a membership counts until its ``until`` day has passed."""
    return tie.until is None or tie.until >= day


def quarter_open(tie: QuarterTie, day: dt.date) -> bool:
    """Rule 2: a quarter is open for its managers' changes until its QM has ended."""
    return tie.quarter_status not in ENDED_STATUSES and (tie.quarter_end is None or tie.quarter_end >= day)


# ---- messages (all user-facing text of this module, kept together for translation) ------------


def forbidden(message: Text) -> Refusal:
    return Refusal(RefusalCode.FORBIDDEN, message, None)


def _outside(what: str, principal: Principal) -> Text:
    quarters = ", ".join(sorted(principal.quarters)) or texts.NO_QUARTERS()
    return texts.OUTSIDE_QUARTERS(what=what, quarters=quarters)


def _membership_ended(what: str, tie: QuarterTie) -> Text:
    return texts.MEMBERSHIP_ENDED(what=what, quarter=tie.quarter, until=tie.until)


def _quarter_ended(what: str, quarter: str) -> Text:
    return texts.QUARTER_ENDED(what=what, quarter=quarter)


def _foreign_memberships(quarters: Iterable[str]) -> Text:
    return texts.FOREIGN_MEMBERSHIPS(quarters=", ".join(sorted(set(quarters))))


_NOT_OWN = texts.NOT_OWN_QUARTER()
_NO_CURRENT = texts.NO_CURRENT_MEMBERSHIP()


# ---- decisions ----------------------------------------------------------------------------


def require(principal: Principal, rule: Rule, what: str | None = None) -> None:
    """Raise FORBIDDEN (a GraphQL error with ``extensions.code``) unless the rule allows the role."""
    if not rule.allows(principal.role):
        raise ApiError("FORBIDDEN", rule.needs(what))


def role_error(principal: Principal, rule: Rule, what: str | None = None) -> Refusal | None:
    """FORBIDDEN as data unless the rule allows the role."""
    return None if rule.allows(principal.role) else forbidden(rule.needs(what))


def may_read_personal(principal: Principal, rule: Rule, ties: Iterable[QuarterTie], day: dt.date | None = None) -> bool:
    """Contact persons and history of the actor(s) with ``ties``, by ``rule``: admins always;
    managers where one of the memberships is current and in one of their quarters (ended
    quarters included)."""
    if not rule.allows(principal.role):
        return False
    if principal.role is Role.ADMIN:
        return True
    day = day or today()
    return principal.role is Role.MANAGER and any(t.quarter in principal.quarters and is_current(t, day) for t in ties)


def actor_write_error(
    principal: Principal, rule: Rule, ties: Sequence[QuarterTie], what: str | None = None, day: dt.date | None = None
) -> Refusal | None:
    """Why ``principal`` may not write an actor with ``ties`` (or a cooperation whose two actors
    have ``ties`` together) under ``rule``; None if it may."""
    what = what or rule.what
    if not rule.allows(principal.role):
        return forbidden(rule.needs(what))
    if principal.role is Role.ADMIN:
        return None
    day = day or today()
    own = [t for t in ties if t.quarter in principal.quarters]
    if any(is_current(t, day) and quarter_open(t, day) for t in own):
        return None
    current = [t for t in own if is_current(t, day)]
    if current:
        return forbidden(_quarter_ended(what, current[0].quarter))
    if own:
        return forbidden(_membership_ended(what, max(own, key=lambda t: t.until or day)))
    return forbidden(_outside(what, principal))


def cooperation_write_error(
    principal: Principal,
    rule: Rule,
    a: Sequence[QuarterTie],
    b: Sequence[QuarterTie],
    what: str | None = None,
    day: dt.date | None = None,
) -> Refusal | None:
    """Rule 5: a cooperation is writable when one of its two actors is."""
    return actor_write_error(principal, rule, [*a, *b], what, day)


def placement_error(
    principal: Principal, rule: Rule, ties: Sequence[QuarterTie], day: dt.date | None = None
) -> Refusal | None:
    """Rule 4: where a new actor may go (``ties``: its memberships as asked for)."""
    what = rule.what
    if not rule.allows(principal.role):
        return forbidden(rule.needs())
    if principal.role is Role.ADMIN:
        return None
    day = day or today()
    if not ties:
        return forbidden(_outside(what, principal))
    if any(t.quarter not in principal.quarters for t in ties):
        return forbidden(_NOT_OWN)
    closed = [t.quarter for t in ties if not quarter_open(t, day)]
    if closed:
        return forbidden(_quarter_ended(what, closed[0]))
    if not any(is_current(t, day) for t in ties):
        return forbidden(_NO_CURRENT)
    return None


def memberships_change_error(
    principal: Principal, rule: Rule, old: Sequence[QuarterTie], new: Sequence[QuarterTie], day: dt.date | None = None
) -> Refusal | None:
    """Rule 3: a manager's ``setActorQuarters`` may change only memberships in quarters that are
    theirs and open; all others must come back as they were. (Whether the principal may write
    the actor at all is :func:`actor_write_error`'s question, asked first.)"""
    if principal.role is Role.ADMIN:
        return None
    if not rule.allows(principal.role):
        return forbidden(rule.needs())
    day = day or today()

    def foreign(ties: Sequence[QuarterTie]) -> Counter[tuple[Any, ...]]:
        return Counter(t.content() for t in ties if t.quarter not in principal.quarters or not quarter_open(t, day))

    before, after = foreign(old), foreign(new)
    if before == after:
        return None
    changed = [str(content[0]) for content in (before - after) + (after - before)]
    return forbidden(_foreign_memberships(changed))


# ---- projects, council decisions and seats ------------------------------------------------
# A project belongs to its quarters (one, or several for a Netzwerkfonds project):
#
# 6. **Projects** are recorded in your own active quarters only; one that spans several quarters
#    needs a token for all of them (or an admin: the Senate selects Netzwerkfonds projects).
#    Once recorded, the QM team of any one of its active quarters keeps it current (data,
#    steps, partners, council decisions), as with a cooperation, where one end suffices; a
#    manager adds or removes only their own active quarters, never another team's.
# 7. **Council seats** and **council decisions** are recorded by the managers of that council's
#    quarter (active), for decisions on projects of that quarter.


def project_write_error(
    principal: Principal,
    rule: Rule,
    quarters: Sequence[QuarterState],
    what: str | None = None,
    day: dt.date | None = None,
) -> Refusal | None:
    """Rule 6: a project is writable by the managers of any one of its active quarters."""
    what = what or rule.what
    if not rule.allows(principal.role):
        return forbidden(rule.needs(what))
    if principal.role is Role.ADMIN:
        return None
    day = day or today()
    own = [q for q in quarters if q.slug in principal.quarters]
    if any(q.open(day, ENDED_STATUSES) for q in own):
        return None
    if own:
        return forbidden(_quarter_ended(what, own[0].slug))
    return forbidden(_outside(what, principal))


def quarters_change_error(
    principal: Principal, rule: Rule, changed: Sequence[QuarterState], day: dt.date | None = None
) -> Refusal | None:
    """Rules 6 and 7: the quarters a manager puts a project (or a seat, or a decision) into, or
    takes it out of, must all be their own active quarters."""
    if not rule.allows(principal.role):
        return forbidden(rule.needs())
    if principal.role is Role.ADMIN:
        return None
    day = day or today()
    foreign = sorted({q.slug for q in changed if q.slug not in principal.quarters})
    if foreign:
        return forbidden(_outside(f"{rule.what} in {', '.join(foreign)}", principal))
    closed = [q.slug for q in changed if not q.open(day, ENDED_STATUSES)]
    if closed:
        return forbidden(_quarter_ended(rule.what, closed[0]))
    return None
