"""The report's charts: one definition per chart, laid out by one engine, drawn alike on the
web (PNG), in the PDF report and in the ficha; pinned to the published II-2020 figures."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image
from reportlab.platypus import KeepTogether

from app.catalogo.models import Region
from app.comun.calculos import redondear
from app.comun.roles import Rol
from app.extensions import db
from app.informes import informe
from app.informes.graficos import definicion, dibujo, png
from app.informes.graficos import tendencias as grafico_tendencia
from app.informes.graficos.definicion import Tipo
from app.informes.graficos.dibujo import Rectangulo
from app.informes.pdf import graficos as pdf_graficos
from app.informes.pdf.base import registrar_fuentes
from app.informes.pdf.ficha import story_ficha
from app.informes.pdf.situacional import Informe
from tests.publicados import LORETO_EJEC, LORETO_PROG, PROMEDIOS_IDG_II_2020


@pytest.fixture
def datos(demo):
    registrar_fuentes()  # the PDF stories' paragraphs name the report's font
    return informe.datos_informe("2020-2")


def _definiciones(datos) -> list[definicion.Grafico]:
    """Every chart of the report, in its order (Gráficos Nº 01–49)."""
    lista = [definicion.grafico_funciones(datos)]
    lista += [
        definicion.grafico_region(datos, r.region, r.organo_sigla, r)
        for r in datos.resultados_regiones
    ]
    lista += [definicion.grafico_idg(datos, r) for r in datos.resultados_idg]
    lista += [
        definicion.grafico_comparacion(datos, f.region, f.organo_sigla)
        for f in datos.comparacion.filas
    ]
    return lista


def _figuras(story) -> list[pdf_graficos.Figura]:
    """The chart flowables of a PDF story, in order (they sit inside KeepTogether blocks)."""
    figuras = []
    for flowable in story:
        if isinstance(flowable, KeepTogether):
            figuras += _figuras(flowable._content)
        elif isinstance(flowable, pdf_graficos.Figura):
            figuras.append(flowable)
    return figuras


def _barras(d: dibujo.Dibujo, colores: set[str]) -> list[Rectangulo]:
    return [f for f in d.formas if isinstance(f, Rectangulo) and f.color in colores]


def test_the_pdf_draws_every_chart_of_the_report_from_its_definition(datos):
    definiciones = _definiciones(datos)
    figuras = _figuras(Informe(datos).story())
    assert len(figuras) == len(definiciones) == 49
    for figura, grafico in zip(figuras, definiciones, strict=True):
        assert figura.dibujo == dibujo.dibujar(grafico), grafico.titulo


def test_the_web_serves_the_same_charts_as_the_pdf(datos, client, sesion):
    """Every chart the dashboard links (Gráficos 02–49) is the PDF's, drawn as PNG."""
    sesion.entrar(Rol.odes)
    codigos = dict(db.session.execute(sa.select(Region.nombre, Region.codigo)).all())
    urls = [f"/informes/2020-2/graficos/region/{codigos[r.region]}.png"
            for r in datos.resultados_regiones]  # fmt: skip
    urls += [f"/informes/2020-2/graficos/idg/{r.numero}.png" for r in datos.resultados_idg]
    urls += [f"/informes/2020-2/graficos/comparacion/{codigos[f.region]}.png"
             for f in datos.comparacion.filas]  # fmt: skip
    for url, grafico in zip(urls, _definiciones(datos)[1:], strict=True):
        respuesta = client.get(url)
        assert respuesta.status_code == 200, url
        assert respuesta.data == png.png(grafico), url


def test_the_ficha_draws_the_region_chart_of_the_report(datos):
    loreto = datos.resultado_region("Loreto")
    ficha = informe.datos_ficha("Loreto", "2020-2")
    figura, tendencia = _figuras(story_ficha(ficha))
    del_informe = definicion.grafico_region(datos, "Loreto", loreto.organo_sigla, loreto)
    assert figura.dibujo == dibujo.dibujar(del_informe)
    # Then the region's trend, the very chart of the web's trend page (I-2020 and II-2020).
    assert [s.codigo for s in ficha.tendencia.semestres] == ["2020-1", "2020-2"]
    assert tendencia.dibujo == grafico_tendencia.dibujar(grafico_tendencia.definir(ficha.tendencia))


def test_the_definitions_hold_the_published_figures(datos):
    graficos = _definiciones(datos)
    loreto = graficos[1 + [r.region for r in datos.resultados_regiones].index("Loreto")]
    assert loreto.titulo == "DRTPE Loreto - II Semestre 2020"
    assert loreto.categorias == tuple(str(n) for n in range(1, 13))
    programado, ejecutado = loreto.series
    assert (programado.nombre, programado.color) == ("PROGRAM.", definicion.AZUL)
    assert (ejecutado.nombre, ejecutado.color) == ("EJECUCIÓN", definicion.NARANJA)
    assert [redondear(v) for v in programado.valores] == LORETO_PROG
    assert [redondear(v) for v in ejecutado.valores] == LORETO_EJEC
    for grafico, (numero, (p, e)) in zip(
        graficos[19:31], PROMEDIOS_IDG_II_2020.items(), strict=True
    ):
        assert grafico.titulo == f"IdG {numero}: Resultado promedio II Semestre 2020"
        assert [redondear(s.valores[0]) for s in grafico.series] == [p, e]
    comparacion = graficos[31 + [f.region for f in datos.comparacion.filas].index("Loreto")]
    assert comparacion.titulo == "DRTPE Loreto - I Semestre vs II Semestre 2020"
    assert [s.nombre for s in comparacion.series] == [
        "PROG. I SEM.",
        "EJEC. I SEM.",
        "PROG. II SEM.",
        "EJEC. II SEM.",
    ]
    # This semester's side of the comparison is the region's chart.
    assert [(s.valores, s.color) for s in comparacion.series[2:]] == [
        (s.valores, s.color) for s in loreto.series
    ]


def test_the_engine_draws_exactly_what_each_definition_says(datos):
    """Title, categories, series names, value labels and one bar per value, to scale."""
    for grafico in _definiciones(datos):
        d = dibujo.dibujar(grafico)
        textos = d.textos()
        assert grafico.titulo in textos or grafico.tipo is Tipo.conteo
        assert all(c in textos for c in grafico.categorias)
        colores = {s.color for s in grafico.series}
        barras = _barras(d, colores)
        if grafico.tipo is Tipo.barras_con_tabla:
            barras = [b for b in barras if b.x > 0.1 * d.ancho]  # not the table's row labels
        valores = [v for s in grafico.series for v in s.valores if v is not None]
        assert len(barras) == len(valores), grafico.titulo
        # One scale per chart: every bar's height is its value times the same factor.
        escala = {round(b.alto / v, 6) for b, v in zip(barras, valores, strict=True) if v}
        assert len(escala) == 1, grafico.titulo
        for serie in grafico.series:
            if grafico.tipo is not Tipo.conteo:
                assert serie.nombre in textos
                assert all(definicion.porcentaje(v) in textos for v in serie.valores)
            else:
                assert all(str(int(v)) in textos for v in serie.valores)
        assert (grafico.nota in textos) == bool(grafico.nota)


def test_a_missing_value_draws_no_bar_and_a_dash_with_its_note():
    grafico = definicion.barras_region("Región", [1, 2, 3], [10, None, 30], [5, 15, None])
    assert grafico.nota == definicion.NOTA_SIN_VALOR
    d = dibujo.dibujar(grafico)
    assert len(_barras(d, {definicion.AZUL, definicion.NARANJA})) == 4 + 2  # + 2 row labels
    assert d.textos().count(definicion.SIN_VALOR) == 2
    assert definicion.barras_region("R", [1], [10], [5]).nota == ""


def test_the_png_is_the_layout_at_150_dpi(datos):
    grafico = _definiciones(datos)[1]
    d = dibujo.dibujar(grafico)
    imagen = Image.open(io.BytesIO(png.png(grafico))).convert("RGB")
    assert imagen.size == (round(d.ancho * 150 / 72), round(d.alto * 150 / 72))
    assert round(imagen.info["dpi"][0]) == 150
    # The tallest bar's middle is in its series' colour, where the layout put it.
    barra = max(_barras(d, {definicion.AZUL}), key=lambda b: b.alto)
    x = (barra.x + barra.ancho / 2) * 150 / 72
    y = imagen.height - (barra.y + barra.alto / 2) * 150 / 72
    azul = (0x44, 0x72, 0xC4)
    pixel = imagen.getpixel((round(x), round(y)))
    assert all(abs(a - b) <= 4 for a, b in zip(pixel, azul, strict=True)), pixel
