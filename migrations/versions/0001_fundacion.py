"""Foundation: catalogue, user accounts, convenios with adendas, and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conjunto_indicadores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conjunto_indicadores")),
        sa.UniqueConstraint("nombre", name=op.f("uq_conjunto_indicadores_nombre")),
    )
    op.create_table(
        "funcion_logr",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letra", sa.String(length=2), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funcion_logr")),
        sa.UniqueConstraint("letra", name=op.f("uq_funcion_logr_letra")),
    )
    op.create_table(
        "objetivo_estrategico",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objetivo_estrategico")),
        sa.UniqueConstraint("numero", name=op.f("uq_objetivo_estrategico_numero")),
    )
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codigo", sa.String(length=40), nullable=False),
        sa.Column("nombre", sa.String(length=80), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum(
                "gobierno_regional",
                "municipalidad_metropolitana",
                name="tipo_region",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("organo_tipo", sa.String(length=20), nullable=True),
        sa.Column("organo_sigla", sa.String(length=10), nullable=True),
        sa.Column("macro_region", sa.String(length=40), nullable=True),
        sa.Column("orden", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("codigo", name=op.f("uq_region_codigo")),
        sa.UniqueConstraint("nombre", name=op.f("uq_region_nombre")),
    )
    op.create_table(
        "servicio_publico",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("codigo", sa.String(length=40), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_servicio_publico")),
        sa.UniqueConstraint("codigo", name=op.f("uq_servicio_publico_codigo")),
    )
    op.create_table(
        "unidad_mtpe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sigla", sa.String(length=20), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.Column(
            "tipo",
            sa.Enum(
                "viceministerio",
                "direccion_general",
                "direccion",
                "otro",
                name="tipo_unidad",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("padre_id", sa.Integer(), nullable=True),
        sa.Column("viceministerio_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["padre_id"], ["unidad_mtpe.id"], name=op.f("fk_unidad_mtpe_padre_id_unidad_mtpe")
        ),
        sa.ForeignKeyConstraint(
            ["viceministerio_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_unidad_mtpe_viceministerio_id_unidad_mtpe"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unidad_mtpe")),
        sa.UniqueConstraint("sigla", name=op.f("uq_unidad_mtpe_sigla")),
    )
    with op.batch_alter_table("unidad_mtpe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unidad_mtpe_padre_id"), ["padre_id"], unique=False)

    op.create_table(
        "convenio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("anio_inicio", sa.Integer(), nullable=False),
        sa.Column("anio_fin", sa.Integer(), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "pendiente",
                "suscrito",
                "vencido",
                "resuelto",
                name="estado_convenio",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("fecha_suscripcion", sa.Date(), nullable=True),
        sa.Column("documento", sa.String(length=200), nullable=True),
        sa.Column("notas", sa.Text(), nullable=True),
        sa.Column("conjunto_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "estado = 'pendiente' OR fecha_suscripcion IS NOT NULL",
            name=op.f("ck_convenio_fecha_si_suscrito"),
        ),
        sa.CheckConstraint("anio_fin >= anio_inicio", name=op.f("ck_convenio_periodo_valido")),
        sa.ForeignKeyConstraint(
            ["conjunto_id"],
            ["conjunto_indicadores.id"],
            name=op.f("fk_convenio_conjunto_id_conjunto_indicadores"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_convenio_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_convenio")),
        sa.UniqueConstraint(
            "region_id", "anio_inicio", "anio_fin", name=op.f("uq_convenio_region_id")
        ),
    )
    with op.batch_alter_table("convenio", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_convenio_estado"), ["estado"], unique=False)
        batch_op.create_index(batch_op.f("ix_convenio_region_id"), ["region_id"], unique=False)

    op.create_table(
        "funcion_transferida",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("funcion_id", sa.Integer(), nullable=False),
        sa.Column("anio_culminacion", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["funcion_id"],
            ["funcion_logr.id"],
            name=op.f("fk_funcion_transferida_funcion_id_funcion_logr"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_funcion_transferida_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funcion_transferida")),
        sa.UniqueConstraint(
            "region_id", "funcion_id", name=op.f("uq_funcion_transferida_region_id")
        ),
    )
    with op.batch_alter_table("funcion_transferida", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_funcion_transferida_funcion_id"), ["funcion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_funcion_transferida_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "indicador",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conjunto_id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("nombre", sa.Text(), nullable=False),
        sa.Column("viceministerio_id", sa.Integer(), nullable=True),
        sa.Column("proponente_id", sa.Integer(), nullable=False),
        sa.Column("objetivo_id", sa.Integer(), nullable=True),
        sa.Column("funcion_id", sa.Integer(), nullable=True),
        sa.Column("servicio_id", sa.Integer(), nullable=True),
        sa.Column("unidad_medida", sa.String(length=40), nullable=False),
        sa.Column(
            "tipo_valor",
            sa.Enum(
                "porcentaje",
                "incremento",
                "variacion",
                name="tipo_valor",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("admite_negativo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conjunto_id"],
            ["conjunto_indicadores.id"],
            name=op.f("fk_indicador_conjunto_id_conjunto_indicadores"),
        ),
        sa.ForeignKeyConstraint(
            ["funcion_id"], ["funcion_logr.id"], name=op.f("fk_indicador_funcion_id_funcion_logr")
        ),
        sa.ForeignKeyConstraint(
            ["objetivo_id"],
            ["objetivo_estrategico.id"],
            name=op.f("fk_indicador_objetivo_id_objetivo_estrategico"),
        ),
        sa.ForeignKeyConstraint(
            ["proponente_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_indicador_proponente_id_unidad_mtpe"),
        ),
        sa.ForeignKeyConstraint(
            ["servicio_id"],
            ["servicio_publico.id"],
            name=op.f("fk_indicador_servicio_id_servicio_publico"),
        ),
        sa.ForeignKeyConstraint(
            ["viceministerio_id"],
            ["unidad_mtpe.id"],
            name=op.f("fk_indicador_viceministerio_id_unidad_mtpe"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicador")),
        sa.UniqueConstraint("conjunto_id", "numero", name=op.f("uq_indicador_conjunto_id")),
    )
    with op.batch_alter_table("indicador", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicador_conjunto_id"), ["conjunto_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_indicador_proponente_id"), ["proponente_id"], unique=False
        )

    op.create_table(
        "region_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=80), nullable=False),
        sa.Column("clave", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_region_alias_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_alias")),
        sa.UniqueConstraint("clave", name=op.f("uq_region_alias_clave")),
    )
    with op.batch_alter_table("region_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_alias_region_id"), ["region_id"], unique=False)

    op.create_table(
        "usuario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("nombre", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column(
            "rol",
            sa.Enum(
                "odes", "drtpe", "direccion", "revisor", name="rol", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("unidad_id", sa.Integer(), nullable=True),
        sa.Column("activo", sa.Boolean(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(rol != 'drtpe' OR region_id IS NOT NULL) AND (rol != 'direccion' OR unidad_id IS NOT NULL)",
            name=op.f("ck_usuario_ambito_segun_rol"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_usuario_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["unidad_id"], ["unidad_mtpe.id"], name=op.f("fk_usuario_unidad_id_unidad_mtpe")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usuario")),
        sa.UniqueConstraint("email", name=op.f("uq_usuario_email")),
    )
    with op.batch_alter_table("usuario", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usuario_region_id"), ["region_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_usuario_unidad_id"), ["unidad_id"], unique=False)

    op.create_table(
        "adenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convenio_id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("fecha", sa.Date(), nullable=False),
        sa.Column("descripcion", sa.Text(), nullable=False),
        sa.Column("documento", sa.String(length=200), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actualizado_en", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["convenio_id"], ["convenio.id"], name=op.f("fk_adenda_convenio_id_convenio")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adenda")),
        sa.UniqueConstraint("convenio_id", "numero", name=op.f("uq_adenda_convenio_id")),
    )
    with op.batch_alter_table("adenda", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adenda_convenio_id"), ["convenio_id"], unique=False)

    op.create_table(
        "evento",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=True),
        sa.Column("accion", sa.String(length=40), nullable=False),
        sa.Column("objeto_tipo", sa.String(length=40), nullable=False),
        sa.Column("objeto_id", sa.Integer(), nullable=True),
        sa.Column("antes", sa.JSON(), nullable=True),
        sa.Column("despues", sa.JSON(), nullable=True),
        sa.Column("motivo", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["usuario_id"], ["usuario.id"], name=op.f("fk_evento_usuario_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evento")),
    )
    with op.batch_alter_table("evento", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evento_creado_en"), ["creado_en"], unique=False)
        batch_op.create_index("ix_evento_objeto", ["objeto_tipo", "objeto_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evento_objeto_id"), ["objeto_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evento_usuario_id"), ["usuario_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evento", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evento_usuario_id"))
        batch_op.drop_index(batch_op.f("ix_evento_objeto_id"))
        batch_op.drop_index("ix_evento_objeto")
        batch_op.drop_index(batch_op.f("ix_evento_creado_en"))

    op.drop_table("evento")
    with op.batch_alter_table("adenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adenda_convenio_id"))

    op.drop_table("adenda")
    with op.batch_alter_table("usuario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usuario_unidad_id"))
        batch_op.drop_index(batch_op.f("ix_usuario_region_id"))

    op.drop_table("usuario")
    with op.batch_alter_table("region_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_alias_region_id"))

    op.drop_table("region_alias")
    with op.batch_alter_table("indicador", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicador_proponente_id"))
        batch_op.drop_index(batch_op.f("ix_indicador_conjunto_id"))

    op.drop_table("indicador")
    with op.batch_alter_table("funcion_transferida", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funcion_transferida_region_id"))
        batch_op.drop_index(batch_op.f("ix_funcion_transferida_funcion_id"))

    op.drop_table("funcion_transferida")
    with op.batch_alter_table("convenio", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_convenio_region_id"))
        batch_op.drop_index(batch_op.f("ix_convenio_estado"))

    op.drop_table("convenio")
    with op.batch_alter_table("unidad_mtpe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unidad_mtpe_padre_id"))

    op.drop_table("unidad_mtpe")
    op.drop_table("servicio_publico")
    op.drop_table("region")
    op.drop_table("objetivo_estrategico")
    op.drop_table("funcion_logr")
    op.drop_table("conjunto_indicadores")
