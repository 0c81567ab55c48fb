"""Views of the catalogue's index and of the regions: list, page and edition (ODES)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import bp, queries, services
from app.catalogo.forms import RegionForm
from app.catalogo.models import Region
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido
from app.extensions import db


@bp.route("/")
@permitido()
def indice():
    """Show the catalogue's sections."""
    return render_template("catalogo/indice.html")


@bp.route("/regiones")
@permitido()
def regiones():
    """List the regions, their labour body, macro-region and transferred functions."""
    from app.catalogo.models import normalizar

    # The 26 regions are a fixed catalogue: filtered in memory, where the aliases are matched
    # accent-insensitively; their relations are loaded in two queries whatever the filter.
    filas = queries.regiones_con_detalle()
    macros = sorted({r.macro_region for r in filas if r.macro_region})
    f = listas.leer(
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre u otra grafía")),
        listas.Campo("macro", _l("Macro región"), [(m, m) for m in macros], _l("Todas")),
        por_pagina=30,
    )
    if f.q:
        clave = normalizar(f.q)
        filas = [
            r
            for r in filas
            if clave in normalizar(r.nombre) or any(clave in a.clave for a in r.aliases)
        ]
    if f["macro"]:
        filas = [r for r in filas if r.macro_region == f["macro"]]
    return render_template(
        "catalogo/regiones.html",
        pagina=listas.paginar_lista(filas, f),
        f=f,
        total_funciones=len(queries.funciones()),
    )


@bp.route("/regiones/<codigo>")
@permitido()
def region(codigo: str):
    """Show one region: labour body, aliases, functions and what the modules above add."""
    region = db.one_or_404(sa.select(Region).filter_by(codigo=codigo))
    transferidas = {t.funcion_id for t in region.funciones_transferidas}
    # Modules above the catalogue add what they hold about the region (queries.SECCIONES_REGION).
    secciones = [seccion(region, current_user) for seccion in queries.SECCIONES_REGION]
    return render_template(
        "catalogo/region.html",
        region=region,
        funciones=queries.funciones(),
        transferidas=transferidas,
        secciones=[s for s in secciones if s is not None],
        eventos=historial("region", region.id) if current_user.rol is Rol.odes else [],
    )


@bp.route("/regiones/<codigo>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_region(codigo: str):
    """Edit a region's labour body, macro-region and aliases."""
    region = db.one_or_404(sa.select(Region).filter_by(codigo=codigo))
    form = RegionForm(obj=region)
    if request.method == "GET":
        form.organo_tipo.data = region.organo_tipo or ""
        form.aliases.data = "\n".join(a.alias for a in region.aliases)
    if form.validate_on_submit():
        try:
            services.editar_region(
                region, form.datos(), form.lista_aliases(), usuario_id=current_user.id
            )
        except services.ErrorCatalogo as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(_("Región %(nombre)s actualizada.", nombre=region.nombre), "exito")
            return redirect(url_for("catalogo.region", codigo=region.codigo))
    return render_template("catalogo/region_form.html", form=form, region=region)
