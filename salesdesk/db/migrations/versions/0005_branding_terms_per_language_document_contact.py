"""Branding images, terms per language, VAT column, a document's contact, client website

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 13:00:00

The company gains a stamp and two signature images (printed on invoices sent by e-mail),
English payment and delivery terms beside the Russian ones, and the setting that prints
each line's VAT. A document names the client's contact person it is addressed to. A
client keeps its web site (every CRM an office moves from exports one).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stamp", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("signature_head", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("signature_accountant", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("payment_terms_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("delivery_terms_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("vat_column", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("website", sa.String(length=200), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key("fk_documents_contact_id_contacts", "contacts",
                                    ["contact_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("fk_documents_contact_id_contacts", type_="foreignkey")
        batch_op.drop_column("contact_id")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("website")
    with op.batch_alter_table("company", schema=None) as batch_op:
        for name in ("vat_column", "delivery_terms_en", "payment_terms_en",
                     "signature_accountant", "signature_head", "stamp"):
            batch_op.drop_column(name)
