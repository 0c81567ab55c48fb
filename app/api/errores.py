"""JSON errors of the API: a stable code, a Spanish message and, for invalid data, the errors
per field (docs/api.md lists every code)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

#: Stable codes, by HTTP status, that clients may test for.
CODIGOS = {
    400: "solicitud_invalida",
    401: "no_autenticado",
    403: "prohibido",
    404: "no_encontrado",
    405: "metodo_no_permitido",
    409: "conflicto",
    412: "version_distinta",
    413: "demasiado_grande",
    415: "tipo_no_admitido",
    422: "datos_invalidos",
    428: "falta_if_match",
    429: "demasiadas_solicitudes",
    500: "error_interno",
}


def mensajes() -> dict[int, str]:
    """The Spanish message of each status (in the request's locale)."""
    return {
        400: _("La solicitud no se pudo procesar."),
        401: _("Falta un token de acceso válido (cabecera Authorization: Bearer …)."),
        403: _("Su token no permite esta operación."),
        404: _("El recurso no existe o no está a su alcance."),
        405: _("Este recurso no admite ese método."),
        409: _("Otra persona modificó estos datos al mismo tiempo; vuelva a leerlos."),
        412: _("Los datos cambiaron desde que los leyó (If-Match no coincide); vuelva a leerlos."),
        413: _("La solicitud es demasiado grande."),
        415: _("Envíe el cuerpo como JSON (Content-Type: application/json)."),
        422: _("Los datos enviados no son válidos."),
        428: _("Envíe la cabecera If-Match con la ETag leída del recurso."),
        429: _("Demasiadas solicitudes con este token; espere un momento."),
        500: _("Ocurrió un error inesperado. No se guardó ningún cambio."),
    }


def es_api() -> bool:
    """Whether the current request is one of the API's (its errors are JSON)."""
    return request.path.startswith("/api/")


def respuesta(estado: int, mensaje: str | None = None, *, codigo: str | None = None, **extra):
    """A JSON error response: {"codigo", "mensaje", …extra}."""
    cuerpo = {
        "codigo": codigo or CODIGOS.get(estado, "error"),
        "mensaje": mensaje or mensajes().get(estado) or _("Error."),
    }
    cuerpo.update({k: v for k, v in extra.items() if v is not None})
    r = jsonify(cuerpo)
    r.status_code = estado
    if estado == 401:
        r.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return r


class ErrorApi(HTTPException):
    """An API error with its own code and message (raised by views and helpers)."""

    def __init__(self, estado: int, mensaje: str | None = None, *, codigo=None, errores=None):
        super().__init__(description=mensaje)
        self.code = estado
        self.mensaje = mensaje
        self.codigo = codigo
        self.errores = errores


def atender(error: HTTPException):
    """Answer any HTTP error raised inside the API as JSON (field errors of webargs included)."""
    estado = error.code or 500
    if isinstance(error, ErrorApi):
        return respuesta(estado, error.mensaje, codigo=error.codigo, errores=error.errores)
    errores = None
    datos = getattr(error, "data", None)  # webargs/flask-smorest: {"messages": {...}}
    if isinstance(datos, dict) and "messages" in datos:
        errores = datos["messages"]
    r = respuesta(estado, errores=errores)
    if estado == 405 and getattr(error, "valid_methods", None):
        r.headers["Allow"] = ", ".join(error.valid_methods)
    return r


def atender_inesperado(error: Exception):
    """An unexpected exception inside the API: rolled back, logged, JSON 500."""
    from flask import current_app

    from app.extensions import db

    db.session.rollback()
    current_app.logger.exception("Error en la API")
    return respuesta(500)
