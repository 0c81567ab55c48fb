"""Request-level wiring: login loader, access guard, error pages, template filters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, abort, g, render_template, request
from flask_babel import format_date, format_datetime, format_timedelta, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app.api import errores as errores_api
from app.comun import concurrencia, hojas
from app.comun.roles import exigir_regla_declarada
from app.extensions import db, login_manager


class EnteroAcotado(IntegerConverter):
    """<int:…> up to 2**31 - 1: no id or year is larger, and SQLite can't even compare it."""

    def __init__(self, mapa, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(mapa, fixed_digits, min, max, signed)


def configurar(app: Flask) -> None:
    """Attach the login loader, the access guard, error handlers and filters to app."""
    from app.auth.models import Usuario

    if app.config.get("PROXY_SALTOS", 0) > 0:
        # Behind N trusted proxies, the client's address and scheme are the ones they forward
        # (the login lockout and the limiter count per client address, not per proxy).
        saltos = app.config["PROXY_SALTOS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=saltos, x_proto=saltos)

    # Before the blueprints add their rules: an <int:…> above 2**31 - 1 is simply not found.
    app.url_map.converters["int"] = EnteroAcotado
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Inicie sesión para continuar.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str  # evaluates the lazy message in the request

    @login_manager.user_loader
    def cargar_usuario(user_id: str):
        # "<id>:<generation>" (Usuario.get_id): a session whose generation is no longer the
        # account's (logout, password change, deactivation, ODES's button) is anonymous.
        # A cookie from before generations ("<id>" alone) or a malformed one is refused too.
        identificador, _sep, generacion = user_id.partition(":")
        if not (identificador.isdecimal() and generacion.isdecimal()):
            return None
        if len(identificador) > 10 or len(generacion) > 10:
            return None
        usuario = db.session.get(Usuario, int(identificador))
        if usuario is None or not usuario.activo:
            return None
        return usuario if usuario.generacion_sesion == int(generacion) else None

    app.before_request(rechazar_caracteres_nulos)
    app.before_request(exigir_regla_declarada)
    app.after_request(cabeceras_de_seguridad)

    for codigo, titulo, mensaje in (
        (
            400,
            _l("Solicitud no válida"),
            _l("La solicitud no se pudo procesar. Vuelva a intentarlo."),
        ),
        (403, _l("Acceso denegado"), _l("Su cuenta no tiene permiso para ver esta página.")),
        (
            404,
            _l("Página no encontrada"),
            _l("La página que busca no existe o no está a su alcance."),
        ),
        (413, _l("Archivo demasiado grande"), _l("El archivo supera el tamaño máximo permitido.")),
        (500, _l("Error interno"), _l("Ocurrió un error inesperado. No se guardó ningún cambio.")),
    ):
        app.register_error_handler(codigo, _manejador(codigo, titulo, mensaje))
    # A save that lost a race with another (stale version, duplicate first insert, deadlock):
    # rolled back, logged, and the form sent back with the concurrency message (app/concurrencia).
    for error in (StaleDataError, IntegrityError, OperationalError):
        app.register_error_handler(error, concurrencia.atender)
    # Any other HTTP error: JSON under /api (an unknown path or method has no blueprint to
    # answer it), Werkzeug's own response elsewhere, as before.
    app.register_error_handler(HTTPException, _error_http)

    from app.comun.campos import acelerar_widgets

    acelerar_widgets()

    # Templates translate hundreds of strings per page: look the request's catalogue up once
    # (Flask-Babel's own callables look it up through the context on every string).
    app.jinja_env.install_gettext_callables(
        lambda texto: _traducciones().ugettext(texto),
        lambda singular, plural, n: _traducciones().ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters["fecha"] = fecha
    app.jinja_env.filters["valor_auditado"] = valor_auditado
    app.jinja_env.filters["campo_auditado"] = campo_auditado
    app.jinja_env.filters["accion_auditada"] = accion_auditada
    app.jinja_env.filters["fecha_hora"] = fecha_hora
    app.jinja_env.filters["numero"] = numero
    app.jinja_env.filters["porcentaje"] = porcentaje
    app.jinja_env.filters["hace_dias"] = hace_dias

    from app import navegacion

    app.context_processor(navegacion.contexto)
    # A global, not context: the breadcrumb macro is imported without the page's context.
    app.jinja_env.globals["puede_abrir"] = navegacion.puede_abrir


#: Control characters no stored text may contain (the rule lives with the spreadsheet one).
CONTROLES = hojas.CONTROLES


def rechazar_caracteres_nulos():
    """Refuse (400) form or query values with NUL or other control characters."""
    for valores in (request.args, request.form):
        # items(multi=True): every value of a repeated field, not only the first one.
        if any(CONTROLES.search(v) for _k, v in valores.items(multi=True)):
            abort(400, description=_("La solicitud contiene caracteres no válidos."))


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


def _error_http(error: HTTPException):
    """An HTTP error without a page of its own: JSON for the API, else Werkzeug's answer."""
    return errores_api.atender(error) if errores_api.es_api() else error


def _manejador(codigo: int, titulo: str, mensaje: str):
    def manejar(error):
        if codigo == 500:
            db.session.rollback()
        if errores_api.es_api():
            return errores_api.atender(error) if codigo != 500 else errores_api.respuesta(500)
        detalle = getattr(error, "description", None) if codigo in (400, 403) else None
        if isinstance(error, CSRFError):
            detalle = _(
                "El formulario caducó o le falta su código de seguridad. Vuelva a cargar la "
                "página y envíelo otra vez; lo que escribió no se guardó."
            )
        elif detalle == getattr(type(error), "description", None):
            detalle = None  # Werkzeug's own English text: the page's Spanish message says it
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


def hace_dias(dias: int) -> str:
    """How long ago, as a person says it: "hace 3 días", "hace 5 años" (never "hace 1954 días")."""
    return format_timedelta(timedelta(days=-dias), granularity="day", add_direction=True)


def fecha_hora(valor: datetime | None) -> str:
    """Format a timestamp as dd/mm/aaaa hh:mm in Lima time."""
    return format_datetime(valor, "dd/MM/yyyy HH:mm") if valor else "—"


def _traducciones():
    """The current request's translations, looked up once per request (or app context)."""
    traducciones = g.get("_traducciones")
    if traducciones is None:
        traducciones = g._traducciones = get_translations()
    return traducciones


#: An ISO date or date-time as the audit log keeps them ("2026-12-05", "2026-12-05T17:00:00+00:00").
_FECHA_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$")
#: A code of the system ("no_aplica", "pendiente_revision"): shown with spaces.
_CODIGO = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def valor_auditado(valor: Any) -> str:
    """A value of the audit log as a person reads it: "—" for none, Sí/No, dates dd/mm/aaaa,
    codes with spaces, lists joined; never "None" nor "True"."""
    if valor is None or valor == "" or valor == "None":
        return "—"
    if isinstance(valor, bool):
        return _("Sí") if valor else _("No")
    if isinstance(valor, (list, tuple)):
        return ", ".join(valor_auditado(v) for v in valor) or "—"
    if isinstance(valor, dict):
        return "; ".join(f"{campo_auditado(k)}: {valor_auditado(v)}" for k, v in valor.items())
    texto = str(valor)
    if _FECHA_ISO.match(texto):
        try:
            momento = datetime.fromisoformat(texto.replace("Z", "+00:00"))
        except ValueError:
            return texto
        return fecha(momento.date()) if len(texto) == 10 else fecha_hora(momento)
    if _CODIGO.match(texto):
        return texto.replace("_", " ")
    return texto


#: Audit actions whose code does not read as Spanish once its underscores are spaces.
ACCIONES_AUDITADAS = {
    "cargar_demo": _l("carga de los datos de demostración"),
    "aplicar_borrador": _l("aplicar el borrador"),
    "login_bloqueado": _l("ingreso bloqueado"),
    "cerrar_sesiones": _l("cierre de sesiones"),
}


def accion_auditada(accion: Any) -> str:
    """An audit action as a person reads it ("cargar_demo" → "carga de los datos de
    demostración"; a plain verb stays as it is)."""
    etiqueta = ACCIONES_AUDITADAS.get(str(accion))
    return str(etiqueta) if etiqueta is not None else campo_auditado(accion)


def campo_auditado(campo: Any) -> str:
    """A field name of the audit log as a label: "fecha_limite_anexo4" → "fecha limite anexo4"."""
    return str(campo).replace("_", " ")


def numero(valor: float | Decimal | None, decimales: int = 0) -> str:
    """Format a number the es-PE way (what Babel's format_decimal gives, with a kept pattern)."""
    if valor is None:
        return "—"
    if COMO_PYTHON and type(valor) in (Decimal, int):
        # Same text as Babel's pattern (tests/test_web_numeros.py), eight times faster: a
        # results page formats hundreds of cells.
        return f"{valor:,.{decimales}f}"
    return _patron_numero(decimales).apply(
        valor, LOCALE_NUMEROS, decimal_quantization=True, group_separator=True
    )


#: Locale of every number shown (es-PE: decimal point, comma groups).
LOCALE_NUMEROS = Locale.parse("es_PE")
#: Whether the locale writes numbers as Python's format does ("1,234.5", "-3").
COMO_PYTHON = (
    LOCALE_NUMEROS.number_symbols["latn"]["decimal"],
    LOCALE_NUMEROS.number_symbols["latn"]["group"],
    LOCALE_NUMEROS.number_symbols["latn"]["minusSign"],
) == (".", ",", "-")


@cache
def _patron_numero(decimales: int) -> NumberPattern:
    # format_decimal parses its pattern at every call; a page formats hundreds of numbers.
    return parse_pattern("#,##0" + ("." + "0" * decimales if decimales else ""))


def porcentaje(valor: float | Decimal | None, decimales: int = 0) -> str:
    """Format a percentage value (already in %), e.g. 48 → "48 %"."""
    return "—" if valor is None else f"{numero(valor, decimales)} %"
