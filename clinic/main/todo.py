"""What an SKPD contact has to do next, composed of reporting items, follow-up tasks and sessions.

The list holds, in this order (docs/ui.md): returned items with the reason, then incomplete
items by the index points they would add, then follow-up tasks by due date, then the next
coaching session (a constant number of queries whatever the SKPD has). On a phone that order
put the overdue tasks and the next clinic below twenty items, so the home page shows it in
sections: ``urgent()`` first (overdue tasks, the next session), then the returned items and
the rest collapsed by innovation (``groups("returned")``, ``groups("incomplete")``), then
``later_tasks()``.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from clinic.access import scope
from clinic.admin.models import Skpd
from clinic.coaching.access import visible_sessions
from clinic.coaching.models import CoachingSession, SessionStatus
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.followups.services import open_tasks_for_skpds
from clinic.reporting import engine
from clinic.reporting.fixes import INCOMPLETE, Fix, as_fixes, chosen
from clinic.reporting.models import ItemStatus

TODO_LIMIT = 10


def _visible_skpd_ids(user):
    """Ids of the SKPDs ``user`` may see, decided by the one scoping function."""
    return set(db.session.scalars(scope(select(Skpd.id), Skpd, user)))


@dataclass(frozen=True)
class TodoEntry:
    kind: str  # returned | incomplete | task | session
    fix: Fix | None = None
    reason: str | None = None
    due_on: date | None = None
    obj: object = None  # the task or session


@dataclass(frozen=True)
class TodoGroup:
    """Items of one kind of one innovation (``innovation`` None: the SPD items), best first."""

    innovation: object
    entries: tuple

    @property
    def points(self):
        return sum((entry.fix.points for entry in self.entries), Decimal(0))


@dataclass
class TodoList:
    """The contact's to-do list; ``more`` incomplete items did not fit under the limit."""

    entries: list = field(default_factory=list)
    more: int = 0
    has_innovations: bool = False
    has_cycle: bool = True

    def __bool__(self):
        return bool(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def of_kind(self, kind):
        return [entry for entry in self.entries if entry.kind == kind]

    def urgent(self, today):
        """What cannot wait and takes one line each: overdue tasks, then the next session."""
        overdue = [e for e in self.of_kind("task") if e.obj.is_overdue(today)]
        return overdue + self.of_kind("session")

    def later_tasks(self, today):
        """Active tasks not yet overdue, by due date."""
        return [e for e in self.of_kind("task") if not e.obj.is_overdue(today)]

    def groups(self, kind="incomplete"):
        """Items of ``kind`` grouped by innovation; groups in the order of their best item."""
        grouped = {}
        for entry in self.of_kind(kind):
            innovation = entry.fix.innovation
            key = innovation.id if innovation is not None else None
            grouped.setdefault(key, (innovation, []))[1].append(entry)
        return [TodoGroup(innovation, tuple(entries)) for innovation, entries in grouped.values()]


def todo_for_contact(user, cycle, limit=TODO_LIMIT):
    """The to-do list of an SKPD contact for ``cycle``: returned items (all of them) first, then
    at most ``limit`` incomplete items by the verified index points each would add."""
    if cycle is None:
        return TodoList(has_cycle=False)
    if getattr(user, "role", None) != "contact" or user.skpd_id is None:
        return TodoList()
    own = _visible_skpd_ids(user) & {user.skpd_id}
    if not own:
        return TodoList()
    score = engine.city_score(cycle)
    returned = chosen(score, own, (ItemStatus.RETURNED,))
    incomplete = chosen(score, own, INCOMPLETE)
    fixes = as_fixes(returned + incomplete[:limit])
    entries = [TodoEntry("returned", fix, reason=fix.item.return_reason)
               if fix.status == ItemStatus.RETURNED else TodoEntry("incomplete", fix)
               for fix in fixes]
    has_innovations = any(skpd_id in own for skpd_id in score.skpd_of.values())
    return TodoList(entries=entries + _tasks_and_session(user, own),
                    more=max(len(incomplete) - limit, 0), has_innovations=has_innovations)


def _tasks_and_session(user, skpd_ids):
    """The SKPD's active follow-up tasks by due date (overdue first), then its next session."""
    entries = [TodoEntry("task", due_on=task.due_on, obj=task)
               for task in open_tasks_for_skpds(sorted(skpd_ids))]
    stmt = (select(CoachingSession)
            .where(CoachingSession.status == SessionStatus.PLANNED,
                   CoachingSession.ends_at >= utcnow(),
                   CoachingSession.skpd_scope_clause(sorted(skpd_ids)))
            .order_by(CoachingSession.starts_at, CoachingSession.id).limit(1))
    session = db.session.scalars(visible_sessions(stmt, user)).first()
    if session is not None:
        entries.append(TodoEntry("session", obj=session))
    return entries
