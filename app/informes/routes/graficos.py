"""The dashboard's charts as PNG, cached on disk per data version and reader's scope.

Each view only picks the chart: its definition comes from `app.informes.graficos.definicion`
(the function the PDF uses too) and its drawing from `app.informes.graficos.png`. A page of
48 charts costs one drawing per chart and data change.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from flask import abort, current_app, request, send_file

from app.auth.permisos import Alcance
from app.comun.almacenamiento import carpeta_archivos
from app.comun.roles import permitido
from app.convenios.models import Periodo
from app.informes import bp
from app.informes import informe as datos_informe
from app.informes.graficos import definicion
from app.informes.informe.queries import sigla
from app.informes.routes.comun import alcance_o_404, periodo_o_404, region_o_404

_VERSION = re.compile(r"^[0-9a-f]{64}$")


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


def _grafico(periodo: Periodo, alcance: Alcance, nombre: str, definir, calculados=None):
    """Answer a chart request: from the cache when ?v= names a drawn version, else draw it.

    `definir(datos)` gives the chart's definition. The file's name carries the reader's scope,
    so a chart drawn from every region's figures is never served to a reader who may see only
    some of them, whatever version it names.
    """
    from app.informes.graficos import png

    nombre = f"{periodo.codigo}-{alcance.clave}-{nombre}.png"
    pedida = request.args.get("v", "")
    if calculados is None:
        if _VERSION.match(pedida) and (_carpeta_graficos(pedida) / nombre).is_file():
            return _enviar_png(pedida, nombre, None)
        calculados = datos_informe.calculado(periodo, alcance)
    datos, version = calculados
    return _enviar_png(version, nombre, lambda: png.png(definir(datos)))


def png_region(periodo: Periodo, alcance: Alcance, region):
    """Answer for one G/DRTPE's chart (programmed vs executed % per IdG)."""
    return _grafico(
        periodo,
        alcance,
        f"region-{region.codigo}",
        lambda datos: definicion.grafico_region(
            datos, region.nombre, sigla(region), datos.resultado_region(region.nombre)
        ),
    )


def png_idg(periodo: Periodo, alcance: Alcance, numero: int):
    """Answer for one IdG's chart across regions (404 when the semester has no such IdG)."""
    calculados = datos_informe.calculado(periodo, alcance)
    resultado = calculados[0].resultado_idg(numero)
    if resultado is None:
        abort(404)
    return _grafico(
        periodo,
        alcance,
        f"idg-{numero}",
        lambda datos: definicion.grafico_idg(datos, resultado),
        calculados,
    )


def png_comparacion(periodo: Periodo, alcance: Alcance, region):
    """Answer for one G/DRTPE's previous semester against this one, per IdG."""
    return _grafico(
        periodo,
        alcance,
        f"comparacion-{region.codigo}",
        lambda datos: definicion.grafico_comparacion(datos, region.nombre, sigla(region)),
    )


@bp.route("/<periodo>/graficos/region/<codigo>.png")
@permitido()
def grafico_region(periodo: str, codigo: str):
    """PNG: programmed vs executed % per IdG of one G/DRTPE (Gráficos 02–19)."""
    periodo_obj = periodo_o_404(periodo)
    region = region_o_404(codigo)
    return png_region(periodo_obj, alcance_o_404(periodo_obj, region), region)


@bp.route("/<periodo>/graficos/idg/<int:numero>.png")
@permitido()
def grafico_idg(periodo: str, numero: int):
    """PNG: one IdG's average programmed vs executed % across regions (Gráficos 20–31)."""
    periodo_obj = periodo_o_404(periodo)
    return png_idg(periodo_obj, alcance_o_404(periodo_obj), numero)


@bp.route("/<periodo>/graficos/comparacion/<codigo>.png")
@permitido()
def grafico_comparacion(periodo: str, codigo: str):
    """PNG: one G/DRTPE's previous semester against this one, per IdG (Gráficos 32–49)."""
    periodo_obj = periodo_o_404(periodo)
    region = region_o_404(codigo)
    return png_comparacion(periodo_obj, alcance_o_404(periodo_obj, region), region)
