"""Delivery check of the "needs fixing" mail: sent only while the item is still returned.

The mail's dedupe key names the item and the time of the return it announces
(``item_returned_key``); if the item was resubmitted, verified or returned again before
delivery, the row is superseded instead of telling the contacts something no longer true.
"""
from datetime import timezone

from clinic.extensions import db
from clinic.outbox.checks import Supersede, register_delivery_check
from clinic.reporting.models import ItemStatus, ReportItem


def _stamp(moment):
    # To the second: a database may keep no fractions of a second (MariaDB's DATETIME).
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S")


def item_returned_key(item, user):
    return f"item:{item.id}:returned:{user.id}:{_stamp(item.reviewed_at)}"


def check_item_returned(row, now):
    parts = (row.dedupe_key or "").split(":", 4)
    if len(parts) != 5 or parts[0] != "item" or not parts[1].isdigit():
        return None  # a row written before keys named the return: send it as before
    item = db.session.get(ReportItem, int(parts[1]))
    if item is None or item.status != ItemStatus.RETURNED:
        return Supersede("the item is no longer returned")
    if item.reviewed_at is None or _stamp(item.reviewed_at) != parts[4]:
        return Supersede("the item was returned again since")
    return None


register_delivery_check("item_returned", check_item_returned)
