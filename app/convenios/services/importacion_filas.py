"""Checks of each row of a bulk file: every error by row and column, the row resolved.

A row is one region × IdG × year × semester cell; its figures go through the same rules as the
form (services.anexo4_lineas.revisar_linea, and revisar_conteos for a ratio IdG's counts).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from app.catalogo.models import Indicador, Region
from app.comun.numeros import NoEsNumero, NumeroAmbiguo, decimales_escritos, leer_numero
from app.convenios.models import Convenio, EstadoCelda, LineaReporte, Periodo
from app.convenios.queries.importacion import COLUMNAS, OPCIONALES, ORIGENES, Catalogo
from app.convenios.queries.periodos import SEMESTRES
from app.convenios.services.anexo4_lineas import (
    diferencia_con_meta,
    revisar_conteos,
    revisar_linea,
)

_ENTERO = re.compile(r"^\d+$")
_FECHA = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTEOS = ("numerador", "denominador")

#: A cell of the file: (region id, IdG number, year, semester).
Clave = tuple[int, int, int, int]


@dataclass(frozen=True)
class ErrorFila:
    """A problem in one cell of the file (fila = spreadsheet row number, header = 1)."""

    fila: int
    columna: str
    mensaje: str

    def __str__(self) -> str:
        lugar = (
            _("fila %(fila)s, columna %(columna)s", fila=self.fila, columna=self.columna)
            if self.columna
            else f"fila {self.fila}"
        )
        return f"{lugar}: {self.mensaje}"


@dataclass
class FilaValida:
    """A row that passed every check, resolved to model objects."""

    fila: int
    region: Region
    convenio: Convenio
    indicador: Indicador
    anio: int
    semestre: int
    estado: EstadoCelda
    programado: Decimal | None
    ejecutado: Decimal | None
    reconstruido: bool
    #: Figures a `valor` cell leaves empty: accepted only when its whole report is unchanged
    #: (an exported draft), since importing approves every report it changes
    faltan: tuple[str, ...] = ()
    #: A ratio IdG's counts (ejecutado is then computed from them)
    numerador: Decimal | None = None
    denominador: Decimal | None = None
    #: The day the region sent this report (sets Reporte.enviado_en)
    fecha_envio: date | None = None


def _decimal(texto: str, columna: str, errores: list[ErrorFila], fila: int) -> Decimal | None:
    """Parse a percentage or count typed with a decimal point or comma, by the forms' rule
    (app.comun.numeros: "60,5" and "60.5" alike, spaces between thousands); a thousands comma
    or point that could be a decimal one ("1,200") is refused, never guessed. Record an error
    and return None."""
    if not texto:
        return None
    if texto.endswith("%"):
        mensaje = _("«%(texto)s»: escriba solo el número, sin el signo %%.", texto=texto)
    else:
        try:
            numero = leer_numero(texto)
        except NumeroAmbiguo:
            mensaje = _(
                "«%(texto)s» es ambiguo: la coma o el punto puede separar los miles o los "
                "decimales. Escriba el número sin separador de miles (por ejemplo 1200 o "
                "1200.5).",
                texto=texto,
            )
        except NoEsNumero:
            mensaje = _("«%(texto)s» no es un número (por ejemplo 60, 60.5 o 60,5).", texto=texto)
        else:
            # Typed decimals, not the value's: "1.200" (maybe a thousands point) is refused.
            if decimales_escritos(texto) <= 2:
                return numero
            mensaje = _("«%(texto)s» tiene más de dos decimales.", texto=texto)
    errores.append(ErrorFila(fila, columna, mensaje))
    return None


def _fecha(texto: str, errores: list[ErrorFila], fila: int) -> date | None:
    """Parse fecha_envio (AAAA-MM-DD); record an error and return None."""
    if not texto:
        return None
    try:
        if not _FECHA.match(texto):
            raise ValueError
        return date.fromisoformat(texto)
    except ValueError:
        errores.append(
            ErrorFila(
                fila,
                "fecha_envio",
                _(
                    "«%(texto)s» no es una fecha válida: escríbala como AAAA-MM-DD "
                    "(por ejemplo 2022-07-20).",
                    texto=texto,
                ),
            )
        )
        return None


@functools.cache
def _inicio_semestre(anio: int, semestre: int) -> date:
    """The semester's first day, as Periodo.inicio gives it (the period may not exist yet)."""
    return Periodo(anio=anio, semestre=semestre).inicio


def revisar_fila(
    numero: int,
    datos: dict[str, str],
    catalogo: Catalogo,
    errores: list[ErrorFila],
    hoy: date | None = None,
) -> tuple[FilaValida | None, Clave | None, list[str]]:
    """Check one row; append its errors (hoy: the Lima date a fecha_envio can't be after).

    Returns the row resolved (None when it has errors), its key region × IdG × year ×
    semester (None when the key itself can't be read), so duplicates are found either way,
    and the warnings of its figures.
    """
    antes = len(errores)

    def error(columna: str, mensaje: str) -> None:
        """Record an error of this row."""
        errores.append(ErrorFila(numero, columna, mensaje))

    valor = {c: (datos.get(c) or "").strip() for c in COLUMNAS + OPCIONALES}

    region = None
    if not valor["region"]:
        error("region", "Indique la región.")
    else:
        region = catalogo.region(valor["region"])
        if region is None:
            error("region", f"No se reconoce la región «{valor['region']}».")

    idg = None
    if not _ENTERO.match(valor["idg"]):
        error("idg", f"El IdG debe ser un número entero (se leyó «{valor['idg']}»).")
    else:
        idg = int(valor["idg"])

    anio = None
    if not _ENTERO.match(valor["anio"]) or not 2000 <= int(valor["anio"]) <= 2100:
        error("anio", f"El año debe ser un número entre 2000 y 2100 (se leyó «{valor['anio']}»).")
    else:
        anio = int(valor["anio"])

    semestre = SEMESTRES.get(valor["semestre"].lower())
    if semestre is None:
        error("semestre", f"El semestre debe ser 1 o 2 (I o II); se leyó «{valor['semestre']}».")

    estado = None
    try:
        estado = EstadoCelda(valor["estado"].lower())
    except ValueError:
        error(
            "estado",
            f"Estado «{valor['estado']}» no válido: use valor, no_aplica, sin_meta o no_remitido.",
        )

    if valor["origen"] and valor["origen"].lower() not in ORIGENES:
        error("origen", f"Origen «{valor['origen']}» no válido: use publicado o reconstruido.")

    programado = _decimal(valor["programado"], "programado", errores, numero)
    ejecutado = _decimal(valor["ejecutado"], "ejecutado", errores, numero)
    # Their size and meaning are checked with the IdG known (revisar_conteos).
    numerador = _decimal(valor["numerador"], "numerador", errores, numero)
    denominador = _decimal(valor["denominador"], "denominador", errores, numero)
    fecha_envio = _fecha(valor["fecha_envio"], errores, numero)
    if fecha_envio is not None and hoy is not None and fecha_envio > hoy:
        error(
            "fecha_envio",
            _("La fecha de envío %(fecha)s está en el futuro.", fecha=valor["fecha_envio"]),
        )
    if fecha_envio is not None and anio is not None and semestre is not None:
        inicio = _inicio_semestre(anio, semestre)
        if fecha_envio < inicio:
            error(
                "fecha_envio",
                _(
                    "La fecha de envío %(fecha)s es anterior al inicio del semestre "
                    "(%(inicio)s): el Anexo 4 se envía durante o después del semestre.",
                    fecha=valor["fecha_envio"],
                    inicio=inicio.isoformat(),
                ),
            )
    faltan: tuple[str, ...] = ()
    posicion = len(errores)
    if estado is EstadoCelda.valor:
        # Judged once the stored report is known (_exigir_cifras): an unchanged report, such as
        # an exported draft, may keep its empty cells.
        faltan = tuple(c for c in ("programado", "ejecutado") if not valor[c])
    elif estado is not None:
        for columna in ("programado", "ejecutado"):
            if valor[columna]:
                error(
                    columna,
                    f"Con el estado «{estado.value}» ({estado.etiqueta}) deje vacíos "
                    "programado y ejecutado.",
                )

    convenio = indicador = None
    if region is not None and anio is not None:
        convenio = catalogo.convenio(region.id, anio)
        if convenio is None or not convenio.esta_suscrito:
            error(
                "region", f"{region.nombre} no tiene un convenio suscrito que cubra el año {anio}."
            )
            convenio = None
        elif convenio.conjunto_id is None:
            error("idg", f"El convenio {convenio.periodo} de {region.nombre} no tiene indicadores.")
        elif idg is not None:
            indicador = catalogo.indicadores(convenio.conjunto_id).get(idg)
            if indicador is None:
                error(
                    "idg",
                    f"El IdG {idg} no forma parte de los indicadores del convenio "
                    f"{convenio.periodo} de {region.nombre}.",
                )

    ilegibles = (valor["numerador"] and numerador is None) or (
        valor["denominador"] and denominador is None
    )
    if indicador is not None and estado is not None and not ilegibles:
        # A ratio IdG's executed % comes from its counts; counts belong to nothing else.
        ejecutado, errores_conteo = revisar_conteos(
            indicador, estado, numerador, denominador, ejecutado
        )
        for columna, mensaje in errores_conteo.items():
            error(columna, mensaje)
    if indicador is not None and indicador.es_razon and estado is EstadoCelda.valor:
        # Its missing figure is the counts (an executed % without them is refused above).
        sin_cifra = not any(valor[c] for c in ("ejecutado", *CONTEOS))
        faltan = tuple(c for c in faltan if c != "ejecutado") + (CONTEOS if sin_cifra else ())

    if convenio is not None and indicador is not None and semestre is not None:
        # With the year's goals approved, the programmed value must be the goal in force.
        meta = catalogo.metas(convenio.id, anio, semestre).get(indicador.id)
        diferencia = meta and diferencia_con_meta(indicador, programado, meta)
        if diferencia:
            error("programado", diferencia)

    avisos: list[str] = []
    if indicador is not None and estado is EstadoCelda.valor:
        # Negative or absurd values: the same rule as the form (its warnings don't block).
        revision = revisar_linea(indicador, estado, programado, ejecutado)
        for columna, mensaje in revision.errores.items():
            error(columna, mensaje)
        avisos = revision.advertencias

    clave = None
    if region is not None and idg is not None and anio is not None and semestre is not None:
        clave = (region.id, idg, anio, semestre)
    if len(errores) > antes:
        # The row is refused anyway: its empty figures are listed too, in their place.
        errores[posicion:posicion] = [ErrorFila(numero, c, falta_cifra(c)) for c in faltan]
        return None, clave, []
    fila = FilaValida(
        fila=numero,
        region=region,
        convenio=convenio,
        indicador=indicador,
        anio=anio,
        semestre=semestre,
        estado=estado,
        programado=programado,
        ejecutado=ejecutado,
        reconstruido=valor["origen"].lower() == "reconstruido",
        faltan=faltan,
        numerador=numerador,
        denominador=denominador,
        fecha_envio=fecha_envio,
    )
    return fila, clave, avisos


def falta_cifra(columna: str) -> str:
    """The error of a `valor` cell without its programmed or executed figure (or count)."""
    if columna in CONTEOS:
        return _(
            "Con el estado «valor» indique el %(columna)s (conteo): el IdG es una razón y su "
            "ejecutado se calcula con el numerador y el denominador.",
            columna=columna,
        )
    return f"Con el estado «valor» indique el {columna} (porcentaje)."


def mismo_contenido(linea: LineaReporte | None, fila: FilaValida) -> bool:
    """Whether the stored line already holds exactly the row's cell."""
    return (
        linea is not None
        and linea.estado is fila.estado
        and linea.programado == fila.programado
        and linea.ejecutado == fila.ejecutado
        and linea.numerador == fila.numerador
        and linea.denominador == fila.denominador
        and linea.reconstruido == fila.reconstruido
    )
