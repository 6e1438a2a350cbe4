"""Views of the reporting blueprint: the city's score and one SKPD's share of it.

Every figure comes from the score engine (clinic.reporting.engine), read from its aggregates
and cached per data version; a contact's page shows only their own SKPD's rows, chosen through
clinic.access.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask import abort, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from clinic.access import get_scoped_or_404, roles_required
from clinic.admin.models import Skpd
from clinic.catalogue.models import Cycle
from clinic.catalogue.services import current_cycle
from clinic.extensions import db
from clinic.ids import bounded_int
from clinic.reporting import bp, engine, gain_notes, scoring
from clinic.reporting.fixes import as_fixes, chosen
from clinic.reporting.models import Innovation, ItemStatus
from clinic.web import actor, paginate

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

    def count(self, counts):
        """Add a Counter of item statuses."""
        self.items += sum(counts.values())
        self.complete += counts[ItemStatus.SUBMITTED] + counts[ItemStatus.VERIFIED]
        self.submitted += counts[ItemStatus.SUBMITTED]
        self.verified += counts[ItemStatus.VERIFIED]
        self.returned += counts[ItemStatus.RETURNED]


@dataclass
class InnovationRow:
    innovation: object
    entry: dict  # raw SID points, counted, missing mandatory indicators
    figures: Figures = field(default_factory=Figures)


def _target(score):
    """The target predicate's floor and how far each projection is from it (unrounded test,
    rounded distance: 65.009 has not reached 65.01 although both display as 65,01)."""
    rules = score.rules
    floor = rules.floor_of(rules.target_predicate) if rules.target_predicate else None
    out = {"name": rules.target_predicate, "floor": floor}
    for version, totals in ((scoring.CLAIMED, score.claimed), (scoring.VERIFIED, score.verified)):
        out[version] = None if floor is None else {
            "reached": totals.index >= floor, "distance": scoring.round2(abs(totals.index - floor))}
    return out


def _per_skpd(score):
    """{skpd id: Figures} and the SPD items' Figures, from the engine's aggregates."""
    per_skpd = defaultdict(Figures)
    for key, skpd_id in score.skpd_of.items():
        figures = per_skpd[skpd_id]
        figures.innovations += 1
        figures.claimed_points += score.share(key, scoring.CLAIMED)
        figures.verified_points += score.share(key, scoring.VERIFIED)
    spd = Figures()
    for (skpd_id, innovation_id), counts in score.status_counts.items():
        if innovation_id is None:
            spd.count(counts)
        if skpd_id is not None:
            per_skpd[skpd_id].count(counts)  # includes SPD items assigned to the SKPD
    return per_skpd, spd


def _breakdown(cycle):
    score = engine.city_score(cycle)
    per_skpd, spd = score.derived("per_skpd", _per_skpd)  # once per data version
    return {"score": score, "per_skpd": per_skpd, "spd": spd,
            "claimed": score.claimed.rounded(), "verified": score.verified.rounded(),
            "target": _target(score)}


def _innovation_rows(score, skpd):
    """The SKPD's innovations with their standing (one query for the names)."""
    innovations = db.session.scalars(
        select(Innovation).where(Innovation.cycle_id == score.cycle_id,
                                 Innovation.skpd_id == skpd.id)
        .order_by(Innovation.id)).all()
    rows = []
    for innovation in innovations:
        claimed, verified = score.claimed_of[innovation.id], score.verified_of[innovation.id]
        row = InnovationRow(innovation, {
            "claimed_points": claimed.points, "verified_points": verified.points,
            "counted_verified": verified.counted, "in_age_window": verified.in_age_window,
            "mandatory_missing": list(verified.missing)})
        row.figures.count(score.status_counts.get((skpd.id, innovation.id), Counter()))
        rows.append(row)
    return rows


def _lowering(score, skpd_ids=None):
    """The TOP_FIXES innovations that lower the city's verified index most, with their objects,
    and how many there are in all; and the innovations without points that lower the claimed
    index (gain_notes.EmptyLowering) with the TOP_FIXES first as objects. One query for both."""
    found = [low for low in score.lowering() if skpd_ids is None or low.skpd_id in skpd_ids]
    chosen = found[:TOP_FIXES]
    empty = gain_notes.empty_lowering(score, skpd_ids)
    ids = {low.innovation_id for low in chosen} | set(empty.innovation_ids[:TOP_FIXES])
    objects = {inn.id: inn for inn in db.session.scalars(
        select(Innovation).where(Innovation.id.in_(ids))
        .options(joinedload(Innovation.skpd)))} if ids else {}
    return ([(objects[low.innovation_id], low) for low in chosen], len(found),
            ([objects[key] for key in empty.innovation_ids[:TOP_FIXES]], empty))


def _urusan(cycle, score):
    return [(name, name in score.claimed.covered, name in score.verified.covered)
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
    score = data["score"]
    own = chosen(score, {skpd.id})
    city = {key: data[key] for key in ("claimed", "verified", "target")}
    city["fixes_total"] = len(score.ranked())
    city["in_top"] = sum(1 for entry in score.ranked()[:TOP_FIXES] if entry.skpd_id == skpd.id)
    # A contact's next step is an item they can act on, not one waiting for Bappeda.
    actionable = ItemStatus.OPEN if actor().is_contact else ItemStatus.ALL
    next_fix = next(iter(as_fixes([e for e in own if e.status in actionable][:1])), None)
    fixes = as_fixes(own[:TOP_FIXES])
    return render_template(
        "reporting/score_skpd.html", cycle=cycle, cycles=_cycles(), skpd=skpd, city=city,
        next_fix=next_fix, figures=data["per_skpd"].get(skpd.id, Figures()),
        rows=_innovation_rows(score, skpd), lowering=_lowering(score, {skpd.id}),
        fixes=fixes, notes=gain_notes.zero_gain_notes(score, fixes), fixes_total=len(own),
        top=TOP_FIXES)


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
    page = paginate(select(Skpd).where(or_(Skpd.is_active, Skpd.id.in_(list(data["per_skpd"]))))
                    .order_by(Skpd.code))
    ranked, fixes = data["score"].ranked(), as_fixes(data["score"].ranked()[:TOP_FIXES])
    return render_template(
        "reporting/score_city.html", cycle=cycle, cycles=_cycles(), data=data, page=page,
        skpd_rows=[(s, data["per_skpd"].get(s.id, Figures())) for s in page.items],
        urusan=_urusan(cycle, data["score"]), fixes=fixes,
        notes=gain_notes.zero_gain_notes(data["score"], fixes), fixes_total=len(ranked),
        lowering=_lowering(data["score"]), top=TOP_FIXES)


@bp.route("/score/skpd/<int:skpd_id>", methods=["GET"])
@roles_required("admin", "staff", "contact")
def score_skpd(skpd_id):
    skpd = get_scoped_or_404(Skpd, skpd_id, actor())
    cycle = _cycle()
    if cycle is None:
        return render_template("reporting/score_skpd.html", cycle=None, skpd=skpd)
    return _skpd_page(cycle, skpd)
