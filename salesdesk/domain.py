"""The department's vocabulary: stages, kinds, statuses, VAT rates, and their labels.

Codes are stored; labels are translated where they are shown. Import files may name a
code by its English or Russian label (INTERFACES.md).
"""

from __future__ import annotations

from decimal import Decimal

from salesdesk.i18n import N_, Tr

STAGES: tuple[str, ...] = ("new", "qualified", "proposal", "negotiation", "won", "lost")
OPEN_STAGES: tuple[str, ...] = ("new", "qualified", "proposal", "negotiation")
CLOSED_STAGES: tuple[str, ...] = ("won", "lost")

DEFAULT_STAGE_PROBABILITIES: dict[str, Decimal] = {
    "new": Decimal(10),
    "qualified": Decimal(25),
    "proposal": Decimal(50),
    "negotiation": Decimal(75),
    "won": Decimal(100),
    "lost": Decimal(0),
}

STAGE_LABELS = {
    "new": N_("New"),
    "qualified": N_("Qualified"),
    "proposal": N_("Proposal"),
    "negotiation": N_("Negotiation"),
    "won": N_("Won"),
    "lost": N_("Lost"),
}

ACTIVITY_KIND_LABELS = {
    "call": N_("Call"),
    "meeting": N_("Meeting"),
    "email": N_("E-mail"),
    "message": N_("Message"),
    "presentation": N_("Presentation"),
    "request": N_("Request"),
}

APPOINTMENT_KIND_LABELS = {
    "meeting": N_("Meeting"),
    "call": N_("Call"),
    "presentation": N_("Presentation"),
}
"""What may be planned for a date and a time (a subset of the activity kinds)."""

APPOINTMENT_STATUS_LABELS = {
    "planned": N_("Planned"),
    "done": N_("Held"),
    "cancelled": N_("Called off"),
}

REQUEST_STATUS_LABELS = {
    "open": N_("Awaiting answer"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
}

ROLE_LABELS = {
    "head": N_("Head of sales"),
    "manager": N_("Sales manager"),
    "rep": N_("Sales representative"),
}

CLIENT_STATUSES: tuple[str, ...] = ("lead", "active", "inactive")
CLIENT_STATUS_LABELS = {
    "lead": N_("Lead"),
    "active": N_("Active"),
    "inactive": N_("Inactive"),
}
CLIENT_KINDS: tuple[str, ...] = ("company", "person")

# VAT rates of DOMAIN.md: 22 % is standard in Russia from 2026; "none" is "без НДС".
VAT_RATES: tuple[str, ...] = ("22", "10", "7", "5", "0", "none")

DOCUMENT_STATUS_LABELS = {
    "draft": N_("Draft"),
    "issued": N_("Issued"),
    "sent": N_("Sent"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "expired": N_("Expired"),
    "partially_paid": N_("Partially paid"),
    "paid": N_("Paid"),
    "overdue": N_("Overdue"),
    "cancelled": N_("Cancelled"),
}

DOCUMENT_KIND_LABELS = {"proposal": N_("Commercial proposal"), "invoice": N_("Invoice")}


def label(labels: dict[str, str], code: str | None, lang: str | None = None) -> str:
    """The translated label of a code (the code itself when unknown)."""
    if code is None:
        return ""
    text = labels.get(code)
    if text is None:
        return code
    from salesdesk.i18n import get_language

    return Tr(lang or get_language())._(text)


def vat_rate_label(rate: str, lang: str | None = None) -> str:
    """``22 %`` or ``без НДС`` / ``no VAT``."""
    from salesdesk.i18n import get_language

    t = Tr(lang or get_language())
    if rate == "none":
        return t._("no VAT")
    return f"{rate} %" if t.lang == "ru" else f"{rate}%"


def parse_code(text: str, labels: dict[str, str]) -> str | None:
    """Find a code from its code, English label or Russian label, ignoring case."""
    wanted = (text or "").strip().casefold()
    if not wanted:
        return None
    for code, english in labels.items():
        if wanted in (code.casefold(), english.casefold(), Tr("ru")._(english).casefold()):
            return code
    return None


def company_full_name(legal_form: str | None, name: str) -> str:
    """``ООО «Ромашка»`` from the legal form and the name, the way documents print it.

    A name that already carries its form or its quotes is left as it is.
    """
    name = (name or "").strip()
    if not legal_form or name.startswith(legal_form):
        return name
    if "«" in name or '"' in name:
        return f"{legal_form} {name}"
    return f"{legal_form} «{name}»"
