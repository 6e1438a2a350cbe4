"""Bounded integers for ids and page numbers read from URLs, query strings and forms."""
from werkzeug.routing import IntegerConverter

# Primary keys are INTEGER on PostgreSQL and MariaDB: a larger number in a query is an error
# there (and an OverflowError on SQLite past 64 bits), so it must never reach the database.
MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def bounded_int(value):
    """Return ``value`` as a whole number in 0..MAX_ID; raise ValueError otherwise.

    Usable as ``request.args.get("skpd", type=bounded_int)``: a bad value reads as absent.
    """
    text = str(value).strip()
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses.
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > _MAX_DIGITS:
        raise ValueError(f"not an id: {text[:30]!r}")
    number = int(text)
    if number > MAX_ID:
        raise ValueError(f"not an id: {text[:30]!r}")
    return number


def parse_id(value):
    """Return ``value`` as an id, or None when it is missing, not a number or out of range."""
    try:
        return bounded_int(value)
    except (TypeError, ValueError):
        return None


class BoundedIntConverter(IntegerConverter):
    """The ``<int:...>`` of every rule: a number no row can have does not match (a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        # A rule may ask for a lower maximum, never a higher one.
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bound, signed)
