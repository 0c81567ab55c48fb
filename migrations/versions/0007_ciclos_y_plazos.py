"""Cycles and dates (issue 15): each cycle owns its indicator set, IdG fichas, the counts behind
a percentage, and deadline extensions per region.

- conjunto_indicadores gains the cycle's years and the cycle it was copied from. Existing sets
  take the years of the convenios that carry them, or the year in their name ("IdG 2020" →
  2020–2021) when no convenio does.
- indicador gains its direction, numerator and denominator, whether evidence is required and
  its baseline (ficha técnica).
- convenio.conjunto_id becomes required: a convenio without IdG cannot exist. Convenios that
  had none take the set of their cycle, created empty if there is none.
- linea_reporte keeps the counts (numerador, denominador) a ratio IdG's % is computed from.
- prorroga: ODES extends one region's Anexo 4 deadline of one semester, with a reason.
- Published means frozen: a report file keeps when it was first published, its version number
  and the note of what it corrects; informe keeps the note for its next version. Files already
  published become version 1.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _anios_de_conjuntos(conexion) -> dict[int, tuple[int, int]]:
    """The cycle years of each existing set, from its convenios or its name."""
    anios = {}
    conjuntos = conexion.execute(sa.text("SELECT id, nombre FROM conjunto_indicadores"))
    for conjunto_id, nombre in conjuntos.all():
        fila = conexion.execute(
            sa.text("SELECT MIN(anio_inicio), MAX(anio_fin) FROM convenio WHERE conjunto_id = :id"),
            {"id": conjunto_id},
        ).one()
        if fila[0] is not None:
            anios[conjunto_id] = (fila[0], fila[1])
            continue
        encontrado = re.search(r"(19|20)\d\d", nombre or "")
        anio = int(encontrado.group(0)) if encontrado else 2000 + conjunto_id
        anios[conjunto_id] = (anio, anio + 1)
    return anios


def _asignar_conjuntos(conexion, anios: dict[int, tuple[int, int]]) -> None:
    """Give every convenio without a set the set of its cycle (created empty if none)."""
    sueltos = conexion.execute(
        sa.text("SELECT DISTINCT anio_inicio, anio_fin FROM convenio WHERE conjunto_id IS NULL")
    ).all()
    for anio_inicio, anio_fin in sueltos:
        conjunto_id = next(
            (i for i, (a, b) in anios.items() if a <= anio_inicio and anio_fin <= b), None
        )
        if conjunto_id is None:
            nombre = f"IdG {anio_inicio}-{anio_fin}"
            conexion.execute(
                sa.text(
                    "INSERT INTO conjunto_indicadores (nombre, anio_inicio, anio_fin) "
                    "VALUES (:n, :a, :b)"
                ),
                {"n": nombre, "a": anio_inicio, "b": anio_fin},
            )
            conjunto_id = conexion.execute(
                sa.text("SELECT id FROM conjunto_indicadores WHERE nombre = :n"), {"n": nombre}
            ).scalar_one()
            anios[conjunto_id] = (anio_inicio, anio_fin)
        conexion.execute(
            sa.text(
                "UPDATE convenio SET conjunto_id = :c "
                "WHERE conjunto_id IS NULL AND anio_inicio = :a AND anio_fin = :b"
            ),
            {"c": conjunto_id, "a": anio_inicio, "b": anio_fin},
        )


def upgrade():
    conexion = op.get_bind()
    with op.batch_alter_table("conjunto_indicadores") as batch_op:
        batch_op.add_column(sa.Column("anio_inicio", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("anio_fin", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("base_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_conjunto_indicadores_base_id_conjunto_indicadores",
            "conjunto_indicadores",
            ["base_id"],
            ["id"],
        )
    anios = _anios_de_conjuntos(conexion)
    for conjunto_id, (inicio, fin) in anios.items():
        conexion.execute(
            sa.text(
                "UPDATE conjunto_indicadores SET anio_inicio = :a, anio_fin = :b WHERE id = :i"
            ),
            {"a": inicio, "b": fin, "i": conjunto_id},
        )
    _asignar_conjuntos(conexion, anios)
    with op.batch_alter_table("conjunto_indicadores") as batch_op:
        batch_op.alter_column("anio_inicio", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("anio_fin", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_conjunto_indicadores_ciclo_valido"), "anio_fin >= anio_inicio"
        )

    with op.batch_alter_table("convenio") as batch_op:
        batch_op.alter_column("conjunto_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_convenio_conjunto_id", ["conjunto_id"])

    with op.batch_alter_table("indicador") as batch_op:
        batch_op.add_column(
            sa.Column(
                "sentido",
                sa.Enum("ascendente", "descendente", name="sentido", native_enum=False, length=12),
                server_default="ascendente",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("numerador", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("denominador", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("requiere_evidencia", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("linea_base", sa.Numeric(14, 2), nullable=True))

    with op.batch_alter_table("linea_reporte") as batch_op:
        batch_op.add_column(sa.Column("numerador", sa.Numeric(14, 2), nullable=True))
        batch_op.add_column(sa.Column("denominador", sa.Numeric(14, 2), nullable=True))

    op.create_table(
        "prorroga",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("periodo_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("fecha_limite", sa.Date(), nullable=False),
        sa.Column("motivo", sa.Text(), nullable=False),
        sa.Column("concedida_por_id", sa.Integer(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["concedida_por_id"], ["usuario.id"], name="fk_prorroga_concedida_por_id_usuario"
        ),
        sa.ForeignKeyConstraint(
            ["periodo_id"], ["periodo.id"], name="fk_prorroga_periodo_id_periodo"
        ),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name="fk_prorroga_region_id_region"),
        sa.PrimaryKeyConstraint("id", name="pk_prorroga"),
        sa.UniqueConstraint("periodo_id", "region_id", name="uq_prorroga_periodo_id"),
    )
    op.create_index("ix_prorroga_periodo_id", "prorroga", ["periodo_id"])
    op.create_index("ix_prorroga_region_id", "prorroga", ["region_id"])

    with op.batch_alter_table("informe") as batch_op:
        batch_op.add_column(sa.Column("nota_version", sa.Text(), nullable=True))
    with op.batch_alter_table("archivo_informe") as batch_op:
        batch_op.add_column(sa.Column("publicado_en", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("numero_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("nota_version", sa.Text(), nullable=True))
    conexion.execute(
        sa.text(
            "UPDATE archivo_informe SET numero_version = 1, publicado_en = "
            "(SELECT COALESCE(informe.publicado_en, archivo_informe.creado_en) FROM informe "
            "WHERE informe.id = archivo_informe.informe_id) WHERE publicado = :si"
        ),
        {"si": True},
    )


def downgrade():
    with op.batch_alter_table("archivo_informe") as batch_op:
        for columna in ("nota_version", "numero_version", "publicado_en"):
            batch_op.drop_column(columna)
    with op.batch_alter_table("informe") as batch_op:
        batch_op.drop_column("nota_version")
    op.drop_index("ix_prorroga_region_id", table_name="prorroga")
    op.drop_index("ix_prorroga_periodo_id", table_name="prorroga")
    op.drop_table("prorroga")
    with op.batch_alter_table("linea_reporte") as batch_op:
        batch_op.drop_column("denominador")
        batch_op.drop_column("numerador")
    with op.batch_alter_table("indicador") as batch_op:
        for columna in ("linea_base", "requiere_evidencia", "denominador", "numerador", "sentido"):
            batch_op.drop_column(columna)
    with op.batch_alter_table("convenio") as batch_op:
        batch_op.drop_index("ix_convenio_conjunto_id")
        batch_op.alter_column("conjunto_id", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("conjunto_indicadores") as batch_op:
        batch_op.drop_constraint(op.f("ck_conjunto_indicadores_ciclo_valido"), type_="check")
        batch_op.drop_constraint(
            "fk_conjunto_indicadores_base_id_conjunto_indicadores", type_="foreignkey"
        )
        batch_op.drop_column("base_id")
        batch_op.drop_column("anio_fin")
        batch_op.drop_column("anio_inicio")
