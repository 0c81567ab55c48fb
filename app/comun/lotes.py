"""The one way to write many loaded rows of one table by primary key in a fixed number of
statements, keeping the session's objects as the database now has them.

On PostgreSQL it is one `UPDATE … FROM unnest(…)` per set of columns: one array per column,
whatever the number of rows. The unit of work sends one statement per row, and one per object
when the table has a version counter (SQLAlchemy can't check versions in a batch); PostgreSQL
ran each apart: about two seconds for a municipal semester (21,540 cells, 1,795 reports).
On SQLite (in process, where a statement is cheap) rows are written with the same statement
shape one by one, so the version check counts each row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db


def actualizar_en_lote(modelo: type, cambios: Sequence[tuple[Any, dict[str, Any]]]) -> None:
    """Write each (object, {column: value}) of `modelo`, a table with no version counter, by
    its primary key (and its update timestamps); every dict has the same columns. The objects
    then hold the new values as committed (nothing left to flush)."""
    if not cambios:
        return
    mapper = sa.inspect(modelo)
    if mapper.version_id_col is not None:
        raise ValueError(f"{modelo.__name__} tiene versión: use guardar_en_lote.")
    _escribir(mapper, [(objeto, dict(valores)) for objeto, valores in cambios])


def guardar_en_lote(objetos: Iterable[Any]) -> None:
    """Write the pending column changes of many loaded objects of one model as the unit of work
    would (its version check and increment, its update timestamps), in one statement per set of
    changed columns; raise StaleDataError when another transaction changed one of them."""
    por_columnas: dict[tuple[Any, tuple[str, ...]], list[tuple[Any, dict[str, Any]]]] = {}
    for objeto in objetos:
        estado = sa.inspect(objeto)
        if not estado.persistent:
            raise ValueError(f"{objeto!r} no está guardado: se inserta con la sesión.")
        # Attribute keys are the column names in this code base (set_committed_value below).
        valores = {
            propiedad.key: estado.attrs[propiedad.key].value
            for propiedad in estado.mapper.column_attrs
            if estado.attrs[propiedad.key].history.has_changes()
        }
        if valores:
            clave = (estado.mapper, tuple(sorted(valores)))
            por_columnas.setdefault(clave, []).append((objeto, valores))
    for (mapper, _columnas), cambios in por_columnas.items():
        _escribir(mapper, cambios)


def _escribir(mapper: Any, cambios: list[tuple[Any, dict[str, Any]]]) -> None:
    """One UPDATE of `cambios` (all with the same columns) by primary key, with the table's
    update timestamps, checking and raising the version when the table has one; then the
    objects' committed state."""
    tabla = mapper.local_table
    clave = mapper.primary_key[0]
    version = mapper.version_id_col
    for columna in tabla.columns:
        # Update timestamps (onupdate=ahora), as a flush sets them; one time per batch.
        if columna.onupdate is not None and columna.key not in cambios[0][1]:
            if not columna.onupdate.is_callable:
                raise ValueError(f"{columna}: solo se admiten valores calculados en Python.")
            ahora = columna.onupdate.arg(None)
            for _objeto, valores in cambios:
                valores[columna.key] = ahora
    filas = []
    for objeto, valores in cambios:
        fila = {f"v_{clave.key}": sa.inspect(objeto).identity[0]}
        if version is not None:
            actual = sa.inspect(objeto).attrs[version.key].loaded_value
            valores[version.key] = mapper.version_id_generator(actual)
            fila["v_version_actual"] = actual
        fila |= {f"v_{nombre}": valor for nombre, valor in valores.items()}
        filas.append(fila)
    columnas = list(cambios[0][1])
    if db.session.get_bind().dialect.name == "postgresql":
        tipos = {f"v_{clave.key}": clave.type} | {f"v_{c}": tabla.c[c].type for c in columnas}
        if version is not None:
            tipos["v_version_actual"] = version.type
        arrays = [
            sa.bindparam(nombre, [f[nombre] for f in filas], type_=postgresql.ARRAY(tipo))
            for nombre, tipo in tipos.items()
        ]
        lote = sa.func.unnest(*arrays).table_valued(*tipos).render_derived()
        condicion = tabla.c[clave.key] == lote.c[f"v_{clave.key}"]
        if version is not None:
            condicion &= tabla.c[version.key] == lote.c.v_version_actual
        # No autoflush: it would first write these very objects one by one.
        with db.session.no_autoflush:
            resultado = db.session.execute(
                sa.update(tabla).where(condicion).values({c: lote.c[f"v_{c}"] for c in columnas})
            )
        escritas = resultado.rowcount
    else:
        condicion = tabla.c[clave.key] == sa.bindparam(f"v_{clave.key}")
        if version is not None:
            condicion &= tabla.c[version.key] == sa.bindparam("v_version_actual")
        sentencia = (
            sa.update(tabla).where(condicion).values({c: sa.bindparam(f"v_{c}") for c in columnas})
        )
        with db.session.no_autoflush:
            escritas = sum(db.session.execute(sentencia, fila).rowcount for fila in filas)
    if version is not None and escritas != len(filas):
        raise StaleDataError(
            f"{tabla.name}: {len(filas) - escritas} de {len(filas)} filas cambiaron en otra "
            "transacción."
        )
    for objeto, valores in cambios:
        for nombre, valor in valores.items():
            set_committed_value(objeto, nombre, valor)
