"""The key pages of the benchmark, one row each, and the real ids their URLs need.

To measure a new page (a dashboard, an export, an API), add a ``Page`` to ``PAGES``. ``role``
names whose session cookie is sent (``ROLES``); ``feed`` sends none, the token in the URL is
the credential. A path may name the ids of ``find_ids`` in braces, e.g. ``{innovation_id}``.
"""
from dataclasses import dataclass

from sqlalchemy import create_engine, text


@dataclass(frozen=True)
class Page:
    """One page to drive with wrk as one role."""

    key: str
    role: str
    path: str
    label: str


PAGES = (
    Page("staff-home", "staff", "/", "staff home"),
    Page("score", "staff", "/score/", "score (city)"),
    Page("review", "staff", "/review/", "review queue"),
    Page("innovations", "staff", "/innovations/", "innovations list"),
    Page("spd", "staff", "/spd/", "SPD items"),
    Page("followups", "staff", "/tindak-lanjut/", "follow-up tasks"),
    Page("calendar", "staff", "/coaching/calendar", "calendar (month view)"),
    Page("admin-skpd", "staff", "/admin/skpd/", "SKPD list"),
    Page("admin-cycles", "staff", "/admin/cycles/", "cycles (lightest logged-in page)"),
    Page("outbox", "staff", "/admin/outbox/", "outbox (Kotak Keluar)"),
    Page("contact-home", "contact", "/", "contact home (to-do list)"),
    Page("contact-score", "contact", "/score/", "score (own SKPD)"),
    Page("contact-innovation", "contact", "/innovations/{innovation_id}", "own innovation"),
    Page("contact-item", "contact", "/items/{item_id}", "item with evidence"),
    Page("contact-tasks", "contact", "/tindak-lanjut/?owner=me", "own task list"),
    Page("feed", "feed", "{feed_path}", "calendar feed .ics (contact's token)"),
)

# The page the stretch budget holds to 15 % of hello world.
LIGHTEST = "admin-cycles"

# Who logs in for each role; {contact_email} comes from find_ids.
ROLES = {"staff": "staff@demo.test", "contact": "{contact_email}"}

# The innovation to prefer for the contact (the brief's example); any other with evidence will do.
PREFERRED_INNOVATION = 5

_ITEM_WITH_EVIDENCE = text("""
    SELECT r.id AS item_id, i.id AS innovation_id, s.code AS skpd_code
    FROM report_items r
    JOIN innovations i ON i.id = r.innovation_id
    JOIN cycles c ON c.id = i.cycle_id
    JOIN skpds s ON s.id = i.skpd_id
    WHERE c.is_current
      AND EXISTS (SELECT 1 FROM evidence e WHERE e.item_id = r.id AND e.removed_at IS NULL)
      AND EXISTS (SELECT 1 FROM users u WHERE u.skpd_id = s.id AND u.role = 'contact'
                  AND u.is_active AND u.email = 'operator.' || lower(s.code) || '@demo.test')
    ORDER BY CASE WHEN i.id = :preferred THEN 0 ELSE 1 END, i.id, r.id
    LIMIT 1
""")


def find_ids(url):
    """Ids for the contact's pages: an innovation of the contact's SKPD and its item with
    evidence, in the current cycle, and the contact's e-mail."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(_ITEM_WITH_EVIDENCE,
                               {"preferred": PREFERRED_INNOVATION}).mappings().first()
    finally:
        engine.dispose()
    if row is None:
        raise RuntimeError("no item with evidence in the current cycle: is the demo seeded?")
    return {"item_id": row["item_id"], "innovation_id": row["innovation_id"],
            "skpd_code": row["skpd_code"],
            "contact_email": f"operator.{row['skpd_code'].lower()}@demo.test"}


def path_of(page, ids):
    """The page's URL path with its ids filled in."""
    return page.path.format(**ids)


def email_of(role, ids):
    """The e-mail address that logs in as ``role``."""
    return ROLES[role].format(**ids)
