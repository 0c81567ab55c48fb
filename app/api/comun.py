"""What every API view shares: its blueprint, pagination, conditional reads and If-Match."""

from __future__ import annotations

import copy
import hashlib
import re
from math import ceil

import sqlalchemy as sa
from flask import Response, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.api import autenticacion, errores
from app.api.errores import ErrorApi
from app.comun import hojas
from app.extensions import csrf, db, limiter

PREFIJO = "/api/v1"
#: Every API blueprint, in registration order (app.api.iniciar registers them).
BLUEPRINTS: list[Blueprint] = []
#: The title of each blueprint's group in the OpenAPI document (its tag), by blueprint name.
TITULOS: dict[str, str] = {}
#: The status codes answered as JSON by the blueprints' own handlers (the app's HTML pages
#: register code-specific handlers, which would otherwise win).
ESTADOS = (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500)


def blueprint(nombre: str, titulo: str, descripcion: str) -> Blueprint:
    """A blueprint of the API: token required, JSON errors, per-token limit, no CSRF."""
    bp = Blueprint(
        f"api_{nombre}",
        __name__,
        url_prefix=PREFIJO,
        description=descripcion,
        template_folder="templates",
    )
    bp.before_request(autenticacion.autenticar)
    bp.before_request(rechazar_controles)
    for estado in ESTADOS:
        bp.register_error_handler(estado, errores.atender)
    bp.register_error_handler(HTTPException, errores.atender)
    for error in (StaleDataError, IntegrityError, OperationalError):
        bp.register_error_handler(error, _conflicto)
    csrf.exempt(bp)
    limiter.limit(autenticacion.limite, key_func=autenticacion.clave_limite)(bp)
    limiter.limit(autenticacion.limite_direccion, key_func=get_remote_address)(bp)
    BLUEPRINTS.append(bp)
    TITULOS[bp.name] = titulo
    return bp


def documento(spec: dict) -> dict:
    """The OpenAPI document with each group under its Spanish title instead of its blueprint."""
    spec = copy.deepcopy(spec)  # apispec's dict shares its inner parts with the spec itself
    for etiqueta in spec.get("tags", []):
        etiqueta["name"] = TITULOS.get(etiqueta["name"], etiqueta["name"])
    for operaciones in spec.get("paths", {}).values():
        for operacion in operaciones.values():
            if isinstance(operacion, dict) and "tags" in operacion:
                operacion["tags"] = [TITULOS.get(t, t) for t in operacion["tags"]]
    return spec


def _textos(valor):
    """Every string inside a decoded JSON value (keys included), without recursion."""
    pendientes = [valor]
    while pendientes:
        actual = pendientes.pop()
        if isinstance(actual, str):
            yield actual
        elif isinstance(actual, dict):
            pendientes.extend(actual.keys())
            pendientes.extend(actual.values())
        elif isinstance(actual, list):
            pendientes.extend(actual)


def rechazar_controles() -> None:
    """Refuse (400) a JSON body with NUL or other control characters, as the web refuses them
    in forms (PostgreSQL can't store NUL; an Excel cell can't hold the others)."""
    if request.method in ("POST", "PUT", "PATCH") and request.is_json:
        try:
            datos = request.get_json(silent=True)
        except RecursionError as error:  # nested deeper than the parser goes
            raise ErrorApi(400) from error
        if any(hojas.CONTROLES.search(texto) for texto in _textos(datos)):
            raise ErrorApi(400, _("La solicitud contiene caracteres no válidos."))


def _conflicto(_error):
    """A write that lost a race: rolled back, 409 (the client reads again and retries)."""
    db.session.rollback()
    return errores.respuesta(409)


def paginar(consulta: sa.Select, args: dict, *, escalar: bool = True) -> dict:
    """One page of a SELECT as the list envelope {elementos, total, pagina, por_pagina, paginas}."""
    por_pagina, pagina = args["por_pagina"], args["pagina"]
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(consulta.order_by(None).subquery())
    )
    filas = consulta.limit(por_pagina).offset((pagina - 1) * por_pagina)
    elementos = list(db.session.scalars(filas) if escalar else db.session.execute(filas))
    return envolver(elementos, total, pagina, por_pagina)


def paginar_lista(elementos: list, args: dict) -> dict:
    """The list envelope of rows already in memory."""
    por_pagina, pagina = args["por_pagina"], args["pagina"]
    inicio = (pagina - 1) * por_pagina
    return envolver(elementos[inicio : inicio + por_pagina], len(elementos), pagina, por_pagina)


def envolver(elementos: list, total: int, pagina: int, por_pagina: int) -> dict:
    """The list envelope."""
    return {
        "elementos": elementos,
        "total": total,
        "pagina": pagina,
        "por_pagina": por_pagina,
        "paginas": max(ceil(total / por_pagina), 1),
    }


def modificado(reporte) -> str:
    """The Last-Modified header of an Anexo 4 (its last change, in UTC)."""
    from datetime import UTC

    from werkzeug.http import http_date

    momento = reporte.actualizado_en or reporte.creado_en
    return http_date(momento if momento.tzinfo else momento.replace(tzinfo=UTC))


#: An Anexo 4's ETag: its id, its version (what If-Match checks) and a hash of what was shown.
ETAG_REPORTE = re.compile(r'^(?:W/)?"anexo4-(\d+)-v(\d+)(?:-[0-9a-f]+)?"$')


def etag_reporte(reporte, cuerpo: bytes = b"") -> str:
    """The ETag of an Anexo 4 answer: its version, and a hash of the body, so a read changes
    whenever anything shown changes (evidence, warnings, whether it is editable today)."""
    huella = hashlib.sha256(cuerpo).hexdigest()[:12] if cuerpo else "0"
    return f'"anexo4-{reporte.id}-v{reporte.version}-{huella}"'


def exigir_if_match(reporte) -> None:
    """Refuse a write without If-Match (428) or with a tag of another version (412); "*" is
    no read, so it is refused too."""
    valor = request.headers.get("If-Match", "").strip()
    if not valor:
        raise ErrorApi(428)
    for etiqueta in (v.strip() for v in valor.split(",")):
        coincide = ETAG_REPORTE.match(etiqueta)
        if coincide and (int(coincide[1]), int(coincide[2])) == (reporte.id, reporte.version):
            return
    raise ErrorApi(412)


def condicional(respuesta: Response) -> Response:
    """after_request of the API: an ETag on every successful read (the body's hash unless the
    view set its own), and 304 on a matching If-None-Match or If-Modified-Since."""
    if not errores.es_api():
        return respuesta
    respuesta.headers["Cache-Control"] = "private, no-cache"
    respuesta.headers.setdefault("Vary", "Authorization")
    if (
        request.method in ("GET", "HEAD")
        and respuesta.status_code == 200
        and respuesta.mimetype == "application/json"
    ):
        if not respuesta.headers.get("ETag"):
            respuesta.set_etag(hashlib.sha256(respuesta.get_data()).hexdigest()[:32])
        respuesta.make_conditional(request)
    return respuesta
