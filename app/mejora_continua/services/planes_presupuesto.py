"""The budget of an AMC plan and the follow-up of its actions.

Amounts as the documents print them, the rules of a budget line (unit × quantity, cost lines
under an activity, the clasificador de gasto) with a warning when a line may duplicate
another, and the append-only follow-up of each logic-matrix activity. The caller commits.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from app.auth.models import Usuario
from app.comun import numeros
from app.extensions import db
from app.mejora_continua.acceso import puede_seguir_accion
from app.mejora_continua.models.planes import (
    CENTIMO,
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    PlanMejora,
    SeguimientoAccion,
)
from app.mejora_continua.queries.planes import parecidas, recorte
from app.mejora_continua.services.planes import (
    ErrorPlan,
    auditar,
    editar_parte,
    exigir_editable,
    texto_limpio,
)

#: Placeholders the documents print instead of an amount.
MARCADORES_VACIOS = {"", "-", "–", "—", "no se ha determinado"}
_CLASIFICADOR = re.compile(r"^\d+(\.\d+)+$")
_MONEDA = re.compile(r"^[A-Z]{3}$")


# --- Amounts and budget lines --------------------------------------------------------------


def leer_importe(texto: str | None) -> Decimal | None:
    """Parse an amount as printed or typed ("8 000.00", "6 000.000", "8,000.00", "8000,50",
    "-" = none), by the one rule for amounts (app/comun/numeros.py, leer_importe).

    Raises ValueError with a Spanish message when the text is not an amount.
    """
    limpio = " ".join((texto or "").replace("\u00a0", " ").split())
    if limpio.lower() in MARCADORES_VACIOS:
        return None
    try:
        valor = numeros.leer_importe(limpio)
    except numeros.NoEsNumero:
        raise ValueError(_("Escriba un monto, por ejemplo 8000,50, 8000.50 u 8 000.50.")) from None
    if abs(valor) >= 10**12:  # the columns are NUMERIC(14, 2); quantize would fail too
        raise ValueError(_("El monto es demasiado grande (máximo 999 999 999 999.99)."))
    redondeado = valor.quantize(CENTIMO)
    if redondeado != valor:
        raise ValueError(_("Use como máximo dos decimales."))
    return redondeado


def _validar_linea(
    plan: PlanMejora, datos: dict[str, Any], actual: LineaPresupuesto | None
) -> list[str]:
    """Check a budget line; raise ErrorPlan on an error, return the warnings."""
    datos["actividad"] = texto_limpio(datos.get("actividad"))
    if not datos["actividad"]:
        raise ErrorPlan(_("Escriba la actividad o el concepto de costo."), "actividad")
    for campo, nombre in (
        ("costo_unitario", _("El costo unitario")),
        ("cantidad", _("La cantidad")),
        ("total_declarado", _("El total")),
    ):
        if datos.get(campo) is not None and datos[campo] < 0:
            raise ErrorPlan(_("%(nombre)s no puede ser negativo.", nombre=nombre), campo)
    costo, cantidad, total = (
        datos.get("costo_unitario"),
        datos.get("cantidad"),
        datos.get("total_declarado"),
    )
    if datos.get("no_determinado") and any(v is not None for v in (costo, cantidad, total)):
        raise ErrorPlan(
            _("Una línea «No se ha determinado» no lleva costo, cantidad ni total."),
            "no_determinado",
        )
    if cantidad is not None:
        if costo is None:
            raise ErrorPlan(
                _("Indique el costo unitario para calcular el total."), "costo_unitario"
            )
        calculado = (costo * cantidad).quantize(CENTIMO)
        if total is not None and total != calculado:
            raise ErrorPlan(
                _(
                    "El total debe ser costo unitario × cantidad = "
                    "%(calculado)s; deje el total en blanco y se calculará solo.",
                    calculado=format(calculado, ",.2f"),
                ),
                "total_declarado",
            )
        datos["total_declarado"] = None
    elif costo is not None and total is None:
        raise ErrorPlan(
            _("Indique la cantidad (el total será costo unitario × cantidad) o el total."),
            "cantidad",
        )
    codigo = texto_limpio(datos.get("especificacion_gasto"))
    if codigo in ("-", "–", "—"):
        codigo = None
    if codigo and not _CLASIFICADOR.match(codigo):
        raise ErrorPlan(
            _("Use el código del clasificador de gasto, por ejemplo 2.3.2.7.2.99."),
            "especificacion_gasto",
        )
    datos["especificacion_gasto"] = codigo
    datos["moneda"] = (datos.get("moneda") or "PEN").strip().upper()
    if not _MONEDA.match(datos["moneda"]):
        raise ErrorPlan(_("La moneda es un código de tres letras, por ejemplo PEN."), "moneda")

    padre = None
    if datos.get("padre_id"):
        padre = db.session.get(LineaPresupuesto, datos["padre_id"])
        if padre is None or padre.plan_id != plan.id or padre.padre_id is not None:
            raise ErrorPlan(_("Seleccione una actividad de este presupuesto."), "padre_id")
        if actual is not None and padre.id == actual.id:
            raise ErrorPlan(_("Una línea no puede ser línea de costo de sí misma."), "padre_id")
        if actual is not None and actual.hijos:
            raise ErrorPlan(
                _("Esta actividad tiene líneas de costo; no puede pasar a ser una de ellas."),
                "padre_id",
            )
        if padre.cantidad is not None:
            raise ErrorPlan(
                _(
                    "Esa actividad ya tiene cantidad y costo "
                    "propios; sus líneas de costo no se sumarían."
                ),
                "padre_id",
            )
        if datos.get("nivel") not in (None, padre.nivel):
            raise ErrorPlan(
                _(
                    "Una línea de costo toma el nivel de su actividad (%(etiqueta)s).",
                    etiqueta=padre.nivel.etiqueta,
                ),
                "nivel",
            )
        datos["nivel"] = None
    else:
        datos["padre_id"] = None
        if datos.get("nivel") is None:
            raise ErrorPlan(_("Indique el nivel de gobierno de la actividad."), "nivel")
    if actual is not None and actual.hijos and cantidad is not None:
        raise ErrorPlan(
            _(
                "Esta actividad tiene líneas de costo: su total "
                "es la suma de ellas; no indique cantidad."
            ),
            "cantidad",
        )

    if padre is not None:
        return []
    tiene_costo = cantidad is not None or total is not None or bool(actual and actual.hijos)
    avisos = []
    for otra in plan.lineas_principales:
        if actual is not None and otra.id == actual.id:
            continue
        if otra.nivel is not datos["nivel"]:
            continue
        duplicada, _valor = parecidas(datos["actividad"], tiene_costo, otra)
        if duplicada:
            avisos.append(
                _(
                    "Posible actividad duplicada: «%(recorte)s» ya está en el "
                    "presupuesto del %(etiqueta)s. Revise que no se sume dos veces.",
                    recorte=recorte(otra.actividad),
                    etiqueta=otra.nivel.etiqueta,
                )
            )
    return avisos


def crear_linea(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> tuple[LineaPresupuesto, list[str]]:
    """Add a budget line (activity or cost line); returns the line and the warnings."""
    exigir_editable(plan)
    avisos = _validar_linea(plan, datos, None)
    linea = LineaPresupuesto(plan=plan, **datos)
    db.session.add(linea)
    db.session.flush()
    auditar(plan, "crear", f"Presupuesto línea {linea.id}", usuario_id=usuario_id, despues=datos)
    return linea, avisos


def editar_linea(
    plan: PlanMejora, linea: LineaPresupuesto, datos: dict[str, Any], *, usuario_id: int | None
) -> list[str]:
    """Change a budget line; returns the warnings (e.g. a possible duplicate)."""
    exigir_editable(plan)
    avisos = _validar_linea(plan, datos, linea)
    editar_parte(plan, linea, datos, f"Presupuesto línea {linea.id}", usuario_id)
    return avisos


# --- Follow-up -----------------------------------------------------------------------------


def registrar_seguimiento(
    fila: FilaMatrizLogica, datos: dict[str, Any], *, usuario: Usuario, hoy: date
) -> SeguimientoAccion:
    """Record the follow-up state of an action (append-only; the latest record counts)."""
    if not puede_seguir_accion(fila, usuario):
        raise ErrorPlan(_("Su cuenta no puede registrar el seguimiento de esta acción."))
    fecha = datos.get("fecha")
    if fecha is None:
        raise ErrorPlan(_("Indique la fecha."), "fecha")
    if fecha > hoy:
        raise ErrorPlan(_("La fecha no puede ser posterior a hoy."), "fecha")
    nota = texto_limpio(datos.get("nota"))
    if datos["estado"] is EstadoSeguimiento.no_implementada and not nota:
        raise ErrorPlan(_("Explique en la nota por qué la acción no se implementó."), "nota")
    anterior = fila.estado
    registro = SeguimientoAccion(
        fila=fila, estado=datos["estado"], fecha=fecha, nota=nota, usuario_id=usuario.id
    )
    db.session.add(registro)
    db.session.flush()
    db.session.expire(fila, ["seguimientos"])
    auditar(
        fila.plan,
        "seguimiento",
        f"Acción {fila.id}: {recorte(fila.objetivo or fila.indicador or '', 60)}",
        usuario_id=usuario.id,
        antes={"estado": anterior.etiqueta},
        despues={"estado": datos["estado"].etiqueta, "fecha": fecha},
        motivo=nota,
    )
    return registro
