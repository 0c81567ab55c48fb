"""The situational report PDF read back with pypdf: structure, numbering, published figures,
footnotes, watermark, determinism, the CLI and the region ficha; plus the charts."""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, replace

import pytest
from PIL import Image
from pypdf import PdfReader

from app.extensions import db
from app.informes import informe, pdf
from app.informes.graficos import definicion, png
from seed import carga
from seed.anexo5 import cargar_anexo5_demo
from seed.programacion import cargar_programa_demo
from tests.conftest import restaurar
from tests.informes.test_informe import CUADRO_04, CUADRO_05_I, GRAFICOS_IDG
from tests.publicados import LORETO_EJEC, LORETO_PROG

HOSTIL = "<script>alert(1)</script> & <font color=red>x</font>"


@dataclass
class Generado:
    datos: informe.DatosInforme
    contenido: bytes
    paginas: list[str]
    progreso: list[tuple[float, str]]

    @property
    def texto(self) -> str:
        """All pages, whitespace collapsed (lines wrap anywhere in a PDF)."""
        return " ".join(" ".join(self.paginas).split())

    @property
    def cuerpo(self) -> str:
        """The text after the cover and the table of contents."""
        return " ".join(" ".join(self.paginas[2:]).split())


def _normal(texto: str) -> str:
    return " ".join(texto.split())


def _leer(contenido: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(contenido)).pages]


def _cargar_2020() -> None:
    carga.cargar_periodos_demo()
    carga.cargar_anexo4_demo()
    cargar_anexo5_demo()
    cargar_programa_demo()
    db.session.commit()


@pytest.fixture(scope="module")
def generado(app, _foto_semilla) -> Generado:
    """The II Semestre 2020 report with the demo Anexo 4, Anexo 5 and 2021 programme, built
    once for the whole module."""
    with app.app_context():
        restaurar(_foto_semilla)
        _cargar_2020()
        datos = informe.datos_informe("2020-2")
        pasos: list[tuple[float, str]] = []
        inicio = time.perf_counter()
        contenido = pdf.informe_pdf(datos, progreso=lambda f, m: pasos.append((f, m)))
        segundos = time.perf_counter() - inicio
        print(f"\nInforme II-2020: {len(contenido) // 1024} KB en {segundos:.1f} s")
        db.session.remove()
    return Generado(datos, contenido, _leer(contenido), pasos)


@pytest.fixture(scope="module")
def vacio(app, _foto_semilla) -> tuple[informe.DatosInforme, bytes]:
    """A small report (I Semestre 2021: no Anexo 4 yet) built as a draft."""
    with app.app_context():
        restaurar(_foto_semilla)
        carga.cargar_periodos_demo()
        db.session.commit()
        datos = informe.datos_informe("2021-1")
        contenido = pdf.informe_pdf(datos, borrador=True)
        db.session.remove()
    return datos, contenido


def _tras(texto: str, inicio: str, fin: str = "Fuente:") -> str:
    """The text from `inicio` to the next `fin`."""
    desde = texto.index(inicio)
    return texto[desde : texto.index(fin, desde)]


# --- structure ----------------------------------------------------------------------------------


def test_title_block_and_table_of_contents(generado):
    portada = _normal(generado.paginas[0])
    assert "INFORME SITUACIONAL DEL EJERCICIO DE LAS FUNCIONES TRANSFERIDAS" in portada
    assert "CONVENIO DE GESTIÓN 2020-2021" in portada
    assert "II SEMESTRE 2020" in portada
    contenido = _normal(generado.paginas[1])
    assert "CONTENIDO" in contenido
    assert re.search(r"I\. Antecedentes[ .]+3", contenido)
    assert "ANEXO: MATRIZ DE IMPLEMENTACIÓN" in contenido


def test_section_headings_in_order(generado):
    cuerpo = " ".join(_normal(p) for p in generado.paginas[2:])
    titulos = [
        "I. Antecedentes",
        "II. Base Legal",
        "III. Objetivos",
        "IV. Funciones Transferidas",
        "V. Convenios de Gestión 2020-2021",
        "VI. Indicadores de Gestión 2020",
        "VII. Nivel de cumplimiento al II semestre 2020, según G/DRTPE.",
        "VIII. Avances en el cumplimiento de los Indicadores de Gestión 2020 – II Semestre 2020.",
        "IX. Comparación Semestral 2020 Por Cada G/DRTPE",
        "ANEXO: MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES",
    ]
    posiciones = [cuerpo.index(t) for t in titulos]
    assert posiciones == sorted(posiciones)


def _marcadores(lector: PdfReader) -> list[tuple[str, int]]:
    """The outline's (title, page index) in order, sub-entries included."""
    resultado = []
    pendientes = list(lector.outline)
    while pendientes:
        entrada = pendientes.pop(0)
        if isinstance(entrada, list):
            pendientes[:0] = entrada
        else:
            resultado.append((_normal(entrada.title), lector.get_destination_page_number(entrada)))
    return resultado


def test_contents_prints_the_page_each_heading_is_on(generado):
    """Each contents line's number is the page its heading is on; bookmarks and links go there."""
    lector = PdfReader(io.BytesIO(generado.contenido))
    entradas = _marcadores(lector)
    assert len(entradas) == 10 + len(generado.datos.resultados_idg)
    contenido = _normal(generado.paginas[1])
    desde = 2
    for titulo, destino in entradas:
        pagina = next(
            i for i in range(desde, len(generado.paginas)) if titulo in _normal(generado.paginas[i])
        )
        # A line's leader and number are read back just before its text.
        impreso = re.search(rf"(\d+) {re.escape(titulo)}", contenido)
        assert impreso, titulo
        assert int(impreso.group(1)) == pagina + 1, titulo
        assert destino == pagina, titulo
        desde = pagina
    enlaces = [a.get_object() for a in lector.pages[1]["/Annots"]]
    paginas = {lector.get_page_number(a["/Dest"][0].get_object()) for a in enlaces}
    assert paginas == {pagina for _titulo, pagina in entradas}


def test_the_report_is_laid_out_once(generado, monkeypatch):
    """One layout pass (multiBuild laid the whole report out twice for its contents)."""
    from app.informes.pdf.documento import Documento

    comenzadas = []
    original = Documento.handle_pageBegin

    def contar(self):
        """Count every page the layout begins."""
        comenzadas.append(self.page)
        original(self)

    monkeypatch.setattr(Documento, "handle_pageBegin", contar)
    assert pdf.informe_pdf(generado.datos) == generado.contenido
    assert len(comenzadas) == len(generado.paginas)


def test_header_lines_and_page_numbers_on_every_page(generado):
    for numero, pagina in enumerate(generado.paginas, start=1):
        assert "DECENIO DE LA IGUALDAD DE OPORTUNIDADES PARA MUJERES Y HOMBRES" in pagina
        assert "AÑO DEL BICENTENARIO DEL PERÚ: 200 AÑOS DE INDEPENDENCIA" in pagina
        assert f"Página {numero}" in pagina


def test_spanish_characters_survive(generado):
    for palabra in ("Junín", "Huánuco", "San Martín", "Apurímac", "Gestión", "Ñ", "ñ", "Perú"):
        assert palabra in generado.texto or palabra.upper() in generado.texto, palabra
    assert "Orgánica de Gobiernos Regionales" in generado.texto
    assert "AÑOS DE INDEPENDENCIA" in generado.texto


def test_objectives_name_the_evaluated_regions_with_footnote(generado):
    texto = generado.texto
    assert "por dieciocho (18) G/DRTPE de los siguientes gobiernos regionales" in texto
    assert "Amazonas, Apurímac, Cajamarca, Callao, Cusco" in texto
    assert "San Martín, Tacna y Ucayali." in texto
    nota = re.search(
        r"Fueron 21 Convenios de Gestión 2020-2021 suscritos, de los cuales las G/DRTPE de "
        r"(.+?) omitieron remitir sus respectivos informes\.",
        texto,
    )
    assert nota, "falta la nota 1"
    assert set(re.split(r", | y ", nota.group(1))) == {"Arequipa", "Ayacucho", "Tumbes"}
    # The footnote is printed at the foot of the page that cites it.
    pagina = next(p for p in generado.paginas if "siguientes gobiernos" in p)
    assert "omitieron remitir" in _normal(pagina)


def test_footnotes_numbered_in_order(generado):
    texto = generado.texto
    notas = [
        "Fueron 21 Convenios",
        "A través del Plan Anual de Transferencia",
        "En dicho año, se culminó la transferencia",
        "Nivel alcanzado por la Gerencia o Dirección Regional",
        "Se obtiene al dividir la sumatoria de los resultados de los doce (12) Indicadores de "
        "Gestión entre el número de sumandos.",
        "Se obtiene al dividir la sumatoria de los resultados de los doce (12) IdG",
    ]
    for numero, inicio in enumerate(notas, start=1):
        assert re.search(rf"\b{numero} ?{re.escape(inicio)}", texto), inicio
    assert [texto.index(n) for n in notas] == sorted(texto.index(n) for n in notas)


def test_functions_list_and_chart(generado):
    texto = generado.texto
    assert "a) Formular, aprobar, ejecutar" in texto
    assert "r) Simplificar los trámites" in texto
    assert "GRÁFICO Nº 01 Transferencia de Funciones Artículo 48º de la LOGR" in texto


def test_cuadro_01_and_coverage(generado):
    texto = generado.texto
    assert (
        "relación de los veintiún (21) Convenios de Gestión 2020-2021 suscritos entre el MTPE y "
        "los Gobiernos Regionales (representando el 84% del total de 25 gobiernos regionales)"
    ) in texto
    assert "Gobiernos Regionales de Ancash, Huánuco, Junín y La Libertad." in texto
    cuadro = _tras(texto, "CUADRO Nº 01")
    filas = re.findall(r"(\d+) ([A-ZÁÉÍÓÚÑ ]+?) (\d\d\.\d\d\.\d{4})", cuadro)
    assert [int(n) for n, _r, _f in filas] == list(range(1, 22))
    assert filas[0][1:] == ("AMAZONAS", "31.12.2019")
    assert filas[10][1:] == ("LIMA", "27.02.2020")
    assert filas[17][1:] == ("SAN MARTÍN", "28.06.2020")


def test_cuadros_02_and_03(generado):
    texto = generado.texto
    cuadro2 = _tras(texto, "CUADRO Nº 02")
    assert "INDICADOR DE GESTIÓN DEL VMPECL" in cuadro2
    assert "INDICADOR DE GESTIÓN DEL VMT" in cuadro2
    assert "Dirección de Seguridad y Salud en el Trabajo" in cuadro2
    cuadro3 = _tras(texto, "CUADRO Nº 03")
    assert "ALINEAMIENTO (según Ficha Técnica)" in cuadro3
    assert "m) Coordinar la oferta de formación profesional" in cuadro3
    assert "Orientación al migrante." in cuadro3


def test_cuadro_04_values_are_the_published_ones(generado):
    cuadro = _tras(generado.texto, "CUADRO Nº 04")
    assert "DESEMPEÑO PROMEDIO DE METAS II SEMESTRE POR G/DRTPE – IdG 2020" in cuadro
    for numero, (region, (prog, ejec)) in enumerate(CUADRO_04.items(), start=1):
        assert re.search(rf"\b{numero} {region} {prog}% {ejec}% \d+", cuadro), region


def test_cuadro_05_first_semester_columns(generado):
    cuadro = _tras(generado.texto, "CUADRO Nº 05")
    assert "I Semestre vs II Semestre" in cuadro
    for region, (prog, ejec) in CUADRO_05_I.items():
        prog2, ejec2 = CUADRO_04[region]
        assert f"{region} {prog}% {ejec}% {prog2}% {ejec2}%" in cuadro, region


def test_per_idg_averages_and_verdicts(generado):
    texto = generado.texto
    for idg, (prog, ejec, _v) in GRAFICOS_IDG.items():
        seccion = _tras(texto, f"GRÁFICO Nº {19 + idg:02d}")
        assert f"Programación promedio: {prog}% · Ejecución promedio: {ejec}%" in seccion
    cuerpo = generado.cuerpo
    idg5 = _tras(cuerpo, "Indicador de Gestión N° 5.-", "GRÁFICO")
    assert "la ejecución promedio es igual a la programación promedio" in idg5
    idg10 = _tras(cuerpo, "Indicador de Gestión N° 10.-", "GRÁFICO")
    assert "ligeramente mayor que la meta promedio programada" in idg10


def test_anexo5_conclusions_and_recommendations(generado):
    texto = generado.cuerpo
    idg1 = _tras(texto, "Indicador de Gestión N° 1.-", "Indicador de Gestión N° 2.-")
    assert "en su calidad de proponente del IdG, concluye y recomienda lo siguiente:" in idg1
    assert "Conclusiones:" in idg1 and "Recomendaciones:" in idg1
    assert "Las G/DRTPE de Cajamarca, Ica, Loreto, Moquegua y Puno cumplieron la meta" in idg1
    idg2 = _tras(texto, "Indicador de Gestión N° 2.-", "Indicador de Gestión N° 3.-")
    assert "Recomendación:" in idg2 and "Recomendaciones:" not in idg2


def test_region_charts_two_per_page(generado):
    for pagina in generado.paginas:
        normal = _normal(pagina)
        if "Resultados II Semestre 2020" in normal:
            assert len(re.findall(r"GRÁFICO Nº \d\d", normal)) <= 2
    texto = generado.texto
    assert "GRÁFICO Nº 11 DRTPE LORETO Resultados II Semestre 2020" in texto
    assert "GRÁFICO Nº 06 GRTPE CUSCO Resultados II Semestre 2020" in texto
    assert "presentado por la GRTPE." in texto
    assert "GRÁFICO Nº 41 DRTPE LORETO I Semestre vs II Semestre" in texto


def test_numbering_is_continuous_and_every_caption_has_a_source(generado):
    texto = generado.texto
    cuadros = [int(n) for n in re.findall(r"CUADRO Nº (\d\d)", texto)]
    graficos = [int(n) for n in re.findall(r"GRÁFICO Nº (\d\d)", texto)]
    assert cuadros == [1, 2, 3, 4, 5]
    assert graficos == list(range(1, 50))
    partes = re.split(r"(?=CUADRO Nº \d\d|GRÁFICO Nº \d\d)", texto)[1:]
    assert len(partes) == 54
    for parte in partes:
        assert "Fuente:" in parte, parte[:40]


def test_landscape_annex_matrix(generado):
    lector = PdfReader(io.BytesIO(generado.contenido))
    anexo = [i for i, p in enumerate(generado.paginas) if "RESPONSABLE DE LA" in _normal(p)]
    assert anexo and anexo[-1] == len(generado.paginas) - 1
    for i, pagina in enumerate(lector.pages):
        ancho, alto = float(pagina.mediabox.width), float(pagina.mediabox.height)
        assert (ancho > alto) == (i >= anexo[0])
    matriz = " ".join(_normal(generado.paginas[i]) for i in anexo)
    for cabecera in (
        "SECTOR",
        "DENOMINACIÓN DEL INDICADOR DE GESTIÓN",
        "PROPONENTE DEL INDICADOR",
        "CRONOGRAMA DE ACTIVIDADES A DESARROLLAR",
        "DETALLE",
    ):
        assert cabecera in matriz
    assert "MTPE/DGSNE" in matriz and "DRTPE" in matriz
    assert "INDICADOR DE GESTIÓN DEL VMT" in matriz
    assert "sin perjuicio a que son solo 18 G/DRTPE evaluadas" in matriz


def test_progress_reaches_the_end(generado):
    fracciones = [f for f, _m in generado.progreso]
    assert fracciones == sorted(fracciones)
    assert fracciones[0] == 0.0 and fracciones[-1] == 1.0
    assert any("LORETO" in m for _f, m in generado.progreso)
    # The layout reports its pages (one pass) between the charts and the end.
    paginas = [f for f, m in generado.progreso if m.startswith("Componiendo la página")]
    assert len(paginas) == len(generado.paginas) and 0.8 <= paginas[0] <= paginas[-1] < 1.0


def test_no_watermark_unless_asked(generado, vacio):
    assert "BORRADOR" not in generado.texto
    _datos, contenido = vacio
    paginas = _leer(contenido)
    assert all("BORRADOR" in p for p in paginas)


def test_report_without_data_still_builds(vacio):
    datos, contenido = vacio
    texto = _normal(" ".join(_leer(contenido)))
    assert "I SEMESTRE 2021" in texto
    assert "Sin reportes aprobados." in texto
    assert "IX. Comparación" not in texto  # no previous semester in the same year
    assert "no se cuenta con la evaluación (Anexo 5)" in texto


def test_same_data_gives_the_same_bytes(generado, bd):
    _cargar_2020()
    datos = informe.datos_informe("2020-2")
    assert informe.huella(datos) == informe.huella(generado.datos)
    assert pdf.informe_pdf(datos) == generado.contenido


def test_hostile_text_is_printed_literally(vacio):
    datos, _contenido = vacio
    hostil = replace(
        datos, narrativa={**datos.narrativa, "antecedentes": HOSTIL, "objetivo_2": HOSTIL}
    )
    texto = _normal(" ".join(_leer(pdf.informe_pdf(hostil))))
    assert texto.count(HOSTIL) == 2


def test_narrative_footnotes_and_bullets(vacio):
    datos, _contenido = vacio
    narrativa = {
        **datos.narrativa,
        "antecedentes": "Texto con nota[^Una nota del usuario.] final.\n\n• Punto uno\n• Punto dos",
    }
    texto = _normal(" ".join(_leer(pdf.informe_pdf(replace(datos, narrativa=narrativa)))))
    # Antecedentes come before the objectives: the user's note is the first one.
    assert "Texto con nota1 final." in texto
    assert "1 Una nota del usuario." in texto
    assert "• Punto uno" in texto and "• Punto dos" in texto


# --- ficha and CLI --------------------------------------------------------------------------------


def test_ficha_of_loreto(demo):
    cargar_anexo5_demo()
    db.session.commit()
    contenido = pdf.ficha_region_pdf(informe.datos_ficha("Loreto", "2020-2"))
    texto = _normal(" ".join(_leer(contenido)))
    assert "DRTPE LORETO – II Semestre 2020" in texto
    assert re.search(r"programación 48 ?% y ejecución 38 ?%", texto)
    assert re.search(r"II Semestre 2020 48 ?% 38 ?% 12", texto)
    assert re.search(r"I Semestre 2020 31 ?% 2 ?% 12", texto)
    assert "Confirmar el proyecto de convenio" in texto
    assert "DECENIO DE LA IGUALDAD" in texto


def test_cli_writes_the_report_and_the_ficha(demo, runner, tmp_path):
    salida = tmp_path / "informe.pdf"
    resultado = runner.invoke(
        args=["informe", "pdf", "--anio", "2021", "--semestre", "1", "--salida", str(salida)]
    )
    assert resultado.exit_code == 0, resultado.output
    assert salida.read_bytes().startswith(b"%PDF") and len(PdfReader(salida).pages) > 5
    ficha = tmp_path / "loreto.pdf"
    resultado = runner.invoke(
        args=[
            "informe",
            "pdf",
            "--anio",
            "2020",
            "--semestre",
            "2",
            "--salida",
            str(ficha),
            "--region",
            "loreto",
        ]
    )
    assert resultado.exit_code == 0, resultado.output
    assert "38" in " ".join(_leer(ficha.read_bytes()))


def test_cli_rejects_unknown_semester_and_region(demo, runner, tmp_path):
    salida = tmp_path / "x.pdf"
    base = ["informe", "pdf", "--salida", str(salida)]
    resultado = runner.invoke(args=[*base, "--anio", "1999", "--semestre", "2"])
    assert resultado.exit_code != 0 and "No existe" in resultado.output
    resultado = runner.invoke(args=[*base, "--anio", "2020", "--semestre", "2", "--region", "X"])
    assert resultado.exit_code != 0 and "No existe la región" in resultado.output
    assert not salida.exists()


# --- charts ---------------------------------------------------------------------------------------


def test_charts_are_deterministic_png_at_150_dpi():
    prog = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
    ejec = [60, 45, None, 10, 89, 58, 7, -25, 66, 1, 400, 27]
    graficos = [
        definicion.barras_region("DRTPE Loreto - II Semestre 2020", range(1, 13), prog, ejec),
        definicion.promedio("IdG 1: Resultado promedio", 61, 46),
        definicion.promedio("IdG sin datos", None, None),
        definicion.barras_comparacion(
            "Comparación", range(1, 13), (prog, ejec), (ejec, prog), ("I SEM.", "II SEM.")
        ),
        definicion.funciones([("Callao", 14), ("Lima Metropolitana", 0)]),
    ]
    for grafico in graficos:
        imagen_png = png.png(grafico)
        assert imagen_png.startswith(b"\x89PNG") and imagen_png == png.png(grafico)
        imagen = Image.open(io.BytesIO(imagen_png))
        assert round(imagen.info["dpi"][0]) >= 150


# --- vector charts and the benchmark's floor --------------------------------------------------


def test_charts_are_vector_with_their_data_tables_readable(generado):
    lector = PdfReader(io.BytesIO(generado.contenido))
    assert sum(len(p.images) for p in lector.pages) == 0  # nothing rasterised: sharp in print
    loreto = _tras(generado.texto, "GRÁFICO Nº 11")
    programado = " ".join(f"{v}%" for v in LORETO_PROG)
    ejecutado = " ".join(f"{v}%" for v in LORETO_EJEC)
    assert f"PROGRAM. {programado} EJECUCIÓN {ejecutado}" in loreto
    idg1 = _tras(generado.texto, "GRÁFICO Nº 20")
    assert "61% Programación 46% Ejecución IdG 1: Resultado promedio II Semestre 2020" in idg1


def test_the_benchmark_floor_draws_the_same_pages(generado):
    """bench/piso_informe.py (the floor `make bench` compares the build with) stays faithful."""
    from bench import piso_informe

    piso = _leer(piso_informe.construir(piso_informe.volcar(generado.datos)))
    assert len(piso) == len(generado.paginas)
    for pagina_piso, pagina in zip(piso, generado.paginas, strict=True):
        assert re.findall(r"GRÁFICO Nº \d\d", pagina_piso) == re.findall(r"GRÁFICO Nº \d\d", pagina)
        assert abs(len(pagina_piso.split()) - len(pagina.split())) <= 0.1 * len(pagina.split())
