"""Data of the situational report (informe.datos_informe / datos_ficha / version_datos) and the
narrative helpers, pinned to the published 2020 figures (seed-spec §4.1–4.7)."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo.models import Region
from app.convenios.models import Convenio, EstadoReporte, LineaReporte, Periodo, Reporte
from app.informes import informe
from app.informes.narrativa import (
    NARRATIVA_POR_DEFECTO,
    lista_es,
    narrativa_completa,
    numero_con_cifra,
    numero_en_letras,
    sustituir,
)
from app.mejora_continua.models.evaluaciones import Evaluacion
from seed.anexo5 import cargar_anexo5_demo
from tests.publicados import CUADRO_04_II_2020 as CUADRO_04  # noqa: E402
from tests.publicados import CUADRO_05_I_2020 as CUADRO_05_I  # noqa: E402
from tests.publicados import GRAFICOS_20_31_II_2020 as GRAFICOS_IDG  # noqa: E402
from tests.publicados import LORETO_EJEC, LORETO_PROG  # noqa: E402


@pytest.fixture
def datos(demo):
    return informe.datos_informe("2020-2")


def _reporte(bd, region: str, codigo: str) -> Reporte:
    anio, semestre = (int(x) for x in codigo.split("-"))
    return bd.session.scalar(
        sa.select(Reporte)
        .join(Convenio)
        .join(Region)
        .join(Periodo)
        .where(Region.nombre == region, Periodo.anio == anio, Periodo.semestre == semestre)
    )


# --- who is in the report -------------------------------------------------------------------


def test_evaluated_omitted_and_pending_regions(datos):
    assert datos.regiones_evaluadas == tuple(CUADRO_04)
    assert datos.n_evaluadas == 18
    assert set(datos.regiones_omitidas) == {"Arequipa", "Ayacucho", "Tumbes"}
    assert set(datos.regiones_pendientes) == {"La Libertad", "Ancash", "Junín", "Huánuco"}
    assert (datos.convenios_suscritos, datos.total_gores, datos.porcentaje_cobertura) == (
        21,
        25,
        84,
    )
    assert datos.convenio_periodo == "2020-2021"
    assert (datos.periodo_nombre, datos.semestre_romano, datos.semestre_ordinal) == (
        "II Semestre 2020",
        "II",
        "segundo",
    )


def test_cuadro_01_lists_the_21_signed_convenios(datos):
    assert len(datos.convenios) == 21
    primero = datos.convenios[0]
    assert (primero.numero, primero.region, primero.fecha_suscripcion.isoformat()) == (
        1,
        "Amazonas",
        "2019-12-31",
    )
    por_region = {c.region: c for c in datos.convenios}
    assert por_region["Lima"].numero == 11
    assert por_region["Lima"].fecha_suscripcion.isoformat() == "2020-02-27"
    assert por_region["Ucayali"].numero == 21


@pytest.mark.parametrize(("region", "esperado"), list(CUADRO_04.items()))
def test_cuadro_04_matches_the_published_averages(datos, region, esperado):
    resultado = datos.resultado_region(region)
    assert (resultado.programado_pct, resultado.ejecutado_pct) == esperado
    assert 0 < resultado.n <= 12
    assert resultado.numero == list(CUADRO_04).index(region) + 1


def test_loreto_cells_are_those_of_grafico_11(datos):
    loreto = datos.resultado_region("Loreto")
    assert loreto.organo == "DRTPE LORETO"
    assert [v.idg for v in loreto.valores] == list(range(1, 13))
    assert [v.programado for v in loreto.valores] == [Decimal(x) for x in LORETO_PROG]
    assert [v.ejecutado for v in loreto.valores] == [Decimal(x) for x in LORETO_EJEC]
    assert loreto.n == 12
    assert loreto.valores[0].cumple is True and loreto.valores[2].cumple is False


def test_gerencias_keep_their_acronym(datos):
    assert datos.resultado_region("Cusco").organo == "GRTPE CUSCO"
    assert datos.resultado_region("Moquegua").organo_sigla == "GRTPE"


@pytest.mark.parametrize(("idg", "esperado"), list(GRAFICOS_IDG.items()))
def test_per_idg_averages_and_verdicts_are_graficos_20_31(datos, idg, esperado):
    resultado = datos.resultado_idg(idg)
    assert (resultado.programado_pct, resultado.ejecutado_pct, resultado.veredicto) == esperado
    assert resultado.n > 0
    assert resultado.frase_veredicto.startswith("En el II semestre 2020")


def test_verdict_sentences(datos):
    assert "igual" in datos.resultado_idg(5).frase_veredicto
    assert "ligeramente mayor" in datos.resultado_idg(10).frase_veredicto
    assert "no ha superado" in datos.resultado_idg(1).frase_veredicto
    assert informe.frase_veredicto(None, "I semestre 2021").startswith("En el I semestre 2021")
    assert "ligeramente menor" in informe.frase_veredicto("ligeramente_menor", "x")


@pytest.mark.parametrize(("region", "esperado"), list(CUADRO_05_I.items()))
def test_cuadro_05_first_semester_columns(datos, region, esperado):
    fila = next(f for f in datos.comparacion.filas if f.region == region)
    assert (fila.anterior.programado_pct, fila.anterior.ejecutado_pct) == esperado
    assert (fila.actual.programado_pct, fila.actual.ejecutado_pct) == CUADRO_04[region]


def test_comparison_only_for_a_second_semester(demo):
    datos = informe.datos_informe("2020-1")
    assert datos.comparacion is None
    assert datos.resultado_region("Piura").ejecutado_pct == -22


def test_semester_without_reports(demo):
    datos = informe.datos_informe("2021-1")
    assert datos.regiones_evaluadas == ()
    assert len(datos.regiones_omitidas) == 21
    assert all(r.n == 0 and r.veredicto is None for r in datos.resultados_idg)
    assert datos.comparacion is None


def test_functions_and_indicator_master(datos):
    assert [f.letra for f in datos.funciones] == list("abcdefghijklmnopqr")
    conteos = {f.region: f.cantidad for f in datos.funciones_por_region}
    assert conteos["Callao"] == conteos["Lima"] == 14
    assert conteos["Lima Metropolitana"] == 0
    assert conteos["Loreto"] == 18
    assert "g" not in next(f for f in datos.funciones_por_region if f.region == "Callao").letras
    assert [i.numero for i in datos.indicadores] == list(range(1, 13))
    idg1, idg10 = datos.indicadores[0], datos.indicadores[9]
    assert idg1.viceministerio_sigla == "VMPECL" and idg1.funcion_letra == "m"
    assert idg1.direccion_general.startswith("Dirección General de Normalización")
    assert idg1.nombre_sin_punto.endswith("(SOVIO)")
    assert idg10.funcion_letra is None and idg10.viceministerio_sigla == "VMT"


def test_unapproved_reports_only_with_the_preview_flag(demo, bd):
    _reporte(bd, "Loreto", "2020-2").estado = EstadoReporte.enviado
    bd.session.commit()
    oficial = informe.datos_informe("2020-2")
    assert "Loreto" not in oficial.regiones_evaluadas
    assert "Loreto" in oficial.regiones_omitidas
    previa = informe.datos_informe("2020-2", incluir_no_aprobados=True)
    assert previa.resultado_region("Loreto").programado_pct == 48
    assert previa.incluir_no_aprobados


def test_unknown_semester_is_an_error(demo):
    with pytest.raises(ValueError):
        informe.datos_informe("1999-2")


# --- Anexo 5 ----------------------------------------------------------------------------------


def test_without_anexo5_every_idg_still_has_a_matrix_row(datos):
    assert all(r.evaluacion is None for r in datos.resultados_idg)
    assert [f.numero for f in datos.matriz] == list(range(1, 13))
    assert all(f.recomendaciones == () for f in datos.matriz)
    assert datos.matriz[0].sector == "INDICADOR DE GESTIÓN DEL VMPECL"
    assert datos.matriz[6].sector == "INDICADOR DE GESTIÓN DEL VMT"


def test_approved_anexo5_feeds_section_viii_and_the_matrix(demo, bd):
    cargar_anexo5_demo()
    bd.session.commit()
    datos = informe.datos_informe("2020-2")
    ev = datos.resultado_idg(1).evaluacion
    assert len(ev.conclusiones) == 3 and len(ev.recomendaciones) == 2
    assert "Cajamarca, Ica, Loreto, Moquegua y Puno" in ev.conclusiones[1].texto
    assert "Loreto" in ev.conclusiones[1].regiones
    assert ev.direccion_general.startswith("Dirección General de Normalización")
    fila4 = next(f for f in datos.matriz if f.numero == 4)
    assert {r.responsable for r in fila4.recomendaciones} == {"MTPE/DGSNE"}

    evaluacion = bd.session.scalar(sa.select(Evaluacion).order_by(Evaluacion.id).limit(1))
    evaluacion.estado = EstadoReporte.enviado
    bd.session.commit()
    numero = evaluacion.indicador.numero
    assert informe.datos_informe("2020-2").resultado_idg(numero).evaluacion is None
    previa = informe.datos_informe("2020-2", incluir_no_aprobados=True)
    assert previa.resultado_idg(numero).evaluacion is not None


# --- version hash -------------------------------------------------------------------------------


def test_version_is_stable_and_follows_every_input(demo, bd):
    base = informe.version_datos("2020-2")
    assert len(base) == 64 and int(base, 16) >= 0
    assert informe.version_datos("2020-2") == base
    assert informe.huella(informe.datos_informe("2020-2")) == base

    assert informe.version_datos("2020-2", narrativa={"antecedentes": "Otro texto."}) != base
    assert informe.version_datos("2020-2", lema="AÑO DE LA UNIDAD") != base
    # The preview prints a different cover, even with every report approved.
    assert informe.version_datos("2020-2", incluir_no_aprobados=True) != base

    linea = bd.session.scalar(
        sa.select(LineaReporte)
        .where(LineaReporte.reporte_id == _reporte(bd, "Loreto", "2020-2").id)
        .where(LineaReporte.indicador_numero == 1)
    )
    linea.ejecutado = Decimal("61")
    bd.session.commit()
    cambiada = informe.version_datos("2020-2")
    assert cambiada != base

    bd.session.scalar(sa.select(Region).filter_by(nombre="Loreto")).nombre = "Loreto (GORE)"
    bd.session.commit()
    renombrada = informe.version_datos("2020-2")
    assert renombrada != cambiada

    cargar_anexo5_demo()
    bd.session.commit()
    assert informe.version_datos("2020-2") != renombrada


# --- ficha --------------------------------------------------------------------------------------


def test_ficha_of_loreto(demo, bd):
    cargar_anexo5_demo()
    bd.session.commit()
    ficha = informe.datos_ficha("LORETO", "2020-2")
    assert (ficha.region, ficha.organo) == ("Loreto", "DRTPE LORETO")
    assert (ficha.resultado.programado_pct, ficha.resultado.ejecutado_pct) == (48, 38)
    assert ficha.resultado.n == 12
    assert [(p.periodo_codigo, p.programado_pct, p.ejecutado_pct) for p in ficha.historial] == [
        ("2020-1", 31, 2),
        ("2020-2", 48, 38),
    ]
    assert ficha.items_anexo5 and all(
        i.periodo_nombre == "II Semestre 2020" for i in ficha.items_anexo5
    )
    assert any("Loreto" in i.texto for i in ficha.items_anexo5)
    textos = [i.texto for i in ficha.recomendaciones_pendientes]
    assert any("Confirmar el proyecto de convenio" in t for t in textos)


def test_ficha_of_a_region_without_report(demo):
    ficha = informe.datos_ficha("Tumbes", "2020-2")
    assert ficha.resultado is None and ficha.historial == ()
    with pytest.raises(ValueError):
        informe.datos_ficha("Atlántida", "2020-2")


# --- narrative helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "texto", "apocopado"),
    [
        (0, "cero", "cero"),
        (1, "uno", "un"),
        (3, "tres", "tres"),
        (12, "doce", "doce"),
        (16, "dieciséis", "dieciséis"),
        (18, "dieciocho", "dieciocho"),
        (21, "veintiuno", "veintiún"),
        (22, "veintidós", "veintidós"),
        (25, "veinticinco", "veinticinco"),
        (31, "treinta y uno", "treinta y un"),
        (49, "cuarenta y nueve", "cuarenta y nueve"),
        (100, "cien", "cien"),
        (101, "ciento uno", "ciento un"),
        (115, "ciento quince", "ciento quince"),
        (500, "quinientos", "quinientos"),
        (1000, "mil", "mil"),
        (2021, "dos mil veintiuno", "dos mil veintiún"),
        (21000, "veintiún mil", "veintiún mil"),
    ],
)
def test_numbers_in_words(n, texto, apocopado):
    assert numero_en_letras(n) == texto
    assert numero_en_letras(n, apocope=True) == apocopado


def test_number_with_digits_and_lists():
    assert numero_con_cifra(18) == "dieciocho (18)"
    assert numero_con_cifra(3) == "tres (03)"
    assert numero_con_cifra(21, apocope=True) == "veintiún (21)"
    assert lista_es([]) == "" and lista_es(["A"]) == "A"
    assert lista_es(["A", "B"]) == "A y B"
    assert lista_es(["A", "B", "C"]) == "A, B y C"


def test_placeholders_and_defaults():
    valores = {"anio": "2020", "n_evaluadas": "dieciocho (18)"}
    assert (
        sustituir("{n_evaluadas} en {anio} {otro} {", valores) == "dieciocho (18) en 2020 {otro} {"
    )
    completa = narrativa_completa({"antecedentes": "Nuevo.", "extra": "x"})
    assert completa["antecedentes"] == "Nuevo." and completa["extra"] == "x"
    assert completa["base_legal"] == NARRATIVA_POR_DEFECTO["base_legal"]
    assert len(NARRATIVA_POR_DEFECTO["base_legal"].splitlines()) == 16
    for clave in (
        "antecedentes",
        "base_legal",
        "objetivo_2",
        "funciones_intro",
        "convenios_intro",
        "idg_intro",
        "servicios_cierre",
        "contexto_vii",
        "contexto_ix",
    ):
        assert NARRATIVA_POR_DEFECTO[clave].strip()
