"""Views of the office closed dates (Hari Libur & Cuti Bersama), kept by Bappeda."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from clinic.access import roles_required
from clinic.coaching import bp
from clinic.coaching.closed_dates import (
    add_closed_date, closed_dates_of_years, delete_closed_date, national_holidays,
)
from clinic.coaching.forms.closed_dates import ClosedDateForm
from clinic.dates import fmt_date, today_local
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.web import actor
from clinic.workdays import ClosedDate


@bp.route("/closed-dates", methods=["GET", "POST"])
@roles_required("admin", "staff")
def closed_dates():
    form = ClosedDateForm()
    if form.validate_on_submit():
        row = add_closed_date(form.closed_on.data, form.name.data, actor(), ip=client_ip())
        db.session.commit()
        flash(_("Tanggal tutup kantor %(day)s (%(name)s) tersimpan.",
                day=fmt_date(row.closed_on), name=row.name), "success")
        return redirect(url_for("coaching.closed_dates"))
    year = today_local().year
    return render_template("coaching/closed_dates.html", form=form, year=year,
                           rows=closed_dates_of_years(year, year + 1),
                           holidays=national_holidays(year))


@bp.route("/closed-dates/<int:closed_date_id>/delete", methods=["POST"])
@roles_required("admin", "staff")
def closed_date_delete(closed_date_id):
    row = db.get_or_404(ClosedDate, closed_date_id)
    name = row.name
    delete_closed_date(row, actor(), ip=client_ip())
    db.session.commit()
    flash(_("Tanggal tutup kantor %(name)s dihapus.", name=name), "success")
    return redirect(url_for("coaching.closed_dates"))
