"""Views of the plan as a reviewed document: edit a prose section, and the workflow steps."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.comun.acciones import confirmar
from app.comun.base import ahora
from app.comun.campos import version_leida
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso, bp
from app.mejora_continua.forms.comun import mostrar_error
from app.mejora_continua.forms.planes_flujo import PlanAccionForm, PlanMotivoForm, PlanSeccionForm
from app.mejora_continua.models.planes import SeccionPlan
from app.mejora_continua.services import planes_flujo as services
from app.mejora_continua.services.planes import ErrorPlan


@bp.route("/planes/<int:plan_id>/secciones/<int:seccion_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def plan_seccion_editar(plan_id: int, seccion_id: int):
    """Edit the heading and text of one prose section of a plan (ODES)."""
    plan = acceso.plan_o_404(plan_id)
    seccion = acceso.parte_o_404(plan, SeccionPlan, seccion_id)
    form = PlanSeccionForm(
        data={"titulo": seccion.titulo, "texto": seccion.texto, "version": plan.version}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            services.editar_seccion(
                plan,
                seccion,
                form.datos(),
                usuario=current_user,
                version=version_leida(form.version.data),
            )
        except ErrorPlan as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("Sección «%(titulo)s» guardada.", titulo=seccion.titulo), "exito")
            return redirect(
                url_for(
                    "mejora_continua.plan_ver", plan_id=plan.id, _anchor=f"seccion-{seccion.id}"
                )
            )
    return render_template(
        "mejora_continua/plan_seccion.html", plan=plan, seccion=seccion, form=form
    )


def _paso(plan_id: int, paso, mensaje: str, *, con_motivo: bool = False, **kwargs):
    """Run one workflow step, commit, flash the outcome and go back to the plan page."""
    plan = acceso.plan_o_404(plan_id)
    form = PlanMotivoForm() if con_motivo else PlanAccionForm()
    if not form.validate_on_submit() and not con_motivo:
        abort(400)
    if con_motivo:
        kwargs["motivo"] = form.motivo.data or ""
    confirmar(
        lambda: paso(
            plan, usuario=current_user, version=version_leida(form.version.data), **kwargs
        ),
        rechazo=ErrorPlan,
        exito=mensaje,
    )
    return redirect(url_for("mejora_continua.plan_ver", plan_id=plan_id, _anchor="estado"))


@bp.route("/planes/<int:plan_id>/enviar", methods=["POST"])
@permitido(Rol.odes)
def plan_enviar(plan_id: int):
    """Record the plan as agreed by the intergovernmental technical team (ODES)."""
    return _paso(
        plan_id,
        services.enviar,
        _("Plan registrado como concordado por el equipo técnico intergubernamental."),
        ahora=ahora(),
    )


@bp.route("/planes/<int:plan_id>/observar", methods=["POST"])
@permitido(Rol.odes)
def plan_observar(plan_id: int):
    """Return an agreed plan to draft work with a reason (ODES)."""
    return _paso(plan_id, services.observar, _("Plan observado."), con_motivo=True)


@bp.route("/planes/<int:plan_id>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def plan_aprobar(plan_id: int):
    """Approve an agreed plan; it becomes read-only (ODES)."""
    return _paso(plan_id, services.aprobar, _("Plan aprobado."), ahora=ahora())


@bp.route("/planes/<int:plan_id>/reabrir", methods=["POST"])
@permitido(Rol.odes)
def plan_reabrir(plan_id: int):
    """Reopen an approved plan with a reason (ODES)."""
    return _paso(
        plan_id, services.reabrir, _("Plan reabierto; ya se puede modificar."), con_motivo=True
    )
