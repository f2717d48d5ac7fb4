"""The one declaration of every record kind's fields.

A field is declared here once: its key (the model's attribute), its label (English
source, translated where it is shown), its parser and whether it is required (what the
service checks on every save), how a form edits it, its name in the import and export
files with the names other tools give that column, and whether lists sort, filter,
import and export it. What is derived from it:

- the services' validation specs (:func:`spec`), which the sync also runs over a
  laptop's changes (``sync/checks.py``);
- the window's forms (``ui/forms.py: registry_fields``) and the client list's columns;
- the import mapping (:func:`import_names`: the column name, its synonyms, and the
  label in Russian and English) and the wizard's field names;
- the headers of the office workbook and of every export (:func:`label`);
- the labels of sync conflicts (:func:`conflict_label`, :func:`kind_label`).

Adding a field to clients touches the model, a migration and one line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from salesdesk import clock
from salesdesk.db.models import STRATEGY_KINDS
from salesdesk.domain import (
    ACTIVITY_KIND_LABELS,
    APPOINTMENT_KIND_LABELS,
    APPOINTMENT_STATUS_LABELS,
    CLIENT_KINDS,
    CLIENT_STATUS_LABELS,
    REQUEST_STATUS_LABELS,
    STAGE_LABELS,
    VAT_RATES,
)
from salesdesk.fields import (
    Field,
    Parser,
    boolean,
    checked,
    choice,
    money,
    one_of,
    parse_date,
    parse_month,
    percent,
    quantity,
    text,
    time_of_day,
    whole,
)
from salesdesk.i18n import LANGUAGES, N_, Tr
from salesdesk.validation import check_email, check_inn, check_kpp, check_phone


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class RecordField(Field):
    """One field of a record kind (see the module)."""

    key: str = ""
    widget: str = "text"
    """How a form edits it: text, multiline, choice, combo, money, date, number, bool."""
    column: str = ""
    """Its name in import and export files (INTERFACES.md); the key when empty."""
    synonyms: tuple[str, ...] = ()
    """Other names import files give the column: the layouts of amoCRM/Kommo, Bitrix24,
    1С, Pipedrive, Google Contacts and Outlook, in Russian and English."""
    heading: str = ""
    """The short header of a list column, when it differs from the label."""
    placeholder: str = ""
    hint: str = ""
    choices: Mapping[str, str] | None = None
    """Code -> label of a choice (the labels translated where shown)."""
    service: bool = True
    """Checked by the service on create and edit (else set by the service itself)."""
    form: bool = True
    """Edited in the record's form."""
    sortable: bool = False
    filterable: bool = False
    importable: bool = False
    exportable: bool = True
    stored: bool = True
    """A column of the table (else a helper of the import only, as a first name)."""
    conflict: str = ""
    """What a sync conflict on this field is about, when more than the field itself."""
    default: Any = None
    """What a new record starts with (a callable is called then, as ``clock.today``); a
    form always holds a value for a field with a default."""

    def initial(self) -> Any:
        """The default value now."""
        return self.default() if callable(self.default) else self.default

    @property
    def name(self) -> str:
        """The file column's name."""
        return self.column or self.key


def F(key: str, label: str, parse: Parser = _as_is, **options: Any) -> RecordField:
    """A field, declared in one line."""
    return RecordField(label, parse, options.pop("required", False), key=key, **options)


def _own(key: str, label: str, column: str, **options: Any) -> RecordField:
    """A field the service sets itself (owner, dates of record): exported, and for some
    kinds imported, but not in the form's spec."""
    return F(key, label, service=False, form=False, column=column, **options)


@dataclass(frozen=True)
class Kind:
    """A record kind: its table, how one and many of it are called, its fields, and the
    columns its list shows (keys, in order)."""

    table: str
    one: str
    many: str
    fields: tuple[RecordField, ...]
    list_columns: tuple[str, ...] = ()

    def field(self, key: str) -> RecordField | None:
        """The field of this key (or of this file column name)."""
        return next((f for f in self.fields if key in (f.key, f.name)), None)


_PHONE = ("телефон", "телефоны", "рабочий телефон", "телефон (рабочий)", "телефон рабочий",
          "business phone", "phone 1 - value", "work phone", "мобильный телефон")
_EMAIL = ("e-mail", "почта", "электронная почта", "рабочий e-mail", "рабочий email",
          "email (рабочий)", "e-mail рабочий", "email рабочий", "e-mail address",
          "email address", "e-mail 1 - value")

CLIENTS = Kind("clients", N_("Client"), N_("Clients"), (
    F("name", N_("Name"), text(300), required=True, heading=N_("Client"), sortable=True,
      importable=True, placeholder=N_("ООО «Ромашка»"),
      synonyms=("наименование", "название", "название компании", "компания", "company",
                "company name", "organization", "organisation", "organization - name",
                "organization name", "organization 1 - name", "клиент", "контрагент",
                "краткое наименование", "account name")),
    _own("owner_id", N_("Owner"), "owner", sortable=True, filterable=True, importable=True,
         synonyms=("ответственный", "ответственный менеджер", "основной менеджер", "менеджер",
                   "organization - owner", "owner name", "account owner",
                   "ответственный пользователь")),
    F("kind", N_("Kind"), one_of(CLIENT_KINDS), form=False),
    F("inn", N_("INN"), checked(check_inn), sortable=True, importable=True,
      synonyms=("инн", "инн контрагента", "tax id", "taxpayer id", "инн/кпп")),
    F("kpp", N_("KPP"), checked(check_kpp), importable=True, synonyms=("кпп",)),
    F("segment", N_("Segment"), text(100), widget="combo", sortable=True, filterable=True,
      importable=True,
      synonyms=("сегмент", "тип компании", "сфера деятельности", "отрасль", "industry",
                "organization - industry", "label", "organization - label", "категория")),
    F("market", N_("Market"), text(100), widget="combo", filterable=True),
    F("city", N_("City"), text(100), widget="combo", sortable=True, importable=True,
      synonyms=("город", "business city", "organization - city", "населенный пункт")),
    F("source", N_("Source"), text(100), widget="combo", sortable=True, filterable=True,
      importable=True, synonyms=("источник", "источник клиента", "lead source")),
    F("status", N_("Status"), choice(CLIENT_STATUS_LABELS), widget="choice", default="active",
      choices=CLIENT_STATUS_LABELS, sortable=True, filterable=True),
    _own("priority", N_("Key client"), "key_client", heading=N_("Key"), sortable=True,
         filterable=True),
    F("phone", N_("Phone"), checked(check_phone), importable=True,
      placeholder="+7 912 345-67-89",
      synonyms=(*_PHONE, "телефон компании", "company main phone", "organization - phone")),
    F("email", N_("E-mail"), checked(check_email), importable=True,
      placeholder="name@example.ru",
      synonyms=(*_EMAIL, "адрес электронной почты", "organization - email",
                "e-mail для рассылок")),
    F("website", N_("Website"), text(200), importable=True, placeholder="example.ru",
      synonyms=("web", "сайт", "веб-сайт", "корпоративный сайт", "web page", "web site",
                "organization - website", "website 1 - value", "url", "сайт компании")),
    F("address", N_("Address"), text(500), widget="multiline", importable=True,
      synonyms=("адрес", "юридический адрес", "фактический адрес", "адрес компании",
                "organization - address", "business street", "address 1 - formatted",
                "почтовый адрес")),
    F("document_language", N_("Document language"), one_of(LANGUAGES), widget="choice",
      default="ru", choices={"ru": "Русский", "en": "English"}),
    F("notes", N_("Notes"), text(10000), widget="multiline", importable=True,
      synonyms=("примечание", "комментарий", "описание", "comment", "примечание 1")),
    _own("created_at", N_("Created"), "created", heading=N_("Added"), sortable=True,
         importable=True,
         synonyms=("создан", "дата создания", "создано", "add time", "organization - add time",
                   "created at", "date created")),
), list_columns=("name", "inn", "segment", "city", "owner_id", "status", "priority", "phone",
                 "created_at"))

CONTACTS = Kind("contacts", N_("Contact"), N_("Contacts"), (
    _own("client_id", N_("Client"), "client", importable=True,
         synonyms=("клиент", "компания", "company", "название компании", "organization",
                   "organization - name", "person - organization", "organization 1 - name",
                   "organization name", "контрагент")),
    _own("client_inn", N_("Client's INN"), "client_inn", importable=True, stored=False,
         exportable=False, synonyms=("client inn", "инн", "inn", "инн компании")),
    F("name", N_("Name"), text(200), required=True, importable=True,
      synonyms=("фио", "полное имя", "полное имя контакта", "контакт", "контактное лицо",
                "person - name", "display name", "full name", "имя контакта")),
    _own("last_name", N_("Last name"), "last_name", importable=True, stored=False,
         exportable=False,
         synonyms=("last name", "фамилия", "family name", "person - last name", "surname")),
    _own("first_name", N_("First name"), "first_name", importable=True, stored=False,
         exportable=False, synonyms=("first name", "имя", "given name", "person - first name")),
    _own("middle_name", N_("Middle name"), "middle_name", importable=True, stored=False,
         exportable=False, synonyms=("middle name", "отчество", "additional name")),
    F("position", N_("Position"), text(200), importable=True,
      synonyms=("должность", "job title", "title", "organization 1 - title",
                "organization title", "person - job title")),
    F("phone", N_("Phone"), checked(check_phone), importable=True,
      synonyms=(*_PHONE, "мобильный", "телефон (мобильный)", "mobile phone", "person - phone",
                "person - phone - work", "person - phone - mobile")),
    F("email", N_("E-mail"), checked(check_email), importable=True,
      synonyms=(*_EMAIL, "person - email", "person - email - work")),
    F("notes", N_("Notes"), text(5000), widget="multiline", importable=True,
      synonyms=("примечание", "комментарий")),
))

DEALS = Kind("deals", N_("Deal"), N_("Deals"), (
    _own("client_id", N_("Client"), "client", importable=True, synonyms=("клиент",)),
    F("title", N_("Title"), text(300), required=True, importable=True,
      synonyms=("название",)),
    _own("owner_id", N_("Owner"), "owner", importable=True, synonyms=("ответственный",)),
    F("amount", N_("Amount"), money, widget="money", required=True, importable=True,
      synonyms=("сумма",)),
    F("stage", N_("Stage"), choice(STAGE_LABELS), widget="choice", choices=STAGE_LABELS,
      default="new",
      importable=True, synonyms=("стадия",)),
    F("opened_on", N_("Opened"), parse_date, widget="date", column="opened", importable=True,
      default=clock.today,
      synonyms=("открыта",)),
    F("expected_close", N_("Expected close"), parse_date, widget="date", importable=True,
      synonyms=("ожидаемое закрытие",)),
    F("closed_on", N_("Closed"), parse_date, widget="date", column="closed", importable=True,
      hint=N_("For a won or lost deal; today unless you say otherwise"),
      synonyms=("закрыта",)),
    F("lost_reason", N_("Lost reason"), text(1000), widget="combo", importable=True,
      synonyms=("причина отказа",)),
    F("competitor_id", N_("Competitor"), widget="choice", service=False),
    F("notes", N_("Notes"), text(10000), widget="multiline"),
))

ACTIVITIES = Kind("activities", N_("Activity"), N_("Activities"), (
    _own("client_id", N_("Client"), "client", importable=True, synonyms=("клиент",)),
    _own("user_id", N_("User"), "user", importable=True, synonyms=("сотрудник",)),
    F("kind", N_("Kind"), choice(ACTIVITY_KIND_LABELS), widget="choice", required=True,
      choices=ACTIVITY_KIND_LABELS, default="call", importable=True, synonyms=("тип",)),
    F("date", N_("Date"), parse_date, widget="date", required=True, importable=True,
      default=clock.today, synonyms=("дата",)),
    F("note", N_("Note"), text(10000), widget="multiline", importable=True,
      synonyms=("комментарий",)),
    F("answer_by", N_("Answer by"), parse_date, widget="date",
      hint=N_("For a client request: the next day unless you say otherwise")),
    F("request_status", N_("Request status"), choice(REQUEST_STATUS_LABELS), widget="choice",
      choices=REQUEST_STATUS_LABELS),
    F("answer", N_("Answer"), text(10000), widget="multiline"),
))

APPOINTMENTS = Kind("appointments", N_("Meeting or call"), N_("Meetings and calls"), (
    _own("client_id", N_("Client"), "client"),
    _own("user_id", N_("With"), "user"),
    F("kind", N_("Kind"), choice(APPOINTMENT_KIND_LABELS), widget="choice", required=True,
      choices=APPOINTMENT_KIND_LABELS, default="meeting"),
    F("subject", N_("Subject"), text(300), required=True,
      placeholder=N_("Presentation of the new price list")),
    F("date", N_("Date"), parse_date, widget="date", required=True, default=clock.today),
    F("start_minute", N_("Time"), time_of_day, widget="time", required=True, default=600,
      column="time"),
    F("duration_minutes", N_("Duration, minutes"), whole(5, 720), widget="number",
      required=True, default=60, column="duration"),
    F("place", N_("Place"), text(300), placeholder=N_("Address, room or video link")),
    F("note", N_("Note"), text(10000), widget="multiline"),
    F("status", N_("Status"), choice(APPOINTMENT_STATUS_LABELS), widget="choice",
      choices=APPOINTMENT_STATUS_LABELS, default="planned", form=False),
    F("outcome", N_("Outcome"), text(10000), widget="multiline", form=False),
))

ATTACHMENTS = Kind("attachments", N_("File"), N_("Files"), (
    F("name", N_("File name"), text(255), required=True),
))

DELIVERIES = Kind("deliveries", N_("Delivery"), N_("Deliveries"), (
    F("description", N_("What"), text(300), required=True),
    F("due_date", N_("Due"), parse_date, widget="date", required=True),
    F("delivered_on", N_("Delivered"), parse_date, widget="date"),
    F("note", N_("Note"), text(5000), widget="multiline"),
))

PRODUCTS = Kind("products", N_("Product"), N_("Products"), (
    F("name", N_("Name"), text(300), required=True, importable=True,
      synonyms=("наименование",)),
    F("sku", N_("SKU"), text(64), importable=True, synonyms=("артикул",)),
    F("unit", N_("Unit"), text(20), importable=True, synonyms=("ед.", "ед", "единица")),
    F("price", N_("Price"), money, widget="money", required=True, importable=True,
      synonyms=("цена",)),
    F("vat_rate", N_("VAT rate"), one_of(VAT_RATES), widget="choice", importable=True,
      synonyms=("ставка ндс", "ндс")),
    F("description", N_("Description"), text(5000), widget="multiline"),
    F("active", N_("Active"), boolean, widget="bool"),
))

TASKS = Kind("tasks", N_("Task"), N_("Tasks"), (
    F("title", N_("Title"), text(300), required=True),
    F("due_date", N_("Due"), parse_date, widget="date", required=True),
    F("note", N_("Note"), text(5000), widget="multiline"),
))

TRAINING = Kind("training_items", N_("Training item"), N_("Training"), (
    F("title", N_("Title"), text(300), required=True),
    F("description", N_("Description"), text(5000), widget="multiline"),
    F("due_date", N_("Due"), parse_date, widget="date"),
))

COMPETITORS = Kind("competitors", N_("Competitor"), N_("Competitors"), (
    F("name", N_("Name"), text(200), required=True),
    F("website", N_("Website"), text(300)),
    F("strengths", N_("Strengths"), text(5000), widget="multiline"),
    F("weaknesses", N_("Weaknesses"), text(5000), widget="multiline"),
    F("prices", N_("Prices"), text(5000), widget="multiline"),
    F("notes", N_("Notes"), text(10000), widget="multiline"),
))

MARKET_NOTES = Kind("market_notes", N_("Market note"), N_("Market notes"), (
    F("title", N_("Title"), text(300), required=True),
    F("date", N_("Date"), parse_date, widget="date"),
    F("text", N_("Text"), text(20000), widget="multiline"),
))

SPEND = Kind("marketing_spend", N_("Marketing spend"), N_("Marketing spend"), (
    F("date", N_("Date"), parse_date, widget="date", required=True, importable=True,
      synonyms=("дата",)),
    F("channel", N_("Channel"), text(100), required=True, importable=True,
      synonyms=("канал",)),
    F("amount", N_("Amount"), money, widget="money", required=True, importable=True,
      synonyms=("сумма",)),
    F("note", N_("Note"), text(2000)),
))

BUDGET = Kind("marketing_budget", N_("Marketing budget"), N_("Marketing budget"), (
    F("month", N_("Month"), parse_month, required=True),
    F("channel", N_("Channel"), text(100), required=True),
    F("amount", N_("Amount"), money, widget="money", required=True),
    F("note", N_("Note"), text(2000)),
))

TEMPLATES = Kind("training_templates", N_("Onboarding template"), N_("Onboarding templates"), (
    F("name", N_("Name"), text(200), required=True),
    F("note", N_("Note"), text(2000), widget="multiline"),
))

TARGETS = Kind("targets", N_("Target"), N_("Monthly targets"), (
    _own("user_id", N_("User"), "user", importable=True, synonyms=("сотрудник",)),
    _own("month", N_("Month"), "month", importable=True, synonyms=("месяц",),
         parse=parse_month),
    _own("amount", N_("Amount"), "amount", importable=True, synonyms=("сумма",),
         parse=money),
))

STRATEGY = Kind("strategy_items", N_("Strategy item"), N_("Strategy"), (
    F("kind", N_("Kind"), one_of(STRATEGY_KINDS), required=True),
    F("value", N_("Value"), text(200), required=True),
    F("note", N_("Note"), text(2000)),
))

DOCUMENTS = Kind("documents", N_("Document"), N_("Proposals and invoices"), (
    F("doc_date", N_("Date"), parse_date, widget="date"),
    F("valid_until", N_("Valid until"), parse_date, widget="date"),
    F("due_date", N_("Pay by"), parse_date, widget="date"),
    F("title", N_("Title"), text(300)),
    F("lead", N_("Introduction"), text(5000), widget="multiline"),
    F("basis", N_("Basis"), text(300)),
    F("payment_terms", N_("Payment terms"), text(5000), widget="multiline"),
    F("delivery_terms", N_("Delivery terms"), text(5000), widget="multiline"),
    F("notes", N_("Notes"), text(5000), widget="multiline"),
    F("language", N_("Document language"), one_of(LANGUAGES), widget="choice"),
    _own("total", N_("Total"), "total", conflict=N_("Lines and total")),
    _own("paid_total", N_("Paid"), "paid_total", conflict=N_("Payments")),
))

DOCUMENT_LINES = Kind("document_lines", N_("Document line"), N_("Document lines"), (
    F("description", N_("Item"), text(1000), required=True),
    F("quantity", N_("Quantity"), quantity, widget="number", required=True),
    F("unit", N_("Unit"), text(20), required=True),
    F("price", N_("Price"), money, widget="money", required=True),
    F("discount_pct", N_("Discount, %"), percent, widget="number"),
    F("vat_rate", N_("VAT rate"), one_of(VAT_RATES), widget="choice", required=True),
))

PAYMENTS = Kind("payments", N_("Payment"), N_("Payments"), ())
USERS = Kind("users", N_("User"), N_("Users"), ())
COMPANY = Kind("company", N_("Company"), N_("Company"), ())
SERIES = Kind("document_series", N_("Document series"), N_("Document series"), ())

KINDS: dict[str, Kind] = {k.table: k for k in (
    USERS, COMPANY, PRODUCTS, COMPETITORS, SERIES, CLIENTS, CONTACTS, DEALS, ACTIVITIES,
    DOCUMENTS, DOCUMENT_LINES, PAYMENTS, DELIVERIES, TASKS, TARGETS, SPEND, STRATEGY,
    MARKET_NOTES, TRAINING, APPOINTMENTS, ATTACHMENTS, BUDGET, TEMPLATES)}
"""Every record kind, by its table."""

IMPORT_TABLES = {"clients": "clients", "contacts": "contacts", "deals": "deals",
                 "activities": "activities", "spend": "marketing_spend",
                 "targets": "targets", "products": "products"}
"""``import KIND``: the table each kind of import file fills."""

SHARED_LABELS = {
    "accountant_name": N_("Chief accountant"), "active": N_("Active"),
    "activity_id": N_("Activity id"), "answered_at": N_("Answered at"),
    "commission_scheme": N_("Commission scheme"), "items": N_("Items"),
    "lost_at_stage": N_("Lost at stage"), "ranking_metric": N_("Team ranked by"),
    "activity_window_days": N_("Activity window, days"), "added_by_id": N_("Added by"),
    "address": N_("Address"), "content_type": N_("File type"), "entity": N_("Attached to"),
    "file_limit_mb": N_("Largest file to attach, MB"), "record_id": N_("Record id"),
    "replica_files_mb": N_("Files a laptop takes along, MB"), "sha256": N_("Checksum"),
    "size": N_("Size, bytes"),
    "amount": N_("Amount"), "answered_on": N_("Answered on"),
    "assigned_by_id": N_("Assigned by"), "assignee_id": N_("Assignee"),
    "author_id": N_("Author"), "bank_name": N_("Bank"), "base_currency": N_("Currency"),
    "bik": N_("BIK"), "cancelled_reason": N_("Why cancelled"), "client_id": N_("Client id"),
    "competitor_id": N_("Competitor id"), "contact_id": N_("Contact id"),
    "corr_account": N_("Correspondent account"), "created_at": N_("Created"),
    "created_by_id": N_("Created by"), "currency": N_("Currency"), "deal_id": N_("Deal id"),
    "default_vat_rate": N_("Default VAT rate"), "delivery_terms": N_("Delivery terms"),
    "delivery_terms_en": N_("Delivery terms (English documents)"),
    "department_name": N_("Department"), "description": N_("Description"),
    "doc_prefix": N_("Document prefix"), "document_id": N_("Document id"),
    "document_language": N_("Document language"), "done_on": N_("Done on"),
    "due_date": N_("Due date"), "email": N_("E-mail"), "head_name": N_("Director"),
    "head_position": N_("Director's position"), "id": N_("Id"), "inn": N_("INN"),
    "invoice_due_days": N_("Invoice payment term, days"), "invoice_id": N_("Invoice id"),
    "is_demo": N_("Demo data"), "issued_at": N_("Issued at"), "kind": N_("Kind"),
    "kpp": N_("KPP"), "last_number": N_("Last number"), "legal_form": N_("Legal form"),
    "login": N_("Login"), "logo": N_("Logo"), "manager_id": N_("Manager"),
    "month": N_("Month"), "name": N_("Name"), "note": N_("Note"), "number": N_("Number"),
    "ogrn": N_("OGRN"), "owner_id": N_("Owner"), "paid_on": N_("Paid on"),
    "paid_total": N_("Paid"), "payment_terms": N_("Payment terms"),
    "payment_terms_en": N_("Payment terms (English documents)"), "phone": N_("Phone"),
    "phone_e164": N_("Phone (international)"), "position": N_("Position"),
    "prefix": N_("Prefix"), "priority": N_("Key client"), "product_id": N_("Product id"),
    "proposal_valid_days": N_("Proposal validity, days"), "recorded_by_id": N_("Recorded by"),
    "replaces_id": N_("Replaces"), "review_note": N_("Review note"),
    "reviewed": N_("Reviewed"), "reviewed_by_id": N_("Reviewed by"), "role": N_("Role"),
    "seq": N_("Sequence number"), "series": N_("Series"),
    "settlement_account": N_("Settlement account"),
    "signature_accountant": N_("Accountant's signature"),
    "signature_head": N_("Head's signature"), "snapshot": N_("Printed requisites"),
    "source_id": N_("Made from"), "stage_probabilities": N_("Stage probabilities"),
    "stamp": N_("Stamp"), "status": N_("Status"), "subtotal": N_("Subtotal"),
    "title": N_("Title"), "total": N_("Total"), "user_id": N_("User"),
    "vat_amount": N_("VAT"), "vat_column": N_("Print each line's VAT"),
    "vat_included": N_("Prices include VAT"), "vat_total": N_("VAT"),
}
"""Labels of the columns that belong to no kind's declared fields (ids, people, the
company's settings), shared by every table that has them."""


def kind(table: str) -> Kind:
    """The kind of a table (an empty one for a table not declared)."""
    return KINDS.get(table) or Kind(table, table, table, ())


@cache
def spec(table: str) -> dict[str, Field]:
    """What the service checks on create and edit: key -> field."""
    return {f.key: f for f in kind(table).fields if f.service}


def _declared(table: str, key: str) -> RecordField | None:
    return next((f for f in kind(table).fields if f.key == key), None)


def label(table: str, key: str) -> str:
    """A stored column's label (English source), as exports head it: the kind's field
    that the service checks, else the shared label (``client_id`` holds an id: "Client
    id"), else the kind's field, else the key made readable."""
    field = _declared(table, key)
    if field is not None and field.service:
        return field.label
    if key in SHARED_LABELS:
        return SHARED_LABELS[key]
    return field.label if field is not None else key.replace("_", " ").capitalize()


def conflict_label(table: str, key: str) -> str:
    """What a sync conflict on a field is called."""
    field = _declared(table, key)
    return (field.conflict or field.label) if field is not None else label(table, key)


def kind_label(table: str) -> str:
    """One record of a table, as a conflict names it ("Client")."""
    return kind(table).one


def sheet_label(table: str) -> str:
    """The records of a table, as a workbook's sheet names them ("Clients")."""
    return kind(table).many


def sortable(table: str) -> list[str]:
    """The file names of the fields a list sorts by."""
    return [f.name for f in kind(table).fields if f.sortable]


def import_fields(import_kind: str) -> list[RecordField]:
    """The fields a column of an ``import_kind`` file may be mapped to."""
    return [f for f in kind(IMPORT_TABLES[import_kind]).fields if f.importable]


def import_field(import_kind: str, name: str) -> RecordField | None:
    """The import field of a file column's name (``opened``, ``owner``)."""
    return next((f for f in import_fields(import_kind) if f.name == name), None)


@cache
def import_names(import_kind: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Field (its file name) -> the names a file may give its column, best first: the
    tools' names, then the label in Russian and English. Earlier names win where two
    fields would share one (``имя`` is a first name before it is a contact's name)."""
    fields = import_fields(import_kind) if import_kind in IMPORT_TABLES else []
    own = [(f.name, (f.name, *f.synonyms)) for f in fields]
    labels = [(f.name, tuple(Tr(lang)._(f.label) for lang in ("ru", "en"))) for f in fields]
    return (*own, *labels)
