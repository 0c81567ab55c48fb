"""Dates in every Excel file the app writes (issue 19): real date cells shown dd/mm/aaaa, as the
pages show them (was dd.mm.yyyy in the report's Cuadro 01, and openpyxl's yyyy-mm-dd where no
format was set), through the one helper app.comun.hojas.fechas_legibles."""

from __future__ import annotations

import io
from datetime import date, datetime

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.comun.hojas import FORMATO_FECHA, FORMATO_FECHA_HORA, fechas_legibles
from app.comun.roles import Rol
from app.convenios.models import Reporte
from app.convenios.services import plantilla
from app.mejora_continua.models.planes import EstadoSeguimiento, PlanMejora
from app.mejora_continua.models.programacion import (
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)
from app.mejora_continua.services import planes_presupuesto
from seed.planes import cargar_plan_puno
from seed.programacion import cargar_programa_demo
from tests.conftest import usuario_demo


def _libro(client, url: str):
    respuesta = client.get(url)
    assert respuesta.status_code == 200, (url, respuesta.status_code)
    assert respuesta.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(respuesta.data))


def _celdas_fecha(libro) -> list:
    """Every cell openpyxl reads as a date (a number with a date format)."""
    return [
        c
        for hoja in libro
        for fila in hoja.iter_rows()
        for c in fila
        if isinstance(c.value, date | datetime)
    ]


def _todas_dd_mm_aaaa(libro) -> list:
    """The workbook's date cells, after checking that each is shown dd/mm/aaaa (hh:mm)."""
    celdas = _celdas_fecha(libro)
    for celda in celdas:
        esperado = FORMATO_FECHA_HORA if celda.value.time() != datetime.min.time() else None
        assert celda.number_format in (FORMATO_FECHA, esperado), (
            celda.parent.title,
            celda.coordinate,
            celda.number_format,
        )
    return celdas


def test_the_helper_formats_dates_and_date_times_and_keeps_them_dates():
    libro = Workbook()
    hoja = libro.active
    hoja["A1"] = date(2021, 3, 5)
    hoja["B1"] = datetime(2021, 3, 5, 14, 30)
    hoja["C1"] = "05/03/2021"  # text stays text
    hoja["D1"] = 44260  # a number stays a number
    libro.create_sheet("Otra")["A1"] = date(2020, 12, 31)
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    leido = load_workbook(io.BytesIO(salida.getvalue()))
    hoja = leido.active
    assert (hoja["A1"].value, hoja["A1"].number_format) == (datetime(2021, 3, 5), "DD/MM/YYYY")
    assert (hoja["B1"].value, hoja["B1"].number_format) == (
        datetime(2021, 3, 5, 14, 30),
        "DD/MM/YYYY HH:MM",
    )
    assert (hoja["C1"].value, hoja["C1"].number_format) == ("05/03/2021", "General")
    assert (hoja["D1"].value, hoja["D1"].number_format) == (44260, "General")
    assert leido["Otra"]["A1"].number_format == "DD/MM/YYYY"
    assert hoja.max_row == 1 and hoja.max_column == 4  # no cell was created


def test_the_report_workbook_shows_the_signing_dates_dd_mm_aaaa(demo, client, sesion):
    sesion.entrar(Rol.odes)
    libro = _libro(client, "/informes/2020-2/excel")
    cuadro = libro["Cuadro 01"]
    fechas = [cuadro.cell(fila, 3) for fila in range(4, cuadro.max_row + 1)]
    fechas = [c for c in fechas if c.value is not None and not isinstance(c.value, str)]
    assert len(fechas) >= 18  # every signed convenio of the Cuadro
    assert all(isinstance(c.value, datetime) for c in fechas)  # real dates, not text
    assert {c.number_format for c in fechas} == {"DD/MM/YYYY"}
    assert set(_todas_dd_mm_aaaa(libro)) == set(fechas)


def test_the_programme_workbook_shows_the_execution_dates_dd_mm_aaaa(bd, client, sesion):
    cargar_programa_demo()
    bd.session.commit()
    programa = bd.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=2021))
    run = bd.session.scalar(
        sa.select(ProgramacionRegional)
        .where(ProgramacionRegional.actividad.has(programa_id=programa.id))
        .limit(1)
    )
    run.estado = EstadoProgramacion.ejecutada
    run.fecha_ejecucion = date(2021, 2, 15)
    run.participantes = 12
    bd.session.commit()
    sesion.entrar(Rol.odes)
    libro = _libro(client, "/mejora-continua/programas/2021/excel")
    celdas = _todas_dd_mm_aaaa(libro)
    assert [(c.parent.title, c.value) for c in celdas] == [("Ejecución", datetime(2021, 2, 15))]
    assert celdas[0].number_format == "DD/MM/YYYY"


def test_the_plan_workbook_shows_the_follow_up_dates_dd_mm_aaaa(bd, client, sesion):
    plan = bd.session.get(PlanMejora, cargar_plan_puno().id)
    bd.session.commit()
    accion = plan.acciones[0]
    planes_presupuesto.registrar_seguimiento(
        accion,
        {"estado": EstadoSeguimiento.implementada, "fecha": date(2021, 6, 30)},
        usuario=usuario_demo(Rol.odes),
        hoy=date(2021, 7, 1),
    )
    bd.session.commit()
    sesion.entrar(Rol.odes)
    libro = _libro(client, f"/mejora-continua/planes/{plan.id}/excel")
    celdas = _todas_dd_mm_aaaa(libro)
    assert [(c.parent.title, c.value) for c in celdas] == [("Seguimiento", datetime(2021, 6, 30))]


def test_the_other_workbooks_have_no_date_in_another_format(demo, client, sesion, bd):
    """The matrix, the Anexo 4 export and the template: no date cell shown otherwise (the
    helper runs on them too, for the day one gets a date)."""
    sesion.entrar(Rol.odes)
    for url in (
        "/mejora-continua/matriz/excel?anio=2021",
        "/convenios/anexo4/exportar?periodo=2020-2&formato=xlsx",
    ):
        _todas_dd_mm_aaaa(_libro(client, url))
    reporte = bd.session.scalar(sa.select(Reporte).order_by(Reporte.id).limit(1))
    _todas_dd_mm_aaaa(load_workbook(io.BytesIO(plantilla.plantilla_xlsx(reporte))))
