"""Shared list behaviour: read search/filters/page from the query string and paginate.

Every list view declares its filters once as ``Campo`` objects, reads them with ``leer`` and
pages its query with ``paginar`` (or ``paginar_lista`` for rows already computed in memory;
``paginar_contando`` and ``paginar_filas`` for long lists, ``primeros`` for the first few names
and their count, ``contiene`` for an accent-insensitive search in SQL).
The templates render them with the macros of ``partials/listas.html``: the filter bar, the
"N resultados" line, the empty state and the pagination links (which keep the filters).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import lazy_gettext as _l

from app.extensions import db

#: Name of the query-string parameter that carries the page number.
PARAMETRO_PAGINA = "page"

#: How many names a page lists inline (e.g. the regions that have not reported) before it links
#: to the full, paged list instead: the whole 26-region catalogue still fits.
MUESTRA = 30


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
        return entero(self.valores.get(nombre, ""))

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


def entero(texto: str | None) -> int | None:
    """A query-string value as an id: None when empty, not a number or too big."""
    texto = (texto or "").strip()
    # isdecimal, not isdigit: "²" is a digit that int() refuses. No id or year needs more
    # than 2**31 - 1, and SQLite cannot even compare a larger integer.
    if not texto.isdecimal() or int(texto) > 2**31 - 1:
        return None
    return int(texto)


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


def contiene(columna, texto: str) -> sa.ColumnElement[bool]:
    """SQL condition: the column contains the text, ignoring case and accents (as ``coincide``).

    A regular expression that offers every accented form of each letter ("martin" →
    "m[aá…]rt[ií…]n"): PostgreSQL matches it without rewriting each row (``translate`` on
    1,800 names costs more than the rest of the page) and SQLite through SQLAlchemy's
    ``regexp`` function. "(?i)" is the case-insensitive flag of both dialects' syntax.
    """
    partes = []
    for letra in _normalizar(texto):
        if letra in _VARIANTES:
            partes.append(f"[{letra}{letra.upper()}{_VARIANTES[letra]}]")
        elif letra.isalnum() or letra == " ":
            partes.append(letra)
        else:
            # Punctuation only: a backslash before a letter or digit is a class escape.
            partes.append("\\" + letra)
    return columna.regexp_match("(?i)" + "".join(partes))


def _variantes() -> dict[str, str]:
    """For each ASCII letter, the Latin-1 letters that strip to it (á, Á, ñ, Ñ, ü…)."""
    variantes: dict[str, str] = {}
    for codigo in range(0xC0, 0x100):
        letra = chr(codigo)
        base = _normalizar(letra)
        if len(base) == 1 and base.isascii() and base.isalpha() and letra.lower() != base:
            variantes[base] = variantes.get(base, "") + letra
    return variantes


def primeros(consulta: sa.Select, limite: int | None = None) -> tuple[list, int]:
    """The first rows of a SELECT (MUESTRA by default) and how many there are in all, in one
    statement."""
    contada = consulta.add_columns(sa.func.count().over())
    filas = db.session.execute(contada.limit(limite or MUESTRA)).all()
    return [fila[0] for fila in filas], (filas[0][-1] if filas else 0)


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


def paginar_contando(consulta: sa.Select, filtros: Filtros, *, clave=None) -> PaginaLista:
    """Page a SELECT of one entity or column in the database in one statement: the page's rows
    carry the total (``count(*) OVER ()``) instead of a separate COUNT. Only a page past the
    end (an old link after the list shrank) costs a COUNT more, to show the last one.

    With ``clave`` (the entity's primary key) the list is ordered and counted on that column
    alone and the page's objects read after by it: sorting a few thousand narrow rows, not wide
    ones joined to their relations.
    """
    if clave is not None:
        claves = paginar_contando(consulta.with_only_columns(clave), filtros)
        objetos = list(db.session.scalars(consulta.where(clave.in_(claves.items))))
        return PaginaLista(objetos, claves.page, claves.per_page, claves.total)
    return _paginar_con_total(consulta, filtros, lambda fila: fila[0])


def paginar_filas(
    consulta: sa.Select, filtros: Filtros, *, total: int | None = None
) -> PaginaLista:
    """Page a SELECT of plain rows (several columns, no objects) in the database: a COUNT, which
    skips computing the columns (a window count would compute and sort every row's), unless
    the caller already knows the ``total``, and one page of rows."""
    if total is None:
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(consulta.order_by(None).subquery())
        )
    pagina = min(filtros.pagina, max(ceil(total / filtros.por_pagina), 1))
    filas = db.session.execute(
        consulta.limit(filtros.por_pagina).offset((pagina - 1) * filtros.por_pagina)
    ).all()
    return PaginaLista(list(filas), pagina, filtros.por_pagina, total)


def _paginar_con_total(consulta: sa.Select, filtros: Filtros, elemento) -> PaginaLista:
    """One page of a SELECT and its total from ``count(*) OVER ()`` (a COUNT only for a page
    past the end); ``elemento`` turns a row into an item."""
    por_pagina = filtros.por_pagina
    contada = consulta.add_columns(sa.func.count().over())
    filas = db.session.execute(
        contada.limit(por_pagina).offset((filtros.pagina - 1) * por_pagina)
    ).all()
    if filas:
        return PaginaLista([elemento(f) for f in filas], filtros.pagina, por_pagina, filas[0][-1])
    if filtros.pagina == 1:
        return PaginaLista([], 1, por_pagina, 0)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(consulta.order_by(None).subquery())
    )
    if not total:
        return PaginaLista([], 1, por_pagina, 0)
    ultima = ceil(total / por_pagina)
    filas = db.session.execute(contada.limit(por_pagina).offset((ultima - 1) * por_pagina)).all()
    return PaginaLista([elemento(f) for f in filas], ultima, por_pagina, total)


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


#: The accented forms of each letter, for ``contiene``.
_VARIANTES = _variantes()
