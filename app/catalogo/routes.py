"""Catalogue pages: everyone reads, ODES edits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import Length

from app.catalogo import bp, queries, services
from app.catalogo.forms import IndicadorForm, RegionForm, TextoCatalogoForm, UnidadForm
from app.catalogo.models import (
    FuncionLOGR,
    Indicador,
    ObjetivoEstrategico,
    Region,
    ServicioPublico,
    UnidadMTPE,
)
from app.comun import listas
from app.comun.auditoria import historial
from app.comun.opciones import opciones
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


@bp.route("/funciones")
@permitido()
def funciones():
    """Show the art. 48 LOGR functions and which regions received each one."""
    funciones = queries.funciones()
    f = listas.leer(
        listas.Campo("q", _l("Gobierno regional"), marcador=_l("Nombre de la región")),
        listas.Campo(
            "funcion", _l("Con la función"), [(x.id, f"{x.letra})") for x in funciones], _l("Todas")
        ),
        por_pagina=30,
    )
    regiones = [
        r
        for r in queries.regiones_con_detalle()
        if r.es_gobierno_regional
        and listas.coincide(f.q, r.nombre)
        and (
            not f.entero("funcion")
            or any(t.funcion_id == f.entero("funcion") for t in r.funciones_transferidas)
        )
    ]
    pagina = listas.paginar_lista(regiones, f)
    return render_template(
        "catalogo/funciones.html",
        funciones=funciones,
        pagina=pagina,
        f=f,
        transferidas={r.id: {t.funcion_id for t in r.funciones_transferidas} for r in regiones},
    )


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


@bp.route("/objetivos-y-servicios")
@permitido()
def objetivos_servicios():
    """List the sectoral strategic objectives and the public services."""
    return render_template(
        "catalogo/objetivos_servicios.html",
        objetivos=queries.objetivos(),
        servicios=queries.servicios(),
    )


@bp.route("/indicadores")
@permitido()
def indicadores():
    """List the indicators with proponent and alignment (Cuadros 02 and 03), filtered and paged."""
    from app.catalogo.models import ConjuntoIndicadores

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
        eventos=historial("indicador", indicador.id) if current_user.rol is Rol.odes else [],
    )


@bp.route("/indicadores/<int:indicador_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_indicador(indicador_id: int):
    """Edit an indicator's texts and alignment."""
    indicador = db.get_or_404(Indicador, indicador_id)
    form = IndicadorForm(obj=indicador)
    form.proponente_id.choices = opciones(
        [(u.id, f"{u.sigla} — {u.nombre}") for u in queries.unidades()]
    )
    form.objetivo_id.choices = opciones(
        [(0, "—")] + [(o.id, f"OES {o.numero}: {o.texto[:80]}") for o in queries.objetivos()]
    )
    form.funcion_id.choices = opciones(
        [(0, _("No aplica."))] + [(f.id, f"{f.letra}) {f.texto[:80]}") for f in queries.funciones()]
    )
    form.servicio_id.choices = opciones(
        [(0, _("No aplica."))] + [(s.id, s.nombre) for s in queries.servicios()]
    )
    if request.method == "GET":
        form.tipo_valor.data = indicador.tipo_valor.value
        form.objetivo_id.data = indicador.objetivo_id or 0
        form.funcion_id.data = indicador.funcion_id or 0
        form.servicio_id.data = indicador.servicio_id or 0
    if form.validate_on_submit():
        services.editar_indicador(indicador, form.datos(), usuario_id=current_user.id)
        db.session.commit()
        flash(_("%(etiqueta)s actualizado.", etiqueta=indicador.etiqueta), "exito")
        return redirect(url_for("catalogo.indicador", indicador_id=indicador.id))
    return render_template("catalogo/indicador_form.html", form=form, indicador=indicador)


#: Catalogue entries whose official text ODES may correct: kind → (model, text field, label).
TEXTOS_EDITABLES = {
    "funcion": (FuncionLOGR, "texto", _l("Función del art. 48 LOGR")),
    "objetivo": (ObjetivoEstrategico, "texto", _l("Objetivo estratégico sectorial")),
    "servicio": (ServicioPublico, "nombre", _l("Servicio público")),
}


@bp.route("/textos/<tipo>/<int:objeto_id>", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar_texto(tipo: str, objeto_id: int):
    """Correct the official text of a function, strategic objective or public service."""
    if tipo not in TEXTOS_EDITABLES:
        abort(404)
    modelo, campo, etiqueta = TEXTOS_EDITABLES[tipo]
    objeto = db.get_or_404(modelo, objeto_id)
    form = TextoCatalogoForm()
    if request.method == "GET":
        form.texto.data = getattr(objeto, campo)
    # A service's name is a String(200) column: refuse longer text before the database does.
    largo = getattr(modelo, campo).type.length
    extra = {}
    if largo:
        extra["texto"] = [Length(max=largo, message=_("Máximo %(n)s caracteres.", n=largo))]
    if form.validate_on_submit(extra_validators=extra):
        services.editar_texto(
            objeto, campo, form.texto.data, tipo=modelo.__tablename__, usuario_id=current_user.id
        )
        db.session.commit()
        flash(_("%(etiqueta)s actualizado.", etiqueta=etiqueta), "exito")
        return redirect(
            url_for("catalogo.funciones" if tipo == "funcion" else "catalogo.objetivos_servicios")
        )
    return render_template(
        "catalogo/texto_form.html",
        form=form,
        etiqueta=etiqueta,
        eventos=historial(modelo.__tablename__, objeto.id),
    )
