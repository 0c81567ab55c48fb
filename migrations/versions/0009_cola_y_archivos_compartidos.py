"""Back office (issue 17): report builds run as queue jobs; files every app server sees.

- generacion_informe.tarea_id: the queue job building the file (its progress is read from the
  job, not written to this row).
- archivo_guardado: the stored files when ALMACENAMIENTO=bd (the backend several hosts share):
  one row per file, keyed by its folder and the random name the app gave it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("generacion_informe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tarea_id", sa.String(length=64), nullable=True))
    op.create_table(
        "archivo_guardado",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carpeta", sa.String(length=40), nullable=False),
        sa.Column("nombre", sa.String(length=64), nullable=False),
        sa.Column("contenido", sa.LargeBinary(), nullable=False),
        sa.Column("tamano", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archivo_guardado")),
        sa.UniqueConstraint("carpeta", "nombre", name=op.f("uq_archivo_guardado_carpeta")),
    )


def downgrade():
    op.drop_table("archivo_guardado")
    with op.batch_alter_table("generacion_informe", schema=None) as batch_op:
        batch_op.drop_column("tarea_id")
