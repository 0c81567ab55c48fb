"""Who calls the API: a personal access token in `Authorization: Bearer cg_…`, nothing else.

The session cookie is ignored under /api, so a page in a browser can never make a write on its
user's behalf (the API needs no CSRF token). The token's user becomes `current_user` for the
request only, so `@permitido` and the scope rules apply unchanged; a read-only token is refused
any write. The rate limit counts per token (per address when there is none).
"""

from __future__ import annotations

import hashlib
import re

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from app.api.errores import ErrorApi
from app.extensions import db

#: `cg_<prefix>_<secret>`: the prefix alone names the token (it is not secret).
FORMA = re.compile(r"^cg_([0-9a-f]{8})_[A-Za-z0-9_-]{20,100}$")
#: Methods that only read.
LECTURA = frozenset({"GET", "HEAD", "OPTIONS"})


def texto_token() -> str | None:
    """The token text of the request's Authorization header, or None."""
    esquema, _sep, texto = request.headers.get("Authorization", "").partition(" ")
    if esquema.lower() != "bearer":
        return None
    return texto.strip() or None


def clave_limite() -> str:
    """The rate limit's key: a hash of the whole token text when the header has a token's
    shape (never its public prefix alone: anyone who saw «cg_ab12cd34_…» could otherwise spend
    that token's allowance), else the client's address."""
    texto = texto_token()
    if texto and FORMA.match(texto):
        return "token:" + hashlib.sha256(texto.encode()).hexdigest()[:32]
    return f"ip:{get_remote_address()}"


def limite() -> str:
    """The per-token limit (API_LIMITE, e.g. "300 per minute")."""
    return current_app.config.get("API_LIMITE", "300 per minute")


def limite_direccion() -> str:
    """The per-address limit over every token (API_LIMITE_DIRECCION): made-up tokens, each a
    bucket of its own, cannot flood the API from one address."""
    return current_app.config.get("API_LIMITE_DIRECCION", "1200 per minute")


def autenticar() -> None:
    """before_request of every API blueprint: the token's user, or a JSON 401/403."""
    from app.auth.services import autenticar_token

    vista = current_app.view_functions.get(request.endpoint or "")
    if getattr(vista, "acceso", None) == "publico":
        return
    texto = texto_token()
    token = autenticar_token(texto) if texto and FORMA.match(texto) else None
    if token is None:
        raise ErrorApi(401)
    if token.solo_lectura and request.method not in LECTURA:
        raise ErrorApi(403, codigo="token_solo_lectura", mensaje=_solo_lectura())
    # Its last use (a table no page shows) is saved now, apart from the request's own writes.
    db.session.commit()
    g.token = token
    # Flask-Login's current user for this request only (nothing is written to the session).
    g._login_user = token.usuario


def _solo_lectura() -> str:
    from flask_babel import gettext as _

    return _("Este token es de solo lectura: no puede modificar datos.")
