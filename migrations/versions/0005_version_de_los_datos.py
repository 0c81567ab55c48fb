"""Data version (issue 7): one row whose value changes with every commit that writes.

Read pages are stored per data version (app/cache_paginas.py); see
app/models/version_datos.py for how the value is kept.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    tabla = op.create_table(
        "version_datos",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_datos")),
    )
    op.bulk_insert(tabla, [{"id": 1, "valor": secrets.randbits(63)}])


def downgrade():
    op.drop_table("version_datos")
