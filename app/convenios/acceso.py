"""Object-level access of the convenios module: every view that takes an object id loads it here.

A user who may not see an object gets 404 (never the data, never a hint that it exists); the
role gate of each view is its `@permitido` (app/comun/roles.py).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth.models import Usuario
from app.auth.permisos import exigir_region
from app.comun.auditoria import historial, recortar
from app.comun.roles import Rol
from app.convenios.models import Convenio, Evidencia, LineaReporte, Periodo, Reporte
from app.extensions import db


def puede_ver_reporte(reporte: Reporte, usuario: Usuario) -> bool:
    """ODES and directorates read every report; a drtpe user only their region's."""
    if usuario.rol in (Rol.odes, Rol.direccion):
        return True
    if usuario.rol is Rol.drtpe:
        return reporte.convenio.region_id == usuario.region_id
    return False


def puede_editar_reporte(reporte: Reporte, usuario: Usuario) -> bool:
    """Only the region's own drtpe users fill their Anexo 4 (workflow state checked apart)."""
    return usuario.rol is Rol.drtpe and reporte.convenio.region_id == usuario.region_id


def lineas_visibles(reporte: Reporte, usuario: Usuario) -> list[LineaReporte]:
    """A directorate sees the lines of the IdG it proposed; everyone else sees all lines."""
    if usuario.rol is Rol.direccion:
        unidad = usuario.unidad_id
        return [linea for linea in reporte.lineas if linea.indicador.proponente_id == unidad]
    return list(reporte.lineas)


def historial_visible(reporte: Reporte, usuario: Usuario) -> list:
    """The report's history as the user may read it (the same scope as its lines).

    A directorate reads the changes of the lines of the IdG it proposes, the workflow steps,
    and the reasons given by ODES, the region or itself, never another unit's lines, evidence
    or reasons. Line fields are recorded as "<IdG label> <field>"; evidence as "indicador".
    """
    eventos = historial("reporte", reporte.id)
    if usuario.rol is not Rol.direccion:
        return eventos
    propias = {linea.indicador.etiqueta for linea in lineas_visibles(reporte, usuario)}
    ajenas = {linea.indicador.etiqueta for linea in reporte.lineas} - propias

    def conservar(campo: str, valor) -> bool:
        """Whether a recorded field belongs to what the directorate may read."""
        if campo == "indicador":
            return valor in propias
        return campo.rsplit(" ", 1)[0] not in ajenas

    visibles = []
    for evento in eventos:
        autor = evento.usuario
        ajeno = autor is not None and autor.rol is Rol.direccion
        ajeno = ajeno and autor.unidad_id != usuario.unidad_id
        datos = [d for d in (evento.antes, evento.despues) if d]
        # An evidence record names its IdG apart: without it, nothing of it is shown.
        if any("evidencia" in d and d.get("indicador") not in propias for d in datos):
            continue
        leido = recortar(evento, conservar, con_motivo=not ajeno)
        if leido is not None:
            visibles.append(leido)
    return visibles


def reporte_o_404(reporte_id: int) -> Reporte:
    """Load a report the current user may see, or answer 404 (never the data)."""
    reporte = db.session.get(Reporte, reporte_id)
    if reporte is None or not puede_ver_reporte(reporte, current_user):
        abort(404)
    return reporte


def linea_o_404(linea_id: int) -> LineaReporte:
    """Load a report line the current user may see, or answer 404."""
    linea = db.session.get(LineaReporte, linea_id)
    if linea is None or not puede_ver_reporte(linea.reporte, current_user):
        abort(404)
    if linea not in lineas_visibles(linea.reporte, current_user):
        abort(404)
    return linea


def reporte_editable_o_404(reporte_id: int) -> Reporte:
    """Load a report of the current user's own region (a drtpe user fills it), or 404."""
    reporte = reporte_o_404(reporte_id)
    if not puede_editar_reporte(reporte, current_user):
        abort(404)
    return reporte


def linea_editable_o_404(linea_id: int) -> LineaReporte:
    """Load a line of a report of the current user's own region, or 404."""
    linea = linea_o_404(linea_id)
    if not puede_editar_reporte(linea.reporte, current_user):
        abort(404)
    return linea


def evidencia_o_404(evidencia_id: int, *, editable: bool = False) -> Evidencia:
    """Load an evidence file whose line the current user may see (or edit, with editable)."""
    evidencia = db.get_or_404(Evidencia, evidencia_id)
    if editable:
        linea_editable_o_404(evidencia.linea_id)
    else:
        linea_o_404(evidencia.linea_id)
    return evidencia


def convenio_o_404(convenio_id: int) -> Convenio:
    """Load a convenio the current user may see (a drtpe user: only their region's), or 404."""
    convenio = db.get_or_404(Convenio, convenio_id)
    exigir_region(convenio.region_id)
    return convenio


def periodo_o_404(periodo_id: int) -> Periodo:
    """Load a reporting semester, or 404 (every role that reaches a period view sees them all)."""
    return db.get_or_404(Periodo, periodo_id)
