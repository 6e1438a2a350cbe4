"""The coaching session a task comes from, reached through rules that coaching registers here.

Coaching sits above follow-ups (it turns its findings into tasks), so follow-ups never import
it: clinic/coaching/access.py registers the session rules below when coaching is imported,
which create_app does before any request.
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class SessionRules:
    """What follow-ups need to know of a coaching session, each the session's own rule."""

    # (session_id, user, skpd_column) -> SQL: the session's rows ``user`` may see.
    rows_clause: Callable
    # (user, skpd_id) -> the sessions with that SKPD that ``user`` may link a task to.
    linkable: Callable
    # (session_id, user) -> a session ``user`` may change; 404 beyond their reach.
    get_editable_or_404: Callable


_registered = {}


def register_session_rules(rules):
    """Let the coaching feature give follow-ups its session rules (a SessionRules)."""
    _registered["session"] = rules


def session_rules():
    """The registered SessionRules."""
    try:
        return _registered["session"]
    except KeyError:
        raise LookupError("no session rules: clinic.coaching registers them on import") from None
