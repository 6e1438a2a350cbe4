"""What an SKPD contact has to do next, composed of reporting items, follow-up tasks and sessions.

The contact's home page lists, in this order (docs/ui.md): returned items with the reason, then
incomplete items by the index points they would add, then follow-up tasks by due date, then the
next coaching session (a constant number of queries whatever the SKPD has).
"""
from dataclasses import dataclass, field
from datetime import date

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
