"""Read pages served again from what was already rendered while the data is unchanged.

A page marked with `@en_cache` (above its `@permitido`, which it checks) is stored after it
renders, under a key made of everything its HTML depends on: the data version
(app/comun/version_datos.py), the logged-in user's id, the address with its query string,
today's date and the language. The next request with the same key gets the stored HTML with a
fresh CSRF token, without loading the user or the data: one query (the version) instead of the
page's queries and templates. That is safe because the user's account, role and region are data
too: changing, deactivating or deleting them gives the data a new version, and so does every
other write. The key's user is the session's "<id>:<generation>" (Usuario.get_id): ending a
session (logout, new password, deactivation, ODES's button) writes the account, so a revoked
cookie's key never matches again.

Not stored, and not served from the store: anything but GET, anonymous visitors, a request with
flash messages waiting (the render must show them), a session holding uncommitted writes,
anything but a rendered 200 page, and pages larger than CACHE_PAGINA_MAX_BYTES.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

import click
from flask import current_app, g, request, session
from flask.cli import AppGroup
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from app.comun import version_datos
from app.extensions import cache, db

#: Stands for the CSRF token in stored HTML; control characters never reach a rendered page
#: (app/web.py refuses them in every input), so it can't clash with content.
MARCA_CSRF = "\x00csrf\x00"

paginas_cli = AppGroup("paginas", help="Páginas guardadas (caché de lectura).")


def _clave() -> str | None:
    """The store key for this request, or None when it must be rendered afresh."""
    usuario = session.get("_user_id")
    if request.method != "GET" or usuario is None or session.get("_flashes"):
        return None
    # Only a session this request already opened can hold writes (the tests share one).
    if db.session.registry.has() and version_datos.pendiente(db.session()):
        return None
    version = version_datos.actual()
    if version is None:
        return None
    return (
        f"pagina:{version}:{usuario}:{date.today().isoformat()}:{get_locale()}:{request.full_path}"
    )


def en_cache(vista: Callable) -> Callable:
    """Serve vista's page from the store when its data is unchanged; store it otherwise.

    It goes above the view's @permitido, so a stored page is served without loading the user;
    below it the saving would be lost silently, so that order is refused when the module loads.
    """
    if getattr(vista, "acceso", None) is None:
        raise TypeError(f"@en_cache va encima de @permitido o @publico ({vista.__qualname__})")

    @wraps(vista)
    def envuelta(*args: Any, **kwargs: Any):
        clave = _clave()
        if clave is None:
            return vista(*args, **kwargs)
        guardada = cache.get(clave)
        if guardada is not None:
            return guardada.replace(MARCA_CSRF, generate_csrf())
        respuesta = vista(*args, **kwargs)
        # Only a plain rendered page, and only if rendering it left nothing for the next one.
        if (
            isinstance(respuesta, str)
            and not session.get("_flashes")
            and len(respuesta) <= current_app.config["CACHE_PAGINA_MAX_BYTES"]
        ):
            token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
            cache.set(clave, respuesta.replace(token, MARCA_CSRF) if token else respuesta)
        return respuesta

    envuelta.guardada = True  # read by the benchmark, which times these pages both ways
    return envuelta


@paginas_cli.command("renovar")
def renovar() -> None:
    """Give the data a new version (after changing it outside the app, e.g. with psql)."""
    # The new version is enough: every worker reads it before serving a stored page.
    version_datos.renovar(db.session)
    db.session.commit()
    click.echo("Versión de los datos renovada: las páginas guardadas ya no se sirven.")
