"""Anexo 4 bulk import and export: checks by row and column, all-or-nothing, round trips."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.catalogo.models import Indicador, Region
from app.comun import calculos
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import EstadoCelda, EstadoReporte, LineaReporte, Periodo, Reporte
from app.convenios.queries import exportacion, periodos
from app.convenios.queries.anexo4 import celdas
from app.convenios.queries.convenios import convenio_vigente
from app.convenios.queries.importacion import numero_texto
from app.convenios.services import anexo4 as anexo4_services
from app.convenios.services import importacion, importacion_lectura
from seed import carga
from tests.conftest import usuario_demo

RAIZ = Path(__file__).resolve().parents[2]
EJEMPLO = RAIZ / "docs" / "ejemplo-anexo4.csv"
AHORA = datetime(2021, 3, 15, 15, 0, tzinfo=UTC)
CABECERA = "region,idg,anio,semestre,estado,programado,ejecutado"

from tests.publicados import (  # noqa: E402
    CUADRO_04_II_2020,
    CUADRO_05_I_2020,
    LORETO_EJEC,
    LORETO_PROG,
)
from tests.publicados import PROMEDIOS_IDG_II_2020 as GRAFICOS_20_31_II_2020  # noqa: E402


def _csv(*filas: str) -> bytes:
    return ("\n".join((CABECERA, *filas)) + "\n").encode("utf-8")


def _loreto_ii_2020() -> list[str]:
    return [
        f"Loreto,{i},2020,2,valor,{p},{e}"
        for i, (p, e) in enumerate(zip(LORETO_PROG, LORETO_EJEC, strict=True), start=1)
    ]


def _analizar(contenido: bytes, nombre: str = "datos.csv") -> importacion.Analisis:
    return importacion.analizar(importacion.leer_archivo(nombre, contenido))


def _importar(contenido: bytes, nombre: str = "datos.csv", usuario_id=None):
    analisis = _analizar(contenido, nombre)
    assert analisis.errores == []
    resumen = importacion.aplicar(analisis, usuario_id=usuario_id, ahora=AHORA, archivo=nombre)
    return resumen


def _conteos(bd) -> dict[str, int]:
    return {
        t.name: bd.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in bd.metadata.sorted_tables
    }


def _periodo(bd, anio: int, semestre: int) -> Periodo:
    return bd.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))


def _contenido_celdas(bd) -> list[tuple]:
    """Every stored cell as plain values, to compare before and after a round trip."""
    return sorted(
        (
            linea.reporte.convenio.region.nombre,
            linea.indicador_numero,
            linea.reporte.periodo.codigo,
            linea.estado.value,
            linea.programado,
            linea.ejecutado,
            linea.reconstruido,
            linea.reporte.estado.value,
        )
        for linea in bd.session.scalars(sa.select(LineaReporte))
    )


def _pct(promedio: calculos.Promedio) -> tuple[int, int]:
    return promedio.programado_pct, promedio.ejecutado_pct


@pytest.fixture
def archivos(app, tmp_path, monkeypatch):
    """Keep uploaded previews in a temporary folder."""
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path))
    return tmp_path / "importaciones"


# --- A good file ---------------------------------------------------------------------------


def test_example_file_imports_approved_reports_with_the_published_average(bd):
    odes = usuario_demo(Rol.odes)
    analisis = _analizar(EJEMPLO.read_bytes(), EJEMPLO.name)
    assert analisis.errores == []
    assert analisis.periodos_nuevos == [(2020, 2)]
    assert [(g.region, g.celdas, g.estado_actual) for g in analisis.grupos] == [
        ("Callao", 1, None),
        ("Loreto", 12, None),
    ]
    # Callao's other eleven IdG stay without figures: the preview says so.
    assert analisis.grupos[0].vacias == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "quedarán sin cifras" in analisis.grupos[0].situacion
    assert _periodo(bd, 2020, 2) is None  # the dry run wrote nothing

    resumen = importacion.aplicar(analisis, usuario_id=odes.id, ahora=AHORA, archivo="ej.csv")
    bd.session.commit()
    assert (resumen.reportes, resumen.celdas) == (2, 13)
    assert resumen.periodos_creados == ["II Semestre 2020"]

    periodo = _periodo(bd, 2020, 2)
    assert periodo.abierto is False and periodo.fecha_limite_anexo4 is None
    reportes = bd.session.scalars(sa.select(Reporte).filter_by(periodo_id=periodo.id)).all()
    assert len(reportes) == 2
    for reporte in reportes:
        assert reporte.estado is EstadoReporte.aprobado
        assert reporte.origen == "importacion"
        assert reporte.aprobado_por_id == odes.id
        assert reporte.aprobado_en is not None and reporte.enviado_en is not None
    promedios = calculos.desempeno_por_region(celdas(periodo))
    assert _pct(promedios["Loreto"]) == (48, 38)
    assert promedios["Loreto"].n == 12
    # IdG 2 of Callao is not applicable: not a summand, and no figures stored.
    assert promedios["Callao"].n == 0
    callao = next(r for r in reportes if r.region.nombre == "Callao")
    idg2 = next(li for li in callao.lineas if li.indicador_numero == 2)
    assert (idg2.estado.value, idg2.programado, idg2.ejecutado) == ("no_aplica", None, None)
    loreto = next(r for r in reportes if r.region.nombre == "Loreto")
    assert all(li.programado_original == li.programado for li in loreto.lineas)
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(accion="importar", objeto_tipo="reporte", objeto_id=loreto.id)
    )
    assert evento.usuario_id == odes.id
    assert evento.despues == {"estado": "aprobado", "celdas": 12, "archivo": "ej.csv"}


def test_received_date_is_the_deadline_at_noon_in_lima_or_now_without_deadline(bd):
    carga.cargar_periodos_demo()
    _importar(_csv(*_loreto_ii_2020(), "Loreto,1,2021,2,valor,10,10"))
    bd.session.commit()
    bd.session.expire_all()
    con_plazo = bd.session.scalar(sa.select(Reporte).filter_by(periodo_id=_periodo(bd, 2020, 2).id))
    enviado = con_plazo.enviado_en
    enviado = enviado if enviado.tzinfo else enviado.replace(tzinfo=UTC)  # SQLite: naive UTC
    lima = enviado.astimezone(ZoneInfo("America/Lima"))
    assert (lima.date(), lima.hour) == (date(2021, 1, 31), 12)
    sin_plazo = bd.session.scalar(sa.select(Reporte).filter_by(periodo_id=_periodo(bd, 2021, 2).id))
    assert sin_plazo.enviado_en.replace(tzinfo=UTC) == AHORA.replace(tzinfo=UTC)


def test_accepts_aliases_accents_case_and_roman_semesters(bd):
    analisis = _analizar(
        _csv(
            "SAN MARTIN,1,2020,II,valor,10,5",
            "apurimac,2,2020,i,valor,10.5,5.25",
            "Lima Provincias,3,2020,2,sin_meta,,",
            " Loreto ,4,2020,2,VALOR,-3,-20.5",
        )
    )
    assert analisis.errores == []
    assert [(f.region.nombre, f.semestre) for f in analisis.filas] == [
        ("San Martín", 2),
        ("Apurímac", 1),
        ("Lima", 2),
        ("Loreto", 2),
    ]
    assert analisis.filas[1].programado == Decimal("10.5")
    # IdG 4 is an increment: negative values are legitimate.
    assert analisis.filas[3].ejecutado == Decimal("-20.5")


# --- A bad file ----------------------------------------------------------------------------


def test_bad_file_lists_every_error_by_row_and_column_and_writes_nothing(bd):
    antes = _conteos(bd)
    analisis = _analizar(
        _csv(
            "Atlántida,1,2020,2,valor,10,10",  # 2: unknown region
            "Loreto,1,2020,2,lleno,10,10",  # 3: bad state
            'Loreto,2,2020,2,valor,"60,500",45',  # 4: a comma that may be a thousands one
            "Loreto,3,2020,2,valor,-5,30",  # 5: negative on a percentage IdG
            "Loreto,5,2020,2,valor,89,89",  # 6: fine
            "Loreto,5,2020,2,valor,89,89",  # 7: duplicate of row 6
            "Loreto,6,2020,2,valor,,58",  # 8: value without programmed
            "La Libertad,1,2020,2,valor,1,1",  # 9: convenio not signed
            "Loreto,13,2020,2,valor,1,1",  # 10: IdG not in the convenio
            "Loreto,7,2020,3,no_aplica,5,",  # 11: semester 3, figures on a non-value cell
            "Loreto,8,1999,2,valor,1,1",  # 12: year out of range
            "Loreto,9,2020,2,valor,1.234,5000",  # 13: three decimals, absurd value
        )
    )
    donde = sorted((e.fila, e.columna) for e in analisis.errores)
    assert donde == [
        (2, "region"),
        (3, "estado"),
        (4, "programado"),
        (5, "programado"),
        (7, "idg"),
        (8, "programado"),
        (9, "region"),
        (10, "idg"),
        (11, "programado"),
        (11, "semestre"),
        (12, "anio"),
        (13, "ejecutado"),
        (13, "programado"),
    ]
    mensajes = {(e.fila, e.columna): e.mensaje for e in analisis.errores}
    assert "Atlántida" in mensajes[(2, "region")]
    assert "lleno" in mensajes[(3, "estado")]
    assert "ambiguo" in mensajes[(4, "programado")]
    assert "negativos" in mensajes[(5, "programado")]
    assert "fila 6" in mensajes[(7, "idg")]
    assert "convenio suscrito" in mensajes[(9, "region")]
    assert "IdG 13" in mensajes[(10, "idg")]
    assert "1000" in mensajes[(13, "ejecutado")]
    assert not analisis.valido
    with pytest.raises(importacion.ErrorImportacion):
        importacion.aplicar(analisis, usuario_id=None, ahora=AHORA)
    bd.session.rollback()
    assert _conteos(bd) == antes


def test_one_bad_row_among_good_ones_writes_nothing(bd):
    antes = _conteos(bd)
    analisis = _analizar(_csv(*_loreto_ii_2020(), "Loreto,12,2020,1,valor,50,abc"))
    assert [(e.fila, e.columna) for e in analisis.errores] == [(14, "ejecutado")]
    assert _conteos(bd) == antes


def test_failure_while_applying_leaves_nothing(runner, bd, tmp_path, monkeypatch):
    antes = _conteos(bd)

    def falla_al_final(_reportes):
        # The last step: the reports, cells and events are sent to the database, then it fails.
        bd.session.flush()
        assert bd.session.scalar(sa.select(sa.func.count(LineaReporte.id))) > 0
        raise anexo4_services.ErrorAnexo4("fallo simulado")

    monkeypatch.setattr(importacion, "fijar_originales", falla_al_final)
    archivo = tmp_path / "datos.csv"
    archivo.write_bytes(EJEMPLO.read_bytes())
    resultado = runner.invoke(args=["anexo4", "importar", str(archivo)])
    assert resultado.exit_code == 1
    assert "fallo simulado" in resultado.output
    bd.session.expire_all()
    assert _conteos(bd) == antes


def test_failure_after_the_cells_were_rewritten_restores_them(runner, demo, tmp_path, monkeypatch):
    """Stored cells are rewritten in one batched UPDATE; a failure after it undoes it too."""
    celdas_antes, antes = _contenido_celdas(demo), _conteos(demo)
    escritas = []
    original = importacion.fijar_originales

    def falla_al_final(reportes):
        original(reportes)
        escritas.extend(demo.session.scalars(sa.select(LineaReporte.ejecutado)))
        raise anexo4_services.ErrorAnexo4("fallo simulado")

    monkeypatch.setattr(importacion, "fijar_originales", falla_al_final)
    archivo = tmp_path / "cambios.csv"
    archivo.write_bytes(_csv("Loreto,1,2020,2,valor,60,99.5", "Loreto,2,2020,2,valor,60,98.5"))
    resultado = runner.invoke(args=["anexo4", "importar", str(archivo)])
    assert resultado.exit_code == 1 and "fallo simulado" in resultado.output
    assert Decimal("99.5") in escritas and Decimal("98.5") in escritas  # the UPDATE ran
    demo.session.expire_all()
    assert _contenido_celdas(demo) == celdas_antes and _conteos(demo) == antes


def test_the_cyclic_collector_pauses_during_an_import_and_comes_back(bd, monkeypatch):
    import gc

    vistos = []
    original = importacion.revisar_fila

    def revisar(*args):
        vistos.append(gc.isenabled())
        if len(vistos) == 2:
            raise RuntimeError("fallo simulado")
        return original(*args)

    monkeypatch.setattr(importacion, "revisar_fila", revisar)
    assert gc.isenabled()
    _analizar(_csv("Loreto,1,2020,2,valor,60,60"))
    assert vistos == [False] and gc.isenabled()
    with pytest.raises(RuntimeError):  # a failure inside gives the collector back too
        _analizar(_csv("Loreto,1,2020,2,valor,60,60"))
    assert gc.isenabled()
    gc.disable()  # whoever paused it before keeps it paused
    try:
        _analizar(_csv("Loreto,1,2020,2,valor,60,60", "Loreto,2,2020,2,valor,60,60"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_signed_convenios_the_form_and_the_import_pick_the_same(bd):
    """With 2020-2021 and a later 2021-2022 both signed, 2021 belongs to the newest in both."""
    from app.convenios.models import Convenio, EstadoConvenio

    loreto = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    vigente = bd.session.scalar(sa.select(Convenio).filter_by(region_id=loreto.id))
    assert (vigente.anio_inicio, vigente.anio_fin) == (2020, 2021)
    siguiente = Convenio(
        region_id=loreto.id,
        anio_inicio=2021,
        anio_fin=2022,
        estado=EstadoConvenio.suscrito,
        fecha_suscripcion=date(2020, 12, 20),
        conjunto_id=vigente.conjunto_id,
    )
    bd.session.add(siguiente)
    bd.session.commit()
    assert convenio_vigente(loreto.id, 2020) is vigente
    assert convenio_vigente(loreto.id, 2021) is siguiente
    _importar(_csv("Loreto,1,2020,2,valor,60,60", "Loreto,1,2021,1,valor,50,50"))
    bd.session.commit()
    por_anio = {r.periodo.anio: r.convenio_id for r in bd.session.scalars(sa.select(Reporte))}
    assert por_anio == {2020: vigente.id, 2021: siguiente.id}


def test_warnings_do_not_block_the_import(bd):
    analisis = _analizar(_csv("Loreto,3,2020,2,valor,100,150"))
    assert analisis.errores == []
    assert len(analisis.advertencias) == 1 and analisis.advertencias[0].fila == 2


# --- Reading files -------------------------------------------------------------------------


def test_read_errors_name_the_problem():
    with pytest.raises(importacion.ErrorImportacion, match=r"\.xls"):
        importacion.leer_archivo("datos.xls", b"x")
    with pytest.raises(importacion.ErrorImportacion, match="faltan las columnas ejecutado"):
        importacion.leer_archivo("d.csv", b"region,idg,anio,semestre,estado,programado\n")
    with pytest.raises(importacion.ErrorImportacion, match="desconocidas: comentario"):
        importacion.leer_archivo("d.csv", (CABECERA + ",comentario\n").encode())
    with pytest.raises(importacion.ErrorImportacion, match="punto y coma"):
        importacion.leer_archivo("d.csv", CABECERA.replace(",", ";").encode())
    with pytest.raises(importacion.ErrorImportacion, match="UTF-8"):
        importacion.leer_archivo(
            "d.csv", (CABECERA + "\nApurímac,1,2020,2,valor,1,1\n").encode("latin-1")
        )
    with pytest.raises(importacion.ErrorImportacion, match="Excel"):
        importacion.leer_archivo("d.xlsx", b"no es un libro")


def test_header_is_trimmed_and_lower_cased_and_bom_accepted():
    contenido = "\ufeff Region , IDG,Anio,Semestre,Estado,Programado,Ejecutado,Origen\n"
    contenido += "Loreto,1,2020,2,valor,60,60,publicado\n\n"
    filas = importacion.leer_archivo("d.CSV", contenido.encode("utf-8"))
    assert filas == [
        {
            "region": "Loreto",
            "idg": "1",
            "anio": "2020",
            "semestre": "2",
            "estado": "valor",
            "programado": "60",
            "ejecutado": "60",
            "origen": "publicado",
        }
    ]


def test_empty_file_is_an_error(bd):
    assert [e.mensaje for e in _analizar(_csv()).errores] == ["El archivo no tiene filas de datos."]


def _xlsx(filas: list[list]) -> bytes:
    libro = Workbook()
    hoja = libro.active
    hoja.append(CABECERA.split(","))
    for fila in filas:
        hoja.append(fila)
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def test_a_sheet_with_a_stray_far_cell_is_read_in_bounded_columns():
    """A cell at XFD<row> would pad every row to 16,384 cells: only 64 columns are read and
    the blank rows after the data are not kept."""
    libro = Workbook()
    hoja = libro.active
    hoja.append(CABECERA.split(","))
    hoja.append(["Loreto", 1, 2020, 2, "valor", 60, 60])
    hoja["XFD30000"] = "x"
    salida = io.BytesIO()
    libro.save(salida)
    filas = importacion.leer_archivo("datos.xlsx", salida.getvalue())
    assert [f["region"] for f in filas] == ["Loreto"]


def test_an_xlsx_longer_than_the_row_limit_is_refused_while_reading(monkeypatch):
    """Data rows count, wherever they are; formatted blank rows after the data don't."""
    monkeypatch.setattr(importacion_lectura, "MAX_FILAS", 3)
    filas = [["Loreto", i, 2020, 2, "valor", 60, 60] for i in range(1, 4)]
    with pytest.raises(importacion.ErrorImportacion, match="más de 3 filas de datos"):
        importacion.leer_archivo("datos.xlsx", _xlsx([*filas, [], ["Loreto", 4, 2020, 2]]))
    libro = load_workbook(io.BytesIO(_xlsx(filas)))
    libro.active["A9"].number_format = "0.00"  # a formatted empty cell below the data
    libro.active.row_dimensions[12].height = 30
    salida = io.BytesIO()
    libro.save(salida)
    assert len(importacion.leer_archivo("datos.xlsx", salida.getvalue())) == 3


def test_a_csv_longer_than_the_row_limit_is_refused_while_reading(monkeypatch):
    monkeypatch.setattr(importacion_lectura, "MAX_FILAS", 3)
    filas = [f"Loreto,{i},2020,2,valor,60,60" for i in range(1, 5)]
    with pytest.raises(importacion.ErrorImportacion, match="más de 3 filas de datos"):
        importacion.leer_archivo("datos.csv", _csv(*filas))
    # Refused at the first row over the limit: the rest of the file is never parsed (a field
    # over the csv module's size limit, which it would otherwise report as damage).
    roto = _csv(*filas) + b"x" * 200_000 + b"\n"
    with pytest.raises(importacion.ErrorImportacion, match="más de 3 filas de datos"):
        importacion.leer_archivo("datos.csv", roto)
    with pytest.raises(importacion.ErrorImportacion, match="dañado"):
        importacion.leer_archivo("datos.csv", _csv(*filas[:2]) + b"x" * 200_000 + b"\n")
    assert len(importacion.leer_archivo("datos.csv", _csv(*filas[:3], ",,,,,,", ",,,,,,"))) == 3


def test_xlsx_import_reads_numbers_with_a_point(bd):
    contenido = _xlsx(
        [
            ["Loreto", 1, 2020, 2, "valor", 60, 60.5],
            [],  # a blank row keeps the numbering of the rows below
            ["Loreto", 2, 2020, 2, "valor", 60.0, 45.25],
            ["Loreto", 3, 2020, 2, "no_aplica", None, None],
        ]
    )
    filas = importacion.leer_archivo("datos.xlsx", contenido)
    assert (filas[0]["programado"], filas[0]["ejecutado"]) == ("60", "60.5")
    assert filas[2]["programado"] == "60"
    analisis = importacion.analizar(filas)
    assert analisis.errores == [] and [f.fila for f in analisis.filas] == [2, 4, 5]
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA)
    bd.session.commit()
    promedios = calculos.desempeno_por_region(celdas(_periodo(bd, 2020, 2)))
    assert promedios["Loreto"].n == 2
    assert promedios["Loreto"].ejecutado == (Decimal("60.5") + Decimal("45.25")) / 2


def test_xlsx_errors_use_spreadsheet_row_numbers(bd):
    contenido = _xlsx([["Loreto", 1, 2020, 2, "valor", 60, 60], [], ["Loreto", 2, 2020, 2, "x"]])
    analisis = importacion.analizar(importacion.leer_archivo("d.xlsx", contenido))
    assert {(e.fila, e.columna) for e in analisis.errores} == {(4, "estado")}


# --- Re-importing and the demo data ---------------------------------------------------------


def test_reimporting_replaces_cells_and_keeps_the_first_approved_goal(bd):
    _importar(_csv(*_loreto_ii_2020()))
    bd.session.commit()
    cambiado = _loreto_ii_2020()
    cambiado[0] = "Loreto,1,2020,2,valor,65,61.5"
    analisis = _analizar(_csv(*cambiado))
    assert [(g.cambios, g.estado_actual) for g in analisis.grupos] == [(1, EstadoReporte.aprobado)]
    _importar(_csv(*cambiado))
    bd.session.commit()
    linea = bd.session.scalar(sa.select(LineaReporte).filter_by(indicador_numero=1))
    assert (linea.programado, linea.ejecutado) == (Decimal(65), Decimal("61.5"))
    assert linea.programado_original == Decimal(60)


def test_importing_over_a_draft_fixes_the_first_approved_goal_of_every_line(bd):
    """A draft's lines in the file take the file's goal as original; the others keep theirs."""
    _importar(_csv("Loreto,3,2020,1,valor,10,10"))  # creates the semester and the convenio's set
    bd.session.commit()
    reporte = bd.session.scalar(sa.select(Reporte))
    reporte.estado = EstadoReporte.borrador
    for linea in reporte.lineas:
        linea.programado, linea.programado_original = Decimal(40), None
    bd.session.commit()
    _importar(_csv("Loreto,1,2020,1,valor,70,65", "Loreto,2,2020,1,sin_meta,,"))
    # The lines loaded in the session show the written figures before the commit too.
    en_sesion = {li.indicador_numero: li for li in reporte.lineas}
    assert (en_sesion[1].programado, en_sesion[1].programado_original) == (70, 70)
    assert en_sesion[2].estado is EstadoCelda.sin_meta and en_sesion[2].programado is None
    bd.session.commit()
    bd.session.expire_all()
    por_idg = {li.indicador_numero: li for li in bd.session.get(Reporte, reporte.id).lineas}
    assert (por_idg[1].programado, por_idg[1].programado_original) == (70, 70)
    assert (por_idg[2].programado, por_idg[2].programado_original) == (None, None)
    assert (por_idg[3].programado, por_idg[3].programado_original) == (40, 40)
    assert bd.session.get(Reporte, reporte.id).estado is EstadoReporte.aprobado


def test_demo_reproduces_cuadro_04_and_graficos_20_31(demo):
    ii_2020 = celdas(_periodo(demo, 2020, 2))
    regiones = {r: _pct(p) for r, p in calculos.desempeno_por_region(ii_2020).items()}
    assert regiones == CUADRO_04_II_2020
    por_idg = {i: _pct(p) for i, p in calculos.promedios_por_idg(ii_2020).items()}
    assert por_idg == GRAFICOS_20_31_II_2020


def test_demo_reproduces_cuadro_05_first_semester(demo):
    i_2020 = celdas(_periodo(demo, 2020, 1))
    regiones = {r: _pct(p) for r, p in calculos.desempeno_por_region(i_2020).items()}
    assert regiones == CUADRO_05_I_2020


def test_demo_marks_reconstructed_cells_and_periods(demo):
    marcas = demo.session.execute(
        sa.select(LineaReporte.reconstruido, sa.func.count()).group_by(LineaReporte.reconstruido)
    ).all()
    assert dict(marcas) == {True: 420, False: 12}
    publicadas = demo.session.scalars(
        sa.select(LineaReporte).where(LineaReporte.reconstruido.is_(False))
    ).all()
    assert {li.reporte.region.nombre for li in publicadas} == {"Loreto"}
    assert {li.reporte.periodo.codigo for li in publicadas} == {"2020-2"}
    i_2020, ii_2020, i_2021 = (_periodo(demo, *p) for p in ((2020, 1), (2020, 2), (2021, 1)))
    assert (i_2020.abierto, i_2020.fecha_limite_anexo4) == (False, date(2020, 7, 31))
    assert (ii_2020.fecha_limite_anexo4, ii_2020.fecha_limite_anexo5) == (
        date(2021, 1, 31),
        date(2021, 2, 28),
    )
    assert i_2021.abierto is True and i_2021.fecha_cierre_anexo4 is None


def test_demo_load_is_idempotent(demo):
    antes = _contenido_celdas(demo)
    eventos = _conteos(demo)["evento"]
    resumen = carga.cargar_anexo4_demo()
    demo.session.commit()
    assert (resumen.reportes, resumen.sin_cambios) == (0, 36)
    assert _contenido_celdas(demo) == antes
    assert _conteos(demo)["evento"] == eventos


# --- Export --------------------------------------------------------------------------------


def _borrar_reportes(bd) -> None:
    bd.session.execute(sa.delete(LineaReporte))
    bd.session.execute(sa.delete(Reporte))
    bd.session.commit()


@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_export_reimports_unchanged(demo, formato):
    antes = _contenido_celdas(demo)
    filas = exportacion.exportar_filas(None)
    assert len(filas) == 432
    contenido = exportacion.a_csv(filas) if formato == "csv" else exportacion.a_xlsx(filas)
    # Identical file when nothing changed: every report is left as it is.
    analisis = _analizar(contenido, f"export.{formato}")
    assert analisis.errores == [] and all(g.sin_cambios for g in analisis.grupos)
    _borrar_reportes(demo)
    _importar(contenido, f"export.{formato}")
    demo.session.commit()
    assert _contenido_celdas(demo) == antes


def _todas_las_filas(bd) -> dict[str, list[tuple]]:
    """Every row of every table (audit and data version included), to prove nothing changed."""
    bd.session.expire_all()
    return {
        tabla.name: sorted((tuple(fila) for fila in bd.session.execute(tabla.select())), key=repr)
        for tabla in bd.metadata.sorted_tables
    }


def _borradores_i_2021(bd) -> None:
    """Loreto's I-2021 Anexo 4 half filled in the form (a draft with empty cells) and
    Cusco's, complete and submitted: reports that are not approved."""
    drtpe = usuario_demo(Rol.drtpe)
    periodo = _periodo(bd, 2021, 1)
    loreto = convenio_vigente(drtpe.region_id, 2021)
    reporte = anexo4_services.obtener_o_crear_reporte(loreto, periodo, usuario_id=drtpe.id)
    bd.session.commit()
    vacio = {"comentario": None, "motivo_estado": None}
    datos = {
        reporte.lineas[0].id: {
            "estado": EstadoCelda.valor,
            "programado": Decimal(60),
            "ejecutado": None,
            **vacio,
        },
        reporte.lineas[1].id: {
            "estado": EstadoCelda.valor,
            "programado": Decimal(40),
            "ejecutado": Decimal("30.5"),
            **vacio,
        },
        reporte.lineas[2].id: {
            "estado": EstadoCelda.sin_meta,
            "programado": None,
            "ejecutado": None,
            **vacio,
        },
    }
    anexo4_services.guardar_lineas(
        reporte, datos, usuario=drtpe, hoy=date(2021, 7, 15), version=reporte.version
    )
    cusco = bd.session.scalar(sa.select(Region).filter_by(codigo="cusco"))
    enviado = anexo4_services.obtener_o_crear_reporte(
        convenio_vigente(cusco.id, 2021), periodo, usuario_id=None
    )
    for linea in enviado.lineas:
        linea.programado, linea.ejecutado = Decimal(50), Decimal(45)
    enviado.estado = EstadoReporte.enviado
    bd.session.commit()


@pytest.mark.parametrize("formato", ["csv", "xlsx"])
def test_export_of_every_semester_with_drafts_reimports_as_a_no_op(
    client, sesion, demo, archivos, formato
):
    """The page promises the export re-imports unchanged: no errors, and nothing changes
    (a draft keeps its empty cells and stays a draft, a submitted report is not approved)."""
    _borradores_i_2021(demo)
    sesion.entrar(Rol.odes)
    exportado = client.get(f"/convenios/anexo4/exportar?periodo=todos&formato={formato}")
    assert exportado.status_code == 200
    filas = importacion.leer_archivo(f"x.{formato}", exportado.data)
    assert len(filas) == 432 + 2 * 12
    assert {"valor,60,", "valor,,"} <= {
        f"{f['estado']},{f['programado']},{f['ejecutado']}" for f in filas
    }
    antes = _todas_las_filas(demo)
    analisis = _analizar(exportado.data, f"x.{formato}")
    assert [str(e) for e in analisis.errores] == []
    assert all(g.sin_cambios and not g.vacias for g in analisis.grupos)
    assert len(analisis.grupos) == 36 + 2
    assert "no se modifica" in next(g.situacion for g in analisis.grupos if g.anio == 2021)
    demo.session.rollback()
    vista = _subir(client, exportado.data, f"anexo4_todos.{formato}")
    assert "Vista previa" in vista.text and "El archivo tiene" not in vista.text
    assert "Borrador" in vista.text and "no se modifica" in vista.text
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', vista.text).group(1)
    respuesta = client.post(
        "/convenios/anexo4/importar/confirmar", data={"token": token, "nombre": "x"}
    )
    assert respuesta.status_code == 302
    assert "no hubo cambios" in client.get(respuesta.location).text
    assert _todas_las_filas(demo) == antes


@pytest.mark.parametrize("codigo", ["2021-1", "2020-2"])
def test_export_of_one_semester_with_drafts_reimports_as_a_no_op(demo, codigo):
    _borradores_i_2021(demo)
    periodo = periodos.periodo_exacto(codigo)
    contenido = exportacion.a_csv(exportacion.exportar_filas(periodo))
    antes = _todas_las_filas(demo)
    analisis = _analizar(contenido)
    assert [str(e) for e in analisis.errores] == []
    assert analisis.grupos and all(g.sin_cambios for g in analisis.grupos)
    resumen = importacion.aplicar(analisis, usuario_id=None, ahora=AHORA, archivo="x.csv")
    demo.session.commit()
    assert (resumen.reportes, resumen.celdas, resumen.sin_cambios) == (
        0,
        0,
        len(analisis.grupos),
    )
    assert _todas_las_filas(demo) == antes


def test_a_draft_exported_then_changed_must_be_completed_to_be_imported(demo):
    """Importing approves a changed Anexo 4, so its empty cells are errors again."""
    _borradores_i_2021(demo)
    filas = exportacion.exportar_filas(periodos.periodo_exacto("2021-1"))
    loreto = [f for f in filas if f["region"] == "Loreto"]
    loreto[1]["ejecutado"] = "31"  # IdG 2: one changed cell
    antes = _todas_las_filas(demo)
    analisis = _analizar(exportacion.a_csv(loreto))
    vacias = {(e.fila, e.columna) for e in analisis.errores}
    # IdG 1 lacks its executed value; IdG 4 to 12 lack both (IdG 3 has no goal).
    assert vacias == {(2, "ejecutado")} | {
        (fila, columna) for fila in range(5, 14) for columna in ("programado", "ejecutado")
    }
    assert all("quedaría aprobado" in e.mensaje for e in analisis.errores)
    assert [e.fila for e in analisis.errores] == sorted(e.fila for e in analisis.errores)
    with pytest.raises(importacion.ErrorImportacion):
        importacion.aplicar(analisis, usuario_id=None, ahora=AHORA)
    demo.session.rollback()
    assert _todas_las_filas(demo) == antes
    # Completed, the same file imports and approves the report.
    for fila in loreto:
        if fila["estado"] == "valor":
            fila["programado"] = fila["programado"] or "50"
            fila["ejecutado"] = fila["ejecutado"] or "40"
    analisis = _analizar(exportacion.a_csv(loreto))
    assert analisis.errores == []
    assert [g.estado_actual for g in analisis.grupos] == [EstadoReporte.borrador]
    assert "quedará aprobado" in analisis.grupos[0].situacion


def test_export_matches_the_demo_file_and_is_ordered(demo):
    exportadas = exportacion.exportar_filas(None)
    seed = carga.leer_csv("anexo4_2020.csv")

    def clave(fila):
        numeros = [
            numero_texto(Decimal(fila[c])) if fila[c] else "" for c in ("programado", "ejecutado")
        ]
        campos = ("region", "idg", "anio", "semestre", "estado", "origen")
        return tuple(fila[c] for c in campos) + tuple(numeros)

    assert sorted(map(clave, exportadas)) == sorted(map(clave, seed))
    orden = {r.nombre: r.orden for r in demo.session.scalars(sa.select(Region))}
    claves = [
        (int(f["anio"]), int(f["semestre"]), orden[f["region"]], int(f["idg"])) for f in exportadas
    ]
    assert claves == sorted(claves)
    loreto = [f for f in exportadas if f["region"] == "Loreto" and f["semestre"] == "2"]
    assert [f["programado"] for f in loreto][:3] == ["60", "60", "70"]


def test_export_of_one_semester_has_the_bulk_header_and_minimal_numbers(bd):
    _importar(_csv("Loreto,1,2020,2,valor,60.50,60", "Loreto,2,2020,2,sin_meta,,"))
    bd.session.commit()
    texto = exportacion.a_csv(exportacion.exportar_filas(_periodo(bd, 2020, 2))).decode("utf-8")
    lineas = texto.splitlines()
    assert lineas[0] == CABECERA  # no origen column: no reconstructed cell
    assert lineas[1] == "Loreto,1,2020,2,valor,60.5,60"
    assert lineas[2] == "Loreto,2,2020,2,sin_meta,,"


def test_xlsx_export_has_bold_header_numbers_and_no_formulas():
    filas = [
        {
            "region": '=HYPERLINK("http://x")',
            "idg": "1",
            "anio": "2020",
            "semestre": "2",
            "estado": "valor",
            "programado": "60.5",
            "ejecutado": "-22",
        }
    ]
    hoja = load_workbook(io.BytesIO(exportacion.a_xlsx(filas))).active
    assert [c.value for c in hoja[1]] == CABECERA.split(",")
    assert all(c.font.bold for c in hoja[1])
    fila = [c.value for c in hoja[2]]
    assert fila[0].startswith("'=") and hoja["A2"].data_type == "s"
    assert fila[1:] == [1, 2020, 2, "valor", 60.5, -22]


# --- Command line --------------------------------------------------------------------------


def test_cli_dry_run_writes_nothing(runner, bd):
    antes = _conteos(bd)
    resultado = runner.invoke(args=["anexo4", "importar", str(EJEMPLO), "--dry-run"])
    assert resultado.exit_code == 0, resultado.output
    assert "Loreto · II Semestre 2020: 12 celdas" in resultado.output
    assert "cerrados" in resultado.output and "no se guardó" in resultado.output
    bd.session.expire_all()
    assert _conteos(bd) == antes


def test_cli_import_and_export(runner, bd, tmp_path):
    resultado = runner.invoke(args=["anexo4", "importar", str(EJEMPLO)])
    assert resultado.exit_code == 0, resultado.output
    assert "13 celdas en 2 Anexos 4" in resultado.output
    bd.session.expire_all()
    assert bd.session.scalar(sa.select(sa.func.count()).select_from(Reporte)) == 2
    salida = tmp_path / "loreto.xlsx"
    resultado = runner.invoke(
        args=[
            "anexo4",
            "exportar",
            "--periodo",
            "2020-2",
            "--region",
            "LORETO",
            "--salida",
            str(salida),
        ]
    )
    assert resultado.exit_code == 0, resultado.output
    filas = importacion.leer_archivo(salida.name, salida.read_bytes())
    assert len(filas) == 12 and {f["region"] for f in filas} == {"Loreto"}
    resultado = runner.invoke(
        args=["anexo4", "exportar", "--periodo", "2031-1", "--salida", str(tmp_path / "x.csv")]
    )
    assert resultado.exit_code != 0 and "2031-1" in resultado.output


def test_cli_lists_errors_and_exits_1(runner, bd, tmp_path):
    antes = _conteos(bd)
    archivo = tmp_path / "malo.csv"
    archivo.write_bytes(_csv("Atlantida,1,2020,2,valor,1,1", "Loreto,2,2020,2,valor,1,2,5"))
    resultado = runner.invoke(args=["anexo4", "importar", str(archivo)])
    assert resultado.exit_code == 1
    assert "fuera de las columnas" in resultado.output  # row 3 has an unquoted comma
    archivo.write_bytes(_csv("Atlantida,1,2020,2,valor,1,1", "Loreto,2,2020,2,valor,,"))
    resultado = runner.invoke(args=["anexo4", "importar", str(archivo)])
    assert resultado.exit_code == 1
    assert "fila 2, columna region: No se reconoce la región «Atlantida»." in resultado.output
    assert "fila 3, columna programado" in resultado.output
    assert "fila 3, columna ejecutado" in resultado.output
    bd.session.expire_all()
    assert _conteos(bd) == antes


# --- Web -----------------------------------------------------------------------------------


def _subir(client, contenido: bytes, nombre: str):
    return client.post(
        "/convenios/anexo4/importar",
        data={"archivo": (io.BytesIO(contenido), nombre)},
        content_type="multipart/form-data",
    )


def test_web_preview_then_confirm(client, sesion, bd, archivos):
    sesion.entrar(Rol.odes)
    antes = _conteos(bd)
    respuesta = _subir(client, EJEMPLO.read_bytes(), "ejemplo anexo4.csv")
    assert respuesta.status_code == 200
    assert "Vista previa" in respuesta.text and "Confirmar importación" in respuesta.text
    assert "II Semestre 2020" in respuesta.text and "cerrados" in respuesta.text
    bd.session.expire_all()
    assert _conteos(bd) == antes
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', respuesta.text).group(1)
    assert [p.name for p in archivos.iterdir()] == [f"{token}.csv"]
    respuesta = client.post(
        "/convenios/anexo4/importar/confirmar",
        data={"token": token, "nombre": "ejemplo_anexo4.csv"},
    )
    assert respuesta.status_code == 302
    assert respuesta.location.endswith("/convenios/anexo4/importar")
    assert "Importación completada" in client.get(respuesta.location).text
    assert list(archivos.iterdir()) == []
    bd.session.expire_all()
    promedios = calculos.desempeno_por_region(celdas(_periodo(bd, 2020, 2)))
    assert _pct(promedios["Loreto"]) == (48, 38)
    evento = bd.session.scalar(sa.select(Evento).filter_by(accion="importar").limit(1))
    assert evento.usuario_id == usuario_demo(Rol.odes).id
    assert evento.despues["archivo"] == "ejemplo_anexo4.csv"


def test_web_shows_errors_and_saves_nothing(client, sesion, bd, archivos):
    sesion.entrar(Rol.odes)
    antes = _conteos(bd)
    respuesta = _subir(client, _csv('Loreto,1,2020,2,valor,"1,200",1'), "malo.csv")
    assert respuesta.status_code == 200
    assert "El archivo tiene 1 error" in respuesta.text
    assert "«1,200» es ambiguo" in respuesta.text
    assert "Confirmar importación" not in respuesta.text
    assert not archivos.exists() or list(archivos.iterdir()) == []
    respuesta = _subir(client, b"x", "datos.txt")
    assert "Solo se admiten archivos .csv o .xlsx." in respuesta.text
    bd.session.expire_all()
    assert _conteos(bd) == antes


@pytest.mark.parametrize("token", ["", "../../config", "0" * 31 + "g", "0" * 32])
def test_web_confirm_refuses_bad_or_unknown_tokens(client, sesion, bd, archivos, token):
    sesion.entrar(Rol.odes)
    antes = _conteos(bd)
    respuesta = client.post("/convenios/anexo4/importar/confirmar", data={"token": token})
    assert respuesta.status_code == 302
    assert "ya no está disponible" in client.get(respuesta.location).text
    assert _conteos(bd) == antes


def test_web_import_is_for_odes_only(client, sesion, archivos):
    sesion.entrar(Rol.drtpe)
    assert _subir(client, EJEMPLO.read_bytes(), "e.csv").status_code == 403
    assert client.post("/convenios/anexo4/importar/confirmar").status_code == 403


def test_web_export_scopes_drtpe_to_their_region(client, sesion, demo):
    sesion.entrar(Rol.drtpe)  # Loreto
    respuesta = client.get("/convenios/anexo4/exportar?periodo=2020-2&formato=csv")
    assert respuesta.status_code == 200
    assert "anexo4_2020-2_loreto.csv" in respuesta.headers["Content-Disposition"]
    filas = importacion.leer_archivo("x.csv", respuesta.data)
    assert len(filas) == 12 and {f["region"] for f in filas} == {"Loreto"}
    sesion.salir()
    sesion.entrar(Rol.odes)
    respuesta = client.get("/convenios/anexo4/exportar?periodo=2020-2&formato=xlsx")
    assert respuesta.status_code == 200
    assert "anexo4_2020-2.xlsx" in respuesta.headers["Content-Disposition"]
    filas = importacion.leer_archivo("x.xlsx", respuesta.data)
    assert len(filas) == 18 * 12
    assert client.get("/convenios/anexo4/exportar?periodo=2031-2").status_code == 404
    assert client.get("/convenios/anexo4/exportar?formato=pdf").status_code == 400


def test_web_export_scopes_a_directorate_to_its_idg(client, sesion, demo):
    direccion = sesion.entrar(Rol.direccion)
    propios = set(
        demo.session.scalars(
            sa.select(Indicador.numero).filter_by(proponente_id=direccion.unidad_id)
        )
    )
    assert propios and len(propios) < 12
    respuesta = client.get("/convenios/anexo4/exportar?periodo=2020-2")
    assert respuesta.status_code == 200
    filas = importacion.leer_archivo("x.csv", respuesta.data)
    assert {int(f["idg"]) for f in filas} == propios
    assert len(filas) == 18 * len(propios)


def test_the_import_approves_through_the_workflow_steps(bd, monkeypatch):
    """Each written report goes through flujo.aprobar, and all of them through one
    fijar_originales: the same steps as the form's approval, never a copy of them."""
    from app.comun import flujo

    aprobados, fijados = [], []
    aprobar, fijar = flujo.aprobar, importacion.fijar_originales

    def espiar_aprobar(objeto, **kwargs):
        aprobados.append((objeto.convenio.region.nombre, kwargs["accion"], kwargs["detalle"]))
        aprobar(objeto, **kwargs)

    def espiar_fijar(reportes):
        reportes = list(reportes)
        fijados.append(len(reportes))
        fijar(reportes)

    monkeypatch.setattr(flujo, "aprobar", espiar_aprobar)
    monkeypatch.setattr(importacion, "fijar_originales", espiar_fijar)
    _importar(_csv(*_loreto_ii_2020(), "Cusco,1,2020,2,valor,50,40"), nombre="dos.csv")
    assert sorted(aprobados) == [
        ("Cusco", "importar", {"celdas": 1, "archivo": "dos.csv"}),
        ("Loreto", "importar", {"celdas": 12, "archivo": "dos.csv"}),
    ]
    assert fijados == [2]


def test_first_approved_values_of_many_reports_take_two_statements(demo):
    """fijar_originales writes the lines and the annual goals of any number of reports in two
    statements, so the bulk import stays one query per file step, not per report."""
    reportes = list(demo.session.scalars(sa.select(Reporte)))
    assert len(reportes) > 20
    sentencias = []

    def contar(_conexion, _cursor, sentencia, *_args):
        sentencias.append(sentencia)

    sa.event.listen(demo.engine, "before_cursor_execute", contar)
    try:
        anexo4_services.fijar_originales(reportes)
    finally:
        sa.event.remove(demo.engine, "before_cursor_execute", contar)
    escrituras = [s for s in sentencias if s.lstrip().upper().startswith("UPDATE")]
    assert len(escrituras) == 2


def test_a_large_file_is_imported_by_a_queue_job_and_the_page_shows_its_outcome(
    app, client, sesion, bd, archivos, monkeypatch
):
    """Above IMPORTACION_BYTES_EN_COLA the confirmation only queues the import (run at once in
    the tests' synchronous mode, by a worker in production); the page shows the job's result,
    and the same figures land as through the request."""
    monkeypatch.setitem(app.config, "IMPORTACION_BYTES_EN_COLA", 0)
    sesion.entrar(Rol.odes)
    vista = _subir(client, EJEMPLO.read_bytes(), "ejemplo anexo4.csv")
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', vista.text).group(1)
    respuesta = client.post(
        "/convenios/anexo4/importar/confirmar",
        data={"token": token, "nombre": "ejemplo_anexo4.csv"},
    )
    assert respuesta.status_code == 302
    id_tarea = re.search(r"tarea=([0-9a-f]{32})", respuesta.location).group(1)
    estado = client.get(f"/convenios/anexo4/importar/tareas/{id_tarea}").get_json()
    assert estado["estado"] == "terminado" and estado["fraccion"] == 1.0
    pagina = client.get(respuesta.location, follow_redirects=True).text
    assert "Importación completada" in pagina
    assert list(archivos.iterdir()) == []
    bd.session.expire_all()
    promedios = calculos.desempeno_por_region(celdas(_periodo(bd, 2020, 2)))
    assert _pct(promedios["Loreto"]) == (48, 38)
    # Following the same id again shows the outcome again, never a second import.
    importaciones = bd.session.scalar(
        sa.select(sa.func.count(Evento.id)).filter_by(accion="importar")
    )
    assert importaciones > 0
    assert "Importación completada" in client.get(respuesta.location, follow_redirects=True).text
    assert (
        bd.session.scalar(sa.select(sa.func.count(Evento.id)).filter_by(accion="importar"))
        == importaciones
    )
    # An id that is not an import job is not followed.
    assert client.get("/convenios/anexo4/importar/tareas/" + "f" * 32).status_code == 404


def test_a_large_file_whose_preview_expired_is_not_queued(
    app, client, sesion, bd, archivos, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORTACION_BYTES_EN_COLA", 0)
    sesion.entrar(Rol.odes)
    vista = _subir(client, EJEMPLO.read_bytes(), "ejemplo.csv")
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', vista.text).group(1)
    for archivo in archivos.iterdir():
        archivo.unlink()
    respuesta = client.post(
        "/convenios/anexo4/importar/confirmar", data={"token": token, "nombre": "x.csv"}
    )
    pagina = client.get(respuesta.location, follow_redirects=True).text
    assert "La vista previa ya no está disponible" in pagina
