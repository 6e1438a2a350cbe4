"""Every model, imported in one place for create_app() and Alembic."""
from clinic.admin.models import AgencySettings, Skpd  # noqa: F401
from clinic.audit import AuditEvent  # noqa: F401
from clinic.auth.models import User  # noqa: F401
from clinic.catalogue.models import Cycle, Indicator, IndicatorLevel, PredicateBand  # noqa: F401
from clinic.outbox.models import Notification  # noqa: F401
from clinic.reminders.models import JobRun, SchedulerLock  # noqa: F401
from clinic.reporting.models import Evidence, Innovation, InnovationDocument, ItemEvent, ReportItem  # noqa: F401,E501
from clinic.coaching.models import (  # noqa: F401
    Attendance, CoachingSession, Finding, NoteRevision, SessionEvent, SessionNote,
)
from clinic.followups.models import FollowUpTask, TaskEvent  # noqa: F401
from clinic.workdays import ClosedDate  # noqa: F401
from clinic.bimtek.models import (  # noqa: F401
    AgendaItem, AgendaSpeaker, BimtekEvent, Certificate, CheckIn, EventDay, EventFinding,
    EventInvitation, EventPhoto, Feedback, Material, Participant,
)
