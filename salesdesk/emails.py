"""E-mail of a document: message templates in Russian and English, and the message
itself with the PDF attached (an ``.eml`` draft that any mail program opens; issue 18).

Templates are texts with placeholders — ``{number}``, ``{total}``, ``{due_date}``,
``{valid_until}``, ``{client}``, ``{company}``, ``{sender}`` — written in the
document's language through the translations, like the PDF itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from salesdesk import clock
from salesdesk.errors import ValidationError
from salesdesk.i18n import N_, Tr, _


@dataclass(frozen=True)
class Template:
    """A message's subject and body, with placeholders."""

    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "proposal": Template(
        N_("Commercial proposal {number} from {company}"),
        N_("Hello,\n\nplease find attached our commercial proposal {number} for {total}. "
           "It is valid until {valid_until}.\n\nWe will be glad to answer your "
           "questions.\n\nBest regards,\n{sender}\n{company}")),
    "invoice": Template(
        N_("Invoice {number} from {company}"),
        N_("Hello,\n\nplease find attached invoice {number} for {total}, due by "
           "{due_date}.\n\nBest regards,\n{sender}\n{company}")),
    "reminder": Template(
        N_("Payment reminder: invoice {number}"),
        N_("Hello,\n\nthis is a reminder that invoice {number} for {total} was due on "
           "{due_date} and is not paid yet. The invoice is attached once more.\n\nIf you "
           "have already paid it, please disregard this message.\n\nBest regards,\n"
           "{sender}\n{company}")),
}
"""The message templates by name; a document's kind names its default one."""


def template_for(kind: str, name: str | None) -> Template:
    """The named template, or the document kind's own."""
    chosen = name or kind
    if chosen not in TEMPLATES:
        raise ValidationError("--template", _("must be one of {values}").format(
            values=", ".join(TEMPLATES)))
    return TEMPLATES[chosen]


def fill(template: Template, lang: str, values: dict[str, Any]) -> tuple[str, str]:
    """Subject and body in ``lang`` with the placeholders filled (an unknown one stays
    as it is written)."""
    t = Tr(lang)

    class Values(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    known = Values(values)
    return t._(template.subject).format_map(known), t._(template.body).format_map(known)


def document_message(*, to: str, sender_name: str, sender_email: str | None,
                     subject: str, body: str, pdf: bytes, file_name: str,
                     draft: bool = True) -> bytes:
    """The message with the PDF attached, as ``.eml`` bytes (RFC 5322); a ``draft`` is
    marked unsent, for a mail program to open ready to send."""
    message = EmailMessage()
    message["To"] = to
    if sender_email:
        message["From"] = formataddr((sender_name, sender_email))
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="salesdesk.local")
    if draft:
        # An unsent draft: Outlook and Thunderbird open it ready to send.
        message["X-Unsent"] = "1"
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=file_name)
    return message.as_bytes()
