"""Short quotes of user input in messages, so an error or a flash never grows with the input."""
import reprlib

from flask_babel import lazy_gettext as _l

QUOTE_MAX = 60
LIST_SHOWN = 5

# Containers are shown through reprlib, which visits only a few items of a few levels: str() of
# a structure built from nested YAML aliases would take minutes and gigabytes before any cut.
_brief = reprlib.Repr()
_brief.maxlevel, _brief.maxlist, _brief.maxtuple, _brief.maxdict = 2, 3, 3, 3
_brief.maxset, _brief.maxfrozenset, _brief.maxstring, _brief.maxother = 3, 3, 20, 20
CONTAINERS = (list, tuple, dict, set, frozenset)


def clip(value, limit=QUOTE_MAX):
    """Return ``value`` as text of at most ``limit`` characters, cut with an ellipsis."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, CONTAINERS):
        text = _brief.repr(value)
    else:
        try:
            text = str(value)
        except ValueError:  # an int of more digits than Python converts to text
            text = type(value).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def clip_list(items, shown=LIST_SHOWN, limit=QUOTE_MAX):
    """'a, b, c, … dan 2997 lainnya': the first items, each clipped, then how many are left."""
    items = list(items)
    head = ", ".join(clip(item, limit) for item in items[:shown])
    if len(items) <= shown:
        return head
    return _l("%(items)s, … dan %(n)s lainnya", items=head, n=len(items) - shown)
