"""Views of the trends over time: an IdG or a region across every semester of every cycle.

The page and its Excel read the same filters (region, IdG) into the same `Tendencia`
(queries.tendencias); its line chart is drawn by the reports module, a layer above
(app/informes/routes/tendencias.py, `informes.grafico_tendencia`), from the same filters.
"""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.comun import listas
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.convenios import bp
from app.convenios.exportacion import tendencias as exportacion
from app.convenios.queries import tendencias as queries


def tendencia_pedida() -> tuple[listas.Filtros, queries.Tendencia, list[queries.IdG]]:
    """The filters of the request (region, IdG), the trend they name within the reader's scope
    and every IdG (the filter's options): a G/DRTPE user's region is always their own (another
    one asked for is ignored)."""
    catalogo = queries.indicadores()
    drtpe = current_user.rol is Rol.drtpe
    if drtpe:
        regiones = [current_user.region] if current_user.region is not None else []
    else:
        regiones = catalogo_queries.regiones_para_filtro()
        pedida = (request.args.get("region") or "").strip()[:40]
        if pedida and pedida not in {r.codigo for r in regiones}:
            # A municipality's code (the filter offers the regional level only).
            otra = catalogo_queries.region_por_codigo(pedida)
            regiones += [otra] if otra is not None else []
    f = listas.leer(
        listas.Campo(
            "region",
            _l("Región"),
            [(r.codigo, r.nombre) for r in regiones],
            _l("Todas (promedio nacional)"),
            fijo=drtpe,
        ),
        listas.Campo(
            "idg",
            _l("Indicador"),
            [(str(i.id), i.etiqueta_ciclo) for i in catalogo],
            _l("Todos"),
        ),
    )
    if drtpe and regiones:
        f.fijar("region", regiones[0].codigo)
    region = next((r for r in regiones if r.codigo == f["region"]), None)
    idg = next((i for i in catalogo if str(i.id) == f["idg"]), None)
    tendencia = queries.tendencia(
        current_user,
        region=queries.region_tendencia(region) if region is not None else None,
        idg=idg,
        catalogo=catalogo,
    )
    return f, tendencia, catalogo


def _argumentos(f: listas.Filtros) -> dict[str, str]:
    """The filters as URL arguments (for the chart and the Excel)."""
    return {k: f[k] for k in ("region", "idg") if f[k]}


@bp.route("/anexo4/tendencias")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def tendencias():
    """Every semester of every cycle side by side: national averages per IdG, one region's IdG
    or one IdG's regions, with programmed, executed and compliance, and a line chart."""
    f, tendencia, catalogo = tendencia_pedida()
    return render_template(
        "convenios/tendencias.html",
        f=f,
        t=tendencia,
        argumentos=_argumentos(f),
        otros_ciclos=_otros_ciclos(tendencia, catalogo),
        drtpe=current_user.rol is Rol.drtpe,
    )


def _otros_ciclos(tendencia: queries.Tendencia, catalogo: list[queries.IdG]) -> list[queries.IdG]:
    """With one IdG: the IdG of the same number in other cycles (another indicator, perhaps:
    linked, never merged)."""
    if tendencia.idg is None:
        return []
    return [i for i in catalogo if i.numero == tendencia.idg.numero and i.id != tendencia.idg.id]


@bp.route("/anexo4/tendencias/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def tendencias_excel():
    """The trend's table (same filters, same scope) as an Excel workbook."""
    f, tendencia, _catalogo = tendencia_pedida()
    partes = ["tendencias", f["region"] or "nacional"]
    if tendencia.idg is not None:
        partes.append(f"idg{tendencia.idg.numero}-{tendencia.idg.ciclo.anio_inicio}")
    return send_file(
        io.BytesIO(exportacion.libro_tendencia(tendencia)),
        mimetype=XLSX,
        as_attachment=True,
        download_name="_".join(partes) + ".xlsx",
    )
