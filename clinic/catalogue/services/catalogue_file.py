"""Catalogue files: reading the YAML safely, loading a cycle and its indicators from it."""
import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from clinic import audit
from clinic.catalogue.models import Cycle, Indicator
from clinic.catalogue.services.cycles import (record_created, replace_bands, year_taken,
                                              year_taken_message)
from clinic.catalogue.services.file_checks import FILE_DATES, read_date, validate_catalogue
from clinic.catalogue.services.indicators import set_levels
from clinic.catalogue.services.values import (CatalogueError, CycleError, parse_decimal,
                                              set_changed)
from clinic.extensions import db
from clinic.quoting import clip

MAX_FILE_BYTES = 256 * 1024  # ten times a full catalogue (about 24 KB)
MAX_PROBLEMS = 50  # listed on the page; the rest are counted


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
            set_changed(cycle, key, spec[key], changes, f"cycle.{key}")
    if "basic_service_urusan" in spec:
        set_changed(cycle, "basic_service_urusan", list(spec["basic_service_urusan"] or []),
                    changes, "cycle.basic_service_urusan")
    for key in ("count_points", "index_max"):
        if key in spec:
            set_changed(cycle, key, parse_decimal(spec[key]), changes, f"cycle.{key}")
    for key, column in FILE_DATES.items():
        if spec.get(key):
            set_changed(cycle, column, read_date(spec[key], key, []), changes, f"cycle.{column}")
    bands = [(b["name"], parse_decimal(b["floor"])) for b in spec.get("predicate_bands") or []]
    replace_bands(cycle, bands, changes)


def _apply_indicator(indicator, item, position, changes):
    values = {
        "aspect": item["aspect"], "number": item["number"], "sub": item.get("sub"),
        "variable": item.get("variable"), "name": item["name"], "name_en": item.get("name_en"),
        "weight": parse_decimal(item["weight"]), "is_mandatory": bool(item.get("mandatory")),
        "accepts_link": bool(item.get("accepts_link")),
        "evidence_hint": item.get("evidence_hint"),
        "evidence_source": item.get("evidence_source"),
        "evidence_confidence": item.get("evidence_confidence"),
        "position": item.get("position", position),
    }
    own = {}
    for field, value in values.items():
        set_changed(indicator, field, value, own)
    labels = [lv["label"] for lv in sorted(item["levels"], key=lambda lv: lv["level"])]
    set_levels(indicator, labels, own)
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


def create_cycle_from_file(data, year, name=None, actor=None, ip=None):
    """Create cycle ``year`` from a parsed catalogue file (CatalogueError lists every problem)."""
    if year_taken(year):
        raise CycleError({"year": [year_taken_message(year)]})
    cycle = load_catalogue(data, year, actor=actor, ip=ip)
    if name:
        cycle.name = name
    record_created(cycle, "file", actor, ip)
    return cycle
