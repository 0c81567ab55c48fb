"""Views of the recommendation implementation matrix (the report's annex) and its Excel file."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

from flask import abort, render_template, request, send_file
from flask_babel import lazy_gettext as _l

from app.comun import listas
from app.comun.hojas import XLSX
from app.comun.roles import Rol, permitido
from app.convenios.queries import periodos as periodos_queries
from app.mejora_continua import bp
from app.mejora_continua.exportacion import programacion as excel_programa
from app.mejora_continua.forms.programacion import leer_anio
from app.mejora_continua.models.programacion import MESES_CORTOS
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


def _fila_coincide(fila, filtros: listas.Filtros) -> bool:
    """True when a matrix row (one IdG) passes the IdG and text filters."""
    if filtros.entero("idg") and fila.indicador.numero != filtros.entero("idg"):
        return False
    textos = [fila.indicador.nombre]
    textos += [getattr(r, "texto", "") for r in fila.recomendaciones]
    textos += [a.actividad.nombre for a in fila.actividades]
    return listas.coincide(filtros.q, *textos)


@bp.route("/matriz")
@permitido(Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)
def matriz():
    """The recommendation implementation matrix as the report's annex lays it out."""
    anio, matriz = _matriz()
    programas = queries.programas()
    anios = [p.anio for p in programas] or [anio]
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
        listas.Campo("q", _l("Buscar"), marcador=_l("Texto de la recomendación o actividad")),
    )
    filtros.fijar("anio", anio)
    filtros.fijar("periodo", matriz.periodo.codigo if matriz.periodo else "")
    # The annex has one row per IdG (about a dozen): its blocks are filtered in memory.
    bloques = [
        dataclasses.replace(b, filas=[f for f in b.filas if _fila_coincide(f, filtros)])
        for b in matriz.bloques
        if not filtros["sector"] or b.sigla == filtros["sector"]
    ]
    bloques = [b for b in bloques if b.filas]
    return render_template(
        "mejora_continua/matriz.html",
        anio=anio,
        matriz=matriz,
        bloques=bloques,
        fl=filtros,
        mostradas=sum(len(b.filas) for b in bloques),
        programas=queries.programas(),
        periodos=periodos_queries.periodos(),
        meses=MESES_CORTOS,
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
