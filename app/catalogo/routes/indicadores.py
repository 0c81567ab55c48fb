"""Views of the indicators (IdG): the list (Cuadros 02 and 03), an IdG's page, and ODES's
edition of its ficha técnica, its addition to a cycle and its retirement."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import bp, queries, services
from app.catalogo.forms import RetiroForm
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.catalogo.routes.comun import ficha_form, mostrar_error
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido
from app.extensions import db


@bp.route("/indicadores")
@permitido()
def indicadores():
    """List the indicators with proponent and alignment (Cuadros 02 and 03), filtered and paged."""
    conjuntos = db.session.execute(
        sa.select(
            ConjuntoIndicadores.id,
            ConjuntoIndicadores.nombre,
            sa.func.count(Indicador.id).label("total"),
        )
        .outerjoin(Indicador, Indicador.conjunto_id == ConjuntoIndicadores.id)
        .group_by(ConjuntoIndicadores.id, ConjuntoIndicadores.nombre)
        .order_by(ConjuntoIndicadores.anio_inicio.desc(), ConjuntoIndicadores.id.desc())
    ).all()
    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre del indicador")),
        listas.Campo("conjunto", _l("Conjunto"), [(c.id, c.nombre) for c in conjuntos]),
        listas.Campo("proponente", _l("Proponente"), [(u.id, u.sigla) for u in queries.unidades()]),
    )
    consulta = queries.consulta_indicadores(
        texto=f.q, conjunto_id=f.entero("conjunto"), proponente_id=f.entero("proponente")
    )
    return render_template(
        "catalogo/indicadores.html",
        pagina=listas.paginar(consulta, f),
        f=f,
        totales={c.id: c.total for c in conjuntos},
    )


@bp.route("/indicadores/<int:indicador_id>")
@permitido()
def indicador(indicador_id: int):
    """Show one indicator with its alignment and history."""
    indicador = db.get_or_404(Indicador, indicador_id)
    return render_template(
        "catalogo/indicador.html",
        indicador=indicador,
        cerrado=services.motivo_ciclo_cerrado(indicador.conjunto),
        eventos=historial("indicador", indicador.id) if current_user.rol is Rol.odes else [],
    )


@bp.route("/indicadores/<int:indicador_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_indicador(indicador_id: int):
    """Edit an IdG's whole ficha técnica, while its cycle has no Anexos 4."""
    indicador = db.get_or_404(Indicador, indicador_id)
    form = ficha_form(obj=indicador)
    if request.method == "GET":
        form.cargar(indicador)
    if form.validate_on_submit():
        try:
            services.editar_ficha(indicador, form.datos(), usuario_id=current_user.id)
        except services.ErrorCatalogo as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("%(etiqueta)s actualizado.", etiqueta=indicador.etiqueta), "exito")
            return redirect(url_for("catalogo.indicador", indicador_id=indicador.id))
    return render_template(
        "catalogo/indicador_form.html",
        form=form,
        ciclo=indicador.conjunto,
        indicador=indicador,
        cerrado=services.motivo_ciclo_cerrado(indicador.conjunto),
    )


@bp.route("/ciclos/<int:ciclo_id>/indicadores/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo_indicador(ciclo_id: int):
    """Add an IdG, with its ficha técnica, to a cycle whose set is still open."""
    ciclo = db.get_or_404(ConjuntoIndicadores, ciclo_id)
    form = ficha_form()
    if request.method == "GET":
        numeros = [i.numero for i in ciclo.indicadores]
        form.numero.data = max(numeros, default=0) + 1
        form.unidad_medida.data = _("Porcentaje (%)")
    if form.validate_on_submit():
        try:
            indicador = services.agregar_indicador(ciclo, form.datos(), usuario_id=current_user.id)
        except services.ErrorCatalogo as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(etiqueta)s agregado al ciclo %(ciclo)s.",
                    etiqueta=indicador.etiqueta,
                    ciclo=ciclo.ciclo,
                ),
                "exito",
            )
            return redirect(url_for("catalogo.ciclo", ciclo_id=ciclo.id))
    return render_template(
        "catalogo/indicador_form.html",
        form=form,
        ciclo=ciclo,
        indicador=None,
        cerrado=services.motivo_ciclo_cerrado(ciclo),
    )


@bp.route("/indicadores/<int:indicador_id>/retirar", methods=["GET", "POST"])
@permitido(Rol.odes)
def retirar_indicador(indicador_id: int):
    """Retire an IdG from its cycle's set, with a reason (asks for confirmation first)."""
    indicador = db.get_or_404(Indicador, indicador_id)
    ciclo = indicador.conjunto
    form = RetiroForm()
    if form.validate_on_submit():
        etiqueta = indicador.etiqueta
        try:
            services.retirar_indicador(
                indicador, motivo=form.motivo.data, usuario_id=current_user.id
            )
        except services.ErrorCatalogo as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "%(etiqueta)s retirado del ciclo %(ciclo)s.",
                    etiqueta=etiqueta,
                    ciclo=ciclo.ciclo,
                ),
                "exito",
            )
            return redirect(url_for("catalogo.ciclo", ciclo_id=ciclo.id))
    return render_template(
        "catalogo/retirar_indicador.html",
        form=form,
        ciclo=ciclo,
        indicador=indicador,
        cerrado=services.motivo_ciclo_cerrado(ciclo),
    )
