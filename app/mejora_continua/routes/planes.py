"""Views of the Acciones de Mejora Continua plans: list, detail, parts, follow-up, Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.flujo import EstadoReporte
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.exportacion import planes as excel_planes
from app.mejora_continua.forms.comun import datos_iniciales, mostrar_error
from app.mejora_continua.forms.planes import (
    PlanAlternativaForm,
    PlanCausaForm,
    PlanEliminarForm,
    PlanFilaForm,
    PlanMejoraForm,
    PlanProblemaForm,
    PlanResponsableForm,
    llenar_opciones,
)
from app.mejora_continua.forms.planes_diseno import (
    PlanAlineamientoForm,
    PlanIndicadorResumenForm,
    PlanRolForm,
)
from app.mejora_continua.forms.planes_flujo import PlanAccionForm, PlanMotivoForm
from app.mejora_continua.forms.planes_presupuesto import PlanLineaForm, PlanSeguimientoForm
from app.mejora_continua.models.planes import (
    Alternativa,
    Causa,
    FilaMatrizLogica,
    LineaPresupuesto,
    NivelGobierno,
    PlanMejora,
    Problema,
    ResponsableAccion,
)
from app.mejora_continua.models.planes_diseno import AlineamientoPlan, IndicadorResumenPlan, RolPlan
from app.mejora_continua.queries import planes as queries
from app.mejora_continua.queries import programacion as programacion_queries
from app.mejora_continua.services import planes as services
from app.mejora_continua.services import planes_diseno as diseno
from app.mejora_continua.services import planes_presupuesto as presupuesto


@dataclass(frozen=True)
class Parte:
    """One kind of part of a plan that ODES adds, edits and deletes through the same views."""

    nombre: str
    modelo: type
    formulario: type
    crear: Callable[..., list[str]]
    editar: Callable[..., list[str]]
    seccion: str
    #: Fields a "new" link may preset from the query string (e.g. ?problema_id=3)
    presets: tuple[str, ...] = ()


def _sin_avisos(funcion: Callable) -> Callable[..., list[str]]:
    """Adapt a service that returns no warnings to the parts' interface."""

    def envuelta(*args: Any, **kwargs: Any) -> list[str]:
        """Run the service and report no warnings."""
        funcion(*args, **kwargs)
        return []

    return envuelta


PARTES = {
    "problema": Parte(
        _l("Problema"),
        Problema,
        PlanProblemaForm,
        _sin_avisos(services.crear_problema),
        _sin_avisos(services.editar_problema),
        "diagnostico",
    ),
    "causa": Parte(
        _l("Causa"),
        Causa,
        PlanCausaForm,
        _sin_avisos(services.crear_causa),
        _sin_avisos(services.editar_causa),
        "diagnostico",
        ("problema_id", "nivel"),
    ),
    "alternativa": Parte(
        _l("Alternativa de solución"),
        Alternativa,
        PlanAlternativaForm,
        _sin_avisos(services.crear_alternativa),
        _sin_avisos(services.editar_alternativa),
        "diagnostico",
        ("problema_id", "nivel", "causa_id"),
    ),
    "matriz": Parte(
        _l("Fila de la matriz lógica"),
        FilaMatrizLogica,
        PlanFilaForm,
        _sin_avisos(services.crear_fila),
        _sin_avisos(services.editar_fila),
        "matriz",
        ("nivel", "tipo"),
    ),
    "presupuesto": Parte(
        _l("Línea de presupuesto"),
        LineaPresupuesto,
        PlanLineaForm,
        lambda *a, **k: presupuesto.crear_linea(*a, **k)[1],
        presupuesto.editar_linea,
        "presupuesto",
        ("padre_id", "nivel"),
    ),
    "alineamiento": Parte(
        _l("Fila de alineamiento"),
        AlineamientoPlan,
        PlanAlineamientoForm,
        diseno.crear(AlineamientoPlan, "Alineamiento"),
        diseno.editar(AlineamientoPlan, "Alineamiento"),
        "diseno",
    ),
    "rol": Parte(
        _l("Rol por nivel de gobierno"),
        RolPlan,
        PlanRolForm,
        diseno.crear(RolPlan, "Rol"),
        diseno.editar(RolPlan, "Rol"),
        "diseno",
        ("fase",),
    ),
    "indicador": Parte(
        _l("Indicador de la cadena de valor"),
        IndicadorResumenPlan,
        PlanIndicadorResumenForm,
        diseno.crear(IndicadorResumenPlan, "Indicador de la cadena de valor"),
        diseno.editar(IndicadorResumenPlan, "Indicador de la cadena de valor"),
        "diseno",
    ),
    "responsable": Parte(
        _l("Órgano responsable"),
        ResponsableAccion,
        PlanResponsableForm,
        _sin_avisos(services.crear_responsable),
        _sin_avisos(services.editar_responsable),
        "seguimiento",
        ("nivel", "funcion"),
    ),
}


def _parte_o_404(parte: str) -> Parte:
    """The definition of a part kind named in the URL, else 404."""
    definicion = PARTES.get(parte)
    if definicion is None:
        abort(404)
    return definicion


def _presets(definicion: Parte) -> dict[str, Any]:
    """Defaults of a new part taken from the query string (e.g. ?problema_id=3)."""
    datos = {}
    for nombre in definicion.presets:
        valor = request.args.get(nombre)
        if valor:
            datos[nombre] = int(valor) if nombre.endswith("_id") and valor.isdecimal() else valor
    return datos


def _ir_a(plan: PlanMejora, seccion: str):
    """Redirect to a section of the plan page."""
    return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id, _anchor=seccion))


@bp.route("/planes")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def planes():
    """List the AMC plans the user may read, with their budget totals."""
    campos = [listas.Campo("q", _l("Buscar"), marcador=_l("Título o servicio evaluado"))]
    if current_user.rol is not Rol.drtpe:
        regiones = catalogo_queries.regiones()
        campos.append(
            listas.Campo("region", _l("Región"), [(r.id, r.nombre) for r in regiones], _l("Todas"))
        )
    f = listas.leer(*campos)
    consulta = queries.consulta_planes(current_user, texto=f.q, region_id=f.entero("region"))
    pagina = listas.paginar(consulta, f)
    return render_template(
        "mejora_continua/plan_lista.html",
        pagina=pagina,
        f=f,
        resumenes={p.id: queries.resumen_presupuesto(p) for p in pagina.items},
    )


@bp.route("/planes/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_nuevo():
    """Register a new AMC plan (ODES)."""
    form = PlanMejoraForm()
    llenar_opciones(form, None)
    if form.validate_on_submit():
        try:
            plan = services.crear_plan(form.datos(), usuario_id=current_user.id)
        except services.ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(
                _("Plan registrado. Agregue ahora sus problemas, causas y alternativas."), "exito"
            )
            return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id))
    return render_template("mejora_continua/plan_form.html", form=form, plan=None)


@bp.route("/planes/<int:plan_id>")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def plan_ver(plan_id: int):
    """Show a plan: state, prose sections, diagnosis, matrix, budget, organs and follow-up."""
    plan = acceso.plan_o_404(plan_id)
    odes = current_user.rol is Rol.odes
    return render_template(
        "mejora_continua/plan_ver.html",
        plan=plan,
        tablas={p.id: queries.tabla_causal(p) for p in plan.problemas},
        matriz=queries.matriz(plan),
        resumen=queries.resumen_presupuesto(plan),
        estados=queries.conteo_estados(plan),
        puede_seguir={f.id: acceso.puede_seguir_accion(f, current_user) for f in plan.acciones},
        editable=odes and plan.estado is not EstadoReporte.aprobado,
        eventos=historial(services.OBJETO, plan.id) if odes else [],
        niveles=list(NivelGobierno),
        origen=plan.plan_origen
        if plan.plan_origen and acceso.puede_ver_plan(plan.plan_origen, current_user)
        else None,
        cronograma=queries.cronograma(plan),
        otros_planes=[
            p for p in db.session.scalars(queries.consulta_planes(current_user)) if p.id != plan.id
        ],
        corridas=queries.corridas_del_plan(plan),
        programas=programacion_queries.programas(),
        puede_programar=current_user.rol in (Rol.odes, Rol.direccion),
        form_accion=PlanAccionForm(version=plan.version) if odes else None,
        form_motivo=PlanMotivoForm(formdata=None, version=plan.version) if odes else None,
    )


@bp.route("/planes/<int:plan_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_editar(plan_id: int):
    """Edit the heading data of a plan (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    form = PlanMejoraForm(
        data=datos_iniciales(PlanMejoraForm, plan) if request.method == "GET" else None
    )
    llenar_opciones(form, plan)
    if form.validate_on_submit():
        try:
            services.editar_plan(plan, form.datos(), usuario_id=current_user.id)
        except services.ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Plan actualizado."), "exito")
            return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id))
    return render_template("mejora_continua/plan_form.html", form=form, plan=plan)


def _guardar_parte(plan: PlanMejora, definicion: Parte, form: Any, guardar: Callable) -> Any:
    """Run the service, commit and redirect; on a rule error re-show the form."""
    try:
        avisos = guardar(plan, form.datos(), usuario_id=current_user.id)
    except services.ErrorPlan as error:
        db.session.rollback()
        mostrar_error(form, error)
        return None
    db.session.commit()
    flash(_("%(nombre)s guardado.", nombre=definicion.nombre), "exito")
    for aviso in avisos:
        flash(aviso, "advertencia")
    return _ir_a(plan, definicion.seccion)


@bp.route("/planes/<int:plan_id>/<parte>/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_parte_nueva(plan_id: int, parte: str):
    """Add a problem, cause, alternative, matrix row, budget line or organ (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    form = definicion.formulario(data=_presets(definicion) if request.method == "GET" else None)
    llenar_opciones(form, plan)
    if form.validate_on_submit():
        respuesta = _guardar_parte(plan, definicion, form, definicion.crear)
        if respuesta is not None:
            return respuesta
    return render_template(
        "mejora_continua/plan_parte.html",
        plan=plan,
        parte=parte,
        definicion=definicion,
        form=form,
        objeto=None,
    )


@bp.route("/planes/<int:plan_id>/<parte>/<int:parte_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_parte_editar(plan_id: int, parte: str, parte_id: int):
    """Edit one part of a plan; the page also offers its deletion (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    objeto = acceso.parte_o_404(plan, definicion.modelo, parte_id)
    iniciales = datos_iniciales(definicion.formulario, objeto) if request.method == "GET" else None
    form = definicion.formulario(data=iniciales)
    llenar_opciones(form, plan, objeto)
    if form.validate_on_submit():
        respuesta = _guardar_parte(
            plan,
            definicion,
            form,
            lambda p, datos, **k: definicion.editar(p, objeto, datos, **k),
        )
        if respuesta is not None:
            return respuesta
    return render_template(
        "mejora_continua/plan_parte.html",
        plan=plan,
        parte=parte,
        definicion=definicion,
        form=form,
        objeto=objeto,
        form_eliminar=PlanEliminarForm(formdata=None),
    )


@bp.route("/planes/<int:plan_id>/<parte>/<int:parte_id>/eliminar", methods=["POST"])
@permitido(Rol.odes)
def plan_parte_eliminar(plan_id: int, parte: str, parte_id: int):
    """Delete one part of a plan after an explicit confirmation (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    objeto = acceso.parte_o_404(plan, definicion.modelo, parte_id)
    form = PlanEliminarForm()
    if not form.validate_on_submit():
        flash(_("Marque la casilla para confirmar la eliminación."), "error")
        return redirect(
            url_for(
                "mejora_continua.plan_parte_editar", plan_id=plan.id, parte=parte, parte_id=parte_id
            )
        )
    try:
        services.eliminar(
            plan, objeto, f"{definicion.nombre} {parte_id}", usuario_id=current_user.id
        )
    except services.ErrorPlan as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return redirect(
            url_for(
                "mejora_continua.plan_parte_editar", plan_id=plan.id, parte=parte, parte_id=parte_id
            )
        )
    db.session.commit()
    flash(_("%(nombre)s eliminado.", nombre=definicion.nombre), "exito")
    return _ir_a(plan, definicion.seccion)


@bp.route("/planes/<int:plan_id>/acciones/<int:parte_id>/seguimiento", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.drtpe)
def plan_seguimiento(plan_id: int, parte_id: int):
    """Record the follow-up state of an action (ODES; the plan region's drtpe for its own)."""
    plan = acceso.plan_o_404(plan_id)
    fila = acceso.accion_o_404(plan, parte_id)
    form = PlanSeguimientoForm(
        data={"estado": fila.estado.value, "fecha": date.today()}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            presupuesto.registrar_seguimiento(
                fila, form.datos(), usuario=current_user, hoy=date.today()
            )
        except services.ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Seguimiento registrado."), "exito")
            return _ir_a(plan, "seguimiento")
    return render_template("mejora_continua/plan_seguimiento.html", plan=plan, fila=fila, form=form)


@bp.route("/planes/<int:plan_id>/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def plan_excel(plan_id: int):
    """Download the plan as an Excel workbook laid out like the document's tables."""
    plan = acceso.plan_o_404(plan_id)
    contenido = excel_planes.libro_plan(plan)
    nombre = f"plan_mejora_{plan.region.codigo if plan.region else 'nacional'}_{plan.id}.xlsx"
    return send_file(io.BytesIO(contenido), mimetype=XLSX, as_attachment=True, download_name=nombre)
