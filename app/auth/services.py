"""Account writes and authentication; the caller commits."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.models import Rol, Usuario
from app.extensions import db
from app.models.auditoria import Evento, cambios, registrar_evento
from app.models.base import ahora as ahora_utc


class ErrorUsuario(ValueError):
    """An account rule was broken; the message is shown next to the field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje)
        self.campo = campo
        self.mensaje = mensaje


def validar_clave(clave: str) -> None:
    """Refuse passwords shorter than 10 characters or made of letters only."""
    if len(clave) < 10:
        raise ErrorUsuario("clave", _("La contraseña debe tener al menos 10 caracteres."))
    if clave.isalpha() or clave.isdigit():
        raise ErrorUsuario("clave", _("La contraseña debe combinar letras con números o símbolos."))


def _normalizar_ambito(datos: dict[str, Any]) -> dict[str, Any]:
    rol = datos["rol"]
    if rol is Rol.drtpe and not datos.get("region_id"):
        raise ErrorUsuario("region_id", _("Un usuario G/DRTPE debe estar asignado a una región."))
    if rol is Rol.direccion and not datos.get("unidad_id"):
        raise ErrorUsuario(
            "unidad_id", _("Un usuario de Dirección debe tener una unidad del MTPE.")
        )
    # Scope fields that do not belong to the role are cleared, so no stale scope grants access.
    return {
        **datos,
        "region_id": datos.get("region_id") if rol is Rol.drtpe else None,
        "unidad_id": datos.get("unidad_id") if rol is Rol.direccion else None,
    }


def _email_libre(email: str, excluir_id: int | None = None) -> None:
    consulta = sa.select(Usuario.id).where(sa.func.lower(Usuario.email) == email.lower())
    if excluir_id:
        consulta = consulta.where(Usuario.id != excluir_id)
    if db.session.scalar(consulta):
        raise ErrorUsuario("email", _("Ya existe una cuenta con ese correo electrónico."))


def crear_usuario(datos: dict[str, Any], clave: str, *, usuario_id: int | None) -> Usuario:
    """Create an account with a hashed password."""
    datos = _normalizar_ambito(datos)
    _email_libre(datos["email"])
    validar_clave(clave)
    usuario = Usuario(**datos)
    usuario.set_password(clave)
    db.session.add(usuario)
    db.session.flush()
    registrar_evento(
        "crear",
        "usuario",
        usuario.id,
        usuario_id=usuario_id,
        despues={k: v for k, v in datos.items()},
    )
    return usuario


def editar_usuario(
    usuario: Usuario, datos: dict[str, Any], clave: str | None, *, usuario_id: int | None
) -> Usuario:
    """Change an account; a new password is optional."""
    datos = _normalizar_ambito(datos)
    _email_libre(datos["email"], excluir_id=usuario.id)
    antes, despues = cambios(usuario, datos)
    if clave:
        validar_clave(clave)
        usuario.set_password(clave)
        despues["clave"] = "(cambiada)"
    if despues:
        registrar_evento(
            "editar", "usuario", usuario.id, usuario_id=usuario_id, antes=antes, despues=despues
        )
    return usuario


#: Failed logins allowed for one e-mail within VENTANA_BLOQUEO before a temporary lockout.
INTENTOS_MAXIMOS = 5
VENTANA_BLOQUEO = timedelta(minutes=15)


class CuentaBloqueada(Exception):
    """Too many failed logins for this e-mail; the message says how long to wait."""

    def __init__(self, minutos: int):
        super().__init__(minutos)
        self.mensaje = ngettext(
            "Demasiados intentos fallidos para esta cuenta. Por seguridad, el acceso está "
            "bloqueado temporalmente: vuelva a intentarlo en %(num)d minuto.",
            "Demasiados intentos fallidos para esta cuenta. Por seguridad, el acceso está "
            "bloqueado temporalmente: vuelva a intentarlo en %(num)d minutos.",
            minutos,
        )


def _fallos_recientes(email: str, desde: datetime) -> list[datetime]:
    """Times of the failed logins for an e-mail since a moment (read from the audit log)."""
    filas = db.session.scalars(
        sa.select(Evento.creado_en)
        .where(
            Evento.accion == "login_fallido",
            Evento.objeto_tipo == "usuario",
            Evento.creado_en >= desde,
            Evento.despues["email"].as_string() == email,
        )
        .order_by(Evento.creado_en)
    )
    return list(filas)


def autenticar(email: str, clave: str, *, ahora: datetime | None = None) -> Usuario | None:
    """Return the active user with these credentials, and audit the attempt either way.

    Raises CuentaBloqueada after INTENTOS_MAXIMOS failures within VENTANA_BLOQUEO.
    """
    ahora = ahora or ahora_utc()
    email = email.strip().lower()[:120]
    fallos = _fallos_recientes(email, ahora - VENTANA_BLOQUEO)
    if len(fallos) >= INTENTOS_MAXIMOS:
        desbloqueo = _aware(fallos[-INTENTOS_MAXIMOS]) + VENTANA_BLOQUEO
        minutos = max(1, math.ceil((desbloqueo - ahora).total_seconds() / 60))
        registrar_evento("login_bloqueado", "usuario", None, despues={"email": email})
        raise CuentaBloqueada(minutos)
    usuario = db.session.scalar(sa.select(Usuario).where(sa.func.lower(Usuario.email) == email))
    if usuario and usuario.activo and usuario.check_password(clave):
        registrar_evento("login", "usuario", usuario.id, usuario_id=usuario.id)
        return usuario
    registrar_evento(
        "login_fallido",
        "usuario",
        usuario.id if usuario else None,
        despues={"email": email},
    )
    return None


def _aware(momento: datetime) -> datetime:
    """SQLite hands back naive UTC timestamps; make them comparable."""
    return momento if momento.tzinfo else momento.replace(tzinfo=UTC)
