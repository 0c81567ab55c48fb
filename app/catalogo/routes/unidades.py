"""Views of the MTPE units: list and edition (ODES)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import bp, queries, services
from app.catalogo.forms import UnidadForm
from app.catalogo.models import UnidadMTPE
from app.comun import listas
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.extensions import db


@bp.route("/unidades")
@permitido()
def unidades():
    """List the MTPE units with their parent and vice-ministry (search, level filter, paged)."""
    from app.catalogo.models import ETIQUETAS_TIPO_UNIDAD

    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Sigla o nombre")),
        listas.Campo("tipo", _l("Tipo"), [(t.value, e) for t, e in ETIQUETAS_TIPO_UNIDAD.items()]),
    )
    pagina = listas.paginar(queries.consulta_unidades(texto=f.q, tipo=f["tipo"]), f)
    return render_template("catalogo/unidades.html", pagina=pagina, f=f)


@bp.route("/unidades/<int:unidad_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_unidad(unidad_id: int):
    """Edit an MTPE unit."""
    unidad = db.get_or_404(UnidadMTPE, unidad_id)
    form = UnidadForm(obj=unidad)
    form.padre_id.choices = opciones(
        [(0, "—")]
        + [(u.id, f"{u.sigla} — {u.nombre}") for u in queries.unidades() if u.id != unidad.id]
    )
    if request.method == "GET":
        form.padre_id.data = unidad.padre_id or 0
    if form.validate_on_submit():
        try:
            services.editar_unidad(unidad, form.datos(), usuario_id=current_user.id)
        except services.ErrorCatalogo as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(_("Unidad %(sigla)s actualizada.", sigla=unidad.sigla), "exito")
            return redirect(url_for("catalogo.unidades"))
    return render_template("catalogo/unidad_form.html", form=form, unidad=unidad)
