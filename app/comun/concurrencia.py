"""Concurrent saves: one message and one handler for every write that lost a race.

A save can find that someone else saved the same data first in three ways, all answered by
`atender`, which app/web.py registers for the whole app (routes just commit, and catch
nothing of this):

- the form was read at an older version than the row has now: the services call
  `comprobar_version` before writing, which raises EdicionConcurrente;
- two saves read the same version and both write: the version column (optimistic locking,
  ``version_id_col``) lets one UPDATE through and matches no row for the other, so SQLAlchemy
  raises StaleDataError at that flush (explicit, autoflush or commit);
- two first requests create the same row (the Anexo 4 of a semester, an Anexo 5, the report,
  a year's goals): its unique constraint refuses the second insert (IntegrityError); on
  PostgreSQL, a deadlock or serialization failure between two writers is the same kind of loss.

The handler rolls the request back (nothing of it is saved), logs it, and sends a form POST
back (303) to the page that shows the current data, with MENSAJE_CONCURRENCIA flashed; the user
reviews and saves again. A GET, or a client that asks for JSON, gets a 409 with the message.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, jsonify, redirect, render_template, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.extensions import db

MENSAJE_CONCURRENCIA = _l(
    "Otra persona guardó cambios en este registro mientras usted editaba. Se muestran los "
    "datos actuales; revise y vuelva a guardar."
)

#: PostgreSQL errors of a write that lost a race: unique violation, serialization failure,
#: deadlock. Any other database error is not a conflict (the 500 page answers it).
SQLSTATE_CONFLICTO = frozenset({"23505", "40001", "40P01"})


class EdicionConcurrente(StaleDataError):
    """The form was read at an older version of the row than the current one."""


def comprobar_version(objeto, leida: int | None) -> None:
    """Refuse a write based on an older read of objeto (leida: the version its form carried;
    None, e.g. a file import, is not checked)."""
    if leida is not None and leida != objeto.version:
        raise EdicionConcurrente(
            f"{type(objeto).__name__} {objeto.id}: versión leída {leida}, actual {objeto.version}"
        )


def es_conflicto(error: BaseException) -> bool:
    """Whether error means another save won a race (as opposed to a bug or an outage)."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) in SQLSTATE_CONFLICTO:  # psycopg
        return True
    # SQLite has one writer at a time, but a unique key refuses a duplicate all the same.
    return isinstance(error, IntegrityError) and str(error.orig).startswith(
        "UNIQUE constraint failed"
    )


def atender(error: Exception):
    """Error handler of the app: answer a lost race; re-raise anything else (the 500 page)."""
    if not es_conflicto(error):
        raise error
    db.session.rollback()
    current_app.logger.warning(
        "Guardado concurrente rechazado: %s %s (usuario %s): %s",
        request.method,
        request.path,
        session.get("_user_id"),
        _causa(error),
    )
    mensaje = str(MENSAJE_CONCURRENCIA)
    if not _pide_html():
        return jsonify({"error": mensaje}), 409
    if request.method in ("GET", "HEAD"):
        # A page, not a form: nothing to send back to; reloading it shows the current data.
        return (
            render_template(
                "error.html", codigo=409, titulo=_l("Cambios simultáneos"), mensaje=mensaje
            ),
            409,
        )
    flash(mensaje, "error")
    return redirect(_pagina_actual(), 303)


def _causa(error: Exception) -> str:
    """What to log: the stale table, or the violated constraint (never the row's values)."""
    if isinstance(error, DBAPIError):
        diagnostico = getattr(error.orig, "diag", None)
        restriccion = getattr(diagnostico, "constraint_name", None)
        detalle = restriccion or str(error.orig).split("\n", 1)[0]
        return f"{type(error.orig).__name__}: {detalle}"
    return f"{type(error).__name__}: {error}"


def _pide_html() -> bool:
    """A browser's form or page, not a script asking for JSON."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return False
    mejor = request.accept_mimetypes.best_match(
        ["text/html", "application/json"], default="text/html"
    )
    return mejor == "text/html"


def _pagina_actual() -> str:
    """The page where the user sees the current data of what they were saving.

    The same URL when it is a page (an edit form posts to itself); else the page the form was
    on (the Referer, from this site only); else the nearest page up the path (…/7/enviar →
    …/7); else the home page.
    """
    adaptador = current_app.create_url_adapter(request)
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.full_path.rstrip("?")
    origen = urlsplit(request.referrer or "")
    if origen.netloc == request.host and origen.path and origen.path != request.path:
        if _es_pagina(adaptador, origen.path):
            return origen.path + (f"?{origen.query}" if origen.query else "")
    ruta = request.path.rstrip("/")
    while ruta:
        ruta = ruta.rsplit("/", 1)[0]
        if ruta and _es_pagina(adaptador, ruta):
            return ruta
    return "/"


def _es_pagina(adaptador, ruta: str) -> bool:
    try:
        adaptador.match(ruta, method="GET")
    except HTTPException:  # not found, POST only, or a redirect (trailing slash)
        return False
    return True
