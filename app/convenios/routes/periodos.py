"""Views of reporting semesters (ODES)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.comun import listas
from app.comun.auditoria import historial, sin_cambios
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import periodo_o_404
from app.convenios.forms import PeriodoForm, ProrrogaForm
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import periodos as queries
from app.convenios.services import periodos as services
from app.extensions import db


@bp.route("/periodos")
@permitido(Rol.odes)
def periodos():
    """List the reporting semesters with their due dates (filter by year and state, paged)."""
    f = listas.leer(
        listas.Campo("anio", _l("Año"), [(a, a) for a in queries.anios_de_periodos()]),
        listas.Campo(
            "estado", _l("Estado"), [("abierto", _l("Abierto")), ("cerrado", _l("Cerrado"))]
        ),
    )
    abierto = {"abierto": True, "cerrado": False}.get(f["estado"])
    pagina = listas.paginar(queries.consulta_periodos(anio=f.entero("anio"), abierto=abierto), f)
    return render_template("convenios/periodos.html", pagina=pagina, f=f)


@bp.route("/periodos/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo_periodo():
    """Open a new reporting semester."""
    form = PeriodoForm()
    if form.validate_on_submit():
        try:
            periodo = services.crear_periodo(form.datos(), usuario_id=current_user.id)
        except services.ErrorPeriodo as error:
            db.session.rollback()
            getattr(form, error.campo or "anio").errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(_("%(nombre)s registrado.", nombre=periodo.nombre), "exito")
            return redirect(url_for("convenios.periodos"))
    return render_template("convenios/periodo_form.html", form=form, periodo=None)


@bp.route("/periodos/<int:periodo_id>", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_periodo(periodo_id: int):
    """Change a semester's due dates, or open / close it."""
    periodo = periodo_o_404(periodo_id)
    form = PeriodoForm(obj=periodo)
    if request.method == "POST":
        # Year and semester identify the period and are not editable.
        form.anio.data, form.semestre.data = periodo.anio, periodo.semestre
        # They are not in the page, and InputRequired checks the submitted text, not data.
        form.anio.raw_data = [str(periodo.anio)]
    if form.validate_on_submit():
        datos = form.datos()
        del datos["anio"], datos["semestre"]
        nada_cambia = sin_cambios(periodo, datos)  # before the service writes datos
        try:
            services.editar_periodo(
                periodo,
                datos,
                usuario_id=current_user.id,
                motivo=(form.motivo.data or "").strip() or None,
            )
        except services.ErrorPeriodo as error:
            db.session.rollback()
            getattr(form, error.campo or "abierto").errors.append(error.mensaje)
        else:
            db.session.commit()
            if nada_cambia:
                flash(_("No hubo cambios en %(nombre)s.", nombre=periodo.nombre), "info")
            else:
                flash(_("%(nombre)s actualizado.", nombre=periodo.nombre), "exito")
            return redirect(url_for("convenios.periodos"))
    return render_template(
        "convenios/periodo_form.html",
        form=form,
        periodo=periodo,
        eventos=historial("periodo", periodo.id),
    )


@bp.route("/periodos/<int:periodo_id>/prorrogas", methods=["GET", "POST"])
@permitido(Rol.odes)
def prorrogas(periodo_id: int):
    """Grant (or change) one region's extension of the semester's Anexo 4 deadline."""
    periodo = periodo_o_404(periodo_id)
    form = ProrrogaForm()
    esperados = anexo4_queries.convenios_esperados(periodo)
    form.region_id.choices = opciones(
        [(0, _("— Seleccione —"))] + [(c.region_id, c.region.nombre) for c in esperados]
    )
    if request.method == "GET":
        form.region_id.data = request.args.get("region", type=int) or 0
    if form.validate_on_submit():
        try:
            prorroga = services.conceder_prorroga(
                periodo,
                form.region_id.data,
                form.fecha_limite.data,
                form.motivo.data,
                usuario_id=current_user.id,
            )
        except services.ErrorPeriodo as error:
            db.session.rollback()
            getattr(form, error.campo or "motivo").errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(
                _(
                    "Prórroga registrada: %(region)s puede enviar hasta el %(fecha)s.",
                    region=prorroga.region.nombre,
                    fecha=services.fecha_texto(prorroga.fecha_limite),
                ),
                "exito",
            )
            return redirect(url_for("convenios.prorrogas", periodo_id=periodo.id))
    return render_template(
        "convenios/prorrogas.html",
        periodo=periodo,
        form=form,
        prorrogas=anexo4_queries.prorrogas(periodo),
    )
