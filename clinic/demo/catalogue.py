"""The demo's cycles: the shipped 2023 and 2026 catalogues, 2026 current with dates from today."""
from datetime import timedelta

import yaml
from flask import current_app

from clinic.catalogue.services import load_catalogue, make_current
from clinic.demo.admin import DATA


def seed_cycles(today):
    """Load both catalogues and date them around ``today``; return the current cycle."""
    cycles = {}
    for year, name in ((2023, "iid-2023.yaml"), (2026, "iid-2026.yaml")):
        data = yaml.safe_load((DATA / "catalogue" / name).read_text(encoding="utf-8"))
        cycles[year] = load_catalogue(data, year)
    current = cycles[2026]
    current.portal_opens_on = today + timedelta(days=21)
    current.portal_closes_on = today + timedelta(days=75)
    current.internal_deadline_on = today + timedelta(days=45)
    current.timezone = current_app.config["CLINIC_TIMEZONE"]
    make_current(current)
    archive = cycles[2023]
    archive.portal_opens_on = today.replace(year=2023, month=6, day=1)
    archive.portal_closes_on = today.replace(year=2023, month=8, day=21)
    archive.internal_deadline_on = today.replace(year=2023, month=8, day=11)
    return current
