"""Demo data: the demo city, one step per feature, in the order the features build on.

admin (work units and accounts), catalogue (cycles), reporting (innovations, items, evidence),
coaching (sessions, notes, findings; each finding's task comes from ``followups``), bimtek
(an upcoming event open for registration, and the July 2024 one, held). Dates other than
that event's are relative to today so the demo always looks alive. The top floor: it may import every feature.
"""
from clinic.dates import today_local
from clinic.demo.admin import STAFF, demo_logins, seed_accounts
from clinic.demo.bimtek import seed_bimtek_demo
from clinic.demo.catalogue import seed_cycles
from clinic.demo.coaching import seed_coaching_demo
from clinic.demo.reporting import seed_reporting_demo
from clinic.extensions import db

__all__ = ["demo_logins", "seed_demo"]


def seed_demo(scale=1):
    """Create the demo city; return a summary dict. The caller commits."""
    skpds, people, contacts = seed_accounts(scale)
    cycle = seed_cycles(today_local())
    db.session.flush()
    reporting = seed_reporting_demo(cycle, skpds, contacts, people["staff@demo.test"], scale=scale)
    coaching = seed_coaching_demo(cycle, skpds, people, scale=scale)
    bimtek = seed_bimtek_demo(skpds, people, contacts, people["staff@demo.test"])
    return {"skpds": len(skpds), "users": len(STAFF) + len(skpds) + 1, "cycle": cycle.year,
            "innovations": reporting["innovations"], "sessions": coaching["sessions"],
            "tasks": coaching["tasks"], "bimtek_events": bimtek["events"],
            "bimtek_participants": bimtek["participants"] + bimtek["held_participants"],
            "claimed": reporting["claimed_index"], "verified": reporting["verified_index"]}
