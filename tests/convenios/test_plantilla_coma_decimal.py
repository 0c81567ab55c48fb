"""Numbers typed as text in the Excel files (issue 19): the Anexo 4 template and the bulk import
read "60,5", "60.5", a number cell and " 1 200,5 " alike, by the forms' one rule
(app/comun/numeros.py); a thousands comma or point that could be a decimal one is refused with
its row and column, never misread.

What es_PE means, in the installed Babel: decimal "." and thousands ",", so Babel alone would
read "60,5" as 605 and "1.200,5" as 1.2005; "1 200,5" (space between thousands) is 1200.5.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from babel.numbers import parse_decimal
from openpyxl import Workbook, load_workbook

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region, TipoValor
from app.comun import numeros
from app.comun.roles import Rol
from app.convenios.forms import leer_conteo, leer_decimal
from app.convenios.models import EstadoConvenio, LineaReporte, Periodo, Reporte
from app.convenios.services import anexo4 as services
from app.convenios.services import importacion, plantilla
from app.convenios.services.convenios import crear_convenio
from tests.conftest import usuario_demo

HOY = date(2022, 7, 15)
AHORA = datetime(2022, 8, 20, 15, 0, tzinfo=UTC)


# --- The rule ------------------------------------------------------------------------------


def test_babel_es_pe_uses_a_decimal_point_and_a_thousands_comma():
    """Pinned: if a Babel upgrade changes es_PE, the rule of app/comun/numeros.py is reviewed."""
    assert (numeros.SIMBOLO_DECIMAL, numeros.SIMBOLO_GRUPO) == (".", ",")
    # Why the raw text never goes to Babel: it would drop the comma as a thousands separator.
    assert parse_decimal("60,5", locale="es_PE") == Decimal(605)


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("60,5", "60.5"),
        ("60.5", "60.5"),
        ("-22,75", "-22.75"),
        ("1,20", "1.20"),
        ("1 200,5", "1200.5"),
        (" 1 200,5 ", "1200.5"),
        ("1\u00a0200,5", "1200.5"),  # no-break space, as Excel and Word write it
        ("1\u202f200\u202f000", "1200000"),  # narrow no-break space
        ("1 200.5", "1200.5"),
        ("1200", "1200"),
    ],
)
def test_numbers_read_with_a_decimal_point_or_comma(texto, esperado):
    assert numeros.leer_numero(texto) == Decimal(esperado)


@pytest.mark.parametrize("texto", ["1,200", "1.200,5", "1,250.5", "1,2,3", "0,125", "1 200,500"])
def test_a_thousands_comma_or_point_is_ambiguous(texto):
    with pytest.raises(numeros.NumeroAmbiguo):
        numeros.leer_numero(texto)


@pytest.mark.parametrize(
    "texto",
    ["abc", "12 5", "1 2000", "1_000", "\u0663", "NaN", "6O", "1e999999999999", "9" * 101],
)
def test_what_is_no_number_is_refused(texto):
    with pytest.raises(numeros.NoEsNumero):
        numeros.leer_numero(texto)


def test_the_forms_use_the_same_rule():
    assert leer_decimal("1 200,5") == Decimal("1200.50")
    assert leer_conteo(" 1 200 ") == Decimal("1200.00")
    with pytest.raises(ValueError, match="separador de miles"):
        leer_decimal("1.200,5")
    with pytest.raises(ValueError, match="Escriba un número"):
        leer_decimal("1_000")
    with pytest.raises(ValueError, match="demasiado grande"):
        leer_decimal("1e30")  # an exponent is read, as Excel reads it


# --- A report with a ratio IdG (counts) ----------------------------------------------------


@pytest.fixture
def ciclo(bd):
    """Cycle 2022–2023 copied from 2020's set, with one percentage IdG turned into a ratio."""
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    razon = next(i for i in ciclo.indicadores if i.tipo_valor is TipoValor.porcentaje)
    razon.numerador, razon.denominador = "Personas colocadas", "Personas inscritas"
    bd.session.commit()
    return ciclo


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


def _idg(ciclo):
    """(the ratio IdG, three percentage IdG that are not ratios)."""
    razon = next(i for i in ciclo.indicadores if i.es_razon)
    otros = [
        i for i in ciclo.indicadores if not i.es_razon and i.tipo_valor is TipoValor.porcentaje
    ]
    return razon, otros[:3]


def _linea(bd, reporte_id: int, indicador) -> LineaReporte:
    bd.session.expire_all()
    reporte = bd.session.get(Reporte, reporte_id)
    return next(li for li in reporte.lineas if li.indicador_id == indicador.id)


def _bytes(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _plantilla(reporte):
    """The downloaded template: (workbook, its sheet, IdG number → row)."""
    libro = load_workbook(io.BytesIO(plantilla.plantilla_xlsx(reporte)))
    hoja = libro[plantilla.HOJA]
    filas = {
        hoja.cell(fila, 1).value: fila
        for fila in range(plantilla.FILA_ENCABEZADO + 1, hoja.max_row + 1)
        if isinstance(hoja.cell(fila, 1).value, int)
    }
    return libro, hoja, filas


# --- The Excel template --------------------------------------------------------------------


def test_the_template_says_both_marks_are_accepted(reporte):
    _libro, hoja, _filas = _plantilla(reporte)
    instrucciones = hoja["B5"].value
    assert "coma o punto decimal (45,5 o 45.5)" in instrucciones
    assert "1 200,5" in instrucciones


def test_the_template_reads_a_decimal_comma_point_number_cells_and_spaced_thousands(
    bd, ciclo, reporte
):
    razon, (a, b, c) = _idg(ciclo)
    libro, hoja, filas = _plantilla(reporte)
    hoja.cell(filas[a.numero], plantilla.COL_PROGRAMADO, "60,5")  # text, decimal comma
    hoja.cell(filas[a.numero], plantilla.COL_EJECUTADO, 60.5)  # a number cell
    hoja.cell(filas[b.numero], plantilla.COL_PROGRAMADO, "60.5")  # text, decimal point
    hoja.cell(filas[b.numero], plantilla.COL_EJECUTADO, " 45,25 ")
    hoja.cell(filas[c.numero], plantilla.COL_PROGRAMADO, "70,00 %")
    hoja.cell(filas[c.numero], plantilla.COL_EJECUTADO, 70)
    hoja.cell(filas[razon.numero], plantilla.COL_PROGRAMADO, "50")
    hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR, " 1 200,5 ")  # spaced thousands
    hoja.cell(filas[razon.numero], plantilla.COL_DENOMINADOR, "2\u00a0401")
    revisiones = plantilla.cargar_plantilla(
        reporte, _bytes(libro), usuario=usuario_demo(Rol.drtpe), hoy=HOY
    )
    assert not any(r.errores for r in revisiones.values())
    bd.session.commit()

    linea_a, linea_b = _linea(bd, reporte.id, a), _linea(bd, reporte.id, b)
    assert (linea_a.programado, linea_a.ejecutado) == (Decimal("60.5"), Decimal("60.5"))
    assert (linea_b.programado, linea_b.ejecutado) == (Decimal("60.5"), Decimal("45.25"))
    assert _linea(bd, reporte.id, c).programado == Decimal(70)
    linea_razon = _linea(bd, reporte.id, razon)
    assert (linea_razon.numerador, linea_razon.denominador) == (Decimal("1200.5"), Decimal(2401))
    assert linea_razon.ejecutado == Decimal("50.00")  # 1200.5 / 2401 × 100


def test_the_template_refuses_ambiguous_numbers_by_row_and_column(bd, ciclo, reporte):
    razon, (a, b, c) = _idg(ciclo)
    libro, hoja, filas = _plantilla(reporte)
    hoja.cell(filas[a.numero], plantilla.COL_PROGRAMADO, "1,200")
    hoja.cell(filas[b.numero], plantilla.COL_EJECUTADO, "1.200,5")
    hoja.cell(filas[c.numero], plantilla.COL_PROGRAMADO, "1.200")  # maybe a thousands point
    hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR, "1,250.5")
    with pytest.raises(plantilla.ErrorPlantilla) as error:
        plantilla.cargar_plantilla(reporte, _bytes(libro), usuario=usuario_demo(Rol.drtpe), hoy=HOY)
    errores = error.value.errores
    ambiguo = (
        "es ambiguo: la coma o el punto puede separar los miles o los decimales. Escriba el "
        "número sin separador de miles (por ejemplo 1200 o 1200,5)."
    )
    assert f"Fila {filas[a.numero]}, columna D (Programado (%)): «1,200» {ambiguo}" in errores
    assert f"Fila {filas[b.numero]}, columna G (Ejecutado (%)): «1.200,5» {ambiguo}" in errores
    assert f"Fila {filas[razon.numero]}, columna E (Numerador): «1,250.5» {ambiguo}" in errores
    assert (
        f"Fila {filas[c.numero]}, columna D (Programado (%)): «1.200» tiene más de 2 decimales."
        in errores
    )
    assert len(errores) == 4
    bd.session.rollback()
    assert _linea(bd, reporte.id, a).programado is None
    assert _linea(bd, reporte.id, razon).numerador is None


def test_the_upload_page_names_the_ambiguous_cell(bd, ciclo, reporte, client, sesion):
    _razon, (a, _b, _c) = _idg(ciclo)
    libro, hoja, filas = _plantilla(reporte)
    hoja.cell(filas[a.numero], plantilla.COL_PROGRAMADO, "1,200")
    sesion.entrar(Rol.drtpe)
    pagina = client.post(
        f"/convenios/anexo4/{reporte.id}/plantilla",
        data={"archivo": (io.BytesIO(_bytes(libro)), "anexo4.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).text
    assert "No se guardó la plantilla" in pagina
    assert f"Fila {filas[a.numero]}, columna D (Programado (%)): «1,200» es ambiguo" in pagina
    assert _linea(bd, reporte.id, a).programado is None


# --- The bulk import (ODES) ----------------------------------------------------------------

CABECERA = ["region", "idg", "anio", "semestre", "estado", "programado", "ejecutado"]
CABECERA_CONTEOS = [*CABECERA, "numerador", "denominador"]


def _xlsx(*filas) -> bytes:
    libro = Workbook()
    for fila in (CABECERA_CONTEOS, *filas):
        libro.active.append(list(fila))
    return _bytes(libro)


def _analizar(nombre: str, contenido: bytes):
    return importacion.analizar(importacion.leer_archivo(nombre, contenido), date(2022, 8, 20))


def _reporte_de(bd, convenio, periodo) -> Reporte:
    return bd.session.scalar(
        sa.select(Reporte).filter_by(convenio_id=convenio.id, periodo_id=periodo.id)
    )


def test_the_bulk_import_reads_the_same_numbers(bd, ciclo, convenio, periodo):
    razon, (a, b, c) = _idg(ciclo)
    contenido = _xlsx(
        ["Loreto", a.numero, 2022, 1, "valor", "60,5", 60.5, None, None],
        ["Loreto", b.numero, 2022, 1, "valor", "60.5", " 45,25 ", None, None],
        ["Loreto", c.numero, 2022, 1, "valor", 70, "70,5", None, None],
        ["Loreto", razon.numero, 2022, 1, "valor", 50, None, "1 200,5", 2401],
    )
    analisis = _analizar("anexo4.xlsx", contenido)
    assert analisis.errores == []
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA, archivo="anexo4.xlsx")
    bd.session.commit()
    reporte = _reporte_de(bd, convenio, periodo)
    linea_a, linea_b = _linea(bd, reporte.id, a), _linea(bd, reporte.id, b)
    assert (linea_a.programado, linea_a.ejecutado) == (Decimal("60.5"), Decimal("60.5"))
    assert (linea_b.programado, linea_b.ejecutado) == (Decimal("60.5"), Decimal("45.25"))
    assert _linea(bd, reporte.id, c).ejecutado == Decimal("70.5")
    linea_razon = _linea(bd, reporte.id, razon)
    assert (linea_razon.numerador, linea_razon.denominador) == (Decimal("1200.5"), Decimal(2401))
    assert linea_razon.ejecutado == Decimal("50.00")


def test_the_bulk_csv_reads_a_quoted_decimal_comma(bd, ciclo, convenio, periodo):
    _razon, (a, _b, _c) = _idg(ciclo)
    contenido = (",".join(CABECERA) + f'\nLoreto,{a.numero},2022,1,valor,"60,5",60.5\n').encode()
    analisis = _analizar("anexo4.csv", contenido)
    assert analisis.errores == []
    importacion.aplicar(analisis, usuario_id=None, ahora=AHORA, archivo="anexo4.csv")
    bd.session.commit()
    linea = _linea(bd, _reporte_de(bd, convenio, periodo).id, a)
    assert (linea.programado, linea.ejecutado) == (Decimal("60.5"), Decimal("60.5"))


def test_the_bulk_import_refuses_ambiguous_numbers_by_row_and_column(bd, ciclo, convenio, periodo):
    razon, (a, b, _c) = _idg(ciclo)
    contenido = _xlsx(
        ["Loreto", a.numero, 2022, 1, "valor", "1,200", 50, None, None],
        ["Loreto", b.numero, 2022, 1, "valor", 50, "1.200,5", None, None],
        ["Loreto", razon.numero, 2022, 1, "valor", 50, None, "1,250.5", 2401],
    )
    analisis = _analizar("anexo4.xlsx", contenido)
    errores = [str(e) for e in analisis.errores]
    ambiguo = (
        "es ambiguo: la coma o el punto puede separar los miles o los decimales. Escriba el "
        "número sin separador de miles (por ejemplo 1200 o 1200.5)."
    )
    assert f"fila 2, columna programado: «1,200» {ambiguo}" in errores
    assert f"fila 3, columna ejecutado: «1.200,5» {ambiguo}" in errores
    assert f"fila 4, columna numerador: «1,250.5» {ambiguo}" in errores
    assert not analisis.valido
    assert _reporte_de(bd, convenio, periodo) is None


def test_huge_or_tiny_numbers_in_the_files_are_errors_not_failures(bd, ciclo, convenio, reporte):
    razon, (a, b, _c) = _idg(ciclo)
    libro, hoja, filas = _plantilla(reporte)
    hoja.cell(filas[a.numero], plantilla.COL_PROGRAMADO, "1e999999999999999999")
    hoja.cell(filas[b.numero], plantilla.COL_EJECUTADO, "-1e-30")
    hoja.cell(filas[razon.numero], plantilla.COL_NUMERADOR, "9" * 40)
    with pytest.raises(plantilla.ErrorPlantilla) as error:
        plantilla.cargar_plantilla(reporte, _bytes(libro), usuario=usuario_demo(Rol.drtpe), hoy=HOY)
    assert len(error.value.errores) == 3
    bd.session.rollback()
    contenido = _xlsx(
        ["Loreto", a.numero, 2022, 1, "valor", "1e999999999999999999", 50, None, None],
        ["Loreto", b.numero, 2022, 1, "valor", 50, "-1e-30", None, None],
        ["Loreto", razon.numero, 2022, 1, "valor", 50, None, "9" * 40, "1e30"],
    )
    analisis = _analizar("anexo4.xlsx", contenido)
    assert {(e.fila, e.columna) for e in analisis.errores} >= {
        (2, "programado"),
        (3, "ejecutado"),
        (4, "numerador"),
    }
    assert not analisis.valido
