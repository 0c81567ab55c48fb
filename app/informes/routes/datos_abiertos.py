"""Open data of the published semesters, for anyone: the semester's page with its public
dashboard, its charts, its datasets (CSV, JSON, XLSX) and their data dictionary.

Every URL that names a semester answers 404 unless its report is published now
(`publicacion.publicado`); a withdrawn report's figures stop being served at once. The
figures are the report's own (`datos_informe.calculado`, every region: a published semester's
figures are everyone's), and the charts are the dashboard's drawings.
"""

from __future__ import annotations

import dataclasses
import io

import sqlalchemy as sa
from flask import abort, render_template, send_file, url_for
from flask_babel import gettext as _

from app.auth.permisos import TOTAL
from app.catalogo.models import Region
from app.comun.cache_paginas import en_cache
from app.comun.hojas import XLSX
from app.comun.roles import publico
from app.convenios.models import Periodo
from app.extensions import db
from app.informes import informe as datos_informe
from app.informes import publicaciones_bp, services
from app.informes.exportacion import datos_abiertos
from app.informes.informe import queries as informe_queries
from app.informes.routes import graficos
from app.informes.routes.comun import periodo_o_404, region_o_404
from app.informes.services import publicacion

CSV = "text/csv"
JSON = "application/json"


def periodo_publicado_o_404(codigo: str) -> Periodo:
    """The semester of a URL code, or 404 when it is unknown or its report is not published."""
    periodo = periodo_o_404(codigo)
    if not publicacion.publicado(periodo.id):
        abort(404)
    return periodo


def comparacion_publica(periodo: Periodo) -> bool:
    """Whether the comparison may be shown: the semester before this one (the comparison's)
    has its report published, or there is none (a first semester compares nothing)."""
    anterior = informe_queries.periodo_anterior(periodo)
    return anterior is None or publicacion.publicado(anterior.id)


def _codigos(nombres: list[str]) -> dict[str, str]:
    """Region name → URL code of these regions (one query)."""
    if not nombres:
        return {}
    consulta = sa.select(Region.nombre, Region.codigo).where(Region.nombre.in_(nombres))
    return dict(db.session.execute(consulta).all())


@publicaciones_bp.route("/publicaciones/<periodo>")
@en_cache
@publico
def semestre(periodo: str):
    """Show a published semester: its PDF versions, open datasets and public dashboard."""
    periodo_obj = periodo_publicado_o_404(periodo)
    datos, version = datos_informe.calculado(periodo_obj, TOTAL)
    if not comparacion_publica(periodo_obj):
        # The comparison reads the previous semester's live figures: public only once that
        # semester's own report is (its PDF keeps the figures as printed then).
        datos = dataclasses.replace(datos, comparacion=None)
    nombres = [r.region for r in datos.resultados_regiones]
    if datos.escala:
        nombres = [r.region for r in (*datos.escala.mejores, *datos.escala.peores)]
    return render_template(
        "informes/publicacion.html",
        periodo=periodo_obj,
        informe=services.informe_de(periodo_obj),
        datos=datos,
        version=version,
        codigos=_codigos(nombres),
        idgs=[i.numero for i in datos.indicadores],
        valores={(r.region, v.idg): v for r in datos.resultados_regiones for v in r.valores},
        grafico_idg=datos.grafico_idg,
    )


@publicaciones_bp.route("/publicaciones/datos/diccionario")
@en_cache
@publico
def diccionario():
    """Show the data dictionary of the open datasets: columns, cell states, averaging rule."""
    return render_template(
        "informes/diccionario.html",
        columnas=datos_abiertos.COLUMNAS,
        estados=datos_abiertos.estados(),
        regla=datos_abiertos.regla_promedio(),
    )


def _enviar(contenido: bytes, mimetype: str, nombre: str, version: str, *, adjunto: bool):
    """Send a dataset: revalidated by its data's fingerprint, public to any cache."""
    respuesta = send_file(
        io.BytesIO(contenido),
        mimetype=mimetype,
        as_attachment=adjunto,
        download_name=nombre,
        etag=version[:32],
        conditional=True,
        max_age=0,
    )
    respuesta.headers["Cache-Control"] = "public, no-cache"
    return respuesta


def _filas(periodo: str) -> tuple[Periodo, list[dict], str]:
    """The published semester, its dataset rows and their data's fingerprint (or 404)."""
    periodo_obj = periodo_publicado_o_404(periodo)
    datos, version = datos_informe.calculado(periodo_obj, TOTAL)
    return periodo_obj, datos_abiertos.filas(datos), version


@publicaciones_bp.route("/publicaciones/<periodo>/datos/resultados.csv")
@publico
def datos_csv(periodo: str):
    """Download a published semester's results, one row per region × IdG, as CSV."""
    periodo_obj, filas, version = _filas(periodo)
    nombre = f"resultados_{periodo_obj.codigo}.csv"
    contenido = datos_abiertos.a_csv(filas)
    return _enviar(contenido, CSV, nombre, version, adjunto=True)


@publicaciones_bp.route("/publicaciones/<periodo>/datos/resultados.json")
@publico
def datos_json(periodo: str):
    """A published semester's results, one row per region × IdG, as JSON."""
    periodo_obj, filas, version = _filas(periodo)
    informe = services.informe_de(periodo_obj)
    contenido = datos_abiertos.a_json(
        filas,
        periodo=periodo_obj.codigo,
        publicado_en=informe.publicado_en,
        diccionario=url_for("publicaciones.diccionario", _external=True),
    )
    nombre = f"resultados_{periodo_obj.codigo}.json"
    return _enviar(contenido, JSON, nombre, version, adjunto=False)


@publicaciones_bp.route("/publicaciones/<periodo>/datos/resultados.xlsx")
@publico
def datos_xlsx(periodo: str):
    """Download a published semester's results and their dictionary as an Excel workbook."""
    periodo_obj, filas, version = _filas(periodo)
    titulo = _("Diccionario de datos · resultados del %(nombre)s", nombre=periodo_obj.nombre)
    contenido = datos_abiertos.a_xlsx(filas, titulo=titulo)
    nombre = f"resultados_{periodo_obj.codigo}.xlsx"
    return _enviar(contenido, XLSX, nombre, version, adjunto=True)


@publicaciones_bp.route("/publicaciones/<periodo>/graficos/region/<codigo>.png")
@publico
def grafico_region(periodo: str, codigo: str):
    """PNG: a G/DRTPE's programmed vs executed % per IdG, of a published semester."""
    periodo_obj = periodo_publicado_o_404(periodo)
    return graficos.png_region(periodo_obj, TOTAL, region_o_404(codigo))


@publicaciones_bp.route("/publicaciones/<periodo>/graficos/idg/<int:numero>.png")
@publico
def grafico_idg(periodo: str, numero: int):
    """PNG: one IdG's average programmed vs executed % across regions, of a published semester."""
    return graficos.png_idg(periodo_publicado_o_404(periodo), TOTAL, numero)


@publicaciones_bp.route("/publicaciones/<periodo>/graficos/comparacion/<codigo>.png")
@publico
def grafico_comparacion(periodo: str, codigo: str):
    """PNG: a G/DRTPE's previous semester against this one, of a published semester."""
    periodo_obj = periodo_publicado_o_404(periodo)
    if not comparacion_publica(periodo_obj):
        abort(404)
    return graficos.png_comparacion(periodo_obj, TOTAL, region_o_404(codigo))
