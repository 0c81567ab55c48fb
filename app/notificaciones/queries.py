"""Reads of the notifications: who receives a kind of message, a user's list and unread count,
their e-mail preferences, and the outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import Usuario
from app.comun.roles import Rol
from app.extensions import db
from app.notificaciones.models import (
    EnvioCorreo,
    EstadoEnvio,
    Notificacion,
    PreferenciaNotificacion,
    TipoNotificacion,
)

# --- Recipients: active accounts by role and scope ---------------------------------------------


def _activos(*condiciones) -> list[Usuario]:
    """The active accounts matching the conditions, by id."""
    return list(
        db.session.scalars(
            sa.select(Usuario).where(Usuario.activo.is_(True), *condiciones).order_by(Usuario.id)
        )
    )


def usuarios_odes() -> list[Usuario]:
    """The active ODES accounts."""
    return _activos(Usuario.rol == Rol.odes)


def usuarios_de_region(region_id: int) -> list[Usuario]:
    """The active G/DRTPE accounts of one region (never another region's)."""
    return _activos(Usuario.rol == Rol.drtpe, Usuario.region_id == region_id)


def usuarios_de_unidades(unidad_ids: Iterable[int]) -> list[Usuario]:
    """The active directorate accounts of the given MTPE units."""
    ids = sorted(set(unidad_ids))
    if not ids:
        return []
    return _activos(Usuario.rol == Rol.direccion, Usuario.unidad_id.in_(ids))


# --- A user's notifications -------------------------------------------------------------------


def sin_leer(usuario_id: int) -> int:
    """How many notifications the user has not marked read (the header's count)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notificacion)
        .where(Notificacion.usuario_id == usuario_id, Notificacion.leida_en.is_(None))
    )


def consulta_de(usuario_id: int, *, estado: str = "", tipo: str = "") -> sa.Select:
    """Select of the user's notifications, newest first, by read state and kind."""
    consulta = (
        sa.select(Notificacion)
        .where(Notificacion.usuario_id == usuario_id)
        .order_by(Notificacion.creada_en.desc(), Notificacion.id.desc())
    )
    if estado == "no_leidas":
        consulta = consulta.where(Notificacion.leida_en.is_(None))
    elif estado == "leidas":
        consulta = consulta.where(Notificacion.leida_en.is_not(None))
    if tipo:
        consulta = consulta.where(Notificacion.tipo == TipoNotificacion(tipo))
    return consulta


def notificacion_de(usuario_id: int, notificacion_id: int) -> Notificacion | None:
    """One notification of the user (None when it is someone else's or does not exist)."""
    return db.session.scalar(
        sa.select(Notificacion).where(
            Notificacion.id == notificacion_id, Notificacion.usuario_id == usuario_id
        )
    )


def existentes(tipo: TipoNotificacion, clave: str, usuario_ids: Iterable[int]) -> set[int]:
    """The users among usuario_ids that already have the notification (tipo, clave)."""
    ids = sorted(set(usuario_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Notificacion.usuario_id).where(
                Notificacion.tipo == tipo,
                Notificacion.clave == clave,
                Notificacion.usuario_id.in_(ids),
            )
        )
    )


# --- Preferences ------------------------------------------------------------------------------


def correo_apagado(usuario_ids: Iterable[int], tipo: TipoNotificacion) -> set[int]:
    """The users among usuario_ids who turned off the e-mail of this kind."""
    ids = sorted(set(usuario_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(PreferenciaNotificacion.usuario_id).where(
                PreferenciaNotificacion.usuario_id.in_(ids),
                PreferenciaNotificacion.tipo == tipo,
                PreferenciaNotificacion.correo.is_(False),
            )
        )
    )


def preferencias(usuario_id: int) -> dict[TipoNotificacion, bool]:
    """The user's e-mail choice per kind (a kind without a row: e-mail on)."""
    filas = db.session.execute(
        sa.select(PreferenciaNotificacion.tipo, PreferenciaNotificacion.correo).where(
            PreferenciaNotificacion.usuario_id == usuario_id
        )
    ).all()
    elegidas = dict(filas)
    return {tipo: elegidas.get(tipo, True) for tipo in TipoNotificacion}


# --- The outbox -------------------------------------------------------------------------------


def consulta_envios(*, estado: str = "", tipo: str = "", texto: str = "") -> sa.Select:
    """Select of the outbox, newest first, by state, kind and address or subject."""
    from app.comun.listas import patron

    consulta = (
        sa.select(EnvioCorreo)
        .join(EnvioCorreo.notificacion)
        .order_by(EnvioCorreo.creado_en.desc(), EnvioCorreo.id.desc())
    )
    if estado:
        consulta = consulta.where(EnvioCorreo.estado == EstadoEnvio(estado))
    if tipo:
        consulta = consulta.where(Notificacion.tipo == TipoNotificacion(tipo))
    if texto:
        consulta = consulta.where(
            sa.or_(
                EnvioCorreo.destinatario.ilike(patron(texto)),
                EnvioCorreo.asunto.ilike(patron(texto)),
            )
        )
    return consulta


def cuentas_envios() -> dict[EstadoEnvio, int]:
    """How many e-mails of the outbox are in each state."""
    filas = db.session.execute(
        sa.select(EnvioCorreo.estado, sa.func.count()).group_by(EnvioCorreo.estado)
    ).all()
    cuentas = dict(filas)
    return {estado: cuentas.get(estado, 0) for estado in EstadoEnvio}


def envios_por_reenviar(antes_de: datetime, *, fallidos: bool = False) -> list[int]:
    """Ids of the e-mails still pending whose last attempt (or creation) is older than
    antes_de; with fallidos, the failed ones too."""
    estados = [EstadoEnvio.pendiente] + ([EstadoEnvio.fallido] if fallidos else [])
    ultimo = sa.func.coalesce(EnvioCorreo.ultimo_intento_en, EnvioCorreo.creado_en)
    return list(
        db.session.scalars(
            sa.select(EnvioCorreo.id)
            .where(EnvioCorreo.estado.in_(estados), ultimo < antes_de)
            .order_by(EnvioCorreo.id)
        )
    )
