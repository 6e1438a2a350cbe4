"""The Bimtek pages; importing the modules registers their views on ``bp``."""
from clinic.bimtek.routes import agenda, events, invitations, registration  # noqa: F401
from clinic.bimtek.routes import letters  # noqa: F401
from clinic.bimtek.routes import feedback, materials, records  # noqa: F401
from clinic.bimtek.routes import certificates, checkin  # noqa: F401
