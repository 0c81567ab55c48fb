"""Views of the Anexo 4 bulk import (ODES, dry run then confirmation) and export."""

from __future__ import annotations

import io
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from app.comun import tareas
from app.comun.base import ahora
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.forms import ConfirmarImportacionForm, ImportarAnexo4Form
from app.convenios.queries import exportacion
from app.convenios.queries import periodos as periodos_queries
from app.convenios.services import importacion, importacion_tarea
from app.convenios.services.anexo4 import ErrorAnexo4
from app.convenios.services.importacion_lectura import (
    archivo_en_espera,
    descartar_en_espera,
    guardar_en_espera,
)
from app.extensions import db

FORMATOS = {
    "csv": "text/csv",
    "xlsx": XLSX,
}


def _pagina(form: ImportarAnexo4Form, analisis=None, confirmar=None):
    """Render the import page (upload form, errors or preview, and the export form)."""
    return render_template(
        "convenios/importar.html",
        form=form,
        analisis=analisis,
        confirmar=confirmar,
        periodos=periodos_queries.periodos(),
    )


@bp.route("/anexo4/importar", methods=["GET", "POST"])
@permitido(Rol.odes)
def importar_anexo4():
    """Upload a bulk file and show its dry run: errors by row and column, or the preview."""
    form = ImportarAnexo4Form()
    if request.method == "GET" and request.args.get("tarea"):
        return _seguir_importacion(form, request.args["tarea"])
    if not form.validate_on_submit():
        return _pagina(form)
    archivo = form.archivo.data
    nombre = secure_filename(archivo.filename or "")[:200] or "archivo"
    extension = Path(archivo.filename or "").suffix.lower()
    contenido = archivo.read()
    try:
        filas = importacion.leer_archivo(f"archivo{extension}", contenido)
    except importacion.ErrorImportacion as error:
        form.archivo.errors.append(error.mensaje)
        return _pagina(form)
    analisis = importacion.analizar(filas)
    confirmar = None
    if analisis.valido:
        confirmar = ConfirmarImportacionForm(
            formdata=None, token=guardar_en_espera(contenido, extension), nombre=nombre
        )
        db.session.commit()  # the waiting file, for whichever app server gets the confirmation
    return _pagina(form, analisis, confirmar)


def _tarea_de_importacion(id_tarea: str):
    """The queue's state of an import job (None for an unknown id or another kind of job)."""
    actual = tareas.estado(id_tarea[:64])
    return actual if actual is not None and actual.funcion == importacion_tarea.FUNCION else None


def _seguir_importacion(form: ImportarAnexo4Form, id_tarea: str):
    """The import page while a queued import runs, or with its outcome once it ended."""
    actual = _tarea_de_importacion(id_tarea)
    if actual is None:
        flash(_("Esa importación ya no está disponible; revise el Anexo 4 o vuelva a importar."))
        return redirect(url_for("convenios.importar_anexo4"))
    if actual.estado == "terminada":
        flash(str(actual.resultado), "exito")
        return redirect(url_for("convenios.importar_anexo4"))
    if actual.estado == "fallida":
        flash(_("No se importó nada: %(mensaje)s", mensaje=actual.error), "error")
        return redirect(url_for("convenios.importar_anexo4"))
    return render_template(
        "convenios/importar.html",
        form=form,
        analisis=None,
        confirmar=None,
        periodos=periodos_queries.periodos(),
        tarea=actual,
    )


@bp.route("/anexo4/importar/tareas/<id_tarea>")
@permitido(Rol.odes)
def estado_importacion(id_tarea: str):
    """Report a queued import's progress as JSON (polled by static/js/progreso.js)."""
    actual = _tarea_de_importacion(id_tarea)
    if actual is None:
        abort(404)
    estado = {"en_cola": "pendiente", "en_curso": "en_curso", "terminada": "terminado"}.get(
        actual.estado, "error"
    )
    respuesta = jsonify(
        {
            "estado": estado,
            "fraccion": actual.fraccion,
            "mensaje": actual.mensaje,
            "error": actual.error,
        }
    )
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


@bp.route("/anexo4/importar/confirmar", methods=["POST"])
@permitido(Rol.odes)
def confirmar_importacion():
    """Import the previewed file: re-read, re-check and apply it whole, or change nothing."""
    form = ConfirmarImportacionForm()
    espera = archivo_en_espera(form.token.data) if form.validate_on_submit() else None
    if espera is None:
        flash(_("La vista previa ya no está disponible. Vuelva a subir el archivo."), "error")
        return redirect(url_for("convenios.importar_anexo4"))
    guardado, contenido = espera
    nombre = secure_filename(form.nombre.data or "")[:200] or guardado
    if len(contenido) > current_app.config.get("IMPORTACION_BYTES_EN_COLA", 512 * 1024):
        # A large file: a worker imports it; the page follows the job.
        try:
            id_tarea = tareas.encolar(
                importacion_tarea.FUNCION, form.token.data, nombre, current_user.id
            )
        except tareas.ColaNoDisponible:
            flash(_("La cola de tareas no responde; intente de nuevo en unos minutos."), "error")
            return redirect(url_for("convenios.importar_anexo4"))
        return redirect(url_for("convenios.importar_anexo4", tarea=id_tarea))
    try:
        analisis = importacion.analizar(importacion.leer_archivo(guardado, contenido))
        if not analisis.valido:
            # The data changed since the preview (e.g. a convenio was edited): show why.
            db.session.rollback()
            descartar_en_espera(guardado)
            db.session.commit()
            flash(_("Los datos cambiaron desde la vista previa; no se importó nada."), "error")
            return _pagina(ImportarAnexo4Form(formdata=None), analisis)
        resumen = importacion.aplicar(
            analisis, usuario_id=current_user.id, ahora=ahora(), archivo=nombre
        )
        descartar_en_espera(guardado)  # removed with the import's commit
        db.session.commit()
    except (importacion.ErrorImportacion, ErrorAnexo4) as error:
        db.session.rollback()
        flash(_("No se importó nada: %(mensaje)s", mensaje=error.mensaje), "error")
        return redirect(url_for("convenios.importar_anexo4"))
    # A concurrent change of the same Anexos 4 (stale version, duplicate insert) reaches the
    # app's handler (app/comun/concurrencia.py): all rolled back, the import page with the message.
    mensaje = importacion_tarea.mensaje_resumen(resumen)
    flash(mensaje, "exito")
    return redirect(url_for("convenios.importar_anexo4"))


@bp.route("/anexo4/exportar")
@permitido(Rol.odes, Rol.direccion, Rol.drtpe)
def exportar_anexo4():
    """Download Anexo 4 cells in the bulk format, CSV or Excel, within the user's scope."""
    codigo = request.args.get("periodo") or "todos"
    periodo = None
    if codigo != "todos":
        periodo = periodos_queries.periodo_exacto(codigo)
        if periodo is None:
            abort(404)
    formato = request.args.get("formato") or "csv"
    if formato not in FORMATOS:
        abort(400, _("Formato no admitido: use csv o xlsx."))
    region_id = proponente_id = None
    sufijo = ""
    # The same scope as the Anexo 4 pages: a region its own rows, a directorate its own IdG.
    if current_user.rol is Rol.drtpe:
        if current_user.region_id is None:
            abort(403)
        region_id = current_user.region_id
        sufijo = f"_{current_user.region.codigo}"
    elif current_user.rol is Rol.direccion:
        if current_user.unidad_id is None:
            abort(403)
        proponente_id = current_user.unidad_id
        sufijo = f"_{current_user.unidad.sigla.lower()}"
    filas = exportacion.exportar_filas(periodo, region_id, proponente_id=proponente_id)
    contenido = exportacion.a_csv(filas) if formato == "csv" else exportacion.a_xlsx(filas)
    return send_file(
        io.BytesIO(contenido),
        mimetype=FORMATOS[formato],
        as_attachment=True,
        download_name=f"anexo4_{periodo.codigo if periodo else 'todos'}{sufijo}.{formato}",
    )
