"""Views of the capacity-building programme, the recommendation matrix and their Excel files."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import exigir_region
from app.catalogo.models import Indicador, Region
from app.catalogo.queries import conjuntos, unidades
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.base import ahora
from app.comun.campos import version_leida
from app.comun.roles import Rol, permitido
from app.convenios.models import EstadoReporte
from app.extensions import db
from app.mejora_continua import bp
from app.mejora_continua.forms import (
    AccionProgramaForm,
    ActividadForm,
    CancelacionForm,
    EjecucionForm,
    MotivoProgramaForm,
    ProgramaCapacidadesForm,
    ProgramarActividadForm,
    ReprogramacionForm,
)
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.programacion import (
    MESES_CORTOS,
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
)
from app.mejora_continua.queries import programacion as queries
from app.mejora_continua.services import programacion as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programa_o_404(anio: int):
    """The programme of a year, or 404."""
    programa = queries.programa_por_anio(anio)
    if programa is None:
        abort(404)
    return programa


def _actividad_o_404(actividad_id: int) -> Actividad:
    """An activity by id, or 404."""
    actividad = db.session.get(Actividad, actividad_id)
    if actividad is None:
        abort(404)
    return actividad


def _actividad_propia_o_404(actividad_id: int) -> Actividad:
    """An activity the current user manages (its unit's, or any for ODES); 404 otherwise."""
    actividad = _actividad_o_404(actividad_id)
    if not services.puede_gestionar_actividad(actividad, current_user):
        abort(404)
    return actividad


def _programacion_o_404(programacion_id: int) -> ProgramacionRegional:
    """A run the current user may see (a region only its own); 404 otherwise."""
    programacion = db.session.get(ProgramacionRegional, programacion_id)
    if programacion is None or not services.puede_ver_programacion(programacion, current_user):
        abort(404)
    return programacion


def _anio(texto: str) -> int:
    """A year from the query string; ValueError (the parameter is ignored) if out of range."""
    anio = int(texto)
    if not 0 < anio < 10_000:  # SQLite can't even compare a huge int
        raise ValueError(texto)
    return anio


def _region_usuario() -> int | None:
    """The region a drtpe user is bound to (their views are narrowed to it)."""
    return current_user.region_id if current_user.rol is Rol.drtpe else None


def _aplicar_error(form, error: services.ErrorProgramacion) -> None:
    """Show a service error next to its field, or as a message when it has none."""
    campo = getattr(form, error.campo, None) if error.campo else None
    if campo is not None:
        campo.errors = [*campo.errors, error.mensaje]
    else:
        flash(error.mensaje, "error")


# --- Programmes ----------------------------------------------------------------------------


@bp.route("/programas")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programas():
    """List the annual capacity-building programmes (state filter, paged)."""
    return _lista_programas(ProgramaCapacidadesForm())


def _lista_programas(form: ProgramaCapacidadesForm):
    """Render the programme list with its filters and the registration form."""
    filtros = listas.leer(
        listas.Campo("estado", _l("Estado"), [(e.value, e.etiqueta) for e in EstadoPrograma])
    )
    consulta = sa.select(ProgramaCapacidades).order_by(ProgramaCapacidades.anio.desc())
    if filtros["estado"]:
        consulta = consulta.where(ProgramaCapacidades.estado == EstadoPrograma(filtros["estado"]))
    pagina = listas.paginar(consulta, filtros)
    return render_template(
        "mejora_continua/programa_lista.html",
        pagina=pagina,
        fl=filtros,
        actividades=queries.actividades_por_programa(),
        form=form,
    )


@bp.route("/programas/nuevo", methods=["POST"])
@permitido(Rol.odes)
def nuevo_programa():
    """Open the draft programme of a year."""
    form = ProgramaCapacidadesForm()
    if form.validate_on_submit():
        try:
            programa = services.crear_programa(
                form.anio.data, form.nombre.data, usuario=current_user
            )
        except services.ErrorProgramacion as error:
            db.session.rollback()
            _aplicar_error(form, error)
        else:
            db.session.commit()
            flash(_("Programación %(anio)s registrada como borrador.", anio=programa.anio), "exito")
            return redirect(url_for("mejora_continua.programa", anio=programa.anio))
    return _lista_programas(form)


@bp.route("/programas/<int:anio>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programa(anio: int):
    """Show a programme: activities by IdG with their derived ENE…DIC schedule and DETALLE."""
    programa = _programa_o_404(anio)
    unidades = queries.unidades_con_actividades(programa)
    filtros = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre de la actividad")),
        listas.Campo(
            "unidad", _l("Unidad responsable"), [(u.id, u.sigla) for u in unidades], _l("Todas")
        ),
        listas.Campo("idg", _l("IdG"), [(n, n) for n in range(1, 13)]),
    )
    consulta = queries.consulta_actividades(
        programa,
        unidad_id=filtros.entero("unidad"),
        texto=filtros.q,
        indicador_numero=filtros.entero("idg"),
    )
    pagina = listas.paginar(consulta, filtros)
    actividades = pagina.items
    total = len(queries.regiones())
    filas = [
        queries.ActividadMatriz(a, services.cronograma(a), queries.detalle(a, total_regiones=total))
        for a in actividades
    ]
    return render_template(
        "mejora_continua/programa_ver.html",
        programa=programa,
        filas=filas,
        pagina=pagina,
        fl=filtros,
        meses=MESES_CORTOS,
        puede_crear=current_user.rol in (Rol.odes, Rol.direccion),
        gestiona={a.id for a in actividades if services.puede_gestionar_actividad(a, current_user)},
        form=AccionProgramaForm(),
        form_motivo=MotivoProgramaForm(),
        eventos=historial("programa_capacidades", programa.id)
        if current_user.rol is Rol.odes
        else [],
    )


@bp.route("/programas/<int:anio>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_programa(anio: int):
    """Approve a draft programme (execution is then recorded on it)."""
    programa = _programa_o_404(anio)
    if not AccionProgramaForm().validate_on_submit():
        abort(400)
    try:
        services.aprobar_programa(programa, usuario=current_user, ahora=ahora())
    except services.ErrorProgramacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(_("Programación %(anio)s aprobada.", anio=anio), "exito")
    return redirect(url_for("mejora_continua.programa", anio=anio))


@bp.route("/programas/<int:anio>/reabrir", methods=["POST"])
@permitido(Rol.odes)
def reabrir_programa(anio: int):
    """Return an approved programme to draft, with a reason."""
    programa = _programa_o_404(anio)
    form = MotivoProgramaForm()
    try:
        services.reabrir_programa(programa, form.motivo.data, usuario=current_user)
    except services.ErrorProgramacion as error:
        db.session.rollback()
        flash(error.mensaje, "error")
    else:
        db.session.commit()
        flash(_("Programación %(anio)s reabierta como borrador.", anio=anio), "exito")
    return redirect(url_for("mejora_continua.programa", anio=anio))


@bp.route("/programas/<int:anio>/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def programa_excel(anio: int):
    """Download the programme as Excel: ENE…DIC grid per activity and per region, execution."""
    from app.mejora_continua.exportacion import programacion as excel_mejora

    programa = _programa_o_404(anio)
    total = len(queries.regiones())
    filas = [
        queries.ActividadMatriz(a, services.cronograma(a), queries.detalle(a, total_regiones=total))
        for a in queries.actividades(programa)
    ]
    region_id = _region_usuario()
    contenido = excel_mejora.libro_programa(
        programa,
        filas,
        queries.programaciones(programa, region_id=region_id),
        hoy=date.today(),
        ambito=current_user.region.nombre if region_id else "",
    )
    sufijo = f"_{current_user.region.codigo}" if region_id else ""
    return send_file(
        io.BytesIO(contenido),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"programacion_capacidades_{anio}{sufijo}.xlsx",
    )


@bp.route("/programas/<int:anio>/calendario")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def calendario(anio: int):
    """The region × month grid of a programme (a region sees its own row)."""
    programa = _programa_o_404(anio)
    return render_template(
        "mejora_continua/programa_calendario.html",
        programa=programa,
        calendario=queries.calendario(programa, region_id=_region_usuario()),
        meses=MESES_CORTOS,
    )


@bp.route("/programas/<int:anio>/avance")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def avance(anio: int):
    """Planned vs executed runs per activity, unit and region (a region sees its own)."""
    programa = _programa_o_404(anio)
    return render_template(
        "mejora_continua/programa_avance.html",
        programa=programa,
        resumen=queries.avance(programa, region_id=_region_usuario(), hoy=date.today()),
    )


@bp.route("/agenda/<codigo>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def agenda(codigo: str):
    """A region's agenda: its runs month by month (a region sees only its own)."""
    region = db.first_or_404(db.select(Region).filter_by(codigo=codigo))
    exigir_region(region.id)
    anio = request.args.get("anio", type=_anio)
    programas = queries.programas()
    programa = _programa_o_404(anio) if anio else (programas[0] if programas else None)
    return render_template(
        "mejora_continua/programa_agenda.html",
        region=region,
        programa=programa,
        programas=programas,
        agenda=queries.agenda(programa, region) if programa else {},
        nombre_mes=nombre_mes,
    )


# --- Activities ----------------------------------------------------------------------------


def _opciones_actividad(form: ActividadForm, indicador_id: int | None = None) -> None:
    """Fill the activity form's choices (recommendations of the IdG when known)."""
    indicadores = [i for c in conjuntos()[:1] for i in c.indicadores]
    form.indicador_id.choices = [(0, _("Seleccione…"))] + [
        (i.id, f"IdG {i.numero} – {i.nombre}") for i in indicadores
    ]
    form.unidad_id.choices = [(0, _("Seleccione…"))] + [
        (u.id, f"{u.sigla} – {u.nombre}") for u in unidades()
    ]
    consulta = (
        db.select(ItemEvaluacion)
        .join(Evaluacion, ItemEvaluacion.evaluacion_id == Evaluacion.id)
        .join(Indicador, Evaluacion.indicador_id == Indicador.id)
        .where(ItemEvaluacion.tipo == TipoItem.recomendacion)
        .order_by(Indicador.numero, ItemEvaluacion.orden)
    )
    if indicador_id:
        consulta = consulta.where(Evaluacion.indicador_id == indicador_id)
    if current_user.rol is Rol.direccion:
        # Another unit's Anexo 5 is not read before it is approved.
        consulta = consulta.where(
            sa.or_(
                Evaluacion.estado == EstadoReporte.aprobado,
                Evaluacion.unidad_id == current_user.unidad_id,
            )
        )
    form.recomendacion_ids.choices = [
        (
            i.id,
            f"IdG {i.evaluacion.indicador.numero} · {i.evaluacion.periodo.nombre} · "
            f"{i.texto[:120]}",
        )
        for i in db.session.scalars(consulta)
    ]


@bp.route("/programas/<int:anio>/actividades/nueva", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.direccion)
def nueva_actividad(anio: int):
    """Add an activity to a programme (a directorate adds its own unit's activities)."""
    programa = _programa_o_404(anio)
    form = ActividadForm()
    _opciones_actividad(form, form.indicador_id.data or None)
    if current_user.rol is Rol.direccion and request.method == "GET":
        form.unidad_id.data = current_user.unidad_id
    if form.validate_on_submit():
        try:
            actividad = services.crear_actividad(programa, form.datos(), usuario=current_user)
        except services.ErrorProgramacion as error:
            db.session.rollback()
            _aplicar_error(form, error)
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
    )


@bp.route("/actividades/<int:actividad_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def actividad(actividad_id: int):
    """Show an activity: recommendations, derived schedule and its runs (a region: its own)."""
    actividad = _actividad_o_404(actividad_id)
    region_id = _region_usuario()
    runs = [p for p in actividad.programaciones if region_id is None or p.region_id == region_id]
    runs.sort(key=lambda p: (p.region.orden, p.mes))
    return render_template(
        "mejora_continua/programa_actividad.html",
        actividad=actividad,
        programa=actividad.programa,
        runs=runs,
        meses_cronograma=services.cronograma(actividad),
        detalle=queries.detalle(actividad),
        meses=MESES_CORTOS,
        nombre_mes=nombre_mes,
        gestiona=services.puede_gestionar_actividad(actividad, current_user),
        puede_ver_runs=current_user.rol is not Rol.revisor,
        eventos=historial("actividad_programa", actividad.id)
        if services.puede_gestionar_actividad(actividad, current_user)
        else [],
    )


@bp.route("/actividades/<int:actividad_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.direccion)
def editar_actividad(actividad_id: int):
    """Edit an activity of the user's unit (ODES: any)."""
    actividad = _actividad_propia_o_404(actividad_id)
    form = ActividadForm(obj=actividad if request.method == "GET" else None)
    _opciones_actividad(form, actividad.indicador_id)
    if request.method == "GET":
        form.recomendacion_ids.data = [i.id for i in actividad.recomendaciones]
        form.version.data = str(actividad.version)
    if form.validate_on_submit():
        try:
            services.editar_actividad(
                actividad,
                form.datos(),
                usuario=current_user,
                version=version_leida(form.version.data),
            )
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            _aplicar_error(form, error)
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
    actividad = _actividad_propia_o_404(actividad_id)
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
            for region_id, meses in services.leer_detalle(form.detalle.data).items():
                marcadas.update((region_id, mes) for mes in meses)
            plan: dict[int, set[int]] = {}
            for region_id, mes in marcadas:
                plan.setdefault(region_id, set()).add(mes)
            agregadas, quitadas = services.fijar_programacion(
                actividad, plan, usuario=current_user, motivo=form.motivo.data
            )
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            _aplicar_error(form, error)
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
        puede_registrar=services.puede_registrar(programacion, current_user),
        nombre_mes=nombre_mes,
        eventos=historial("programacion_regional", programacion.id),
        **formularios,
    )


def _registrable_o_404(programacion_id: int) -> ProgramacionRegional:
    """A run the current user may update, or 404."""
    programacion = _programacion_o_404(programacion_id)
    if not services.puede_registrar(programacion, current_user):
        abort(404)
    return programacion


@bp.route("/programacion/<int:programacion_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def programacion(programacion_id: int):
    """One run (activity × region × month): its state, history and the forms to update it."""
    return _pagina_programacion(_programacion_o_404(programacion_id))


def _registrar(programacion: ProgramacionRegional, form, nombre_form: str, accion, mensaje: str):
    """Validate a run form, apply the service action, commit and redirect (or re-render)."""
    if form.validate_on_submit():
        try:
            accion()
            db.session.commit()
        except services.ErrorProgramacion as error:
            db.session.rollback()
            _aplicar_error(form, error)
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
    programacion = _registrable_o_404(programacion_id)
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
    programacion = _registrable_o_404(programacion_id)
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
    programacion = _registrable_o_404(programacion_id)
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
    programacion = _programacion_o_404(programacion_id)
    if not programacion.evidencia_archivo:
        abort(404)
    try:
        ruta = services.ruta_evidencia(programacion)
    except services.ErrorProgramacion:
        abort(404)
    if not ruta.is_file():
        abort(404)
    return send_file(
        ruta,
        mimetype=programacion.evidencia_tipo,
        as_attachment=True,
        download_name=programacion.evidencia_nombre,
    )


# --- The matrix ----------------------------------------------------------------------------


def _matriz():
    """The year and matrix named by ?anio= and ?periodo= (404 for an unknown semester)."""
    anio = request.args.get("anio", type=_anio)
    if anio is None:
        programas = queries.programas()
        anio = programas[0].anio if programas else date.today().year
    periodo = None
    if request.args.get("periodo"):
        periodo = queries.periodo_por_codigo(request.args["periodo"])
        if periodo is None:
            abort(404)
    return anio, queries.matriz(anio, periodo)


def _fila_coincide(fila, filtros: listas.Filtros) -> bool:
    """True when a matrix row (one IdG) passes the IdG and text filters."""
    if filtros.entero("idg") and fila.indicador.numero != filtros.entero("idg"):
        return False
    textos = [fila.indicador.nombre]
    textos += [getattr(r, "texto", "") for r in fila.recomendaciones]
    textos += [a.actividad.nombre for a in fila.actividades]
    return listas.coincide(filtros.q, *textos)


@bp.route("/matriz")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def matriz():
    """The recommendation implementation matrix as the report's annex lays it out."""
    from app.mejora_continua.exportacion import programacion as excel_mejora

    anio, matriz = _matriz()
    programas = queries.programas()
    anios = [p.anio for p in programas] or [anio]
    filtros = listas.leer(
        listas.Campo("anio", _l("Programación"), [(a, a) for a in anios], fijo=True),
        listas.Campo(
            "periodo",
            _l("Recomendaciones del"),
            [(p.codigo, p.nombre) for p in queries.periodos()],
            fijo=True,
        ),
        listas.Campo(
            "idg", _l("IdG"), [(f.indicador.numero, f.indicador.numero) for f in matriz.filas]
        ),
        listas.Campo(
            "sector", _l("Sector"), [(b.sigla, b.sigla) for b in matriz.bloques if b.sigla]
        ),
        listas.Campo("q", _l("Buscar"), marcador=_l("Texto de la recomendación o actividad")),
    )
    filtros.fijar("anio", anio)
    filtros.fijar("periodo", matriz.periodo.codigo if matriz.periodo else "")
    # The annex has one row per IdG (about a dozen): its blocks are filtered in memory.
    bloques = [
        dataclasses.replace(b, filas=[f for f in b.filas if _fila_coincide(f, filtros)])
        for b in matriz.bloques
        if not filtros["sector"] or b.sigla == filtros["sector"]
    ]
    bloques = [b for b in bloques if b.filas]
    return render_template(
        "mejora_continua/matriz.html",
        anio=anio,
        matriz=matriz,
        bloques=bloques,
        fl=filtros,
        mostradas=sum(len(b.filas) for b in bloques),
        programas=queries.programas(),
        periodos=queries.periodos(),
        meses=MESES_CORTOS,
        encabezados=excel_mejora.ENCABEZADOS_MATRIZ,
    )


@bp.route("/matriz/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def matriz_excel():
    """Download the matrix as Excel (landscape, the report's headers)."""
    from app.mejora_continua.exportacion import programacion as excel_mejora

    anio, matriz = _matriz()
    sufijo = f"_{matriz.periodo.codigo}" if matriz.periodo else ""
    return send_file(
        io.BytesIO(excel_mejora.libro_matriz(matriz)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"matriz_recomendaciones_{anio}{sufijo}.xlsx",
    )
