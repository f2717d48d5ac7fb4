"""Products and prices: everybody reads the catalogue, managers and the head edit it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from salesdesk import policy, registry
from salesdesk.auth import Actor
from salesdesk.db.engine import Database
from salesdesk.db.models import Product
from salesdesk.db.types import utcnow
from salesdesk.fields import Field, validate
from salesdesk.i18n import _
from salesdesk.policy import Action
from salesdesk.services.base import (
    apply,
    check_version,
    get_record,
    reading,
    sorted_by,
    view,
    writing,
)

PRODUCT_FIELDS: dict[str, Field] = registry.spec("products")
"""The fields the service checks (declared in :mod:`salesdesk.registry`)."""


@dataclass(frozen=True)
class ProductRecord:
    """A catalogue item."""

    id: uuid.UUID
    name: str
    sku: str | None
    unit: str
    price: Decimal
    vat_rate: str
    description: str | None
    active: bool
    version: int


def create_product(db: Database, actor: Actor, values: dict[str, Any]) -> ProductRecord:
    """Add a product to the catalogue (managers and the head)."""
    from salesdesk.services.company import load_company

    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.PRODUCT_EDIT)
        data = validate(PRODUCT_FIELDS, values)
        product = Product(id=uuid.uuid4(), **data)
        product.unit = product.unit or "шт"
        product.vat_rate = product.vat_rate or load_company(uow.session).default_vat_rate
        product.active = True if product.active is None else product.active
        uow.session.add(product)
        uow.commit()
        return view(ProductRecord, product)


def update_product(db: Database, actor: Actor, product_id: uuid.UUID | str,
                   values: dict[str, Any], expected_version: int | None = None) -> ProductRecord:
    """Change a product's name, price, unit, VAT rate or description."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.PRODUCT_EDIT)
        product = get_record(ctx, Product, product_id, _("Product"), Action.PRODUCT_EDIT)
        check_version(product, expected_version)
        apply(product, validate(PRODUCT_FIELDS, values, partial=True),
              keep=("unit", "vat_rate", "active"))
        uow.commit()
        return view(ProductRecord, product)


def delete_product(db: Database, actor: Actor, product_id: uuid.UUID | str) -> None:
    """Soft-delete a product (documents keep their lines' own copies)."""
    with writing(db, actor) as (uow, ctx):
        policy.require(ctx, Action.PRODUCT_EDIT)
        product = get_record(ctx, Product, product_id, _("Product"), Action.PRODUCT_EDIT)
        product.deleted_at = utcnow()
        uow.commit()


PRODUCT_SORTS = {"name": Product.name, "sku": Product.sku, "unit": Product.unit,
                 "price": Product.price, "vat": Product.vat_rate, "active": Product.active}
"""The columns the catalogue sorts by."""


def list_products(db: Database, actor: Actor, text_filter: str | None = None,
                  include_inactive: bool = False, sort: str | None = None,
                  descending: bool = False) -> list[ProductRecord]:
    """The catalogue, by name (or by ``sort``, one of :data:`PRODUCT_SORTS`)."""
    with reading(db, actor) as ctx:
        stmt = select(Product).where(Product.deleted_at.is_(None))
        if not include_inactive:
            stmt = stmt.where(Product.active.is_(True))
        if text_filter and text_filter.strip():
            like = f"%{text_filter.strip()}%"
            stmt = stmt.where(or_(Product.name.like(like), Product.sku.like(like)))
        stmt = sorted_by(stmt, PRODUCT_SORTS, sort, descending, (Product.name,), Product.id)
        return [view(ProductRecord, p) for p in ctx.session.scalars(stmt)]


def get_product(db: Database, actor: Actor, product_id: uuid.UUID | str) -> ProductRecord:
    """One product."""
    with reading(db, actor) as ctx:
        return view(ProductRecord, get_record(ctx, Product, product_id, _("Product")))
