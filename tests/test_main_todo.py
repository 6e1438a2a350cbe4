"""The contact's home: after the reporting items, tasks by due date, then the next session;
on the page, overdue tasks and the next session first, the rest grouped and collapsed."""
from datetime import date, datetime, timezone

import time_machine
from sqlalchemy import event

from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.extensions import db
from clinic.followups import services
from clinic.main.todo import todo_for_contact

from conftest import AuthActions

JULY_1 = datetime(2026, 7, 1, 2, tzinfo=timezone.utc)  # Rabu, 1 Juli 2026 10.00 WITA


def home(app, user):
    client = app.test_client()
    AuthActions(client).login_as(user)
    return client.get("/").get_data(as_text=True)


def test_home_lists_tasks_by_due_date_then_the_next_session(app, world):
    services.create_task(world.skpd, world.staff, title="Tenggat sudah lewat",
                         due_on=date(2026, 6, 25), owner=world.contact)
    services.create_task(world.skpd, world.staff, title="Tanpa tenggat")
    services.create_task(world.other_skpd, world.staff, title="Tugas SKPD B",
                         due_on=date(2026, 6, 1))
    done = services.create_task(world.skpd, world.staff, title="Sudah selesai",
                                due_on=date(2026, 6, 20))
    services.change_status(done, "done", world.contact)
    db.session.commit()
    with time_machine.travel(JULY_1, tick=False):
        todo = todo_for_contact(world.contact, world.cycle)
        page = home(app, world.contact)
    kinds = [entry.kind for entry in todo]
    assert kinds[-4:] == ["task", "task", "task", "session"]
    assert kinds.index("task") > kinds.index("incomplete")
    assert [e.obj.title for e in todo.of_kind("task")] == [
        "Tenggat sudah lewat", "Unggah SK inovasi", "Tanpa tenggat"]
    assert todo.of_kind("session")[0].obj.id == world.session.id
    # On the page, what is urgent leads: the overdue task and the next session come first,
    # the tasks not yet due follow in a collapsed group (a phone shows the first on one screen).
    order = [page.index(s) for s in (
        "Tenggat sudah lewat", "Sesi pendampingan berikutnya", "Klinik Inovasi Dinas Pertama",
        "Tindak lanjut lainnya", "Unggah SK inovasi", "Tanpa tenggat")]
    assert order == sorted(order)
    assert "Terlambat 6 hari" in page and "Selasa, 7 Juli 2026 09.00 WITA" in page
    assert f"/coaching/{world.session.id}" in page
    assert "Tugas SKPD B" not in page and "Sudah selesai" not in page


def test_past_or_cancelled_sessions_are_not_next(app, world):
    with time_machine.travel(datetime(2026, 7, 8, tzinfo=timezone.utc), tick=False):
        assert todo_for_contact(world.contact, world.cycle).of_kind("session") == []
    world.session.status = "cancelled"
    db.session.commit()
    with time_machine.travel(JULY_1, tick=False):
        assert todo_for_contact(world.contact, world.cycle).of_kind("session") == []
    # the other SKPD's contact never sees SKPD A's session or tasks
    with time_machine.travel(JULY_1, tick=False):
        other = todo_for_contact(world.other_contact, world.cycle)
    assert other.of_kind("task") == [] and other.of_kind("session") == []


def test_home_query_count_does_not_grow_with_tasks(app, world, make_user):
    client = app.test_client()
    skpd_id, staff_id = world.skpd.id, world.staff.id

    def count():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        db.session.expunge_all()
        app.extensions.pop("score_cache", None)  # the cold path: the score read afresh
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    with time_machine.travel(JULY_1, tick=False):
        AuthActions(client).login_as(world.contact)
        few = count()
        skpd, staff = db.session.get(Skpd, skpd_id), db.session.get(User, staff_id)
        for n in range(5):
            owner = make_user("contact", skpd=skpd)
            services.create_task(skpd, staff, title=f"Tugas {n}", owner=owner,
                                 due_on=date(2026, 7, 20 + n))
        db.session.commit()
        many = count()
    assert many == few


def test_home_leads_with_urgent_work_and_collapses_the_rest(app, world):
    """Overdue tasks, the next session and the returned items lead (the returned items and the
    incomplete ones grouped by innovation, collapsed), before the cycle card."""
    services.create_task(world.skpd, world.staff, title="Tenggat sudah lewat",
                         due_on=date(2026, 6, 25), owner=world.contact)
    db.session.commit()
    with time_machine.travel(JULY_1, tick=False):
        todo = todo_for_contact(world.contact, world.cycle)
        page = home(app, world.contact)
    today = date(2026, 7, 1)
    assert [(e.kind, e.obj.title) for e in todo.urgent(today)] == [
        ("task", "Tenggat sudah lewat"), ("session", world.session.title)]
    assert [e.obj.title for e in todo.later_tasks(today)] == ["Unggah SK inovasi"]
    groups = todo.groups()
    assert groups and all(e.kind == "incomplete" for g in groups for e in g.entries)
    assert sum(len(g.entries) for g in groups) == len(todo.of_kind("incomplete"))
    assert len({g.innovation for g in groups}) == len(groups)
    urgent, rest = page.index('id="todo-urgent"'), page.index('id="todo-rest"')
    assert urgent < page.index("Tenggat sudah lewat") < page.index(world.session.title) < rest
    assert rest < page.index("Unggah SK inovasi") < page.index("Tenggat internal")
    assert page.count('<details class="todo-group') == len(groups) + 1  # + the later tasks
    assert "<details open" not in page


def test_returned_items_lead_grouped_by_innovation(app, world):
    from clinic.reporting.models import ItemStatus

    world.item.status = ItemStatus.RETURNED
    world.item.return_reason = "Tanda tangan kepala dinas belum ada"
    db.session.commit()
    with time_machine.travel(JULY_1, tick=False):
        todo = todo_for_contact(world.contact, world.cycle)
        page = home(app, world.contact)
    (group,) = todo.groups("returned")
    assert [e.fix.item.id for e in group.entries] == [world.item.id]
    assert page.index('id="todo-urgent"') < page.index("1 butir perlu perbaikan") < page.index(
        "Tanda tangan kepala dinas belum ada") < page.index('id="todo-rest"')
