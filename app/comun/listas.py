"""Shared list behaviour: read search/filters/page from the query string and paginate.

Every list view declares its filters once as ``Campo`` objects, reads them with ``leer`` and
pages its query with ``paginar`` (or ``paginar_lista`` for rows already computed in memory).
The templates render them with the macros of ``partials/listas.html``: the filter bar, the
"N resultados" line, the empty state and the pagination links (which keep the filters).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db

#: Name of the query-string parameter that carries the page number.
PARAMETRO_PAGINA = "page"


@dataclass
class Campo:
    """One filter of a list: a text search (no options) or a select (with options)."""

    nombre: str
    etiqueta: Any
    opciones: Sequence[tuple[Any, Any]] | None = None
    todos: Any = field(default_factory=lambda: _l("Todos"))
    marcador: Any = ""
    #: A filter that always has a value (e.g. the period); it does not count as "active".
    fijo: bool = False

    @property
    def es_busqueda(self) -> bool:
        """True when the field is a free-text search box."""
        return self.opciones is None


class Filtros:
    """The filter values of one request, the page number and the helpers the templates use."""

    def __init__(
        self, campos: Sequence[Campo], valores: dict[str, str], pagina: int, por_pagina: int
    ):
        self.campos = list(campos)
        self.valores = valores
        self.pagina = pagina
        self.por_pagina = por_pagina

    def __getitem__(self, nombre: str) -> str:
        return self.valores.get(nombre, "")

    def get(self, nombre: str, defecto: str = "") -> str:
        """Return the raw value of a filter (empty string when absent)."""
        return self.valores.get(nombre) or defecto

    def entero(self, nombre: str) -> int | None:
        """Return the value of a filter as an int, or None when empty, not a number or too big."""
        texto = self.valores.get(nombre, "").strip()
        # isdecimal, not isdigit: "²" is a digit that int() refuses. No id or year needs more
        # than 2**31 - 1, and SQLite cannot even compare a larger integer.
        if not texto.isdecimal() or int(texto) > 2**31 - 1:
            return None
        return int(texto)

    def fijar(self, nombre: str, valor: Any) -> None:
        """Set the effective value of a filter (e.g. a default period) so the form shows it."""
        self.valores[nombre] = "" if valor is None else str(valor)

    @property
    def q(self) -> str:
        """The text searched for, if any."""
        return self.valores.get("q", "")

    @property
    def activos(self) -> bool:
        """True when the user narrowed the list (any non-fixed filter has a value)."""
        return any(self.valores.get(c.nombre) for c in self.campos if not c.fijo)

    def url(self, **cambios: Any) -> str:
        """URL of the current page with its filters, replacing the given parameters."""
        args = dict(request.view_args or {})
        args.update(request.args.to_dict())
        args.update(cambios)
        args = {k: v for k, v in args.items() if v not in (None, "")}
        return url_for(request.endpoint, **args)

    def url_sin_filtros(self) -> str:
        """URL of the current page without any removable filter (fixed ones are kept)."""
        args = dict(request.view_args or {})
        for campo in self.campos:
            if campo.fijo and self.valores.get(campo.nombre):
                args[campo.nombre] = self.valores[campo.nombre]
        return url_for(request.endpoint, **args)


def leer(*campos: Campo, por_pagina: int = 25) -> Filtros:
    """Read the declared filters and the page number from request.args."""
    valores = {}
    for campo in campos:
        valor = (request.args.get(campo.nombre) or "").strip()[:200]
        if campo.opciones is not None and valor:
            permitidos = {str(v) for v, _ in campo.opciones}
            if valor not in permitidos:
                valor = ""
        valores[campo.nombre] = valor
    pagina = request.args.get(PARAMETRO_PAGINA, type=int) or 1
    return Filtros(campos, valores, max(pagina, 1), por_pagina)


def leer_con_periodo(periodo, periodos: Sequence, *campos: Campo, por_pagina: int = 30) -> Filtros:
    """Read a semester list's filters; the semester selector comes first as a fixed filter."""
    filtros = leer(
        Campo("periodo", _l("Periodo"), [(p.codigo, p.nombre) for p in periodos], fijo=True),
        *campos,
        por_pagina=por_pagina,
    )
    filtros.fijar("periodo", periodo.codigo)
    return filtros


def patron(texto: str) -> str:
    """Turn a search text into an ILIKE pattern with the wildcards escaped."""
    escapado = texto.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escapado}%"


def paginar(consulta, filtros: Filtros):
    """Page a SELECT in the database (COUNT + LIMIT/OFFSET) with the request's page number."""
    pagina = db.paginate(
        consulta, page=filtros.pagina, per_page=filtros.por_pagina, error_out=False, count=True
    )
    if not pagina.items and pagina.total and filtros.pagina > pagina.pages:
        # A page past the end (an old link after the list shrank): show the last one.
        pagina = db.paginate(
            consulta, page=pagina.pages, per_page=filtros.por_pagina, error_out=False, count=True
        )
    return pagina


@dataclass
class PaginaLista:
    """A page of rows already in memory, with the same attributes as Flask-SQLAlchemy's."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        """True when there is a previous page."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when there is a next page."""
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        """Number of the previous page."""
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        """Number of the next page."""
        return self.page + 1 if self.has_next else None


def paginar_lista(filas: Sequence, filtros: Filtros) -> PaginaLista:
    """Page a short list computed in memory (e.g. the 26 regions of a calculation)."""
    filas = list(filas)
    pagina = min(filtros.pagina, max(ceil(len(filas) / filtros.por_pagina), 1))
    inicio = (pagina - 1) * filtros.por_pagina
    return PaginaLista(
        filas[inicio : inicio + filtros.por_pagina], pagina, filtros.por_pagina, len(filas)
    )


def coincide(texto: str, *valores: Any) -> bool:
    """Case- and accent-insensitive containment test for in-memory filtering."""
    if not texto:
        return True
    buscado = _normalizar(texto)
    return any(buscado in _normalizar(str(v or "")) for v in valores)


def _normalizar(texto: str) -> str:
    sin_tildes = unicodedata.normalize("NFKD", texto)
    return "".join(c for c in sin_tildes if not unicodedata.combining(c)).casefold()
