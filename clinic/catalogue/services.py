"""Cycle and catalogue rules: the current cycle, editing cycles and indicators, loading files.

Every function here takes its actor and ip explicitly, adds and flushes, and never commits: the
caller (view, CLI command or seed) owns the transaction. A refusal raises CycleError (edits, with
messages per form field) or CatalogueError (a file or a deletion, with a list of problems) before
anything is changed.
"""
import re
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import yaml
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from clinic import audit
from clinic.catalogue.models import ASPECTS, Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.extensions import db
from clinic.quoting import clip

FORMAT = "klinik-inovasi/catalogue-1"
MAX_FILE_BYTES = 256 * 1024  # ten times a full catalogue (about 24 KB)
MAX_PROBLEMS = 50  # listed on the page; the rest are counted
MAX_LEVELS = 5
MAX_AMOUNT = Decimal("9999.99")  # Numeric(6, 2) columns: weights, floors, points per innovation
BASIC_SERVICE_TOTAL = 6
CYCLE_FIELDS = (
    "year", "name", "internal_deadline_on", "portal_opens_on", "portal_closes_on", "divisor_min",
    "basic_service_min", "basic_service_urusan", "count_points", "count_cap", "index_max",
    "implementation_from_on", "implementation_to_on", "design_min_words", "target_predicate",
    "timezone", "notes",
)
# The reminder rules (clinic.reminders.planner), saved only when the page posted them.
REMINDER_FIELDS = (
    "reminders_enabled", "digest_at", "digest_task_days", "digest_session_days",
    "session_reminder_day_before", "session_reminder_hours", "countdown_days",
    "escalation_overdue_days", "escalation_weekday", "summary_weekday",
)
# Settings a copied cycle inherits; dates of the yearly calendar are set anew each year.
COPIED_FIELDS = (
    "divisor_min", "basic_service_min", "basic_service_urusan", "count_points", "count_cap",
    "index_max", "design_min_words", "target_predicate", "timezone",
)
INDICATOR_FIELDS = (
    "code", "aspect", "number", "sub", "variable", "name", "name_en", "weight", "is_mandatory",
    "accepts_link", "evidence_hint", "position",
)
# Names of tables that point at indicators, for the message that refuses a deletion.
USAGE_LABELS = {"report_items": _l("butir laporan")}


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded (or a refused deletion); ``problems`` lists why."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems

    def __str__(self):
        return "; ".join(str(p) for p in self.problems)


class AliasRefused(yaml.YAMLError):
    """A YAML anchor or alias in a catalogue file; ``mark`` says where."""

    def __init__(self, mark):
        super().__init__(mark)
        self.mark = mark


class CatalogueLoader(yaml.SafeLoader):
    """The safe YAML loader without anchors and aliases (&name, *name).

    A catalogue has no use for them, and nested aliases let a few hundred bytes expand into
    gigabytes ("billion laughs") before any check can look at the values.
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


SAFE_LOADER = CatalogueLoader


class CycleError(ValueError):
    """Refused edit of a cycle or indicator; ``errors`` maps a form field name to messages."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors

    def __str__(self):
        return "; ".join(f"{k}: {m}" for k, msgs in self.errors.items() for m in msgs)


# ---------------------------------------------------------------- reading values

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parse_decimal(value):
    """Read '65,01', '65.01', '1.234,5' or a YAML number as a Decimal; ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, (str, float, Decimal)):
        raise ValueError(value)  # a list or mapping is no number, and its str() may be huge
    text = repr(value) if isinstance(value, float) else str(value)
    text = text.strip().replace(" ", "")
    if "," in text and "." in text:
        # The separator written last is the decimal one; the other groups thousands.
        point, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        text = text.replace(group, "").replace(point, ".")
    else:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(value)
    return Decimal(text)


class Shown:
    """A number in a message, written the reader's way ('65,01') when the message is shown."""

    def __init__(self, value):
        self.value = value

    def __str__(self):
        return format_decimal(self.value, format="#,##0.##")


def amount_problem(value, minimum=Decimal(0), maximum=MAX_AMOUNT):
    """Why a decimal cannot be stored with two places between the bounds (None when it can)."""
    if value < minimum:
        return (_l("Tidak boleh negatif.") if minimum == 0
                else _l("Harus paling sedikit %(min)s.", min=Shown(minimum)))
    if value > maximum:
        return _l("Terlalu besar (paling banyak %(max)s).", max=Shown(maximum))
    if value.as_tuple().exponent < -2:
        return _l("Paling banyak dua angka di belakang koma.")
    return None


def _json(value):
    """A JSON-safe form of a column value for the audit log."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def _set(obj, attr, value, changes, key=None):
    """Set one attribute and note [old, new] in ``changes`` when the value really changes."""
    old = getattr(obj, attr)
    if old == value or (old is None and value == "") or (old == "" and value is None):
        return
    setattr(obj, attr, value)
    changes[key or attr] = [_json(old), _json(value)]


def _shift_years(day, years):
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------- cycles

def current_cycle():
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


def _year_taken(year, cycle=None):
    stmt = select(Cycle.id).where(Cycle.year == year)
    if cycle is not None and cycle.id is not None:
        stmt = stmt.where(Cycle.id != cycle.id)
    return db.session.scalar(stmt) is not None


def year_taken_message(year):
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

    if values.get("year") is not None and _year_taken(values["year"], cycle):
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


def _replace_bands(cycle, bands, changes):
    old = [(b.name, Decimal(b.floor)) for b in cycle.bands]
    new = sorted(bands, key=lambda b: b[1], reverse=True)
    if sorted(old, key=lambda b: b[1], reverse=True) == new:
        return
    # Delete first and flush: the new rows may reuse names the unique constraint still holds.
    cycle.bands.clear()
    db.session.flush()
    for name, floor in new:
        cycle.bands.append(PredicateBand(name=name, floor=floor))
    changes["bands"] = [[[n, _json(f)] for n, f in old], [[n, _json(f)] for n, f in new]]


def update_cycle(cycle, values, bands, actor=None, ip=None):
    """Change a cycle's settings and predicate bands [(name, floor)]; return the changes."""
    errors = check_cycle(values, bands, cycle)
    if errors:
        raise CycleError(errors)
    changes = {}
    for field in CYCLE_FIELDS + REMINDER_FIELDS:
        if field in values:
            _set(cycle, field, values[field], changes)
    _replace_bands(cycle, bands, changes)
    db.session.flush()
    if changes:
        audit.record("cycle_updated", actor=actor, obj=cycle, summary=cycle.name,
                     changes=changes, ip=ip)
    return changes


def _new_cycle(year, name, **fields):
    if _year_taken(year):
        raise CycleError({"year": [year_taken_message(year)]})
    cycle = Cycle(year=year, name=name or f"IID {year}", **fields)
    db.session.add(cycle)
    return cycle


def _record_created(cycle, source, actor, ip):
    db.session.flush()
    audit.record("cycle_created", actor=actor, obj=cycle, summary=f"{cycle.name} ({source})",
                 changes={"year": [None, cycle.year], "name": [None, cycle.name],
                          "source": [None, source]}, ip=ip)


def create_cycle(year, name=None, timezone=None, actor=None, ip=None):
    """Create an empty cycle (no indicators, no bands yet)."""
    cycle = _new_cycle(year, name, **({"timezone": timezone} if timezone else {}))
    _record_created(cycle, "empty", actor, ip)
    return cycle


def copy_cycle(source, year, name=None, actor=None, ip=None):
    """Create cycle ``year`` with the settings, bands and indicator catalogue of ``source``."""
    cycle = _new_cycle(year, name)
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
    _record_created(cycle, f"copy of {source.year}", actor, ip)
    return cycle


def create_cycle_from_file(data, year, name=None, actor=None, ip=None):
    """Create cycle ``year`` from a parsed catalogue file (CatalogueError lists every problem)."""
    if _year_taken(year):
        raise CycleError({"year": [year_taken_message(year)]})
    cycle = load_catalogue(data, year, actor=actor, ip=ip)
    if name:
        cycle.name = name
    _record_created(cycle, "file", actor, ip)
    return cycle


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


def _set_levels(indicator, labels, changes):
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
    changes = {f: [None, _json(v)] for f, v in fields.items() if v not in (None, "")}
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
            _set(indicator, field, values[field], changes)
    _set_levels(indicator, labels, changes)
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
    changes = {f: [_json(getattr(indicator, f)), None] for f in INDICATOR_FIELDS}
    changes.update({f"level_{lv.level}": [lv.label, None] for lv in indicator.levels})
    audit.record("indicator_deleted", actor=actor, obj=indicator,
                 summary=f"{indicator.cycle.year} {indicator.code}", changes=changes, ip=ip)
    indicator.cycle.indicators.remove(indicator)
    db.session.flush()


# ---------------------------------------------------------------- catalogue files

def read_catalogue_file(stream, limit=MAX_FILE_BYTES):
    """Parse an uploaded or local catalogue file (binary stream); CatalogueError if unreadable."""
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise CatalogueError([_l("Berkas terlalu besar (paling besar %(n)s KB).",
                                 n=limit // 1024)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError([_l("Berkas harus berupa teks UTF-8 (YAML).")]) from exc
    try:
        return yaml.load(text, Loader=CatalogueLoader)
    except AliasRefused as exc:
        raise CatalogueError([_l(
            "Berkas memakai anchor atau alias YAML (&nama, *nama) di baris %(line)s. Tulis "
            "setiap nilai lengkap di tempatnya; anchor dan alias tidak diterima.",
            line=exc.mark.line + 1)]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise CatalogueError([_l("Berkas bukan YAML yang sah (baris %(line)s).", line=line)]
                             ) from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # The YAML loader builds dates and numbers itself (e.g. 2026-02-30 is refused here).
        raise CatalogueError([_l("Berkas berisi nilai yang tidak dapat dibaca: %(error)s",
                                 error=clip(exc))]) from exc


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value, where, problems, limit, required=False):
    if value in (None, ""):
        if required:
            problems.append(_l("%(where)s: wajib diisi.", where=where))
        return
    if not isinstance(value, str):
        problems.append(_l("%(where)s: harus berupa teks.", where=where))
    elif len(value) > limit:
        problems.append(_l("%(where)s: paling banyak %(n)s karakter.", where=where, n=limit))


def _int(value, where, problems, low, high):
    if value is None:
        return
    if not _is_int(value) or not low <= value <= high:
        problems.append(_l("%(where)s: '%(value)s' harus bilangan bulat %(low)s sampai %(high)s.",
                           where=where, value=clip(value), low=low, high=high))


def _decimal(value, where, problems, minimum=Decimal(0), maximum=MAX_AMOUNT):
    try:
        result = parse_decimal(value)
    except ValueError:
        problems.append(_l("%(where)s: '%(value)s' bukan angka.", where=where,
                           value=clip(value)))
        return None
    problem = amount_problem(result, minimum, maximum)
    if problem:
        problems.append(_l("%(where)s: %(problem)s", where=where, problem=problem))
    return result


def _date(value, where, problems):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        problems.append(_l("%(where)s: '%(value)s' bukan tanggal (TTTT-BB-HH).",
                           where=where, value=clip(value)))
        return None


# File keys of the cycle's dates, and the columns they fill.
FILE_DATES = {
    "internal_deadline": "internal_deadline_on", "portal_opens": "portal_opens_on",
    "portal_closes": "portal_closes_on", "implementation_from": "implementation_from_on",
    "implementation_to": "implementation_to_on",
}


def _check_cycle_spec(spec, problems):
    _text(spec.get("name"), "cycle name", problems, 120)
    _text(spec.get("target_predicate"), "cycle target_predicate", problems, 60)
    _text(spec.get("notes"), "cycle notes", problems, 5000)
    for key, low, high in (("divisor_min", 1, 1000), ("basic_service_min", 0, BASIC_SERVICE_TOTAL),
                           ("count_cap", 0, 100000), ("design_min_words", 0, 100000)):
        _int(spec.get(key), f"cycle {key}", problems, low, high)
    if "count_points" in spec:
        _decimal(spec["count_points"], "cycle count_points", problems)
    if "index_max" in spec:
        _decimal(spec["index_max"], "cycle index_max", problems, Decimal("0.01"),
                 Decimal("99999.99"))
    for key in FILE_DATES:
        _date(spec.get(key), f"cycle {key}", problems)
    urusan = spec.get("basic_service_urusan")
    if urusan is not None and (not isinstance(urusan, list)
                               or not all(isinstance(u, str) and u.strip() for u in urusan)):
        problems.append(_l("cycle basic_service_urusan: harus daftar nama urusan."))
    if spec.get("timezone") is not None:
        try:
            if not isinstance(spec["timezone"], str):
                raise ValueError(spec["timezone"])
            ZoneInfo(spec["timezone"])
        except (ValueError, KeyError, OSError):
            problems.append(_l("cycle timezone: '%(tz)s' bukan zona waktu.",
                               tz=clip(spec["timezone"])))
    bands = spec.get("predicate_bands")
    if not isinstance(bands, list) or not all(isinstance(b, dict) for b in bands):
        problems.append(_l("cycle predicate_bands: harus daftar predikat (name, floor)."))
        bands = []
    parsed = []
    for band in bands:
        name = band.get("name")
        _text(name, "predicate_bands name", problems, 60, required=True)
        floor = _decimal(band.get("floor"), f"predicate_bands {clip(name)}", problems,
                         maximum=Decimal(100))
        if isinstance(name, str) and name:
            parsed.append((name, floor))
    problems.extend(band_problems(parsed))
    target = spec.get("target_predicate")
    # Only text is looked up: a list or mapping here is unhashable (and reported by _text).
    if isinstance(target, str) and target and target not in {name for name, _ in parsed}:
        problems.append(_l("Target predikat '%(target)s' tidak ada di daftar predikat.",
                           target=clip(target)))


def _check_levels(levels, where, problems):
    if not isinstance(levels, list) or not all(isinstance(lv, dict) for lv in levels):
        problems.append(_l("%(where)s: levels harus daftar (level, label).", where=where))
        return
    numbers = [lv.get("level") for lv in levels]
    if (not numbers or not all(_is_int(n) for n in numbers)
            or sorted(numbers) != list(range(1, len(numbers) + 1)) or len(numbers) > MAX_LEVELS):
        problems.append(_l("%(where)s: tingkat harus bernomor 1, 2, 3 ... (paling banyak "
                           "%(n)s).", where=where, n=MAX_LEVELS))
    for lv in levels:
        _text(lv.get("label"), f"{where} level {clip(lv.get('level'))}", problems, 255,
              required=True)


def _check_indicators(items, problems):
    if items is None:
        return
    if not isinstance(items, list):
        problems.append(_l("indicators: harus daftar indikator."))
        return
    seen = set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(_l("Indikator ke-%(n)s: bukan pemetaan (kunci: nilai).", n=n))
            continue
        code = item.get("code")
        where = f"{clip(code or '?')} (#{n})"
        _text(code, f"{where} code", problems, 16, required=True)
        if isinstance(code, str) and code:
            if code.casefold() in seen:
                problems.append(_l("%(where)s: kode dipakai lebih dari sekali.", where=where))
            seen.add(code.casefold())
        if item.get("aspect") not in ASPECTS:
            problems.append(_l("%(where)s: aspect harus SPD atau SID.", where=where))
        if item.get("number") is None:
            problems.append(_l("%(where)s: number wajib diisi.", where=where))
        _int(item.get("number"), f"{where} number", problems, 1, 999)
        _int(item.get("position"), f"{where} position", problems, 0, 10000)
        _text(item.get("sub"), f"{where} sub", problems, 2)
        _text(item.get("variable"), f"{where} variable", problems, 80)
        _text(item.get("name"), f"{where} name", problems, 255, required=True)
        _text(item.get("name_en"), f"{where} name_en", problems, 255)
        _text(item.get("evidence_hint"), f"{where} evidence_hint", problems, 5000)
        if item.get("weight") is None:
            problems.append(_l("%(where)s: weight wajib diisi.", where=where))
        else:
            _decimal(item.get("weight"), f"{where} weight", problems)
        _check_levels(item.get("levels"), where, problems)


def validate_catalogue(data, year):
    """Return the list of problems of a parsed catalogue file (empty when it can be loaded)."""
    if not isinstance(data, dict):
        return [_l("Bukan berkas katalog (format yang diharapkan: %(format)s).", format=FORMAT)]
    problems = []
    if data.get("format") != FORMAT:
        problems.append(_l("Kunci format harus '%(format)s', bukan '%(found)s'.",
                           format=FORMAT, found=clip(data.get("format"))))
    spec = data.get("cycle")
    if not isinstance(spec, dict):
        problems.append(_l("Bagian 'cycle' tidak ada atau bukan pemetaan (kunci: nilai)."))
        spec = {}
    if spec.get("year") is not None and clip(spec.get("year")) != str(year):
        problems.append(_l("Berkas ini untuk siklus %(found)s, bukan %(year)s.",
                           found=clip(spec.get("year")), year=year))
    _check_cycle_spec(spec, problems)
    _check_indicators(data.get("indicators"), problems)
    return problems


def _listed(problems):
    # A file of thousands of bad lines would otherwise give a page many times its own size.
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [_l("… dan %(n)s masalah lainnya.",
                                         n=len(problems) - MAX_PROBLEMS)]


def _apply_cycle(cycle, spec, changes):
    simple = ("name", "divisor_min", "basic_service_min", "count_cap", "design_min_words",
              "target_predicate", "timezone", "notes")
    for key in simple:
        if key in spec:
            _set(cycle, key, spec[key], changes, f"cycle.{key}")
    if "basic_service_urusan" in spec:
        _set(cycle, "basic_service_urusan", list(spec["basic_service_urusan"] or []), changes,
             "cycle.basic_service_urusan")
    for key in ("count_points", "index_max"):
        if key in spec:
            _set(cycle, key, parse_decimal(spec[key]), changes, f"cycle.{key}")
    for key, column in FILE_DATES.items():
        if spec.get(key):
            _set(cycle, column, _date(spec[key], key, []), changes, f"cycle.{column}")
    bands = [(b["name"], parse_decimal(b["floor"])) for b in spec.get("predicate_bands") or []]
    _replace_bands(cycle, bands, changes)


def _apply_indicator(indicator, item, position, changes):
    values = {
        "aspect": item["aspect"], "number": item["number"], "sub": item.get("sub"),
        "variable": item.get("variable"), "name": item["name"], "name_en": item.get("name_en"),
        "weight": parse_decimal(item["weight"]), "is_mandatory": bool(item.get("mandatory")),
        "accepts_link": bool(item.get("accepts_link")),
        "evidence_hint": item.get("evidence_hint"),
        "position": item.get("position", position),
    }
    own = {}
    for field, value in values.items():
        _set(indicator, field, value, own)
    labels = [lv["label"] for lv in sorted(item["levels"], key=lambda lv: lv["level"])]
    _set_levels(indicator, labels, own)
    changes.update({f"{indicator.code}.{k}": v for k, v in own.items()})


def load_catalogue(data, year, actor=None, ip=None):
    """Create or update cycle ``year`` and its indicators from a parsed catalogue file.

    Indicators are matched by code, so reloading a corrected file updates them in place;
    indicators missing from the file are kept. Raises CatalogueError listing every problem;
    nothing is changed then.
    """
    problems = validate_catalogue(data, year)
    if problems:
        raise CatalogueError(_listed(problems))
    cycle = db.session.scalars(select(Cycle).where(Cycle.year == year)).first()
    if cycle is None:
        cycle = Cycle(year=year, name=f"IID {year}")
        db.session.add(cycle)
    changes = {}
    _apply_cycle(cycle, data.get("cycle") or {}, changes)
    existing = {ind.code: ind for ind in cycle.indicators}
    for position, item in enumerate(data.get("indicators") or [], start=1):
        indicator = existing.get(item["code"])
        if indicator is None:
            indicator = Indicator(code=item["code"])
            cycle.indicators.append(indicator)
            changes[f"{item['code']}"] = [None, "added"]
        _apply_indicator(indicator, item, position, changes)
    db.session.flush()
    audit.record("catalogue_loaded", actor=actor, obj=cycle, changes=changes or None, ip=ip,
                 summary=f"{year}: {len(data.get('indicators') or [])} indicators")
    return cycle
