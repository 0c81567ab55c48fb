"""Views of Anexo 4 files: evidence upload / download / deletion and the Excel template."""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import linea_o_404, puede_editar_reporte, reporte_o_404
from app.convenios.forms import EliminarEvidenciaForm, EvidenciaForm, PlantillaForm
from app.convenios.models import Evidencia, LineaReporte, Reporte
from app.convenios.services import evidencias as servicio_evidencias
from app.convenios.services import plantilla as servicio_plantilla
from app.convenios.services.anexo4 import ErrorAnexo4
from app.extensions import db

#: Flash at most this many messages for one upload; the rest are summarised
MAXIMO_AVISOS = 15


def _volver(reporte_id: int, linea: LineaReporte | None = None):
    """Redirect to the report page (at the line's evidence block when given)."""
    url = url_for("convenios.ver_anexo4", reporte_id=reporte_id)
    return redirect(f"{url}#evidencias-{linea.id}" if linea else url)


def _linea_editable(linea_id: int) -> LineaReporte:
    """A line of the current drtpe user's own region, or 404."""
    linea = linea_o_404(linea_id)
    if not puede_editar_reporte(linea.reporte, current_user):
        abort(404)
    return linea


def _reporte_editable(reporte_id: int) -> Reporte:
    """A report of the current drtpe user's own region, or 404."""
    reporte = reporte_o_404(reporte_id)
    if not puede_editar_reporte(reporte, current_user):
        abort(404)
    return reporte


def _avisar(mensajes: list[str], categoria: str) -> None:
    """Flash a list of messages, summarising past MAXIMO_AVISOS."""
    for mensaje in mensajes[:MAXIMO_AVISOS]:
        flash(mensaje, categoria)
    if len(mensajes) > MAXIMO_AVISOS:
        flash(_("… y %(valor)s observaciones más.", valor=len(mensajes) - MAXIMO_AVISOS), categoria)


def _errores_formulario(form) -> list[str]:
    return [error for errores in form.errors.values() for error in errores]


@bp.route("/anexo4/lineas/<int:linea_id>/evidencias", methods=["POST"])
@permitido(Rol.drtpe)
def subir_evidencia(linea_id: int):
    """Attach an evidence file to a line of the region's own Anexo 4."""
    linea = _linea_editable(linea_id)
    form = EvidenciaForm()
    if not form.validate_on_submit():
        _avisar(_errores_formulario(form) or [_("Seleccione un archivo.")], "error")
        return _volver(linea.reporte_id, linea)
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
    return _volver(linea.reporte_id, linea)


@bp.route("/anexo4/evidencias/<int:evidencia_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def descargar_evidencia(evidencia_id: int):
    """Download an evidence file, if its line is visible to the current user."""
    evidencia = db.get_or_404(Evidencia, evidencia_id)
    linea_o_404(evidencia.linea_id)
    ruta = servicio_evidencias.ruta_evidencia(evidencia)
    if not ruta.is_file():
        abort(404)
    respuesta = send_file(
        ruta, mimetype=evidencia.tipo, as_attachment=True, download_name=evidencia.nombre
    )
    # Always a download, never rendered or guessed by the browser, never kept by proxies.
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    respuesta.headers["Cache-Control"] = "private, no-store"
    return respuesta


@bp.route("/anexo4/evidencias/<int:evidencia_id>/eliminar", methods=["POST"])
@permitido(Rol.drtpe)
def eliminar_evidencia(evidencia_id: int):
    """Remove an evidence file from a line of the region's own Anexo 4."""
    evidencia = db.get_or_404(Evidencia, evidencia_id)
    linea = _linea_editable(evidencia.linea_id)
    form = EliminarEvidenciaForm()
    if not form.validate_on_submit():
        flash(_("No se pudo eliminar el archivo; recargue la página e intente de nuevo."), "error")
        return _volver(linea.reporte_id, linea)
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
    return _volver(linea.reporte_id, linea)


@bp.route("/anexo4/<int:reporte_id>/plantilla.xlsx")
@permitido(Rol.odes, Rol.drtpe)
def plantilla_anexo4(reporte_id: int):
    """Download the Anexo 4 as an Excel template with its current values."""
    reporte = reporte_o_404(reporte_id)
    respuesta = send_file(
        io.BytesIO(servicio_plantilla.plantilla_xlsx(reporte)),
        mimetype=servicio_plantilla.MIME_XLSX,
        as_attachment=True,
        download_name=servicio_plantilla.nombre_archivo(reporte),
    )
    respuesta.headers["Cache-Control"] = "private, no-store"
    return respuesta


@bp.route("/anexo4/<int:reporte_id>/plantilla", methods=["POST"])
@permitido(Rol.drtpe)
def cargar_plantilla(reporte_id: int):
    """Save the values of an uploaded, filled Anexo 4 template as the draft."""
    reporte = _reporte_editable(reporte_id)
    form = PlantillaForm()
    if not form.validate_on_submit():
        _avisar(_errores_formulario(form) or [_("Seleccione la plantilla llena.")], "error")
        return _volver(reporte.id)
    try:
        revisiones = servicio_plantilla.cargar_plantilla(
            reporte, form.archivo.data.read(), usuario=current_user, hoy=date.today()
        )
    except servicio_plantilla.ErrorPlantilla as error:
        db.session.rollback()
        flash(_("No se guardó la plantilla. Corrija lo siguiente y vuelva a cargarla:"), "error")
        _avisar(error.errores, "error")
        return _volver(reporte_id)
    except ErrorAnexo4 as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return _volver(reporte_id)
    lineas = {linea.id: linea for linea in reporte.lineas}
    errores = [
        f"{lineas[linea_id].indicador.etiqueta}: {mensaje}"
        for linea_id, revision in revisiones.items()
        for mensaje in revision.errores.values()
    ]
    if errores:
        db.session.rollback()
        flash(_("No se guardó la plantilla. Corrija lo siguiente y vuelva a cargarla:"), "error")
        _avisar(errores, "error")
        return _volver(reporte_id)
    # Warnings don't block a draft, but submission needs a comment on each such line.
    pendientes = [
        aviso
        for linea_id, revision in revisiones.items()
        if not (lineas[linea_id].comentario or "").strip()
        for aviso in revision.advertencias
    ]
    db.session.commit()
    flash(
        _(
            "Plantilla cargada: se guardaron los valores de %(cantidad)s indicadores.",
            cantidad=len(revisiones),
        ),
        "exito",
    )
    if pendientes:
        flash(
            _(
                "Antes de enviar el Anexo 4, explique en el "
                "comentario los valores fuera de lo habitual:"
            ),
            "advertencia",
        )
        _avisar(pendientes, "advertencia")
    return _volver(reporte_id)


@bp.app_template_global()
def limite_evidencia() -> str:
    """Per-file evidence size limit as shown to users, e.g. "10 MB"."""
    return servicio_evidencias.texto_limite()
