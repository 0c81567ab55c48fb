"""Checks of one Anexo 4 cell: errors block saving, unusual values need a comment.

The same rule serves the web grid, the Excel template and the bulk import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from app.catalogo.models import Indicador, TipoValor
from app.comun.calculos import porcentaje_razon
from app.convenios.models import EstadoCelda, Reporte
from app.convenios.queries.anexo4 import ejecutados_anteriores

#: A value outside this range (in %) is plausible only with a comment.
RANGO_PORCENTAJE = (Decimal(0), Decimal(100))
RANGO_VARIACION = (Decimal(-100), Decimal(200))
#: A change of more than this many points from the previous semester needs a comment.
SALTO_MAXIMO = Decimal(50)
#: Hard limits: anything beyond is a typing error, never a result.
LIMITE_ABSOLUTO = Decimal(1000)
#: An executed % given along with the counts may differ from theirs by rounding only.
TOLERANCIA_RAZON = Decimal("0.01")
#: Counts are stored as NUMERIC(14, 2).
LIMITE_CONTEO = Decimal(10) ** 12


def _num(valor: Decimal) -> str:
    """A figure without trailing zeros: 58.00 → "58", 60.50 → "60.5"."""
    return format(valor.normalize(), "f")


@dataclass
class Revision:
    """Result of checking one line: errors block saving, warnings need a comment."""

    errores: dict[str, str] = field(default_factory=dict)
    advertencias: list[str] = field(default_factory=list)
    #: The executed % checked (a ratio IdG's, computed from its counts), shown back with errors
    ejecutado: Decimal | None = None


def revisar_linea(
    indicador: Indicador,
    estado: EstadoCelda,
    programado: Decimal | None,
    ejecutado: Decimal | None,
    ejecutado_anterior: Decimal | None = None,
    *,
    completo: bool = False,
) -> Revision:
    """Check one IdG cell; with completo=True a value cell must carry both figures."""
    revision = Revision(ejecutado=ejecutado)
    if estado is not EstadoCelda.valor:
        if programado is not None or ejecutado is not None:
            revision.errores["estado"] = _(
                "Con el estado «%(etiqueta)s» no se registran valores; déjelos en blanco.",
                etiqueta=estado.etiqueta,
            )
        return revision
    for campo, valor in (("programado", programado), ("ejecutado", ejecutado)):
        if valor is None:
            if completo:
                revision.errores[campo] = _("Indique el valor o cambie el estado de la celda.")
            continue
        if abs(valor) > LIMITE_ABSOLUTO:
            revision.errores[campo] = _(
                "El valor %(cifra)s %% no es admisible (máximo ±1000 %%).", cifra=_num(valor)
            )
        elif valor < 0 and not indicador.admite_negativo:
            revision.errores[campo] = _(
                "El %(etiqueta)s es un porcentaje y no admite valores negativos.",
                etiqueta=indicador.etiqueta,
            )
    if revision.errores:
        return revision
    minimo, maximo = (
        RANGO_PORCENTAJE if indicador.tipo_valor is TipoValor.porcentaje else RANGO_VARIACION
    )
    for nombre, valor in (("programado", programado), ("ejecutado", ejecutado)):
        if valor is not None and not (minimo <= valor <= maximo):
            revision.advertencias.append(
                _(
                    "%(etiqueta)s: %(nombre)s %(cifra)s %% está fuera "
                    "del rango habitual (%(minimo)s %% a %(maximo)s %%).",
                    etiqueta=indicador.etiqueta,
                    nombre=nombre,
                    cifra=_num(valor),
                    minimo=minimo,
                    maximo=maximo,
                )
            )
    if ejecutado is not None and ejecutado_anterior is not None:
        salto = abs(ejecutado - ejecutado_anterior)
        if salto > SALTO_MAXIMO:
            revision.advertencias.append(
                _(
                    "%(etiqueta)s: la ejecución cambia %(cifra)s puntos "
                    "respecto del semestre anterior (%(cifra2)s %%).",
                    etiqueta=indicador.etiqueta,
                    cifra=_num(salto),
                    cifra2=_num(ejecutado_anterior),
                )
            )
    return revision


def revisar_conteos(
    indicador: Indicador,
    estado: EstadoCelda,
    numerador: Decimal | None,
    denominador: Decimal | None,
    ejecutado: Decimal | None,
) -> tuple[Decimal | None, dict[str, str]]:
    """The executed % to store for a cell and the errors of its counts, by field.

    A ratio IdG's executed % is computed from its counts (calculos.porcentaje_razon); an
    executed % given as well must agree with it. Counts belong only to a ratio IdG's cell
    with a value; a ratio IdG's value needs both counts.
    """
    errores: dict[str, str] = {}
    dados = [
        campo
        for campo, valor in (("numerador", numerador), ("denominador", denominador))
        if valor is not None
    ]
    if not indicador.es_razon:
        for campo in dados:
            errores[campo] = _(
                "El %(etiqueta)s no se calcula como razón: deje en blanco el numerador y el "
                "denominador y escriba el ejecutado en porcentaje.",
                etiqueta=indicador.etiqueta,
            )
        return ejecutado, errores
    if estado is not EstadoCelda.valor:
        for campo in dados:
            errores[campo] = _(
                "Con el estado «%(etiqueta)s» no se registran conteos; déjelos en blanco.",
                etiqueta=estado.etiqueta,
            )
        return ejecutado, errores
    if not dados:
        if ejecutado is not None:
            errores["numerador"] = _(
                "El %(etiqueta)s es una razón: indique el numerador y el denominador; el "
                "ejecutado se calcula con ellos.",
                etiqueta=indicador.etiqueta,
            )
        return ejecutado, errores
    for campo in dados:
        if abs(numerador if campo == "numerador" else denominador) >= LIMITE_CONTEO:
            errores[campo] = _("El conteo es demasiado grande (máximo 999 999 999 999.99).")
    if numerador is None:
        errores["numerador"] = _("Indique también el numerador: la razón necesita ambos conteos.")
    elif numerador < 0:
        errores["numerador"] = _("El numerador no puede ser negativo.")
    if denominador is None:
        errores["denominador"] = _(
            "Indique también el denominador: la razón necesita ambos conteos."
        )
    elif denominador <= 0:
        errores["denominador"] = _("El denominador debe ser mayor que cero.")
    if errores:
        return ejecutado, errores
    calculado = porcentaje_razon(numerador, denominador)
    if ejecutado is not None and abs(ejecutado - calculado) > TOLERANCIA_RAZON:
        errores["ejecutado"] = _(
            "El ejecutado indicado (%(indicado)s %%) no coincide con el que resulta de los "
            "conteos (%(numerador)s / %(denominador)s = %(calculado)s %%).",
            indicado=_num(ejecutado),
            numerador=_num(numerador),
            denominador=_num(denominador),
            calculado=_num(calculado),
        )
        return ejecutado, errores
    return calculado, errores


def advertencias(reporte: Reporte) -> dict[int, list[str]]:
    """Warnings of every line, by line id."""
    anteriores = ejecutados_anteriores(reporte)
    return {
        linea.id: revisar_linea(
            linea.indicador,
            linea.estado,
            linea.programado,
            linea.ejecutado,
            anteriores.get(linea.indicador_id),
        ).advertencias
        for linea in reporte.lineas
    }


def diferencia_con_meta(indicador, programado: Decimal | None, meta) -> str | None:
    """Why a programmed value differs from the approved goal in force (None: it doesn't)."""
    if programado is None or programado == meta.valor:
        return None
    return _(
        "El programado del %(etiqueta)s (%(dado)s) no es la meta aprobada vigente "
        "(%(meta)s): la meta no se cambia en el Anexo 4; solicite su reprogramación.",
        etiqueta=indicador.etiqueta,
        dado=programado,
        meta=meta.valor if meta.valor is not None else "—",
    )
