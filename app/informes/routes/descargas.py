"""Downloads of the report's files: stored PDFs, a region's ficha, and the public page."""

from __future__ import annotations

import io

from flask import abort, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permisos import es
from app.comun import almacenamiento, listas
from app.comun.roles import Rol, permitido, publico
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db
from app.informes import bp, publicaciones_bp, services
from app.informes import informe as datos_informe
from app.informes.models import ArchivoInforme, Informe
from app.informes.routes.comun import alcance_o_404, periodo_de_consulta, region_o_404

PDF = "application/pdf"


def _nombre_descarga(informe: Informe, archivo: ArchivoInforme) -> str:
    """E.g. "informe_situacional_2020-2.pdf" (previews say BORRADOR and their version)."""
    base = f"informe_situacional_{informe.periodo.codigo}"
    if archivo.borrador:
        return f"{base}_BORRADOR_{archivo.version_corta}.pdf"
    return f"{base}.pdf"


def _enviar_pdf(archivo: ArchivoInforme, *, adjunto: bool = True):
    """Send a stored report file (404 if it is no longer stored)."""
    respuesta = almacenamiento.enviar(
        services.CARPETA_ARCHIVOS,
        archivo.ruta,
        mimetype=PDF,
        as_attachment=adjunto,
        download_name=_nombre_descarga(archivo.informe, archivo),
        etag=archivo.version_datos,
        conditional=True,
        max_age=0,
    )
    if respuesta is None:
        abort(404)
    respuesta.headers["Cache-Control"] = "private, no-cache"
    return respuesta


def _publicado_final(archivo: ArchivoInforme) -> bool:
    """A final file that was published at some time: what anyone may read. A replaced or
    withdrawn version stays readable (a published document is never taken back silently)."""
    return archivo.publicado_en is not None and not archivo.borrador


@bp.route("/archivos/<int:archivo_id>")
@permitido()
def descargar(archivo_id: int):
    """Download a stored report file (others than ODES: only the published one)."""
    archivo = db.session.get(ArchivoInforme, archivo_id)
    if archivo is None or not (es(Rol.odes) or _publicado_final(archivo)):
        abort(404)
    return _enviar_pdf(archivo)


@bp.route("/ficha/<codigo>")
@permitido()
def ficha(codigo: str):
    """Download one G/DRTPE's ficha PDF: its results, history and pending actions."""
    from app.informes import pdf

    region = region_o_404(codigo)
    periodo = periodo_de_consulta()
    if periodo is None:
        abort(404)
    alcance = alcance_o_404(periodo, region)
    lema = services.lema_de(services.informe_de(periodo), periodo)
    contenido = pdf.ficha_region_pdf(
        datos_informe.datos_ficha(region, periodo, alcance=alcance, lema=lema, lector=current_user)
    )
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
        listas.Campo("anio", _l("Año"), [(a, a) for a in periodos_queries.anios_de_periodos()])
    )
    pagina = listas.paginar(services.consulta_publicados(f.entero("anio")), f)
    return render_template("informes/publicaciones.html", pagina=pagina, f=f)


@publicaciones_bp.route("/publicaciones/<int:archivo_id>.pdf")
@publico
def archivo(archivo_id: int):
    """Serve a published report file to anyone (only published final files)."""
    archivo_obj = db.session.get(ArchivoInforme, archivo_id)
    if archivo_obj is None or not _publicado_final(archivo_obj):
        abort(404)
    return _enviar_pdf(archivo_obj, adjunto=False)
