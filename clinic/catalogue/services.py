"""Cycle and catalogue rules: the current cycle, loading a catalogue file, predicate lookup."""
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update

from clinic import audit
from clinic.catalogue.models import ASPECTS, Cycle, Indicator, IndicatorLevel, PredicateBand
from clinic.extensions import db

FORMAT = "klinik-inovasi/catalogue-1"


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def current_cycle():
    return db.session.scalars(
        select(Cycle).where(Cycle.is_current).order_by(Cycle.year.desc())
    ).first()


def make_current(cycle, actor=None, ip=None):
    """Mark one cycle as the current one (and no other)."""
    db.session.execute(update(Cycle).where(Cycle.id != cycle.id).values(is_current=False))
    cycle.is_current = True
    audit.record("cycle_made_current", actor=actor, obj=cycle, summary=str(cycle.year), ip=ip)


def predicate_for(index, bands):
    """The name of the highest band whose floor the unrounded index reaches (>=)."""
    for band in sorted(bands, key=lambda b: Decimal(b.floor), reverse=True):
        if Decimal(index) >= Decimal(band.floor):
            return band.name
    return None


def _decimal(value, where, problems):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError):
        problems.append(f"{where}: '{value}' is not a number")
        return None
    if result < 0:
        problems.append(f"{where}: must not be negative")
    return result


def _date(value, where, problems):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: '{value}' is not a date (YYYY-MM-DD)")
        return None


def _check_indicators(items, problems):
    seen = set()
    for n, item in enumerate(items, start=1):
        where = f"indicator {n} ({item.get('code', '?')})"
        for key in ("code", "aspect", "number", "name", "weight"):
            if item.get(key) in (None, ""):
                problems.append(f"{where}: '{key}' is missing")
        if item.get("code") in seen:
            problems.append(f"{where}: code appears twice")
        seen.add(item.get("code"))
        if item.get("aspect") not in ASPECTS:
            problems.append(f"{where}: aspect must be SPD or SID")
        _decimal(item.get("weight"), f"{where} weight", problems)
        levels = [lv.get("level") for lv in item.get("levels") or []]
        if not levels or sorted(levels) != list(range(1, len(levels) + 1)):
            problems.append(f"{where}: levels must be numbered 1, 2, 3 ...")


def validate_catalogue(data, year):
    """Return the list of problems of a parsed catalogue file (empty when it can be loaded)."""
    problems = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"not a catalogue file (expected format: {FORMAT})"]
    spec = data.get("cycle") or {}
    if spec.get("year") not in (None, year):
        problems.append(f"the file is for cycle {spec.get('year')}, not {year}")
    for key in ("count_points", "index_max"):
        if key in spec:
            _decimal(spec[key], f"cycle {key}", problems)
    for key in ("implementation_from", "implementation_to"):
        _date(spec.get(key), f"cycle {key}", problems)
    bands = spec.get("predicate_bands") or []
    if not bands:
        problems.append("cycle predicate_bands: at least one band is needed")
    for band in bands:
        if not band.get("name"):
            problems.append("a predicate band has no name")
        _decimal(band.get("floor"), f"band {band.get('name')}", problems)
    target = spec.get("target_predicate")
    if target and target not in {b.get("name") for b in bands}:
        problems.append(f"target predicate '{target}' is not one of the bands")
    _check_indicators(data.get("indicators") or [], problems)
    return problems


def _apply_cycle(cycle, spec):
    simple = ("name", "divisor_min", "basic_service_min", "basic_service_urusan", "count_cap",
              "design_min_words", "target_predicate")
    for key in simple:
        if key in spec:
            setattr(cycle, key, spec[key])
    for key in ("count_points", "index_max"):
        if key in spec:
            setattr(cycle, key, Decimal(str(spec[key])))
    if spec.get("implementation_from"):
        cycle.implementation_from_on = date.fromisoformat(str(spec["implementation_from"]))
    if spec.get("implementation_to"):
        cycle.implementation_to_on = date.fromisoformat(str(spec["implementation_to"]))
    cycle.bands = [PredicateBand(name=b["name"], floor=Decimal(str(b["floor"])))
                   for b in spec.get("predicate_bands", [])]


def _apply_indicator(indicator, item, position):
    indicator.aspect = item["aspect"]
    indicator.number = int(item["number"])
    indicator.sub = item.get("sub")
    indicator.variable = item.get("variable")
    indicator.name = item["name"]
    indicator.name_en = item.get("name_en")
    indicator.weight = Decimal(str(item["weight"]))
    indicator.is_mandatory = bool(item.get("mandatory"))
    indicator.accepts_link = bool(item.get("accepts_link"))
    indicator.evidence_hint = item.get("evidence_hint")
    indicator.position = int(item.get("position", position))
    labels = {int(lv["level"]): lv["label"] for lv in item["levels"]}
    by_level = {lv.level: lv for lv in indicator.levels}
    for level, label in labels.items():
        if level in by_level:
            by_level[level].label = label
        else:
            indicator.levels.append(IndicatorLevel(level=level, label=label))
    for level, row in by_level.items():
        if level not in labels:
            indicator.levels.remove(row)


def load_catalogue(data, year, actor=None):
    """Create or update cycle ``year`` and its indicators from a parsed catalogue file.

    Indicators are matched by code, so reloading a corrected file updates them in place.
    Raises CatalogueError listing every problem; nothing is changed then.
    """
    problems = validate_catalogue(data, year)
    if problems:
        raise CatalogueError(problems)
    cycle = db.session.scalars(select(Cycle).where(Cycle.year == year)).first()
    created = cycle is None
    if created:
        cycle = Cycle(year=year, name=f"IID {year}")
        db.session.add(cycle)
    _apply_cycle(cycle, data.get("cycle") or {})
    existing = {ind.code: ind for ind in cycle.indicators}
    for position, item in enumerate(data.get("indicators") or [], start=1):
        indicator = existing.get(item["code"])
        if indicator is None:
            indicator = Indicator(code=item["code"])
            cycle.indicators.append(indicator)
        _apply_indicator(indicator, item, position)
    db.session.flush()
    audit.record("catalogue_loaded", actor=actor, obj=cycle,
                 summary=f"{year}: {len(data.get('indicators') or [])} indicators")
    return cycle
