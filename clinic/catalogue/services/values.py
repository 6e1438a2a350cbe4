"""Values of the catalogue: its limits and fields, its refusals, numbers and audited changes."""
import re
from datetime import date, time
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from clinic.errors import DomainError

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
    "accepts_link", "evidence_hint", "evidence_source", "evidence_confidence", "position",
)


class CatalogueError(DomainError):
    """A catalogue file that cannot be loaded (or a refused deletion); ``problems`` lists why.

    Its message is the first problem; a page shows them all (``refusals``).
    """

    def __init__(self, problems):
        super().__init__(problems[0] if problems else "")
        self.problems = problems

    def __str__(self):
        return "; ".join(str(p) for p in self.problems)

    def refusals(self):
        """Each problem as a DomainError of its own, for ``web.refuse``."""
        return [DomainError(problem) for problem in self.problems]


class CycleError(DomainError):
    """Refused edit of a cycle or indicator; ``errors`` maps a form field name to messages.

    Its message and field are the first of them; a page shows them all (``refusals``).
    """

    def __init__(self, errors):
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field)
        self.errors = errors

    def __str__(self):
        return "; ".join(f"{k}: {m}" for k, msgs in self.errors.items() for m in msgs)

    def refusals(self):
        """Each message as a DomainError of its own, by its field, for ``web.refuse``."""
        return [DomainError(message, field) for field, messages in self.errors.items()
                for message in messages]


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


def audit_value(value):
    """A JSON-safe form of a column value for the audit log."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [audit_value(v) for v in value]
    return value


def set_changed(obj, attr, value, changes, key=None):
    """Set one attribute and note [old, new] in ``changes`` when the value really changes."""
    old = getattr(obj, attr)
    if old == value or (old is None and value == "") or (old == "" and value is None):
        return
    setattr(obj, attr, value)
    changes[key or attr] = [audit_value(old), audit_value(value)]
