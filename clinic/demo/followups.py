"""Demo follow-ups: the task each finding of a held session became, along its statuses.

Called by the coaching step as it signs off each session, so the tasks draw from the coaching
demo's generator in the order they always have (the demo is the same on every run).
"""
from datetime import timedelta

from clinic.extensions import db
from clinic.followups.models import FollowUpTask, TaskEvent, TaskStatus

CHAIN = {"open": ["open"], "in_progress": ["open", "in_progress"],
         "done": ["open", "in_progress", "done"],
         "closed": ["open", "in_progress", "done", "closed"], "cancelled": ["open", "cancelled"]}
# Comments of the task history, by the status reached.
COMMENTS = {
    "in_progress": ["Sedang dikoordinasikan dengan bidang terkait.",
                    "Dokumen sedang dimintakan tanda tangan Kepala Dinas.",
                    "Draf SK sudah disusun, menunggu penomoran dari bagian hukum."],
    "done": ["Bukti dukung sudah diperbaiki dan diunggah ulang.",
             "Dokumen lengkap sudah diunggah, mohon diperiksa."],
    "closed": ["Sudah diperiksa Bappedalitbang, tindak lanjut selesai.",
               "Dokumen sesuai; tindak lanjut ditutup."],
    "cancelled": ["Tidak diperlukan lagi: indikator ini diisi melalui inovasi lain.",
                  "Dibatalkan: inovasi digabung dengan inovasi induk sesuai arahan Bappeda."],
}
TRAINER_COMMENTS = ["Mohon lampirkan juga foto kegiatan sebagai bukti pendukung.",
                    "Pastikan nomor SK sama dengan yang tercantum di profil inovasi."]


def add_task(demo, session, finding, status, created):
    """Add the finding's task, taken along its statuses up to ``status`` with comments."""
    rng = demo.rng
    owners = demo.contacts.get(finding.skpd_id)
    if not owners:
        return
    title = demo.task_title(finding)
    task = FollowUpTask(
        skpd_id=finding.skpd_id, owner_id=owners[0].id, title=title[:200],
        description=finding.text, priority=rng.choices(("low", "normal", "high"), (1, 4, 2))[0],
        due_on=demo.local_day(created) + timedelta(days=rng.choice((7, 14, 14, 21))),
        status=status, source="session", session_id=session.id, finding_id=finding.id,
        item_id=finding.item_id, created_by_id=session.trainers[0].id, created_at=created)
    task.events.append(TaskEvent(actor_id=session.trainers[0].id, action="created",
                                 to_status=TaskStatus.OPEN, created_at=created))
    chain, at = CHAIN[status], created
    for before, after in zip(chain, chain[1:]):
        at = demo.office(demo.local_day(at), rng.randint(1, 5))
        # As the services record it: the owner works, Bappeda closes, the trainer cancels.
        actor = {TaskStatus.CLOSED: demo.staff,
                 TaskStatus.CANCELLED: session.trainers[0]}.get(after, owners[0])
        action = after if after in TaskStatus.FINISHED else "status"
        task.events.append(TaskEvent(actor_id=actor.id, action=action, from_status=before,
                                     to_status=after, comment=rng.choice(COMMENTS[after]),
                                     created_at=at))
        if after == TaskStatus.IN_PROGRESS and rng.random() < 0.4:
            at = demo.office(demo.local_day(at), rng.randint(1, 2))
            task.events.append(TaskEvent(actor_id=session.trainers[0].id, action="comment",
                                         comment=rng.choice(TRAINER_COMMENTS),
                                         created_at=at))
        if after == TaskStatus.DONE:
            task.done_at = at
        elif after in TaskStatus.FINISHED:
            task.closed_at = at
    task.updated_at = at
    db.session.add(task)
    demo.tasks.append(task)
