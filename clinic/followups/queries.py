"""Lists of follow-up tasks: the filtered, scoped, sorted list and the choices of the task form."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from clinic.access import resolved_skpd_ids, scope
from clinic.admin.models import Skpd
from clinic.auth.models import Role
from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskPriority, TaskSource, TaskStatus
from clinic.followups.sources import session_rules
from clinic.ids import bounded_int
from clinic.reporting.models import ReportItem

STATUS_FILTERS = ("active", "all") + TaskStatus.ALL
SORTS = ("due", "priority", "updated")
PRIORITY_ORDER = case({TaskPriority.HIGH: 0, TaskPriority.NORMAL: 1, TaskPriority.LOW: 2},
                      value=FollowUpTask.priority, else_=3)


@dataclass
class Filters:
    status: str = "active"
    skpd_id: int | None = None
    owner: str = ""  # "me": the contact's own tasks
    overdue: bool = False
    source: str = ""
    session_id: int | None = None
    sort: str = "due"

    @classmethod
    def from_args(cls, args, user):
        status = args.get("status", "active")
        source = args.get("source", "")
        sort = args.get("sort", "due")
        return cls(status=status if status in STATUS_FILTERS else "active",
                   skpd_id=(args.get("skpd", type=bounded_int) if user.role != Role.CONTACT
                            else None),
                   owner="me" if user.role == Role.CONTACT and args.get("owner") == "me" else "",
                   overdue=args.get("overdue") == "1",
                   source=source if source in TaskSource.ALL else "",
                   session_id=args.get("session", type=bounded_int),
                   sort=sort if sort in SORTS else "due")

    def args(self, **changes):
        """The query string of these filters (for links and pagination), without defaults."""
        values = {"status": self.status, "skpd": self.skpd_id, "owner": self.owner,
                  "overdue": "1" if self.overdue else "", "source": self.source,
                  "session": self.session_id, "sort": self.sort, **changes}
        return {key: value for key, value in values.items()
                if value not in (None, "") and not (key, value) in
                (("status", "active"), ("sort", "due"))}


def _filtered(user, filters, today):
    stmt = select(FollowUpTask)
    if filters.skpd_id:
        stmt = stmt.where(FollowUpTask.skpd_id == filters.skpd_id)
    if filters.owner == "me":
        stmt = stmt.where(FollowUpTask.owner_id == user.id)
    if filters.overdue:
        stmt = stmt.where(FollowUpTask.due_on < today,
                          FollowUpTask.status.in_(TaskStatus.ACTIVE))
    if filters.source:
        stmt = stmt.where(FollowUpTask.source == filters.source)
    if filters.session_id:
        # The session's own rule, stricter than the SKPD scope: a trainer who does not coach
        # it lists none of its tasks, a contact of a joint session only its SKPD's.
        visible = session_rules().rows_clause(filters.session_id, user, FollowUpTask.skpd_id)
        stmt = stmt.where(FollowUpTask.session_id == filters.session_id, visible)
    return scope(stmt, FollowUpTask, user)


def task_list(user, filters, today):
    """The select of the tasks to list under ``filters``, sorted."""
    stmt = _filtered(user, filters, today)
    if filters.status == "active":
        stmt = stmt.where(FollowUpTask.status.in_(TaskStatus.ACTIVE))
    elif filters.status in TaskStatus.ALL:
        stmt = stmt.where(FollowUpTask.status == filters.status)
    due = (FollowUpTask.due_on.is_(None), FollowUpTask.due_on)
    order = {"due": (*due, PRIORITY_ORDER),
             "priority": (PRIORITY_ORDER, *due),
             "updated": (FollowUpTask.updated_at.desc(),)}[filters.sort]
    return stmt.order_by(*order, FollowUpTask.id)


def status_counts(user, filters, today):
    """Tasks per status under the same filters but the status, plus 'active'."""
    inner = _filtered(user, filters, today).with_only_columns(
        FollowUpTask.id, FollowUpTask.status).subquery()
    rows = db.session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    counts = dict.fromkeys(TaskStatus.ALL, 0)
    counts.update({status: n for status, n in rows})
    counts["active"] = sum(counts[s] for s in TaskStatus.ACTIVE)
    counts["all"] = sum(counts[s] for s in TaskStatus.ALL)
    return counts


def skpd_choices(user):
    """The SKPDs ``user`` may create tasks for or filter on: all for Bappeda, the trainer's."""
    stmt = select(Skpd).where(Skpd.is_active.is_(True)).order_by(Skpd.code)
    if user.role == Role.TRAINER:
        stmt = stmt.where(Skpd.id.in_(sorted(resolved_skpd_ids(user)) or [-1]))
    elif user.role not in Role.BAPPEDA:
        return []
    return db.session.scalars(stmt).all()


def item_choices(user, skpd_id):
    """Reporting items of one SKPD as (item, label), in catalogue order."""
    if not skpd_id:
        return []
    stmt = (select(ReportItem).where(ReportItem.skpd_id == skpd_id)
            .order_by(ReportItem.innovation_id, ReportItem.position, ReportItem.id))
    items = db.session.scalars(scope(stmt, ReportItem, user)).all()
    return [(i, f"{i.indicator.code} · {i.innovation.name if i.innovation else i.indicator.name}")
            for i in items]

