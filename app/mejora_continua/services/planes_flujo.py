"""The AMC plan as a reviewed document: its prose sections and its review workflow.

borrador → enviado (agreed by the intergovernmental technical team) → aprobado by ODES, or
observado back with a reason; ODES reopens an approved plan with a reason (flujo's
devolver_a_observado). Today ODES writes, sends, approves and reopens plans. Every step checks
the plan version its form was read at (app/comun/concurrencia.py) and is audited on the plan.
Services take plain data and model objects, never the request; the route commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from app.auth.models import Usuario
from app.comun import base, flujo
from app.comun.concurrencia import comprobar_version
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.mejora_continua.models.planes import PlanMejora, SeccionPlan
from app.mejora_continua.services.planes import (
    OBJETO,
    ErrorPlan,
    editar_parte,
    exigir_editable,
    texto_limpio,
)

MAX_TEXTO_SECCION = 20000


def _exigir_odes(usuario: Usuario, mensaje: str) -> None:
    """Refuse a step to anyone but ODES."""
    if usuario.rol is not Rol.odes:
        raise ErrorPlan(mensaje)


def _motivo(motivo: str | None, mensaje: str) -> str:
    """The required reason of a return or a reopening, stripped."""
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorPlan(mensaje, "motivo")
    return motivo


# --- Prose sections ------------------------------------------------------------------------


def editar_seccion(
    plan: PlanMejora,
    seccion: SeccionPlan,
    datos: dict[str, Any],
    *,
    usuario: Usuario,
    version: int | None,
) -> None:
    """Change a section's heading or text (ODES, while the plan is not approved)."""
    _exigir_odes(usuario, _("Solo la ODES modifica el texto del plan."))
    exigir_editable(plan)
    comprobar_version(plan, version)
    titulo, texto = texto_limpio(datos.get("titulo")), texto_limpio(datos.get("texto"))
    if not titulo:
        raise ErrorPlan(_("Indique el título de la sección."), "titulo")
    if not texto:
        raise ErrorPlan(_("Escriba el texto de la sección."), "texto")
    if len(texto) > MAX_TEXTO_SECCION:
        raise ErrorPlan(_("Máximo %(maximo)s caracteres.", maximo=MAX_TEXTO_SECCION), "texto")
    if (seccion.titulo, seccion.texto) == (titulo, texto):
        return
    editar_parte(
        plan, seccion, {"titulo": titulo, "texto": texto}, f"Sección {seccion.clave}", usuario.id
    )
    # A section has no version of its own: the plan's moves, so a second edit read at the same
    # version (of this or another section) or a workflow step read before it is refused.
    plan.actualizado_en = base.ahora()


# --- Workflow ------------------------------------------------------------------------------


def enviar(plan: PlanMejora, *, usuario: Usuario, ahora: datetime, version: int | None) -> None:
    """Record the plan as agreed by the intergovernmental team, for ODES's approval."""
    _exigir_odes(usuario, _("Solo la ODES registra el plan como concordado."))
    if plan.estado not in (EstadoReporte.borrador, EstadoReporte.observado):
        raise ErrorPlan(_("Solo se envía un plan en borrador u observado."))
    comprobar_version(plan, version)
    flujo.enviar(plan, tipo=OBJETO, usuario_id=usuario.id, ahora=ahora)


def _devolver(
    plan: PlanMejora,
    *,
    usuario: Usuario,
    motivo: str,
    version: int | None,
    accion: str,
    desde: EstadoReporte,
    mensajes: tuple[str, str, str],
    aviso: str,
) -> None:
    """Send the plan back to observado from `desde` with a required reason (observe, reopen).

    `mensajes`: who may do it, which state it needs, and the missing-reason error; `aviso` is
    the notice's text, where %(motivo)s stands for the reason.
    """
    solo_odes, estado, falta = mensajes
    _exigir_odes(usuario, solo_odes)
    if plan.estado is not desde:
        raise ErrorPlan(estado)
    motivo = _motivo(motivo, falta)
    comprobar_version(plan, version)
    flujo.devolver_a_observado(
        plan,
        tipo=OBJETO,
        accion=accion,
        desde=desde,
        motivo=motivo,
        aviso=aviso % {"motivo": motivo},
        usuario_id=usuario.id,
    )


def observar(plan: PlanMejora, *, usuario: Usuario, motivo: str, version: int | None) -> None:
    """ODES returns a sent plan to draft work with a required reason."""
    _devolver(
        plan,
        usuario=usuario,
        motivo=motivo,
        version=version,
        accion="observar",
        desde=EstadoReporte.enviado,
        mensajes=(
            _("Solo la ODES observa un plan."),
            _("Solo se puede observar un plan concordado (enviado)."),
            _("Indique el motivo de la observación."),
        ),
        aviso="%(motivo)s",
    )


def aprobar(plan: PlanMejora, *, usuario: Usuario, ahora: datetime, version: int | None) -> None:
    """ODES approves a sent plan; it becomes read-only."""
    _exigir_odes(usuario, _("Solo la ODES aprueba un plan."))
    if plan.estado is not EstadoReporte.enviado:
        raise ErrorPlan(_("Solo se puede aprobar un plan concordado (enviado)."))
    comprobar_version(plan, version)
    flujo.aprobar(plan, tipo=OBJETO, usuario_id=usuario.id, ahora=ahora)


def reabrir(plan: PlanMejora, *, usuario: Usuario, motivo: str, version: int | None) -> None:
    """ODES reopens an approved plan (back to observado) with a reason."""
    _devolver(
        plan,
        usuario=usuario,
        motivo=motivo,
        version=version,
        accion="reabrir",
        desde=EstadoReporte.aprobado,
        mensajes=(
            _("Solo la ODES puede reabrir un plan aprobado."),
            _("Solo se reabre un plan aprobado."),
            _("Indique el motivo de la reapertura."),
        ),
        aviso=_("Reabierto por la ODES: %(motivo)s", motivo="%(motivo)s"),
    )
