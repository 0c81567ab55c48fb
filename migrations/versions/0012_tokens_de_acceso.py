"""Personal access tokens for the REST API (issue 20).

- token_acceso: a token of one user for another system: what it is for (`nombre`), its public
  part (`prefijo`, unique: finds the row), the SHA-256 of the whole token text (the text is
  shown once and never stored), read-only or not, expiry, last use, revocation (who and when:
  nothing is deleted) and who created it (the user, or ODES for an integration).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "token_acceso",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.String(length=80), nullable=False),
        sa.Column("prefijo", sa.String(length=12), nullable=False),
        sa.Column("hash_secreto", sa.String(length=64), nullable=False),
        sa.Column("solo_lectura", sa.Boolean(), nullable=False),
        sa.Column("expira_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ultimo_uso_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revocado_por_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("creado_por_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["usuario_id"], ["usuario.id"], name=op.f("fk_token_acceso_usuario_id_usuario")
        ),
        sa.ForeignKeyConstraint(
            ["revocado_por_id"],
            ["usuario.id"],
            name=op.f("fk_token_acceso_revocado_por_id_usuario"),
        ),
        sa.ForeignKeyConstraint(
            ["creado_por_id"], ["usuario.id"], name=op.f("fk_token_acceso_creado_por_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_acceso")),
        sa.UniqueConstraint("prefijo", name=op.f("uq_token_acceso_prefijo")),
    )
    op.create_index("ix_token_acceso_usuario_id", "token_acceso", ["usuario_id"])


def downgrade():
    op.drop_index("ix_token_acceso_usuario_id", table_name="token_acceso")
    op.drop_table("token_acceso")
