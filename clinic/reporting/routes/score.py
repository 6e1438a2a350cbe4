"""Views of the reporting blueprint: the city's score and one SKPD's share of it.

Every figure comes from clinic.reporting.projection, which loads the whole cycle in a fixed
number of queries; a contact's page shows only their own SKPD's rows, chosen through
clinic.access.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import abort, render_template, request
from sqlalchemy import select

from clinic.access import get_scoped_or_404, roles_required
from clinic.admin.models import Skpd
from clinic.catalogue.models import Cycle
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.ids import bounded_int
from clinic.reporting import bp, projection, scoring
from clinic.reporting.fixes import ranked_fixes
from clinic.reporting.models import ItemStatus
from clinic.web import actor

TOP_FIXES = 20


@dataclass
class Figures:
    """Counts and SID points of one SKPD (or one innovation) in both projections."""

    innovations: int = 0
    items: int = 0
    complete: int = 0  # submitted or verified: nothing left for the SKPD to do
    submitted: int = 0
    verified: int = 0
    returned: int = 0
    claimed_points: Decimal = Decimal(0)  # contribution to the city's SID, claimed
    verified_points: Decimal = Decimal(0)  # contribution to the city's SID, verified

    def count(self, item):
        self.items += 1
        self.complete += item.status in (ItemStatus.SUBMITTED, ItemStatus.VERIFIED)
        self.submitted += item.status == ItemStatus.SUBMITTED
        self.verified += item.status == ItemStatus.VERIFIED
        self.returned += item.status == ItemStatus.RETURNED


@dataclass
class InnovationRow:
    innovation: object
    entry: dict  # the projection's entry: raw SID points, counted, missing mandatory indicators
    figures: Figures = field(default_factory=Figures)


def _share(points, totals):
    """SID points an innovation adds to a projection: its part of the average term and an
    equal part of the count term (so the shares of all SKPDs add up to the city's SID)."""
    if not totals.n:
        return Decimal(0)
    return points / totals.divisor + totals.count_term / totals.n


def _target(cycle, result):
    """The target predicate's floor and how far each projection is from it (unrounded test,
    rounded distance: 65.009 has not reached 65.01 although both display as 65,01)."""
    rules = projection.rules_of(cycle)
    floor = rules.floor_of(rules.target_predicate) if rules.target_predicate else None
    out = {"name": rules.target_predicate, "floor": floor}
    for version in (scoring.CLAIMED, scoring.VERIFIED):
        index = result[version].index
        out[version] = None if floor is None else {
            "reached": index >= floor, "distance": scoring.round2(abs(index - floor))}
    return out


def _breakdown(cycle):
    """The projection plus per-SKPD and per-innovation figures."""
    result = projection.city_breakdown(cycle)
    inns = result["innovation_objects"]
    per_skpd = defaultdict(Figures)
    rows = {}
    for entry in result["innovations"]:
        innovation = inns[entry["key"]]
        row = rows[innovation.id] = InnovationRow(innovation, entry)
        row.figures.innovations = 1
        row.figures.claimed_points = _share(entry["claimed_points"], result["claimed"])
        if entry["counted_verified"]:
            row.figures.verified_points = _share(entry["verified_points"], result["verified"])
        skpd = per_skpd[innovation.skpd_id]
        skpd.innovations += 1
        skpd.claimed_points += row.figures.claimed_points
        skpd.verified_points += row.figures.verified_points
    spd = Figures()
    for item in result["item_objects"].values():
        if item.innovation_id is None:
            spd.count(item)
        else:
            rows[item.innovation_id].figures.count(item)
        if item.skpd_id is not None:
            per_skpd[item.skpd_id].count(item)  # includes SPD items assigned to the SKPD
    rounded = {v: result[v].rounded() for v in (scoring.CLAIMED, scoring.VERIFIED)}
    return {"result": result, "per_skpd": per_skpd, "rows": rows, "spd": spd,
            "claimed": rounded[scoring.CLAIMED], "verified": rounded[scoring.VERIFIED],
            "target": _target(cycle, result)}


def _urusan(cycle, result):
    return [(name, name in result["claimed"].covered, name in result["verified"].covered)
            for name in cycle.basic_service_urusan or ()]


def _cycle():
    """The cycle named by ?cycle=YEAR, else the current one (None when there is none)."""
    year = request.args.get("cycle", type=bounded_int)
    if year is None:
        return current_cycle()
    cycle = db.session.scalars(select(Cycle).where(Cycle.year == year)).first()
    if cycle is None:
        abort(404)
    return cycle


def _cycles():
    return db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()


def _skpd_page(cycle, skpd):
    """One SKPD's figures; of the rest of the city only the totals, never another SKPD's rows."""
    data = _breakdown(cycle)
    result = data["result"]
    fixes = ranked_fixes(result, {skpd.id})
    items = result["item_objects"]
    in_city_top = sum(1 for fix in result["fixes"][:TOP_FIXES]
                      if items[fix["key"]].skpd_id == skpd.id)
    city = {key: data[key] for key in ("claimed", "verified", "target")}
    city["fixes_total"] = len(result["fixes"])
    city["in_top"] = in_city_top
    # A contact's next step is an item they can act on, not one waiting for Bappeda.
    actionable = ItemStatus.OPEN if actor().is_contact else ItemStatus.ALL
    next_fix = next((fix for fix in fixes if fix.status in actionable), None)
    return render_template(
        "reporting/score_skpd.html", cycle=cycle, cycles=_cycles(), skpd=skpd, city=city,
        next_fix=next_fix,
        figures=data["per_skpd"].get(skpd.id, Figures()),
        rows=[row for row in data["rows"].values() if row.innovation.skpd_id == skpd.id],
        fixes=fixes[:TOP_FIXES], fixes_total=len(fixes), top=TOP_FIXES)


@bp.route("/score/", methods=["GET"])
@roles_required("admin", "staff", "contact")
def score():
    cycle = _cycle()
    user = actor()
    if user.is_contact:
        skpd = get_scoped_or_404(Skpd, user.skpd_id, user)
        if cycle is None:
            return render_template("reporting/score_skpd.html", cycle=None, skpd=skpd)
        return _skpd_page(cycle, skpd)
    if cycle is None:
        return render_template("reporting/score_city.html", cycle=None)
    data = _breakdown(cycle)
    skpds = db.session.scalars(select(Skpd).order_by(Skpd.code)).all()
    listed = [s for s in skpds if s.is_active or s.id in data["per_skpd"]]
    fixes = ranked_fixes(data["result"])
    return render_template(
        "reporting/score_city.html", cycle=cycle, cycles=_cycles(), data=data,
        skpd_rows=[(s, data["per_skpd"].get(s.id, Figures())) for s in listed],
        urusan=_urusan(cycle, data["result"]), fixes=fixes[:TOP_FIXES], fixes_total=len(fixes),
        top=TOP_FIXES)


@bp.route("/score/skpd/<int:skpd_id>", methods=["GET"])
@roles_required("admin", "staff", "contact")
def score_skpd(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    cycle = _cycle()
    if cycle is None:
        return render_template("reporting/score_skpd.html", cycle=None, skpd=skpd)
    return _skpd_page(cycle, skpd)
