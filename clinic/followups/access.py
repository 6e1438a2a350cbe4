"""Who may do what on a follow-up task; used by the services, the views and the templates."""
from clinic.auth.models import Role
from clinic.followups.models import TaskStatus

# Moves a worker on the task (contact, trainer, staff) may make with update_status.
WORK_MOVES = {
    TaskStatus.OPEN: (TaskStatus.IN_PROGRESS, TaskStatus.DONE),
    TaskStatus.IN_PROGRESS: (TaskStatus.DONE,),
    TaskStatus.DONE: (TaskStatus.IN_PROGRESS,),
}


def _is_session_trainer(task, user):
    return (user.role == Role.TRAINER and task.session is not None
            and task.session.has_trainer(user))


def can_manage(task, user):
    """Bappeda and the trainers of the task's session edit, cancel and reopen it."""
    return user.role in Role.BAPPEDA or _is_session_trainer(task, user)


def is_worker(task, user):
    """Contacts of the task's SKPD, the session's trainer and Bappeda work on a task."""
    if user.role in Role.BAPPEDA or _is_session_trainer(task, user):
        return True
    return user.role == Role.CONTACT and user.skpd_id == task.skpd_id


def status_moves(task, user):
    """The statuses ``user`` may move the task to with a status update."""
    if not is_worker(task, user):
        return ()
    return WORK_MOVES.get(task.status, ())


def allowed_actions(task, user):
    """What ``user`` may do on ``task``: a set of edit/status/comment/close/cancel/reopen."""
    actions = set()
    bappeda = user.role in Role.BAPPEDA
    if is_worker(task, user):
        actions.add("comment")
        if status_moves(task, user):
            actions.add("status")
    if can_manage(task, user):
        actions.add("edit")
        if task.status in TaskStatus.ACTIVE:
            actions.add("cancel")
        if task.status in (TaskStatus.DONE, TaskStatus.CLOSED, TaskStatus.CANCELLED):
            actions.add("reopen")
    if bappeda and task.status == TaskStatus.DONE:
        actions.add("close")
    return actions
