"""Goals committed before the semester (issue 15): a year's programming with its review
workflow, goals per year and per semester, reprogramming requests, the adenda's document.

- meta replaces meta_anual: the same goals (copied as the annual goal, semestre 0) plus the
  semesters' (1, 2) and the cell state of each goal.
- programacion_metas: one convenio's goals of one year (borrador → enviado → observado ↔
  enviado → aprobado); approved goals are locked.
- reprogramacion: a request to change an approved goal (reason, category, optional adenda);
  ODES approves or rejects it; the goal first approved is kept.
- adenda gains its signed document (stored under a random name).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _estado(nombre: str, *valores: str, largo: int) -> sa.Enum:
    return sa.Enum(*valores, name=nombre, native_enum=False, length=largo)


def upgrade():
    op.create_table(
        "meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenio_id", sa.Integer(), nullable=False),
        sa.Column("indicador_id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column("semestre", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "estado",
            _estado("estado_meta", "valor", "no_aplica", "sin_meta", "no_remitido", largo=20),
            server_default="valor",
            nullable=False,
        ),
        sa.Column("valor", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("valor_original", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("semestre IN (0, 1, 2)", name=op.f("ck_meta_semestre_meta")),
        sa.ForeignKeyConstraint(
            ["convenio_id"], ["convenio.id"], name=op.f("fk_meta_convenio_id_convenio")
        ),
        sa.ForeignKeyConstraint(
            ["indicador_id"], ["indicador.id"], name=op.f("fk_meta_indicador_id_indicador")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta")),
        sa.UniqueConstraint(
            "convenio_id", "indicador_id", "anio", "semestre", name=op.f("uq_meta_convenio_id")
        ),
    )
    op.create_index(op.f("ix_meta_convenio_id"), "meta", ["convenio_id"])
    op.create_index(op.f("ix_meta_indicador_id"), "meta", ["indicador_id"])
    # The annual goals entered so far are kept as the annual goals (semestre 0).
    op.execute(
        "INSERT INTO meta (convenio_id, indicador_id, anio, semestre, estado, valor, "
        "valor_original, creado_en, actualizado_en) "
        "SELECT convenio_id, indicador_id, anio, 0, 'valor', valor, valor_original, "
        "creado_en, actualizado_en FROM meta_anual"
    )
    op.drop_index("ix_meta_anual_convenio_id", table_name="meta_anual")
    op.drop_index("ix_meta_anual_indicador_id", table_name="meta_anual")
    op.drop_table("meta_anual")

    op.create_table(
        "programacion_metas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenio_id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            _estado(
                "estado_programacion", "borrador", "enviado", "observado", "aprobado", largo=20
            ),
            nullable=False,
        ),
        sa.Column("enviado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aprobado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aprobado_por_id", sa.Integer(), nullable=True),
        sa.Column("motivo_observacion", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["aprobado_por_id"],
            ["usuario.id"],
            name=op.f("fk_programacion_metas_aprobado_por_id_usuario"),
        ),
        sa.ForeignKeyConstraint(
            ["convenio_id"],
            ["convenio.id"],
            name=op.f("fk_programacion_metas_convenio_id_convenio"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programacion_metas")),
        sa.UniqueConstraint(
            "convenio_id", "anio", name=op.f("uq_programacion_metas_convenio_id")
        ),
    )
    op.create_index(
        op.f("ix_programacion_metas_convenio_id"), "programacion_metas", ["convenio_id"]
    )
    op.create_index(op.f("ix_programacion_metas_estado"), "programacion_metas", ["estado"])

    with op.batch_alter_table("adenda") as batch_op:
        batch_op.add_column(sa.Column("archivo", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("archivo_nombre", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_adenda_archivo"), ["archivo"])

    op.create_table(
        "reprogramacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meta_id", sa.Integer(), nullable=False),
        sa.Column("valor_anterior", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("valor_nuevo", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=False),
        sa.Column(
            "categoria",
            _estado(
                "categoria_reprogramacion",
                "adenda",
                "error_material",
                "contexto",
                "otra",
                largo=20,
            ),
            nullable=False,
        ),
        sa.Column("adenda_id", sa.Integer(), nullable=True),
        sa.Column(
            "estado",
            _estado("estado_solicitud", "pendiente", "aprobada", "rechazada", largo=12),
            nullable=False,
        ),
        sa.Column("solicitada_por_id", sa.Integer(), nullable=True),
        sa.Column("resuelta_por_id", sa.Integer(), nullable=True),
        sa.Column("resuelta_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("motivo_resolucion", sa.Text(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["adenda_id"], ["adenda.id"], name=op.f("fk_reprogramacion_adenda_id_adenda")
        ),
        sa.ForeignKeyConstraint(
            ["meta_id"], ["meta.id"], name=op.f("fk_reprogramacion_meta_id_meta")
        ),
        sa.ForeignKeyConstraint(
            ["resuelta_por_id"],
            ["usuario.id"],
            name=op.f("fk_reprogramacion_resuelta_por_id_usuario"),
        ),
        sa.ForeignKeyConstraint(
            ["solicitada_por_id"],
            ["usuario.id"],
            name=op.f("fk_reprogramacion_solicitada_por_id_usuario"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reprogramacion")),
    )
    op.create_index(op.f("ix_reprogramacion_estado"), "reprogramacion", ["estado"])
    op.create_index(op.f("ix_reprogramacion_meta_id"), "reprogramacion", ["meta_id"])


def downgrade():
    op.drop_index(op.f("ix_reprogramacion_meta_id"), table_name="reprogramacion")
    op.drop_index(op.f("ix_reprogramacion_estado"), table_name="reprogramacion")
    op.drop_table("reprogramacion")
    with op.batch_alter_table("adenda") as batch_op:
        batch_op.drop_constraint(op.f("uq_adenda_archivo"), type_="unique")
        batch_op.drop_column("archivo_nombre")
        batch_op.drop_column("archivo")
    op.drop_index(op.f("ix_programacion_metas_estado"), table_name="programacion_metas")
    op.drop_index(op.f("ix_programacion_metas_convenio_id"), table_name="programacion_metas")
    op.drop_table("programacion_metas")
    op.create_table(
        "meta_anual",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenio_id", sa.Integer(), nullable=False),
        sa.Column("indicador_id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column("valor", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("valor_original", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convenio_id"], ["convenio.id"], name=op.f("fk_meta_anual_convenio_id_convenio")
        ),
        sa.ForeignKeyConstraint(
            ["indicador_id"], ["indicador.id"], name=op.f("fk_meta_anual_indicador_id_indicador")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meta_anual")),
        sa.UniqueConstraint(
            "convenio_id", "indicador_id", "anio", name=op.f("uq_meta_anual_convenio_id")
        ),
    )
    op.create_index("ix_meta_anual_convenio_id", "meta_anual", ["convenio_id"])
    op.create_index("ix_meta_anual_indicador_id", "meta_anual", ["indicador_id"])
    op.execute(
        "INSERT INTO meta_anual (convenio_id, indicador_id, anio, valor, valor_original, "
        "creado_en, actualizado_en) SELECT convenio_id, indicador_id, anio, valor, "
        "valor_original, creado_en, actualizado_en FROM meta WHERE semestre = 0"
    )
    op.drop_index(op.f("ix_meta_indicador_id"), table_name="meta")
    op.drop_index(op.f("ix_meta_convenio_id"), table_name="meta")
    op.drop_table("meta")
