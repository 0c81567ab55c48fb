"""Views of the activities of a capacity-building programme and of their runs: create and
edit an activity, set its regions × months, and record each run's execution, reprogramming
or cancellation (with its evidence file)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.catalogo.queries import ciclo_de_anio, unidades
from app.comun import almacenamiento
from app.comun.auditoria import historial
from app.comun.base import ahora
from app.comun.campos import version_leida
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.forms.comun import mostrar_error
from app.mejora_continua.forms.programacion import (
    ActividadForm,
    CancelacionForm,
    EjecucionForm,
    ProgramarActividadForm,
    ReprogramacionForm,
)
from app.mejora_continua.models.planes import FilaMatrizLogica
from app.mejora_continua.models.programacion import (
    MESES_CORTOS,
    EstadoProgramacion,
    ProgramacionRegional,
    nombre_mes,
)
from app.mejora_continua.queries import programacion as queries
from app.mejora_continua.queries.evaluaciones import recomendaciones_vinculables
from app.mejora_continua.services import programacion as services
from app.mejora_continua.services import programacion_actividades as actividades

# --- Activities ----------------------------------------------------------------------------


def _opciones_actividad(form: ActividadForm, anio: int, indicador_id: int | None = None) -> None:
    """Fill the activity form's choices: the IdG of the programme year's cycle, and the
    recommendations of the IdG when known."""
    ciclo = ciclo_de_anio(anio)
    indicadores = list(ciclo.indicadores) if ciclo else []
    form.indicador_id.choices = [(0, _("Seleccione…"))] + [
        (i.id, f"IdG {i.numero} – {i.nombre}") for i in indicadores
    ]
    form.unidad_id.choices = [(0, _("Seleccione…"))] + [
        (u.id, f"{u.sigla} – {u.nombre}") for u in unidades()
    ]
    form.recomendacion_ids.choices = [
        (
            i.id,
            f"IdG {i.evaluacion.indicador.numero} · {i.evaluacion.periodo.nombre} · "
            f"{i.texto[:120]}",
        )
        for i in recomendaciones_vinculables(current_user, indicador_id)
    ]


@bp.route("/programas/<int:anio>/actividades/nueva", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.direccion)
def nueva_actividad(anio: int):
    """Add an activity to a programme (a directorate adds its own unit's activities)."""
    programa = acceso.programa_o_404(anio)
    form = ActividadForm()
    accion = acceso.accion_a_programar_o_404(
        request.args.get("accion_plan") or form.accion_plan_id.data
    )
    if accion is not None and request.method == "GET":
        _de_la_accion(form, accion, programa.anio)
    _opciones_actividad(form, programa.anio, form.indicador_id.data or None)
    if current_user.rol is Rol.direccion and request.method == "GET":
        form.unidad_id.data = current_user.unidad_id
    if form.validate_on_submit():
        try:
            actividad = actividades.crear_actividad(programa, form.datos(), usuario=current_user)
        except services.ErrorProgramacion as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Actividad registrada. Ahora indique sus regiones y meses."), "exito")
            return redirect(
                url_for("mejora_continua.programar_actividad", actividad_id=actividad.id)
            )
    return render_template(
        "mejora_continua/programa_actividad_form.html",
        programa=programa,
        actividad=None,
        form=form,
        elige_unidad=current_user.rol is Rol.odes,
        accion=accion,
    )


def _de_la_accion(form: ActividadForm, accion: FilaMatrizLogica, anio: int) -> None:
    """Preset a new activity from the plan action it schedules: its name, the plan's IdG of
    the programme's cycle and the unit of the action's responsible organ."""
    form.accion_plan_id.data = str(accion.id)
    form.nombre.data = accion.objetivo or accion.indicador
    ciclo = ciclo_de_anio(anio)
    del_ciclo = [i for i in accion.plan.indicadores if ciclo and i in ciclo.indicadores]
    if del_ciclo:
        form.indicador_id.data = del_ciclo[0].id
    if accion.responsable and accion.responsable.unidad_id:
        form.unidad_id.data = accion.responsable.unidad_id


@bp.route("/actividades/<int:actividad_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def actividad(actividad_id: int):
    """Show an activity: recommendations, derived schedule and its runs (a region: its own)."""
    actividad = acceso.actividad_o_404(actividad_id)
    region_id = acceso.region_del_usuario(current_user)
    runs = [p for p in actividad.programaciones if region_id is None or p.region_id == region_id]
    runs.sort(key=lambda p: (p.region.orden, p.mes))
    return render_template(
        "mejora_continua/programa_actividad.html",
        actividad=actividad,
        programa=actividad.programa,
        runs=runs,
        meses_cronograma=queries.cronograma(actividad),
        detalle=queries.detalle(actividad),
        meses=MESES_CORTOS,
        nombre_mes=nombre_mes,
        gestiona=acceso.puede_gestionar_actividad(actividad, current_user),
        puede_ver_runs=current_user.rol is not Rol.revisor,
        eventos=historial("actividad_programa", actividad.id)
        if acceso.puede_gestionar_actividad(actividad, current_user)
        else [],
    )


@bp.route("/actividades/<int:actividad_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.direccion)
def editar_actividad(actividad_id: int):
    """Edit an activity of the user's unit (ODES: any)."""
    actividad = acceso.actividad_gestionada_o_404(actividad_id)
    form = ActividadForm(obj=actividad if request.method == "GET" else None)
    _opciones_actividad(form, actividad.programa.anio, actividad.indicador_id)
    if request.method == "GET":
        form.recomendacion_ids.data = [i.id for i in actividad.recomendaciones]
        form.version.data = str(actividad.version)
    if form.validate_on_submit():
        try:
            actividades.editar_actividad(
                actividad,
                form.datos(),
                usuario=current_user,
                version=version_leida(form.version.data),
            )
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            flash(_("Actividad actualizada."), "exito")
            return redirect(url_for("mejora_continua.actividad", actividad_id=actividad.id))
    return render_template(
        "mejora_continua/programa_actividad_form.html",
        programa=actividad.programa,
        actividad=actividad,
        form=form,
        elige_unidad=current_user.rol is Rol.odes,
    )


@bp.route("/actividades/<int:actividad_id>/programacion", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.direccion)
def programar_actividad(actividad_id: int):
    """Set the regions and months of an activity on a region × month grid."""
    actividad = acceso.actividad_gestionada_o_404(actividad_id)
    form = ProgramarActividadForm()
    regiones = queries.regiones()
    actual = {(p.region_id, p.mes): p for p in actividad.programaciones}
    marcadas = set(actual)
    if form.validate_on_submit():
        marcadas = set()
        for valor in request.form.getlist("celda"):
            region_id, _guion, mes = valor.partition("-")
            if region_id.isdecimal() and mes.isdecimal():
                marcadas.add((int(region_id), int(mes)))
        try:
            for region_id, meses in actividades.leer_detalle(form.detalle.data).items():
                marcadas.update((region_id, mes) for mes in meses)
            plan: dict[int, set[int]] = {}
            for region_id, mes in marcadas:
                plan.setdefault(region_id, set()).add(mes)
            agregadas, quitadas = actividades.fijar_programacion(
                actividad, plan, usuario=current_user, motivo=form.motivo.data
            )
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            if agregadas or quitadas:
                flash(
                    _(
                        "Programación guardada: %(agregadas)s "
                        "región-mes agregados, %(quitadas)s quitados.",
                        agregadas=agregadas,
                        quitadas=quitadas,
                    ),
                    "exito",
                )
            else:
                flash(_("No hubo cambios en la programación."), "info")
            return redirect(url_for("mejora_continua.actividad", actividad_id=actividad.id))
    return render_template(
        "mejora_continua/programa_programar.html",
        actividad=actividad,
        programa=actividad.programa,
        regiones=regiones,
        marcadas=marcadas,
        bloqueadas={
            clave
            for clave, p in actual.items()
            if p.estado is not EstadoProgramacion.programada or p.movimientos
        },
        meses=MESES_CORTOS,
        form=form,
    )


# --- Runs: execution, reprogramming, cancellation ------------------------------------------


def _pagina_programacion(programacion: ProgramacionRegional, **formularios):
    """Render a run's page with its forms (those given keep their errors)."""
    formularios.setdefault("form_ejecucion", EjecucionForm())
    formularios.setdefault("form_reprogramacion", ReprogramacionForm())
    formularios.setdefault("form_cancelacion", CancelacionForm())
    return render_template(
        "mejora_continua/programa_registro.html",
        programacion=programacion,
        actividad=programacion.actividad,
        programa=programacion.actividad.programa,
        puede_registrar=acceso.puede_registrar_programacion(programacion, current_user),
        nombre_mes=nombre_mes,
        eventos=historial("programacion_regional", programacion.id),
        **formularios,
    )


@bp.route("/programacion/<int:programacion_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def programacion(programacion_id: int):
    """One run (activity × region × month): its state, history and the forms to update it."""
    return _pagina_programacion(acceso.programacion_o_404(programacion_id))


def _registrar(programacion: ProgramacionRegional, form, nombre_form: str, accion, mensaje: str):
    """Validate a run form, apply the service action, commit and redirect (or re-render)."""
    if form.validate_on_submit():
        try:
            accion()
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            flash(mensaje, "exito")
            return redirect(
                url_for("mejora_continua.programacion", programacion_id=programacion.id)
            )
    return _pagina_programacion(programacion, **{nombre_form: form})


@bp.route("/programacion/<int:programacion_id>/ejecutar", methods=["POST"])
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def ejecutar_programacion(programacion_id: int):
    """Record that the run took place (date, participants, optional evidence)."""
    programacion = acceso.programacion_registrable_o_404(programacion_id)
    form = EjecucionForm()
    archivo = form.evidencia.data

    def accion():
        """Record the execution with the form's data."""
        evidencia = None
        if archivo and getattr(archivo, "filename", ""):
            evidencia = (archivo.filename, archivo.read())
        services.registrar_ejecucion(
            programacion,
            fecha=form.fecha.data,
            participantes=form.participantes.data,
            observacion=form.observacion.data,
            evidencia=evidencia,
            usuario=current_user,
            hoy=date.today(),
            ahora=ahora(),
        )

    return _registrar(programacion, form, "form_ejecucion", accion, _("Ejecución registrada."))


@bp.route("/programacion/<int:programacion_id>/reprogramar", methods=["POST"])
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def reprogramar_programacion(programacion_id: int):
    """Move the run to another month, with a reason."""
    programacion = acceso.programacion_registrable_o_404(programacion_id)
    form = ReprogramacionForm()
    return _registrar(
        programacion,
        form,
        "form_reprogramacion",
        lambda: services.reprogramar(
            programacion,
            form.mes_nuevo.data,
            form.motivo.data,
            usuario=current_user,
            ahora=ahora(),
        ),
        _("Actividad reprogramada."),
    )


@bp.route("/programacion/<int:programacion_id>/cancelar", methods=["POST"])
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def cancelar_programacion(programacion_id: int):
    """Cancel the run, with a reason."""
    programacion = acceso.programacion_registrable_o_404(programacion_id)
    form = CancelacionForm()
    return _registrar(
        programacion,
        form,
        "form_cancelacion",
        lambda: services.cancelar(
            programacion, form.motivo.data, usuario=current_user, ahora=ahora()
        ),
        _("Actividad cancelada en esta región."),
    )


@bp.route("/programacion/<int:programacion_id>/evidencia")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def evidencia_programacion(programacion_id: int):
    """Download the evidence file of an executed run."""
    programacion = acceso.programacion_o_404(programacion_id)
    respuesta = almacenamiento.enviar(
        services.CARPETA,
        programacion.evidencia_archivo,
        mimetype=programacion.evidencia_tipo,
        download_name=programacion.evidencia_nombre,
    )
    if respuesta is None:
        abort(404)
    return respuesta
