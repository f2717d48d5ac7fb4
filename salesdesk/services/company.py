"""The company's requisites and document settings: everybody reads, the head edits."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from salesdesk import policy
from salesdesk.auth import Actor, actor_of, check_password_rules, hash_password
from salesdesk.branding import KINDS as IMAGE_KINDS
from salesdesk.branding import prepare_image
from salesdesk.db.engine import Database
from salesdesk.db.models import Company, User
from salesdesk.domain import (
    DEFAULT_STAGE_PROBABILITIES,
    OPEN_STAGES,
    STAGE_LABELS,
    VAT_RATES,
    label,
)
from salesdesk.errors import FieldProblem, NotFoundError, ValidationError
from salesdesk.i18n import LANGUAGES, _
from salesdesk.policy import HEAD, Action
from salesdesk.services.base import check_version, reading, writing
from salesdesk.validation import (
    check_bik,
    check_correspondent_account,
    check_email,
    check_inn,
    check_kpp,
    check_phone,
    check_settlement_account,
    check_text,
)

IMAGES = frozenset(IMAGE_KINDS)


@dataclass(frozen=True)
class CompanyRecord:
    """Requisites printed on documents and the settings documents and metrics use."""

    id: uuid.UUID
    version: int
    name: str
    legal_form: str | None
    inn: str | None
    kpp: str | None
    ogrn: str | None
    address: str | None
    phone: str | None
    email: str | None
    bank_name: str | None
    bik: str | None
    corr_account: str | None
    settlement_account: str | None
    head_name: str | None
    head_position: str | None
    accountant_name: str | None
    base_currency: str
    vat_included: bool
    default_vat_rate: str
    document_language: str
    logo: bytes | None
    stamp: bytes | None
    signature_head: bytes | None
    signature_accountant: bytes | None
    proposal_valid_days: int
    invoice_due_days: int
    payment_terms: str | None
    delivery_terms: str | None
    payment_terms_en: str | None
    delivery_terms_en: str | None
    vat_column: bool
    activity_window_days: int
    file_limit_mb: int
    """The largest file one may attach, in MB."""
    replica_files_mb: int
    """How many MB of attached files a laptop's replica takes along."""
    commission_scheme: dict[str, Any]
    """The commission scheme (:mod:`salesdesk.services.motivation`), empty for none."""
    ranking_metric: str
    """What the team is ranked by."""
    stage_probabilities: dict[str, Decimal]
    department_name: str | None
    is_demo: bool

    @property
    def full_name(self) -> str:
        """``ООО «Ромашка»``: legal form and name as documents print them."""
        from salesdesk.domain import company_full_name

        return company_full_name(self.legal_form, self.name)

    def terms(self, language: str) -> tuple[str | None, str | None]:
        """The payment and delivery terms new documents in ``language`` start with."""
        return terms_for(self, language)


def terms_for(company: Any, language: str) -> tuple[str | None, str | None]:
    """Payment and delivery terms in a document language (Russian ones are the fallback
    for English only when no English text was written: an English reader is better
    served by Russian terms than by none)."""
    if language == "en" and (company.payment_terms_en or company.delivery_terms_en):
        return company.payment_terms_en, company.delivery_terms_en
    return company.payment_terms, company.delivery_terms


EDITABLE = (
    "name", "legal_form", "inn", "kpp", "ogrn", "address", "phone", "email", "bank_name",
    "bik", "corr_account", "settlement_account", "head_name", "head_position",
    "accountant_name", "vat_included", "default_vat_rate", "document_language", "logo",
    "stamp", "signature_head", "signature_accountant", "proposal_valid_days",
    "invoice_due_days", "payment_terms", "delivery_terms", "payment_terms_en",
    "delivery_terms_en", "vat_column",
    "activity_window_days", "stage_probabilities", "department_name", "file_limit_mb",
    "replica_files_mb", "commission_scheme", "ranking_metric",
)


def company_record(company: Company) -> CompanyRecord:
    """The dataclass view of the company row."""
    probs = {stage: company.probability(stage) for stage in OPEN_STAGES}
    values: dict[str, Any] = {f.name: getattr(company, f.name)
                              for f in dataclasses.fields(CompanyRecord)
                              if f.name != "stage_probabilities"}
    return CompanyRecord(**values, stage_probabilities=probs)


def load_company(session: Any) -> Company:
    """The company row (every initialised database has one)."""
    company = session.scalar(select(Company).where(Company.deleted_at.is_(None)))
    if company is None:
        raise NotFoundError(_("This database has no company yet: run 'salesdesk init'."))
    return company  # type: ignore[no-any-return]


def initialize(db: Database, company_name: str, head_login: str, head_name: str,
               password: str, **company_fields: Any) -> Actor:
    """Create the company and its first user, the head, in one transaction."""
    from salesdesk.services.users import _unique_prefix, check_login

    problems: list[FieldProblem] = []
    try:
        company_name = check_text(company_name, _("Company name"), required=True) or ""
    except ValidationError as exc:
        problems.extend(exc.problems)
    try:
        head_login = check_login(head_login)
    except ValidationError as exc:
        problems.extend(exc.problems)
    try:
        head_name = check_text(head_name, _("Name"), required=True, max_length=200) or ""
    except ValidationError as exc:
        problems.extend(exc.problems)
    try:
        check_password_rules(password)
    except ValidationError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    values = _validated({"name": company_name, **company_fields})
    with db.unit_of_work() as uow:
        if uow.session.scalar(select(func.count()).select_from(User)):
            raise ValidationError(_("Login"), _("this database already has users"))
        head = User(id=uuid.uuid4(), login=head_login, name=head_name, role=HEAD,
                    password_hash=hash_password(password),
                    doc_prefix=_unique_prefix(uow.session, head_login), active=True)
        uow.session.info["actor_id"] = head.id
        uow.session.add(head)
        uow.flush()
        company = Company(name=company_name, stage_probabilities={
            k: str(v) for k, v in DEFAULT_STAGE_PROBABILITIES.items() if k in OPEN_STAGES})
        for key, value in values.items():
            setattr(company, key, value)
        if not company.head_name:
            company.head_name = head_name
        uow.session.add(company)
        uow.commit()
        return actor_of(head)


def is_demo_database(db: Database) -> bool:
    """The database holds the demo office (the login dialog offers its users); asked
    before anyone has logged in, so it needs no actor and tells nothing else."""
    with db.read() as session:
        return bool(session.scalar(select(Company.is_demo)))


def get_company(db: Database, actor: Actor) -> CompanyRecord:
    """The company's details (every user reads them: they are printed on documents)."""
    with reading(db, actor) as ctx:
        return company_record(load_company(ctx.session))


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    """Check every given field; report every problem at once."""
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}

    def attempt(key: str, fn: Any) -> None:
        try:
            out[key] = fn()
        except ValidationError as exc:
            problems.extend(exc.problems)

    bik = changes.get("bik")
    for key, value in changes.items():
        if key not in EDITABLE:
            problems.append(FieldProblem(key, _("is not a company setting")))
            continue
        if key == "name":
            attempt(key, lambda v=value: check_text(v, _("Company name"), required=True))
        elif key == "inn":
            attempt(key, lambda v=value: check_inn(v))
        elif key == "kpp":
            attempt(key, lambda v=value: check_kpp(v))
        elif key == "bik":
            attempt(key, lambda v=value: check_bik(v))
        elif key == "corr_account":
            attempt(key, lambda v=value: check_correspondent_account(v, _safe_bik(bik)))
        elif key == "settlement_account":
            attempt(key, lambda v=value: check_settlement_account(v, _safe_bik(bik)))
        elif key == "email":
            attempt(key, lambda v=value: check_email(v))
        elif key == "phone":
            attempt(key, lambda v=value: check_phone(v))
        elif key == "ogrn":
            attempt(key, lambda v=value: _check_ogrn(v))
        elif key in ("vat_included", "vat_column"):
            out[key] = bool(value)
        elif key == "default_vat_rate":
            if str(value) not in VAT_RATES:
                problems.append(FieldProblem(_("Default VAT rate"), _("must be one of {rates}")
                                             .format(rates=", ".join(VAT_RATES))))
            else:
                out[key] = str(value)
        elif key == "document_language":
            if value not in LANGUAGES:
                problems.append(FieldProblem(_("Document language"), _("must be ru or en")))
            else:
                out[key] = value
        elif key in ("proposal_valid_days", "invoice_due_days", "activity_window_days"):
            labels = {"proposal_valid_days": _("Proposal validity, days"),
                      "invoice_due_days": _("Invoice payment term, days"),
                      "activity_window_days": _("Activity window, days")}
            try:
                number = int(value)
                if not 1 <= number <= 3650:
                    raise ValueError
                out[key] = number
            except (TypeError, ValueError):
                problems.append(FieldProblem(labels[key], _("must be a whole number from 1 to "
                                                            "3650")))
        elif key in ("file_limit_mb", "replica_files_mb"):
            label, most = ((_("Largest file to attach, MB"), 100) if key == "file_limit_mb"
                           else (_("Files a laptop takes along, MB"), 100_000))
            least = 1 if key == "file_limit_mb" else 0
            try:
                number = int(value)
                if not least <= number <= most:
                    raise ValueError
                out[key] = number
            except (TypeError, ValueError):
                problems.append(FieldProblem(label, _(
                    "must be a whole number from {low} to {high}").format(low=least, high=most)))
        elif key == "commission_scheme":
            from salesdesk.services.motivation import parse_scheme

            try:
                out[key] = parse_scheme(value)
            except ValidationError as exc:
                problems.extend(exc.problems)
        elif key == "ranking_metric":
            from salesdesk.services.motivation import RANKING_METRICS

            if value not in RANKING_METRICS:
                problems.append(FieldProblem(_("Team ranked by"), _(
                    "must be one of {values}").format(values=", ".join(RANKING_METRICS))))
            else:
                out[key] = value
        elif key == "stage_probabilities":
            try:
                out[key] = _check_probabilities(value)
            except ValidationError as exc:
                problems.extend(exc.problems)
        elif key in IMAGES:
            # None removes the image; anything else is checked, scaled and kept as PNG.
            if value is None:
                out[key] = None
            else:
                attempt(key, lambda v=value, k=key: prepare_image(v, k))
        else:
            attempt(key, lambda v=value, k=key: check_text(v, k, max_length=2000))
    if problems:
        raise ValidationError(problems)
    return out


def _safe_bik(bik: Any) -> str | None:
    try:
        return check_bik(bik)
    except ValidationError:
        return None


def _check_ogrn(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) not in (13, 15):
        raise ValidationError(_("OGRN"), _("must be 13 digits (company) or 15 (entrepreneur)"))
    base, check = int(text[:-1]), int(text[-1])
    if (base % (11 if len(text) == 13 else 13)) % 10 != check:
        raise ValidationError(_("OGRN"), _("check digit does not match"))
    return text


def _check_probabilities(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValidationError(_("Stage probabilities"), _("must give a percentage per stage"))
    out: dict[str, str] = {}
    for stage in OPEN_STAGES:
        raw = value.get(stage, DEFAULT_STAGE_PROBABILITIES[stage])
        try:
            number = Decimal(str(raw).replace(",", "."))
        except InvalidOperation:
            raise ValidationError(_("Stage probabilities"), _("{stage}: not a number").format(
                stage=label(STAGE_LABELS, stage))) from None
        if not Decimal(0) <= number <= Decimal(100):
            raise ValidationError(_("Stage probabilities"), _("{stage}: must be from 0 to 100")
                                  .format(stage=label(STAGE_LABELS, stage)))
        out[stage] = str(number)
    return out


def update_company(db: Database, actor: Actor, changes: dict[str, Any],
                   expected_version: int | None = None) -> CompanyRecord:
    """Change requisites and document settings (head only), all validated together."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.COMPANY_EDIT)
        company = load_company(ctx.session)
        check_version(company, expected_version)
        merged = dict(changes)
        if "bik" not in merged and ("corr_account" in merged or "settlement_account" in merged):
            merged["bik"] = company.bik
        values = _validated(merged)
        # Accounts are checked against the BIK they will be saved with.
        bik = values.get("bik", company.bik)
        if "bik" in changes:
            for key, check in (("corr_account", check_correspondent_account),
                               ("settlement_account", check_settlement_account)):
                if key not in changes and getattr(company, key):
                    check(getattr(company, key), bik)
        for key, value in values.items():
            setattr(company, key, value)
        uow.commit()
        return company_record(company)
