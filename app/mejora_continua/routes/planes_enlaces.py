"""Views of an AMC plan's links, its copy into a new plan, and the comparison of two plans."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.forms.comun import datos_iniciales, mostrar_error
from app.mejora_continua.forms.planes import PlanMejoraForm, llenar_opciones
from app.mejora_continua.forms.planes_enlaces import PlanEnlacesForm
from app.mejora_continua.queries import planes as queries
from app.mejora_continua.queries.evaluaciones import recomendaciones_vinculables
from app.mejora_continua.services import planes as services
from app.mejora_continua.services import planes_enlaces


def _indicadores() -> list[Indicador]:
    """Every IdG of every cycle, newest cycle first (a plan may name any of them)."""
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .join(ConjuntoIndicadores, Indicador.conjunto_id == ConjuntoIndicadores.id)
            .order_by(ConjuntoIndicadores.id.desc(), Indicador.numero)
        )
    )


@bp.route("/planes/<int:plan_id>/enlaces", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_enlaces(plan_id: int):
    """Name the plan's public service, its IdG and the recommendations behind it (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    if plan.estado is EstadoReporte.aprobado:
        flash(_("El plan está aprobado: reábralo para cambiar sus vínculos."), "error")
        return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id))
    form = PlanEnlacesForm(
        data={
            "servicio_id": plan.servicio_id or 0,
            "indicador_ids": [i.id for i in plan.indicadores],
            "recomendacion_ids": [i.id for i in plan.recomendaciones],
        }
        if request.method == "GET"
        else None
    )
    form.llenar(
        catalogo_queries.servicios(), _indicadores(), recomendaciones_vinculables(current_user)
    )
    if form.validate_on_submit():
        try:
            planes_enlaces.enlazar(
                plan,
                servicio_id=form.servicio_id.data or None,
                indicador_ids=form.indicador_ids.data or [],
                recomendacion_ids=form.recomendacion_ids.data or [],
                usuario_id=current_user.id,
            )
        except services.ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Vínculos del plan guardados."), "exito")
            return redirect(
                url_for("mejora_continua.plan_ver", plan_id=plan.id, _anchor="vinculos")
            )
    return render_template("mejora_continua/plan_enlaces.html", plan=plan, form=form)


@bp.route("/planes/<int:plan_id>/copiar", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_copiar(plan_id: int):
    """Start a new plan (for another region or service) as a copy of this one (ODES)."""
    origen = acceso.plan_o_404(plan_id)
    iniciales = None
    if request.method == "GET":
        iniciales = datos_iniciales(PlanMejoraForm, origen)
        iniciales["region_id"] = 0
    form = PlanMejoraForm(data=iniciales)
    llenar_opciones(form, None)
    if form.validate_on_submit():
        try:
            plan = planes_enlaces.copiar_plan(origen, form.datos(), usuario_id=current_user.id)
        except services.ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Plan creado como copia. Edite lo que cambie para el nuevo ámbito."), "exito")
            return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id))
    return render_template("mejora_continua/plan_form.html", form=form, plan=None, origen=origen)


@bp.route("/planes/<int:plan_id>/comparar")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def plan_comparar(plan_id: int):
    """Compare a plan with the one it was copied from (or another plan the user reads)."""
    plan = acceso.plan_o_404(plan_id)
    otro_id = request.args.get("con", type=int) or plan.plan_origen_id
    if not otro_id or otro_id == plan.id:
        flash(
            _("Este plan no es copia de otro: elija en la lista con qué plan compararlo."),
            "advertencia",
        )
        return redirect(url_for("mejora_continua.plan_ver", plan_id=plan.id, _anchor="comparar"))
    otro = acceso.plan_o_404(otro_id)
    otros = [
        p for p in db.session.scalars(queries.consulta_planes(current_user)) if p.id != plan.id
    ]
    return render_template(
        "mejora_continua/plan_comparar.html",
        plan=plan,
        otro=otro,
        otros=otros,
        diferencias=planes_enlaces.comparar(plan, otro),
    )
