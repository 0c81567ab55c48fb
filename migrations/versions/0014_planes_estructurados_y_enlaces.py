"""The structured tables of the AMC plans, their links to the convenio, and copies (issue 21).

- alineamiento_plan (11.2), rol_plan (12) and indicador_resumen_plan (13): Part B's tables,
  figures kept as printed.
- seccion_plan.tabla: the structured table a section prints after its text, so a plan's full
  outline (every heading of the document, prose or table) is data, in order.
- plan_mejora gains servicio_id (the catalogue's public service), anio (the year of its
  short-term actions) and plan_origen_id (the plan it was copied from).
- plan_indicador and plan_recomendacion: the IdG that measure the plan's service and the Anexo 5
  recommendations that motivated it.
- fila_matriz_logica gains capacitacion (a training or technical-assistance action, section 14)
  and its planned months; actividad_programa.accion_plan_id ties a capacity-programme activity
  to the plan action it schedules.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

FASES = ("politica", "planeamiento", "financiamiento", "ejecucion", "monitoreo")


def _tabla_del_plan(nombre: str, *columnas: sa.Column) -> None:
    """A plan table: id, plan_id (cascade), orden and its own columns."""
    op.create_table(
        nombre,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("orden", sa.Integer(), nullable=False),
        *columnas,
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f(f"fk_{nombre}_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{nombre}")),
    )
    op.create_index(f"ix_{nombre}_plan_id", nombre, ["plan_id"])


def _enlace(nombre: str, columna: str, destino: str) -> None:
    """A plan ↔ other-object link table."""
    op.create_table(
        nombre,
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(columna, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan_mejora.id"],
            name=op.f(f"fk_{nombre}_plan_id_plan_mejora"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [columna],
            [f"{destino}.id"],
            name=op.f(f"fk_{nombre}_{columna}_{destino}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", columna, name=op.f(f"pk_{nombre}")),
    )
    op.create_index(f"ix_{nombre}_{columna}", nombre, [columna])


def upgrade():
    _tabla_del_plan(
        "alineamiento_plan",
        sa.Column("objetivo", sa.Text(), nullable=False),
        sa.Column("numero", sa.String(length=10), nullable=True),
        sa.Column("indicador", sa.Text(), nullable=False),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("fuente", sa.String(length=120), nullable=True),
        sa.Column("linea_base", sa.String(length=60), nullable=True),
        sa.Column("tendencia", sa.String(length=60), nullable=True),
        sa.Column("meta_intermedia", sa.String(length=60), nullable=True),
        sa.Column("meta_final", sa.String(length=60), nullable=True),
        sa.Column("encabezados", sa.String(length=200), nullable=True),
    )
    _tabla_del_plan(
        "rol_plan",
        sa.Column(
            "fase", sa.Enum(*FASES, name="fase_rol", native_enum=False, length=20), nullable=False
        ),
        sa.Column("nacional", sa.Text(), nullable=True),
        sa.Column("regional", sa.Text(), nullable=True),
        sa.Column("local", sa.Text(), nullable=True),
    )
    _tabla_del_plan(
        "indicador_resumen_plan",
        sa.Column("resultado_intermedio", sa.Text(), nullable=True),
        sa.Column("producto", sa.Text(), nullable=True),
        sa.Column("indicador", sa.Text(), nullable=False),
        sa.Column("meta", sa.String(length=200), nullable=True),
        sa.Column("rol_nacional", sa.Text(), nullable=True),
        sa.Column("rol_regional", sa.Text(), nullable=True),
        sa.Column("rol_local", sa.Text(), nullable=True),
    )
    _enlace("plan_indicador", "indicador_id", "indicador")
    _enlace("plan_recomendacion", "item_id", "item_evaluacion")

    with op.batch_alter_table("seccion_plan") as tabla:
        tabla.add_column(sa.Column("tabla", sa.String(length=20), nullable=True))
    with op.batch_alter_table("plan_mejora") as tabla:
        tabla.add_column(sa.Column("servicio_id", sa.Integer(), nullable=True))
        tabla.add_column(sa.Column("anio", sa.Integer(), nullable=True))
        tabla.add_column(sa.Column("plan_origen_id", sa.Integer(), nullable=True))
        tabla.create_foreign_key(
            "fk_plan_mejora_servicio_id_servicio_publico",
            "servicio_publico",
            ["servicio_id"],
            ["id"],
        )
        tabla.create_foreign_key(
            "fk_plan_mejora_plan_origen_id_plan_mejora",
            "plan_mejora",
            ["plan_origen_id"],
            ["id"],
            ondelete="SET NULL",
        )
        tabla.create_index("ix_plan_mejora_servicio_id", ["servicio_id"])
        tabla.create_index("ix_plan_mejora_plan_origen_id", ["plan_origen_id"])
    with op.batch_alter_table("fila_matriz_logica") as tabla:
        tabla.add_column(
            sa.Column("capacitacion", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        tabla.add_column(sa.Column("mes_inicio", sa.Integer(), nullable=True))
        tabla.add_column(sa.Column("mes_fin", sa.Integer(), nullable=True))
        tabla.create_check_constraint(
            "mes_inicio_valido", "mes_inicio IS NULL OR mes_inicio BETWEEN 1 AND 12"
        )
        tabla.create_check_constraint(
            "mes_fin_valido", "mes_fin IS NULL OR mes_fin BETWEEN 1 AND 12"
        )
    with op.batch_alter_table("actividad_programa") as tabla:
        tabla.add_column(sa.Column("accion_plan_id", sa.Integer(), nullable=True))
        tabla.create_foreign_key(
            "fk_actividad_programa_accion_plan_id_fila_matriz_logica",
            "fila_matriz_logica",
            ["accion_plan_id"],
            ["id"],
            ondelete="SET NULL",
        )
        tabla.create_index("ix_actividad_programa_accion_plan_id", ["accion_plan_id"])


def downgrade():
    with op.batch_alter_table("actividad_programa") as tabla:
        tabla.drop_index("ix_actividad_programa_accion_plan_id")
        tabla.drop_constraint(
            "fk_actividad_programa_accion_plan_id_fila_matriz_logica", type_="foreignkey"
        )
        tabla.drop_column("accion_plan_id")
    with op.batch_alter_table("fila_matriz_logica") as tabla:
        tabla.drop_constraint("mes_fin_valido", type_="check")
        tabla.drop_constraint("mes_inicio_valido", type_="check")
        tabla.drop_column("mes_fin")
        tabla.drop_column("mes_inicio")
        tabla.drop_column("capacitacion")
    with op.batch_alter_table("plan_mejora") as tabla:
        tabla.drop_index("ix_plan_mejora_plan_origen_id")
        tabla.drop_index("ix_plan_mejora_servicio_id")
        tabla.drop_constraint("fk_plan_mejora_plan_origen_id_plan_mejora", type_="foreignkey")
        tabla.drop_constraint("fk_plan_mejora_servicio_id_servicio_publico", type_="foreignkey")
        tabla.drop_column("plan_origen_id")
        tabla.drop_column("anio")
        tabla.drop_column("servicio_id")
    with op.batch_alter_table("seccion_plan") as tabla:
        tabla.drop_column("tabla")
    for nombre, columna in (("plan_recomendacion", "item_id"), ("plan_indicador", "indicador_id")):
        op.drop_index(f"ix_{nombre}_{columna}", table_name=nombre)
        op.drop_table(nombre)
    for nombre in ("indicador_resumen_plan", "rol_plan", "alineamiento_plan"):
        op.drop_index(f"ix_{nombre}_plan_id", table_name=nombre)
        op.drop_table(nombre)
