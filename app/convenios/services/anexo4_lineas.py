"""Checks of one Anexo 4 cell: errors block saving, unusual values need a comment.

The same rule serves the web grid, the Excel template and the bulk import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from app.catalogo.models import Indicador, TipoValor
from app.convenios.models import EstadoCelda, Reporte
from app.convenios.queries.anexo4 import ejecutados_anteriores

#: A value outside this range (in %) is plausible only with a comment.
RANGO_PORCENTAJE = (Decimal(0), Decimal(100))
RANGO_VARIACION = (Decimal(-100), Decimal(200))
#: A change of more than this many points from the previous semester needs a comment.
SALTO_MAXIMO = Decimal(50)
#: Hard limits: anything beyond is a typing error, never a result.
LIMITE_ABSOLUTO = Decimal(1000)


def _num(valor: Decimal) -> str:
    """A figure without trailing zeros: 58.00 → "58", 60.50 → "60.5"."""
    return format(valor.normalize(), "f")


@dataclass
class Revision:
    """Result of checking one line: errors block saving, warnings need a comment."""

    errores: dict[str, str] = field(default_factory=dict)
    advertencias: list[str] = field(default_factory=list)


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
    revision = Revision()
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
