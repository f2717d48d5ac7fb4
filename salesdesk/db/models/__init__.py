"""Every SalesDesk table, importable from one place."""

from salesdesk.db.base import Base, Record
from salesdesk.db.models.audit import AuditEntry
from salesdesk.db.models.catalog import Product
from salesdesk.db.models.clients import ACTIVITY_KINDS, REQUEST_STATUSES, Activity, Client, Contact
from salesdesk.db.models.deals import Deal
from salesdesk.db.models.documents import (
    DOCUMENT_KINDS,
    Document,
    DocumentLine,
    DocumentSeries,
    Payment,
)
from salesdesk.db.models.files import ATTACHABLE, Attachment, FileBlob
from salesdesk.db.models.mail import OUTBOX_STATUSES, SECURITY, MailSettings, OutboxMessage
from salesdesk.db.models.people import ROLES, Company, User
from salesdesk.db.models.planning import (
    STRATEGY_KINDS,
    Competitor,
    MarketingBudget,
    MarketingSpend,
    MarketNote,
    StrategyItem,
    Target,
    TrainingItem,
    TrainingTemplate,
)
from salesdesk.db.models.rollups import ActivityDay
from salesdesk.db.models.sync import ChangeEntry, FieldClock, SyncConflict, SyncSite
from salesdesk.db.models.work import (
    APPOINTMENT_KINDS,
    APPOINTMENT_STATUSES,
    Appointment,
    Delivery,
    Task,
)

__all__ = [
    "ACTIVITY_KINDS",
    "APPOINTMENT_KINDS",
    "APPOINTMENT_STATUSES",
    "ATTACHABLE",
    "DOCUMENT_KINDS",
    "OUTBOX_STATUSES",
    "REQUEST_STATUSES",
    "ROLES",
    "SECURITY",
    "STRATEGY_KINDS",
    "Activity",
    "ActivityDay",
    "Appointment",
    "Attachment",
    "AuditEntry",
    "Base",
    "ChangeEntry",
    "Client",
    "Company",
    "Competitor",
    "Contact",
    "Deal",
    "Delivery",
    "Document",
    "DocumentLine",
    "DocumentSeries",
    "FieldClock",
    "FileBlob",
    "MailSettings",
    "MarketNote",
    "MarketingBudget",
    "MarketingSpend",
    "OutboxMessage",
    "Payment",
    "Product",
    "Record",
    "StrategyItem",
    "SyncConflict",
    "SyncSite",
    "Target",
    "Task",
    "TrainingItem",
    "TrainingTemplate",
    "User",
]
