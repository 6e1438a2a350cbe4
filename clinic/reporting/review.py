"""Review of reporting items: the staff queue, verify and return (the contacts' e-mail), SPD rows.

Like the services, these functions add and flush; the caller commits.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from clinic import audit
from clinic.access import scope
from clinic.admin.models import Skpd
from clinic.auth.models import Role, User
from clinic.catalogue.models import Indicator
from clinic.email import absolute_url
from clinic.errors import check_version
from clinic.extensions import db
from clinic.ids import bounded_int
from clinic.outbox.services import send_email
from clinic.reporting import services
from clinic.reporting.mail_checks import item_returned_key
from clinic.reporting.models import Evidence, Innovation, ItemEvent, ItemStatus, ReportItem
from clinic.signals import item_verified

DEFAULT_STATUS = ItemStatus.SUBMITTED
# The history events that (re)start a review: the latest one's time is the item's submission
# time wherever it is shown (the queue, the verify box and the history print the same).
SUBMISSION_ACTIONS = ("submitted", "reopened")
QUEUE_KEYS = ("status", "skpd_id", "code", "q")


def filters_from(args):
    """The queue's filters read from a query string; a bad value falls back to its default."""
    status = args.get("status", DEFAULT_STATUS)
    if status not in ItemStatus.ALL and status != "all":
        status = DEFAULT_STATUS
    return {"status": status, "skpd_id": args.get("skpd_id", type=bounded_int),
            "code": args.get("code", "").strip()[:16],
            "q": args.get("q", "").strip()[:100]}


def queue_args(filters):
    """The filters as query-string values to carry along (the status always: it marks the
    queue), the empty ones left out."""
    return {key: filters[key] for key in QUEUE_KEYS
            if key == "status" or filters.get(key) not in (None, "")}


def _like(text):
    # Typed % and _ are literal text, not wildcards.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _filtered(user, cycle, skpd_id=None, code="", q=""):
    stmt = (select(ReportItem)
            .join(ReportItem.indicator)
            .outerjoin(ReportItem.innovation)
            .outerjoin(Skpd, Skpd.id == ReportItem.skpd_id))
    if cycle is not None:
        stmt = stmt.where(ReportItem.cycle_id == cycle.id)
    if skpd_id:
        stmt = stmt.where(ReportItem.skpd_id == skpd_id)
    if code:
        stmt = stmt.where(Indicator.code == code)
    if q:
        stmt = stmt.where(func.lower(Innovation.name).like(_like(q), escape="\\"))
    return scope(stmt, ReportItem, user)


def queue(user, cycle, status=DEFAULT_STATUS, skpd_id=None, code="", q=""):
    """Select the items to review, oldest submission first."""
    stmt = _filtered(user, cycle, skpd_id, code, q)
    if status in ItemStatus.ALL:
        stmt = stmt.where(ReportItem.status == status)
    return stmt.options(
        contains_eager(ReportItem.indicator), contains_eager(ReportItem.innovation),
        contains_eager(ReportItem.skpd),
    ).order_by(ReportItem.submitted_at.is_(None), ReportItem.submitted_at, ReportItem.id)


@dataclass(frozen=True)
class Place:
    """Where an item stands in the filtered queue ("3 dari 227") and its neighbours' ids."""

    position: int | None  # 1-based; None when the item is not (or no longer) in the queue
    total: int
    previous_id: int | None
    next_id: int | None
    args: dict = field(default_factory=dict)  # the queue's filters, for links and forms


def _in_order(ids, times, item, after):
    """Rows ordered after (or before) ``item`` the way queue() orders them: by submission time,
    never submitted last, then by id."""
    at, mine = item.submitted_at, item.id
    if after:
        if at is None:
            return and_(times.is_(None), ids > mine)
        return or_(times.is_(None), times > at, and_(times == at, ids > mine))
    if at is None:
        return or_(times.is_not(None), ids < mine)
    return and_(times.is_not(None), or_(times < at, and_(times == at, ids < mine)))


def _queue_rows(user, cycle, filters):
    stmt = _filtered(user, cycle, filters["skpd_id"], filters["code"], filters["q"])
    if filters["status"] in ItemStatus.ALL:
        stmt = stmt.where(ReportItem.status == filters["status"])
    return stmt.with_only_columns(ReportItem.id, ReportItem.submitted_at).subquery()


def _neighbour(rows, item, after):
    times = rows.c.submitted_at
    order = (times.is_(None), times, rows.c.id)
    if not after:
        order = tuple(column.desc() for column in order)
    return db.session.scalar(select(rows.c.id).where(_in_order(rows.c.id, times, item, after))
                             .order_by(*order).limit(1))


def next_in_queue(user, cycle, item, filters):
    """The id of the item that follows ``item`` in the filtered queue, or None (one query).

    ``item`` need not be in the queue any more: just verified or returned, it keeps its place.
    """
    return _neighbour(_queue_rows(user, cycle, filters), item, after=True)


def place_in_queue(user, cycle, item, filters):
    """``item``'s Place in the filtered queue, in three queries whatever the queue's length."""
    rows = _queue_rows(user, cycle, filters)
    total, before, present = db.session.execute(select(
        func.count(rows.c.id),
        func.coalesce(func.sum(case((_in_order(rows.c.id, rows.c.submitted_at, item, False), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((rows.c.id == item.id, 1), else_=0)), 0))).one()
    return Place(int(before) + 1 if present else None, int(total),
                 _neighbour(rows, item, after=False), _neighbour(rows, item, after=True),
                 queue_args(filters))


def status_counts(user, cycle, skpd_id=None, code="", q=""):
    """Items per status under the same filters, e.g. {'submitted': 4, 'verified': 10, ...}."""
    inner = _filtered(user, cycle, skpd_id, code, q).with_only_columns(
        ReportItem.id, ReportItem.status).subquery()
    rows = db.session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    counts = dict.fromkeys(ItemStatus.ALL, 0)
    counts.update({status: n for status, n in rows})
    return counts


def indicator_choices(cycle):
    if cycle is None:
        return []
    return [(i.code, i.name) for i in cycle.indicators]


def evidence_counts(item_ids):
    """Current (not removed, not replaced) evidence per item id."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(Evidence.item_id, func.count(Evidence.id))
        .where(Evidence.item_id.in_(item_ids), Evidence.removed_at.is_(None),
               Evidence.is_replaced.is_(False))
        .group_by(Evidence.item_id))
    return dict(rows.all())


def submission_times(item_ids):
    """{item id: time of its latest submission event} for the items (one grouped query)."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(ItemEvent.item_id, func.max(ItemEvent.created_at))
        .where(ItemEvent.item_id.in_(item_ids), ItemEvent.action.in_(SUBMISSION_ACTIONS))
        .group_by(ItemEvent.item_id))
    return dict(rows.all())  # MAX() keeps the column's type: aware UTC instants


def submission_time(item):
    """The time of ``item``'s latest submission event, from its loaded history; the column
    only for an item without one (history is kept since the first release)."""
    if item.submitted_at is None:
        return None
    found = [ev.created_at for ev in item.events if ev.action in SUBMISSION_ACTIONS]
    return max(found) if found else item.submitted_at


def spd_items(user, cycle):
    """The cycle's SPD items in catalogue order, with their indicator and assigned SKPD."""
    stmt = (select(ReportItem)
            .where(ReportItem.cycle_id == cycle.id, ReportItem.innovation_id.is_(None))
            .options(selectinload(ReportItem.indicator), selectinload(ReportItem.skpd))
            .order_by(ReportItem.position, ReportItem.id))
    return db.session.scalars(scope(stmt, ReportItem, user)).all()


def verify(item, actor, expected_version=None, ip=None):
    check_version(item, expected_version, services.CONFLICT, services.ConflictError)
    services.verify_item(item, actor)
    audit.record("item_verified", actor=actor, obj=item, summary=item.indicator.code, ip=ip)
    item_verified.send(item, actor=actor)


def return_with_reason(item, reason, actor, expected_version=None, ip=None):
    """Return an item and tell each active contact of its SKPD why, with a link to the item."""
    check_version(item, expected_version, services.CONFLICT, services.ConflictError)
    services.return_item(item, reason, actor)
    audit.record("item_returned", actor=actor, obj=item, summary=item.indicator.code,
                 changes={"reason": [None, item.return_reason]}, ip=ip)
    recipients = []
    if item.skpd_id is not None:
        recipients = db.session.scalars(
            select(User).where(User.role == Role.CONTACT, User.skpd_id == item.skpd_id,
                               User.is_active.is_(True)).order_by(User.id)).all()
    link = absolute_url("reporting.item_detail", item_id=item.id)
    for user in recipients:
        send_email("item_returned", user,
                   _l("Perlu perbaikan: %(code)s %(name)s", code=item.indicator.code,
                      name=item.indicator.name),
                   dedupe_key=item_returned_key(item, user), item=item,
                   reason=item.return_reason, link=link)
    return recipients


def bulk_verify(items, actor, ip=None):
    """Verify every submitted item with evidence of ``items``; return (verified, skipped)."""
    verified, skipped = [], []
    for item in items:
        if item.status == ItemStatus.SUBMITTED and item.has_evidence:
            services.verify_item(item, actor)
            item_verified.send(item, actor=actor)
            verified.append(item)
        else:
            skipped.append(item)
    if verified:
        audit.record("items_bulk_verified", actor=actor, object_type="report_items",
                     summary=f"{len(verified)} verified, {len(skipped)} skipped",
                     changes={"verified": [i.id for i in verified],
                              "skipped": [i.id for i in skipped]}, ip=ip)
    return verified, skipped


def scoped_items(user, ids):
    """Load the items with these ids that ``user`` may see (others are silently absent)."""
    if not ids:
        return []
    stmt = select(ReportItem).where(ReportItem.id.in_(ids)).order_by(ReportItem.id)
    return db.session.scalars(scope(stmt, ReportItem, user)).all()
