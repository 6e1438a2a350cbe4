"""Invited SKPDs: invite with a quota and a deadline, change the quota, withdraw."""
from flask_babel import lazy_gettext as _l

from clinic import audit
from clinic.bimtek.models import EventInvitation
from clinic.bimtek.services.events import EventError
from clinic.bimtek.services.invitation_mail import mail_invitations, supersede_invitation_mail
from clinic.bimtek.services.mail import mail_skpd
from clinic.db_types import utcnow
from clinic.extensions import db
from clinic.outbox import keys
from clinic.outbox.services import supersede


def _check_quota(quota):
    if quota is None or quota < 1:
        raise EventError(_l("Kuota peserta minimal 1."), "quota")


def invite(event, skpds, quota, deadline_at, actor, notify=True):
    """Invite each of ``skpds`` (an SKPD already invited gets its invitation back); while
    registration is open each gets the invitation mail (not when ``notify`` is false: the
    demo data sends no mail)."""
    _check_quota(quota)
    by_skpd = {inv.skpd_id: inv for inv in event.invitations}
    added = []
    for skpd in skpds:
        invitation = by_skpd.get(skpd.id)
        if invitation is None:
            invitation = EventInvitation(event=event, skpd_id=skpd.id, skpd=skpd)
            db.session.add(invitation)
        elif invitation.withdrawn_at is None:
            continue
        invitation.quota, invitation.deadline_at = quota, deadline_at
        invitation.withdrawn_at = None
        added.append(invitation)
    db.session.flush()
    for invitation in added:
        audit.record("bimtek_invited", actor=actor, obj=event, summary=invitation.skpd.name)
    if notify:
        mail_invitations(event, added)
    return added


def change_quota(invitation, quota, actor, now=None):
    """Set a new quota (never below the seats taken); the SKPD's contacts are told."""
    _check_quota(quota)
    taken = len(invitation.active_participants)
    if quota < taken:
        raise EventError(_l("Kuota tidak boleh kurang dari %(n)s peserta yang sudah terdaftar.",
                            n=taken), "quota")
    if quota == invitation.quota:
        return False
    old, invitation.quota = invitation.quota, quota
    db.session.flush()
    stamp = int((now or utcnow()).timestamp())
    mail_skpd(invitation, "bimtek_quota_changed",
              _l("Kuota peserta diubah: %(title)s", title=invitation.event.title),
              f"quota-{invitation.id}-{stamp}", old_quota=old)
    audit.record("bimtek_quota", actor=actor, obj=invitation.event,
                 summary=f"{invitation.skpd.name}: {old} -> {quota}")
    return True


def withdraw(invitation, actor, now=None):
    """Withdraw the invitation: its registrations are cancelled, the contacts are told."""
    if invitation.withdrawn_at is not None:
        return False
    now = now or utcnow()
    invitation.withdrawn_at = now
    for participant in invitation.active_participants:
        participant.cancelled_at = now
    # Its pending reminders (deadline, its participants' day reminders) are wrong now.
    supersede([keys.invitation_prefix(invitation.event_id, invitation.id)],
              "invitation withdrawn")
    db.session.flush()
    supersede_invitation_mail(invitation, "invitation withdrawn")
    mail_skpd(invitation, "bimtek_withdrawn",
              _l("Undangan ditarik: %(title)s", title=invitation.event.title),
              f"withdrawn-{invitation.id}-{int(now.timestamp())}")
    audit.record("bimtek_withdrawn", actor=actor, obj=invitation.event,
                 summary=invitation.skpd.name)
    return True
