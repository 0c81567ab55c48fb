"""The rows of the cycle files, common to the three kinds: their headers, the reading of one
row (every error by row and column) and what a row changes.

Each kind has its own file with a `revisar_*` (formats and catalogue look-ups; nothing written)
and an `aplicar_*` (the services the forms use, row by row; a rule they refuse is the row's
error): services.ciclo_importacion_indicadores, _convenios and _periodos.
services.ciclo_importacion runs both stages and decides what is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import ConjuntoIndicadores
from app.convenios.services.importacion_filas import ErrorFila
from app.extensions import db

#: The header of each kind of file (docs/formato-ciclo.md), in the documented order.
COLUMNAS: dict[str, tuple[str, ...]] = {
    "indicadores": (
        "ciclo",
        "numero",
        "nombre",
        "unidad_proponente",
        "oes",
        "funcion",
        "servicio",
        "tipo",
        "sentido",
        "numerador",
        "denominador",
        "requiere_evidencia",
    ),
    "convenios": ("region", "ciclo", "fecha_suscripcion", "estado", "documento"),
    "periodos": ("anio", "semestre", "vence_anexo4", "vence_anexo5"),
}
#: Longest texts, as the forms allow them (the convenio's document is a 200-character column).
MAX_TEXTO = 1000
MAX_DOCUMENTO = 200

ENTERO = re.compile(r"[0-9]+")
_CICLO = re.compile(r"([0-9]{4}) *[-–] *([0-9]{4})")
# A spreadsheet's date cell is read as "AAAA-MM-DD 00:00:00".
_FECHA = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: 00:00:00)?")


@dataclass(frozen=True)
class Cambio:
    """What one row creates or changes (or leaves as it was)."""

    fila: int
    #: "crear", "actualizar" or "sin_cambios"
    accion: str
    objeto: str
    #: The file's columns whose stored value changes (an update)
    columnas: tuple[str, ...] = ()

    @property
    def etiqueta(self) -> str:
        """The action in words."""
        return {
            "crear": _("Crear"),
            "actualizar": _("Actualizar"),
            "sin_cambios": _("Sin cambios"),
        }[self.accion]


@dataclass
class Revisada:
    """A row whose every column was read: its key in the file and the data for the service."""

    fila: int
    clave: tuple
    datos: dict[str, Any]
    texto: str = ""


@dataclass
class Contexto:
    """Who writes, and the day the services judge dates against."""

    usuario_id: int | None
    hoy: date
    motivo: str | None = None
    cambios: list[Cambio] = field(default_factory=list)


class Fila:
    """One row while it is read: its trimmed values, and its errors added to the file's."""

    def __init__(self, numero: int, valores: dict[str, str], errores: list[ErrorFila]):
        self.numero = numero
        self.valores = {c: (v or "").strip() for c, v in valores.items()}
        self.errores = errores
        self._antes = len(errores)

    def __getitem__(self, columna: str) -> str:
        return self.valores.get(columna, "")

    def error(self, columna: str, mensaje: str) -> None:
        """Record an error in one column of this row."""
        self.errores.append(ErrorFila(self.numero, columna, mensaje))

    @property
    def valida(self) -> bool:
        """Whether no column of this row had an error."""
        return len(self.errores) == self._antes

    def ciclo(self) -> tuple[int, int] | None:
        """The cycle's (first year, last year), written as 2022-2023."""
        encontrado = _CICLO.fullmatch(self["ciclo"])
        if encontrado:
            return int(encontrado[1]), int(encontrado[2])
        formato = _("escriba sus años como AAAA-AAAA (por ejemplo 2022-2023)")
        if self["ciclo"]:
            self.error(
                "ciclo",
                _("«%(valor)s» no es un ciclo: %(formato)s.", valor=self["ciclo"], formato=formato),
            )
        else:
            self.error("ciclo", _("Indique el ciclo: %(formato)s.", formato=formato))
        return None

    def entero(self, columna: str, minimo: int, maximo: int) -> int | None:
        """A whole number between minimo and maximo."""
        texto = self[columna]
        if ENTERO.fullmatch(texto) and minimo <= int(texto) <= maximo:
            return int(texto)
        self.error(
            columna,
            _(
                "Debe ser un número entero entre %(minimo)s y %(maximo)s (se leyó «%(valor)s»).",
                minimo=minimo,
                maximo=maximo,
                valor=texto,
            ),
        )
        return None

    def fecha(self, columna: str) -> date | None:
        """A date written AAAA-MM-DD (empty: None)."""
        texto = self[columna]
        if not texto:
            return None
        encontrado = _FECHA.fullmatch(texto)
        try:
            if encontrado:
                return date(int(encontrado[1]), int(encontrado[2]), int(encontrado[3]))
        except ValueError:
            pass
        self.error(
            columna,
            _("«%(valor)s» no es una fecha válida: escríbala como AAAA-MM-DD.", valor=texto),
        )
        return None

    def opcion(self, columna: str, opciones: dict[str, Any], validos: str) -> Any:
        """The value of a required column that takes one of a few words (case ignored)."""
        valor = opciones.get(self[columna].lower())
        if valor is None and self[columna]:
            self.error(
                columna,
                _(
                    "«%(valor)s» no es válido: use %(validos)s.",
                    valor=self[columna],
                    validos=validos,
                ),
            )
        elif valor is None:
            self.error(columna, _("Falta este dato: use %(validos)s.", validos=validos))
        return valor

    def referencia(self, columna: str, registros: dict[str, Any], mensaje: str) -> Any:
        """The catalogue entry an optional column names (its id), or None when empty."""
        if not self[columna]:
            return None
        valor = registros.get(self[columna].lower())
        if valor is None:
            self.error(columna, mensaje)
        return valor

    def texto(self, columna: str, maximo: int) -> str | None:
        """A free text (empty: None), refused when longer than maximo."""
        if len(self[columna]) > maximo:
            self.error(
                columna,
                _("El texto tiene más de %(maximo)s caracteres.", maximo=maximo),
            )
        return self[columna] or None


def una_de(valores: list[str]) -> str:
    """The accepted words of a column, e.g. "ascendente o descendente"."""
    if len(valores) == 1:
        return valores[0]
    return _("%(lista)s o %(ultimo)s", lista=", ".join(valores[:-1]), ultimo=valores[-1])


def filas_con_datos(filas: list[dict[str, str]], errores: list[ErrorFila]) -> Iterator[Fila]:
    """The non-blank rows, numbered as the spreadsheet shows them (the header is row 1)."""
    for indice, valores in enumerate(filas):
        if any((v or "").strip() for v in valores.values()):
            yield Fila(indice + 2, valores, errores)


def repetida(fila: Fila, vistas: dict[tuple, int], clave: tuple, columna: str, mensaje: str):
    """Refuse a row whose key an earlier row of the file already has; True when refused."""
    if clave in vistas:
        fila.error(
            columna, _("%(cosa)s ya figura en la fila %(fila)s.", cosa=mensaje, fila=vistas[clave])
        )
        return True
    vistas[clave] = fila.numero
    return False


def ciclos_registrados() -> dict[tuple[int, int], ConjuntoIndicadores]:
    """The registered cycles by (first year, last year)."""
    return {
        (c.anio_inicio, c.anio_fin): c for c in db.session.scalars(sa.select(ConjuntoIndicadores))
    }


def columnas_de(mapa: dict[str, str], campos: list[str]) -> tuple[str, ...]:
    """The file's columns behind the changed fields, each once, in the file's order."""
    return tuple(dict.fromkeys(mapa[c] for c in campos if c in mapa))
