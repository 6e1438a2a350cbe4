"""Indicators of a cycle: finding them, the catalogue's totals, and editing or deleting one."""
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from clinic import audit
from clinic.catalogue.models import ASPECTS, Indicator, IndicatorLevel
from clinic.catalogue.services.values import (INDICATOR_FIELDS, MAX_LEVELS, CatalogueError,
                                              CycleError, audit_value, set_changed)
from clinic.extensions import db

# Names of tables that point at indicators, for the message that refuses a deletion.
USAGE_LABELS = {"report_items": _l("butir laporan")}


# ---------------------------------------------------------------- indicators

def catalogue_totals(cycle):
    """Maximum points: SPD (once per city), SID per innovation, and the count term."""
    totals = {aspect: Decimal(0) for aspect in ASPECTS}
    counts = {aspect: 0 for aspect in ASPECTS}
    for ind in find_indicators(cycle):
        totals[ind.aspect] = totals.get(ind.aspect, Decimal(0)) + ind.max_points
        counts[ind.aspect] = counts.get(ind.aspect, 0) + 1
    count_max = Decimal(cycle.count_cap or 0) * Decimal(cycle.count_points or 0)
    return {"max": totals, "count": counts, "count_max": count_max,
            "sum": totals.get("SPD", 0) + totals.get("SID", 0) + count_max}


def find_indicators(cycle, aspect=None, mandatory=None, q=None):
    """The cycle's indicators in catalogue order, narrowed by aspect, mandatory flag and text."""
    stmt = select(Indicator).where(Indicator.cycle_id == cycle.id)
    if aspect in ASPECTS:
        stmt = stmt.where(Indicator.aspect == aspect)
    if mandatory is not None:
        stmt = stmt.where(Indicator.is_mandatory == mandatory)
    if q:
        # "/" escapes LIKE wildcards the same way on SQLite, PostgreSQL and MariaDB.
        like = "%" + re.sub(r"([/%_])", r"/\1", q) + "%"
        stmt = stmt.where(or_(*(column.ilike(like, escape="/") for column in
                                (Indicator.name, Indicator.code, Indicator.name_en))))
    return db.session.scalars(
        stmt.options(selectinload(Indicator.levels))
        .order_by(Indicator.position, Indicator.number, Indicator.code)
    ).all()


def referencing_rows(indicator, level=None):
    """Why an indicator (or its levels from ``level`` up) cannot go: rows that point at it.

    Any table with a foreign key to indicators counts (report items today, whatever a later
    feature adds); for a level, only rows of such tables whose ``level`` column reaches it.
    """
    messages = []
    for table in db.metadata.sorted_tables:
        if table.name == IndicatorLevel.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name != Indicator.__tablename__:
                continue
            stmt = select(func.count()).select_from(table).where(fk.parent == indicator.id)
            if level is not None:
                if "level" not in table.c:
                    continue
                stmt = stmt.where(table.c.level >= level)
            found = db.session.scalar(stmt)
            if found:
                what = USAGE_LABELS.get(table.name, table.name)
                messages.append(
                    _l("Indikator %(code)s masih dipakai %(n)s %(what)s; data itu harus "
                       "dihapus atau dipindahkan dulu.", code=indicator.code, n=found, what=what)
                    if level is None else
                    _l("Tingkat %(level)s ke atas masih dipilih di %(n)s %(what)s; tingkat itu "
                       "tidak dapat dihapus.", level=level, n=found, what=what))
    return messages


# More callables (indicator, level) -> message or None that refuse deleting an indicator, or
# its levels from ``level`` up (level=None: the whole indicator), for rules beyond references.
usage_checks = []


def _usage(indicator, level=None):
    extra = [m for m in (check(indicator, level) for check in usage_checks) if m]
    return referencing_rows(indicator, level) + extra


def check_indicator(cycle, values, labels, indicator=None):
    """Return {field: [messages]} for an indicator's code, level labels and usage."""
    errors = {}
    code = values.get("code")
    if code:
        others = select(Indicator.code).where(Indicator.cycle_id == cycle.id)
        if indicator is not None:
            others = others.where(Indicator.id != indicator.id)
        if code.casefold() in {c.casefold() for c in db.session.scalars(others)}:
            errors["code"] = [_l("Kode %(code)s sudah dipakai indikator lain di siklus ini.",
                                 code=code)]
    if not labels:
        errors["labels"] = [_l("Isi label paling sedikit satu tingkat.")]
    elif len(labels) > MAX_LEVELS:
        errors["labels"] = [_l("Paling banyak %(n)s tingkat.", n=MAX_LEVELS)]
    if indicator is not None:
        in_use = [m for row in indicator.levels if row.level > len(labels)
                  for m in _usage(indicator, row.level)]
        if in_use:
            errors.setdefault("labels", []).extend(in_use)
        if values.get("aspect") not in (None, indicator.aspect):
            in_use = _usage(indicator)
            if in_use:
                errors["aspect"] = in_use
    return errors


def set_levels(indicator, labels, changes):
    """Give the indicator these level labels [1..k]; note each change."""
    by_level = {row.level: row for row in indicator.levels}
    for level, label in enumerate(labels, start=1):
        row = by_level.get(level)
        if row is None:
            indicator.levels.append(IndicatorLevel(level=level, label=label))
            changes[f"level_{level}"] = [None, label]
        elif row.label != label:
            changes[f"level_{level}"] = [row.label, label]
            row.label = label
    for level, row in by_level.items():
        if level > len(labels):
            indicator.levels.remove(row)
            changes[f"level_{level}"] = [row.label, None]


def create_indicator(cycle, values, labels, actor=None, ip=None):
    """Add an indicator with level labels [1..k] to a cycle."""
    errors = check_indicator(cycle, values, labels)
    if errors:
        raise CycleError(errors)
    fields = {f: values[f] for f in INDICATOR_FIELDS if f in values}
    if fields.get("position") is None:
        last = db.session.scalar(
            select(func.max(Indicator.position)).where(Indicator.cycle_id == cycle.id))
        fields["position"] = (last or 0) + 1
    indicator = Indicator(**fields)
    indicator.levels = [IndicatorLevel(level=n, label=t) for n, t in enumerate(labels, start=1)]
    cycle.indicators.append(indicator)
    db.session.flush()
    changes = {f: [None, audit_value(v)] for f, v in fields.items() if v not in (None, "")}
    changes.update({f"level_{n}": [None, t] for n, t in enumerate(labels, start=1)})
    audit.record("indicator_created", actor=actor, obj=indicator,
                 summary=f"{cycle.year} {indicator.code}", changes=changes, ip=ip)
    return indicator


def update_indicator(indicator, values, labels, actor=None, ip=None):
    """Change an indicator and its level labels (more labels add levels, fewer remove the top)."""
    errors = check_indicator(indicator.cycle, values, labels, indicator)
    if errors:
        raise CycleError(errors)
    changes = {}
    for field in INDICATOR_FIELDS:
        if field in values and not (field == "position" and values[field] is None):
            set_changed(indicator, field, values[field], changes)
    set_levels(indicator, labels, changes)
    db.session.flush()
    if changes:
        audit.record("indicator_updated", actor=actor, obj=indicator,
                     summary=f"{indicator.cycle.year} {indicator.code}", changes=changes, ip=ip)
    return changes


def delete_indicator(indicator, actor=None, ip=None):
    """Delete an indicator and its levels, unless something still uses it."""
    reasons = _usage(indicator)
    if reasons:
        raise CatalogueError(reasons)
    changes = {f: [audit_value(getattr(indicator, f)), None] for f in INDICATOR_FIELDS}
    changes.update({f"level_{lv.level}": [lv.label, None] for lv in indicator.levels})
    audit.record("indicator_deleted", actor=actor, obj=indicator,
                 summary=f"{indicator.cycle.year} {indicator.code}", changes=changes, ip=ip)
    indicator.cycle.indicators.remove(indicator)
    db.session.flush()
