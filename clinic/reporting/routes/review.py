"""Review pages for Bappeda: the queue, verify and return, bulk verify, and the SPD items."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from clinic.access import get_scoped_or_404, roles_required
from clinic.admin.models import Skpd
from clinic.auth.models import Role
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.ids import bounded_int, parse_id
from clinic.reporting import bp, review, services
from clinic.reporting.forms.items import ReturnForm, SpdAssignForm, VerifyForm, active_skpds
from clinic.reporting.routes.items import render_item
from clinic.reporting.models import ItemStatus, ReportItem
from clinic.web import actor, paginate, refuse, safe_next


def conflict_message():
    return _("Butir ini baru saja diubah oleh pengguna lain. Periksa versi terbaru, lalu ulangi.")


def item_url(item):
    """The item's page, keeping the queue's filters when it was opened from the queue."""
    args = review.queue_args(review.filters_from(request.args)) if "status" in request.args else {}
    return url_for("reporting.item_detail", item_id=item.id, **args)


def after_review(item):
    """Where a decision leads: opened from the queue, to the queue's next item under the same
    filters (the queue itself when none is left); else back to the item."""
    if "status" not in request.args:
        return item_url(item)
    filters = review.filters_from(request.args)
    args = review.queue_args(filters)
    next_id = review.next_in_queue(actor(), item.cycle, item, filters)
    if next_id is None:
        flash(_("Tidak ada butir berikutnya di antrean ini."), "info")
        return url_for("reporting.review_queue", **args)
    return url_for("reporting.item_detail", item_id=next_id, **args)


@bp.route("/review/", methods=["GET"])
@roles_required(*Role.BAPPEDA)
def review_queue():
    filters, cycle = review.filters_from(request.args), current_cycle()
    page = paginate(review.queue(actor(), cycle, **filters))
    counts = review.status_counts(actor(), cycle, filters["skpd_id"], filters["code"],
                                  filters["q"])
    return render_template("reporting/review_queue.html", page=page, filters=filters,
                           queue_args=review.queue_args(filters), counts=counts, cycle=cycle,
                           skpds=active_skpds(),
                           indicators=review.indicator_choices(cycle),
                           evidence_counts=review.evidence_counts([i.id for i in page.items]),
                           submission_times=review.submission_times([i.id for i in page.items]))


@bp.route("/items/<int:item_id>/verify", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def item_verify(item_id):
    item = get_scoped_or_404(ReportItem, item_id, actor())
    form = VerifyForm()
    try:
        review.verify(item, actor(), form.expected_version, ip=client_ip())
        db.session.commit()
    except (services.ReportingError, StaleDataError) as exc:
        refuse(None, services.as_refusal(exc, conflict_message()), "warning")
        return redirect(item_url(item))
    flash(_("Butir %(code)s diverifikasi dan kini dihitung dalam Skor Terverifikasi.",
            code=item.indicator.code), "success")
    return redirect(after_review(item))


def returned_message(item, notified):
    told = (ngettext("%(num)s operator Perangkat Daerah diberi tahu lewat e-mail.",
                     "%(num)s operator Perangkat Daerah diberi tahu lewat e-mail.", len(notified))
            if notified else
            _("Belum ada operator aktif yang dapat diberi tahu lewat e-mail."))
    return _("Butir %(code)s dikembalikan untuk diperbaiki.", code=item.indicator.code) + " " + told


@bp.route("/items/<int:item_id>/return", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def item_return(item_id):
    item = get_scoped_or_404(ReportItem, item_id, actor())
    form = ReturnForm()
    if form.validate():
        try:
            notified = review.return_with_reason(item, form.reason.data, actor(),
                                                 form.expected_version, ip=client_ip())
            db.session.commit()
        except (services.ConflictError, StaleDataError) as exc:
            refuse(form, services.as_refusal(exc, conflict_message()))
            form.version.data = item.version_id  # the reason stays; sending again is deliberate
        except services.ReportingError as exc:
            refuse(None, exc, "warning")  # not in review: nothing to keep
            return redirect(item_url(item))
        else:
            flash(returned_message(item, notified), "success")
            return redirect(after_review(item))
    return render_item(item, return_form=form)


@bp.route("/review/verify", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def review_bulk_verify():
    back = safe_next(request.form.get("next")) or url_for("reporting.review_queue")
    ids = set(map(parse_id, request.form.getlist("item_ids"))) - {None}
    if not ids:
        flash(_("Pilih minimal satu butir yang akan diverifikasi."), "warning")
        return redirect(back)
    items = review.scoped_items(actor(), ids)
    verified, skipped = review.bulk_verify(items, actor(), ip=client_ip())
    try:
        db.session.commit()
    except StaleDataError as exc:
        refuse(None, services.as_refusal(exc, conflict_message()), "warning")
        return redirect(back)
    flash(ngettext("%(num)s butir diverifikasi.", "%(num)s butir diverifikasi.", len(verified)),
          "success" if verified else "warning")
    if skipped or len(items) < len(ids):
        names = ", ".join(skipped_label(i) for i in skipped[:10])
        flash(_("%(n)s butir dilewati karena statusnya bukan Diajukan atau tidak "
                "ditemukan%(names)s.", n=len(ids) - len(verified),
                names=f": {names}" if names else ""), "warning")
    return redirect(back)


def skipped_label(item):
    owner = item.innovation.name if item.innovation else _("Butir SPD")
    return f"{item.indicator.code} ({owner})"


@bp.route("/spd/", methods=["GET"])
@roles_required(*Role.BAPPEDA)
def spd_items():
    cycle = current_cycle()
    items = []
    if cycle is not None:
        try:
            services.ensure_spd_items(cycle)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # opened at the same moment by someone else: theirs stand
        items = review.spd_items(actor(), cycle)
    return render_template("reporting/spd_items.html", cycle=cycle, items=items,
                           evidence_counts=review.evidence_counts([i.id for i in items]),
                           skpds=active_skpds())


@bp.route("/spd/<int:item_id>/assign", methods=["POST"])
@roles_required(*Role.BAPPEDA)
def spd_assign(item_id):
    item = get_scoped_or_404(ReportItem, item_id, actor())
    form = SpdAssignForm()
    if not form.validate():
        flash(" ".join(str(e) for e in form.skpd_id.errors) or _("Periksa isian Anda."), "danger")
        return redirect(url_for("reporting.spd_items"))
    skpd = db.session.get(Skpd, form.skpd_id.data) if form.skpd_id.data else None
    try:
        services.assign_spd_item(item, skpd, actor(), ip=client_ip())
        db.session.commit()
    except (services.ReportingError, StaleDataError) as exc:
        refuse(None, services.as_refusal(exc, conflict_message()), "warning")
    else:
        flash(_("Butir %(code)s kini diisi oleh %(owner)s.", code=item.indicator.code,
                owner=skpd.name if skpd else _("Bappeda")), "success")
    return redirect(url_for("reporting.spd_items"))
