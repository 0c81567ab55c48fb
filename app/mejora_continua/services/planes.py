"""Acciones de Mejora Continua plans: create and edit every part, budget rules, follow-up.

Services take plain data and model objects, never the request; the route commits. Every
change is audited on the plan ("plan_mejora", plan id) so the plan page shows one history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.catalogo.models import normalizar
from app.comun.auditoria import cambios, registrar_evento
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.extensions import db
from app.mejora_continua.models.planes import (
    CENTIMO,
    Alternativa,
    Causa,
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    NivelGobierno,
    PlanMejora,
    Problema,
    ResponsableAccion,
    SeguimientoAccion,
    TipoFila,
)

OBJETO = "plan_mejora"
#: Placeholders the documents print instead of an amount.
MARCADORES_VACIOS = {"", "-", "–", "—", "no se ha determinado"}
_IMPORTE = re.compile(r"^-?(\d{1,3}(?:[ \u00a0]\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_CLASIFICADOR = re.compile(r"^\d+(\.\d+)+$")
_LETRA = re.compile(r"^[a-z]{1,2}$")
_MONEDA = re.compile(r"^[A-Z]{3}$")
#: Two costed activities of one level whose wording is this similar may be one thing budgeted
#: twice (document 002 budgets the CISTPE regulation twice, 6 000.00 each).
UMBRAL_SIMILITUD = 0.6
#: Acronyms spelled out before comparing activities, so "CISTPE" meets its full name.
SIGLAS = {
    "cistpe": "comision intergubernamental sector trabajo promocion empleo",
    "mtpe": "ministerio trabajo promocion empleo",
    "sovio": "servicio orientacion vocacional informacion ocupacional",
    "poi": "plan operativo institucional",
    "pesem": "plan estrategico sectorial multianual",
}
_VACIAS = set(
    "a al ante con de del el en entre la las lo los o para por que se sobre su sus un una y".split()
)


class ErrorPlan(ErrorNegocio):
    """A rule of the plan was broken; the message is shown to the user next to campo."""


# --- Amounts -------------------------------------------------------------------------------


def leer_importe(texto: str | None) -> Decimal | None:
    """Parse an amount as printed ("8 000.00", "6 000.000", "20000.00", "-" = none).

    Thousands may be separated by spaces or commas; the decimal separator is the point.
    Raises ValueError with a Spanish message when the text is not an amount.
    """
    limpio = " ".join((texto or "").replace("\u00a0", " ").split())
    if limpio.lower() in MARCADORES_VACIOS:
        return None
    if not _IMPORTE.match(limpio):
        raise ValueError(_("Escriba un monto con punto decimal, por ejemplo 8000.00 u 8 000.00."))
    try:
        valor = Decimal(limpio.replace(" ", "").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise ValueError(_("Escriba un monto con punto decimal, por ejemplo 8000.00.")) from None
    if abs(valor) >= 10**12:  # the columns are NUMERIC(14, 2); quantize would fail too
        raise ValueError(_("El monto es demasiado grande (máximo 999 999 999 999.99)."))
    redondeado = valor.quantize(CENTIMO)
    if redondeado != valor:
        raise ValueError(_("Use como máximo dos decimales."))
    return redondeado


def _texto(valor: str | None) -> str | None:
    """Strip a text; blank becomes None."""
    valor = (valor or "").strip()
    return valor or None


def _auditar(
    plan: PlanMejora,
    accion: str,
    parte: str,
    *,
    usuario_id: int | None,
    antes: dict[str, Any] | None = None,
    despues: dict[str, Any] | None = None,
    motivo: str | None = None,
) -> None:
    """Record an audit event on the plan for one of its parts."""
    registrar_evento(
        accion,
        OBJETO,
        plan.id,
        usuario_id=usuario_id,
        antes=antes,
        despues={"parte": parte, **(despues or {})},
        motivo=motivo,
    )


def _editar(
    plan: PlanMejora, objeto: Any, datos: dict[str, Any], parte: str, usuario_id: int | None
) -> None:
    """Apply the changes to a part and audit them (nothing when nothing changed)."""
    antes, despues = cambios(objeto, datos)
    if despues:
        db.session.flush()
        _auditar(plan, "editar", parte, usuario_id=usuario_id, antes=antes, despues=despues)


# --- Plan ----------------------------------------------------------------------------------


def validar_plan(datos: dict[str, Any], excluir_id: int | None = None) -> None:
    """Check the plan's required fields and that it is not registered twice."""
    for campo, nombre in (
        ("titulo", _("el título")),
        ("servicio_evaluado", _("el servicio evaluado")),
        ("sector", _("el sector")),
    ):
        if not _texto(datos.get(campo)):
            raise ErrorPlan(_("Indique %(nombre)s.", nombre=nombre), campo)
    repetido = sa.select(PlanMejora.id).where(
        PlanMejora.titulo == datos["titulo"],
        PlanMejora.region_id.is_(None)
        if datos.get("region_id") is None
        else PlanMejora.region_id == datos["region_id"],
        PlanMejora.periodo_evaluado.is_(None)
        if datos.get("periodo_evaluado") is None
        else PlanMejora.periodo_evaluado == datos["periodo_evaluado"],
    )
    if excluir_id:
        repetido = repetido.where(PlanMejora.id != excluir_id)
    if db.session.scalar(repetido):
        raise ErrorPlan(
            _("Ya existe un plan con ese título para el mismo ámbito y periodo evaluado."), "titulo"
        )


def crear_plan(datos: dict[str, Any], *, usuario_id: int | None) -> PlanMejora:
    """Register a new plan (its parts are added afterwards)."""
    validar_plan(datos)
    plan = PlanMejora(**datos)
    db.session.add(plan)
    db.session.flush()
    _auditar(plan, "crear", "plan", usuario_id=usuario_id, despues=datos)
    return plan


def editar_plan(plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> None:
    """Change the plan's heading data."""
    validar_plan(datos, plan.id)
    _editar(plan, plan, datos, "plan", usuario_id)


# --- Problems, causes, alternatives --------------------------------------------------------


def _problema_del_plan(plan: PlanMejora, problema_id: int | None, campo: str) -> Problema:
    """The problem with that id if it belongs to the plan, else a field error."""
    problema = db.session.get(Problema, problema_id) if problema_id else None
    if problema is None or problema.plan_id != plan.id:
        raise ErrorPlan(_("Seleccione un problema de este plan."), campo)
    return problema


def _validar_problema(plan: PlanMejora, datos: dict[str, Any], actual: Problema | None) -> None:
    """Check a problem's number (unique in the plan) and text."""
    if not datos.get("numero") or datos["numero"] < 1:
        raise ErrorPlan(_("El número del problema debe ser 1 o mayor."), "numero")
    if not _texto(datos.get("texto")):
        raise ErrorPlan(_("Escriba el problema."), "texto")
    repetido = sa.select(Problema.id).filter_by(plan_id=plan.id, numero=datos["numero"])
    if actual is not None:
        repetido = repetido.where(Problema.id != actual.id)
    if db.session.scalar(repetido):
        raise ErrorPlan(
            _("Ya existe el problema P%(datos)s en este plan.", datos=datos["numero"]), "numero"
        )


def crear_problema(plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> Problema:
    """Add a problem to the diagnosis."""
    _validar_problema(plan, datos, None)
    problema = Problema(plan=plan, **datos)
    db.session.add(problema)
    db.session.flush()
    _auditar(plan, "crear", f"Problema P{problema.numero}", usuario_id=usuario_id, despues=datos)
    return problema


def editar_problema(
    plan: PlanMejora, problema: Problema, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a problem's number or text."""
    _validar_problema(plan, datos, problema)
    _editar(plan, problema, datos, f"Problema P{problema.numero}", usuario_id)


def _validar_causa(plan: PlanMejora, datos: dict[str, Any], actual: Causa | None) -> None:
    """Check a cause's problem, letter (unique per level) and text."""
    _problema_del_plan(plan, datos.get("problema_id"), "problema_id")
    letra = datos.get("letra") or ""
    if not _LETRA.match(letra):
        raise ErrorPlan(_("La letra debe ser una o dos letras minúsculas (a, b, … )."), "letra")
    if not _texto(datos.get("texto")):
        raise ErrorPlan(_("Escriba la causa."), "texto")
    repetida = sa.select(Causa.id).filter_by(
        problema_id=datos["problema_id"], nivel=datos["nivel"], letra=letra
    )
    if actual is not None:
        repetida = repetida.where(Causa.id != actual.id)
    if db.session.scalar(repetida):
        raise ErrorPlan(
            _(
                "Ese problema ya tiene la causa «%(letra)s» del nivel %(etiqueta)s.",
                letra=letra,
                etiqueta=datos["nivel"].etiqueta,
            ),
            "letra",
        )


def crear_causa(plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> Causa:
    """Add a cause (level MTPE or DRTPE, keyed by letter) to a problem of the plan."""
    _validar_causa(plan, datos, None)
    causa = Causa(**datos)
    db.session.add(causa)
    db.session.flush()
    _auditar(plan, "crear", f"Causa {causa.etiqueta}", usuario_id=usuario_id, despues=datos)
    return causa


def editar_causa(
    plan: PlanMejora, causa: Causa, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a cause."""
    _validar_causa(plan, datos, causa)
    _editar(plan, causa, datos, f"Causa {causa.etiqueta}", usuario_id)


def _validar_alternativa(plan: PlanMejora, datos: dict[str, Any], actual: Alternativa | None):
    """Check an alternative's problem, cause, letter, number and text."""
    problema = _problema_del_plan(plan, datos.get("problema_id"), "problema_id")
    causa = db.session.get(Causa, datos["causa_id"]) if datos.get("causa_id") else None
    if datos.get("causa_id"):
        if causa is None or causa.problema_id != problema.id:
            raise ErrorPlan(_("La causa elegida no pertenece a ese problema."), "causa_id")
        if causa.nivel is not datos["nivel"]:
            raise ErrorPlan(
                _(
                    "La causa elegida es del nivel %(etiqueta)s; "
                    "elija una del nivel %(etiqueta2)s.",
                    etiqueta=causa.nivel.etiqueta,
                    etiqueta2=datos["nivel"].etiqueta,
                ),
                "causa_id",
            )
        if not datos.get("letra"):
            datos["letra"] = causa.letra
    if not _LETRA.match(datos.get("letra") or ""):
        raise ErrorPlan(_("Indique la letra (una o dos minúsculas) o elija la causa."), "letra")
    if not datos.get("numero") or datos["numero"] < 1:
        raise ErrorPlan(_("El número debe ser 1 o mayor."), "numero")
    if not _texto(datos.get("texto")):
        raise ErrorPlan(_("Escriba la alternativa de solución."), "texto")
    if datos.get("texto_priorizado") and not datos.get("priorizada"):
        raise ErrorPlan(
            _("El texto priorizado solo corresponde a una alternativa priorizada."),
            "texto_priorizado",
        )
    repetida = sa.select(Alternativa.id).filter_by(
        problema_id=problema.id, nivel=datos["nivel"], letra=datos["letra"], numero=datos["numero"]
    )
    if actual is not None:
        repetida = repetida.where(Alternativa.id != actual.id)
    if db.session.scalar(repetida):
        raise ErrorPlan(
            _(
                "Ya existe la alternativa %(datos)s.%(datos2)s "
                "del nivel %(etiqueta)s en %(etiqueta2)s.",
                datos=datos["letra"],
                datos2=datos["numero"],
                etiqueta=datos["nivel"].etiqueta,
                etiqueta2=problema.etiqueta,
            ),
            "numero",
        )


def crear_alternativa(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> Alternativa:
    """Add a solution alternative (numbered within its letter) to a problem of the plan."""
    _validar_alternativa(plan, datos, None)
    alternativa = Alternativa(**datos)
    db.session.add(alternativa)
    db.session.flush()
    _auditar(
        plan, "crear", f"Alternativa {alternativa.literal}", usuario_id=usuario_id, despues=datos
    )
    return alternativa


def editar_alternativa(
    plan: PlanMejora, alternativa: Alternativa, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change an alternative (text, prioritised flag, term…)."""
    _validar_alternativa(plan, datos, alternativa)
    _editar(plan, alternativa, datos, f"Alternativa {alternativa.literal}", usuario_id)


# --- Logic matrix and responsible organs ---------------------------------------------------


def _validar_fila(plan: PlanMejora, datos: dict[str, Any]) -> None:
    """Check a logic-matrix row: some text, and problem/organ of this plan."""
    if not (_texto(datos.get("objetivo")) or _texto(datos.get("indicador"))):
        raise ErrorPlan(_("Indique al menos el objetivo o el indicador."), "objetivo")
    if datos.get("problema_id"):
        _problema_del_plan(plan, datos["problema_id"], "problema_id")
    if datos.get("responsable_id"):
        responsable = db.session.get(ResponsableAccion, datos["responsable_id"])
        if responsable is None or responsable.plan_id != plan.id:
            raise ErrorPlan(_("Seleccione un órgano responsable de este plan."), "responsable_id")
    if datos.get("responsable_id") and datos.get("tipo") is not TipoFila.actividad:
        raise ErrorPlan(_("Solo las actividades tienen órgano responsable."), "responsable_id")


def crear_fila(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> FilaMatrizLogica:
    """Add a row to the logic matrix of one level of government."""
    _validar_fila(plan, datos)
    fila = FilaMatrizLogica(plan=plan, **datos)
    db.session.add(fila)
    db.session.flush()
    _auditar(plan, "crear", f"Matriz lógica fila {fila.id}", usuario_id=usuario_id, despues=datos)
    return fila


def editar_fila(
    plan: PlanMejora, fila: FilaMatrizLogica, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a logic-matrix row."""
    _validar_fila(plan, datos)
    if fila.seguimientos and datos.get("tipo") is not TipoFila.actividad:
        raise ErrorPlan(
            _("La acción tiene seguimiento registrado; no puede dejar de ser una actividad."),
            "tipo",
        )
    _editar(plan, fila, datos, f"Matriz lógica fila {fila.id}", usuario_id)


def _validar_responsable(datos: dict[str, Any]) -> None:
    """Check that the organ is named."""
    if not _texto(datos.get("organo")):
        raise ErrorPlan(_("Indique el órgano responsable."), "organo")


def crear_responsable(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> ResponsableAccion:
    """Add a responsible organ (implementation or follow-up) to the plan."""
    _validar_responsable(datos)
    responsable = ResponsableAccion(plan=plan, **datos)
    db.session.add(responsable)
    db.session.flush()
    _auditar(
        plan, "crear", f"Responsable {responsable.organo}", usuario_id=usuario_id, despues=datos
    )
    return responsable


def editar_responsable(
    plan: PlanMejora,
    responsable: ResponsableAccion,
    datos: dict[str, Any],
    *,
    usuario_id: int | None,
) -> None:
    """Change a responsible organ."""
    _validar_responsable(datos)
    _editar(plan, responsable, datos, f"Responsable {responsable.organo}", usuario_id)


# --- Budget --------------------------------------------------------------------------------


@dataclass
class Duplicado:
    """Two activities of one level that look like the same thing budgeted twice."""

    primera: LineaPresupuesto
    segunda: LineaPresupuesto
    similitud: float

    @property
    def mensaje(self) -> str:
        """Warning shown to the user."""
        return _(
            "Posible actividad duplicada en el presupuesto "
            "(%(etiqueta)s): «%(recorte)s» y «%(recorte2)s» "
            "parecen la misma actividad presupuestada dos veces. Revise si se suma dos veces.",
            etiqueta=self.primera.nivel.etiqueta,
            recorte=_recorte(self.primera.actividad),
            recorte2=_recorte(self.segunda.actividad),
        )


def _recorte(texto: str, largo: int = 90) -> str:
    """Shorten a text for a message, with an ellipsis."""
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def raices(texto: str) -> set[str]:
    """Significant word stems of an activity (accents, case and acronyms evened out)."""
    palabras = re.sub(r"[^a-z0-9]+", " ", normalizar(texto)).split()
    expandidas = " ".join(SIGLAS.get(p, p) for p in palabras).split()
    return {p[:6] for p in expandidas if p not in _VACIAS and len(p) > 2}


def similitud(a: str, b: str) -> float:
    """Jaccard similarity of the two activities' word stems (0 to 1)."""
    ra, rb = raices(a), raices(b)
    if not ra or not rb:
        return 0.0
    return len(ra & rb) / len(ra | rb)


def _parecidas(actividad: str, tiene_costo: bool, otra: LineaPresupuesto) -> tuple[bool, float]:
    """Same wording, or both costed and similar enough."""
    if normalizar(actividad) == normalizar(otra.actividad):
        return True, 1.0
    if not (tiene_costo and otra.tiene_costo):
        return False, 0.0
    valor = similitud(actividad, otra.actividad)
    return valor >= UMBRAL_SIMILITUD, valor


def posibles_duplicados(lineas: Iterable[LineaPresupuesto]) -> list[Duplicado]:
    """Pairs of activities (same level) that may be one activity budgeted twice."""
    principales = [linea for linea in lineas if linea.padre_id is None and linea.nivel]
    encontrados = []
    for i, primera in enumerate(principales):
        for segunda in principales[i + 1 :]:
            if primera.nivel is not segunda.nivel:
                continue
            duplicada, valor = _parecidas(primera.actividad, primera.tiene_costo, segunda)
            if duplicada:
                encontrados.append(Duplicado(primera, segunda, valor))
    return encontrados


def advertencias_presupuesto(plan: PlanMejora) -> list[str]:
    """Warnings over the whole budget: duplicates and printed totals that don't add up."""
    avisos = [d.mensaje for d in posibles_duplicados(plan.lineas)]
    monedas = sorted({linea.moneda for linea in plan.lineas})
    if len(monedas) > 1:
        avisos.append(
            _(
                "El presupuesto mezcla monedas (%(join)s): los "
                "totales no son comparables hasta unificarlas.",
                join=", ".join(monedas),
            )
        )
    for linea in plan.lineas_principales:
        if linea.hijos and linea.total_declarado is not None:
            if linea.total_declarado != linea.total:
                avisos.append(
                    _(
                        "El total escrito de «%(recorte)s» (%(total_declarado)s) no "
                        "coincide con la suma de sus líneas de costo (%(total)s).",
                        recorte=_recorte(linea.actividad),
                        total_declarado=format(linea.total_declarado, ",.2f"),
                        total=format(linea.total, ",.2f"),
                    )
                )
    return avisos


def _validar_linea(
    plan: PlanMejora, datos: dict[str, Any], actual: LineaPresupuesto | None
) -> list[str]:
    """Check a budget line; raise ErrorPlan on an error, return the warnings."""
    datos["actividad"] = _texto(datos.get("actividad"))
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
    codigo = _texto(datos.get("especificacion_gasto"))
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
        duplicada, _valor = _parecidas(datos["actividad"], tiene_costo, otra)
        if duplicada:
            avisos.append(
                _(
                    "Posible actividad duplicada: «%(recorte)s» ya está en el "
                    "presupuesto del %(etiqueta)s. Revise que no se sume dos veces.",
                    recorte=_recorte(otra.actividad),
                    etiqueta=otra.nivel.etiqueta,
                )
            )
    return avisos


def crear_linea(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> tuple[LineaPresupuesto, list[str]]:
    """Add a budget line (activity or cost line); returns the line and the warnings."""
    avisos = _validar_linea(plan, datos, None)
    linea = LineaPresupuesto(plan=plan, **datos)
    db.session.add(linea)
    db.session.flush()
    _auditar(plan, "crear", f"Presupuesto línea {linea.id}", usuario_id=usuario_id, despues=datos)
    return linea, avisos


def editar_linea(
    plan: PlanMejora, linea: LineaPresupuesto, datos: dict[str, Any], *, usuario_id: int | None
) -> list[str]:
    """Change a budget line; returns the warnings (e.g. a possible duplicate)."""
    avisos = _validar_linea(plan, datos, linea)
    _editar(plan, linea, datos, f"Presupuesto línea {linea.id}", usuario_id)
    return avisos


# --- Deleting parts ------------------------------------------------------------------------


def eliminar(plan: PlanMejora, objeto: Any, parte: str, *, usuario_id: int | None) -> None:
    """Delete one part of the plan, refusing when other parts still depend on it."""
    if isinstance(objeto, Problema) and (objeto.causas or objeto.alternativas):
        raise ErrorPlan(_("Elimine primero las causas y alternativas de este problema."))
    if isinstance(objeto, Causa) and db.session.scalar(
        sa.select(Alternativa.id).filter_by(causa_id=objeto.id).limit(1)
    ):
        raise ErrorPlan(_("Hay alternativas que responden a esta causa; elimínelas o reasígnelas."))
    if isinstance(objeto, FilaMatrizLogica) and objeto.seguimientos:
        raise ErrorPlan(_("La acción tiene seguimiento registrado; no se puede eliminar."))
    if isinstance(objeto, LineaPresupuesto) and objeto.hijos:
        raise ErrorPlan(_("Elimine primero las líneas de costo de esta actividad."))
    if isinstance(objeto, ResponsableAccion) and db.session.scalar(
        sa.select(FilaMatrizLogica.id).filter_by(responsable_id=objeto.id).limit(1)
    ):
        raise ErrorPlan(_("Hay acciones a cargo de este órgano; asígnelas a otro primero."))
    db.session.delete(objeto)
    db.session.flush()
    _auditar(plan, "eliminar", parte, usuario_id=usuario_id)


# --- Follow-up -----------------------------------------------------------------------------


def puede_seguir(fila: FilaMatrizLogica, usuario: Usuario) -> bool:
    """ODES follows up every action; a drtpe user the regional actions of its region's plan."""
    if fila.tipo is not TipoFila.actividad:
        return False
    if usuario.rol is Rol.odes:
        return True
    return (
        usuario.rol is Rol.drtpe
        and fila.plan.region_id is not None
        and fila.plan.region_id == usuario.region_id
        and fila.nivel is NivelGobierno.regional
    )


def registrar_seguimiento(
    fila: FilaMatrizLogica, datos: dict[str, Any], *, usuario: Usuario, hoy: date
) -> SeguimientoAccion:
    """Record the follow-up state of an action (append-only; the latest record counts)."""
    if not puede_seguir(fila, usuario):
        raise ErrorPlan(_("Su cuenta no puede registrar el seguimiento de esta acción."))
    fecha = datos.get("fecha")
    if fecha is None:
        raise ErrorPlan(_("Indique la fecha."), "fecha")
    if fecha > hoy:
        raise ErrorPlan(_("La fecha no puede ser posterior a hoy."), "fecha")
    nota = _texto(datos.get("nota"))
    if datos["estado"] is EstadoSeguimiento.no_implementada and not nota:
        raise ErrorPlan(_("Explique en la nota por qué la acción no se implementó."), "nota")
    anterior = fila.estado
    registro = SeguimientoAccion(
        fila=fila, estado=datos["estado"], fecha=fecha, nota=nota, usuario_id=usuario.id
    )
    db.session.add(registro)
    db.session.flush()
    db.session.expire(fila, ["seguimientos"])
    _auditar(
        fila.plan,
        "seguimiento",
        f"Acción {fila.id}: {_recorte(fila.objetivo or fila.indicador or '', 60)}",
        usuario_id=usuario.id,
        antes={"estado": anterior.etiqueta},
        despues={"estado": datos["estado"].etiqueta, "fecha": fecha},
        motivo=nota,
    )
    return registro
