"""Object-level access to Anexo 4 reports, used by every view that takes a report id."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth.models import Usuario
from app.comun.auditoria import historial, recortar
from app.comun.roles import Rol
from app.convenios.models import LineaReporte, Reporte
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
