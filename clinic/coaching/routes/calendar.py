"""Views of the session calendar (month and agenda) and the personal calendar feed."""
import calendar as pycalendar
import re
import secrets
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, make_response, redirect, request, render_template, url_for
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from clinic import audit
from clinic.admin.models import Skpd
from clinic.auth.models import User
from clinic.coaching import bp, ics
from clinic.coaching.calendar import (agenda_days, entries_between, feed_entries, feed_items,
                                      feed_tasks, fmt_clock, grid_days, month_grid,
                                      period_bounds, sessions_between, webcal_url)
from clinic.coaching.models import session_trainers
from clinic.dates import today_local, zone_label
from clinic.email import absolute_url
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.ids import bounded_int
from clinic.web import actor

MONTH_PARAM = re.compile(r"^(\d{4})-(\d{2})$")
AGENDA_DAYS = 28


def _month(value, today):
    """(year, month) from "YYYY-MM"; anything else means the current month."""
    match = MONTH_PARAM.match(value or "")
    if match and 1900 <= int(match[1]) <= 2999 and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    return today.year, today.month


def _shift(year, month, delta):
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _may_filter(user):
    """Bappeda filter by SKPD and trainer; a trainer too once they chose "semua"."""
    return user.role in ("admin", "staff") or (
        user.role == "trainer" and request.args.get("scope") == "semua")


def _filters(user):
    if not _may_filter(user):
        return {"own_only": user.role == "trainer", "skpd_id": None, "trainer_id": None}
    return {"own_only": False, "skpd_id": request.args.get("skpd", type=bounded_int),
            "trainer_id": request.args.get("trainer", type=bounded_int)}


def _choices():
    skpds = db.session.scalars(select(Skpd).where(Skpd.is_active).order_by(Skpd.name)).all()
    coaches = select(session_trainers.c.user_id)
    trainers = db.session.scalars(
        select(User).where(User.is_active, or_(User.role == "trainer", User.id.in_(coaches)))
        .order_by(User.name)).all()
    return skpds, trainers


@bp.route("/calendar", methods=["GET"])
@login_required
def calendar():
    user, zone = actor(), ZoneInfo(str(get_timezone()))
    today = today_local(zone)
    year, month = _month(request.args.get("month"), today)
    view = "agenda" if request.args.get("view") == "agenda" else "month"
    filters, (first, last) = _filters(user), _period(view, year, month, today)
    bounds = period_bounds(first, last, zone)
    shown = (sessions_between(user, *bounds, **filters), zone,
             feed_tasks(user, first, last),  # the feed's tasks, on the days they are due
             entries_between(user, *bounds, **filters))  # Bimtek event days
    skpds, trainers = _choices() if _may_filter(user) else ([], [])
    return render_template(
        "coaching/calendar.html", view=view, days=agenda_days(*shown),
        weeks=month_grid(year, month, *shown) if view == "month" else None,
        year=year, month=month, today=today,
        month_label=format_date(date(year, month, 1), "LLLL y"),
        prev_month=_shift(year, month, -1), next_month=_shift(year, month, 1),
        this_month=_shift(today.year, today.month, 0), filters=filters, skpds=skpds,
        trainers=trainers, zone=zone, zone_name=zone_label(zone), clock=fmt_clock,
        query=_query(view, filters), **_feed_links(user))


def _feed_links(user):
    """The personal feed's address (from BASE_URL, like every link) and its webcal:// form."""
    url = absolute_url("coaching.feed", token=user.calendar_token) if user.calendar_token else None
    return {"feed_url": url, "webcal_url": webcal_url(url)}


def _period(view, year, month, today):
    """First and last day: the month grid, the month's agenda, or (no month chosen) the coming
    weeks."""
    if view == "month":
        return grid_days(year, month)
    if request.args.get("month"):
        return date(year, month, 1), date(year, month, pycalendar.monthrange(year, month)[1])
    return today, today + timedelta(days=AGENDA_DAYS - 1)


def _query(view, filters):
    """The URL values that keep the view and filters while moving between months."""
    values = {"view": view, "skpd": filters["skpd_id"], "trainer": filters["trainer_id"],
              "scope": request.args.get("scope") if request.args.get("scope") == "semua" else None}
    return {k: v for k, v in values.items() if v}


@bp.route("/feed/<token>.ics", methods=["GET"])
def feed(token):
    user = User.for_calendar_token(token)
    if user is None:
        abort(404)
    sessions, tasks = feed_items(user, today_local())
    events = [ics.due_date_event(uid=f"task-{task.id}@klinik-inovasi", on=task.due_on,
                                 summary=_("Tenggat tindak lanjut: %(title)s", title=task.title),
                                 description=task.description,
                                 url=absolute_url("followups.detail", task_id=task.id))
              for task in tasks] + feed_entries(user, today_local())
    body = ics.feed(_("Klinik Inovasi - %(name)s", name=user.name), sessions, events)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = 'inline; filename="klinik-inovasi.ics"'
    return response


@bp.route("/feed/regenerate", methods=["POST"])
@login_required
def feed_regenerate():
    user = actor()
    had_token = user.calendar_feed_key is not None
    user.calendar_feed_key = secrets.token_urlsafe(32)
    audit.record("calendar_token_regenerated" if had_token else "calendar_token_created",
                 actor=user, obj=user, summary=user.email, ip=client_ip())
    db.session.commit()
    flash(_("Tautan kalender baru sudah dibuat. Tautan lama tidak berlaku lagi; perbarui "
            "langganan di aplikasi kalender Anda.") if had_token else
          _("Tautan kalender Anda sudah dibuat. Tambahkan ke aplikasi kalender Anda."),
          "success")
    return redirect(url_for("coaching.calendar", _anchor="langganan"))
