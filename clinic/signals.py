"""Signals: a feature announces an event and the features above it react, never imported by it.

Receivers run inside the sender's transaction: like services, they add and flush, and the caller
(view, CLI command or job) commits once for all of them.
"""
from blinker import Namespace

_signals = Namespace()

# Sent by reporting with the verified item as sender and ``actor=`` the verifying user;
# follow-ups close the tasks that asked for the item.
item_verified = _signals.signal("item-verified")
