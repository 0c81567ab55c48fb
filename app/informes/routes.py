"""Views of the situational report: dashboard, charts, Excel, generation, publication.

Every figure comes from `informe.datos_informe()` (approved Anexo 4 only), the same data the
PDF is built from. Charts are PNG files drawn by `charts.py` and cached on disk per data
version, so a page of 48 charts costs one drawing per chart and data change.
"""

from __future__ import annotations

import io
import os
import re
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import Alcance, alcance_periodo, es
from app.catalogo.models import Region
from app.comun import listas
from app.comun.acciones import confirmar
from app.comun.auditoria import historial
from app.comun.roles import Rol, permitido, publico
from app.convenios.models import Periodo
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.services.evidencias import carpeta_archivos
from app.extensions import db
from app.informes import bp, publicaciones_bp, services
from app.informes import informe as datos_informe
from app.informes.models import ArchivoInforme, EstadoInforme, GeneracionInforme, Informe

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_VERSION = re.compile(r"^[0-9a-f]{64}$")
_CODIGO_PERIODO = re.compile(r"^(\d{4})-([12])$")


# --- Helpers ---------------------------------------------------------------------------------


def _periodo_o_404(codigo: str) -> Periodo:
    """The semester of a URL code such as "2020-2", or 404."""
    coincide = _CODIGO_PERIODO.match(codigo or "")
    if not coincide:
        abort(404)
    periodo = db.session.scalar(
        sa.select(Periodo).filter_by(anio=int(coincide[1]), semestre=int(coincide[2]))
    )
    if periodo is None:
        abort(404)
    return periodo


def _periodo_de_consulta() -> Periodo | None:
    """?periodo= (404 if given and unknown), else the newest semester (None if there is none)."""
    codigo = request.args.get("periodo")
    if codigo:
        return _periodo_o_404(codigo)
    return anexo4_queries.periodo_por_codigo(None)


def _region_o_404(codigo: str) -> Region:
    region = db.session.scalar(sa.select(Region).filter_by(codigo=codigo))
    if region is None:
        abort(404)
    return region


def _nombre_descarga(informe: Informe, archivo: ArchivoInforme) -> str:
    """E.g. "informe_situacional_2020-2.pdf" (previews say BORRADOR and their version)."""
    base = f"informe_situacional_{informe.periodo.codigo}"
    if archivo.borrador:
        return f"{base}_BORRADOR_{archivo.version_corta}.pdf"
    return f"{base}.pdf"


def _enviar_pdf(archivo: ArchivoInforme, *, adjunto: bool = True):
    """Send a stored report file (404 if it is gone from disk)."""
    try:
        ruta = services.ruta_archivo(archivo)
    except services.ErrorInforme:
        abort(404)
    if not ruta.is_file():
        abort(404)
    respuesta = send_file(
        ruta,
        mimetype=PDF,
        as_attachment=adjunto,
        download_name=_nombre_descarga(archivo.informe, archivo),
        etag=archivo.version_datos,
        conditional=True,
        max_age=0,
    )
    respuesta.headers["Cache-Control"] = "private, no-cache"
    return respuesta


def _puede_leer_archivo(archivo: ArchivoInforme) -> bool:
    """ODES reads every file; others only the published final file of a published report."""
    if es(Rol.odes):
        return True
    return archivo.publicado and not archivo.borrador and archivo.informe.publicado


def _alcance(periodo: Periodo) -> Alcance:
    """What the current user may see of the semester's figures (docs/security.md)."""
    return alcance_periodo(current_user, periodo.id)


def _volver(periodo: Periodo):
    return redirect(url_for("informes.informe", periodo=periodo.codigo))


# --- Dashboard and charts --------------------------------------------------------------------


@bp.route("/")
@permitido()
def indice():
    """List the semesters with their report's state and links to dashboard and report."""
    f = listas.leer(
        listas.Campo("anio", _l("Año"), [(a, a) for a in anexo4_queries.anios_de_periodos()]),
        listas.Campo(
            "estado",
            _l("Informe"),
            [("publicado", _l("Publicado")), ("pendiente", _l("No publicado"))],
        ),
    )
    consulta = anexo4_queries.consulta_periodos(anio=f.entero("anio"))
    publicados = sa.select(Informe.periodo_id).where(Informe.estado == EstadoInforme.publicado)
    if f["estado"] == "publicado":
        consulta = consulta.where(Periodo.id.in_(publicados))
    elif f["estado"] == "pendiente":
        consulta = consulta.where(Periodo.id.not_in(publicados))
    pagina = listas.paginar(consulta, f)
    ids = [p.id for p in pagina.items]
    informes = {
        i.periodo_id: i
        for i in db.session.scalars(
            sa.select(Informe).where(Informe.periodo_id.in_(ids)).order_by(Informe.id)
        )
    }
    return render_template("informes/indice.html", pagina=pagina, f=f, informes=informes)


@bp.route("/tablero")
@permitido()
def tablero():
    """Show the report's tables and charts for a semester (approved Anexo 4 only)."""
    periodo = _periodo_de_consulta()
    if periodo is None:
        return render_template("informes/tablero.html", periodo=None, periodos=[], datos=None)
    alcance = _alcance(periodo)
    if alcance.ninguno:
        return render_template(
            "informes/tablero.html",
            periodo=periodo,
            periodos=anexo4_queries.periodos(),
            datos=None,
            no_publicado=True,
        )
    datos = datos_informe.datos_informe(periodo, alcance=alcance)
    codigos = dict(db.session.execute(sa.select(Region.nombre, Region.codigo)).all())
    return render_template(
        "informes/tablero.html",
        periodo=periodo,
        periodos=anexo4_queries.periodos(),
        datos=datos,
        version=datos_informe.huella(datos),
        codigos=codigos,
        idgs=[i.numero for i in datos.indicadores],
        valores={(r.region, v.idg): v for r in datos.resultados_regiones for v in r.valores},
        informe=services.informe_de(periodo),
        alcance=alcance,
        grafico_idg=lambda n: 1 + len(datos.resultados_regiones) + n,
    )


def _carpeta_graficos(version: str) -> Path:
    return carpeta_archivos(current_app) / "graficos" / version


def _enviar_png(version: str, nombre: str, dibujar):
    """Serve a chart from the disk cache of its data version, drawing it the first time."""
    ruta = _carpeta_graficos(version) / nombre
    if not ruta.is_file():
        contenido = dibujar()
        ruta.parent.mkdir(parents=True, exist_ok=True)
        temporal = ruta.with_name(f"{nombre}.{uuid.uuid4().hex}.parcial")
        temporal.write_bytes(contenido)
        os.replace(temporal, ruta)
    respuesta = send_file(
        ruta, mimetype="image/png", etag=f"{version[:16]}-{nombre}", conditional=True, max_age=0
    )
    respuesta.headers["Cache-Control"] = "private, no-cache"
    return respuesta


def _grafico(periodo: Periodo, alcance: Alcance, nombre: str, dibujar_con):
    """Answer a chart request: from the cache when ?v= names a drawn version, else draw it.

    The file's name carries the reader's scope, so a chart drawn from every region's figures
    is never served to a reader who may see only some of them, whatever version it names.
    """
    nombre = f"{periodo.codigo}-{alcance.clave}-{nombre}.png"
    pedida = request.args.get("v", "")
    if _VERSION.match(pedida) and (_carpeta_graficos(pedida) / nombre).is_file():
        return _enviar_png(pedida, nombre, None)
    datos = datos_informe.datos_informe(periodo, alcance=alcance)
    return _enviar_png(datos_informe.huella(datos), nombre, lambda: dibujar_con(datos))


def _alcance_o_404(periodo: Periodo, region: Region | None = None) -> Alcance:
    """The reader's scope of the semester; 404 when it holds nothing (or not that region)."""
    alcance = _alcance(periodo)
    if alcance.ninguno or (region is not None and not alcance.incluye_region(region.id)):
        abort(404)
    return alcance


def _serie(resultado, idgs: list[int]) -> tuple[list, list]:
    """Programmed and executed % per IdG of a region's result (None = not a summand)."""
    por_idg = {v.idg: v for v in resultado.valores} if resultado else {}
    programado, ejecutado = [], []
    for n in idgs:
        v = por_idg.get(n)
        valor = v is not None and v.estado == "valor"
        programado.append(v.programado if valor else None)
        ejecutado.append(v.ejecutado if valor else None)
    return programado, ejecutado


@bp.route("/<periodo>/graficos/region/<codigo>.png")
@permitido()
def grafico_region(periodo: str, codigo: str):
    """PNG: programmed vs executed % per IdG of one G/DRTPE (Gráficos 02–19)."""
    from app.informes import charts

    periodo_obj = _periodo_o_404(periodo)
    region = _region_o_404(codigo)
    alcance = _alcance_o_404(periodo_obj, region)

    def dibujar(datos):
        resultado = datos.resultado_region(region.nombre)
        idgs = [i.numero for i in datos.indicadores]
        programado, ejecutado = _serie(resultado, idgs)
        sigla = region.organo_sigla or "G/DRTPE"
        titulo = f"{sigla} {region.nombre} - {datos.periodo_nombre}"
        if resultado is None:
            titulo += " (sin Anexo 4 aprobado)"
        return charts.grafico_region(titulo, idgs, programado, ejecutado)

    return _grafico(periodo_obj, alcance, f"region-{region.codigo}", dibujar)


@bp.route("/<periodo>/graficos/idg/<int:numero>.png")
@permitido()
def grafico_idg(periodo: str, numero: int):
    """PNG: one IdG's average programmed vs executed % across regions (Gráficos 20–31)."""
    from app.informes import charts

    periodo_obj = _periodo_o_404(periodo)
    alcance = _alcance_o_404(periodo_obj)
    datos = datos_informe.datos_informe(periodo_obj, alcance=alcance)
    if datos.resultado_idg(numero) is None:
        abort(404)

    def dibujar(datos):
        r = datos.resultado_idg(numero)
        titulo = f"IdG {numero}: Resultado promedio {datos.periodo_nombre}"
        return charts.grafico_idg(titulo, r.programado, r.ejecutado)

    nombre = f"{periodo_obj.codigo}-{alcance.clave}-idg-{numero}.png"
    return _enviar_png(datos_informe.huella(datos), nombre, lambda: dibujar(datos))


@bp.route("/<periodo>/graficos/comparacion/<codigo>.png")
@permitido()
def grafico_comparacion(periodo: str, codigo: str):
    """PNG: one G/DRTPE's previous semester against this one, per IdG (Gráficos 32–49)."""
    from app.informes import charts

    periodo_obj = _periodo_o_404(periodo)
    region = _region_o_404(codigo)
    alcance = _alcance_o_404(periodo_obj, region)

    def dibujar(datos):
        idgs = [i.numero for i in datos.indicadores]
        comparacion = datos.comparacion
        fila = (
            next((f for f in comparacion.filas if f.region == region.nombre), None)
            if comparacion
            else None
        )
        prog_i, ejec_i = _serie(fila.anterior if fila else None, idgs)
        prog_ii, ejec_ii = _serie(datos.resultado_region(region.nombre), idgs)
        sigla = region.organo_sigla or "G/DRTPE"
        if comparacion is not None:
            anterior = f"{comparacion.semestre_anterior_romano} SEM."
            titulo = f"{sigla} {region.nombre} - {comparacion.periodo_anterior} vs "
            titulo += datos.periodo_nombre
        else:
            anterior = "SEM. ANTERIOR"
            titulo = f"{sigla} {region.nombre} - {datos.periodo_nombre} (sin semestre anterior)"
        return charts.grafico_comparacion(
            titulo,
            prog_i,
            ejec_i,
            prog_ii,
            ejec_ii,
            idgs=idgs,
            etiquetas=(anterior, f"{datos.semestre_romano} SEM."),
        )

    return _grafico(periodo_obj, alcance, f"comparacion-{region.codigo}", dibujar)


@bp.route("/<periodo>/excel")
@permitido()
def excel(periodo: str):
    """Download every table of the report as an Excel file (approved Anexo 4, reader's scope)."""
    from app.informes import excel as excel_informe

    periodo_obj = _periodo_o_404(periodo)
    alcance = _alcance_o_404(periodo_obj)
    contenido = excel_informe.libro_informe(
        datos_informe.datos_informe(periodo_obj, alcance=alcance)
    )
    return send_file(
        io.BytesIO(contenido),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"informe_situacional_{periodo_obj.codigo}_cuadros.xlsx",
    )


# --- The report: narrative, generation, publication ------------------------------------------


def _contexto_informe(periodo: Periodo, informe_obj: Informe | None, **extra) -> dict:
    """What the report page shows; ODES also gets the narrative form, builds and files."""
    contexto = {
        "periodo": periodo,
        "informe": informe_obj,
        "archivo_publicado": informe_obj.archivo_publicado if informe_obj else None,
        "fichas": db.session.execute(
            sa.select(Region.codigo, Region.nombre).order_by(Region.orden, Region.nombre)
        ).all(),
    }
    if not es(Rol.odes):
        return contexto
    from app.informes.narrativa import LEMA_POR_DEFECTO

    generaciones = []
    if informe_obj is not None:
        generaciones = list(
            db.session.scalars(
                sa.select(GeneracionInforme)
                .filter_by(informe_id=informe_obj.id)
                .order_by(GeneracionInforme.id.desc())
                .limit(5)
            )
        )
    contexto.update(
        textos=services.narrativa_efectiva(informe_obj),
        defecto=services.narrativa_por_defecto(),
        claves=services.claves_narrativa(),
        titulo_seccion=services.titulo_seccion,
        lema_defecto=LEMA_POR_DEFECTO,
        errores={},
        generaciones=generaciones,
        activas=[g for g in generaciones if g.activa and not services.interrumpida(g)],
        version_final=services.huella(periodo, informe_obj, borrador=False),
        eventos=historial("informe", informe_obj.id) if informe_obj else [],
    )
    contexto.update(extra)
    return contexto


@bp.route("/<periodo>")
@permitido()
def informe(periodo: str):
    """Show a semester's report: ODES edits, builds and publishes; others read it if published."""
    periodo_obj = _periodo_o_404(periodo)
    return render_template(
        "informes/informe.html", **_contexto_informe(periodo_obj, services.informe_de(periodo_obj))
    )


@bp.route("/<periodo>/narrativa", methods=["POST"])
@permitido(Rol.odes)
def editar_narrativa(periodo: str):
    """Save the report's narrative sections (overrides of the 2020 texts)."""
    periodo_obj = _periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj, crear=True)
    claves = services.claves_narrativa()
    textos = {c: request.form[f"texto-{c}"] for c in claves if f"texto-{c}" in request.form}
    restaurar = {c for c in claves if request.form.get(f"restaurar-{c}")}
    lema = request.form.get("lema") if "lema" in request.form else informe_obj.lema
    try:
        version = int(request.form.get("version") or 0) or None
    except ValueError:
        version = None
    try:
        errores = services.editar_narrativa(
            informe_obj,
            textos,
            lema=lema,
            restaurar=restaurar,
            usuario=current_user,
            version=version,
        )
    except services.ErrorInforme as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return _volver(periodo_obj)
    if errores:
        db.session.rollback()
        flash(_("Hay errores en la narrativa; no se guardó nada."), "error")
        informe_obj = services.informe_de(periodo_obj)
        propuestos = services.narrativa_efectiva(informe_obj)
        propuestos.update(textos)
        contexto = _contexto_informe(
            periodo_obj, informe_obj, textos=propuestos, lema_propuesto=lema, errores=errores
        )
        return render_template("informes/informe.html", **contexto), 422
    db.session.commit()
    flash(_("Narrativa guardada. Se usará en el próximo informe que se genere."), "exito")
    return _volver(periodo_obj)


@bp.route("/<periodo>/generar", methods=["POST"])
@permitido(Rol.odes)
def generar(periodo: str):
    """Build the report PDF (or reuse the stored one for unchanged data) and show progress."""
    periodo_obj = _periodo_o_404(periodo)
    tipo = request.form.get("tipo")
    if tipo not in ("borrador", "final"):
        flash(_("Elija si desea generar la vista previa (BORRADOR) o el informe final."), "error")
        return _volver(periodo_obj)
    informe_obj = services.informe_de(periodo_obj, crear=True)
    solicitud = services.generar(informe_obj, current_user, tipo == "borrador")
    db.session.commit()
    if solicitud.reutilizado:
        flash(
            _(
                "Los datos no cambiaron desde la última generación: "
                "el archivo guardado está listo para descargar."
            ),
            "info",
        )
    elif solicitud.generacion.estado.value == "error":
        flash(
            _("No se pudo generar el informe: %(error)s", error=solicitud.generacion.error), "error"
        )
    elif solicitud.generacion.estado.value == "terminado":
        flash(_("Informe generado."), "exito")
    else:
        flash(_("Generando el informe; puede seguir trabajando mientras tanto."), "info")
    return _volver(periodo_obj)


@bp.route("/generaciones/<int:generacion_id>")
@permitido(Rol.odes)
def generacion(generacion_id: int):
    """Report a build's progress as JSON (polled by static/js/progreso.js)."""
    # Always read the row anew: the builder's thread writes it from another session.
    job = db.session.get(GeneracionInforme, generacion_id, populate_existing=True)
    if job is None:
        abort(404)
    archivo = job.archivo
    cortada = services.interrumpida(job)
    respuesta = jsonify(
        {
            "id": job.id,
            "estado": "error" if cortada else job.estado.value,
            "etiqueta": _("Error") if cortada else job.estado.etiqueta,
            "fraccion": job.fraccion,
            "mensaje": job.mensaje,
            "error": str(services.MENSAJE_INTERRUMPIDA) if cortada else job.error,
            "archivo": (
                {
                    "id": archivo.id,
                    "url": url_for("informes.descargar", archivo_id=archivo.id),
                    "version": archivo.version_corta,
                }
                if archivo
                else None
            ),
        }
    )
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


@bp.route("/<periodo>/publicar", methods=["POST"])
@permitido(Rol.odes)
def publicar(periodo: str):
    """Publish a final file of the report for reviewers and the public page."""
    periodo_obj = _periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj)
    try:
        archivo_id = int(request.form.get("archivo_id") or 0)
    except ValueError:
        archivo_id = 0
    # An id beyond a 32-bit integer can't exist (and the database driver would refuse it).
    archivo = db.session.get(ArchivoInforme, archivo_id) if 0 < archivo_id < 2**31 else None
    if informe_obj is None or archivo is None:
        flash(_("Elija el archivo del informe que desea publicar."), "error")
        return _volver(periodo_obj)
    confirmar(
        lambda: services.publicar(informe_obj, archivo, usuario=current_user),
        rechazo=services.ErrorInforme,
        exito=_("Informe publicado: los revisores y la página pública de informes ya lo ven."),
    )
    return _volver(periodo_obj)


@bp.route("/<periodo>/despublicar", methods=["POST"])
@permitido(Rol.odes)
def despublicar(periodo: str):
    """Withdraw a published report, with a reason."""
    periodo_obj = _periodo_o_404(periodo)
    informe_obj = services.informe_de(periodo_obj)
    if informe_obj is None:
        flash(_("El informe no está publicado."), "error")
        return _volver(periodo_obj)
    confirmar(
        lambda: services.despublicar(
            informe_obj, usuario=current_user, motivo=request.form.get("motivo")
        ),
        rechazo=services.ErrorInforme,
        exito=_("Informe despublicado."),
    )
    return _volver(periodo_obj)


@bp.route("/archivos/<int:archivo_id>")
@permitido()
def descargar(archivo_id: int):
    """Download a stored report file (others than ODES: only the published one)."""
    archivo = db.session.get(ArchivoInforme, archivo_id)
    if archivo is None or not _puede_leer_archivo(archivo):
        abort(404)
    return _enviar_pdf(archivo)


@bp.route("/ficha/<codigo>")
@permitido()
def ficha(codigo: str):
    """Download one G/DRTPE's ficha PDF: its results, history and pending actions."""
    from app.informes import pdf

    region = _region_o_404(codigo)
    periodo = _periodo_de_consulta()
    if periodo is None:
        abort(404)
    alcance = _alcance_o_404(periodo, region)
    contenido = pdf.ficha_region_pdf(datos_informe.datos_ficha(region, periodo, alcance=alcance))
    return send_file(
        io.BytesIO(contenido),
        mimetype=PDF,
        as_attachment=True,
        download_name=f"ficha_{region.codigo}_{periodo.codigo}.pdf",
    )


# --- Public page -----------------------------------------------------------------------------


@publicaciones_bp.route("/publicaciones")
@publico
def lista():
    """List the published reports with their download links (no login needed), by year."""
    f = listas.leer(
        listas.Campo("anio", _l("Año"), [(a, a) for a in anexo4_queries.anios_de_periodos()])
    )
    pagina = listas.paginar(services.consulta_publicados(f.entero("anio")), f)
    return render_template("informes/publicaciones.html", pagina=pagina, f=f)


@publicaciones_bp.route("/publicaciones/<int:archivo_id>.pdf")
@publico
def archivo(archivo_id: int):
    """Serve a published report file to anyone (only published final files)."""
    archivo_obj = db.session.get(ArchivoInforme, archivo_id)
    if (
        archivo_obj is None
        or not archivo_obj.publicado
        or archivo_obj.borrador
        or not archivo_obj.informe.publicado
    ):
        abort(404)
    return _enviar_pdf(archivo_obj, adjunto=False)
