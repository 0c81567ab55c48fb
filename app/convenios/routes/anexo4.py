"""Views of the Anexo 4: semester overview, the report, its grid and its workflow."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import alcance_periodo
from app.comun import calculos, listas, version_datos
from app.comun.acciones import confirmar
from app.comun.base import ahora
from app.comun.cache_paginas import en_cache
from app.comun.campos import version_leida
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.acceso import (
    historial_visible,
    lineas_visibles,
    puede_editar_reporte,
    reporte_editable_o_404,
    reporte_o_404,
)
from app.convenios.forms import AccionForm, MotivoForm, ReporteForm
from app.convenios.forms.anexo4 import valores_de
from app.convenios.models import Convenio, Reporte
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import completitud as completitud_queries
from app.convenios.queries import convenios as convenios_queries
from app.convenios.queries import metas as metas_queries
from app.convenios.queries import periodos as periodos_queries
from app.convenios.routes.comun import periodo_de_pagina
from app.convenios.services import anexo4 as services
from app.convenios.services.anexo4_lineas import advertencias
from app.extensions import db

#: The state filter's extra choice: the expected reports nobody has started (no Anexo 4 yet).
SIN_INICIAR = "sin_iniciar"


@bp.route("/anexo4")
@en_cache
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def anexo4():
    """Show a semester's Anexo 4 reports (a region sees its own) and what is missing."""
    inicial = periodo_de_pagina(con_pendientes=True)
    periodo = inicial.periodo
    if periodo is None:
        return render_template("convenios/anexo4_lista.html", periodo=None, periodos=[])
    drtpe = current_user.rol is Rol.drtpe
    estados = [(e.value, e.etiqueta) for e in EstadoReporte]
    if not drtpe:
        estados.append((SIN_INICIAR, _l("Sin iniciar")))
    f = listas.leer_con_periodo(
        periodo,
        periodos_queries.periodos(),
        listas.Campo("estado", _l("Estado"), estados),
        *(() if drtpe else (_campo_region(),)),
    )
    # Both lists are filtered and paged in SQL (a drtpe user's: their region first): the page
    # costs the same with 26 governments or 1,800.
    sin_reporte = queries.consulta_sin_reporte(periodo, current_user, texto=f.q)
    if f["estado"] == SIN_INICIAR:
        pagina = listas.paginar_contando(sin_reporte, f, clave=Convenio.id)
        return render_template(
            "convenios/anexo4_lista.html",
            periodo=periodo,
            inicial=inicial,
            pagina=pagina,
            f=f,
            sin_iniciar=True,
            sin_reporte=pagina.items,
            total_sin_reporte=pagina.total,
            form=AccionForm(),
        )
    consulta = queries.consulta_reportes(periodo, current_user, estado=f["estado"], texto=f.q)
    pagina = listas.paginar_contando(consulta, f, clave=Reporte.id)
    primeros, total = listas.primeros(sin_reporte) if not f["estado"] else ([], 0)
    return render_template(
        "convenios/anexo4_lista.html",
        periodo=periodo,
        inicial=inicial,
        pagina=pagina,
        f=f,
        sin_iniciar=False,
        sin_reporte=primeros,
        total_sin_reporte=total,
        form=AccionForm(),
    )


def _campo_region() -> listas.Campo:
    """The region-name search field of the semester lists."""
    return listas.Campo("q", _l("Región"), marcador=_l("Nombre de la región"))


@bp.route("/anexo4/iniciar", methods=["POST"])
@permitido(Rol.drtpe)
def iniciar_anexo4():
    """Create the region's draft Anexo 4 for a semester and open it for editing."""
    form = AccionForm()
    periodo = periodos_queries.periodo_o_ultimo(request.form.get("periodo"))
    if not form.validate_on_submit() or periodo is None:
        abort(400)
    convenio = convenios_queries.convenio_vigente(current_user.region_id, periodo.anio)
    if convenio is None:
        flash(_("Su región no tiene un convenio suscrito que cubra este semestre."), "error")
        return redirect(url_for("convenios.anexo4", periodo=periodo.codigo))
    try:
        reporte = services.obtener_o_crear_reporte(convenio, periodo, usuario_id=current_user.id)
    except services.ErrorAnexo4 as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return redirect(url_for("convenios.anexo4", periodo=periodo.codigo))
    db.session.commit()
    return redirect(url_for("convenios.editar_anexo4", reporte_id=reporte.id))


@bp.route("/anexo4/<int:reporte_id>")
@en_cache
@permitido(Rol.odes, Rol.drtpe, Rol.direccion)
def ver_anexo4(reporte_id: int):
    """Show one Anexo 4 with its lines, warnings, evidence, actions and history."""
    reporte = reporte_o_404(reporte_id)
    # Lines and their evidence in two queries instead of one per line.
    queries.reporte_con_lineas(reporte.id)
    lineas = lineas_visibles(reporte, current_user)
    return render_template(
        "convenios/anexo4_ver.html",
        reporte=reporte,
        lineas=lineas,
        advertencias=advertencias(reporte),
        cumple={linea.id: calculos.cumplio(_celda(linea)) for linea in lineas},
        bloqueo=services.motivo_bloqueo(reporte, date.today()),
        editable=puede_editar_reporte(reporte, current_user)
        and services.motivo_bloqueo(reporte, date.today()) is None,
        puede_observar=services.puede_observar(reporte, current_user),
        eventos=historial_visible(reporte, current_user),
        metas=_metas(reporte),
        form=AccionForm(),
        form_motivo=MotivoForm(),
    )


def _metas(reporte) -> dict:
    """The approved goals in force of the report's semester, by indicator id."""
    periodo = reporte.periodo
    return metas_queries.metas_aprobadas(reporte.convenio_id, periodo.anio, periodo.semestre)


def _celda(linea) -> calculos.Celda:
    """A report line as the calculations see it."""
    return calculos.Celda(
        None, linea.indicador_numero, linea.estado.value, linea.programado, linea.ejecutado
    )


@bp.route("/anexo4/<int:reporte_id>/editar", methods=["GET", "POST"])
@permitido(Rol.drtpe)
def editar_anexo4(reporte_id: int):
    """Fill the Anexo 4 grid; errors block saving, warnings are shown and need a comment."""
    reporte = reporte_editable_o_404(reporte_id)
    bloqueo = services.motivo_bloqueo(reporte, date.today())
    if bloqueo:
        # The report page states why it is locked (no flash: it would say it twice).
        return redirect(url_for("convenios.ver_anexo4", reporte_id=reporte.id))
    form = ReporteForm()
    if request.method == "GET":
        form.version.data = str(reporte.version)
        for linea in reporte.lineas:
            form.lineas.append_entry({"linea_id": linea.id, **valores_de(linea)})
    revisiones = {}
    if form.validate_on_submit():
        datos = {int(f.linea_id.data): f.datos() for f in form.lineas}
        try:
            revisiones = services.guardar_lineas(
                reporte,
                datos,
                usuario=current_user,
                hoy=date.today(),
                version=version_leida(form.version.data),
            )
        except services.ErrorAnexo4 as error:
            db.session.rollback()
            flash(error.mensaje, "error")
            return redirect(url_for("convenios.ver_anexo4", reporte_id=reporte_id))
        if any(r.errores for r in revisiones.values()):
            db.session.rollback()
            flash(
                _(
                    "Hay errores en el formulario; no se guardó "
                    "nada. Corríjalos y vuelva a guardar."
                ),
                "error",
            )
        else:
            db.session.commit()
            avisos = [a for r in revisiones.values() for a in r.advertencias]
            flash(_("Anexo 4 guardado como borrador."), "exito")
            for aviso in avisos:
                flash(
                    _("%(aviso)s Explíquelo en el comentario antes de enviar.", aviso=aviso),
                    "advertencia",
                )
            return redirect(url_for("convenios.ver_anexo4", reporte_id=reporte_id))
    elif request.method == "POST":
        flash(_("Hay errores en el formulario; no se guardó nada."), "error")
    lineas = {linea.id: linea for linea in reporte.lineas}
    filas = [(f, lineas.get(int(f.linea_id.data or 0))) for f in form.lineas]
    if any(linea is None for _f, linea in filas):
        abort(400)
    return render_template(
        "convenios/anexo4_editar.html",
        reporte=reporte,
        form=form,
        filas=filas,
        revisiones=revisiones,
        metas=_metas(reporte),
    )


def _accion(reporte_id: int, accion, mensaje: str, **kwargs):
    """Run a workflow step on a visible report (with its reason when it takes one)."""
    reporte = reporte_o_404(reporte_id)
    form = MotivoForm() if "motivo" in kwargs else AccionForm()
    if "motivo" in kwargs:
        kwargs["motivo"] = form.motivo.data or ""
    if not form.validate_on_submit() and "motivo" not in kwargs:
        abort(400)
    confirmar(
        lambda: accion(reporte, usuario=current_user, **kwargs),
        rechazo=services.ErrorAnexo4,
        exito=mensaje,
    )
    return redirect(url_for("convenios.ver_anexo4", reporte_id=reporte_id))


@bp.route("/anexo4/<int:reporte_id>/enviar", methods=["POST"])
@permitido(Rol.drtpe)
def enviar_anexo4(reporte_id: int):
    """Submit the region's Anexo 4 for review."""
    reporte_editable_o_404(reporte_id)
    return _accion(reporte_id, services.enviar, _("Anexo 4 enviado a revisión."), ahora=ahora())


@bp.route("/anexo4/<int:reporte_id>/observar", methods=["POST"])
@permitido(Rol.odes, Rol.direccion)
def observar_anexo4(reporte_id: int):
    """Return a submitted Anexo 4 to the region with a reason."""
    return _accion(
        reporte_id, services.observar, _("Anexo 4 observado; la región verá el motivo."), motivo=""
    )


@bp.route("/anexo4/<int:reporte_id>/aprobar", methods=["POST"])
@permitido(Rol.odes)
def aprobar_anexo4(reporte_id: int):
    """Approve and lock a submitted Anexo 4."""
    return _accion(reporte_id, services.aprobar, _("Anexo 4 aprobado."), ahora=ahora())


@bp.route("/anexo4/<int:reporte_id>/reabrir", methods=["POST"])
@permitido(Rol.odes)
def reabrir_anexo4(reporte_id: int):
    """Reopen an approved Anexo 4 with a reason."""
    return _accion(reporte_id, services.reabrir, _("Anexo 4 reabierto."), motivo="")


@bp.route("/anexo4/completitud")
@permitido(Rol.odes, Rol.direccion, Rol.revisor)
def completitud():
    """Expected, received, on-time, late and missing reports of a semester."""
    inicial = periodo_de_pagina()
    periodo = inicial.periodo
    if periodo is None:
        return render_template("convenios/completitud.html", periodo=None, resultado=None)
    situaciones = {
        "a_tiempo": _l("A tiempo"),
        "tardio": _l("Fuera de plazo"),
        "faltante": _l("No remitido"),
    }
    f = listas.leer_con_periodo(
        periodo,
        periodos_queries.periodos(),
        listas.Campo("situacion", _l("Situación"), list(situaciones.items()), _l("Todas")),
        _campo_region(),
    )
    # Counted, named (the first few of each situation) and paged in SQL: the lists link to the
    # detail table filtered by their situation for the rest.
    resultado = version_datos.memorizar(
        ("completitud", periodo.id), lambda: completitud_queries.resumen(periodo, listas.MUESTRA)
    )
    consulta = completitud_queries.consulta_detalle(periodo, situacion=f["situacion"], texto=f.q)
    # Without a name search the detail's length is one of the counts already made.
    total = None
    if not f.q:
        total = resultado.cuentas[f["situacion"]] if f["situacion"] else resultado.esperados
    return render_template(
        "convenios/completitud.html",
        periodo=periodo,
        inicial=inicial,
        resultado=resultado,
        situaciones=situaciones,
        f=f,
        pagina=listas.paginar_filas(consulta, f, total=total),
    )


@bp.route("/anexo4/resultados")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def resultados():
    """Average performance per region and per IdG, with n and goal compliance (approved data)."""
    inicial = periodo_de_pagina()
    periodo = inicial.periodo
    if periodo is None:
        return render_template("convenios/resultados.html", periodo=None, periodos=[])
    alcance = alcance_periodo(current_user, periodo.id)
    f = listas.leer_con_periodo(periodo, periodos_queries.periodos(), _campo_region())
    if alcance.region_id is not None:
        # A region's own figures (before publication): one report, read in one query.
        celdas = queries.celdas(periodo, alcance=alcance)
        regiones = [r for r in dict.fromkeys(c.region for c in celdas) if listas.coincide(f.q, r)]
        pagina = listas.paginar_lista(regiones, f)
        por_idg = calculos.promedios_por_idg(celdas)
    else:
        # The IdG averages are summed in SQL over every approved cell; the regions are filtered
        # and paged in SQL, and only the page's cells are read (its averages and matrix).
        pagina = listas.paginar_contando(
            queries.consulta_regiones_con_celdas(periodo, alcance, texto=f.q), f
        )
        celdas = queries.celdas(periodo, alcance=alcance, regiones=pagina.items)
        # One sum over the semester's cells per data version, whatever the page shown.
        por_idg = version_datos.memorizar(
            ("promedios_por_idg", periodo.id, alcance.clave),
            lambda: queries.promedios_por_idg(periodo, alcance),
        )
    return render_template(
        "convenios/resultados.html",
        periodo=periodo,
        inicial=inicial,
        f=f,
        pagina=pagina,
        hay_datos=bool(por_idg),
        alcance=alcance,
        regiones=pagina.items,
        idgs=sorted(por_idg),
        por_region=calculos.desempeno_por_region(celdas),
        por_idg=por_idg,
        matriz=_matriz(pagina.items, sorted(por_idg), celdas),
        veredicto=calculos.veredicto,
    )


def _matriz(regiones: list[str], idgs: list[int], celdas: list[calculos.Celda]) -> list:
    """The compliance matrix of the page's regions: per region, per IdG, (CSS class, tooltip,
    sign).

    Built here rather than in the template: Jinja pays a call per expression, and 30 regions
    × 12 IdG are 360 cells.
    """
    filtro = current_app.jinja_env.filters["numero"]
    formateados: dict = {}

    def numero(valor):
        # Goals repeat (100 %, 50 %…): each value is formatted once per page.
        if valor not in formateados:
            formateados[valor] = filtro(valor)
        return formateados[valor]

    # The message is looked up once and filled per cell (gettext without variables leaves
    # its "%%" for this formatting).
    detalle = _("Programado %(programado)s %%, ejecutado %(ejecutado)s %%")
    sin_dato = _("sin dato")
    por_celda = {(c.region, c.idg): c for c in celdas}
    filas = []
    for region in regiones:
        fila = []
        for idg in idgs:
            celda = por_celda.get((region, idg))
            cumplio = calculos.cumplio(celda) if celda else None
            if cumplio is None:
                fila.append((None, celda.estado.replace("_", " ") if celda else sin_dato, "—"))
            else:
                titulo = detalle % {
                    "programado": numero(celda.programado),
                    "ejecutado": numero(celda.ejecutado),
                }
                fila.append(("si", titulo, "✓") if cumplio else ("no", titulo, "✗"))
        filas.append((region, fila))
    return filas
