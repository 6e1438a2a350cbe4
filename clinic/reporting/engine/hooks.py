"""The score engine's aggregates, kept in the transaction of every change that can move them.

Per innovation (``InnovationScore``): its SID points claimed and verified, the mandatory
indicators not yet verified and whether it is inside the age window; per cycle
(``CycleScore``): the SPD points and a data version. The session hooks below notice every
change of an item's level, status or evidence, of an innovation's dates or urusan, and of a
cycle's rules or catalogue; before the transaction commits (or before a reader asks,
``settle()``) the touched innovations are recomputed from their rows with
clinic.reporting.scoring and the cycle's version moves on. Readers (clinic.reporting.engine.city)
then compute the city's score from the aggregates alone, cached per version.

Writers of one cycle are serialised: the first flush that touches the cycle's score takes the
row lock of its ``cycle_scores`` row (by bumping the version) and keeps it until commit, so two
transactions never recompute the same innovation from rows the other is changing.
"""
from sqlalchemy import event, inspect

from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.extensions import db
from clinic.reporting.engine.store import bump, recompute
from clinic.reporting.models import Evidence, Innovation, ReportItem

PENDING = "score_pending"
# Attributes whose change can move a score, a status count or a fix (None: any change).
# Relationships are watched beside their foreign keys: setting one changes the key only at flush.
WATCHED = {
    ReportItem: {"level", "status", "innovation_id", "innovation", "indicator_id", "indicator",
                 "skpd_id", "skpd", "cycle_id", "cycle"},
    Evidence: {"removed_at", "is_replaced", "item_id", "item"},
    Innovation: {"implemented_on", "developed_on", "development_note", "main_urusan",
                 "related_urusan", "skpd_id", "skpd", "cycle_id", "cycle"},
    Indicator: {"weight", "is_mandatory", "code", "cycle_id", "cycle"},
    IndicatorLevel: None,
    Cycle: {"divisor_min", "basic_service_min", "basic_service_urusan", "count_points",
            "count_cap", "index_max", "implementation_from_on", "implementation_to_on",
            "target_predicate"},
    PredicateBand: None,
}
WHOLE_CYCLE = (Indicator, IndicatorLevel, Cycle, PredicateBand)


class Pending:
    """What one transaction changed so far: the objects, and the cycles already locked."""

    def __init__(self):
        self.objects = []
        self.locked = set()

    def __bool__(self):
        return bool(self.objects)


def _pending(session):
    return session.info.setdefault(PENDING, Pending())


def _moves_score(obj, is_dirty):
    fields = WATCHED.get(type(obj), ())
    if not is_dirty or fields is None:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _known_cycle(obj):
    """The cycle id an object names without a query (None for one not flushed yet)."""
    if isinstance(obj, Cycle):
        return obj.id
    if isinstance(obj, Evidence):
        item = obj.__dict__.get("item")
        return item.cycle_id if item is not None else None
    if isinstance(obj, IndicatorLevel):
        indicator = obj.__dict__.get("indicator")
        return indicator.cycle_id if indicator is not None else None
    return getattr(obj, "cycle_id", None)


@event.listens_for(db.session, "before_flush")
def _collect(session, flush_context, instances):
    pending = _pending(session)
    touched = []
    for group, is_dirty in ((session.new, False), (session.dirty, True),
                            (session.deleted, False)):
        touched.extend(obj for obj in group
                       if type(obj) in WATCHED and _moves_score(obj, is_dirty))
    if not touched:
        return
    pending.objects.extend(touched)
    cycles = {_known_cycle(obj) for obj in touched} - {None} - pending.locked
    if cycles:
        bump(session.connection(), cycles)  # takes the cycles' locks before the rows change
        pending.locked |= cycles


@event.listens_for(db.session, "before_commit")
def _before_commit(session):
    settle(session)


@event.listens_for(db.session, "after_transaction_end")
def _forget(session, transaction):
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def settle(session=None):
    """Flush and recompute what this transaction changed (readers call it before reading)."""
    session = session or db.session
    session.flush()
    pending = session.info.get(PENDING)
    if not pending:
        return
    session.info[PENDING] = Pending()
    session.info[PENDING].locked = pending.locked
    cycles, innovations, items, whole = set(), set(), set(), set()
    for obj in pending.objects:
        _classify(obj, cycles, innovations, items, whole)
    recompute(session.connection(), cycles, innovations, items, whole)


def _classify(obj, cycles, innovations, items, whole):
    if isinstance(obj, WHOLE_CYCLE):
        cycle_id = _known_cycle(obj)
        if cycle_id is None and isinstance(obj, IndicatorLevel):
            cycle_id = _indicator_cycle(obj.indicator_id)
        if cycle_id is not None:
            whole.add(cycle_id)
    elif isinstance(obj, Innovation):
        innovations.add(obj.id)
        cycles.add(obj.cycle_id)
    elif isinstance(obj, ReportItem):
        cycles.add(obj.cycle_id)
        if obj.innovation_id is not None:
            innovations.add(obj.innovation_id)
    elif isinstance(obj, Evidence):
        items.add(obj.item_id)


def _indicator_cycle(indicator_id):
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    return indicator.cycle_id if indicator is not None else None
