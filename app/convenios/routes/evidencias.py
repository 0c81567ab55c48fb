"""Views of the evidence files of Anexo 4 lines: upload, download and deletion."""

from __future__ import annotations

from datetime import date

from flask import abort, flash
from flask_babel import gettext as _
from flask_login import current_user

from app.comun import almacenamiento
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import evidencia_o_404, linea_editable_o_404
from app.convenios.forms import EliminarEvidenciaForm, EvidenciaForm
from app.convenios.routes.comun import avisar, errores_formulario, volver_al_reporte
from app.convenios.services import evidencias as servicio_evidencias
from app.extensions import db


@bp.route("/anexo4/lineas/<int:linea_id>/evidencias", methods=["POST"])
@permitido(Rol.drtpe)
def subir_evidencia(linea_id: int):
    """Attach an evidence file to a line of the region's own Anexo 4."""
    linea = linea_editable_o_404(linea_id)
    form = EvidenciaForm()
    if not form.validate_on_submit():
        avisar(errores_formulario(form) or [_("Seleccione un archivo.")], "error")
        return volver_al_reporte(linea.reporte_id, linea)
    archivo = form.archivo.data
    try:
        evidencia = servicio_evidencias.guardar_evidencia(
            linea,
            archivo.filename or "",
            archivo.read(),
            usuario=current_user,
            hoy=date.today(),
        )
    except servicio_evidencias.ErrorEvidencia as error:
        db.session.rollback()
        flash(
            _(
                "%(etiqueta)s: %(mensaje)s",
                etiqueta=linea.indicador.etiqueta,
                mensaje=error.mensaje,
            ),
            "error",
        )
    else:
        db.session.commit()
        flash(
            _(
                "%(etiqueta)s: se adjuntó el archivo «%(nombre)s».",
                etiqueta=linea.indicador.etiqueta,
                nombre=evidencia.nombre,
            ),
            "exito",
        )
    return volver_al_reporte(linea.reporte_id, linea)


@bp.route("/anexo4/evidencias/<int:evidencia_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def descargar_evidencia(evidencia_id: int):
    """Download an evidence file, if its line is visible to the current user."""
    evidencia = evidencia_o_404(evidencia_id)
    respuesta = almacenamiento.enviar(
        servicio_evidencias.CARPETA,
        evidencia.archivo,
        mimetype=evidencia.tipo,
        download_name=evidencia.nombre,
    )
    if respuesta is None:
        abort(404)
    # Always a download, never rendered or guessed by the browser, never kept by proxies.
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    respuesta.headers["Cache-Control"] = "private, no-store"
    return respuesta


@bp.route("/anexo4/evidencias/<int:evidencia_id>/eliminar", methods=["POST"])
@permitido(Rol.drtpe)
def eliminar_evidencia(evidencia_id: int):
    """Remove an evidence file from a line of the region's own Anexo 4."""
    evidencia = evidencia_o_404(evidencia_id, editable=True)
    linea = evidencia.linea
    form = EliminarEvidenciaForm()
    if not form.validate_on_submit():
        flash(_("No se pudo eliminar el archivo; recargue la página e intente de nuevo."), "error")
        return volver_al_reporte(linea.reporte_id, linea)
    nombre = evidencia.nombre
    try:
        servicio_evidencias.eliminar_evidencia(evidencia, usuario=current_user, hoy=date.today())
    except servicio_evidencias.ErrorEvidencia as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(
            _(
                "%(etiqueta)s: se eliminó el archivo «%(nombre)s».",
                etiqueta=linea.indicador.etiqueta,
                nombre=nombre,
            ),
            "exito",
        )
    return volver_al_reporte(linea.reporte_id, linea)


@bp.app_template_global()
def limite_evidencia() -> str:
    """Per-file evidence size limit as shown to users, e.g. "10 MB"."""
    return servicio_evidencias.texto_limite()
