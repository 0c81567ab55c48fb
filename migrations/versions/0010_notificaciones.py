"""Notifications (issue 17): the in-app entries, the e-mail outbox, each user's preferences.

- notificacion: one entry of one user (kind, title, text, link); `clave` makes a reminder of one
  deadline arrive once: unique (usuario_id, tipo, clave).
- envio_correo: the outbox, one e-mail per notification whose kind the user did not turn off:
  address, subject, state (pendiente → enviado | fallido), attempts, last error, queue job.
- preferencia_notificacion: a user's e-mail on/off for one kind (no row: on).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TIPOS = (
    "anexo4_enviado",
    "anexo4_observado",
    "anexo4_aprobado",
    "anexo4_reabierto",
    "anexo5_pendiente",
    "anexo5_observado",
    "anexo5_aprobado",
    "anexo5_completos",
    "programacion_abierta",
    "reprogramacion_solicitada",
    "reprogramacion_resuelta",
    "prorroga_otorgada",
    "recordatorio_plazo",
    "resumen_vencidos",
    "actividades_del_mes",
)


def _tipo() -> sa.Enum:
    return sa.Enum(*TIPOS, name="tipo_notificacion", native_enum=False, length=40)


def upgrade():
    op.create_table(
        "notificacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=False),
        sa.Column("tipo", _tipo(), nullable=False),
        sa.Column("titulo", sa.String(length=200), nullable=False),
        sa.Column("texto", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("clave", sa.String(length=120), nullable=True),
        sa.Column("creada_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leida_en", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["usuario_id"], ["usuario.id"], name=op.f("fk_notificacion_usuario_id_usuario")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notificacion")),
        sa.UniqueConstraint("usuario_id", "tipo", "clave", name=op.f("uq_notificacion_usuario_id")),
    )
    op.create_index("ix_notificacion_usuario", "notificacion", ["usuario_id", "creada_en"])

    op.create_table(
        "envio_correo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notificacion_id", sa.Integer(), nullable=False),
        sa.Column("destinatario", sa.String(length=120), nullable=False),
        sa.Column("asunto", sa.String(length=200), nullable=False),
        sa.Column(
            "estado",
            sa.Enum(
                "pendiente", "enviado", "fallido", name="estado_envio", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("ultimo_error", sa.Text(), nullable=True),
        sa.Column("creado_en", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ultimo_intento_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enviado_en", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tarea_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["notificacion_id"],
            ["notificacion.id"],
            name=op.f("fk_envio_correo_notificacion_id_notificacion"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_envio_correo")),
    )
    op.create_index(op.f("ix_envio_correo_estado"), "envio_correo", ["estado"])
    op.create_index(op.f("ix_envio_correo_notificacion_id"), "envio_correo", ["notificacion_id"])

    op.create_table(
        "preferencia_notificacion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("usuario_id", sa.Integer(), nullable=False),
        sa.Column("tipo", _tipo(), nullable=False),
        sa.Column("correo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["usuario_id"],
            ["usuario.id"],
            name=op.f("fk_preferencia_notificacion_usuario_id_usuario"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preferencia_notificacion")),
        sa.UniqueConstraint(
            "usuario_id", "tipo", name=op.f("uq_preferencia_notificacion_usuario_id")
        ),
    )


def downgrade():
    op.drop_table("preferencia_notificacion")
    op.drop_index(op.f("ix_envio_correo_notificacion_id"), table_name="envio_correo")
    op.drop_index(op.f("ix_envio_correo_estado"), table_name="envio_correo")
    op.drop_table("envio_correo")
    op.drop_index("ix_notificacion_usuario", table_name="notificacion")
    op.drop_table("notificacion")
