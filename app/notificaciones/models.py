"""Notifications: the in-app entries, the e-mail outbox and each user's e-mail preferences."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.comun import version_datos
from app.comun.base import ahora
from app.comun.i18n import N_, traducir
from app.comun.roles import Rol
from app.extensions import db


class TipoNotificacion(enum.Enum):
    """What a notification is about; each kind's e-mail can be turned off by the user."""

    anexo4_enviado = "anexo4_enviado"
    anexo4_observado = "anexo4_observado"
    anexo4_aprobado = "anexo4_aprobado"
    anexo4_reabierto = "anexo4_reabierto"
    anexo5_pendiente = "anexo5_pendiente"
    anexo5_observado = "anexo5_observado"
    anexo5_aprobado = "anexo5_aprobado"
    anexo5_completos = "anexo5_completos"
    programacion_abierta = "programacion_abierta"
    reprogramacion_solicitada = "reprogramacion_solicitada"
    reprogramacion_resuelta = "reprogramacion_resuelta"
    prorroga_otorgada = "prorroga_otorgada"
    recordatorio_plazo = "recordatorio_plazo"
    resumen_vencidos = "resumen_vencidos"
    actividades_del_mes = "actividades_del_mes"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(TIPOS[self][0])

    @property
    def cuando(self) -> str:
        """When it arrives, in Spanish (the preferences page and the user guide say the same)."""
        return traducir(TIPOS[self][1])

    @property
    def roles(self) -> frozenset[Rol]:
        """The roles that receive this kind."""
        return TIPOS[self][2]


_ODES, _DRTPE, _DIRECCION = Rol.odes, Rol.drtpe, Rol.direccion

#: Label, when it arrives and who receives it, per kind.
TIPOS: dict[TipoNotificacion, tuple[str, str, frozenset[Rol]]] = {
    TipoNotificacion.anexo4_enviado: (
        N_("Anexo 4 enviado"),
        N_("Una región envía su Anexo 4 a revisión (la ODES y las direcciones de sus IdG)."),
        frozenset({_ODES, _DIRECCION}),
    ),
    TipoNotificacion.anexo4_observado: (
        N_("Anexo 4 observado"),
        N_("La ODES o una dirección observa el Anexo 4 de su región, con el motivo."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.anexo4_aprobado: (
        N_("Anexo 4 aprobado"),
        N_("La ODES aprueba el Anexo 4 de su región."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.anexo4_reabierto: (
        N_("Anexo 4 reabierto"),
        N_("La ODES reabre el Anexo 4 aprobado de su región, con el motivo."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.anexo5_pendiente: (
        N_("Anexo 5 por presentar"),
        N_("Venció el plazo del Anexo 4 del semestre y su dirección tiene Anexo 5 por presentar."),
        frozenset({_DIRECCION}),
    ),
    TipoNotificacion.anexo5_observado: (
        N_("Anexo 5 observado o reabierto"),
        N_("La ODES observa o reabre un Anexo 5 de su dirección, con el motivo."),
        frozenset({_DIRECCION}),
    ),
    TipoNotificacion.anexo5_aprobado: (
        N_("Anexo 5 aprobado"),
        N_("La ODES aprueba un Anexo 5 de su dirección."),
        frozenset({_DIRECCION}),
    ),
    TipoNotificacion.anexo5_completos: (
        N_("Anexo 5 completos"),
        N_("Todas las direcciones enviaron el Anexo 5 del semestre."),
        frozenset({_ODES}),
    ),
    TipoNotificacion.programacion_abierta: (
        N_("Programación de metas abierta"),
        N_("La ODES abre la programación de metas de un año del convenio de su región."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.reprogramacion_solicitada: (
        N_("Reprogramación solicitada"),
        N_("Una región solicita reprogramar una meta aprobada."),
        frozenset({_ODES}),
    ),
    TipoNotificacion.reprogramacion_resuelta: (
        N_("Reprogramación resuelta"),
        N_("La ODES aprueba o rechaza una reprogramación de metas de su región."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.prorroga_otorgada: (
        N_("Prórroga otorgada"),
        N_("La ODES prorroga el plazo del Anexo 4 de su región."),
        frozenset({_DRTPE}),
    ),
    TipoNotificacion.recordatorio_plazo: (
        N_("Recordatorio de plazo"),
        N_(
            "Faltan 7 días y falta 1 día para el plazo del Anexo 4 (región) o del Anexo 5 "
            "(dirección) que aún no se envió."
        ),
        frozenset({_DRTPE, _DIRECCION}),
    ),
    TipoNotificacion.resumen_vencidos: (
        N_("Resumen semanal de plazos vencidos"),
        N_(
            "Cada lunes, mientras un Anexo 4 o Anexo 5 siga sin enviarse después de su plazo "
            "(a quien lo debe y a la ODES)."
        ),
        frozenset({_ODES, _DRTPE, _DIRECCION}),
    ),
    TipoNotificacion.actividades_del_mes: (
        N_("Actividades de capacitación del mes"),
        N_("Al empezar cada mes, las actividades del MTPE programadas en su región."),
        frozenset({_DRTPE}),
    ),
}


def tipos_de(rol: Rol) -> list[TipoNotificacion]:
    """The kinds a role receives, in declaration order."""
    return [tipo for tipo in TipoNotificacion if rol in tipo.roles]


class EstadoEnvio(enum.Enum):
    """Where an e-mail of the outbox is: waiting (or retrying), sent, or given up on."""

    pendiente = "pendiente"
    enviado = "enviado"
    fallido = "fallido"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_ENVIO[self])


ETIQUETAS_ENVIO = {
    EstadoEnvio.pendiente: N_("Pendiente"),
    EstadoEnvio.enviado: N_("Enviado"),
    EstadoEnvio.fallido: N_("Fallido"),
}


class Notificacion(db.Model):
    """One in-app notification of one user; the e-mail (if any) mirrors it."""

    __tablename__ = "notificacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(sa.ForeignKey("usuario.id"))
    tipo: Mapped[TipoNotificacion] = mapped_column(
        sa.Enum(TipoNotificacion, name="tipo_notificacion", native_enum=False, length=40)
    )
    #: One line, also the e-mail's subject
    titulo: Mapped[str] = mapped_column(sa.String(200))
    texto: Mapped[str] = mapped_column(sa.Text)
    #: Path of the page that needs action, relative to the app's root (e.g. "/convenios/…")
    url: Mapped[str] = mapped_column(sa.String(500))
    #: Idempotency key of a notification that must arrive once (a reminder of one deadline);
    #: unique per user and kind. None for events (each one is new).
    clave: Mapped[str | None] = mapped_column(sa.String(120))
    creada_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)
    leida_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    usuario = relationship("Usuario")

    __table_args__ = (
        sa.UniqueConstraint("usuario_id", "tipo", "clave"),
        # The user's list (newest first) and the header's unread count.
        sa.Index("ix_notificacion_usuario", "usuario_id", "creada_en"),
    )

    @property
    def leida(self) -> bool:
        """Whether the user marked it read."""
        return self.leida_en is not None


class EnvioCorreo(db.Model):
    """The outbox: one e-mail of one notification, with what happened when sending it."""

    __tablename__ = "envio_correo"

    id: Mapped[int] = mapped_column(primary_key=True)
    notificacion_id: Mapped[int] = mapped_column(sa.ForeignKey("notificacion.id"), index=True)
    #: The address at the time of the notification
    destinatario: Mapped[str] = mapped_column(sa.String(120))
    asunto: Mapped[str] = mapped_column(sa.String(200))
    estado: Mapped[EstadoEnvio] = mapped_column(
        sa.Enum(EstadoEnvio, name="estado_envio", native_enum=False, length=20),
        default=EstadoEnvio.pendiente,
        index=True,
    )
    #: Attempts made so far (successful or not)
    intentos: Mapped[int] = mapped_column(default=0)
    ultimo_error: Mapped[str | None] = mapped_column(sa.Text)
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)
    ultimo_intento_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    enviado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The queue job last asked to send it
    tarea_id: Mapped[str | None] = mapped_column(sa.String(64))

    notificacion: Mapped[Notificacion] = relationship(lazy="joined")


class PreferenciaNotificacion(db.Model):
    """A user's choice for one kind: e-mail on or off (the in-app entry always arrives)."""

    __tablename__ = "preferencia_notificacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(sa.ForeignKey("usuario.id"))
    tipo: Mapped[TipoNotificacion] = mapped_column(
        sa.Enum(TipoNotificacion, name="tipo_notificacion", native_enum=False, length=40)
    )
    correo: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("usuario_id", "tipo"),)


# The outbox and the preferences are shown by no stored page (the header's badge counts
# notificacion rows, which do renew the version): sending e-mail keeps every stored page.
version_datos.sin_paginas(EnvioCorreo.__tablename__, PreferenciaNotificacion.__tablename__)
