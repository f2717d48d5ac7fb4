"""Products and prices."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from salesdesk.db.base import Base, Record
from salesdesk.db.types import Money


class Product(Record, Base):
    """A product or service in the catalogue, with its price and VAT rate."""

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(String(300), nullable=False, index=True)
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    unit: Mapped[str] = mapped_column(String(20), nullable=False, default="шт")
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    vat_rate: Mapped[str] = mapped_column(String(8), nullable=False, default="22")
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
