"""Evidence hints: what a contact reads is an Indonesian instruction, never a research note.

The research behind a hint (its English note, sources and confidence) belongs in the staff-only
fields ``evidence_source`` and ``evidence_confidence``; these checks keep it out of the hint,
in the indicator form, in catalogue files and in the migration that cleaned existing rows.
"""
import re
from functools import lru_cache
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

SHIPPED = Path(__file__).resolve().parents[3] / "data" / "catalogue" / "iid-2026.yaml"

# Provenance written into a hint: "(unconfirmed; per repo note ...)", "per JSON_70291004433 note".
_NOTE = re.compile(
    r"unconfirmed|\b(?:JSON|EVT|SELAYAR)_\d+|\brepo note\b|\bper (?:repo|the|JSON_|[A-Z]+_\d)"
    r"|\(derived\)|, derived\)", re.IGNORECASE)
# A parenthesis or trailing clause that carries such a note, to take out of an English hint.
_NOTE_PART = re.compile(r"\s*\([^()]*(?:unconfirmed|per repo|JSON_|derived)[^()]*\)"
                        r"|\s*--\s*per [^;]*(?:;\s*unconfirmed)?", re.IGNORECASE)
_ENGLISH = frozenset({"the", "of", "and", "or", "with", "showing", "from", "for", "to", "by",
                      "which", "that", "stating", "containing", "including", "last"})
NOTE_IN_HINT = _l(
    "Petunjuk ini dibaca Operator SKPD. Catatan riset (mis. “unconfirmed”, “per repo note”, kode "
    "sumber seperti JSON_…) ditulis di kolom Sumber dan catatan riset (hanya staf).")


def research_note_problem(text):
    """Why ``text`` cannot be a contact's hint (a research note in it), or None."""
    if text and _NOTE.search(text):
        return NOTE_IN_HINT
    return None


def looks_english(text):
    """Whether a hint reads as English prose (two or more English function words)."""
    words = set(re.findall(r"[a-z]+", (text or "").lower()))
    return len(words & _ENGLISH) >= 2


def without_research_notes(text):
    """``text`` with its provenance parentheses and "-- per ..." clauses taken out."""
    return " ".join(_NOTE_PART.sub("", text or "").split())


@lru_cache(maxsize=1)
def shipped_hints():
    """{code: (hint, source, confidence)} of the shipped catalogue (both years share them)."""
    if not SHIPPED.exists():
        return {}  # no shipped file (a trimmed install): existing hints only lose their notes
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    return {item["code"]: (item.get("evidence_hint"), item.get("evidence_source"),
                           item.get("evidence_confidence"))
            for item in data.get("indicators") or []}


def cleaned(code, hint, source, confidence):
    """The (hint, source, confidence) an existing row should have: notes moved out of the hint.

    A hint with a research note or in English becomes the shipped Indonesian instruction of its
    code (its note going to ``source``); a hint of an unknown code only loses its notes. Rows
    already clean, or whose staff fields are already filled, are returned unchanged.
    """
    if not hint or source or not (research_note_problem(hint) or looks_english(hint)):
        return hint, source, confidence
    shipped = shipped_hints().get(code)
    if shipped is not None:
        new_hint, new_source, new_confidence = shipped
        flat = " ".join(hint.split())
        if not new_source or flat not in " ".join(new_source.split()):
            new_source = f"Catatan riset: {flat}" + (f" | {new_source}" if new_source else "")
        return new_hint, new_source, confidence or new_confidence
    stripped = without_research_notes(hint)
    if stripped == " ".join(hint.split()):
        return hint, source, confidence  # English, but no note to move: staff must rewrite it
    return stripped or None, f"Catatan riset: {' '.join(hint.split())}", confidence
