"""Access rules: every view declares who may use it, and scoping helpers for queries.

A view without a declared rule is refused at request time and fails the route-walking test,
so a new route can never be open by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from app.auth.models import Rol

TODOS = frozenset(Rol)


def permitido(*roles: Rol) -> Callable:
    """Allow a view only to logged-in users with one of roles (none given = any role)."""
    permitidos = frozenset(roles) or TODOS

    def decorador(vista: Callable) -> Callable:
        @wraps(vista)
        def envuelta(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                from app.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.rol not in permitidos:
                abort(403)
            return vista(*args, **kwargs)

        envuelta.acceso = permitidos  # read by the guard and by the route-walking test
        return envuelta

    return decorador


def publico(vista: Callable) -> Callable:
    """Mark a view as open to anyone (login page, published reports)."""
    vista.acceso = "publico"
    return vista


def regla_de(app, endpoint: str):
    """Return the access rule declared by endpoint's view, or None if it has none."""
    if endpoint == "static":
        return "publico"
    vista = app.view_functions.get(endpoint)
    return getattr(vista, "acceso", None)


def exigir_regla_declarada() -> None:
    """before_request guard: refuse any endpoint whose view declares no rule."""
    from flask import current_app

    if request.endpoint is None:
        return
    if regla_de(current_app, request.endpoint) is None:
        abort(403)


def es(rol: Rol) -> bool:
    """Tell whether the current user has role rol."""
    return current_user.is_authenticated and current_user.rol is rol


def puede_ver_region(region_id: int) -> bool:
    """A drtpe user sees only their region; the other roles see every region."""
    if current_user.rol is Rol.drtpe:
        return current_user.region_id == region_id
    return True


def exigir_region(region_id: int) -> None:
    """Answer 404 (never the data) when the current user may not see region_id."""
    if not puede_ver_region(region_id):
        abort(404)
