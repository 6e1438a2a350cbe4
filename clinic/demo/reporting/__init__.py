"""Demo reporting data: innovations, items in every status, small real evidence files.

The demo city is tuned from the cycle's own bands: its claimed index sits a little above the
target predicate's floor and its verified index a little below, so the next best fixes say
which items would carry the city over the line. Everything is drawn from one seeded random
generator, so two runs give the same innovations, levels and statuses. The rooms: ``content``
(texts), ``files`` (generated PDF and PNG), ``plan`` (the draws and their tuning), ``writer``.
"""
import random

from flask import current_app
from sqlalchemy import select

from clinic.demo.reporting.plan import ASSIGNED_SPD, plan_demo
from clinic.demo.reporting.writer import Writer
from clinic.extensions import db
from clinic.reporting import engine, scoring, services
from clinic.reporting.models import ReportItem

SEED = 20260



def seed_reporting_demo(cycle, skpds, contacts_by_skpd, staff, scale=1, upload_folder=None,
                        seed=SEED):
    """Add the demo city's innovations, reporting items and evidence to ``cycle``.

    ``skpds``: the SKPDs (most get innovations, matched by code); ``contacts_by_skpd``: SKPD id
    -> the contact who reports for it (staff act for an SKPD without one); ``staff``: the
    Bappeda user who fills the SPD items, verifies and returns; ``scale`` multiplies the
    innovations; files go to ``upload_folder`` (default UPLOAD_FOLDER). The caller commits.
    Returns a summary with the resulting claimed and verified index.
    """
    rng = random.Random(seed)
    drawn = plan_demo(rng, cycle, skpds, contacts_by_skpd, staff, scale)
    plans, spd_plan = drawn["innovations"], drawn["spd"]
    fill_at, verify_at = drawn["fill_at"], drawn["verify_at"]
    folder = upload_folder or current_app.config["UPLOAD_FOLDER"]
    writer = Writer(rng, cycle, staff, folder)
    services.ensure_spd_items(cycle)
    spd_items = {item.indicator_id: item for item in db.session.scalars(
        select(ReportItem).where(ReportItem.cycle_id == cycle.id,
                                 ReportItem.innovation_id.is_(None)))}
    holder = next((s for s in skpds if s.code == ASSIGNED_SPD[1]), None)
    for plan in spd_plan:
        item, actor = spd_items[plan.indicator.id], staff
        if plan.indicator.code == ASSIGNED_SPD[0] and holder is not None:
            services.assign_spd_item(item, holder, staff)
            actor = contacts_by_skpd.get(holder.id) or staff
        writer.apply(item, plan.state(fill_at, verify_at), plan.level, actor, None)
    for n, (profile, rows) in enumerate(plans):
        innovation = services.create_innovation(profile.skpd, cycle, profile.fields,
                                                profile.contact)
        items = {item.indicator_id: item for item in innovation.items}
        for plan in rows:
            writer.apply(items[plan.indicator.id], plan.state(fill_at, verify_at), plan.level,
                         profile.contact, innovation)
        if n % 3 == 0:
            writer.document(innovation, profile.contact)
    files = writer.store_files()
    db.session.flush()
    score = engine.city_score(cycle)
    return {"innovations": len(plans), "files": files,
            "claimed_index": scoring.round2(score.claimed.index),
            "verified_index": scoring.round2(score.verified.index)}
