"""Views of the Acciones de Mejora Continua plans: list, detail, parts, follow-up, Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.core import UnboundField

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Region, UnidadMTPE
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import bp
from app.mejora_continua.exportacion import planes as excel_planes
from app.mejora_continua.forms import (
    PlanAlternativaForm,
    PlanCausaForm,
    PlanEliminarForm,
    PlanFilaForm,
    PlanLineaForm,
    PlanMejoraForm,
    PlanProblemaForm,
    PlanResponsableForm,
    PlanSeguimientoForm,
)
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
from app.mejora_continua.queries import planes as queries
from app.mejora_continua.services import planes as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        lambda *a, **k: services.crear_linea(*a, **k)[1],
        services.editar_linea,
        "presupuesto",
        ("padre_id", "nivel"),
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


def _plan_o_404(plan_id: int) -> PlanMejora:
    """The plan if the current user may read it, else 404."""
    plan = queries.plan_visible(plan_id, current_user)
    if plan is None:
        abort(404)
    return plan


def _parte_o_404(parte: str) -> Parte:
    """The definition of a part kind named in the URL, else 404."""
    definicion = PARTES.get(parte)
    if definicion is None:
        abort(404)
    return definicion


def _plan_de(objeto: Any) -> int:
    """Id of the plan an object belongs to."""
    if isinstance(objeto, Causa | Alternativa):
        return objeto.problema.plan_id
    return objeto.plan_id


def _objeto_o_404(plan: PlanMejora, definicion: Parte, parte_id: int) -> Any:
    """The part with that id if it belongs to the plan, else 404."""
    objeto = db.session.get(definicion.modelo, parte_id)
    if objeto is None or _plan_de(objeto) != plan.id:
        abort(404)
    return objeto


def _recorte(texto: str | None, largo: int = 80) -> str:
    """Shorten a text for a select option."""
    texto = texto or ""
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def _opciones(form: Any, plan: PlanMejora | None, actual: Any = None) -> None:
    """Fill the selects of a part's form with this plan's problems, causes, lines…"""
    ninguno = [(0, "—")]
    if hasattr(form, "region_id"):
        regiones = db.session.scalars(sa.select(Region).order_by(Region.orden))
        form.region_id.choices = [(0, _("Plan nacional (sin región)"))] + [
            (r.id, r.nombre) for r in regiones
        ]
    if plan is None:
        return
    if hasattr(form, "problema_id"):
        problemas = [(p.id, f"{p.etiqueta}. {_recorte(p.texto)}") for p in plan.problemas]
        form.problema_id.choices = (ninguno if isinstance(form, PlanFilaForm) else []) + problemas
    if hasattr(form, "causa_id"):
        form.causa_id.choices = ninguno + [
            (c.id, f"{c.etiqueta}. {_recorte(c.texto, 60)}")
            for p in plan.problemas
            for c in p.causas
        ]
    if hasattr(form, "padre_id"):
        form.padre_id.choices = [(0, _("— Es una actividad —"))] + [
            (linea.id, f"{linea.nivel.etiqueta}: {_recorte(linea.actividad)}")
            for linea in plan.lineas_principales
            if actual is None or linea.id != actual.id
        ]
    if hasattr(form, "responsable_id"):
        form.responsable_id.choices = ninguno + [
            (r.id, f"{r.organo} ({r.nivel.etiqueta})") for r in plan.responsables
        ]
    if hasattr(form, "unidad_id"):
        unidades = db.session.scalars(sa.select(UnidadMTPE).order_by(UnidadMTPE.sigla))
        form.unidad_id.choices = ninguno + [(u.id, f"{u.sigla} — {u.nombre}") for u in unidades]


def _valor_inicial(valor: Any) -> Any:
    """An enum as its value (what the select fields hold)."""
    if isinstance(valor, Enum):
        return valor.value
    return valor


def _iniciales(form_clase: type, objeto: Any) -> dict[str, Any]:
    """The object's current values in the shape the form expects (enums as values)."""
    atributos = getattr(form_clase, "ATRIBUTOS", {})
    datos = {}
    for nombre in dir(form_clase):
        atributo = atributos.get(nombre, nombre)
        if isinstance(getattr(form_clase, nombre), UnboundField) and hasattr(objeto, atributo):
            valor = _valor_inicial(getattr(objeto, atributo))
            datos[nombre] = 0 if valor is None and nombre.endswith("_id") else valor
    return datos


def _presets(definicion: Parte) -> dict[str, Any]:
    """Defaults of a new part taken from the query string (e.g. ?problema_id=3)."""
    datos = {}
    for nombre in definicion.presets:
        valor = request.args.get(nombre)
        if valor:
            datos[nombre] = int(valor) if nombre.endswith("_id") and valor.isdecimal() else valor
    return datos


def _error_en_formulario(form: Any, error: services.ErrorPlan) -> None:
    """Show a service error next to its field (or at the top when it names none)."""
    campo = getattr(form, error.campo, None) if error.campo else None
    if campo is not None:
        campo.errors = [*campo.errors, error.mensaje]
    else:
        flash(error.mensaje, "error")


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
    _opciones(form, None)
    if form.validate_on_submit():
        try:
            plan = services.crear_plan(form.datos(), usuario_id=current_user.id)
        except services.ErrorPlan as error:
            db.session.rollback()
            _error_en_formulario(form, error)
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
    """Show a plan: diagnosis, logic matrix, budget with totals, organs and follow-up."""
    plan = _plan_o_404(plan_id)
    return render_template(
        "mejora_continua/plan_ver.html",
        plan=plan,
        tablas={p.id: queries.tabla_causal(p) for p in plan.problemas},
        matriz=queries.matriz(plan),
        resumen=queries.resumen_presupuesto(plan),
        estados=queries.conteo_estados(plan),
        puede_seguir={f.id: services.puede_seguir(f, current_user) for f in plan.acciones},
        editable=current_user.rol is Rol.odes,
        eventos=historial(services.OBJETO, plan.id) if current_user.rol is Rol.odes else [],
        niveles=list(NivelGobierno),
    )


@bp.route("/planes/<int:plan_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_editar(plan_id: int):
    """Edit the heading data of a plan (ODES)."""
    plan = _plan_o_404(plan_id)
    form = PlanMejoraForm(
        data=_iniciales(PlanMejoraForm, plan) if request.method == "GET" else None
    )
    _opciones(form, plan)
    if form.validate_on_submit():
        try:
            services.editar_plan(plan, form.datos(), usuario_id=current_user.id)
        except services.ErrorPlan as error:
            db.session.rollback()
            _error_en_formulario(form, error)
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
        _error_en_formulario(form, error)
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
    plan = _plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    form = definicion.formulario(data=_presets(definicion) if request.method == "GET" else None)
    _opciones(form, plan)
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
    plan = _plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    objeto = _objeto_o_404(plan, definicion, parte_id)
    iniciales = _iniciales(definicion.formulario, objeto) if request.method == "GET" else None
    form = definicion.formulario(data=iniciales)
    _opciones(form, plan, objeto)
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
    plan = _plan_o_404(plan_id)
    definicion = _parte_o_404(parte)
    objeto = _objeto_o_404(plan, definicion, parte_id)
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
    plan = _plan_o_404(plan_id)
    fila = db.session.get(FilaMatrizLogica, parte_id)
    if fila is None or fila.plan_id != plan.id or not services.puede_seguir(fila, current_user):
        abort(404)
    form = PlanSeguimientoForm(
        data={"estado": fila.estado.value, "fecha": date.today()}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            services.registrar_seguimiento(
                fila, form.datos(), usuario=current_user, hoy=date.today()
            )
        except services.ErrorPlan as error:
            db.session.rollback()
            _error_en_formulario(form, error)
        else:
            db.session.commit()
            flash(_("Seguimiento registrado."), "exito")
            return _ir_a(plan, "seguimiento")
    return render_template("mejora_continua/plan_seguimiento.html", plan=plan, fila=fila, form=form)


@bp.route("/planes/<int:plan_id>/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def plan_excel(plan_id: int):
    """Download the plan as an Excel workbook laid out like the document's tables."""
    plan = _plan_o_404(plan_id)
    contenido = excel_planes.libro_plan(plan)
    nombre = f"plan_mejora_{plan.region.codigo if plan.region else 'nacional'}_{plan.id}.xlsx"
    return send_file(io.BytesIO(contenido), mimetype=XLSX, as_attachment=True, download_name=nombre)
