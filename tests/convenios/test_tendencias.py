"""Trends over time (issue 19, item 8): every semester of every cycle side by side, per IdG and
per region, on the page, in Excel, as a chart and in the region's ficha.

The data, made here (no demo Anexo 4): two cycles, 2020–2021 (the seeded IdG 2020) and
2022–2023 (its 12 IdG copied, so other indicator entities; IdG 1 renamed), two regions, Loreto
and Puno. Lines only for IdG 1 and 2 (A1, A2 in cycle A; B1, B2 in cycle B); every other IdG
has none. I-2021 is a semester of cycle A with no report. Loreto's II-2022 report is sent, not
approved: it does not count.

| semester | Loreto IdG 1 | Loreto IdG 2 | Puno IdG 1 | Puno IdG 2 |
|---|---|---|---|---|
| I-2020  | 50 → 40 ✗ | 60 → 60 ✓ | 30 → 45 ✓ | no aplica |
| II-2020 | 50 → 55 ✓ | 80 → 20 ✗ | 40 → 20 ✗ | 70 → 91 ✓ |
| I-2021  | — | — | — | — |
| I-2022  | 10 → 30 ✓ | sin meta | 20 → 10 ✗ | 50 → 50 ✓ |
| II-2022 | (not approved) | (not approved) | 20 → 25 ✓ | 45.5 → 40 ✗ |

By hand, national averages (sum of the summands over their number, rounded half up):
- A1 I-2020: (50 + 30) / 2 = 40, (40 + 45) / 2 = 42.5 → 43, n = 2: met (43 ≥ 40).
- A2 I-2020: Puno's cell is not a summand: 60, 60, n = 1: met.
- A1 II-2020: 45, 37.5 → 38, n = 2: not met. A2 II-2020: 75, 55.5 → 56, n = 2: not met.
- B1 I-2022: 15, 20, n = 2: met. B2 I-2022: 50, 50, n = 1 (Loreto has no goal): met.
- B1 II-2022: 20, 25, n = 1: met. B2 II-2022: 45.5 → 46, 40, n = 1: not met.
Loreto's desempeño promedio: I-2020 (50 + 60) / 2 = 55, (40 + 60) / 2 = 50, not met;
II-2020 65, 37.5 → 38, not met; I-2022 10, 30 (n = 1), met; II-2022 —.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.auth.permisos import TOTAL
from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, Region
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoConvenio,
    LineaReporte,
    Periodo,
    Reporte,
)
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import tendencias as queries
from tests.conftest import publicar_informe, usuario_demo

D = Decimal
V, NA, SM = EstadoCelda.valor, EstadoCelda.no_aplica, EstadoCelda.sin_meta
#: (year, semester) → region → IdG number → (state, programmed, executed)
CELDAS = {
    (2020, 1): {
        "loreto": {1: (V, 50, 40), 2: (V, 60, 60)},
        "puno": {1: (V, 30, 45), 2: (NA, None, None)},
    },
    (2020, 2): {
        "loreto": {1: (V, 50, 55), 2: (V, 80, 20)},
        "puno": {1: (V, 40, 20), 2: (V, 70, 91)},
    },
    (2022, 1): {
        "loreto": {1: (V, 10, 30), 2: (SM, None, None)},
        "puno": {1: (V, 20, 10), 2: (V, 50, 50)},
    },
    (2022, 2): {
        "loreto": {1: (V, 99, 98), 2: (V, 97, 96)},  # sent, not approved: never shown
        "puno": {1: (V, 20, 25), 2: (V, D("45.5"), 40)},
    },
}
NO_APROBADOS = {((2022, 2), "loreto")}
SEMESTRES = ["2020-1", "2020-2", "2021-1", "2022-1", "2022-2"]


def _region(bd, codigo) -> Region:
    return bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))


@pytest.fixture
def datos(bd):
    """The two cycles, five semesters and two regions of the module docstring."""
    odes = usuario_demo(Rol.odes)
    ciclo_a = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo_b = catalogo_services.crear_ciclo(2022, 2023, base=ciclo_a, usuario_id=odes.id)
    por_numero_b = {i.numero: i for i in ciclo_b.indicadores}
    por_numero_b[1].nombre = "Porcentaje de jóvenes orientados (indicador del ciclo 2022)."
    periodos = {}
    for anio, semestre in [(2020, 1), (2020, 2), (2021, 1), (2022, 1), (2022, 2)]:
        periodos[(anio, semestre)] = Periodo(anio=anio, semestre=semestre, abierto=False)
    bd.session.add_all(periodos.values())
    convenios = {}
    for codigo in ("loreto", "puno"):
        region = _region(bd, codigo)
        convenios[(codigo, "a")] = bd.session.scalar(
            sa.select(Convenio).filter_by(region_id=region.id, anio_inicio=2020)
        )
        convenios[(codigo, "b")] = Convenio(
            region=region,
            anio_inicio=2022,
            anio_fin=2023,
            estado=EstadoConvenio.suscrito,
            fecha_suscripcion=date(2021, 12, 20),
            conjunto=ciclo_b,
        )
        bd.session.add(convenios[(codigo, "b")])
    bd.session.flush()
    idgs = {
        "a": {i.numero: i for i in ciclo_a.indicadores},
        "b": por_numero_b,
    }
    for clave, regiones in CELDAS.items():
        ciclo = "a" if clave[0] < 2022 else "b"
        for codigo, lineas in regiones.items():
            aprobado = (clave, codigo) not in NO_APROBADOS
            reporte = Reporte(
                convenio=convenios[(codigo, ciclo)],
                periodo=periodos[clave],
                estado=EstadoReporte.aprobado if aprobado else EstadoReporte.enviado,
                enviado_en=datetime(clave[0], 7 if clave[1] == 1 else 12, 1, tzinfo=UTC),
            )
            for numero, (estado, prog, ejec) in lineas.items():
                reporte.lineas.append(
                    LineaReporte(
                        indicador=idgs[ciclo][numero],
                        indicador_numero=numero,
                        estado=estado,
                        programado=None if prog is None else D(prog),
                        ejecutado=None if ejec is None else D(ejec),
                    )
                )
            bd.session.add(reporte)
    bd.session.commit()
    return {"a": idgs["a"], "b": idgs["b"], "periodos": periodos}


def _fila(t: queries.Tendencia, etiqueta: str, ciclo_inicio: int | None = None) -> queries.Fila:
    return next(
        f
        for f in t.filas
        if f.etiqueta == etiqueta and (ciclo_inicio is None or f.ciclo.anio_inicio == ciclo_inicio)
    )


def _cifras(valor: queries.Valor | None, promedio: bool = True):
    """(programmed, executed, met, n) as the page prints them (None: "—")."""
    if valor is None or not valor.con_valor:
        return None
    if promedio:
        return (valor.programado_pct, valor.ejecutado_pct, valor.cumplio, valor.n)
    return (valor.programado, valor.ejecutado, valor.cumplio)


# --- The data --------------------------------------------------------------------------------


def test_columns_are_every_semester_grouped_by_cycle(datos):
    t = queries.tendencia(usuario_demo(Rol.odes))
    assert [s.codigo for s in t.semestres] == SEMESTRES
    assert [(c.etiqueta, [s.codigo for s in lista]) for c, lista in t.grupos] == [
        ("Ciclo 2020–2021", ["2020-1", "2020-2", "2021-1"]),
        ("Ciclo 2022–2023", ["2022-1", "2022-2"]),
    ]
    # The boundary: the first semester of the second cycle.
    assert t.inicios_de_ciclo == {3}
    # Rows are indicator entities: 12 of each cycle, IdG 1 twice (two different indicators).
    assert len(t.filas) == 24
    a1, b1 = _fila(t, "IdG 1", 2020), _fila(t, "IdG 1", 2022)
    assert a1.clave != b1.clave and "ciclo 2022" in b1.detalle


def test_national_averages_by_hand(datos):
    t = queries.tendencia(usuario_demo(Rol.odes))
    a1, a2 = _fila(t, "IdG 1", 2020), _fila(t, "IdG 2", 2020)
    b1, b2 = _fila(t, "IdG 1", 2022), _fila(t, "IdG 2", 2022)
    assert [_cifras(v) for v in a1.valores] == [
        (40, 43, True, 2),
        (45, 38, False, 2),
        None,  # I-2021: no report
        None,  # cycle B's semesters: another indicator
        None,
    ]
    assert [_cifras(v) for v in a2.valores] == [(60, 60, True, 1), (75, 56, False, 2)] + [None] * 3
    assert [_cifras(v) for v in b1.valores] == [None] * 3 + [(15, 20, True, 2), (20, 25, True, 1)]
    assert [_cifras(v) for v in b2.valores] == [None] * 3 + [(50, 50, True, 1), (46, 40, False, 1)]
    # Exactly the results page's figures (the same averaging, summed in SQL there).
    for k, (anio, semestre) in enumerate([(2020, 1), (2020, 2)]):
        resultados = anexo4_queries.promedios_por_idg(datos["periodos"][(anio, semestre)], TOTAL)
        for numero, fila in ((1, a1), (2, a2)):
            assert fila.valores[k].programado == resultados[numero].programado
            assert fila.valores[k].ejecutado == resultados[numero].ejecutado
    # An IdG without any cell: "—" in every semester.
    assert all(v is None for v in _fila(t, "IdG 7", 2020).valores)


def test_region_view_cells_compliance_and_desempeno(datos, bd):
    t = queries.tendencia(
        usuario_demo(Rol.odes), region=queries.region_tendencia(_region(bd, "loreto"))
    )
    assert t.vista == queries.REGION
    a1, a2 = _fila(t, "IdG 1", 2020), _fila(t, "IdG 2", 2020)
    b1, b2 = _fila(t, "IdG 1", 2022), _fila(t, "IdG 2", 2022)
    assert [_cifras(v, False) for v in a1.valores[:3]] == [(50, 40, False), (50, 55, True), None]
    assert [_cifras(v, False) for v in a2.valores[:2]] == [(60, 60, True), (80, 20, False)]
    # I-2022 has IdG 1 and IdG 2 without goal; II-2022 is not approved: "—".
    assert _cifras(b1.valores[3], False) == (10, 30, True) and b1.valores[4] is None
    assert b2.valores[3].estado == "sin_meta" and not b2.valores[3].con_valor
    assert b2.valores[3].cumplio is None
    (desempeno,) = t.resumen
    assert [_cifras(v) for v in desempeno.valores] == [
        (55, 50, False, 2),
        (65, 38, False, 2),
        None,
        (10, 30, True, 1),
        None,
    ]


def test_idg_view_regions_by_semester_of_its_cycle(datos, bd):
    idg = next(i for i in queries.indicadores() if i.id == datos["a"][1].id)
    t = queries.tendencia(usuario_demo(Rol.odes), idg=idg)
    # Only the semesters of the IdG's cycle.
    assert [s.codigo for s in t.semestres] == ["2020-1", "2020-2", "2021-1"]
    assert [f.etiqueta for f in t.filas] == ["Loreto", "Puno"]
    assert [_cifras(v, False) for v in t.filas[1].valores] == [
        (30, 45, True),
        (40, 20, False),
        None,
    ]
    (nacional,) = t.resumen
    assert [_cifras(v) for v in nacional.valores] == [(40, 43, True, 2), (45, 38, False, 2), None]
    # One region and the IdG: that region's row and the national average.
    loreto = queries.region_tendencia(_region(bd, "loreto"))
    t = queries.tendencia(usuario_demo(Rol.odes), idg=idg, region=loreto)
    assert [f.etiqueta for f in t.filas] == ["Loreto"]
    assert [s.nombre for s in t.series] == [
        "Programación Loreto",
        "Ejecución Loreto",
        "Ejecución promedio nacional",
    ]


def test_statements_do_not_grow_with_semesters(datos, app, client, sesion, bd):
    """One query per kind of thing: more semesters add no statement."""
    from sqlalchemy import event

    from app.extensions import db

    def contar(url) -> int:
        cuenta = [0]

        def uno(*_a, **_k):
            cuenta[0] += 1

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", uno)
            try:
                assert client.get(url).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", uno)
        return cuenta[0]

    urls = [
        "/convenios/anexo4/tendencias",
        "/convenios/anexo4/tendencias?region=loreto",
        f"/convenios/anexo4/tendencias?idg={datos['a'][1].id}",
    ]
    for rol in (Rol.odes, Rol.drtpe):
        sesion.entrar(rol)
        antes = [contar(u) for u in urls]
        for anio in range(2010, 2016):
            for semestre in (1, 2):
                bd.session.add(Periodo(anio=anio, semestre=semestre, abierto=False))
        bd.session.commit()
        assert [contar(u) for u in urls] == antes, rol
        bd.session.execute(sa.delete(Periodo).where(Periodo.anio < 2016))
        bd.session.commit()
        sesion.salir()


# --- The page ---------------------------------------------------------------------------------


def test_page_national_view(datos, client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get("/convenios/anexo4/tendencias").text
    # Cycle groups over their semesters, the boundary marked.
    assert '<th colspan="12" scope="colgroup">Ciclo 2020–2021</th>' in html
    assert '<th colspan="8" scope="colgroup" class="inicio-ciclo">Ciclo 2022–2023</th>' in html
    assert '<th colspan="4" scope="colgroup" class="inicio-ciclo">I Semestre 2022</th>' in html
    # The row of IdG 1 (cycle A): I-2020 40 %, 43 %, n 2, met; I-2021 "—"; cycle B blank.
    fila = html[html.index(f'?idg={datos["a"][1].id}"') :].split("</tr>")[0]
    assert (
        '<td class="num">40 %</td><td class="num">43 %</td><td class="num">2</td>'
        '<td class="si">✓ Sí</td>'
    ) in fila
    assert '<td class="num">45 %</td><td class="num">38 %</td>' in fila
    assert '<td class="no">✗ No</td>' in fila
    assert '<td class="num">—</td><td class="num">—</td><td class="num">—</td><td>—</td>' in fila
    assert fila.count('<td class="num"></td>') == 2 * 3  # cycle B: 2 semesters, 3 number cells
    assert "None" not in html
    # The chart, its alternative text, and the link to the Excel.
    assert '<img src="/informes/tendencias.png" alt="Gráfico de líneas' in html
    assert "del I Semestre 2020 al II Semestre 2022" in html
    assert 'href="/convenios/anexo4/tendencias/excel"' in html
    # A scrolling region that a keyboard can reach.
    assert 'role="region" aria-labelledby="tabla-tendencia" tabindex="0"' in html
    # Linked from the menu, next to Resultados.
    assert (
        html.index(">Resultados</a>") < html.index(">Tendencias</a>") < html.index(">Completitud")
    )


def test_page_region_view_and_chart(datos, client, sesion):
    sesion.entrar(Rol.odes)
    html = client.get("/convenios/anexo4/tendencias?region=loreto").text
    assert "Loreto: indicadores por semestre" in html
    fila = html[html.index(f'?idg={datos["b"][1].id}&amp;region=loreto"') :].split("</tr>")[0]
    assert '<td class="num">10 %</td><td class="num">30 %</td><td class="si">✓ Sí</td>' in fila
    fila = html[html.index(f'?idg={datos["b"][2].id}&amp;region=loreto"') :].split("</tr>")[0]
    assert "<td>Sin meta</td>" in fila
    pie = html[html.index("<tfoot>") :]
    assert '<td class="num">55 %</td><td class="num">50 %</td><td class="no">✗ No</td>' in pie
    # Rows grouped by cycle.
    assert '<th colspan="16" scope="rowgroup">Ciclo 2022–2023</th>' in html
    png = client.get("/informes/tendencias.png?region=loreto")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    # Drawn once: asked again, the same bytes (the disk cache, by what it draws).
    assert client.get("/informes/tendencias.png?region=loreto").data == png.data


def test_drtpe_sees_only_their_region(datos, client, sesion, bd):
    sesion.entrar(Rol.drtpe)  # Loreto
    html = client.get("/convenios/anexo4/tendencias?region=puno").text
    assert "Loreto: indicadores por semestre" in html
    # The region filter offers their region only, chosen.
    filtro = html[html.index('id="filtro-region"') :].split("</select>")[0]
    assert '<option value="loreto" selected>Loreto</option>' in filtro and "puno" not in filtro
    # None of Puno's figures (91 %, 45.5 %), nor a national average before publication.
    assert "91 %" not in html and "45.5 %" not in html
    idg = datos["a"][1].id
    html = client.get(f"/convenios/anexo4/tendencias?idg={idg}&region=puno").text
    assert "Puno" not in html.split("<main")[1].split("</form>")[1]
    pie = html[html.index("<tfoot>") :]
    assert "43 %" not in pie and "38 %" not in pie
    libro = load_workbook(
        io.BytesIO(client.get(f"/convenios/anexo4/tendencias/excel?region=puno&idg={idg}").data)
    )
    textos = {str(c.value) for fila in libro["Tendencia"].iter_rows() for c in fila}
    assert "Puno" not in textos and "91" not in textos
    # Once II-2020 is published, its national average is everyone's; I-2020's still not.
    publicar_informe(2020, 2)
    html = client.get(f"/convenios/anexo4/tendencias?idg={idg}").text
    pie = html[html.index("<tfoot>") :]
    assert '<td class="num">45 %</td><td class="num">38 %</td><td class="no">✗ No</td>' in pie
    assert '<td class="num">40 %</td><td class="num">43 %</td>' not in pie
    assert "Puno" not in html.split("</form>")[1]


def test_reviewer_and_directorate_scope(datos, client, sesion):
    sesion.entrar(Rol.revisor)
    html = client.get("/convenios/anexo4/tendencias").text
    assert "No hay semestres con cifras que usted pueda ver" in html
    assert '<img src="/informes/tendencias.png"' not in html
    assert client.get("/informes/tendencias.png").mimetype == "image/png"  # says it is empty
    publicar_informe(2020, 2)
    t = queries.tendencia(usuario_demo(Rol.revisor))
    assert [s.codigo for s in t.semestres] == ["2020-2"]
    assert _cifras(_fila(t, "IdG 1", 2020).valores[0]) == (45, 38, False, 2)
    sesion.salir()
    # A directorate (DNCCL proposes IdG 3) sees no average of IdG 1 or 2 before publication.
    direccion = usuario_demo(Rol.direccion)
    t = queries.tendencia(direccion)
    assert t.promedios_ocultos
    a1 = _fila(t, "IdG 1", 2020)
    assert a1.valores[0] is None and _cifras(a1.valores[1]) == (45, 38, False, 2)


# --- Excel ------------------------------------------------------------------------------------


def test_excel_numbers_headers_and_dates(datos, client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.get("/convenios/anexo4/tendencias/excel?region=loreto")
    assert respuesta.status_code == 200
    assert respuesta.mimetype.endswith("spreadsheetml.sheet")
    assert "tendencias_loreto.xlsx" in respuesta.headers["Content-Disposition"]
    libro = load_workbook(io.BytesIO(respuesta.data))
    hoja = libro["Tendencia"]
    assert hoja["A1"].value == "Tendencias del Anexo 4 – Loreto: indicadores por semestre"
    # Headers: cycle (row 4), semester (row 5), columns (row 6); row labels in A and B.
    assert hoja["C4"].value == "Ciclo 2020–2021" and hoja["O4"].value == "Ciclo 2022–2023"
    assert [hoja.cell(5, c).value for c in (3, 7, 11, 15, 19)] == [
        "I Semestre 2020",
        "II Semestre 2020",
        "I Semestre 2021",
        "I Semestre 2022",
        "II Semestre 2022",
    ]
    assert [hoja.cell(6, c).value for c in range(3, 7)] == [
        "Programado (%)",
        "Ejecutado (%)",
        "¿Cumplió?",
        "n",
    ]
    filas = {
        (r[0].value, r[1].value[:40] if r[1].value else None): r
        for r in hoja.iter_rows(min_row=7)
        if r[0].value
    }
    # Row groups: "Ciclo 2020–2021" then its IdG; IdG 1 of cycle A, I-2020 and II-2020.
    a1 = next(r for (e, _d), r in filas.items() if e == "IdG 1")
    assert [c.value for c in a1[2:10]] == [50, 40, "No", None, 50, 55, "Sí", None]
    assert isinstance(a1[2].value, (int, float))  # numbers as numbers
    assert [c.value for c in a1[10:14]] == ["—", "—", "—", None]  # I-2021: no data
    # Loreto's desempeño promedio under the rows, averages as printed (whole %), with n.
    ultima = [c.value for c in list(hoja.iter_rows(min_row=hoja.max_row))[0]]
    assert ultima[0] == "Desempeño promedio"
    assert ultima[2:6] == [55, 50, "No", 2] and ultima[14:18] == [10, 30, "Sí", 1]
    assert ultima[18:22] == ["—", "—", "—", None]
    # The semesters' dates are dates, shown dd/mm/aaaa.
    semestres = libro["Semestres"]
    assert semestres["C2"].value.date() == date(2020, 1, 1)
    assert semestres["D6"].value.date() == date(2022, 12, 31)
    assert semestres["C2"].number_format == "DD/MM/YYYY"


def test_excel_national_averages(datos, client, sesion):
    sesion.entrar(Rol.odes)
    libro = load_workbook(io.BytesIO(client.get("/convenios/anexo4/tendencias/excel").data))
    hoja = libro["Tendencia"]
    filas = [r for r in hoja.iter_rows(min_row=7) if r[0].value == "IdG 2"]
    a2, b2 = filas
    assert [c.value for c in a2[2:10]] == [60, 60, "Sí", 1, 75, 56, "No", 2]
    assert [c.value for c in b2[14:22]] == [50, 50, "Sí", 1, 46, 40, "No", 1]


# --- The ficha --------------------------------------------------------------------------------


def test_ficha_has_the_trend_section(datos, client, sesion):
    from pypdf import PdfReader

    sesion.entrar(Rol.odes)
    respuesta = client.get("/informes/ficha/loreto?periodo=2022-2")
    assert respuesta.status_code == 200
    texto = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(respuesta.data)).pages)
    seccion = texto[texto.index("\nTendencia\n") :]
    assert "Tendencia por indicador y semestre" in seccion
    assert "Ciclo 2020–2021" in seccion and "Ciclo 2022–2023" in seccion
    # Loreto's IdG 1 of cycle B in I-2022: 10 % programmed, 30 % executed, met.
    assert "30% ✓" in seccion and "40% ✗" in seccion
    # The chart of its desempeño promedio.
    assert "Tendencia del desempeño promedio por semestre" in seccion
    # As of its semester: a ficha of II-2020 has no 2022 column.
    respuesta = client.get("/informes/ficha/loreto?periodo=2020-2")
    texto = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(respuesta.data)).pages)
    seccion = texto[texto.index("\nTendencia\n") :]
    assert "Ciclo 2022–2023" not in seccion and "II Semestre 2020" in seccion
