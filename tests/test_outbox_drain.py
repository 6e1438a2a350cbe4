"""One pass sends everything due: `flask outbox send` and the scheduler's outbox job drain the
outbox in batches (one SMTP connection each) instead of stopping after the first batch."""
import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.outbox.delivery import deliver_pending
from clinic.outbox.models import Notification, OutboxStatus
from clinic.reminders.jobs import outbox_job
from clinic.reminders.models import JobRun
from tests.smtp_sink import MAIL
from tests.test_outbox import _reset_mail

pytestmark = pytest.mark.app_config(OUTBOX_BATCH_SIZE=50, **MAIL)


def _queue(user, count):
    for n in range(count):
        _reset_mail(user, subject=f"Pesan {n}")
    db.session.commit()


def _pending():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.status == OutboxStatus.PENDING))


def test_cli_drains_56_pending_in_one_pass_and_reports_counts(runner, make_user, sink):
    _queue(make_user(), 56)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "sent=56 retry=0 failed=0 pending=0" in result.output
    assert len(sink.messages) == 56 and _pending() == 0
    # Each batch went over its own connection: every message once.
    assert len(set(sink.message_ids())) == 56


def test_cli_limit_still_caps_a_pass(runner, make_user, sink):
    _queue(make_user(), 12)
    result = runner.invoke(args=["outbox", "send", "--limit", "5"])
    assert "sent=5 retry=0 failed=0 pending=7" in result.output
    assert len(sink.messages) == 5


def test_scheduler_outbox_job_drains_everything_due(app, make_user, sink):
    _queue(make_user(), 56)
    assert outbox_job(app) == "ok"
    assert len(sink.messages) == 56 and _pending() == 0
    run = db.session.scalars(select(JobRun).where(JobRun.job_id == "outbox")).one()
    assert "sent=56" in run.detail


def test_a_pass_ends_when_rows_wait_for_a_retry(make_user, sink):
    """A row put back for a retry waits for a later pass: draining never loops on it."""
    user, refused = make_user(), make_user()
    sink.rcpt_replies[refused.email] = "451 4.3.0 Try again later"
    _queue(user, 51)
    _reset_mail(refused)
    db.session.commit()
    assert deliver_pending() == {"sent": 51, "retry": 1, "failed": 0, "superseded": 0, "postponed": 0}
    assert _pending() == 1
