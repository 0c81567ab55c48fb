"""Prose sections of the AMC plans and their review workflow (issue 21, step 1).

- seccion_plan: one prose section of a plan document (introduction, Part A I–XII, the prose
  parts of Part B), keyed in its plan by `clave` ("A.I", "B.14"), with its heading as printed,
  its text and its position in the document.
- plan_mejora gains the review workflow of the Anexo 5 (app/comun/flujo.py): `estado`
  (borrador → enviado, i.e. agreed by the intergubernamental team → aprobado by ODES, or
  observado back with a reason), its dates, approver and reason, and `version` for optimistic
  locking.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ESTADOS = ("borrador", "enviado", "observado", "aprobado")


def upgrade():
    op.create_table(
        "seccion_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("clave", sa.String(length=20), nullable=False),
        sa.Column("titulo", sa.String(length=300), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f("fk_seccion_plan_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seccion_plan")),
        sa.UniqueConstraint("plan_id", "clave", name=op.f("uq_seccion_plan_plan_id")),
    )
    op.create_index("ix_seccion_plan_plan_id", "seccion_plan", ["plan_id"])

    with op.batch_alter_table("plan_mejora") as tabla:
        tabla.add_column(
            sa.Column(
                "estado",
                sa.Enum(*ESTADOS, name="estado_plan", native_enum=False, length=20),
                nullable=True,
            )
        )
        tabla.add_column(sa.Column("enviado_en", sa.DateTime(timezone=True), nullable=True))
        tabla.add_column(sa.Column("aprobado_en", sa.DateTime(timezone=True), nullable=True))
        tabla.add_column(sa.Column("aprobado_por_id", sa.Integer(), nullable=True))
        tabla.add_column(sa.Column("motivo_observacion", sa.Text(), nullable=True))
        tabla.add_column(sa.Column("version", sa.Integer(), nullable=True))
        tabla.create_foreign_key(
            "fk_plan_mejora_aprobado_por_id_usuario", "usuario", ["aprobado_por_id"], ["id"]
        )
        tabla.create_index("ix_plan_mejora_estado", ["estado"])
    # The plans registered so far (the Puno 2015 plan, seed 002) are signed documents, agreed by
    # the intergovernmental team and in force: they start approved (locked until ODES reopens
    # one), not as drafts. New plans start as borrador (the model's default).
    plan = sa.table("plan_mejora", sa.column("estado", sa.String), sa.column("version", sa.Integer))
    op.execute(plan.update().values(estado="aprobado", version=1))
    with op.batch_alter_table("plan_mejora") as tabla:
        tabla.alter_column(
            "estado",
            existing_type=sa.Enum(*ESTADOS, name="estado_plan", native_enum=False, length=20),
            nullable=False,
        )
        tabla.alter_column("version", existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table("plan_mejora") as tabla:
        tabla.drop_index("ix_plan_mejora_estado")
        tabla.drop_constraint("fk_plan_mejora_aprobado_por_id_usuario", type_="foreignkey")
        tabla.drop_column("version")
        tabla.drop_column("motivo_observacion")
        tabla.drop_column("aprobado_por_id")
        tabla.drop_column("aprobado_en")
        tabla.drop_column("enviado_en")
        tabla.drop_column("estado")
    op.drop_index("ix_seccion_plan_plan_id", table_name="seccion_plan")
    op.drop_table("seccion_plan")
