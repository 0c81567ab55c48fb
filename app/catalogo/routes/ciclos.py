"""Views of the agreement cycles and their IdG sets: list, opening (ODES) and a cycle's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.catalogo import bp, queries, services
from app.catalogo.forms import CicloForm
from app.catalogo.models import ConjuntoIndicadores
from app.catalogo.routes.comun import mostrar_error
from app.comun.auditoria import historial
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.extensions import db


@bp.route("/ciclos")
@permitido()
def ciclos():
    """List the agreement cycles, newest first, with their IdG sets."""
    return render_template("catalogo/ciclos.html", filas=queries.resumen_ciclos())


@bp.route("/ciclos/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo_ciclo():
    """Open a cycle, starting from a copy of an earlier cycle's IdG set (or empty)."""
    existentes = [r.ciclo for r in queries.resumen_ciclos()]
    form = CicloForm()
    form.base_id.choices = opciones(
        [(c.id, f"{c.ciclo} · {c.nombre}") for c in existentes] + [(0, _("— Empezar vacío —"))]
    )
    if request.method == "GET":
        form.base_id.data = existentes[0].id if existentes else 0
        if existentes:
            # The cycle that usually follows the newest one: same length, right after it.
            ultimo = existentes[0]
            form.anio_inicio.data = ultimo.anio_fin + 1
            form.anio_fin.data = ultimo.anio_fin + 1 + ultimo.anio_fin - ultimo.anio_inicio
    if form.validate_on_submit():
        base = db.session.get(ConjuntoIndicadores, form.base_id.data) if form.base_id.data else None
        try:
            ciclo = services.crear_ciclo(
                form.anio_inicio.data,
                form.anio_fin.data,
                nombre=form.nombre.data,
                base=base,
                usuario_id=current_user.id,
            )
        except services.ErrorCatalogo as error:
            db.session.rollback()
            mostrar_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "Ciclo %(ciclo)s creado con %(n)s IdG.",
                    ciclo=ciclo.ciclo,
                    n=len(ciclo.indicadores),
                ),
                "exito",
            )
            return redirect(url_for("catalogo.ciclo", ciclo_id=ciclo.id))
    return render_template("catalogo/ciclo_form.html", form=form)


@bp.route("/ciclos/<int:ciclo_id>")
@permitido()
def ciclo(ciclo_id: int):
    """Show a cycle and its IdG; ODES adds, edits and retires IdG while the set is open."""
    ciclo = db.get_or_404(ConjuntoIndicadores, ciclo_id)
    es_odes = current_user.rol is Rol.odes
    return render_template(
        "catalogo/ciclo.html",
        ciclo=ciclo,
        indicadores=queries.indicadores_del_ciclo(ciclo.id),
        cerrado=services.motivo_ciclo_cerrado(ciclo),
        es_odes=es_odes,
        eventos=historial("conjunto_indicadores", ciclo.id) if es_odes else [],
    )
