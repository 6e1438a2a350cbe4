"""The reminder planner: what is due at ``now``, written once to the outbox.

Decisions are data: every reminder has a dedupe key (clinic.outbox.keys), ``run_due(now)`` may
run any number of times (one after the other or at once) and writes each key once. A kind that
falls due "at ``digest_at`` local on day D" is written by a run from that moment while the
office is open on day D (OFFICE_HOURS, local in the cycle's zone): after downtime the morning's
reminders still go out, never at night, and a digest of an earlier day is stale and never
sent. Weekly kinds fall on the first working day from their weekday and are caught up the next
working morning. A session reminder is written from its due time until the session starts (a
day-before reminder only while the office is open). A change that makes a pending row wrong
supersedes it (clinic.outbox.services.supersede) and delivery re-checks every row
(clinic.reminders.staleness). The caller commits.
"""
from clinic.catalogue.services import current_cycle
from clinic.reminders.planner import (bimtek, countdown, digests, escalations, sessions,
                                      summaries)
from clinic.reminders.planner.rules import Run

KINDS = ("digest", "session_reminder", "deadline_countdown", "escalation", "monday_summary",
         bimtek.DEADLINE_KIND, bimtek.DAY_KIND)


def run_due(now):
    """Write every reminder due at ``now`` (aware) that is not written yet; counts per kind."""
    counts = dict.fromkeys(KINDS, 0)
    cycle = current_cycle()
    if cycle is None or not cycle.reminders_enabled:
        return counts
    run = Run(cycle, now)
    counts["digest"] = digests.plan_digests(run)
    counts["session_reminder"] = sessions.plan_session_reminders(run)
    counts["deadline_countdown"] = countdown.plan_countdown(run)
    counts["escalation"] = escalations.plan_escalations(run)
    counts["monday_summary"] = summaries.plan_summaries(run)
    counts[bimtek.DEADLINE_KIND] = bimtek.plan_deadline_reminders(run)
    counts[bimtek.DAY_KIND] = bimtek.plan_day_reminders(run)
    return counts
