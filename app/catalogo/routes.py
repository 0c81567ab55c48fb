"""Catalogue pages: everyone reads, ODES edits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.models import Rol
from app.auth.permisos import permitido
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
from app.convenios.models import Convenio
from app.extensions import db
from app.models.auditoria import historial
from app.opciones import opciones


@bp.route("/")
@permitido()
def indice():
    """Show the catalogue's sections."""
    return render_template("catalogo/indice.html")


@bp.route("/regiones")
@permitido()
def regiones():
    """List the regions, their labour body, macro-region and transferred functions."""
    texto = (request.args.get("q") or "").strip()
    filas = queries.regiones_con_detalle()
    if texto:
        from app.catalogo.models import normalizar

        clave = normalizar(texto)
        filas = [
            r
            for r in filas
            if clave in normalizar(r.nombre) or any(clave in a.clave for a in r.aliases)
        ]
    return render_template(
        "catalogo/regiones.html",
        regiones=filas,
        texto=texto,
        total_funciones=len(queries.funciones()),
    )


@bp.route("/regiones/<codigo>")
@permitido()
def region(codigo: str):
    """Show one region: labour body, aliases, transferred functions, convenios."""
    region = db.one_or_404(sa.select(Region).filter_by(codigo=codigo))
    transferidas = {t.funcion_id for t in region.funciones_transferidas}
    convenios = []
    if current_user.rol is not Rol.drtpe or current_user.region_id == region.id:
        convenios = list(
            db.session.scalars(
                sa.select(Convenio)
                .filter_by(region_id=region.id)
                .order_by(Convenio.anio_inicio.desc())
            )
        )
    return render_template(
        "catalogo/region.html",
        region=region,
        funciones=queries.funciones(),
        transferidas=transferidas,
        convenios=convenios,
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
            flash(f"Región {region.nombre} actualizada.", "exito")
            return redirect(url_for("catalogo.region", codigo=region.codigo))
    return render_template("catalogo/region_form.html", form=form, region=region)


@bp.route("/funciones")
@permitido()
def funciones():
    """Show the art. 48 LOGR functions and which regions received each one."""
    regiones = [r for r in queries.regiones_con_detalle() if r.es_gobierno_regional]
    return render_template(
        "catalogo/funciones.html",
        funciones=queries.funciones(),
        regiones=regiones,
        transferidas={r.id: {t.funcion_id for t in r.funciones_transferidas} for r in regiones},
    )


@bp.route("/unidades")
@permitido()
def unidades():
    """List the MTPE units with their parent and vice-ministry."""
    return render_template("catalogo/unidades.html", unidades=queries.unidades())


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
            flash(f"Unidad {unidad.sigla} actualizada.", "exito")
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
    """List the indicator sets with proponent and alignment (Cuadros 02 and 03)."""
    return render_template("catalogo/indicadores.html", conjuntos=queries.conjuntos())


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
        [(0, "No aplica.")] + [(f.id, f"{f.letra}) {f.texto[:80]}") for f in queries.funciones()]
    )
    form.servicio_id.choices = opciones(
        [(0, "No aplica.")] + [(s.id, s.nombre) for s in queries.servicios()]
    )
    if request.method == "GET":
        form.tipo_valor.data = indicador.tipo_valor.value
        form.objetivo_id.data = indicador.objetivo_id or 0
        form.funcion_id.data = indicador.funcion_id or 0
        form.servicio_id.data = indicador.servicio_id or 0
    if form.validate_on_submit():
        services.editar_indicador(indicador, form.datos(), usuario_id=current_user.id)
        db.session.commit()
        flash(f"{indicador.etiqueta} actualizado.", "exito")
        return redirect(url_for("catalogo.indicador", indicador_id=indicador.id))
    return render_template("catalogo/indicador_form.html", form=form, indicador=indicador)


#: Catalogue entries whose official text ODES may correct: kind → (model, text field, label).
TEXTOS_EDITABLES = {
    "funcion": (FuncionLOGR, "texto", "Función del art. 48 LOGR"),
    "objetivo": (ObjetivoEstrategico, "texto", "Objetivo estratégico sectorial"),
    "servicio": (ServicioPublico, "nombre", "Servicio público"),
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
    if form.validate_on_submit():
        services.editar_texto(
            objeto, campo, form.texto.data, tipo=modelo.__tablename__, usuario_id=current_user.id
        )
        db.session.commit()
        flash(f"{etiqueta} actualizado.", "exito")
        return redirect(
            url_for("catalogo.funciones" if tipo == "funcion" else "catalogo.objetivos_servicios")
        )
    return render_template(
        "catalogo/texto_form.html",
        form=form,
        etiqueta=etiqueta,
        eventos=historial(modelo.__tablename__, objeto.id),
    )
