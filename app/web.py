"""Request-level wiring: login loader, access guard, error pages, template filters."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Flask, abort, render_template, request
from flask_babel import format_date, format_datetime

from app.auth.permisos import exigir_regla_declarada
from app.extensions import db, login_manager


def configurar(app: Flask) -> None:
    """Attach the login loader, the access guard, error handlers and filters to app."""
    from app.auth.models import Usuario

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Inicie sesión para continuar."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def cargar_usuario(user_id: str):
        usuario = db.session.get(Usuario, int(user_id))
        return usuario if usuario and usuario.activo else None

    app.before_request(rechazar_caracteres_nulos)
    app.before_request(exigir_regla_declarada)
    app.after_request(cabeceras_de_seguridad)

    for codigo, titulo, mensaje in (
        (400, "Solicitud no válida", "La solicitud no se pudo procesar. Vuelva a intentarlo."),
        (403, "Acceso denegado", "Su cuenta no tiene permiso para ver esta página."),
        (404, "Página no encontrada", "La página que busca no existe o no está a su alcance."),
        (413, "Archivo demasiado grande", "El archivo supera el tamaño máximo permitido."),
        (500, "Error interno", "Ocurrió un error inesperado. No se guardó ningún cambio."),
    ):
        app.register_error_handler(codigo, _manejador(codigo, titulo, mensaje))

    app.jinja_env.filters["fecha"] = fecha
    app.jinja_env.filters["fecha_hora"] = fecha_hora
    app.jinja_env.filters["numero"] = numero
    app.jinja_env.filters["porcentaje"] = porcentaje


def rechazar_caracteres_nulos():
    """Refuse (400) form or query values with NUL bytes: they can't be stored in PostgreSQL."""
    for valores in (request.args, request.form):
        if any("\x00" in v for v in valores.values()):
            abort(400, description="La solicitud contiene caracteres no válidos.")


#: No inline scripts or styles; nothing is loaded from other sites; no framing.
POLITICA_CONTENIDO = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def cabeceras_de_seguridad(respuesta):
    """Add the security headers to every response."""
    respuesta.headers.setdefault("Content-Security-Policy", POLITICA_CONTENIDO)
    respuesta.headers.setdefault("X-Content-Type-Options", "nosniff")
    respuesta.headers.setdefault("X-Frame-Options", "DENY")
    respuesta.headers.setdefault("Referrer-Policy", "same-origin")
    respuesta.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return respuesta


def _manejador(codigo: int, titulo: str, mensaje: str):
    def manejar(error):
        if codigo == 500:
            db.session.rollback()
        detalle = getattr(error, "description", None) if codigo in (400, 403) else None
        return (
            render_template(
                "error.html", codigo=codigo, titulo=titulo, mensaje=mensaje, detalle=detalle
            ),
            codigo,
        )

    return manejar


def fecha(valor: date | datetime | None) -> str:
    """Format a date as dd/mm/aaaa."""
    return format_date(valor, "dd/MM/yyyy") if valor else "—"


def fecha_hora(valor: datetime | None) -> str:
    """Format a timestamp as dd/mm/aaaa hh:mm in Lima time."""
    return format_datetime(valor, "dd/MM/yyyy HH:mm") if valor else "—"


def numero(valor: float | Decimal | None, decimales: int = 0) -> str:
    """Format a number the es-PE way."""
    if valor is None:
        return "—"
    patron = "#,##0" + ("." + "0" * decimales if decimales else "")
    return format_decimal(valor, patron, locale="es_PE")


def porcentaje(valor: float | Decimal | None, decimales: int = 0) -> str:
    """Format a percentage value (already in %), e.g. 48 → "48 %"."""
    return "—" if valor is None else f"{numero(valor, decimales)} %"
