"""Checks at delivery: a row is sent only if what it says is still right, and only when its kind
may be sent now.

The features whose mail goes stale register a check per kind (``register_delivery_check``)
when the application is built, so the outbox never imports them. A check returns None (send
it), ``Supersede(reason)`` (never send it: the data changed or its day is over) or
``Postpone(until)`` (not now, e.g. outside office hours; it stays pending until then).
"""
from dataclasses import dataclass
from datetime import datetime

_CHECKS = {}


@dataclass(frozen=True)
class Supersede:
    reason: str


@dataclass(frozen=True)
class Postpone:
    until: datetime


def register_delivery_check(kind, check):
    """Let delivery ask ``check(row, now)`` about every row of ``kind`` before sending it."""
    _CHECKS[kind] = check


def verdict(row, now):
    """None, Supersede or Postpone for ``row`` at ``now`` (aware, UTC)."""
    check = _CHECKS.get(row.kind)
    return check(row, now) if check is not None else None
