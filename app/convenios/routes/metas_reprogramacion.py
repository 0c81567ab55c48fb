"""Views of the reprogramming of approved goals: the request form of one goal, the list of
requests with their reason and adenda, and ODES's approval or rejection.

The rules are services.metas'; these views only read forms, call it, commit and say what
happened.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.comun import listas
from app.comun.acciones import confirmar
from app.comun.base import ahora
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.forms import ReprogramacionForm, ResolucionForm
from app.convenios.models import CategoriaReprogramacion, EstadoSolicitud, Meta
from app.convenios.queries import metas as queries
from app.convenios.routes.comun import avisar, errores_formulario
from app.convenios.routes.metas import LECTORES, convenio_del_anio_o_404, entero, url_grilla
from app.convenios.services import metas as services
from app.extensions import db


@bp.route("/<int:convenio_id>/programacion/<int:anio>/reprogramar", methods=["GET", "POST"])
@permitido(Rol.odes, Rol.drtpe)
def reprogramar_meta(convenio_id: int, anio: int):
    """Ask to change one approved goal (?meta=<id>): new value, category, reason, adenda."""
    convenio = convenio_del_anio_o_404(convenio_id, anio)
    volver = redirect(url_grilla(convenio.id, anio))
    prog = queries.programacion(convenio.id, anio)
    if prog is None or not prog.aprobada:
        flash(_("Solo se reprograma una meta aprobada; mientras tanto, edítela."), "error")
        return volver
    form = ReprogramacionForm()
    elegida = form.meta_id.data if request.method == "POST" else request.args.get("meta")
    meta = {m.id: m for m in queries.metas(convenio.id, anio).values()}.get(entero(elegida))
    if meta is None:
        flash(_("Elija en la tabla la meta que quiere reprogramar."), "error")
        return volver
    adendas = {a.id: a for a in convenio.adendas}
    form.adenda_id.choices = opciones(
        [("", _("— Sin adenda —"))]
        + [
            (
                a.id,
                _(
                    "Adenda N° %(numero)s del %(fecha)s",
                    numero=a.numero,
                    fecha=a.fecha.strftime("%d/%m/%Y"),
                ),
            )
            for a in convenio.adendas
        ]
    )
    if request.method == "GET":
        form.meta_id.data = str(meta.id)
    elif form.validate_on_submit() and _solicitar(form, meta, adendas):
        return volver
    else:
        flash(_("Revise los datos de la solicitud; no se registró nada."), "error")
    return render_template(
        "convenios/reprogramacion_form.html",
        convenio=convenio,
        anio=anio,
        meta=meta,
        form=form,
        hay_adendas=bool(adendas),
    )


def _solicitar(form: ReprogramacionForm, meta: Meta, adendas: dict) -> bool:
    """Register the request through the service; False (errors on the form) when refused."""
    if form.valor_nuevo.data is None:
        form.valor_nuevo.errors.append(_("Escriba la nueva meta."))
        return False
    adenda = adendas.get(form.adenda_id.data) if form.adenda_id.data else None
    if form.adenda_id.data and adenda is None:
        form.adenda_id.errors.append(_("La adenda no es de este convenio."))
        return False
    try:
        services.solicitar_reprogramacion(
            meta,
            form.valor_nuevo.data,
            form.motivo.data,
            CategoriaReprogramacion(form.categoria.data),
            usuario=current_user,
            adenda=adenda,
        )
    except services.ErrorMetas as error:
        db.session.rollback()
        campo = getattr(form, error.campo or "", None)
        if campo is not None:
            campo.errors.append(error.mensaje)
        else:
            flash(error.mensaje, "error")
        return False
    db.session.commit()
    flash(_("Solicitud de reprogramación registrada; la ODES la aprobará o rechazará."), "exito")
    return True


@bp.route("/reprogramaciones")
@permitido(*LECTORES)
def reprogramaciones():
    """Reprogramming requests with their reason and adenda; ODES approves or rejects them."""
    drtpe = current_user.rol is Rol.drtpe
    campos = [
        listas.Campo("estado", _l("Estado"), [(e.value, e.etiqueta) for e in EstadoSolicitud])
    ]
    if not drtpe:
        campos.append(
            listas.Campo(
                "region",
                _l("Región"),
                [(r.id, r.nombre) for r in queries.regiones_con_reprogramaciones()],
                _l("Todas"),
            )
        )
    f = listas.leer(*campos)
    consulta = queries.consulta_reprogramaciones(
        estado=EstadoSolicitud(f["estado"]) if f["estado"] else None,
        region_id=current_user.region_id if drtpe else f.entero("region"),
    )
    pagina = listas.paginar(consulta, f)
    return render_template(
        "convenios/reprogramaciones.html",
        f=f,
        pagina=pagina,
        nombres=queries.nombres_usuarios(
            i for r in pagina.items for i in (r.solicitada_por_id, r.resuelta_por_id)
        ),
        form=ResolucionForm(),
    )


def _resolver(aprobar: bool, exito: str):
    """Approve or reject the request named in the form, and go back to the list."""
    form = ResolucionForm()
    volver = redirect(url_for("convenios.reprogramaciones"))
    solicitud_id = entero(form.solicitud_id.data)
    solicitud = queries.solicitud(solicitud_id) if solicitud_id else None
    if solicitud is None:
        flash(_("Esa solicitud de reprogramación no existe; recargue la página."), "error")
        return volver
    if not form.validate_on_submit():
        avisar(errores_formulario(form), "error")
        return volver
    confirmar(
        lambda: services.resolver_reprogramacion(
            solicitud, aprobar=aprobar, motivo=form.motivo.data, usuario=current_user, ahora=ahora()
        ),
        rechazo=services.ErrorMetas,
        exito=exito,
    )
    return volver


@bp.route("/reprogramaciones/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_reprogramacion():
    """Approve a reprogramming: the goal in force changes, the original is kept."""
    return _resolver(True, _("Reprogramación aprobada: la meta vigente cambió."))


@bp.route("/reprogramaciones/rechazar", methods=["POST"])
@permitido(Rol.odes)
def rechazar_reprogramacion():
    """Reject a reprogramming with a reason; the goal stays as it was."""
    return _resolver(False, _("Reprogramación rechazada; la región verá el motivo."))
