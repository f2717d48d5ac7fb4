"""Users and the company they work for."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import UTCDateTime

ROLES = ("head", "manager", "rep")


class User(Record, Base):
    """A person who logs in: the head, a manager or a representative (``rep``).

    Every user but the head has a manager. Users are deactivated, never deleted, so
    that their records keep an owner until they are reassigned.
    """

    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    # The short prefix of this user's document numbers (unique across the company).
    doc_prefix: Mapped[str] = mapped_column(String(8), unique=True, nullable=False)
    position: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Company(Record, Base):
    """The company's requisites and document settings (one row)."""

    __tablename__ = "company"

    name: Mapped[str] = mapped_column(String(300), nullable=False)
    legal_form: Mapped[str | None] = mapped_column(String(50))
    inn: Mapped[str | None] = mapped_column(String(12))
    kpp: Mapped[str | None] = mapped_column(String(9))
    ogrn: Mapped[str | None] = mapped_column(String(15))
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    bank_name: Mapped[str | None] = mapped_column(String(300))
    bik: Mapped[str | None] = mapped_column(String(9))
    corr_account: Mapped[str | None] = mapped_column(String(20))
    settlement_account: Mapped[str | None] = mapped_column(String(20))
    head_name: Mapped[str | None] = mapped_column(String(200))
    head_position: Mapped[str | None] = mapped_column(String(200))
    accountant_name: Mapped[str | None] = mapped_column(String(200))
    base_currency: Mapped[str] = mapped_column(String(3), nullable=False, default="RUB")
    # True: catalogue and line prices include VAT; False: VAT is charged on top.
    vat_included: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    default_vat_rate: Mapped[str] = mapped_column(String(8), nullable=False, default="22")
    document_language: Mapped[str] = mapped_column(String(2), nullable=False, default="ru")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The stamp (печать) and the signatures (факсимиле) printed on invoices sent by
    # e-mail: PNGs with a transparent background, checked and scaled by branding.py.
    stamp: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_head: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_accountant: Mapped[bytes | None] = mapped_column(LargeBinary)
    proposal_valid_days: Mapped[int] = mapped_column(Integer, nullable=False, default=14)
    invoice_due_days: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    payment_terms: Mapped[str | None] = mapped_column(Text)
    delivery_terms: Mapped[str | None] = mapped_column(Text)
    # The terms of documents in English (the two above are the Russian ones).
    payment_terms_en: Mapped[str | None] = mapped_column(Text)
    delivery_terms_en: Mapped[str | None] = mapped_column(Text)
    # Print each line's VAT rate and amount, so that the lines add up visibly.
    vat_column: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                             server_default=false())
    # Files on records: the largest file one may attach, and how much of the files a
    # laptop's replica takes along (the rest stays at the office and is listed).
    file_limit_mb: Mapped[int] = mapped_column(Integer, nullable=False, default=20,
                                               server_default="20")
    replica_files_mb: Mapped[int] = mapped_column(Integer, nullable=False, default=200,
                                                  server_default="200")
    # METRICS.md: the activity window W of customer metrics, in days.
    activity_window_days: Mapped[int] = mapped_column(Integer, nullable=False, default=365)
    # {"new": "10", "qualified": "25", ...}: percent as strings (exact decimals).
    stage_probabilities: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False,
                                                               default=dict)
    # Motivation (issue 19): the commission scheme ({"base": "won"|"collected",
    # "rate_pct", "threshold_pct", "accelerator_pct"} as exact decimal strings; empty: no
    # commission) and the metric the team is ranked by.
    commission_scheme: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False,
                                                              default=dict,
                                                              server_default="{}")
    ranking_metric: Mapped[str] = mapped_column(String(40), nullable=False,
                                                default="plan_attainment_pct",
                                                server_default="plan_attainment_pct")
    department_name: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def probability(self, stage: str) -> Decimal:
        """The stage's win probability in percent (settings, with the design's defaults)."""
        from salesdesk.domain import DEFAULT_STAGE_PROBABILITIES

        raw = (self.stage_probabilities or {}).get(stage)
        return Decimal(str(raw)) if raw is not None else DEFAULT_STAGE_PROBABILITIES.get(
            stage, Decimal(0))
