"""The Bimtek pages; importing the modules registers their views on ``bp``."""
from clinic.bimtek.routes import agenda, events, invitations, registration  # noqa: F401
