"""Acciones de Mejora Continua plans: create and edit the plan document and delete its parts.

The heading, the diagnosis (problems, causes, alternatives), the logic matrix and the
responsible organs; the budget and the follow-up of the actions are in
services.planes_presupuesto. Services take plain data and model objects, never the request;
the route commits. Every change is audited on the plan ("plan_mejora", plan id) so the plan
page shows one history. An approved plan is read-only (`exigir_editable`) until ODES reopens it
(services.planes_flujo: its prose sections and review workflow).
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.comun.auditoria import cambios, registrar_evento
from app.comun.errores import ErrorNegocio
from app.comun.flujo import EstadoReporte
from app.extensions import db
from app.mejora_continua.models.planes import (
    Alternativa,
    Causa,
    FilaMatrizLogica,
    LineaPresupuesto,
    PlanMejora,
    Problema,
    ResponsableAccion,
    TipoFila,
)

OBJETO = "plan_mejora"
_LETRA = re.compile(r"^[a-z]{1,2}$")


class ErrorPlan(ErrorNegocio):
    """A rule of the plan was broken; the message is shown to the user next to campo."""


# --- Shared by the services of every part ---------------------------------------------------


def texto_limpio(valor: str | None) -> str | None:
    """Strip a text; blank becomes None."""
    valor = (valor or "").strip()
    return valor or None


def auditar(
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


def exigir_editable(plan: PlanMejora) -> None:
    """Refuse any change to an approved plan (read-only until ODES reopens it)."""
    if plan.estado is EstadoReporte.aprobado:
        raise ErrorPlan(
            _(
                "El plan está aprobado y no se puede modificar. "
                "La ODES puede reabrirlo indicando el motivo."
            )
        )


def editar_parte(
    plan: PlanMejora, objeto: Any, datos: dict[str, Any], parte: str, usuario_id: int | None
) -> None:
    """Apply the changes to a part and audit them (nothing when nothing changed)."""
    antes, despues = cambios(objeto, datos)
    if despues:
        db.session.flush()
        auditar(plan, "editar", parte, usuario_id=usuario_id, antes=antes, despues=despues)


# --- Plan ----------------------------------------------------------------------------------


def validar_plan(datos: dict[str, Any], excluir_id: int | None = None) -> None:
    """Check the plan's required fields and that it is not registered twice."""
    for campo, nombre in (
        ("titulo", _("el título")),
        ("servicio_evaluado", _("el servicio evaluado")),
        ("sector", _("el sector")),
    ):
        if not texto_limpio(datos.get(campo)):
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
    auditar(plan, "crear", "plan", usuario_id=usuario_id, despues=datos)
    return plan


def editar_plan(plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> None:
    """Change the plan's heading data."""
    exigir_editable(plan)
    validar_plan(datos, plan.id)
    editar_parte(plan, plan, datos, "plan", usuario_id)


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
    if not texto_limpio(datos.get("texto")):
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
    exigir_editable(plan)
    _validar_problema(plan, datos, None)
    problema = Problema(plan=plan, **datos)
    db.session.add(problema)
    db.session.flush()
    auditar(plan, "crear", f"Problema P{problema.numero}", usuario_id=usuario_id, despues=datos)
    return problema


def editar_problema(
    plan: PlanMejora, problema: Problema, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a problem's number or text."""
    exigir_editable(plan)
    _validar_problema(plan, datos, problema)
    editar_parte(plan, problema, datos, f"Problema P{problema.numero}", usuario_id)


def _validar_causa(plan: PlanMejora, datos: dict[str, Any], actual: Causa | None) -> None:
    """Check a cause's problem, letter (unique per level) and text."""
    _problema_del_plan(plan, datos.get("problema_id"), "problema_id")
    letra = datos.get("letra") or ""
    if not _LETRA.match(letra):
        raise ErrorPlan(_("La letra debe ser una o dos letras minúsculas (a, b, … )."), "letra")
    if not texto_limpio(datos.get("texto")):
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
    exigir_editable(plan)
    _validar_causa(plan, datos, None)
    causa = Causa(**datos)
    db.session.add(causa)
    db.session.flush()
    auditar(plan, "crear", f"Causa {causa.etiqueta}", usuario_id=usuario_id, despues=datos)
    return causa


def editar_causa(
    plan: PlanMejora, causa: Causa, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a cause."""
    exigir_editable(plan)
    _validar_causa(plan, datos, causa)
    editar_parte(plan, causa, datos, f"Causa {causa.etiqueta}", usuario_id)


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
    if not texto_limpio(datos.get("texto")):
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
    exigir_editable(plan)
    _validar_alternativa(plan, datos, None)
    alternativa = Alternativa(**datos)
    db.session.add(alternativa)
    db.session.flush()
    auditar(
        plan, "crear", f"Alternativa {alternativa.literal}", usuario_id=usuario_id, despues=datos
    )
    return alternativa


def editar_alternativa(
    plan: PlanMejora, alternativa: Alternativa, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change an alternative (text, prioritised flag, term…)."""
    exigir_editable(plan)
    _validar_alternativa(plan, datos, alternativa)
    editar_parte(plan, alternativa, datos, f"Alternativa {alternativa.literal}", usuario_id)


# --- Logic matrix and responsible organs ---------------------------------------------------


def _validar_fila(plan: PlanMejora, datos: dict[str, Any]) -> None:
    """Check a logic-matrix row: some text, and problem/organ of this plan."""
    if not (texto_limpio(datos.get("objetivo")) or texto_limpio(datos.get("indicador"))):
        raise ErrorPlan(_("Indique al menos el objetivo o el indicador."), "objetivo")
    if datos.get("problema_id"):
        _problema_del_plan(plan, datos["problema_id"], "problema_id")
    if datos.get("responsable_id"):
        responsable = db.session.get(ResponsableAccion, datos["responsable_id"])
        if responsable is None or responsable.plan_id != plan.id:
            raise ErrorPlan(_("Seleccione un órgano responsable de este plan."), "responsable_id")
    if datos.get("responsable_id") and datos.get("tipo") is not TipoFila.actividad:
        raise ErrorPlan(_("Solo las actividades tienen órgano responsable."), "responsable_id")
    if datos.get("capacitacion") and datos.get("tipo") is not TipoFila.actividad:
        raise ErrorPlan(_("Solo las actividades pueden ser acciones de capacitación."), "tipo")
    inicio, fin = datos.get("mes_inicio"), datos.get("mes_fin")
    if fin and not inicio:
        raise ErrorPlan(_("Indique también el mes de inicio."), "mes_inicio")
    if inicio and fin and fin < inicio:
        raise ErrorPlan(_("El mes de término no puede ser anterior al de inicio."), "mes_fin")


def crear_fila(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> FilaMatrizLogica:
    """Add a row to the logic matrix of one level of government."""
    exigir_editable(plan)
    _validar_fila(plan, datos)
    fila = FilaMatrizLogica(plan=plan, **datos)
    db.session.add(fila)
    db.session.flush()
    auditar(plan, "crear", f"Matriz lógica fila {fila.id}", usuario_id=usuario_id, despues=datos)
    return fila


def editar_fila(
    plan: PlanMejora, fila: FilaMatrizLogica, datos: dict[str, Any], *, usuario_id: int | None
) -> None:
    """Change a logic-matrix row."""
    exigir_editable(plan)
    _validar_fila(plan, datos)
    if fila.seguimientos and datos.get("tipo") is not TipoFila.actividad:
        raise ErrorPlan(
            _("La acción tiene seguimiento registrado; no puede dejar de ser una actividad."),
            "tipo",
        )
    editar_parte(plan, fila, datos, f"Matriz lógica fila {fila.id}", usuario_id)


def _validar_responsable(datos: dict[str, Any]) -> None:
    """Check that the organ is named."""
    if not texto_limpio(datos.get("organo")):
        raise ErrorPlan(_("Indique el órgano responsable."), "organo")


def crear_responsable(
    plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None
) -> ResponsableAccion:
    """Add a responsible organ (implementation or follow-up) to the plan."""
    exigir_editable(plan)
    _validar_responsable(datos)
    responsable = ResponsableAccion(plan=plan, **datos)
    db.session.add(responsable)
    db.session.flush()
    auditar(
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
    exigir_editable(plan)
    _validar_responsable(datos)
    editar_parte(plan, responsable, datos, f"Responsable {responsable.organo}", usuario_id)


# --- Deleting parts ------------------------------------------------------------------------


def eliminar(plan: PlanMejora, objeto: Any, parte: str, *, usuario_id: int | None) -> None:
    """Delete one part of the plan, refusing when other parts still depend on it."""
    exigir_editable(plan)
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
    auditar(plan, "eliminar", parte, usuario_id=usuario_id)
