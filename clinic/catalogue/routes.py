"""Views of the cycle and catalogue pages (admin and Bappeda staff only)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from clinic.access import roles_required
from clinic.catalogue import bp, services
from clinic.catalogue.forms import (CatalogueImportForm, CycleCreateForm, CycleForm,
                                    IndicatorForm)
from clinic.catalogue.models import ASPECTS, Cycle, Indicator
from clinic.catalogue.services import MAX_LEVELS, CatalogueError, CycleError
from clinic.errors import DomainError
from clinic.extensions import db
from clinic.i18n import client_ip
from clinic.web import actor, committing, refuse

STAFF = ("admin", "staff")


def _cycle_or_404(cycle_id):
    return db.session.get(Cycle, cycle_id) or abort(404)


def _indicator_or_404(indicator_id):
    return db.session.get(Indicator, indicator_id) or abort(404)


@bp.route("/")
@roles_required(*STAFF)
def cycle_list():
    return render_template("catalogue/cycle_list.html", rows=services.cycle_summaries())


def _create_cycle(form, cycles):
    year, name, user, ip = form.year.data, form.name.data or None, actor(), client_ip()
    if form.source.data == "copy":
        source = next(c for c in cycles if c.id == form.copy_from.data)
        return services.copy_cycle(source, year, name, actor=user, ip=ip)
    if form.source.data == "file":
        data = services.read_catalogue_file(form.file.data.stream)
        return services.create_cycle_from_file(data, year, name, actor=user, ip=ip)
    return services.create_cycle(year, name, timezone=current_app.config["CLINIC_TIMEZONE"],
                                 actor=user, ip=ip)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def cycle_create():
    cycles = [cycle for cycle, _count in services.cycle_summaries()]
    form = CycleCreateForm(cycles=cycles)
    if request.method == "GET" and cycles:
        form.year.data = max(c.year for c in cycles) + 1
        form.copy_from.data = (services.current_cycle() or cycles[0]).id
    if form.validate_on_submit():
        try:
            cycle = _create_cycle(form, cycles)
            db.session.commit()
        except (CycleError, CatalogueError) as exc:
            refuse(form, exc)  # a file's problems have no field: the page lists form_errors
        except IntegrityError:  # the same year saved by someone else a moment ago
            refuse(form, DomainError(services.year_taken_message(form.year.data), "year"))
        else:
            flash(_("Siklus %(name)s dibuat. Periksa pengaturan dan predikatnya.",
                    name=cycle.name), "success")
            return redirect(url_for(".cycle_edit", cycle_id=cycle.id))
    return render_template("catalogue/cycle_create.html", form=form, problems=form.form_errors)


@bp.route("/<int:cycle_id>/", methods=["GET", "POST"])
@roles_required(*STAFF)
def cycle_edit(cycle_id):
    cycle = _cycle_or_404(cycle_id)
    form = CycleForm(obj=cycle)
    if form.validate_on_submit():
        with committing(form) as committed:
            services.update_cycle(cycle, form.values(), form.band_rows(), actor=actor(),
                                  ip=client_ip())
        if committed:
            flash(_("Pengaturan siklus %(name)s disimpan.", name=cycle.name), "success")
            return redirect(url_for(".cycle_edit", cycle_id=cycle.id))
    elif request.method == "GET":
        form.add_blank_bands()
    return render_template("catalogue/cycle_edit.html", cycle=cycle, form=form,
                           totals=services.catalogue_totals(cycle))


@bp.route("/<int:cycle_id>/make-current", methods=["POST"])
@roles_required(*STAFF)
def cycle_make_current(cycle_id):
    cycle = _cycle_or_404(cycle_id)
    services.make_current(cycle, actor=actor(), ip=client_ip())
    db.session.commit()
    flash(_("%(name)s sekarang menjadi siklus aktif.", name=cycle.name), "success")
    return redirect(url_for(".cycle_list"))


@bp.route("/<int:cycle_id>/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def cycle_import(cycle_id):
    cycle = _cycle_or_404(cycle_id)
    form = CatalogueImportForm()
    if form.validate_on_submit():
        with committing(form) as committed:
            data = services.read_catalogue_file(form.file.data.stream)
            services.load_catalogue(data, cycle.year, actor=actor(), ip=client_ip())
        if committed:
            flash(_("Katalog %(name)s diperbarui dari berkas.", name=cycle.name), "success")
            return redirect(url_for(".indicator_list", cycle_id=cycle.id))
    return render_template("catalogue/cycle_import.html", cycle=cycle, form=form,
                           problems=form.form_errors)


@bp.route("/<int:cycle_id>/indicators/")
@roles_required(*STAFF)
def indicator_list(cycle_id):
    cycle = _cycle_or_404(cycle_id)
    aspect = request.args.get("aspect", "")
    mandatory = request.args.get("mandatory", "")
    q = request.args.get("q", "").strip()[:100]
    found = services.find_indicators(cycle, aspect, {"1": True, "0": False}.get(mandatory), q)
    groups = [(a, [i for i in found if i.aspect == a]) for a in ASPECTS]
    return render_template(
        "catalogue/indicator_list.html", cycle=cycle, groups=groups, found=len(found),
        totals=services.catalogue_totals(cycle), aspect=aspect, mandatory=mandatory, q=q,
    )


@bp.route("/<int:cycle_id>/indicators/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def indicator_create(cycle_id):
    cycle = _cycle_or_404(cycle_id)
    form = IndicatorForm(labels=["", "", ""], aspect=request.args.get("aspect", "SID"))
    if form.validate_on_submit():
        with committing(form) as committed:
            indicator = services.create_indicator(cycle, form.values(), form.level_labels,
                                                  actor=actor(), ip=client_ip())
        if committed:
            flash(_("Indikator %(code)s ditambahkan.", code=indicator.code), "success")
            return redirect(url_for(".indicator_list", cycle_id=cycle.id, _anchor=indicator.code))
    return render_template("catalogue/indicator_form.html", cycle=cycle, form=form,
                           indicator=None)


@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def indicator_edit(indicator_id):
    indicator = _indicator_or_404(indicator_id)
    labels = [lv.label for lv in indicator.levels]
    form = IndicatorForm(obj=indicator, labels=labels + [""] * (len(labels) < MAX_LEVELS))
    if form.validate_on_submit():
        with committing(form) as committed:
            services.update_indicator(indicator, form.values(), form.level_labels,
                                      actor=actor(), ip=client_ip())
        if committed:
            flash(_("Indikator %(code)s disimpan.", code=indicator.code), "success")
            return redirect(url_for(".indicator_list", cycle_id=indicator.cycle_id,
                                    _anchor=indicator.code))
    return render_template("catalogue/indicator_form.html", cycle=indicator.cycle, form=form,
                           indicator=indicator)


@bp.route("/indicators/<int:indicator_id>/delete", methods=["POST"])
@roles_required(*STAFF)
def indicator_delete(indicator_id):
    indicator = _indicator_or_404(indicator_id)
    cycle_id, code = indicator.cycle_id, indicator.code
    with committing() as committed:
        services.delete_indicator(indicator, actor=actor(), ip=client_ip())
    if not committed:
        return redirect(url_for(".indicator_edit", indicator_id=indicator_id))
    flash(_("Indikator %(code)s dihapus.", code=code), "success")
    return redirect(url_for(".indicator_list", cycle_id=cycle_id))
