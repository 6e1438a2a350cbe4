"""Follow-up task rules: create, edit, status flow, auto-close; they flush, never commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clinic import audit
from clinic.auth.models import Role, User
from clinic.db_types import utcnow
from clinic.email import absolute_url
from clinic.errors import ConflictError, DomainError, check_version
from clinic.extensions import db
from clinic.followups.access import allowed_actions, is_worker, status_moves
from clinic.followups.labels import STATUS_LABELS
from clinic.followups.models import FollowUpTask, TaskEvent, TaskPriority, TaskSource, TaskStatus
from clinic.outbox.services import send_email, supersede_task_lists, supersede_task_mail
from clinic.signals import item_verified

TITLE_MAX = 200
EDITABLE = ("title", "description", "due_on", "priority", "owner_id", "item_id")


class TaskError(DomainError):
    """A refused change; the message is shown to the user."""


class TaskConflict(TaskError, ConflictError):
    """Someone else saved the task since the user opened it."""


CONFLICT = _l("Tindak lanjut ini telah diubah oleh pengguna lain sejak Anda membukanya. "
              "Perubahan Anda belum disimpan: periksa versi terbaru, lalu simpan kembali.")


def active_contacts(skpd_id):
    """The active contacts of an SKPD, by name: the people who may own its tasks."""
    if skpd_id is None:
        return []
    stmt = (select(User).where(User.role == Role.CONTACT, User.skpd_id == skpd_id,
                               User.is_active.is_(True)).order_by(User.name, User.id))
    return db.session.scalars(stmt).all()


def _check_owner(skpd_id, owner):
    if owner is None:
        return
    if owner.role != Role.CONTACT or owner.skpd_id != skpd_id or not owner.is_active:
        raise TaskError(_l("Penanggung jawab harus operator aktif dari Perangkat Daerah tugas "
                           "ini. Pilih salah satu operator Perangkat Daerah tersebut."))


def _event(task, actor, action, from_status=None, to_status=None, comment=None, stored=None):
    event = TaskEvent(task=task, actor_id=getattr(actor, "id", None), action=action,
                      from_status=from_status, to_status=to_status, comment=comment or None)
    if stored is not None:
        checked, stored_name = stored
        event.stored_name = stored_name
        event.original_name = checked.original_name
        event.content_type = checked.content_type
        event.size = checked.size
        event.sha256 = checked.sha256
    db.session.add(event)
    return event


def _notify_owner(task, event):
    """Mail the owner about this hand-over (``event``): each hand-over is its own mail, so a
    task handed back to an earlier owner reaches them again."""
    if task.owner is None:
        return
    db.session.flush()  # the event's id names the hand-over in the dedupe key
    send_email("followup_assigned", task.owner,
               _l("Tindak lanjut baru: %(title)s", title=task.title),
               dedupe_key=f"task:{task.id}:assigned:{task.owner.id}:{event.id}", task=task,
               link=absolute_url("followups.detail", task_id=task.id))


def create_task(skpd, actor, *, title, owner=None, due_on=None, priority="normal",
                description=None, item=None, session=None, finding=None, source="manual",
                event_id=None):
    """Create a task for an SKPD, record it and e-mail its owner."""
    title = (title or "").strip()
    if not title:
        raise TaskError(_l("Judul tindak lanjut wajib diisi."))
    if priority not in TaskPriority.ALL:
        raise TaskError(_l("Prioritas tidak dikenal."))
    if source not in TaskSource.ALL:
        raise TaskError(_l("Sumber tindak lanjut tidak dikenal."))
    if item is not None and item.skpd_id not in (None, skpd.id):
        raise TaskError(_l("Butir laporan yang dipilih bukan milik Perangkat Daerah ini."))
    _check_owner(skpd.id, owner)
    task = FollowUpTask(skpd=skpd, owner=owner, title=title[:TITLE_MAX],
                        description=(description or "").strip() or None, due_on=due_on,
                        priority=priority, source=source, status=TaskStatus.OPEN,
                        item=item, session=session, finding=finding, event_id=event_id,
                        created_by_id=getattr(actor, "id", None))
    db.session.add(task)
    db.session.flush()
    created = _event(task, actor, "created", to_status=TaskStatus.OPEN)
    audit.record("task_created", actor=actor, obj=task, summary=task.title)
    _notify_owner(task, created)
    return task


def edit_task(task, data, actor, expected_version=None):
    """Change the task's fields from ``data`` (keys of EDITABLE); return the changes."""
    check_version(task, expected_version, CONFLICT, TaskConflict)
    owner = None
    if data.get("owner_id") is not None:
        owner = db.session.get(User, data["owner_id"])
        if owner is None:
            raise TaskError(_l("Penanggung jawab tidak ditemukan."))
        _check_owner(task.skpd_id, owner)
    if "title" in data and not (data["title"] or "").strip():
        raise TaskError(_l("Judul tindak lanjut wajib diisi."))
    if data.get("priority", task.priority) not in TaskPriority.ALL:
        raise TaskError(_l("Prioritas tidak dikenal."))
    changes = {}
    for name in EDITABLE:
        if name in data:
            value = data[name].strip() or None if isinstance(data[name], str) else data[name]
            if getattr(task, name) != value:
                changes[name] = [_plain(getattr(task, name)), _plain(value)]
                setattr(task, name, value)
    if "owner_id" in changes:
        task.owner = owner
    if "item_id" in changes:
        db.session.expire(task, ["item"])
    if not changes:
        return changes
    owner_changed = "owner_id" in changes
    task.updated_at = utcnow()
    edited = _event(task, actor, "edited")
    audit.record("task_edited", actor=actor, obj=task, summary=task.title, changes=changes)
    db.session.flush()
    if {"title", "due_on"} & set(changes):
        supersede_task_lists({task.skpd_id}, f"task {task.id} edited")
    if owner_changed:
        supersede_task_mail(task.id, f"task {task.id} reassigned")
        _notify_owner(task, edited)
    return changes


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _set_status(task, to_status, actor, action, comment=None, stored=None):
    before = task.status
    task.status = to_status
    now = utcnow()
    task.updated_at = now
    if to_status == TaskStatus.DONE:
        task.done_at = now
    elif to_status == TaskStatus.CLOSED:
        task.closed_at = now
    elif to_status in TaskStatus.ACTIVE:
        task.done_at = task.closed_at = None
    event = _event(task, actor, action, before, to_status, comment, stored)
    audit.record(f"task_{action}", actor=actor, obj=task, summary=task.title,
                 changes={"status": [before, to_status],
                          **({"comment": [None, comment]} if comment else {})})
    db.session.flush()
    if before != to_status:
        # A pending digest or escalation lists the task as it was: never send it.
        supersede_task_lists({task.skpd_id}, f"task {task.id} {action}")
        if to_status not in TaskStatus.ACTIVE:
            supersede_task_mail(task.id, f"task {task.id} {action}")
    return event


def change_status(task, to_status, actor, comment=None, attachment=None, expected_version=None):
    """Move a task along open -> in progress -> done (or back), or only comment when
    ``to_status`` is empty or unchanged. ``attachment`` is a stored (Checked, stored_name)."""
    check_version(task, expected_version, CONFLICT, TaskConflict)
    comment = (comment or "").strip() or None
    if not to_status or to_status == task.status:
        if not is_worker(task, actor):
            raise TaskError(_l("Anda tidak dapat mengubah tindak lanjut ini."))
        if comment is None and attachment is None:
            raise TaskError(_l("Pilih status baru, tulis komentar, atau lampirkan berkas."))
        event = _event(task, actor, "comment", comment=comment, stored=attachment)
        task.updated_at = utcnow()
        audit.record("task_commented", actor=actor, obj=task, summary=task.title)
        db.session.flush()
        return event
    if to_status not in status_moves(task, actor):
        raise TaskError(_l("Status tidak dapat diubah dari %(from)s ke %(to)s.",
                           **{"from": STATUS_LABELS.get(task.status, task.status),
                              "to": STATUS_LABELS.get(to_status, to_status)}))
    return _set_status(task, to_status, actor, "status", comment, attachment)


def close_task(task, actor, comment=None, expected_version=None):
    """Close a done task (Bappeda confirms the work)."""
    check_version(task, expected_version, CONFLICT, TaskConflict)
    if actor.role not in Role.BAPPEDA:
        raise TaskError(_l("Hanya Bappeda yang dapat menutup tindak lanjut."))
    if task.status != TaskStatus.DONE:
        raise TaskError(_l("Hanya tindak lanjut berstatus Selesai yang dapat ditutup."))
    return _set_status(task, TaskStatus.CLOSED, actor, "closed", comment)


def cancel_task(task, reason, actor, expected_version=None):
    """Cancel a task that is not finished; a reason is required."""
    check_version(task, expected_version, CONFLICT, TaskConflict)
    if "cancel" not in allowed_actions(task, actor):
        if task.status in TaskStatus.FINISHED:
            raise TaskError(_l("Tindak lanjut ini sudah ditutup atau dibatalkan."))
        raise TaskError(_l("Anda tidak dapat membatalkan tindak lanjut ini."))
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_l("Tuliskan alasan pembatalan."))
    return _set_status(task, TaskStatus.CANCELLED, actor, "cancelled", reason)


def reopen(task, reason, actor, expected_version=None):
    """Open a done, closed or cancelled task again; a reason is required."""
    check_version(task, expected_version, CONFLICT, TaskConflict)
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_l("Tuliskan alasan membuka kembali tindak lanjut ini."))
    if "reopen" not in allowed_actions(task, actor):
        if task.status in TaskStatus.ACTIVE:
            raise TaskError(_l("Tindak lanjut ini masih terbuka."))
        raise TaskError(_l("Anda tidak dapat membuka kembali tindak lanjut ini."))
    return _set_status(task, TaskStatus.OPEN, actor, "reopened", reason)


# Reporting announces the verification (it cannot import follow-ups); this runs in its transaction.
@item_verified.connect
def close_for_verified_item(item, actor):
    """Close every active or done task linked to ``item``, now that the item is verified."""
    stmt = (select(FollowUpTask)
            .where(FollowUpTask.item_id == item.id,
                   FollowUpTask.status.in_(TaskStatus.ACTIVE + (TaskStatus.DONE,)))
            .order_by(FollowUpTask.id))
    tasks = db.session.scalars(stmt).all()
    for task in tasks:
        before = task.status
        now = utcnow()
        task.status, task.closed_at, task.updated_at = TaskStatus.CLOSED, now, now
        _event(task, None, "auto_closed", before, TaskStatus.CLOSED,
               str(_l("Butir laporan terverifikasi")))
        audit.record("task_auto_closed", actor=actor, obj=task, summary=task.title,
                     changes={"status": [before, TaskStatus.CLOSED], "item": [None, item.id]})
    if tasks:
        db.session.flush()
        supersede_task_lists({t.skpd_id for t in tasks}, f"item {item.id} verified")
    return tasks


def open_tasks_for_skpds(skpd_ids):
    """Active (open or in progress) tasks of these SKPDs, earliest due date first."""
    skpd_ids = list(skpd_ids or ())
    if not skpd_ids:
        return []
    stmt = (select(FollowUpTask)
            .where(FollowUpTask.skpd_id.in_(skpd_ids),
                   FollowUpTask.status.in_(TaskStatus.ACTIVE))
            .options(selectinload(FollowUpTask.owner))
            .order_by(FollowUpTask.due_on.is_(None), FollowUpTask.due_on, FollowUpTask.id))
    return db.session.scalars(stmt).all()
