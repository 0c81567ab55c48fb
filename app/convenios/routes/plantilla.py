"""Views of the Anexo 4 Excel template: download it with current values, upload it filled."""

from __future__ import annotations

import io
from datetime import date

from flask import flash, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import reporte_editable_o_404, reporte_o_404
from app.convenios.forms import PlantillaForm
from app.convenios.routes.comun import avisar, errores_formulario, volver_al_reporte
from app.convenios.services import plantilla as servicio_plantilla
from app.convenios.services.anexo4 import ErrorAnexo4
from app.extensions import db


@bp.route("/anexo4/<int:reporte_id>/plantilla.xlsx")
@permitido(Rol.odes, Rol.drtpe)
def plantilla_anexo4(reporte_id: int):
    """Download the Anexo 4 as an Excel template with its current values."""
    reporte = reporte_o_404(reporte_id)
    respuesta = send_file(
        io.BytesIO(servicio_plantilla.plantilla_xlsx(reporte)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=servicio_plantilla.nombre_archivo(reporte),
    )
    respuesta.headers["Cache-Control"] = "private, no-store"
    return respuesta


@bp.route("/anexo4/<int:reporte_id>/plantilla", methods=["POST"])
@permitido(Rol.drtpe)
def cargar_plantilla(reporte_id: int):
    """Save the values of an uploaded, filled Anexo 4 template as the draft."""
    reporte = reporte_editable_o_404(reporte_id)
    form = PlantillaForm()
    if not form.validate_on_submit():
        avisar(errores_formulario(form) or [_("Seleccione la plantilla llena.")], "error")
        return volver_al_reporte(reporte.id)
    try:
        revisiones = servicio_plantilla.cargar_plantilla(
            reporte, form.archivo.data.read(), usuario=current_user, hoy=date.today()
        )
    except servicio_plantilla.ErrorPlantilla as error:
        db.session.rollback()
        flash(_("No se guardó la plantilla. Corrija lo siguiente y vuelva a cargarla:"), "error")
        avisar(error.errores, "error")
        return volver_al_reporte(reporte_id)
    except ErrorAnexo4 as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return volver_al_reporte(reporte_id)
    lineas = {linea.id: linea for linea in reporte.lineas}
    errores = [
        f"{lineas[linea_id].indicador.etiqueta}: {mensaje}"
        for linea_id, revision in revisiones.items()
        for mensaje in revision.errores.values()
    ]
    if errores:
        db.session.rollback()
        flash(_("No se guardó la plantilla. Corrija lo siguiente y vuelva a cargarla:"), "error")
        avisar(errores, "error")
        return volver_al_reporte(reporte_id)
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
        avisar(pendientes, "advertencia")
    return volver_al_reporte(reporte_id)
