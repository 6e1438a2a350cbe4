"""Checks of a parsed catalogue file: every problem is listed, in the file's own terms."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from clinic.catalogue.models import ASPECTS
from clinic.catalogue.services.cycles import band_problems
from clinic.catalogue.services.hints import research_note_problem
from clinic.catalogue.services.values import (BASIC_SERVICE_TOTAL, MAX_AMOUNT, MAX_LEVELS,
                                              amount_problem, parse_decimal)
from clinic.quoting import clip

FORMAT = "klinik-inovasi/catalogue-1"


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


def read_date(value, where, problems):
    """A date of the file (a YAML date or TTTT-BB-HH text); None and a problem otherwise."""
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
        read_date(spec.get(key), f"cycle {key}", problems)
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
        if isinstance(item.get("evidence_hint"), str):
            note = research_note_problem(item["evidence_hint"])
            if note:
                problems.append(_l("%(where)s evidence_hint: %(problem)s", where=where,
                                   problem=note))
        _text(item.get("evidence_source"), f"{where} evidence_source", problems, 5000)
        _text(item.get("evidence_confidence"), f"{where} evidence_confidence", problems, 40)
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
