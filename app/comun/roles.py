"""Roles and the gate every view declares: who may open it, checked before the view runs.

A view without a declared rule is refused at request time and fails the route-walking test
(tests/auth/test_permisos.py), so a new route can never be open by accident. The menu reads
the same declarations (app/navegacion.py), so a link is shown exactly to those who may open it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user

from app.comun.i18n import N_, traducir


class Rol(enum.Enum):
    """What a user is: the four roles of DESIGN.md §2."""

    odes = "odes"
    drtpe = "drtpe"
    direccion = "direccion"
    revisor = "revisor"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_ROL[self])


ETIQUETAS_ROL = {
    Rol.odes: N_("Coordinador/a ODES"),
    Rol.drtpe: N_("G/DRTPE (región)"),
    Rol.direccion: N_("Dirección del MTPE"),
    Rol.revisor: N_("Revisor/a SD-PCM"),
}


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
