"""Dedupe keys of planned mail, shared by the planner and by the changes that supersede it.

A key starts with what its content is about (``digest:<skpd>:``, ``session:<session>:``), so
that a change of that thing finds every pending row it makes wrong with one prefix.
"""

# Kinds of planned mail that list an SKPD's open work, and the prefix word of their keys.
SKPD_DIGEST = "digest"
SKPD_COUNTDOWN = "countdown"
SKPD_ESCALATION = "escalation"


def digest(skpd_id, contact_id, day):
    return f"{SKPD_DIGEST}:{skpd_id}:{contact_id}:{day.isoformat()}"


def countdown(skpd_id, cycle_id, days, contact_id):
    return f"{SKPD_COUNTDOWN}:{skpd_id}:{cycle_id}:{days}:{contact_id}"


def escalation(skpd_id, week, recipient=None):
    """One per SKPD and ISO week; ``recipient`` (e.g. ``staff:3``) when several get their own."""
    key = f"{SKPD_ESCALATION}:{skpd_id}:{week}"
    return f"{key}:{recipient}" if recipient else key


def session_reminder(session_id, user_id, label, start):
    """``start`` (aware) is in the key: a moved session is a new decision, not the old one."""
    return f"session:{session_id}:{user_id}:{label}:{start.isoformat()}"


def session_prefix(session_id):
    """Every key about one session: invitations, cancellations and reminders."""
    return f"session:{session_id}:"


def task_prefix(task_id):
    """Every key about one follow-up task (its owner's "assigned to you" mail)."""
    return f"task:{task_id}:"


def skpd_prefixes(skpd_ids, words):
    """The key prefixes of these SKPDs' planned mail of the kinds named by ``words``."""
    return [f"{word}:{skpd_id}:" for skpd_id in sorted(set(skpd_ids) - {None})
            for word in words]


def event_prefix(event_id):
    """Every mail about Bimtek event ``event_id`` (superseded together when it is cancelled)."""
    return f"event:{event_id}:"


def event_mail(event_id, tag, who):
    """A Bimtek mail: ``tag`` names what it says, ``who`` to whom (``skpd<id>``, ``p<id>``)."""
    return f"{event_prefix(event_id)}{tag}:{who}"


def invitation_prefix(event_id, invitation_id):
    """Every planned reminder about one invitation's SKPD (superseded when it is withdrawn)."""
    return f"{event_prefix(event_id)}i{invitation_id}:"


def event_reminder(event_id, what, who, invitation_id=None):
    """A planned Bimtek reminder: ``what`` says which (``deadline:<at>``, ``day:<start>``);
    one for an invitation's SKPD or participants starts with the invitation's prefix."""
    prefix = (invitation_prefix(event_id, invitation_id) if invitation_id
              else event_prefix(event_id))
    return f"{prefix}{what}:{who}"


def event_day_prefixes(event_id, invitation_ids):
    """The prefixes of every day reminder of an event: the speakers' and, per invitation, its
    participants'."""
    return [f"{event_prefix(event_id)}day:"] + [
        f"{invitation_prefix(event_id, i)}day:" for i in sorted(invitation_ids)]
