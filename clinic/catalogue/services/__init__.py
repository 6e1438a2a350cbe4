"""Cycle and catalogue rules: the current cycle, editing cycles and indicators, loading files.

Every function here takes its actor and ip explicitly, adds and flushes, and never commits: the
caller (view, CLI command or seed) owns the transaction. A refusal raises CycleError (edits, with
messages per form field) or CatalogueError (a file or a deletion, with a list of problems) before
anything is changed. The rooms: ``values`` (limits, refusals, numbers), ``cycles``,
``indicators``, ``file_checks``, ``catalogue_file`` (YAML files) and ``hints`` (what a contact
reads versus the staff-only research note); their public names are here.
"""
from clinic.catalogue.services.catalogue_file import (
    MAX_FILE_BYTES, MAX_PROBLEMS, SAFE_LOADER, create_cycle_from_file, load_catalogue,
    read_catalogue_file,
)
from clinic.catalogue.services.cycles import (
    band_problems, check_cycle, copy_cycle, create_cycle, current_cycle, cycle_summaries,
    make_current, predicate_for, update_cycle, year_taken_message,
)
from clinic.catalogue.services.file_checks import FORMAT, validate_catalogue
from clinic.catalogue.services.hints import cleaned, research_note_problem
from clinic.catalogue.services.indicators import (
    catalogue_totals, check_indicator, create_indicator, delete_indicator, find_indicators,
    referencing_rows, update_indicator,
)
from clinic.catalogue.services.values import (
    BASIC_SERVICE_TOTAL, COPIED_FIELDS, CYCLE_FIELDS, INDICATOR_FIELDS, MAX_AMOUNT, MAX_LEVELS,
    REMINDER_FIELDS, CatalogueError, CycleError, Shown, amount_problem, parse_decimal,
)

__all__ = [
    "BASIC_SERVICE_TOTAL", "COPIED_FIELDS", "CYCLE_FIELDS", "FORMAT", "INDICATOR_FIELDS",
    "MAX_AMOUNT", "MAX_FILE_BYTES", "MAX_LEVELS", "MAX_PROBLEMS", "REMINDER_FIELDS",
    "SAFE_LOADER", "CatalogueError", "CycleError", "Shown", "amount_problem", "band_problems",
    "catalogue_totals", "check_cycle", "cleaned", "check_indicator", "copy_cycle", "create_cycle",
    "create_cycle_from_file", "create_indicator", "current_cycle", "cycle_summaries",
    "delete_indicator", "find_indicators", "load_catalogue", "make_current", "parse_decimal",
    "predicate_for", "read_catalogue_file", "research_note_problem", "referencing_rows", "update_cycle",
    "update_indicator", "validate_catalogue", "year_taken_message",
]
