"""Object-level access to Anexo 4 reports, used by every view that takes a report id."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth.models import Rol, Usuario
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
