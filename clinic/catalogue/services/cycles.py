"""Cycles: the current one, their settings and predicate bands, new and copied cycles."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from clinic import audit
from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.catalogue.services.values import (COPIED_FIELDS, CYCLE_FIELDS, INDICATOR_FIELDS,
                                              REMINDER_FIELDS, CycleError, Shown, audit_value,
                                              set_changed)
from clinic.extensions import db
from clinic.quoting import clip


def current_cycle():
    """The cycle marked current (the newest, should several be)."""
    return db.session.scalars(
        select(Cycle).where(Cycle.is_current).order_by(Cycle.year.desc())
    ).first()


def make_current(cycle, actor=None, ip=None):
    """Mark one cycle as the current one (and no other)."""
    previous = db.session.scalars(
        select(Cycle.year).where(Cycle.is_current, Cycle.id != cycle.id)
    ).all()
    db.session.execute(update(Cycle).where(Cycle.id != cycle.id).values(is_current=False))
    changes = {"is_current": [bool(cycle.is_current), True]}
    if previous:
        changes["previous_current"] = [sorted(previous), []]
    cycle.is_current = True
    db.session.flush()
    audit.record("cycle_made_current", actor=actor, obj=cycle, summary=str(cycle.year),
                 changes=changes, ip=ip)


def predicate_for(index, bands):
    """The name of the highest band whose floor the unrounded index reaches (>=)."""
    for band in sorted(bands, key=lambda b: Decimal(b.floor), reverse=True):
        if Decimal(index) >= Decimal(band.floor):
            return band.name
    return None


def cycle_summaries():
    """Every cycle, newest first, with its number of indicators: [(cycle, count)]."""
    counts = dict(db.session.execute(
        select(Indicator.cycle_id, func.count(Indicator.id)).group_by(Indicator.cycle_id)
    ).all())
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()
    return [(cycle, counts.get(cycle.id, 0)) for cycle in cycles]


def year_taken(year, cycle=None):
    """Whether a cycle other than ``cycle`` already has ``year``."""
    stmt = select(Cycle.id).where(Cycle.year == year)
    if cycle is not None and cycle.id is not None:
        stmt = stmt.where(Cycle.id != cycle.id)
    return db.session.scalar(stmt) is not None


def year_taken_message(year):
    """The refusal of a year another cycle has."""
    return _l("Tahun %(year)s sudah dipakai siklus lain.", year=year)


def band_problems(bands):
    """Messages about a list of (name, floor) bands: at least one, names and floors unique."""
    problems = []
    if not bands:
        problems.append(_l("Isi paling sedikit satu predikat beserta batas bawahnya."))
    names, floors = set(), set()
    for name, floor in bands:
        # Compared without case: MariaDB's collation would treat them as the same name anyway.
        if name.casefold() in names:
            problems.append(_l("Nama predikat '%(name)s' dipakai lebih dari sekali.",
                               name=clip(name)))
        names.add(name.casefold())
        if floor is not None and floor in floors:
            problems.append(_l("Batas bawah %(floor)s dipakai lebih dari satu predikat.",
                               floor=Shown(floor)))
        floors.add(floor)
    return problems


def check_cycle(values, bands, cycle=None):
    """Return {field: [messages]} breaking cross-field or database rules of a cycle's settings."""
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if values.get("year") is not None and year_taken(values["year"], cycle):
        add("year", year_taken_message(values["year"]))
    opens, closes = values.get("portal_opens_on"), values.get("portal_closes_on")
    deadline = values.get("internal_deadline_on")
    if opens and closes and opens > closes:
        add("portal_closes_on", _l("Portal ditutup tidak boleh sebelum portal dibuka."))
    if deadline and closes and deadline >= closes:
        add("internal_deadline_on",
            _l("Tenggat internal harus sebelum portal nasional ditutup, agar ada waktu "
               "memeriksa dan mengunggah."))
    start, end = values.get("implementation_from_on"), values.get("implementation_to_on")
    if start and end and start > end:
        add("implementation_to_on", _l("Akhir rentang penerapan tidak boleh sebelum awalnya."))
    urusan = values.get("basic_service_urusan") or []
    if len({u.casefold() for u in urusan}) != len(urusan):
        add("basic_service_urusan", _l("Ada urusan yang ditulis lebih dari sekali."))
    minimum = values.get("basic_service_min")
    if urusan and minimum is not None and minimum > len(urusan):
        add("basic_service_min",
            _l("Minimal %(y)s urusan, padahal hanya %(n)s urusan yang didaftar.",
               y=minimum, n=len(urusan)))
    for message in band_problems(bands):
        add("bands", message)
    target = values.get("target_predicate")
    if target and target not in {name for name, _ in bands}:
        add("target_predicate",
            _l("Target predikat '%(target)s' tidak ada di daftar predikat di bawah.",
               target=clip(target)))
    return errors


def replace_bands(cycle, bands, changes):
    """Give the cycle these bands [(name, floor)] when they differ; note the change."""
    old = [(b.name, Decimal(b.floor)) for b in cycle.bands]
    new = sorted(bands, key=lambda b: b[1], reverse=True)
    if sorted(old, key=lambda b: b[1], reverse=True) == new:
        return
    # Delete first and flush: the new rows may reuse names the unique constraint still holds.
    cycle.bands.clear()
    db.session.flush()
    for name, floor in new:
        cycle.bands.append(PredicateBand(name=name, floor=floor))
    changes["bands"] = [[[n, audit_value(f)] for n, f in old],
                        [[n, audit_value(f)] for n, f in new]]


def update_cycle(cycle, values, bands, actor=None, ip=None):
    """Change a cycle's settings and predicate bands [(name, floor)]; return the changes."""
    errors = check_cycle(values, bands, cycle)
    if errors:
        raise CycleError(errors)
    changes = {}
    for field in CYCLE_FIELDS + REMINDER_FIELDS:
        if field in values:
            set_changed(cycle, field, values[field], changes)
    replace_bands(cycle, bands, changes)
    db.session.flush()
    if changes:
        audit.record("cycle_updated", actor=actor, obj=cycle, summary=cycle.name,
                     changes=changes, ip=ip)
    return changes


def new_cycle(year, name, **fields):
    """Add an empty cycle for a free ``year`` (CycleError when it is taken)."""
    if year_taken(year):
        raise CycleError({"year": [year_taken_message(year)]})
    cycle = Cycle(year=year, name=name or f"IID {year}", **fields)
    db.session.add(cycle)
    return cycle


def record_created(cycle, source, actor, ip):
    """Flush a new cycle and audit where it came from."""
    db.session.flush()
    audit.record("cycle_created", actor=actor, obj=cycle, summary=f"{cycle.name} ({source})",
                 changes={"year": [None, cycle.year], "name": [None, cycle.name],
                          "source": [None, source]}, ip=ip)


def create_cycle(year, name=None, timezone=None, actor=None, ip=None):
    """Create an empty cycle (no indicators, no bands yet)."""
    cycle = new_cycle(year, name, **({"timezone": timezone} if timezone else {}))
    record_created(cycle, "empty", actor, ip)
    return cycle


def copy_cycle(source, year, name=None, actor=None, ip=None):
    """Create cycle ``year`` with the settings, bands and indicator catalogue of ``source``."""
    cycle = new_cycle(year, name)
    for field in COPIED_FIELDS:
        value = getattr(source, field)
        setattr(cycle, field, list(value) if isinstance(value, list) else value)
    shift = year - source.year
    cycle.implementation_from_on = _shift_years(source.implementation_from_on, shift)
    cycle.implementation_to_on = _shift_years(source.implementation_to_on, shift)
    cycle.bands = [PredicateBand(name=b.name, floor=b.floor) for b in source.bands]
    for ind in source.indicators:
        copy = Indicator(**{f: getattr(ind, f) for f in INDICATOR_FIELDS})
        copy.levels = [IndicatorLevel(level=lv.level, label=lv.label) for lv in ind.levels]
        cycle.indicators.append(copy)
    record_created(cycle, f"copy of {source.year}", actor, ip)
    return cycle


def _shift_years(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)

