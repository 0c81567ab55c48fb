"""Account writes and authentication (passwords and API tokens); the caller commits."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import TokenAcceso, Usuario
from app.comun.auditoria import Evento, cambios, registrar_evento
from app.comun.base import ahora as ahora_utc
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.extensions import db


class ErrorUsuario(ErrorNegocio):
    """An account rule was broken; the message is shown next to the field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje, campo)


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
    """Change an account; a new password is optional.

    A new password or a deactivation ends all of the account's sessions (every device).
    """
    datos = _normalizar_ambito(datos)
    _email_libre(datos["email"], excluir_id=usuario.id)
    antes, despues = cambios(usuario, datos)
    if clave:
        validar_clave(clave)
        usuario.set_password(clave)
        despues["clave"] = "(cambiada)"
    if clave or despues.get("activo") is False:
        usuario.cerrar_sesiones()
        db.session.flush()  # the new generation is read back (get_id) after the flush
        despues["sesiones"] = "(cerradas)"
    if despues:
        registrar_evento(
            "editar", "usuario", usuario.id, usuario_id=usuario_id, antes=antes, despues=despues
        )
    return usuario


def cerrar_sesiones(usuario: Usuario, *, usuario_id: int | None) -> None:
    """End every session of the account, on every device (ODES's button); audited."""
    usuario.cerrar_sesiones()
    db.session.flush()
    registrar_evento("cerrar_sesiones", "usuario", usuario.id, usuario_id=usuario_id)


def salir(usuario: Usuario) -> None:
    """Log out: end the account's sessions everywhere (a copied cookie stops working too)."""
    usuario.cerrar_sesiones()
    db.session.flush()
    registrar_evento("logout", "usuario", usuario.id, usuario_id=usuario.id)


#: Failed logins allowed for one e-mail from one address within VENTANA_BLOQUEO before a
#: temporary lockout of that account from that address.
INTENTOS_MAXIMOS = 5
VENTANA_BLOQUEO = timedelta(minutes=15)


class CuentaBloqueada(Exception):
    """Too many failed logins for this e-mail from this address; says how long to wait."""

    def __init__(self, minutos: int):
        super().__init__(minutos)
        self.mensaje = ngettext(
            "Demasiados intentos fallidos para esta cuenta. Por seguridad, el acceso está "
            "bloqueado temporalmente: vuelva a intentarlo en %(num)d minuto.",
            "Demasiados intentos fallidos para esta cuenta. Por seguridad, el acceso está "
            "bloqueado temporalmente: vuelva a intentarlo en %(num)d minutos.",
            minutos,
        )


def _fallos_recientes(email: str, origen: str, desde: datetime) -> list[datetime]:
    """Times of the failed logins for an e-mail from an address since a moment (audit log)."""
    filas = db.session.scalars(
        sa.select(Evento.creado_en)
        .where(
            Evento.accion == "login_fallido",
            Evento.objeto_tipo == "usuario",
            Evento.creado_en >= desde,
            Evento.despues["email"].as_string() == email,
            Evento.despues["ip"].as_string() == origen,
        )
        .order_by(Evento.creado_en)
    )
    return list(filas)


@cache
def _hash_ficticio(metodo: str) -> str:
    """A hash of a random password, made like the real ones (once per method and process)."""
    return generate_password_hash(secrets.token_urlsafe(16), method=metodo)


def autenticar(
    email: str, clave: str, *, origen: str, ahora: datetime | None = None
) -> Usuario | None:
    """Return the active user with these credentials, and audit the attempt either way.

    origen is the client's address. Raises CuentaBloqueada after INTENTOS_MAXIMOS failures for
    this e-mail from this address within VENTANA_BLOQUEO: someone elsewhere guessing can't
    lock the real user out. An unknown or inactive account costs the same password check as
    a wrong password (against a dummy hash), so the answer time tells no account apart.
    """
    ahora = ahora or ahora_utc()
    email = email.strip().lower()[:120]
    origen = (origen or "")[:64]
    fallos = _fallos_recientes(email, origen, ahora - VENTANA_BLOQUEO)
    if len(fallos) >= INTENTOS_MAXIMOS:
        desbloqueo = _aware(fallos[-INTENTOS_MAXIMOS]) + VENTANA_BLOQUEO
        minutos = max(1, math.ceil((desbloqueo - ahora).total_seconds() / 60))
        registrar_evento("login_bloqueado", "usuario", None, despues={"email": email, "ip": origen})
        raise CuentaBloqueada(minutos)
    usuario = db.session.scalar(sa.select(Usuario).where(sa.func.lower(Usuario.email) == email))
    if usuario is not None and usuario.activo:
        valida = usuario.check_password(clave)
    else:
        metodo = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        check_password_hash(_hash_ficticio(metodo), clave)
        valida = False
    if valida:
        registrar_evento(
            "login", "usuario", usuario.id, usuario_id=usuario.id, despues={"ip": origen}
        )
        return usuario
    registrar_evento(
        "login_fallido",
        "usuario",
        usuario.id if usuario else None,
        despues={"email": email, "ip": origen},
    )
    return None


def _aware(momento: datetime) -> datetime:
    """SQLite hands back naive UTC timestamps; make them comparable."""
    return momento if momento.tzinfo else momento.replace(tzinfo=UTC)


# --- Personal access tokens (the REST API) ---------------------------------------------------

#: Days a token may live: at least one, at most a year.
DIAS_MINIMOS, DIAS_MAXIMOS = 1, 365
#: A token's use is recorded at most once per this interval (one write a minute, not per call).
INTERVALO_USO = timedelta(minutes=1)
#: The token text: "cg_", the public prefix (8 hex), "_", the secret (token_urlsafe(32): 43
#: characters). Anything else is refused before touching the database.
PATRON_TOKEN = re.compile(r"cg_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")


class ErrorToken(ErrorNegocio):
    """A token rule was broken; the message is shown next to the field (or as a notice)."""

    def __init__(self, mensaje: str, campo: str | None = None):
        super().__init__(mensaje, campo)


def _huella(texto: str) -> str:
    """SHA-256 (hex) of a token's whole text.

    A fast hash is right here, as GitHub does for its tokens: the text carries 256 random bits,
    so no guessing or dictionary can reverse it, unlike a password (which needs scrypt).
    """
    return hashlib.sha256(texto.encode()).hexdigest()


def _prefijo_libre() -> str:
    """A new public prefix no token has (4 random bytes; a clash is retried)."""
    while True:
        prefijo = secrets.token_hex(4)
        if not db.session.scalar(sa.select(TokenAcceso.id).filter_by(prefijo=prefijo)):
            return prefijo


def crear_token(
    usuario: Usuario, *, nombre: str, solo_lectura: bool, dias: int, creado_por: Usuario
) -> tuple[TokenAcceso, str]:
    """Create a token for `usuario`; answer (row, the token text shown once). Audited."""
    nombre = (nombre or "").strip()
    if not nombre:
        raise ErrorToken(_("Indique para qué es el token."), "nombre")
    if len(nombre) > 80:
        raise ErrorToken(_("El nombre del token admite como máximo 80 caracteres."), "nombre")
    if (
        isinstance(dias, bool)
        or not isinstance(dias, int)
        or not (DIAS_MINIMOS <= dias <= DIAS_MAXIMOS)
    ):
        raise ErrorToken(
            _(
                "La vigencia debe ser de %(minimo)d a %(maximo)d días.",
                minimo=DIAS_MINIMOS,
                maximo=DIAS_MAXIMOS,
            ),
            "dias",
        )
    if not usuario.activo:
        raise ErrorToken(_("La cuenta está inactiva: no puede recibir tokens de acceso."))
    if creado_por.id != usuario.id and not solo_lectura:
        # Writing as another account (a region's Anexo 4) is that account's own decision:
        # the ODES can give an integration a reading token, never one that writes for it.
        raise ErrorToken(
            _(
                "Un token creado para otra cuenta es de solo lectura; uno que registre datos "
                "lo crea la propia cuenta al entrar con su contraseña."
            ),
            "solo_lectura",
        )
    prefijo = _prefijo_libre()
    texto = f"cg_{prefijo}_{secrets.token_urlsafe(32)}"
    momento = ahora_utc()
    token = TokenAcceso(
        usuario=usuario,
        nombre=nombre,
        prefijo=prefijo,
        hash_secreto=_huella(texto),
        solo_lectura=bool(solo_lectura),
        expira_en=momento + timedelta(days=dias),
        creado_en=momento,
        creado_por_id=creado_por.id,
    )
    db.session.add(token)
    db.session.flush()
    # The public prefix only: the secret is in no row, log or audit record.
    registrar_evento(
        "crear",
        "token_acceso",
        token.id,
        usuario_id=creado_por.id,
        despues={
            "usuario": usuario.email,
            "nombre": nombre,
            "prefijo": prefijo,
            "solo_lectura": token.solo_lectura,
            "expira_en": token.expira_en,
        },
    )
    return token, texto


def autenticar_token(texto: str) -> TokenAcceso | None:
    """The valid token for this text (constant-time compare), or None; records last use (1/min)."""
    if not isinstance(texto, str) or len(texto) > 64:
        return None
    formato = PATRON_TOKEN.fullmatch(texto)
    if formato is None:
        return None
    token = db.session.scalar(sa.select(TokenAcceso).filter_by(prefijo=formato.group(1)))
    huella = _huella(texto)
    if token is None or not hmac.compare_digest(token.hash_secreto, huella):
        return None
    if not token.vigente:
        return None
    momento = ahora_utc()
    if token.ultimo_uso_en is None or momento - _aware(token.ultimo_uso_en) >= INTERVALO_USO:
        # Only token_acceso is written (declared sin_paginas): stored pages are kept.
        token.ultimo_uso_en = momento
        db.session.flush()
    return token


def revocar_token(token: TokenAcceso, *, por: Usuario) -> None:
    """Revoke; audited."""
    if token.revocado_en is not None:
        raise ErrorToken(_("Este token ya estaba revocado."))
    estado = token.estado
    token.revocado_en = ahora_utc()
    token.revocado_por_id = por.id
    db.session.flush()
    registrar_evento(
        "revocar",
        "token_acceso",
        token.id,
        usuario_id=por.id,
        antes={"estado": estado},
        despues={"estado": "revocado", "usuario": token.usuario.email, "prefijo": token.prefijo},
    )
