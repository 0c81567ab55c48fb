"""Counts behind the percentages: a ratio IdG's numerator and denominator, its computed %, the
form, the Excel template, the bulk import (with fecha_envio) and the export.

Every expected % is worked out by hand: 12 / 40 = 0.3 → 30.00; 1 / 3 = 0.3333… → 33.33;
2 / 3 = 0.6666… → 66.67; 1 / 800 = 0.00125 → 0.125 % → 0.13 (half away from zero).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region, TipoValor
from app.comun import calculos
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import EstadoCelda, EstadoConvenio, LineaReporte, Periodo, Reporte
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import exportacion
from app.convenios.services import anexo4 as services
from app.convenios.services import importacion, plantilla
from app.convenios.services.convenios import crear_convenio
from tests.conftest import usuario_demo

HOY = date(2022, 7, 15)
#: Analysis date of the imports: after every fecha_envio used below
HOY_IMPORTACION = date(2022, 8, 20)
AHORA = datetime(2022, 8, 20, 15, 0, tzinfo=UTC)
NUMERADOR = "Personas inscritas que consiguieron empleo"
DENOMINADOR = "Personas inscritas en la Bolsa de Trabajo"


@pytest.fixture
def ciclo(bd):
    """Cycle 2022–2023 copied from 2020's set, with one percentage IdG turned into a ratio."""
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    razon = next(i for i in ciclo.indicadores if i.tipo_valor is TipoValor.porcentaje)
    razon.numerador, razon.denominador = NUMERADOR, DENOMINADOR
    bd.session.commit()
    return ciclo


def _razon(ciclo):
    return next(i for i in ciclo.indicadores if i.es_razon)


def _otro(ciclo):
    """A percentage IdG of the cycle that is not a ratio."""
    return next(
        i for i in ciclo.indicadores if not i.es_razon and i.tipo_valor is TipoValor.porcentaje
    )


@pytest.fixture
def periodo(bd):
    periodo = Periodo(anio=2022, semestre=1, abierto=True, fecha_limite_anexo4=date(2022, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    return periodo


@pytest.fixture
def convenio(bd, ciclo):
    loreto = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    convenio = crear_convenio(
        {
            "region_id": loreto.id,
            "conjunto_id": ciclo.id,
            "estado": EstadoConvenio.suscrito,
            "fecha_suscripcion": date(2021, 12, 15),
            "documento": "Convenio 2022-2023",
            "notas": None,
        },
        usuario_id=None,
        hoy=date(2022, 1, 10),
    )
    bd.session.commit()
    return convenio


@pytest.fixture
def reporte(bd, convenio, periodo):
    reporte = services.obtener_o_crear_reporte(convenio, periodo, usuario_id=None)
    bd.session.commit()
    return reporte


def _linea(reporte, indicador) -> LineaReporte:
    return next(li for li in reporte.lineas if li.indicador_id == indicador.id)


def _celda(programado=None, ejecutado=None, numerador=None, denominador=None, estado=None):
    def dec(v):
        return None if v is None else Decimal(str(v))

    return {
        "estado": estado or EstadoCelda.valor,
        "programado": dec(programado),
        "ejecutado": dec(ejecutado),
        "numerador": dec(numerador),
        "denominador": dec(denominador),
        "comentario": None,
        "motivo_estado": None,
    }


def _guardar(bd, reporte, datos):
    revisiones = services.guardar_lineas(
        reporte, datos, usuario=usuario_demo(Rol.drtpe), hoy=HOY, version=reporte.version
    )
    if any(r.errores for r in revisiones.values()):
        bd.session.rollback()
    else:
        bd.session.commit()
    return revisiones


# --- The calculation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "numerador, denominador, esperado",
    [
        (12, 40, "30.00"),
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 800, "0.13"),  # 0.125 %: half away from zero, not to even (0.12)
        (0, 5, "0.00"),
        (45, 40, "112.50"),
        (Decimal("7.5"), Decimal("10"), "75.00"),
    ],
)
def test_ratio_percentage_is_rounded_to_two_decimals_half_away_from_zero(
    numerador, denominador, esperado
):
    resultado = calculos.porcentaje_razon(numerador, denominador)
    assert resultado == Decimal(esperado) and str(resultado) == esperado


@pytest.mark.parametrize("denominador", [0, -4])
def test_ratio_percentage_needs_a_positive_denominator(denominador):
    with pytest.raises(ValueError):
        calculos.porcentaje_razon(1, denominador)


# --- Saving a draft (service) --------------------------------------------------------------


@pytest.mark.parametrize(
    "numerador, denominador, esperado",
    [(12, 40, "30.00"), (1, 3, "33.33"), (2, 3, "66.67")],
)
def test_counts_are_stored_and_the_executed_percentage_computed(
    bd, ciclo, reporte, numerador, denominador, esperado
):
    linea = _linea(reporte, _razon(ciclo))
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, None, numerador, denominador)})
    assert revisiones[linea.id].errores == {}
    bd.session.expire_all()
    guardada = bd.session.get(LineaReporte, linea.id)
    assert guardada.numerador == Decimal(numerador)
    assert guardada.denominador == Decimal(denominador)
    assert guardada.ejecutado == Decimal(esperado)
    assert guardada.programado == Decimal(50)
    evento = bd.session.scalar(
        sa.select(Evento)
        .filter_by(objeto_tipo="reporte", objeto_id=reporte.id, accion="editar")
        .order_by(Evento.id.desc())
    )
    etiqueta = _razon(ciclo).etiqueta
    assert Decimal(evento.despues[f"{etiqueta} numerador"]) == Decimal(numerador)
    assert Decimal(str(evento.despues[f"{etiqueta} ejecutado"])) == Decimal(esperado)


def test_an_executed_percentage_given_with_the_counts_must_agree(bd, ciclo, reporte):
    linea = _linea(reporte, _razon(ciclo))
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, 35, 12, 40)})
    assert revisiones[linea.id].errores == {
        "ejecutado": "El ejecutado indicado (35 %) no coincide con el que resulta de los "
        "conteos (12 / 40 = 30 %)."
    }
    bd.session.expire_all()
    assert bd.session.get(LineaReporte, linea.id).ejecutado is None
    # Within 0.01 it is the same figure: the computed one is stored.
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, "33.34", 1, 3)})
    assert revisiones[linea.id].errores == {}
    bd.session.expire_all()
    assert bd.session.get(LineaReporte, linea.id).ejecutado == Decimal("33.33")


@pytest.mark.parametrize(
    "celda, campo, mensaje",
    [
        ((50, None, 12, 0), "denominador", "El denominador debe ser mayor que cero."),
        ((50, None, 12, -3), "denominador", "El denominador debe ser mayor que cero."),
        ((50, None, -1, 40), "numerador", "El numerador no puede ser negativo."),
        (
            (50, None, 12, None),
            "denominador",
            "Indique también el denominador: la razón necesita ambos conteos.",
        ),
        (
            (50, None, None, 40),
            "numerador",
            "Indique también el numerador: la razón necesita ambos conteos.",
        ),
        (
            (50, 30, None, None),
            "numerador",
            "es una razón: indique el numerador y el denominador",
        ),
    ],
)
def test_bad_counts_on_a_ratio_idg_are_refused_and_nothing_is_written(
    bd, ciclo, reporte, celda, campo, mensaje
):
    linea = _linea(reporte, _razon(ciclo))
    antes = bd.session.scalar(sa.select(sa.func.count(Evento.id)))
    revisiones = _guardar(bd, reporte, {linea.id: _celda(*celda)})
    assert mensaje in revisiones[linea.id].errores[campo]
    bd.session.expire_all()
    guardada = bd.session.get(LineaReporte, linea.id)
    assert (guardada.programado, guardada.numerador, guardada.denominador) == (None, None, None)
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == antes


def test_counts_on_a_percentage_idg_are_refused(bd, ciclo, reporte):
    otro = _otro(ciclo)
    linea = _linea(reporte, otro)
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, 40, 12, 40)})
    mensaje = (
        f"El {otro.etiqueta} no se calcula como razón: deje en blanco el numerador y el "
        "denominador y escriba el ejecutado en porcentaje."
    )
    assert revisiones[linea.id].errores == {"numerador": mensaje, "denominador": mensaje}
    bd.session.expire_all()
    assert bd.session.get(LineaReporte, linea.id).ejecutado is None


def test_counts_on_a_cell_without_value_are_refused(bd, ciclo, reporte):
    linea = _linea(reporte, _razon(ciclo))
    revisiones = _guardar(
        bd, reporte, {linea.id: _celda(None, None, 12, 40, estado=EstadoCelda.no_aplica)}
    )
    assert "no se registran conteos" in revisiones[linea.id].errores["numerador"]


def test_a_percentage_idg_is_filled_as_before(bd, ciclo, reporte):
    linea = _linea(reporte, _otro(ciclo))
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, "47.5")})
    assert revisiones[linea.id].errores == {}
    bd.session.expire_all()
    guardada = bd.session.get(LineaReporte, linea.id)
    assert (guardada.ejecutado, guardada.numerador, guardada.denominador) == (
        Decimal("47.5"),
        None,
        None,
    )


def test_a_computed_percentage_goes_through_the_range_warnings(bd, ciclo, reporte):
    linea = _linea(reporte, _razon(ciclo))
    revisiones = _guardar(bd, reporte, {linea.id: _celda(50, None, 45, 40)})
    assert revisiones[linea.id].errores == {}
    assert any("112.5 %" in a for a in revisiones[linea.id].advertencias)


# --- The form, through the client ----------------------------------------------------------


def _datos_formulario(reporte, valores: dict[int, dict[str, str]]) -> dict[str, str]:
    datos = {"version": str(reporte.version)}
    for i, linea in enumerate(reporte.lineas):
        datos[f"lineas-{i}-linea_id"] = str(linea.id)
        datos[f"lineas-{i}-estado"] = "valor"
        for campo, valor in valores.get(linea.id, {}).items():
            datos[f"lineas-{i}-{campo}"] = valor
    return datos


def test_the_form_round_trip_with_counts(bd, ciclo, reporte, client, sesion):
    razon, otro = _razon(ciclo), _otro(ciclo)
    i_razon = next(i for i, li in enumerate(reporte.lineas) if li.indicador_id == razon.id)
    i_otro = next(i for i, li in enumerate(reporte.lineas) if li.indicador_id == otro.id)
    sesion.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}/editar"
    pagina = client.get(url).text
    # The ratio IdG asks for its counts, with the ficha's texts; its % is not typed.
    assert f'name="lineas-{i_razon}-numerador"' in pagina
    assert f'name="lineas-{i_razon}-denominador"' in pagina
    assert f'name="lineas-{i_razon}-ejecutado"' not in pagina
    assert NUMERADOR in pagina and DENOMINADOR in pagina
    assert "Se calcula al guardar" in pagina
    # A percentage IdG keeps its % field and shows no counts.
    assert f'name="lineas-{i_otro}-ejecutado"' in pagina
    assert f'name="lineas-{i_otro}-numerador"' not in pagina

    linea = _linea(reporte, razon)
    con_cero = _datos_formulario(
        reporte, {linea.id: {"programado": "50", "numerador": "12", "denominador": "0"}}
    )
    respuesta = client.post(url, data=con_cero)
    assert "El denominador debe ser mayor que cero." in respuesta.text
    assert "no se guardó" in respuesta.text
    con_coma = _datos_formulario(
        reporte, {linea.id: {"programado": "50", "numerador": "1,200", "denominador": "40"}}
    )
    # "1,200" could be twelve hundred: refused, never read as 1.2 (a decimal comma is accepted).
    assert "sin separador de miles" in client.post(url, data=con_coma).text
    bd.session.expire_all()
    assert bd.session.get(LineaReporte, linea.id).denominador is None

    datos = _datos_formulario(
        reporte, {linea.id: {"programado": "50", "numerador": "12", "denominador": "40"}}
    )
    respuesta = client.post(url, data=datos, follow_redirects=True)
    assert "guardado como borrador" in respuesta.text
    # The view shows the computed % and the counts behind it.
    assert "30.00 %" in respuesta.text and "12 / 40" in respuesta.text
    bd.session.expire_all()
    guardada = bd.session.get(LineaReporte, linea.id)
    assert (guardada.numerador, guardada.denominador, guardada.ejecutado) == (
        Decimal(12),
        Decimal(40),
        Decimal("30.00"),
    )
    # Read back into the form as typed, with the computed % beside them.
    pagina = client.get(url).text
    assert f'name="lineas-{i_razon}-numerador" type="text" value="12"' in pagina
    assert f'name="lineas-{i_razon}-denominador" type="text" value="40"' in pagina
    assert "30.00 %" in pagina
    # Changing the state drops the counts with the figures, as the form always did.
    datos[f"lineas-{i_razon}-estado"] = "sin_meta"
    client.post(url, data=datos | {"version": str(bd.session.get(Reporte, reporte.id).version)})
    bd.session.expire_all()
    guardada = bd.session.get(LineaReporte, linea.id)
    assert (guardada.estado, guardada.numerador, guardada.ejecutado) == (
        EstadoCelda.sin_meta,
        None,
        None,
    )


def test_a_ratio_line_submits_and_is_approved_with_its_counts(bd, ciclo, reporte):
    razon = _razon(ciclo)
    datos = {
        li.id: (_celda(50, None, 2, 3) if li.indicador_id == razon.id else _celda(50, 50))
        for li in reporte.lineas
    }
    assert not any(r.errores for r in _guardar(bd, reporte, datos).values())
    services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    services.aprobar(reporte, usuario=usuario_demo(Rol.odes), ahora=AHORA)
    bd.session.commit()
    celdas = {c.idg: c for c in anexo4_queries.celdas(reporte.periodo)}
    assert celdas[razon.numero].ejecutado == Decimal("66.67")


# --- The Excel template --------------------------------------------------------------------


def _filas_plantilla(hoja) -> dict[int, int]:
    return {
        hoja.cell(fila, 1).value: fila
        for fila in range(plantilla.FILA_ENCABEZADO + 1, hoja.max_row + 1)
        if isinstance(hoja.cell(fila, 1).value, int)
    }


def _bytes(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def test_the_template_takes_counts_and_computes_the_percentage(bd, ciclo, reporte):
    razon, otro = _razon(ciclo), _otro(ciclo)
    libro = load_workbook(io.BytesIO(plantilla.plantilla_xlsx(reporte)))
    hoja = libro[plantilla.HOJA]
    assert [c.value for c in hoja[plantilla.FILA_ENCABEZADO]] == list(plantilla.ENCABEZADOS)
    filas = _filas_plantilla(hoja)
    celda_numerador = hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR)
    assert NUMERADOR in celda_numerador.comment.text
    hoja.cell(filas[razon.numero], plantilla.COL_PROGRAMADO, 60)
    hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR, 2)
    hoja.cell(filas[razon.numero], plantilla.COL_DENOMINADOR, 3)
    hoja.cell(filas[otro.numero], plantilla.COL_PROGRAMADO, 40)
    hoja.cell(filas[otro.numero], plantilla.COL_EJECUTADO, 45.5)
    revisiones = plantilla.cargar_plantilla(
        reporte, _bytes(libro), usuario=usuario_demo(Rol.drtpe), hoy=HOY
    )
    assert not any(r.errores for r in revisiones.values())
    bd.session.commit()
    bd.session.expire_all()
    linea = _linea(reporte, razon)
    assert (linea.numerador, linea.denominador, linea.ejecutado) == (
        Decimal(2),
        Decimal(3),
        Decimal("66.67"),
    )
    assert _linea(reporte, otro).ejecutado == Decimal("45.5")
    # Downloaded again: the counts are there, the ratio's % is left for the system to compute,
    # and uploading it unchanged changes nothing.
    libro = load_workbook(io.BytesIO(plantilla.plantilla_xlsx(reporte)))
    hoja = libro[plantilla.HOJA]
    fila = _filas_plantilla(hoja)[razon.numero]
    assert hoja.cell(fila, plantilla.COL_NUMERADOR).value == 2
    assert hoja.cell(fila, plantilla.COL_DENOMINADOR).value == 3
    assert hoja.cell(fila, plantilla.COL_EJECUTADO).value is None
    datos = plantilla.leer_plantilla(reporte, _bytes(libro))
    assert (datos[linea.id]["numerador"], datos[linea.id]["denominador"]) == (2, 3)


def test_the_template_refuses_bad_counts_and_an_old_layout(bd, ciclo, reporte):
    razon, otro = _razon(ciclo), _otro(ciclo)
    libro = load_workbook(io.BytesIO(plantilla.plantilla_xlsx(reporte)))
    hoja = libro[plantilla.HOJA]
    filas = _filas_plantilla(hoja)
    hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR, 12)
    hoja.cell(filas[razon.numero], plantilla.COL_DENOMINADOR, 40)
    hoja.cell(filas[razon.numero], plantilla.COL_EJECUTADO, 35)
    hoja.cell(filas[otro.numero], plantilla.COL_NUMERADOR, 1)
    revisiones = plantilla.cargar_plantilla(
        reporte, _bytes(libro), usuario=usuario_demo(Rol.drtpe), hoy=HOY
    )
    assert "(35 %)" in revisiones[_linea(reporte, razon).id].errores["ejecutado"]
    assert "30 %" in revisiones[_linea(reporte, razon).id].errores["ejecutado"]
    assert "no se calcula como razón" in revisiones[_linea(reporte, otro).id].errores["numerador"]
    bd.session.rollback()
    # A template downloaded before the count columns existed.
    hoja.delete_cols(plantilla.COL_NUMERADOR, 2)
    with pytest.raises(plantilla.ErrorPlantilla, match="versión anterior"):
        plantilla.leer_plantilla(reporte, _bytes(libro))


# --- The bulk import -----------------------------------------------------------------------

CABECERA = "region,idg,anio,semestre,estado,programado,ejecutado,numerador,denominador"


def _csv(cabecera: str, *filas: str) -> bytes:
    return ("\n".join((cabecera, *filas)) + "\n").encode("utf-8")


def _analizar(contenido: bytes, nombre: str = "datos.csv", hoy: date = HOY_IMPORTACION):
    return importacion.analizar(importacion.leer_archivo(nombre, contenido), hoy)


def _errores(analisis) -> list[tuple[int, str, str]]:
    return [(e.fila, e.columna, e.mensaje) for e in analisis.errores]


def _reporte_de(bd, convenio, periodo) -> Reporte:
    return bd.session.scalar(
        sa.select(Reporte).filter_by(convenio_id=convenio.id, periodo_id=periodo.id)
    )


def test_import_computes_the_percentage_from_the_counts(bd, ciclo, convenio, periodo):
    razon, otro = _razon(ciclo), _otro(ciclo)
    analisis = _analizar(
        _csv(
            CABECERA,
            f"Loreto,{razon.numero},2022,1,valor,50,,1,3",
            f"Loreto,{otro.numero},2022,1,valor,40,42,,",
        )
    )
    assert analisis.errores == []
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA, archivo="datos.csv")
    bd.session.commit()
    reporte = _reporte_de(bd, convenio, periodo)
    linea = _linea(reporte, razon)
    assert (linea.numerador, linea.denominador, linea.ejecutado) == (
        Decimal(1),
        Decimal(3),
        Decimal("33.33"),
    )
    assert (_linea(reporte, otro).ejecutado, _linea(reporte, otro).numerador) == (Decimal(42), None)


def test_import_accepts_an_agreeing_percentage_and_refuses_a_mismatch_naming_both(
    bd, ciclo, convenio, periodo
):
    razon = _razon(ciclo)
    assert _analizar(_csv(CABECERA, f"Loreto,{razon.numero},2022,1,valor,50,30,12,40")).valido
    assert _analizar(_csv(CABECERA, f"Loreto,{razon.numero},2022,1,valor,50,66.66,2,3")).valido
    analisis = _analizar(_csv(CABECERA, f"Loreto,{razon.numero},2022,1,valor,50,35,12,40"))
    assert _errores(analisis) == [
        (
            2,
            "ejecutado",
            "El ejecutado indicado (35 %) no coincide con el que resulta de los conteos "
            "(12 / 40 = 30 %).",
        )
    ]
    assert analisis.filas == []


def test_import_refuses_bad_counts_by_row_and_column(bd, ciclo, convenio, periodo):
    razon, otro = _razon(ciclo), _otro(ciclo)
    analisis = _analizar(
        _csv(
            CABECERA,
            f"Loreto,{razon.numero},2022,1,valor,50,,12,0",
            f"Loreto,{otro.numero},2022,1,valor,50,30,12,40",
            f"Loreto,{razon.numero},2023,1,valor,50,30,,",
            f"Loreto,{razon.numero},2023,2,valor,50,,abc,40",
            f"Loreto,{razon.numero},2022,2,no_aplica,,,1,2",
        )
    )
    errores = {(fila, columna): mensaje for fila, columna, mensaje in _errores(analisis)}
    assert errores[(2, "denominador")] == "El denominador debe ser mayor que cero."
    assert "no se calcula como razón" in errores[(3, "numerador")]
    assert "no se calcula como razón" in errores[(3, "denominador")]
    assert "es una razón: indique el numerador y el denominador" in errores[(4, "numerador")]
    assert "«abc» no es un número" in errores[(5, "numerador")]
    assert "no se registran conteos" in errores[(6, "numerador")]
    assert set(errores) == {
        (2, "denominador"),
        (3, "numerador"),
        (3, "denominador"),
        (4, "numerador"),
        (5, "numerador"),
        (6, "numerador"),
        (6, "denominador"),
    }


def test_a_ratio_cell_without_counts_is_a_missing_figure(bd, ciclo, convenio, periodo):
    razon, otro = _razon(ciclo), _otro(ciclo)
    analisis = _analizar(
        _csv(
            CABECERA,
            f"Loreto,{razon.numero},2022,1,valor,50,,,",
            f"Loreto,{otro.numero},2022,1,valor,40,42,,",
        )
    )
    assert [(f, c) for f, c, _m in _errores(analisis)] == [
        (2, "numerador"),
        (2, "denominador"),
    ]
    assert "(conteo)" in analisis.errores[0].mensaje


def test_files_without_the_new_columns_import_as_before(bd, ciclo, convenio, periodo):
    otro = _otro(ciclo)
    analisis = _analizar(
        _csv(
            "region,idg,anio,semestre,estado,programado,ejecutado",
            f"Loreto,{otro.numero},2022,1,valor,40,42",
        )
    )
    assert analisis.errores == []
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA)
    bd.session.commit()
    reporte = _reporte_de(bd, convenio, periodo)
    # Received at the deadline at noon in Lima (17:00 UTC), as before.
    assert _utc(reporte.enviado_en) == datetime(2022, 7, 31, 17, 0, tzinfo=UTC)


def _utc(momento: datetime) -> datetime:
    return momento.replace(tzinfo=UTC) if momento.tzinfo is None else momento.astimezone(UTC)


CABECERA_FECHA = "region,idg,anio,semestre,estado,programado,ejecutado,fecha_envio"


def test_fecha_envio_sets_the_received_date_at_noon_in_lima(bd, ciclo, convenio, periodo):
    otro = _otro(ciclo)
    analisis = _analizar(
        _csv(CABECERA_FECHA, f"Loreto,{otro.numero},2022,1,valor,40,42,2022-08-05")
    )
    assert analisis.errores == []
    assert "fecha de envío: 05/08/2022" in analisis.grupos[0].situacion
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA, archivo="datos.csv")
    bd.session.commit()
    reporte = _reporte_de(bd, convenio, periodo)
    # 12:00 in Lima (UTC−5) is 17:00 UTC.
    assert _utc(reporte.enviado_en) == datetime(2022, 8, 5, 17, 0, tzinfo=UTC)
    evento = bd.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="reporte", objeto_id=reporte.id, accion="importar")
    )
    assert evento.despues["fecha_envio"] == "2022-08-05"
    # Timeliness is measured on it: deadline 31/07/2022, sent 05/08/2022 → 5 days late.
    completitud = calculos.completitud(
        anexo4_queries.entregas(periodo), periodo.fecha_limite_anexo4
    )
    assert completitud.tardios == [("Loreto", 5)]
    # The same date again changes nothing; another date rewrites it.
    analisis = _analizar(
        _csv(CABECERA_FECHA, f"Loreto,{otro.numero},2022,1,valor,40,42,2022-08-05")
    )
    assert [g.sin_cambios for g in analisis.grupos] == [True]
    analisis = _analizar(
        _csv(CABECERA_FECHA, f"Loreto,{otro.numero},2022,1,valor,40,42,2022-07-30")
    )
    assert [g.sin_cambios for g in analisis.grupos] == [False]
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA)
    bd.session.commit()
    assert _utc(_reporte_de(bd, convenio, periodo).enviado_en) == datetime(
        2022, 7, 30, 17, 0, tzinfo=UTC
    )
    completitud = calculos.completitud(
        anexo4_queries.entregas(periodo), periodo.fecha_limite_anexo4
    )
    assert completitud.a_tiempo == ["Loreto"] and completitud.tardios == []


def test_bad_fecha_envio_is_refused_by_row_and_column(bd, ciclo, convenio, periodo):
    razon, otro = _razon(ciclo), _otro(ciclo)
    analisis = _analizar(
        _csv(
            CABECERA_FECHA,
            f"Loreto,{otro.numero},2022,1,valor,40,42,2022-13-01",
            f"Loreto,{otro.numero},2022,2,valor,40,42,20/07/2022",
            f"Loreto,{otro.numero},2023,1,valor,40,42,2022-06-30",
            f"Loreto,{razon.numero},2022,2,no_aplica,,,2022-08-21",
        ),
        hoy=date(2022, 8, 20),
    )
    errores = _errores(analisis)
    assert [(f, c) for f, c, _m in errores] == [
        (2, "fecha_envio"),
        (3, "fecha_envio"),
        (4, "fecha_envio"),
        (5, "fecha_envio"),
        (5, "fecha_envio"),
    ]
    assert "«2022-13-01» no es una fecha válida" in errores[0][2]
    assert "«20/07/2022» no es una fecha válida: escríbala como AAAA-MM-DD" in errores[1][2]
    assert "anterior al inicio del semestre (2023-01-01)" in errores[2][2]
    # Row 5: in the future, and not the date row 3 gave for the same report.
    assert "La fecha de envío 2022-08-21 está en el futuro." in errores[3][2]
    assert "la fila 3 indica «20/07/2022» y esta «2022-08-21»" in errores[4][2]
    # Rows of one report must agree (an empty one too).
    analisis = _analizar(
        _csv(
            CABECERA_FECHA,
            f"Loreto,{otro.numero},2022,1,valor,40,42,2022-07-20",
            f"Loreto,{razon.numero},2022,1,no_aplica,,,",
        )
    )
    assert _errores(analisis) == [
        (
            3,
            "fecha_envio",
            "Todas las filas de Loreto, I Semestre 2022, deben tener la misma fecha de envío: "
            "la fila 2 indica «2022-07-20» y esta «(vacía)».",
        )
    ]


def test_fecha_envio_typed_as_an_excel_date(bd, ciclo, convenio, periodo):
    otro = _otro(ciclo)
    libro = Workbook()
    hoja = libro.active
    hoja.append(CABECERA_FECHA.split(","))
    hoja.append(["Loreto", otro.numero, 2022, 1, "valor", 40, 42, datetime(2022, 7, 20)])
    analisis = _analizar(_bytes(libro), "datos.xlsx")
    assert analisis.errores == []
    assert analisis.filas[0].fecha_envio == date(2022, 7, 20)


# --- The export ----------------------------------------------------------------------------


def test_the_export_carries_the_counts_and_reimports_unchanged(bd, ciclo, reporte, periodo):
    razon, otro = _razon(ciclo), _otro(ciclo)
    datos = {
        _linea(reporte, razon).id: _celda(50, None, 12, 40),
        _linea(reporte, otro).id: _celda(40, "42.5"),
    }
    assert not any(r.errores for r in _guardar(bd, reporte, datos).values())
    filas = {int(f["idg"]): f for f in exportacion.exportar_filas(periodo)}
    assert (filas[razon.numero]["numerador"], filas[razon.numero]["denominador"]) == ("12", "40")
    assert filas[razon.numero]["ejecutado"] == "30"
    assert (filas[otro.numero]["numerador"], filas[otro.numero]["ejecutado"]) == ("", "42.5")
    contenido = exportacion.a_csv(list(filas.values()))
    leidas = list(csv.DictReader(io.StringIO(contenido.decode("utf-8"))))
    assert list(leidas[0]) == [
        "region",
        "idg",
        "anio",
        "semestre",
        "estado",
        "programado",
        "ejecutado",
        "numerador",
        "denominador",
    ]
    fila_razon = next(f for f in leidas if f["idg"] == str(razon.numero))
    assert (fila_razon["numerador"], fila_razon["denominador"], fila_razon["ejecutado"]) == (
        "12",
        "40",
        "30",
    )
    libro = load_workbook(io.BytesIO(exportacion.a_xlsx(list(filas.values()))))
    hoja = libro.active
    cabecera = [c.value for c in hoja[1]]
    fila_xlsx = next(
        [c.value for c in fila]
        for fila in hoja.iter_rows(min_row=2)
        if fila[1].value == razon.numero
    )
    assert fila_xlsx[cabecera.index("numerador")] == 12
    assert fila_xlsx[cabecera.index("denominador")] == 40
    # Re-imported as exported: the draft stays a draft, untouched.
    analisis = _analizar(contenido)
    assert analisis.errores == [] and [g.sin_cambios for g in analisis.grupos] == [True]


def test_an_export_without_counts_has_no_count_columns(bd, ciclo, reporte, periodo):
    linea = _linea(reporte, _otro(ciclo))
    assert not any(r.errores for r in _guardar(bd, reporte, {linea.id: _celda(40, 42)}).values())
    filas = exportacion.exportar_filas(periodo)
    assert all("numerador" not in f and "denominador" not in f for f in filas)
    assert exportacion.a_csv(filas).decode().splitlines()[0] == (
        "region,idg,anio,semestre,estado,programado,ejecutado"
    )


def test_the_view_shows_the_counts(bd, ciclo, reporte, client, sesion):
    linea = _linea(reporte, _razon(ciclo))
    assert not any(
        r.errores for r in _guardar(bd, reporte, {linea.id: _celda(50, None, 1, 3)}).values()
    )
    for rol in (Rol.drtpe, Rol.odes):
        sesion.entrar(rol)
        pagina = client.get(f"/convenios/anexo4/{reporte.id}").text
        assert "33.33 %" in pagina and "1 / 3" in pagina
        assert NUMERADOR in pagina
        sesion.salir()
