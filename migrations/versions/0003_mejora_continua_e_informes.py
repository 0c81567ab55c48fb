"""Continuous improvement (Anexo 5, matrix and capacity programme, AMC plans) and reports.

Also makes the audit log append-only on PostgreSQL (a trigger refuses UPDATE and DELETE).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

# Same objects as app.models.auditoria installs on create_all, frozen here as of this revision.
SQL_FUNCION_SOLO_INSERCION = """
CREATE OR REPLACE FUNCTION evento_solo_insercion() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'El registro de auditoría es de solo inserción';
END;
$$ LANGUAGE plpgsql
"""
SQL_TRIGGER_SOLO_INSERCION = (
    "CREATE TRIGGER evento_solo_insercion BEFORE UPDATE OR DELETE ON evento "
    "FOR EACH ROW EXECUTE FUNCTION evento_solo_insercion()"
)


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan_mejora",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("titulo", sa.Text(), nullable=False),
        sa.Column("servicio_evaluado", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("periodo_evaluado", sa.String(length=40), nullable=True),
        sa.Column("metodologia", sa.Text(), nullable=True),
        sa.Column("equipo", sa.Text(), nullable=True),
        sa.Column("observaciones", sa.Text(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_plan_mejora_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_mejora")),
    )
    with op.batch_alter_table("plan_mejora", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_mejora_region_id"), ["region_id"], unique=False)

    op.create_table(
        "evaluacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicador_id", sa.Integer(), nullable=False),
        sa.Column("periodo_id", sa.Integer(), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=False),
        sa.Column("veredicto", sa.Text(), nullable=True),
        sa.Column(
            "estado",
            sa.Enum(
                "borrador",
                "enviado",
                "observado",
                "aprobado",
                name="estado_evaluacion",
                native_enum=False,
                length=20,
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
            ["aprobado_por_id"], ["usuario.id"], name=op.f("fk_evaluacion_aprobado_por_id_usuario")
        ),
        sa.ForeignKeyConstraint(
            ["indicador_id"], ["indicador.id"], name=op.f("fk_evaluacion_indicador_id_indicador")
        ),
        sa.ForeignKeyConstraint(
            ["periodo_id"], ["periodo.id"], name=op.f("fk_evaluacion_periodo_id_periodo")
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"], ["unidad_mtpe.id"], name=op.f("fk_evaluacion_unidad_id_unidad_mtpe")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluacion")),
        sa.UniqueConstraint("indicador_id", "periodo_id", name=op.f("uq_evaluacion_indicador_id")),
    )
    with op.batch_alter_table("evaluacion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluacion_estado"), ["estado"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_evaluacion_indicador_id"), ["indicador_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evaluacion_periodo_id"), ["periodo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluacion_unidad_id"), ["unidad_id"], unique=False)

    op.create_table(
        "informe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("periodo_id", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum("borrador", "publicado", name="estado_informe", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("narrativa", sa.JSON(), nullable=False),
        sa.Column("lema", sa.String(length=200), nullable=True),
        sa.Column("publicado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publicado_por_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["periodo_id"], ["periodo.id"], name=op.f("fk_informe_periodo_id_periodo")
        ),
        sa.ForeignKeyConstraint(
            ["publicado_por_id"], ["usuario.id"], name=op.f("fk_informe_publicado_por_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_informe")),
        sa.UniqueConstraint("periodo_id", name=op.f("uq_informe_periodo_id")),
    )
    with op.batch_alter_table("informe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_informe_estado"), ["estado"], unique=False)

    op.create_table(
        "linea_presupuesto",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("padre_id", sa.Integer(), nullable=True),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.Column("actividad", sa.Text(), nullable=False),
        sa.Column(
            "nivel",
            sa.Enum("nacional", "regional", name="nivel_linea", native_enum=False, length=10),
            nullable=True,
        ),
        sa.Column("unidad_medida", sa.String(length=60), nullable=True),
        sa.Column("costo_unitario", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("cantidad", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("total_declarado", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("especificacion_gasto", sa.String(length=30), nullable=True),
        sa.Column("no_determinado", sa.Boolean(), nullable=False),
        sa.Column("moneda", sa.String(length=3), nullable=False),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "cantidad IS NULL OR cantidad >= 0",
            name=op.f("ck_linea_presupuesto_cantidad_no_negativa"),
        ),
        sa.CheckConstraint(
            "costo_unitario IS NULL OR costo_unitario >= 0",
            name=op.f("ck_linea_presupuesto_costo_no_negativo"),
        ),
        sa.CheckConstraint(
            "total_declarado IS NULL OR total_declarado >= 0",
            name=op.f("ck_linea_presupuesto_total_no_negativo"),
        ),
        sa.ForeignKeyConstraint(
            ["padre_id"],
            ["linea_presupuesto.id"],
            name=op.f("fk_linea_presupuesto_padre_id_linea_presupuesto"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f("fk_linea_presupuesto_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linea_presupuesto")),
    )
    with op.batch_alter_table("linea_presupuesto", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_linea_presupuesto_padre_id"), ["padre_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_linea_presupuesto_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "problema_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("nivel_cadena_valor", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f("fk_problema_plan_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problema_plan")),
        sa.UniqueConstraint("plan_id", "numero", name=op.f("uq_problema_plan_plan_id")),
    )
    with op.batch_alter_table("problema_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problema_plan_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "programa_capacidades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anio", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.String(length=300), nullable=False),
        sa.Column(
            "estado",
            sa.Enum("borrador", "aprobado", name="estado_programa", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("aprobado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aprobado_por_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "anio BETWEEN 2000 AND 2100", name=op.f("ck_programa_capacidades_anio_valido")
        ),
        sa.ForeignKeyConstraint(
            ["aprobado_por_id"],
            ["usuario.id"],
            name=op.f("fk_programa_capacidades_aprobado_por_id_usuario"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programa_capacidades")),
        sa.UniqueConstraint("anio", name=op.f("uq_programa_capacidades_anio")),
    )
    op.create_table(
        "responsable_accion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "nivel",
            sa.Enum("nacional", "regional", name="nivel_responsable", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "funcion",
            sa.Enum(
                "implementacion",
                "seguimiento",
                name="funcion_responsable",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("organo", sa.String(length=200), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=True),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f("fk_responsable_accion_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_responsable_accion_unidad_id_unidad_mtpe"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsable_accion")),
    )
    with op.batch_alter_table("responsable_accion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responsable_accion_plan_id"), ["plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_responsable_accion_unidad_id"), ["unidad_id"], unique=False
        )

    op.create_table(
        "actividad_programa",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programa_id", sa.Integer(), nullable=False),
        sa.Column("indicador_id", sa.Integer(), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.Text(), nullable=False),
        sa.Column("descripcion", sa.Text(), nullable=True),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("numero >= 1", name=op.f("ck_actividad_programa_numero_valido")),
        sa.ForeignKeyConstraint(
            ["indicador_id"],
            ["indicador.id"],
            name=op.f("fk_actividad_programa_indicador_id_indicador"),
        ),
        sa.ForeignKeyConstraint(
            ["programa_id"],
            ["programa_capacidades.id"],
            name=op.f("fk_actividad_programa_programa_id_programa_capacidades"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_actividad_programa_unidad_id_unidad_mtpe"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actividad_programa")),
        sa.UniqueConstraint(
            "programa_id", "indicador_id", "numero", name=op.f("uq_actividad_programa_programa_id")
        ),
    )
    with op.batch_alter_table("actividad_programa", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actividad_programa_indicador_id"), ["indicador_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actividad_programa_programa_id"), ["programa_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actividad_programa_unidad_id"), ["unidad_id"], unique=False
        )

    op.create_table(
        "archivo_informe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("informe_id", sa.Integer(), nullable=False),
        sa.Column("version_datos", sa.String(length=64), nullable=False),
        sa.Column("borrador", sa.Boolean(), nullable=False),
        sa.Column("ruta", sa.String(length=80), nullable=False),
        sa.Column("tamanio", sa.Integer(), nullable=False),
        sa.Column("publicado", sa.Boolean(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("creado_por_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["creado_por_id"], ["usuario.id"], name=op.f("fk_archivo_informe_creado_por_id_usuario")
        ),
        sa.ForeignKeyConstraint(
            ["informe_id"], ["informe.id"], name=op.f("fk_archivo_informe_informe_id_informe")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archivo_informe")),
        sa.UniqueConstraint(
            "informe_id", "version_datos", "borrador", name=op.f("uq_archivo_informe_informe_id")
        ),
        sa.UniqueConstraint("ruta", name=op.f("uq_archivo_informe_ruta")),
    )
    with op.batch_alter_table("archivo_informe", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archivo_informe_informe_id"), ["informe_id"], unique=False
        )

    op.create_table(
        "causa_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problema_id", sa.Integer(), nullable=False),
        sa.Column(
            "nivel",
            sa.Enum("mtpe", "drtpe", name="nivel_causa", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("letra", sa.String(length=2), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["problema_id"],
            ["problema_plan.id"],
            name=op.f("fk_causa_plan_problema_id_problema_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_causa_plan")),
        sa.UniqueConstraint(
            "problema_id", "nivel", "letra", name=op.f("uq_causa_plan_problema_id")
        ),
    )
    with op.batch_alter_table("causa_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_causa_plan_problema_id"), ["problema_id"], unique=False
        )

    op.create_table(
        "fila_matriz_logica",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("problema_id", sa.Integer(), nullable=True),
        sa.Column(
            "nivel",
            sa.Enum("nacional", "regional", name="nivel_fila", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "tipo",
            sa.Enum(
                "resultado_final",
                "resultado_intermedio",
                "producto",
                "actividad",
                name="tipo_fila",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.Column("objetivo", sa.Text(), nullable=True),
        sa.Column("indicador", sa.Text(), nullable=True),
        sa.Column("linea_base", sa.String(length=200), nullable=True),
        sa.Column("meta", sa.String(length=200), nullable=True),
        sa.Column("medio_verificacion", sa.String(length=300), nullable=True),
        sa.Column("responsable_id", sa.Integer(), nullable=True),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f("fk_fila_matriz_logica_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["problema_id"],
            ["problema_plan.id"],
            name=op.f("fk_fila_matriz_logica_problema_id_problema_plan"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responsable_id"],
            ["responsable_accion.id"],
            name=op.f("fk_fila_matriz_logica_responsable_id_responsable_accion"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fila_matriz_logica")),
    )
    with op.batch_alter_table("fila_matriz_logica", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fila_matriz_logica_plan_id"), ["plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fila_matriz_logica_problema_id"), ["problema_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fila_matriz_logica_responsable_id"), ["responsable_id"], unique=False
        )

    op.create_table(
        "item_evaluacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluacion_id", sa.Integer(), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum("conclusion", "recomendacion", name="tipo_item", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column(
            "clasificacion",
            sa.Enum(
                "cumplio_meta",
                "no_cumplio_meta",
                "sin_meta",
                "no_remitio",
                "no_aplica",
                "no_ejecuto",
                "otra",
                name="clasificacion",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("responsable_drtpe", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluacion_id"],
            ["evaluacion.id"],
            name=op.f("fk_item_evaluacion_evaluacion_id_evaluacion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_evaluacion")),
    )
    with op.batch_alter_table("item_evaluacion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_evaluacion_evaluacion_id"), ["evaluacion_id"], unique=False
        )

    op.create_table(
        "actividad_recomendacion",
        sa.Column("actividad_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actividad_id"],
            ["actividad_programa.id"],
            name=op.f("fk_actividad_recomendacion_actividad_id_actividad_programa"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item_evaluacion.id"],
            name=op.f("fk_actividad_recomendacion_item_id_item_evaluacion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actividad_id", "item_id", name=op.f("pk_actividad_recomendacion")),
    )
    op.create_table(
        "alternativa_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("problema_id", sa.Integer(), nullable=False),
        sa.Column(
            "nivel",
            sa.Enum("mtpe", "drtpe", name="nivel_alternativa", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("letra", sa.String(length=2), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("causa_id", sa.Integer(), nullable=True),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("priorizada", sa.Boolean(), nullable=False),
        sa.Column("texto_priorizado", sa.Text(), nullable=True),
        sa.Column(
            "plazo",
            sa.Enum(
                "corto", "mediano", "largo", name="plazo_alternativa", native_enum=False, length=10
            ),
            nullable=True,
        ),
        sa.Column("plazo_detalle", sa.String(length=80), nullable=True),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["causa_id"],
            ["causa_plan.id"],
            name=op.f("fk_alternativa_plan_causa_id_causa_plan"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["problema_id"],
            ["problema_plan.id"],
            name=op.f("fk_alternativa_plan_problema_id_problema_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alternativa_plan")),
        sa.UniqueConstraint(
            "problema_id", "nivel", "letra", "numero", name=op.f("uq_alternativa_plan_problema_id")
        ),
    )
    with op.batch_alter_table("alternativa_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alternativa_plan_causa_id"), ["causa_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alternativa_plan_problema_id"), ["problema_id"], unique=False
        )

    op.create_table(
        "generacion_informe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("informe_id", sa.Integer(), nullable=False),
        sa.Column("borrador", sa.Boolean(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "pendiente",
                "en_curso",
                "terminado",
                "error",
                name="estado_generacion",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("fraccion", sa.Double(), nullable=False),
        sa.Column("mensaje", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("archivo_id", sa.Integer(), nullable=True),
        sa.Column("creado_por_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["archivo_id"],
            ["archivo_informe.id"],
            name=op.f("fk_generacion_informe_archivo_id_archivo_informe"),
        ),
        sa.ForeignKeyConstraint(
            ["creado_por_id"],
            ["usuario.id"],
            name=op.f("fk_generacion_informe_creado_por_id_usuario"),
        ),
        sa.ForeignKeyConstraint(
            ["informe_id"], ["informe.id"], name=op.f("fk_generacion_informe_informe_id_informe")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generacion_informe")),
    )
    with op.batch_alter_table("generacion_informe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generacion_informe_estado"), ["estado"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_generacion_informe_informe_id"), ["informe_id"], unique=False
        )

    op.create_table(
        "item_evaluacion_region",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item_evaluacion.id"],
            name=op.f("fk_item_evaluacion_region_item_id_item_evaluacion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_item_evaluacion_region_region_id_region")
        ),
        sa.PrimaryKeyConstraint("item_id", "region_id", name=op.f("pk_item_evaluacion_region")),
    )
    op.create_table(
        "item_evaluacion_responsable",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unidad_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item_evaluacion.id"],
            name=op.f("fk_item_evaluacion_responsable_item_id_item_evaluacion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_item_evaluacion_responsable_unidad_id_unidad_mtpe"),
        ),
        sa.PrimaryKeyConstraint(
            "item_id", "unidad_id", name=op.f("pk_item_evaluacion_responsable")
        ),
    )
    op.create_table(
        "programacion_regional",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actividad_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("mes", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "programada",
                "ejecutada",
                "reprogramada",
                "cancelada",
                name="estado_programacion",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("mes_reprogramado", sa.Integer(), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("fecha_ejecucion", sa.Date(), nullable=True),
        sa.Column("participantes", sa.Integer(), nullable=True),
        sa.Column("observacion", sa.Text(), nullable=True),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.Column("evidencia_nombre", sa.String(length=200), nullable=True),
        sa.Column("evidencia_archivo", sa.String(length=80), nullable=True),
        sa.Column("evidencia_tipo", sa.String(length=100), nullable=True),
        sa.Column("evidencia_tamanio", sa.Integer(), nullable=True),
        sa.Column("actualizado_por_id", sa.Integer(), nullable=True),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "estado != 'cancelada' OR motivo IS NOT NULL",
            name=op.f("ck_programacion_regional_cancelada_con_motivo"),
        ),
        sa.CheckConstraint(
            "estado != 'ejecutada' OR fecha_ejecucion IS NOT NULL",
            name=op.f("ck_programacion_regional_ejecutada_con_fecha"),
        ),
        sa.CheckConstraint(
            "estado != 'reprogramada' OR (mes_reprogramado IS NOT NULL AND motivo IS NOT NULL)",
            name=op.f("ck_programacion_regional_reprogramada_con_mes_y_motivo"),
        ),
        sa.CheckConstraint(
            "mes BETWEEN 1 AND 12", name=op.f("ck_programacion_regional_mes_valido")
        ),
        sa.CheckConstraint(
            "mes_reprogramado IS NULL OR mes_reprogramado BETWEEN 1 AND 12",
            name=op.f("ck_programacion_regional_mes_reprogramado_valido"),
        ),
        sa.CheckConstraint(
            "participantes IS NULL OR participantes >= 0",
            name=op.f("ck_programacion_regional_participantes_valido"),
        ),
        sa.ForeignKeyConstraint(
            ["actividad_id"],
            ["actividad_programa.id"],
            name=op.f("fk_programacion_regional_actividad_id_actividad_programa"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actualizado_por_id"],
            ["usuario.id"],
            name=op.f("fk_programacion_regional_actualizado_por_id_usuario"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_programacion_regional_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programacion_regional")),
        sa.UniqueConstraint(
            "actividad_id", "region_id", "mes", name=op.f("uq_programacion_regional_actividad_id")
        ),
        sa.UniqueConstraint(
            "evidencia_archivo", name=op.f("uq_programacion_regional_evidencia_archivo")
        ),
    )
    with op.batch_alter_table("programacion_regional", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programacion_regional_actividad_id"), ["actividad_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programacion_regional_estado"), ["estado"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programacion_regional_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "seguimiento_accion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fila_id", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "pendiente",
                "en_proceso",
                "implementada",
                "no_implementada",
                name="estado_seguimiento",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("fecha", sa.Date(), nullable=False),
        sa.Column("nota", sa.Text(), nullable=True),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["fila_id"],
            ["fila_matriz_logica.id"],
            name=op.f("fk_seguimiento_accion_fila_id_fila_matriz_logica"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["usuario_id"], ["usuario.id"], name=op.f("fk_seguimiento_accion_usuario_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seguimiento_accion")),
    )
    with op.batch_alter_table("seguimiento_accion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seguimiento_accion_fila_id"), ["fila_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_seguimiento_accion_usuario_id"), ["usuario_id"], unique=False
        )

    op.create_table(
        "movimiento_programacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programacion_id", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "programada",
                "ejecutada",
                "reprogramada",
                "cancelada",
                name="estado_movimiento",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("mes_anterior", sa.Integer(), nullable=True),
        sa.Column("mes_nuevo", sa.Integer(), nullable=True),
        sa.Column("fecha_ejecucion", sa.Date(), nullable=True),
        sa.Column("participantes", sa.Integer(), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.Column("observacion", sa.Text(), nullable=True),
        sa.Column("evidencia_nombre", sa.String(length=200), nullable=True),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(mes_anterior IS NULL OR mes_anterior BETWEEN 1 AND 12) AND (mes_nuevo IS NULL OR mes_nuevo BETWEEN 1 AND 12)",
            name=op.f("ck_movimiento_programacion_meses_validos"),
        ),
        sa.ForeignKeyConstraint(
            ["programacion_id"],
            ["programacion_regional.id"],
            name=op.f("fk_movimiento_programacion_programacion_id_programacion_regional"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["usuario_id"],
            ["usuario.id"],
            name=op.f("fk_movimiento_programacion_usuario_id_usuario"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movimiento_programacion")),
    )
    with op.batch_alter_table("movimiento_programacion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_movimiento_programacion_programacion_id"),
            ["programacion_id"],
            unique=False,
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(SQL_FUNCION_SOLO_INSERCION)
        op.execute(SQL_TRIGGER_SOLO_INSERCION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evento_solo_insercion ON evento")
        op.execute("DROP FUNCTION IF EXISTS evento_solo_insercion()")
    with op.batch_alter_table("movimiento_programacion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_movimiento_programacion_programacion_id"))

    op.drop_table("movimiento_programacion")
    with op.batch_alter_table("seguimiento_accion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seguimiento_accion_usuario_id"))
        batch_op.drop_index(batch_op.f("ix_seguimiento_accion_fila_id"))

    op.drop_table("seguimiento_accion")
    with op.batch_alter_table("programacion_regional", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programacion_regional_region_id"))
        batch_op.drop_index(batch_op.f("ix_programacion_regional_estado"))
        batch_op.drop_index(batch_op.f("ix_programacion_regional_actividad_id"))

    op.drop_table("programacion_regional")
    op.drop_table("item_evaluacion_responsable")
    op.drop_table("item_evaluacion_region")
    with op.batch_alter_table("generacion_informe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generacion_informe_informe_id"))
        batch_op.drop_index(batch_op.f("ix_generacion_informe_estado"))

    op.drop_table("generacion_informe")
    with op.batch_alter_table("alternativa_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alternativa_plan_problema_id"))
        batch_op.drop_index(batch_op.f("ix_alternativa_plan_causa_id"))

    op.drop_table("alternativa_plan")
    op.drop_table("actividad_recomendacion")
    with op.batch_alter_table("item_evaluacion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_evaluacion_evaluacion_id"))

    op.drop_table("item_evaluacion")
    with op.batch_alter_table("fila_matriz_logica", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fila_matriz_logica_responsable_id"))
        batch_op.drop_index(batch_op.f("ix_fila_matriz_logica_problema_id"))
        batch_op.drop_index(batch_op.f("ix_fila_matriz_logica_plan_id"))

    op.drop_table("fila_matriz_logica")
    with op.batch_alter_table("causa_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_causa_plan_problema_id"))

    op.drop_table("causa_plan")
    with op.batch_alter_table("archivo_informe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archivo_informe_informe_id"))

    op.drop_table("archivo_informe")
    with op.batch_alter_table("actividad_programa", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actividad_programa_unidad_id"))
        batch_op.drop_index(batch_op.f("ix_actividad_programa_programa_id"))
        batch_op.drop_index(batch_op.f("ix_actividad_programa_indicador_id"))

    op.drop_table("actividad_programa")
    with op.batch_alter_table("responsable_accion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responsable_accion_unidad_id"))
        batch_op.drop_index(batch_op.f("ix_responsable_accion_plan_id"))

    op.drop_table("responsable_accion")
    op.drop_table("programa_capacidades")
    with op.batch_alter_table("problema_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problema_plan_plan_id"))

    op.drop_table("problema_plan")
    with op.batch_alter_table("linea_presupuesto", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linea_presupuesto_plan_id"))
        batch_op.drop_index(batch_op.f("ix_linea_presupuesto_padre_id"))

    op.drop_table("linea_presupuesto")
    with op.batch_alter_table("informe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_informe_estado"))

    op.drop_table("informe")
    with op.batch_alter_table("evaluacion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluacion_unidad_id"))
        batch_op.drop_index(batch_op.f("ix_evaluacion_periodo_id"))
        batch_op.drop_index(batch_op.f("ix_evaluacion_indicador_id"))
        batch_op.drop_index(batch_op.f("ix_evaluacion_estado"))

    op.drop_table("evaluacion")
    with op.batch_alter_table("plan_mejora", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_mejora_region_id"))

    op.drop_table("plan_mejora")
