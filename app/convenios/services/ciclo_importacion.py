"""Loading an agreement cycle from files: its IdG set, its convenios, its semesters and the
goals approved for each convenio-year.

Four formats (docs/formato-ciclo.md; headers in services.ciclo_importacion_filas and, for the
goals, ciclo_importacion_metas; the rows of each kind in ciclo_importacion_indicadores,
_convenios, _periodos and _metas), each a CSV or XLSX
read with the Anexo 4 bulk import's readers (services.importacion_lectura) and applied
all-or-nothing. Every row is first read and checked by column; the rows that pass are then
tried through the services the forms use, inside a savepoint that is always undone, so their
rules (and only theirs) decide. A file with no error, unless it is a dry run, is then written
for real by the same services, which audit each change. Nothing commits: the caller commits (or
rolls back) the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

from app.convenios.services import (
    ciclo_importacion_convenios,
    ciclo_importacion_indicadores,
    ciclo_importacion_metas,
    ciclo_importacion_periodos,
)
from app.convenios.services.ciclo_importacion_filas import COLUMNAS as COLUMNAS_CICLO
from app.convenios.services.ciclo_importacion_filas import Cambio, Contexto, Revisada
from app.convenios.services.importacion_filas import ErrorFila

# The Anexo 4 import's own readers: the same decoding, limits and messages for every bulk file.
from app.convenios.services.importacion_lectura import (
    ErrorImportacion,
    leer_tabla,
    problemas_de_cabecera,
)
from app.extensions import db

__all__ = ["COLUMNAS", "TIPOS", "Cambio", "ErrorImportacion", "Resultado", "importar", "leer"]

#: The header of each kind of file, the approved goals last (they need the other three).
COLUMNAS: dict[str, tuple[str, ...]] = {
    **COLUMNAS_CICLO,
    "metas": ciclo_importacion_metas.COLUMNAS_METAS,
}
TIPOS = tuple(COLUMNAS)
#: Most data rows in one cycle file (a cycle has tens of IdG, regions and semesters; each row
#: runs the services twice).
MAX_FILAS_CICLO = 2_000
#: A goals file has a row per region × IdG × year × (annual, I, II): 25 regions with 13 IdG
#: over two years are already 1 950 rows. Its services run once per convenio-year.
MAX_FILAS = {"metas": 20_000}

_REVISAR: dict[str, Callable[[list[dict[str, str]], list[ErrorFila]], list[Revisada]]] = {
    "indicadores": ciclo_importacion_indicadores.revisar_indicadores,
    "convenios": ciclo_importacion_convenios.revisar_convenios,
    "periodos": ciclo_importacion_periodos.revisar_periodos,
    "metas": ciclo_importacion_metas.revisar_metas,
}
_APLICAR: dict[str, Callable[[list[Revisada], list[ErrorFila], Contexto], None]] = {
    "indicadores": ciclo_importacion_indicadores.aplicar_indicadores,
    "convenios": ciclo_importacion_convenios.aplicar_convenios,
    "periodos": ciclo_importacion_periodos.aplicar_periodos,
    "metas": ciclo_importacion_metas.aplicar_metas,
}


def nombre_tipo(tipo: str) -> str:
    """The kind of file in words, e.g. "indicadores (IdG) de un ciclo"."""
    return {
        "indicadores": _("indicadores (IdG) de un ciclo"),
        "convenios": _("convenios"),
        "periodos": _("periodos (semestres)"),
        "metas": _("metas aprobadas"),
    }[tipo]


@dataclass
class Resultado:
    """What a file holds: its errors by row and column, or what it creates and changes."""

    tipo: str
    simulacion: bool
    errores: list[ErrorFila] = field(default_factory=list)
    cambios: list[Cambio] = field(default_factory=list)
    #: Written (the caller commits); False for a dry run or a file with errors
    aplicado: bool = False

    @property
    def valido(self) -> bool:
        """True when the file can be imported."""
        return not self.errores

    def cuantos(self, accion: str) -> int:
        """How many rows (and cycles) the file creates, updates or leaves unchanged."""
        return sum(1 for c in self.cambios if c.accion == accion)

    @property
    def resumen(self) -> str:
        """The outcome in one Spanish sentence (the web page and the CLI)."""
        if self.errores:
            return ngettext(
                "El archivo tiene %(num)s error: no se guardó nada.",
                "El archivo tiene %(num)s errores: no se guardó nada.",
                len(self.errores),
            )
        cifras = {
            "crear": self.cuantos("crear"),
            "actualizar": self.cuantos("actualizar"),
            "igual": self.cuantos("sin_cambios"),
        }
        if self.simulacion:
            return _(
                "Simulación: el archivo es válido y no se guardó nada. Se crearían: %(crear)s; "
                "se actualizarían: %(actualizar)s; quedarían sin cambios: %(igual)s.",
                **cifras,
            )
        return _(
            "Importación completada. Registros creados: %(crear)s; actualizados: "
            "%(actualizar)s; sin cambios: %(igual)s.",
            **cifras,
        )


def leer(tipo: str, nombre: str, contenido: bytes) -> list[dict[str, str]]:
    """Read a CSV (UTF-8, comma) or XLSX (first sheet) file of one kind into a dict per row.

    Blank rows are kept (list index + 2 is the spreadsheet's row number); trailing ones are not.
    """
    return leer_tabla(
        nombre,
        contenido,
        lambda cabecera: _validar_cabecera(tipo, cabecera),
        maximo=MAX_FILAS.get(tipo, MAX_FILAS_CICLO),
        mensaje_maximo=lambda maximo: _(
            "El archivo tiene más de %(maximo)s filas de datos; un ciclo no tiene tantas. "
            "Revise que sea el archivo correcto o divídalo.",
            maximo=f"{maximo:,}".replace(",", " "),
        ),
    )


def _validar_cabecera(tipo: str, cabecera: list[str]) -> None:
    """Refuse a header that is not exactly the kind's columns (in any order)."""
    columnas = COLUMNAS[tipo]
    problemas = problemas_de_cabecera(cabecera, columnas)
    if not problemas:
        return
    mensaje = _(
        "La cabecera no corresponde al archivo de %(tipo)s: %(problemas)s. Debe ser: %(columnas)s.",
        tipo=nombre_tipo(tipo),
        problemas="; ".join(problemas),
        columnas=",".join(columnas),
    )
    otro = next((t for t, cs in COLUMNAS.items() if t != tipo and set(cs) == set(cabecera)), None)
    if otro:
        mensaje += " " + _(
            "Es la cabecera del archivo de %(tipo)s: elija ese tipo de archivo.",
            tipo=nombre_tipo(otro),
        )
    raise ErrorImportacion(mensaje)


def importar(
    tipo: str,
    nombre: str,
    contenido: bytes,
    *,
    usuario_id: int | None,
    hoy: date,
    simular: bool = False,
) -> Resultado:
    """Check a whole cycle file and, when it has no error and is not a dry run, write it.

    Raises ErrorImportacion when the file itself can't be read (format, header, size). The
    result lists every error by row and column, or every row's change; with `aplicado` the
    caller commits, otherwise it rolls back (a dry run has written nothing that stays).
    """
    if tipo not in COLUMNAS:
        raise ErrorImportacion(_("Tipo de archivo desconocido."))
    filas = leer(tipo, nombre, contenido)
    resultado = Resultado(tipo=tipo, simulacion=simular)
    revisadas = _REVISAR[tipo](filas, resultado.errores)
    if not revisadas and not resultado.errores:
        resultado.errores.append(ErrorFila(1, "", _("El archivo no tiene filas de datos.")))
    motivo = f"Importación del archivo {Path(nombre).name}"
    contexto = Contexto(usuario_id=usuario_id, hoy=hoy, motivo=motivo)
    if revisadas:
        # The services' rules on every row that was read, in the order of writing, inside a
        # savepoint that is always undone: a row's refusal is reported with the others.
        with db.session.begin_nested() as punto:
            _APLICAR[tipo](revisadas, resultado.errores, contexto)
            punto.rollback()
    resultado.errores.sort(key=lambda e: e.fila)
    if resultado.errores:
        return resultado
    resultado.cambios = contexto.cambios
    if simular:
        return resultado
    contexto = Contexto(usuario_id=usuario_id, hoy=hoy, motivo=motivo)
    errores: list[ErrorFila] = []
    _APLICAR[tipo](revisadas, errores, contexto)
    if errores:  # the same rows passed a moment ago: another change came in between
        raise ErrorImportacion(
            _(
                "Los datos cambiaron durante la importación; no se guardó nada: %(error)s",
                error=errores[0],
            )
        )
    resultado.cambios = contexto.cambios
    resultado.aplicado = True
    return resultado
