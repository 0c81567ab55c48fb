"""Anexo 4: semesters, annual goals, reports with one line per IdG, evidence files.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "periodo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column("semestre", sa.Integer(), nullable=False),
        sa.Column("fecha_limite_anexo4", sa.Date(), nullable=True),
        sa.Column("fecha_cierre_anexo4", sa.Date(), nullable=True),
        sa.Column("fecha_limite_anexo5", sa.Date(), nullable=True),
        sa.Column("abierto", sa.Boolean(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("semestre IN (1, 2)", name=op.f("ck_periodo_semestre_valido")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodo")),
        sa.UniqueConstraint("anio", "semestre", name=op.f("uq_periodo_anio")),
    )
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
    with op.batch_alter_table("meta_anual", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meta_anual_convenio_id"), ["convenio_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meta_anual_indicador_id"), ["indicador_id"], unique=False
        )

    op.create_table(
        "reporte",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenio_id", sa.Integer(), nullable=False),
        sa.Column("periodo_id", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "borrador",
                "enviado",
                "observado",
                "aprobado",
                name="estado_reporte",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("enviado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aprobado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aprobado_por_id", sa.Integer(), nullable=True),
        sa.Column("motivo_observacion", sa.Text(), nullable=True),
        sa.Column("origen", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["aprobado_por_id"], ["usuario.id"], name=op.f("fk_reporte_aprobado_por_id_usuario")
        ),
        sa.ForeignKeyConstraint(
            ["convenio_id"], ["convenio.id"], name=op.f("fk_reporte_convenio_id_convenio")
        ),
        sa.ForeignKeyConstraint(
            ["periodo_id"], ["periodo.id"], name=op.f("fk_reporte_periodo_id_periodo")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporte")),
        sa.UniqueConstraint("convenio_id", "periodo_id", name=op.f("uq_reporte_convenio_id")),
    )
    with op.batch_alter_table("reporte", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporte_convenio_id"), ["convenio_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reporte_estado"), ["estado"], unique=False)
        batch_op.create_index(batch_op.f("ix_reporte_periodo_id"), ["periodo_id"], unique=False)

    op.create_table(
        "linea_reporte",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporte_id", sa.Integer(), nullable=False),
        sa.Column("indicador_id", sa.Integer(), nullable=False),
        sa.Column("indicador_numero", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "valor",
                "no_aplica",
                "sin_meta",
                "no_remitido",
                name="estado_celda",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("programado", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("ejecutado", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("programado_original", sa.Numeric(precision=9, scale=2), nullable=True),
        sa.Column("comentario", sa.Text(), nullable=True),
        sa.Column("motivo_estado", sa.Text(), nullable=True),
        sa.Column("reconstruido", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicador_id"], ["indicador.id"], name=op.f("fk_linea_reporte_indicador_id_indicador")
        ),
        sa.ForeignKeyConstraint(
            ["reporte_id"], ["reporte.id"], name=op.f("fk_linea_reporte_reporte_id_reporte")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linea_reporte")),
        sa.UniqueConstraint("reporte_id", "indicador_id", name=op.f("uq_linea_reporte_reporte_id")),
    )
    with op.batch_alter_table("linea_reporte", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_linea_reporte_indicador_id"), ["indicador_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_linea_reporte_reporte_id"), ["reporte_id"], unique=False
        )

    op.create_table(
        "evidencia",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("linea_id", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.Column("archivo", sa.String(length=80), nullable=False),
        sa.Column("tipo", sa.String(length=100), nullable=False),
        sa.Column("tamanio", sa.Integer(), nullable=False),
        sa.Column("subido_por_id", sa.Integer(), nullable=True),
        sa.Column("subido_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linea_id"], ["linea_reporte.id"], name=op.f("fk_evidencia_linea_id_linea_reporte")
        ),
        sa.ForeignKeyConstraint(
            ["subido_por_id"], ["usuario.id"], name=op.f("fk_evidencia_subido_por_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidencia")),
        sa.UniqueConstraint("archivo", name=op.f("uq_evidencia_archivo")),
    )
    with op.batch_alter_table("evidencia", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidencia_linea_id"), ["linea_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evidencia", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidencia_linea_id"))

    op.drop_table("evidencia")
    with op.batch_alter_table("linea_reporte", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linea_reporte_reporte_id"))
        batch_op.drop_index(batch_op.f("ix_linea_reporte_indicador_id"))

    op.drop_table("linea_reporte")
    with op.batch_alter_table("reporte", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporte_periodo_id"))
        batch_op.drop_index(batch_op.f("ix_reporte_estado"))
        batch_op.drop_index(batch_op.f("ix_reporte_convenio_id"))

    op.drop_table("reporte")
    with op.batch_alter_table("meta_anual", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meta_anual_indicador_id"))
        batch_op.drop_index(batch_op.f("ix_meta_anual_convenio_id"))

    op.drop_table("meta_anual")
    op.drop_table("periodo")
