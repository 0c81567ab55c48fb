"""The main navigation menu: grouped entries per role, with the current section marked.

An entry is shown to exactly the roles its page's view declares with @permitido
(app/comun/roles.py): the menu reads that declaration, so the two can never disagree. Hiding a
link is never the access control, only a convenience.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.comun.roles import Rol, regla_de
from app.notificaciones import queries as notificaciones_queries


@dataclass(frozen=True)
class Entrada:
    """One destination of the menu."""

    texto: Any
    endpoint: str
    #: Endpoints of the pages that belong to this section (besides the entry's own).
    seccion: Callable[[str], bool] = lambda _endpoint: False

    def actual(self, endpoint: str | None) -> bool:
        """True when endpoint is this entry's page or one of its section's pages."""
        return bool(endpoint) and (endpoint == self.endpoint or self.seccion(endpoint))


@dataclass(frozen=True)
class Grupo:
    """A group of entries shown as one drop-down (or a plain link when it has one entry)."""

    texto: Any
    clave: str
    entradas: tuple[Entrada, ...] = field(default_factory=tuple)


def _en(*nombres: str) -> Callable[[str], bool]:
    return lambda endpoint: endpoint in nombres


def _anexo4(endpoint: str) -> bool:
    if endpoint in ("convenios.resultados", "convenios.completitud"):
        return False
    return endpoint.startswith("convenios.") and any(
        p in endpoint for p in ("anexo4", "evidencia", "plantilla", "importacion")
    )


def _programacion(endpoint: str) -> bool:
    return endpoint.startswith("mejora_continua.") and any(
        p in endpoint
        for p in ("programa", "actividad", "agenda", "avance", "calendario", "programacion")
    )


def _ciclos(endpoint: str) -> bool:
    # A cycle's pages and those of its IdG (which now always belong to a cycle).
    return endpoint in (
        "catalogo.ciclos",
        "catalogo.nuevo_ciclo",
        "catalogo.ciclo",
        "catalogo.nuevo_indicador",
        "catalogo.indicador",
        "catalogo.editar_indicador",
        "catalogo.retirar_indicador",
    )


MENU: tuple[Grupo, ...] = (
    Grupo(_l("Inicio"), "inicio", (Entrada(_l("Inicio"), "main.tablero"),)),
    Grupo(
        _l("Convenios"),
        "convenios",
        (
            Entrada(
                _l("Convenios"),
                "convenios.lista",
                seccion=_en(
                    "convenios.detalle",
                    "convenios.nuevo",
                    "convenios.editar",
                    "convenios.importar_ciclo",
                ),
            ),
            Entrada(
                _l("Programación de metas"),
                "convenios.programaciones",
                _en("convenios.programacion", "convenios.reprogramar_meta"),
            ),
            Entrada(_l("Reprogramaciones"), "convenios.reprogramaciones"),
            Entrada(
                _l("Periodos"),
                "convenios.periodos",
                _en("convenios.nuevo_periodo", "convenios.editar_periodo", "convenios.prorrogas"),
            ),
        ),
    ),
    Grupo(
        _l("Anexos"),
        "anexos",
        (
            Entrada(_l("Anexo 4"), "convenios.anexo4", seccion=_anexo4),
            Entrada(
                _l("Anexo 5"),
                "mejora_continua.evaluaciones",
                lambda e: (
                    e.startswith("mejora_continua.")
                    and "evaluacion" in e
                    or e == "mejora_continua.aplicar_sugerencias"
                ),
            ),
            Entrada(_l("Resultados"), "convenios.resultados"),
            Entrada(_l("Tendencias"), "convenios.tendencias", _en("convenios.tendencias_excel")),
            Entrada(_l("Completitud"), "convenios.completitud"),
        ),
    ),
    Grupo(
        _l("Mejora continua"),
        "mejora",
        (
            Entrada(
                _l("Matriz"), "mejora_continua.matriz", seccion=_en("mejora_continua.matriz_excel")
            ),
            Entrada(_l("Programación"), "mejora_continua.programas", seccion=_programacion),
            Entrada(
                _l("Planes de mejora"),
                "mejora_continua.planes",
                seccion=lambda e: e.startswith("mejora_continua.plan_"),
            ),
        ),
    ),
    Grupo(
        _l("Informe"),
        "informe",
        (Entrada(_l("Informe"), "informes.indice", seccion=lambda e: e.startswith("informes.")),),
    ),
    Grupo(
        _l("Catálogo"),
        "catalogo",
        (
            Entrada(
                _l("Catálogo"),
                "catalogo.indice",
                seccion=lambda e: e.startswith("catalogo.") and not _ciclos(e),
            ),
            Entrada(_l("Ciclos"), "catalogo.ciclos", seccion=_ciclos),
        ),
    ),
    Grupo(
        _l("Administración"),
        "administracion",
        (
            Entrada(
                _l("Usuarios"),
                "auth.usuarios",
                _en("auth.nuevo_usuario", "auth.editar_usuario", "auth.tokens_usuario"),
            ),
            Entrada(_l("Correos enviados"), "notificaciones.envios"),
        ),
    ),
)


def _abre(endpoint: str, rol: Rol) -> bool:
    """Whether the view of endpoint lets rol in (its @permitido / @publico declaration)."""
    regla = regla_de(current_app, endpoint)
    return regla == "publico" or (regla is not None and rol in regla)


def menu(rol: Rol, endpoint: str | None) -> list[dict]:
    """Return the groups visible to rol, each with its entries, URLs and current marks."""
    grupos = []
    for grupo in MENU:
        entradas = [
            {"texto": e.texto, "url": url_for(e.endpoint), "actual": e.actual(endpoint)}
            for e in grupo.entradas
            if _abre(e.endpoint, rol)
        ]
        if entradas:
            grupos.append(
                {
                    "texto": grupo.texto,
                    "clave": grupo.clave,
                    "entradas": entradas,
                    "actual": any(e["actual"] for e in entradas),
                }
            )
    return grupos


def puede_abrir(url: str) -> bool:
    """Whether the logged-in user may open url (its view's @permitido): a breadcrumb or link
    to a page that would answer 403 is shown as plain text instead."""
    if not current_user.is_authenticated:
        return True
    ruta = urlsplit(url).path
    if request.script_root and ruta.startswith(request.script_root):
        ruta = ruta[len(request.script_root) :]
    try:
        endpoint, _argumentos = current_app.create_url_adapter(request).match(ruta)
    except HTTPException:
        return True  # not one of ours (or a redirect): left as it is
    return _abre(endpoint, current_user.rol)


def contexto() -> dict:
    """Template context: the menu of the logged-in user and their unread notifications (one
    count per page; nothing for visitors)."""
    if not current_user.is_authenticated:
        return {"menu_principal": [], "avisos_sin_leer": 0}
    return {
        "menu_principal": menu(current_user.rol, request.endpoint),
        "avisos_sin_leer": _sin_leer(),
    }


def _sin_leer() -> int:
    """The header's unread count; 0 when the database can't answer (an error page must still
    render after a failed query)."""
    try:
        return notificaciones_queries.sin_leer(current_user.id)
    except SQLAlchemyError:
        return 0
