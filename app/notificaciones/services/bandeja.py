"""What a user does with their notifications: mark them read and choose which kinds also come
by e-mail; and ODES putting a failed e-mail back in line. The route commits."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Usuario
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.extensions import db
from app.notificaciones import queries
from app.notificaciones.models import (
    EnvioCorreo,
    EstadoEnvio,
    Notificacion,
    PreferenciaNotificacion,
    TipoNotificacion,
)
from app.notificaciones.services.avisos import REINTENTOS
from app.notificaciones.services.correo import volver_a_intentar


def marcar_leida(notificacion: Notificacion) -> None:
    """Mark one notification read (already read: unchanged)."""
    if notificacion.leida_en is None:
        notificacion.leida_en = ahora()


def marcar_todas(usuario: Usuario) -> int:
    """Mark every unread notification of the user read; returns how many."""
    resultado = db.session.execute(
        sa.update(Notificacion)
        .where(Notificacion.usuario_id == usuario.id, Notificacion.leida_en.is_(None))
        .values(leida_en=ahora())
        .execution_options(synchronize_session=False)
    )
    return resultado.rowcount or 0


def guardar_preferencias(usuario: Usuario, correo: dict[TipoNotificacion, bool]) -> bool:
    """Turn each kind's e-mail on or off for the user; audited. True if something changed."""
    actuales = queries.preferencias(usuario.id)
    filas = {
        p.tipo: p
        for p in db.session.scalars(
            sa.select(PreferenciaNotificacion).filter_by(usuario_id=usuario.id)
        )
    }
    antes, despues = {}, {}
    for tipo, quiere in correo.items():
        if actuales[tipo] == bool(quiere):
            continue
        antes[tipo.value], despues[tipo.value] = actuales[tipo], bool(quiere)
        fila = filas.get(tipo)
        if fila is None:
            db.session.add(PreferenciaNotificacion(usuario_id=usuario.id, tipo=tipo, correo=quiere))
        else:
            fila.correo = bool(quiere)
    if not despues:
        return False
    db.session.flush()
    registrar_evento(
        "preferencias_correo",
        "usuario",
        usuario.id,
        usuario_id=usuario.id,
        antes=antes,
        despues=despues,
    )
    return True


def reintentar(envio: EnvioCorreo, *, usuario_id: int) -> bool:
    """ODES asks for a failed e-mail to be sent again; audited. False if it was not failed."""
    if envio.estado is not EstadoEnvio.fallido:
        return False
    volver_a_intentar(envio, reintentos=REINTENTOS)
    registrar_evento(
        "reintentar_correo",
        "envio_correo",
        envio.id,
        usuario_id=usuario_id,
        antes={"estado": EstadoEnvio.fallido, "intentos": envio.intentos},
        despues={"estado": EstadoEnvio.pendiente},
    )
    return True
