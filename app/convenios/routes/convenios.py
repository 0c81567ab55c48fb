"""Views of the convenio registry."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import NIVELES, TipoRegion
from app.comun import almacenamiento, listas
from app.comun.auditoria import historial
from app.comun.campos import version_leida
from app.comun.i18n import traducir
from app.comun.opciones import opciones
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import convenio_o_404
from app.convenios.forms import AdendaDocumentoForm, AdendaForm, ConvenioForm
from app.convenios.models import ETIQUETAS_ESTADO, Convenio, EstadoConvenio
from app.convenios.queries import convenios as queries
from app.convenios.services import convenios as services
from app.extensions import db

LECTORES = (Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)


def _preparar(form: ConvenioForm) -> None:
    """Fill the region and cycle choices of the convenio form (cycles newest first)."""
    form.region_id.choices = opciones(
        [(0, "— Seleccione —")] + [(r.id, r.nombre) for r in catalogo_queries.regiones()]
    )
    form.conjunto_id.choices = opciones(
        [(0, "— Seleccione —")]
        + [
            (c.id, f"{c.ciclo} · {c.nombre} ({len(c.indicadores)} IdG)")
            for c in catalogo_queries.conjuntos()
        ]
    )


def _vigencia_param(valor: str | None) -> tuple[int, int] | None:
    """(first year, last year) of a ?periodo= such as "2020-2021"; None when unreadable."""
    try:
        inicio, fin = (int(x) for x in (valor or "").split("-"))
    except ValueError:
        return None
    if not (0 < inicio < 10_000 and 0 < fin < 10_000):  # SQLite can't compare huge ints
        return None
    return inicio, fin


@bp.route("/")
@permitido(*LECTORES)
def lista():
    """List convenios with filters (period, state, region) and the period's coverage."""
    vigencias = queries.vigencias()
    drtpe = current_user.rol is Rol.drtpe
    campos = [
        listas.Campo(
            "periodo", _l("Periodo"), [(f"{a}-{b}", f"{a}-{b}") for a, b in vigencias], fijo=True
        ),
        listas.Campo("estado", _l("Estado"), [(e.value, t) for e, t in ETIQUETAS_ESTADO.items()]),
    ]
    if not drtpe:
        # The regional governments and Lima Metropolitana (plus a municipality a link asked
        # for), not 1,800 options: municipalities are found by name or by level.
        regiones = catalogo_queries.regiones_para_filtro(
            region_id=listas.entero(request.args.get("region"))
        )
        campos += [
            listas.Campo("region", _l("Región"), [(r.id, r.nombre) for r in regiones], _l("Todas")),
            listas.Campo("q", _l("Buscar"), marcador=_l("Nombre de la región")),
        ]
        if catalogo_queries.hay_municipalidades():
            campos.append(
                listas.Campo(
                    "nivel", _l("Nivel"), [(t.value, traducir(n)) for t, n in NIVELES.items()]
                )
            )
    f = listas.leer(*campos, por_pagina=50)
    periodo = _vigencia_param(f["periodo"]) or (vigencias[0] if vigencias else None)
    if periodo:
        f.fijar("periodo", f"{periodo[0]}-{periodo[1]}")
    region_id = current_user.region_id if drtpe else f.entero("region")
    estado_enum = EstadoConvenio(f["estado"]) if f["estado"] else None
    consulta = queries.listar(
        periodo=periodo,
        estado=estado_enum,
        region_id=region_id,
        texto=f.q or None,
        nivel=TipoRegion(f["nivel"]) if f["nivel"] else None,
    )
    pagina = listas.paginar_contando(consulta, f, clave=Convenio.id)
    # A G/DRTPE user is not shown the coverage: not computed for them.
    cobertura = queries.cobertura(*periodo) if periodo and not drtpe else None
    return render_template(
        "convenios/lista.html", pagina=pagina, f=f, periodo=periodo, cobertura=cobertura
    )


@bp.route("/nuevo", methods=["GET", "POST"])
@permitido(Rol.odes)
def nuevo():
    """Register a convenio."""
    form = ConvenioForm()
    _preparar(form)
    if request.method == "GET":
        ciclos = catalogo_queries.conjuntos()
        form.conjunto_id.data = ciclos[0].id if ciclos else 0
        form.region_id.data = request.args.get("region", type=int) or 0
    if form.validate_on_submit():
        try:
            convenio = services.crear_convenio(
                form.datos(), usuario_id=current_user.id, hoy=date.today()
            )
        except services.ErrorConvenio as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(
                _(
                    "Convenio de %(nombre)s %(periodo)s registrado.",
                    nombre=convenio.region.nombre,
                    periodo=convenio.periodo,
                ),
                "exito",
            )
            return redirect(url_for("convenios.detalle", convenio_id=convenio.id))
    return render_template("convenios/formulario.html", form=form, convenio=None)


@bp.route("/<int:convenio_id>")
@permitido(*LECTORES)
def detalle(convenio_id: int):
    """Show one convenio with its adendas and history."""
    convenio = convenio_o_404(convenio_id)
    return render_template(
        "convenios/detalle.html",
        convenio=convenio,
        eventos=historial("convenio", convenio.id),
        form_adenda=AdendaForm(),
    )


@bp.route("/<int:convenio_id>/editar", methods=["GET", "POST"])
@permitido(Rol.odes)
def editar(convenio_id: int):
    """Edit a convenio; a concurrent change is refused, never overwritten."""
    convenio = convenio_o_404(convenio_id)
    form = ConvenioForm(obj=convenio)
    _preparar(form)
    if request.method == "GET":
        form.estado.data = convenio.estado.value
        form.version.data = str(convenio.version)
    if form.validate_on_submit():
        try:
            services.editar_convenio(
                convenio,
                form.datos(),
                usuario_id=current_user.id,
                hoy=date.today(),
                version=version_leida(form.version.data),
                motivo=(form.motivo.data or "").strip() or None,
            )
        except services.ErrorConvenio as error:
            db.session.rollback()
            getattr(form, error.campo).errors.append(error.mensaje)
        else:
            db.session.commit()
            flash(_("Cambios guardados."), "exito")
            return redirect(url_for("convenios.detalle", convenio_id=convenio.id))
    return render_template("convenios/formulario.html", form=form, convenio=convenio)


@bp.route("/<int:convenio_id>/adendas", methods=["POST"])
@permitido(Rol.odes)
def nueva_adenda(convenio_id: int):
    """Register an adenda of a convenio, with its signed document (PDF) when uploaded."""
    convenio = convenio_o_404(convenio_id)
    form = AdendaDocumentoForm()
    if not form.validate_on_submit():
        for campo, errores in form.errors.items():
            for error in errores:
                flash(
                    _("%(campo)s: %(error)s", campo=getattr(form, campo).label.text, error=error),
                    "error",
                )
        return redirect(url_for("convenios.detalle", convenio_id=convenio_id))
    archivo = form.archivo.data
    # An empty file input sends no file (or one without a name): the document is optional.
    documento = (
        (archivo.filename, archivo.read())
        if isinstance(archivo, FileStorage) and archivo.filename
        else None
    )
    try:
        adenda = services.agregar_adenda(
            convenio,
            form.datos(),
            usuario_id=current_user.id,
            hoy=date.today(),
            documento=documento,
        )
    except services.ErrorConvenio as error:
        db.session.rollback()
        etiqueta = getattr(form, error.campo, None)
        flash(
            _("%(campo)s: %(error)s", campo=etiqueta.label.text, error=error.mensaje)
            if etiqueta is not None
            else error.mensaje,
            "error",
        )
    else:
        db.session.commit()
        flash(_("Adenda N° %(numero)s registrada.", numero=adenda.numero), "exito")
    return redirect(url_for("convenios.detalle", convenio_id=convenio_id))


@bp.route("/<int:convenio_id>/adendas/documento")
@permitido(*LECTORES)
def documento_adenda(convenio_id: int):
    """Download an adenda's signed document (?numero=N), for anyone who may see the convenio."""
    convenio = convenio_o_404(convenio_id)
    numero = request.args.get("numero", type=int)
    adenda = next((a for a in convenio.adendas if a.numero == numero), None)
    respuesta = None
    if adenda is not None and adenda.archivo:
        respuesta = almacenamiento.enviar(
            services.CARPETA_ADENDAS,
            adenda.archivo,
            mimetype="application/pdf",
            download_name=adenda.archivo_nombre or f"adenda-{adenda.numero}.pdf",
        )
    if respuesta is None:
        flash(_("Esa adenda no tiene documento firmado registrado."), "error")
        return redirect(url_for("convenios.detalle", convenio_id=convenio.id))
    # Always a download, never rendered or guessed by the browser, never kept by proxies.
    respuesta.headers["X-Content-Type-Options"] = "nosniff"
    respuesta.headers["Cache-Control"] = "private, no-store"
    return respuesta


@bp.app_template_global()
def puede_editar_convenios() -> bool:
    """Whether the current user may change convenios (shown buttons follow the rule)."""
    return current_user.is_authenticated and current_user.rol is Rol.odes
