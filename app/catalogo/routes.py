# Over ~400 lines: one blueprint of thin views over one vocabulary; the cycles' views (from
# "Cycles and their indicator sets") are the part to move out first if it grows.
"""Catalogue pages: everyone reads, ODES edits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import Length

from app.catalogo import bp, queries, services
from app.catalogo.forms import (
    CicloForm,
    FichaIndicadorForm,
    RegionForm,
    RetiroForm,
    TextoCatalogoForm,
    UnidadForm,
)
from app.catalogo.models import (
    ConjuntoIndicadores,
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
    form = _ficha_form(obj=indicador)
    if request.method == "GET":
        form.cargar(indicador)
    if form.validate_on_submit():
        try:
            services.editar_ficha(indicador, form.datos(), usuario_id=current_user.id)
        except services.ErrorCatalogo as error:
            db.session.rollback()
            _mostrar_error(form, error)
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
        try:
            services.editar_texto(
                objeto,
                campo,
                form.texto.data,
                tipo=modelo.__tablename__,
                usuario_id=current_user.id,
            )
        except services.ErrorCatalogo as error:
            db.session.rollback()
            _mostrar_error(form, error)
        else:
            db.session.commit()
            flash(_("%(etiqueta)s actualizado.", etiqueta=etiqueta), "exito")
            return redirect(
                url_for(
                    "catalogo.funciones" if tipo == "funcion" else "catalogo.objetivos_servicios"
                )
            )
    return render_template(
        "catalogo/texto_form.html",
        form=form,
        etiqueta=etiqueta,
        cerrado=services.motivo_texto_cerrado(objeto, modelo.__tablename__),
        eventos=historial(modelo.__tablename__, objeto.id),
    )


# --- Cycles and their indicator sets ---------------------------------------------------------


def _mostrar_error(form, error: services.ErrorCatalogo) -> None:
    """Show a refusal next to its field, or above the form when it is about the whole page."""
    campo = getattr(form, error.campo or "", None)
    if campo is not None and hasattr(campo, "errors"):
        campo.errors = [*campo.errors, error.mensaje]
    else:
        flash(error.mensaje, "error")


def _ficha_form(**kwargs) -> FichaIndicadorForm:
    """The ficha técnica form with its selects filled from the catalogue."""
    form = FichaIndicadorForm(**kwargs)
    form.llenar_opciones(
        queries.unidades(), queries.objetivos(), queries.funciones(), queries.servicios()
    )
    return form


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
            _mostrar_error(form, error)
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


@bp.route("/ciclos/<int:ciclo_id>/indicadores/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo_indicador(ciclo_id: int):
    """Add an IdG, with its ficha técnica, to a cycle whose set is still open."""
    ciclo = db.get_or_404(ConjuntoIndicadores, ciclo_id)
    form = _ficha_form()
    if request.method == "GET":
        numeros = [i.numero for i in ciclo.indicadores]
        form.numero.data = max(numeros, default=0) + 1
        form.unidad_medida.data = _("Porcentaje (%)")
    if form.validate_on_submit():
        try:
            indicador = services.agregar_indicador(ciclo, form.datos(), usuario_id=current_user.id)
        except services.ErrorCatalogo as error:
            db.session.rollback()
            _mostrar_error(form, error)
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
            _mostrar_error(form, error)
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
