"""Views of the catalogue's index and of the regions: list, page and edition (ODES)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import bp, queries, services
from app.catalogo.forms import RegionForm
from app.catalogo.models import NIVELES, Region
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.i18n import traducir
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
    """List the governments: level, ubigeo, parent, labour body, macro-region and functions."""
    # Filtered and paged in SQL (1,800 governments): the relations are loaded for the page's
    # rows only, the name is compared without accents and the aliases by their normalised key.
    padres = queries.regiones_con_municipalidades()
    pedido = request.args.get("padre", "").strip()
    if pedido and all(r.codigo != pedido for r in padres):
        # A province's page links to its districts: that province becomes an option.
        otra = queries.region_por_codigo(pedido)
        if otra is not None:
            padres.append(otra)
    campos = [
        listas.Campo("q", _l("Buscar"), marcador=_l("Nombre, otra grafía o ubigeo")),
        listas.Campo("nivel", _l("Nivel"), [(t.value, traducir(n)) for t, n in NIVELES.items()]),
        listas.Campo(
            "macro",
            _l("Macro región"),
            [(m, m) for m in queries.macro_regiones()],
            _l("Todas"),
        ),
    ]
    if padres:
        campos.append(
            listas.Campo(
                "padre", _l("Pertenece a"), [(r.codigo, r.nombre) for r in padres], _l("Todas")
            )
        )
    f = listas.leer(*campos, por_pagina=30)
    padre = next((r for r in padres if r.codigo == f["padre"]), None)
    consulta = queries.consulta_regiones(
        texto=f.q, macro=f["macro"], nivel=f["nivel"], padre_id=padre.id if padre else None
    )
    return render_template(
        "catalogo/regiones.html",
        pagina=listas.paginar_contando(consulta, f, clave=Region.id),
        f=f,
        total_funciones=len(queries.funciones()),
    )


@bp.route("/regiones/<codigo>")
@permitido()
def region(codigo: str):
    """Show one government: level, ubigeo, parent, labour body, aliases, functions, its
    municipalities (a count linking to the list) and what the modules above add."""
    region = db.one_or_404(sa.select(Region).filter_by(codigo=codigo))
    transferidas = {t.funcion_id for t in region.funciones_transferidas}
    # Modules above the catalogue add what they hold about the region (queries.SECCIONES_REGION).
    secciones = [seccion(region, current_user) for seccion in queries.SECCIONES_REGION]
    return render_template(
        "catalogo/region.html",
        region=region,
        municipalidades=queries.municipalidades_de(region),
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
