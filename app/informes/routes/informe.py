"""Views of the report itself: its page, narrative, PDF builds and publication (ODES writes)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permisos import es
from app.catalogo.models import Region
from app.comun.acciones import confirmar
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido
from app.convenios.models import Periodo
from app.extensions import db
from app.informes import bp, services
from app.informes.models import ArchivoInforme, EstadoGeneracion, GeneracionInforme, Informe
from app.informes.routes.comun import alcance, periodo_o_404


def _volver(periodo: Periodo):
    """Redirect to the semester's report page."""
    return redirect(url_for("informes.informe", periodo=periodo.codigo))


def _contexto_informe(periodo: Periodo, informe_obj: Informe | None, **extra) -> dict:
    """What the report page shows; ODES also gets the narrative form, builds and files."""
    contexto = {
        "periodo": periodo,
        "informe": informe_obj,
        "archivo_publicado": informe_obj.archivo_publicado if informe_obj else None,
        # The tables' Excel holds figures: offered only to a reader who may see some.
        "con_cifras": not alcance(periodo).ninguno,
        "fichas": db.session.execute(
            sa.select(Region.codigo, Region.nombre).order_by(Region.orden, Region.nombre)
        ).all(),
    }
    if not es(Rol.odes):
        return contexto
    from app.informes.narrativa import LEMA_POR_DEFECTO

    generaciones = []
    if informe_obj is not None:
        # The files before the builds: a build that ends between the two reads then shows as
        # done with its file, never as its file beside a progress box that reloads the page.
        list(informe_obj.archivos)
        generaciones = list(
            db.session.scalars(
                sa.select(GeneracionInforme)
                .filter_by(informe_id=informe_obj.id)
                .order_by(GeneracionInforme.id.desc())
                .limit(5)
            )
        )
    contexto.update(
        textos=services.narrativa_efectiva(informe_obj, periodo),
        lema_heredado=services.lema_de(informe_obj, periodo),
        informe_origen=_sin_revisar(informe_obj, services.informe_anterior(periodo)),
        defecto=services.narrativa_por_defecto(),
        claves=services.claves_narrativa(),
        titulo_seccion=services.titulo_seccion,
        lema_defecto=LEMA_POR_DEFECTO,
        errores={},
        generaciones=generaciones,
        activas=[g for g in generaciones if g.activa and not services.interrumpida(g)],
        version_final=services.huella(periodo, informe_obj, borrador=False),
        eventos=historial("informe", informe_obj.id) if informe_obj else [],
    )
    contexto.update(extra)
    return contexto


def _sin_revisar(informe, anterior):
    """The report the texts were copied from, while they are still unchanged (else None)."""
    if anterior is None or informe is None:
        return anterior
    iguales = (informe.narrativa or {}) == (anterior.narrativa or {})
    return anterior if iguales and informe.lema == anterior.lema else None


@bp.route("/<periodo>")
@permitido()
def informe(periodo: str):
    """Show a semester's report: ODES edits, builds and publishes; others read it if published."""
    periodo_obj = periodo_o_404(periodo)
    return render_template(
        "informes/informe.html", **_contexto_informe(periodo_obj, services.informe_de(periodo_obj))
    )


@bp.route("/<periodo>/narrativa", methods=["POST"])
@permitido(Rol.odes)
def editar_narrativa(periodo: str):
    """Save the report's narrative sections (overrides of the 2020 texts)."""
    periodo_obj = periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj, crear=True)
    claves = services.claves_narrativa()
    textos = {c: request.form[f"texto-{c}"] for c in claves if f"texto-{c}" in request.form}
    restaurar = {c for c in claves if request.form.get(f"restaurar-{c}")}
    lema = request.form.get("lema") if "lema" in request.form else informe_obj.lema
    try:
        version = int(request.form.get("version") or 0) or None
    except ValueError:
        version = None
    try:
        errores = services.editar_narrativa(
            informe_obj,
            textos,
            lema=lema,
            restaurar=restaurar,
            usuario=current_user,
            version=version,
        )
    except services.ErrorInforme as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return _volver(periodo_obj)
    if errores:
        db.session.rollback()
        flash(_("Hay errores en la narrativa; no se guardó nada."), "error")
        informe_obj = services.informe_de(periodo_obj)
        propuestos = services.narrativa_efectiva(informe_obj)
        propuestos.update(textos)
        contexto = _contexto_informe(
            periodo_obj, informe_obj, textos=propuestos, lema_propuesto=lema, errores=errores
        )
        return render_template("informes/informe.html", **contexto), 422
    db.session.commit()
    flash(_("Narrativa guardada. Se usará en el próximo informe que se genere."), "exito")
    return _volver(periodo_obj)


@bp.route("/<periodo>/generar", methods=["POST"])
@permitido(Rol.odes)
def generar(periodo: str):
    """Build the report PDF (or reuse the stored one for unchanged data) and show progress."""
    periodo_obj = periodo_o_404(periodo)
    tipo = request.form.get("tipo")
    if tipo not in ("borrador", "final"):
        flash(_("Elija si desea generar la vista previa (BORRADOR) o el informe final."), "error")
        return _volver(periodo_obj)
    informe_obj = services.informe_de(periodo_obj, crear=True)
    try:
        if "nota_version" in request.form:
            services.fijar_nota_version(
                informe_obj, request.form.get("nota_version"), usuario=current_user
            )
        solicitud = services.generar(informe_obj, current_user, tipo == "borrador")
    except services.ErrorInforme as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return _volver(periodo_obj)
    db.session.commit()
    if solicitud.reutilizado:
        flash(
            _(
                "Los datos no cambiaron desde la última generación: "
                "el archivo guardado está listo para descargar."
            ),
            "info",
        )
    elif solicitud.generacion.estado.value == "error":
        flash(
            _("No se pudo generar el informe: %(error)s", error=solicitud.generacion.error), "error"
        )
    elif solicitud.generacion.estado.value == "terminado":
        flash(_("Informe generado."), "exito")
    else:
        flash(_("Generando el informe; puede seguir trabajando mientras tanto."), "info")
    return _volver(periodo_obj)


@bp.route("/generaciones/<int:generacion_id>")
@permitido(Rol.odes)
def generacion(generacion_id: int):
    """Report a build's progress as JSON (polled by static/js/progreso.js)."""
    # Always read the row anew: the job writes it from another session (or host).
    job = db.session.get(GeneracionInforme, generacion_id, populate_existing=True)
    if job is None:
        abort(404)
    archivo = job.archivo
    cortada = services.interrumpida(job)
    # While it runs, the progress comes from the queue's job, not from the row.
    en_cola = services.estado_tarea(job) if job.activa and not cortada else None
    estado = EstadoGeneracion.error if cortada else job.estado
    if en_cola is not None and en_cola.estado == "en_curso":
        estado = EstadoGeneracion.en_curso
    respuesta = jsonify(
        {
            "id": job.id,
            "estado": estado.value,
            "etiqueta": estado.etiqueta,
            "fraccion": en_cola.fraccion if en_cola else job.fraccion,
            "mensaje": (en_cola.mensaje if en_cola and en_cola.mensaje else job.mensaje),
            "error": _error_interrumpida(job) if cortada else job.error,
            "archivo": (
                {
                    "id": archivo.id,
                    "url": url_for("informes.descargar", archivo_id=archivo.id),
                    "version": archivo.version_corta,
                }
                if archivo
                else None
            ),
        }
    )
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


def _error_interrumpida(job) -> str:
    """Why a dead build failed: the queue's reason, else the generic message."""
    actual = services.estado_tarea(job)
    return (actual.error if actual and actual.error else None) or str(services.MENSAJE_INTERRUMPIDA)


@bp.route("/<periodo>/publicar", methods=["POST"])
@permitido(Rol.odes)
def publicar(periodo: str):
    """Publish a final file of the report for reviewers and the public page."""
    periodo_obj = periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj)
    try:
        archivo_id = int(request.form.get("archivo_id") or 0)
    except ValueError:
        archivo_id = 0
    # An id beyond a 32-bit integer can't exist (and the database driver would refuse it).
    archivo = db.session.get(ArchivoInforme, archivo_id) if 0 < archivo_id < 2**31 else None
    if informe_obj is None or archivo is None:
        flash(_("Elija el archivo del informe que desea publicar."), "error")
        return _volver(periodo_obj)
    confirmar(
        lambda: services.publicar(informe_obj, archivo, usuario=current_user),
        rechazo=services.ErrorInforme,
        exito=_("Informe publicado: los revisores y la página pública de informes ya lo ven."),
    )
    return _volver(periodo_obj)


@bp.route("/<periodo>/despublicar", methods=["POST"])
@permitido(Rol.odes)
def despublicar(periodo: str):
    """Withdraw a published report, with a reason."""
    periodo_obj = periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj)
    if informe_obj is None:
        flash(_("El informe no está publicado."), "error")
        return _volver(periodo_obj)
    confirmar(
        lambda: services.despublicar(
            informe_obj, usuario=current_user, motivo=request.form.get("motivo")
        ),
        rechazo=services.ErrorInforme,
        exito=_("Informe despublicado."),
    )
    return _volver(periodo_obj)
