"""Writes of Bimtek events: status, cancellation, agenda, invitations and registration."""
from clinic.bimtek.services.agenda import add_item, agenda_warnings, move_item  # noqa: F401
from clinic.bimtek.services.events import (  # noqa: F401
    EventError, advance, cancel_event, create_event, update_event,
)
from clinic.bimtek.services.invitations import (  # noqa: F401
    change_quota, invite, withdraw,
)
from clinic.bimtek.services.registration import (  # noqa: F401
    RegistrationError, cancel_registration, register,
)
