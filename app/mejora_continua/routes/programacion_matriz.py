"""Views of the recommendation implementation matrix (the report's annex): on screen one section
per IdG, a print view, and the Excel file laid out as the annex."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

from flask import abort, render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogo import queries as catalogo_queries
from app.comun import listas
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.convenios.queries import periodos as periodos_queries
from app.mejora_continua import acceso, bp
from app.mejora_continua.exportacion import programacion as excel_programa
from app.mejora_continua.forms.programacion import leer_anio
from app.mejora_continua.models.programacion import MESES_CORTOS, nombre_mes
from app.mejora_continua.queries import programacion as queries
from app.mejora_continua.queries import programacion_matriz as queries_matriz


def _matriz():
    """The year and matrix named by ?anio= and ?periodo= (404 for an unknown semester)."""
    anio = request.args.get("anio", type=leer_anio)
    if anio is None:
        programas = queries.programas()
        anio = programas[0].anio if programas else date.today().year
    periodo = None
    if request.args.get("periodo"):
        periodo = periodos_queries.periodo_exacto(request.args["periodo"])
        if periodo is None:
            abort(404)
    return anio, queries_matriz.matriz(anio, periodo)


def _coincide(seccion: queries_matriz.IndicadorEnPantalla, q: str) -> bool:
    """True when the searched text is in what an IdG section shows (its name, the
    recommendations and activities left by the other filters)."""
    textos = [seccion.indicador.nombre]
    textos += [r.recomendacion.texto for r in seccion.recomendaciones]
    textos += [a.actividad.nombre for a in seccion.actividades]
    return listas.coincide(q, *textos)


@bp.route("/matriz")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def matriz():
    """The recommendation implementation matrix, one section per IdG (?vista=imprimir: the
    same sections without menu nor filters, laid out for a landscape page).

    Filters: anio and periodo (fixed), idg, sector, region (code), unidad (acronym of the unit
    that runs the activity), mes (1–12) and q. A drtpe user always sees their own region.
    """
    anio, matriz = _matriz()
    programas = queries.programas()
    anios = [p.anio for p in programas] or [anio]
    region_propia = acceso.region_del_usuario(current_user)
    todas = catalogo_queries.regiones()
    regiones = [r for r in todas if region_propia is None or r.id == region_propia]
    unidades = queries.unidades_con_actividades(matriz.programa) if matriz.programa else []
    filtros = listas.leer(
        listas.Campo("anio", _l("Programación"), [(a, a) for a in anios], fijo=True),
        listas.Campo(
            "periodo",
            _l("Recomendaciones del"),
            [(p.codigo, p.nombre) for p in periodos_queries.periodos()],
            fijo=True,
        ),
        listas.Campo(
            "idg", _l("IdG"), [(f.indicador.numero, f.indicador.numero) for f in matriz.filas]
        ),
        listas.Campo(
            "sector", _l("Sector"), [(b.sigla, b.sigla) for b in matriz.bloques if b.sigla]
        ),
        listas.Campo(
            "region",
            _l("Región"),
            [(r.codigo, r.nombre) for r in regiones],
            _l("Todas"),
            fijo=region_propia is not None,
        ),
        listas.Campo(
            "unidad", _l("Unidad responsable"), [(u.sigla, u.sigla) for u in unidades], _l("Todas")
        ),
        listas.Campo("mes", _l("Mes"), [(m, nombre_mes(m)) for m in range(1, 13)], _l("Todos")),
        listas.Campo("q", _l("Buscar"), marcador=_l("Texto de la recomendación o actividad")),
    )
    filtros.fijar("anio", anio)
    filtros.fijar("periodo", matriz.periodo.codigo if matriz.periodo else "")
    if region_propia is not None:
        # A G/DRTPE reads its own region's activities only, whatever the address says.
        filtros.fijar("region", regiones[0].codigo)
    region = next((r for r in regiones if r.codigo == filtros["region"]), None)
    unidad = next((u for u in unidades if u.sigla == filtros["unidad"]), None)
    mes = filtros.entero("mes")
    # The annex has one row per IdG (about a dozen): its blocks are filtered in memory.
    idg = filtros.entero("idg")
    bloques = [
        dataclasses.replace(b, filas=[f for f in b.filas if not idg or f.indicador.numero == idg])
        for b in matriz.bloques
        if not filtros["sector"] or b.sigla == filtros["sector"]
    ]
    sectores = queries_matriz.en_pantalla(
        [b for b in bloques if b.filas],
        region_id=region.id if region else None,
        unidad_id=unidad.id if unidad else None,
        mes=mes,
        total_regiones=len(todas),
    )
    if filtros.q:
        sectores = [
            dataclasses.replace(
                s, indicadores=[i for i in s.indicadores if _coincide(i, filtros.q)]
            )
            for s in sectores
        ]
        sectores = [s for s in sectores if s.indicadores]
    return render_template(
        "mejora_continua/matriz.html",
        anio=anio,
        matriz=matriz,
        sectores=sectores,
        fl=filtros,
        region=region,
        unidad=unidad,
        mes=mes,
        region_fija=region_propia is not None,
        imprimir=request.args.get("vista") == "imprimir",
        indicadores=sum(len(s.indicadores) for s in sectores),
        actividades=sum(len(i.actividades) for s in sectores for i in s.indicadores),
        recomendaciones=sum(len(i.recomendaciones) for s in sectores for i in s.indicadores),
        meses=MESES_CORTOS,
        nombre_mes=nombre_mes,
        encabezados=excel_programa.ENCABEZADOS_MATRIZ,
    )


@bp.route("/matriz/excel")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def matriz_excel():
    """Download the matrix as Excel (landscape, the report's headers)."""
    anio, matriz = _matriz()
    sufijo = f"_{matriz.periodo.codigo}" if matriz.periodo else ""
    return send_file(
        io.BytesIO(excel_programa.libro_matriz(matriz)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"matriz_recomendaciones_{anio}{sufijo}.xlsx",
    )
