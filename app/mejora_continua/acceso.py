"""Object-level access to the continuous-improvement objects, used by the services and views.

One predicate per kind of object (may this user read it, change it?) and one loader per kind
that answers 404 when the object does not exist or the user may not read it (never the data,
nor whether it exists). Like app/convenios/acceso.py; it imports only models and queries, so
the services check their own writes with the same predicates.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from app.auth.models import Usuario
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.planes import (
    Alternativa,
    Causa,
    FilaMatrizLogica,
    NivelGobierno,
    PlanMejora,
    TipoFila,
)
from app.mejora_continua.models.programacion import (
    Actividad,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.queries.programacion import programa_por_anio

# --- Anexo 5 evaluations -------------------------------------------------------------------


def puede_ver_evaluacion(evaluacion: Evaluacion, usuario: Usuario) -> bool:
    """ODES reads all; a unit its own in any state; other units and reviewers only approved."""
    if usuario.rol is Rol.odes:
        return True
    if usuario.rol is Rol.direccion and usuario.unidad_id == evaluacion.unidad_id:
        return True
    if usuario.rol in (Rol.direccion, Rol.revisor):
        return evaluacion.estado is EstadoReporte.aprobado
    return False


def puede_editar_evaluacion(evaluacion: Evaluacion, usuario: Usuario) -> bool:
    """Only users of the proponent unit write the evaluation (workflow state checked apart)."""
    return usuario.rol is Rol.direccion and usuario.unidad_id == evaluacion.unidad_id


def ve_contraste_anexo4(evaluacion: Evaluacion, usuario: Usuario) -> bool:
    """The author's unit and ODES see the evaluation's Anexo 4 rows and its contradictions."""
    return usuario.rol is Rol.odes or puede_editar_evaluacion(evaluacion, usuario)


def evaluacion_o_404(evaluacion_id: int) -> Evaluacion:
    """Load an evaluation the current user may read, or answer 404."""
    evaluacion = db.session.get(Evaluacion, evaluacion_id)
    if evaluacion is None or not puede_ver_evaluacion(evaluacion, current_user):
        abort(404)
    return evaluacion


def evaluacion_propia_o_404(evaluacion_id: int) -> Evaluacion:
    """Load an evaluation of the current user's unit, or answer 404."""
    evaluacion = evaluacion_o_404(evaluacion_id)
    if not puede_editar_evaluacion(evaluacion, current_user):
        abort(404)
    return evaluacion


# --- AMC plans -----------------------------------------------------------------------------


def puede_ver_plan(plan: PlanMejora, usuario: Usuario) -> bool:
    """Everyone reads plans, except that a drtpe user reads only their region's."""
    if usuario.rol is Rol.drtpe:
        return plan.region_id is not None and plan.region_id == usuario.region_id
    return True


def puede_seguir_accion(fila: FilaMatrizLogica, usuario: Usuario) -> bool:
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


def plan_o_404(plan_id: int) -> PlanMejora:
    """Load a plan the current user may read, or answer 404."""
    plan = db.session.get(PlanMejora, plan_id)
    if plan is None or not puede_ver_plan(plan, current_user):
        abort(404)
    return plan


def _plan_de(objeto: Any) -> int:
    """Id of the plan a part belongs to (causes and alternatives through their problem)."""
    if isinstance(objeto, Causa | Alternativa):
        return objeto.problema.plan_id
    return objeto.plan_id


def parte_o_404(plan: PlanMejora, modelo: type, parte_id: int) -> Any:
    """Load a part (problem, cause, row, line…) of a plan already loaded, or answer 404."""
    objeto = db.session.get(modelo, parte_id)
    if objeto is None or _plan_de(objeto) != plan.id:
        abort(404)
    return objeto


def accion_o_404(plan: PlanMejora, fila_id: int) -> FilaMatrizLogica:
    """Load an action of the plan whose follow-up the current user records, or answer 404."""
    fila = db.session.get(FilaMatrizLogica, fila_id)
    if fila is None or fila.plan_id != plan.id or not puede_seguir_accion(fila, current_user):
        abort(404)
    return fila


def accion_a_programar_o_404(accion_id: str | int | None) -> FilaMatrizLogica | None:
    """The plan action a new programme activity schedules (None when none is named): a
    training or technical-assistance action of a plan the user reads, or answer 404."""
    if accion_id in (None, ""):
        return None
    if not str(accion_id).isdecimal():
        abort(404)
    fila = db.session.get(FilaMatrizLogica, int(accion_id))
    if fila is None or not fila.capacitacion or not puede_ver_plan(fila.plan, current_user):
        abort(404)
    return fila


# --- Capacity-building programme -----------------------------------------------------------


def region_del_usuario(usuario: Usuario) -> int | None:
    """The region a drtpe user is bound to: their views of the runs are narrowed to it."""
    return usuario.region_id if usuario.rol is Rol.drtpe else None


def puede_gestionar_actividad(actividad: Actividad, usuario: Usuario) -> bool:
    """ODES manages every activity; a directorate only those of its own unit."""
    if usuario.rol is Rol.odes:
        return True
    return usuario.rol is Rol.direccion and actividad.unidad_id == usuario.unidad_id


def puede_ver_programacion(programacion: ProgramacionRegional, usuario: Usuario) -> bool:
    """A region sees only its own runs; every other role sees all of them."""
    if usuario.rol is Rol.drtpe:
        return programacion.region_id == usuario.region_id
    return True


def puede_registrar_programacion(programacion: ProgramacionRegional, usuario: Usuario) -> bool:
    """Execution is recorded by the region itself, the activity's unit or ODES."""
    if usuario.rol is Rol.drtpe:
        return programacion.region_id == usuario.region_id
    return puede_gestionar_actividad(programacion.actividad, usuario)


def programa_o_404(anio: int) -> ProgramaCapacidades:
    """Load the programme of a year (every role that opens the page reads it), or 404."""
    programa = programa_por_anio(anio)
    if programa is None:
        abort(404)
    return programa


def actividad_o_404(actividad_id: int) -> Actividad:
    """Load an activity (every role that opens the page reads it), or answer 404."""
    actividad = db.session.get(Actividad, actividad_id)
    if actividad is None:
        abort(404)
    return actividad


def actividad_gestionada_o_404(actividad_id: int) -> Actividad:
    """Load an activity the current user manages (its unit's, or any for ODES), or 404."""
    actividad = actividad_o_404(actividad_id)
    if not puede_gestionar_actividad(actividad, current_user):
        abort(404)
    return actividad


def programacion_o_404(programacion_id: int) -> ProgramacionRegional:
    """Load a run the current user may see (a region only its own), or answer 404."""
    programacion = db.session.get(ProgramacionRegional, programacion_id)
    if programacion is None or not puede_ver_programacion(programacion, current_user):
        abort(404)
    return programacion


def programacion_registrable_o_404(programacion_id: int) -> ProgramacionRegional:
    """Load a run the current user may update, or answer 404."""
    programacion = programacion_o_404(programacion_id)
    if not puede_registrar_programacion(programacion, current_user):
        abort(404)
    return programacion
