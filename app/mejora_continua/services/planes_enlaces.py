"""An AMC plan's links to the convenio, its copies, and the follow-up that flows from the
capacity programme.

- Links: the plan's public service, the IdG that measure it and the Anexo 5 recommendations
  that motivated it (ODES, while the plan is editable; audited on the plan).
- Copy: a new plan for another region or service starts as a full copy of a previous one
  (every section and table, not its follow-up nor its recommendations), then is edited;
  `comparar` says, section by section and table by table, what changed since.
- Follow-up from the programme: a training or technical-assistance action scheduled as a
  capacity-programme activity gets a follow-up record each time one of its regional runs is
  executed: "en proceso" while runs are pending, "implementada" when none is.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import object_mapper

from app.auth.models import Usuario
from app.catalogo.models import Indicador, ServicioPublico
from app.extensions import db
from app.mejora_continua.models.evaluaciones import ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import (
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    PlanMejora,
    SeguimientoAccion,
)
from app.mejora_continua.models.programacion import EstadoProgramacion, ProgramacionRegional
from app.mejora_continua.services.planes import ErrorPlan, auditar, exigir_editable, validar_plan

# --- Links ---------------------------------------------------------------------------------


def enlazar(
    plan: PlanMejora,
    *,
    servicio_id: int | None,
    indicador_ids: Iterable[int],
    recomendacion_ids: Iterable[int],
    usuario_id: int | None,
) -> None:
    """Set the plan's service, IdG and motivating recommendations (audited)."""
    exigir_editable(plan)
    servicio = db.session.get(ServicioPublico, servicio_id) if servicio_id else None
    if servicio_id and servicio is None:
        raise ErrorPlan(_("Elija un servicio de la lista."), "servicio_id")
    ids = set(indicador_ids)
    indicadores = list(db.session.scalars(sa.select(Indicador).where(Indicador.id.in_(ids))))
    if len(indicadores) != len(ids):
        raise ErrorPlan(_("Elija indicadores de la lista."), "indicador_ids")
    ids = set(recomendacion_ids)
    recomendaciones = list(
        db.session.scalars(
            sa.select(ItemEvaluacion).where(
                ItemEvaluacion.id.in_(ids), ItemEvaluacion.tipo == TipoItem.recomendacion
            )
        )
    )
    if len(recomendaciones) != len(ids):
        raise ErrorPlan(_("Elija recomendaciones de la lista."), "recomendacion_ids")
    antes = _enlaces(plan)
    plan.servicio = servicio
    plan.indicadores = sorted(indicadores, key=lambda i: (i.numero, i.id))
    plan.recomendaciones = sorted(recomendaciones, key=lambda i: i.id)
    db.session.flush()
    despues = _enlaces(plan)
    if antes != despues:
        auditar(plan, "editar", "enlaces", usuario_id=usuario_id, antes=antes, despues=despues)


def _enlaces(plan: PlanMejora) -> dict[str, Any]:
    """The plan's links as audit data (names, not ids)."""
    return {
        "servicio": plan.servicio.nombre if plan.servicio else None,
        "indicadores": ", ".join(f"IdG {i.numero}" for i in plan.indicadores) or None,
        "recomendaciones": "; ".join(
            f"IdG {i.evaluacion.indicador.numero} · {i.evaluacion.periodo.nombre} · {i.orden}"
            for i in plan.recomendaciones
        )
        or None,
    }


# --- Copy ----------------------------------------------------------------------------------

#: Columns a copied row never takes from its original (its identity and its plan)
_PROPIAS = {"id", "plan_id", "version", "creado_en", "actualizado_en"}


def _valores(objeto: Any, **cambios: Any) -> dict[str, Any]:
    """The row's column values for a copy, with its own keys left out and `cambios` applied."""
    valores = {
        c.key: getattr(objeto, c.key)
        for c in object_mapper(objeto).column_attrs
        if c.key not in _PROPIAS
    }
    return {**valores, **cambios}


def copiar_plan(origen: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> PlanMejora:
    """Start a new plan (a draft) as a copy of `origen`, with the heading data given."""
    validar_plan(datos)
    plan = PlanMejora(
        **_valores(
            origen,
            **datos,
            plan_origen_id=origen.id,
            estado=None,
            enviado_en=None,
            aprobado_en=None,
            aprobado_por_id=None,
            motivo_observacion=None,
        )
    )
    plan.estado = type(origen.estado).borrador
    plan.indicadores = list(origen.indicadores)
    db.session.add(plan)
    db.session.flush()
    for coleccion in ("secciones", "alineamientos", "roles", "indicadores_resumen"):
        for fila in getattr(origen, coleccion):
            getattr(plan, coleccion).append(type(fila)(**_valores(fila)))
    responsables = {}
    for responsable in origen.responsables:
        responsables[responsable.id] = type(responsable)(**_valores(responsable))
        plan.responsables.append(responsables[responsable.id])
    problemas, causas = {}, {}
    for problema in origen.problemas:
        nuevo = problemas[problema.id] = type(problema)(**_valores(problema))
        plan.problemas.append(nuevo)
        for causa in problema.causas:
            causas[causa.id] = type(causa)(**_valores(causa, problema_id=None))
            nuevo.causas.append(causas[causa.id])
    db.session.flush()
    for problema in origen.problemas:
        for alternativa in problema.alternativas:
            problemas[problema.id].alternativas.append(
                type(alternativa)(
                    **_valores(
                        alternativa,
                        problema_id=None,
                        causa_id=causas[alternativa.causa_id].id if alternativa.causa_id else None,
                    )
                )
            )
    for fila in origen.filas:
        plan.filas.append(
            FilaMatrizLogica(
                **_valores(
                    fila,
                    problema_id=problemas[fila.problema_id].id if fila.problema_id else None,
                    responsable_id=responsables[fila.responsable_id].id
                    if fila.responsable_id
                    else None,
                )
            )
        )
    db.session.flush()
    lineas: dict[int, LineaPresupuesto] = {}
    for linea in sorted(origen.lineas, key=lambda x: (x.padre_id is not None, x.orden, x.id)):
        padre = lineas[linea.padre_id].id if linea.padre_id else None
        lineas[linea.id] = LineaPresupuesto(**_valores(linea, padre_id=padre))
        plan.lineas.append(lineas[linea.id])
        db.session.flush()
    auditar(
        plan,
        "crear",
        "plan",
        usuario_id=usuario_id,
        despues={**datos, "copia_de": origen.titulo},
    )
    return plan


# --- Compare -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diferencia:
    """What changed in one section (or one table) between a plan and the one it is compared to."""

    clave: str
    titulo: str
    #: "igual", "modificada", "nueva" (only in the plan) or "eliminada" (only in the other)
    estado: str
    #: The text as (kind, words) runs: kind " " kept, "+" added, "-" removed
    texto: list[tuple[str, str]] = field(default_factory=list)
    filas_agregadas: list[str] = field(default_factory=list)
    filas_quitadas: list[str] = field(default_factory=list)


#: The structured tables and how a row is named when listing what was added or removed
_TABLAS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "problemas": ("problemas", lambda p: f"{p.etiqueta}. {p.texto}"),
    "alineamiento": ("alineamientos", lambda a: f"{a.indicador}: {a.linea_base} → {a.meta_final}"),
    "roles": ("roles", lambda r: f"{r.fase.etiqueta}: {r.nacional or ''} | {r.regional or ''}"),
    "indicadores": ("indicadores_resumen", lambda i: f"{i.indicador}: {i.meta or ''}"),
    "matriz": ("filas", lambda f: f"{f.nivel.etiqueta} · {f.objetivo or f.indicador or ''}"),
    "presupuesto": (
        "lineas",
        lambda x: f"{x.actividad}: {x.total if x.total is not None else '—'}",
    ),
    "responsables": ("responsables", lambda r: f"{r.organo} ({r.nivel.etiqueta})"),
}


def _palabras(a: str, b: str) -> list[tuple[str, str]]:
    """Word-level differences from text a to text b."""
    viejas, nuevas = a.split(), b.split()
    tramos: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, viejas, nuevas).get_opcodes():
        if op == "equal":
            tramos.append((" ", " ".join(viejas[i1:i2])))
            continue
        if i2 > i1:
            tramos.append(("-", " ".join(viejas[i1:i2])))
        if j2 > j1:
            tramos.append(("+", " ".join(nuevas[j1:j2])))
    return tramos


def comparar(plan: PlanMejora, otro: PlanMejora) -> list[Diferencia]:
    """Section by section, then table by table, what `plan` changed with respect to `otro`."""
    resultado = []
    suyas = {s.clave: s for s in otro.secciones}
    propias = {s.clave for s in plan.secciones}
    for seccion in plan.secciones:
        anterior = suyas.get(seccion.clave)
        if anterior is None:
            resultado.append(
                Diferencia(seccion.clave, seccion.titulo, "nueva", [("+", seccion.texto)])
            )
            continue
        antes = f"{anterior.titulo}\n{anterior.texto}"
        ahora = f"{seccion.titulo}\n{seccion.texto}"
        estado = "igual" if antes.split() == ahora.split() else "modificada"
        resultado.append(
            Diferencia(
                seccion.clave,
                seccion.titulo,
                estado,
                _palabras(anterior.texto, seccion.texto) if estado == "modificada" else [],
            )
        )
    for clave, seccion in suyas.items():
        if clave not in propias:
            resultado.append(Diferencia(clave, seccion.titulo, "eliminada", [("-", seccion.texto)]))
    for clave, (atributo, nombre) in _TABLAS.items():
        propias_filas = [nombre(x) for x in getattr(plan, atributo)]
        suyas_filas = [nombre(x) for x in getattr(otro, atributo)]
        agregadas = [f for f in propias_filas if f not in suyas_filas]
        quitadas = [f for f in suyas_filas if f not in propias_filas]
        resultado.append(
            Diferencia(
                f"tabla:{clave}",
                clave,
                "modificada" if agregadas or quitadas else "igual",
                filas_agregadas=agregadas,
                filas_quitadas=quitadas,
            )
        )
    return resultado


# --- Follow-up from the capacity programme -------------------------------------------------


def seguimiento_desde_programa(
    programacion: ProgramacionRegional, *, usuario: Usuario, hoy: date
) -> SeguimientoAccion | None:
    """Record on the plan action an executed run of the activity that schedules it.

    Allowed on an approved plan: following up its actions is what an approved plan is for.
    """
    accion = programacion.actividad.accion_plan
    if accion is None or programacion.estado is not EstadoProgramacion.ejecutada:
        return None
    corridas = [p for a in accion.actividades for p in a.programaciones]
    pendientes = [
        p
        for p in corridas
        if p.estado in (EstadoProgramacion.programada, EstadoProgramacion.reprogramada)
    ]
    estado = EstadoSeguimiento.en_proceso if pendientes else EstadoSeguimiento.implementada
    actividad = programacion.actividad
    nota = _(
        "Ejecutada en %(region)s el %(fecha)s con %(participantes)s participantes "
        "(actividad %(actividad)s del programa %(anio)s).",
        region=programacion.region.nombre,
        fecha=programacion.fecha_ejecucion.strftime("%d/%m/%Y"),
        participantes=programacion.participantes,
        actividad=actividad.etiqueta,
        anio=actividad.programa.anio,
    )
    anterior = accion.estado
    registro = SeguimientoAccion(
        fila=accion,
        estado=estado,
        fecha=min(programacion.fecha_ejecucion or hoy, hoy),
        nota=nota,
        usuario_id=usuario.id,
    )
    db.session.add(registro)
    db.session.flush()
    db.session.expire(accion, ["seguimientos"])
    auditar(
        accion.plan,
        "seguimiento",
        f"Acción {accion.id}",
        usuario_id=usuario.id,
        antes={"estado": anterior.etiqueta},
        despues={"estado": estado.etiqueta, "fecha": registro.fecha},
        motivo=nota,
    )
    return registro
