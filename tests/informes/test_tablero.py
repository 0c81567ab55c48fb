"""Dashboard, charts and Excel of the report, pinned to the published 2020 figures."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.comun.almacenamiento import carpeta_archivos
from app.comun.roles import Rol
from app.informes import informe as datos_informe
from tests.conftest import publicar_informe

PERIODO = "2020-2"

from tests.publicados import CUADRO_04_II_2020 as CUADRO_04  # noqa: E402
from tests.publicados import PROMEDIOS_IDG_II_2020 as POR_IDG  # noqa: E402

#: CUADRO Nº 05, I Semestre columns (seed-spec §4.4).
I_SEMESTRE = {"Callao": (38, 33), "Loreto": (31, 2), "Piura": (32, -22), "Ucayali": (39, 9)}


def _libro(client):
    respuesta = client.get(f"/informes/{PERIODO}/excel")
    assert respuesta.status_code == 200
    assert respuesta.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(respuesta.data)), respuesta.data


def _filas(hoja):
    """Data rows (below the header in row 3) until the first empty first cell."""
    filas = []
    for fila in hoja.iter_rows(min_row=4, values_only=True):
        if fila[0] is None:
            break
        filas.append(fila)
    return filas


def test_excel_cuadro_04_equals_the_published_table(demo, client, sesion):
    publicar_informe(2020, 2)  # a reviewer reads the figures once the report is published
    sesion.entrar(Rol.revisor)
    libro, _ = _libro(client)
    for nombre in ("Cuadro 01", "Cuadro 02", "Cuadro 03", "Cuadro 04", "Cuadro 05"):
        assert nombre in libro.sheetnames
    filas = _filas(libro["Cuadro 04"])
    assert {region: (p, e) for _n, region, p, e, _s in filas} == CUADRO_04
    assert [n for n, *_ in filas] == list(range(1, 19))
    loreto = next(f for f in filas if f[1] == "Loreto")
    assert loreto[4] == 12  # número de sumandos


def test_excel_per_idg_sheet_has_the_values_of_graficos_20_to_31(demo, client, sesion):
    sesion.entrar(Rol.odes)
    libro, _ = _libro(client)
    filas = _filas(libro["Promedios por IdG"])
    assert [f[0] for f in filas] == list(range(20, 32))  # Gráfico Nº
    assert {idg: (p, e) for _g, idg, _nombre, p, e, *_ in filas} == POR_IDG
    veredicto_10 = next(f for f in filas if f[1] == 10)[6]
    assert "ligeramente mayor" in veredicto_10


def test_excel_has_every_table_of_the_report(demo, client, sesion):
    sesion.entrar(Rol.odes)
    libro, _ = _libro(client)
    assert len(_filas(libro["Cuadro 01"])) == 21
    assert len(_filas(libro["Cuadro 02"])) == 12 and len(_filas(libro["Cuadro 03"])) == 12
    cuadro_05 = {f[0]: f[1:] for f in _filas(libro["Cuadro 05"])}
    for region, (p, e) in I_SEMESTRE.items():
        assert cuadro_05[region][:2] == (p, e)
        assert cuadro_05[region][2:] == CUADRO_04[region]
    matriz = _filas(libro["Resultados por región"])
    loreto = next(f for f in matriz if f[1] == "DRTPE LORETO")
    assert [float(v) for v in loreto[2:4]] == [60, 60]  # IdG 1 programado / ejecutado
    resumen = {f[0]: f[1] for f in _filas(libro["Resumen"])}
    assert resumen["G/DRTPE evaluadas"] == 18
    assert (
        "Arequipa, Ayacucho, Tumbes"
        in resumen["Omitieron remitir su Anexo 4 (no entran en los promedios)"]
    )
    assert "Matriz de implementación" in libro.sheetnames
    celdas = [c for hoja in libro for fila in hoja.iter_rows() for c in fila]
    assert [c.coordinate for c in celdas if c.data_type == "f"] == []


def test_excel_is_deterministic(demo, client, sesion):
    sesion.entrar(Rol.direccion)
    _, primero = _libro(client)
    _, segundo = _libro(client)
    assert primero == segundo


def test_dashboard_shows_the_same_numbers(demo, client, sesion):
    publicar_informe(2020, 2)
    sesion.entrar(Rol.revisor)
    pagina = client.get(f"/informes/tablero?periodo={PERIODO}").text
    for region, (p, e) in CUADRO_04.items():
        fila = pagina[pagina.index(f"<td>{region}</td>") :][:160]
        assert f"{p} %" in fila and f"{e} %" in fila, region
    seccion_idg = pagina[pagina.index('id="indicadores"') :]
    for idg, (p, e) in POR_IDG.items():
        fila = seccion_idg[seccion_idg.index(f'href="#grafico-idg-{idg}"') :][:700]
        assert f"{p} %" in fila and f"{e} %" in fila, idg
    assert "Arequipa, Ayacucho, Tumbes" in pagina  # omitted, listed
    assert "18</span> G/DRTPE evaluadas" in pagina
    assert "Cuadro Nº 05" in pagina
    assert "/informes/2020-2/graficos/region/loreto.png?v=" in pagina
    assert "/informes/2020-2/graficos/idg/11.png?v=" in pagina
    assert "/informes/2020-2/graficos/comparacion/callao.png?v=" in pagina


def test_before_publication_each_reader_gets_only_their_scope(demo, client, sesion):
    """Unpublished: a G/DRTPE reads its region's figures, a reviewer none (docs/security.md)."""
    sesion.entrar(Rol.drtpe)  # Loreto
    libro, _ = _libro(client)
    regiones = [f[1] for f in _filas(libro["Cuadro 04"])]
    assert regiones == ["Loreto"]
    pagina = client.get(f"/informes/tablero?periodo={PERIODO}").text
    assert "solo las cifras de su región" in pagina and "<td>Callao</td>" not in pagina
    assert client.get("/informes/2020-2/graficos/region/callao.png").status_code == 404
    assert client.get("/informes/2020-2/graficos/region/loreto.png").status_code == 200
    assert client.get("/informes/ficha/callao?periodo=2020-2").status_code == 404
    sesion.salir()
    sesion.entrar(Rol.revisor)
    pagina = client.get(f"/informes/tablero?periodo={PERIODO}").text
    assert "aún no se ha publicado" in pagina and "<td>Loreto</td>" not in pagina
    for url in (
        f"/informes/{PERIODO}/excel",
        "/informes/2020-2/graficos/idg/1.png",
        "/informes/ficha/loreto?periodo=2020-2",
    ):
        assert client.get(url).status_code == 404, url
    publicar_informe(2020, 2)
    assert client.get(f"/informes/{PERIODO}/excel").status_code == 200
    assert client.get("/informes/2020-2/graficos/region/callao.png").status_code == 200


def test_dashboard_of_a_semester_without_approved_reports(demo, client, sesion):
    sesion.entrar(Rol.odes)
    pagina = client.get("/informes/tablero?periodo=2021-1")
    assert pagina.status_code == 200
    assert "No hay Anexos 4 aprobados para este semestre" in pagina.text
    assert client.get("/informes/tablero?periodo=1999-1").status_code == 404


def test_chart_endpoints_return_png_cached_by_data_version(app, demo, client, sesion):
    sesion.entrar(Rol.odes)
    version = datos_informe.version_datos(PERIODO)
    # Each file is named after the reader's scope ("todo": every figure).
    for url, nombre in (
        ("/informes/2020-2/graficos/region/loreto.png", "2020-2-todo-region-loreto.png"),
        ("/informes/2020-2/graficos/idg/1.png", "2020-2-todo-idg-1.png"),
        ("/informes/2020-2/graficos/comparacion/callao.png", "2020-2-todo-comparacion-callao.png"),
    ):
        respuesta = client.get(url)
        assert respuesta.status_code == 200 and respuesta.mimetype == "image/png", url
        assert respuesta.data.startswith(b"\x89PNG")
        cache = carpeta_archivos(app) / "graficos" / version / nombre
        assert cache.read_bytes() == respuesta.data
        # Served again (with the page's ?v=) from the cache: same bytes.
        assert client.get(f"{url}?v={version}").data == respuesta.data


def test_chart_endpoints_refuse_unknown_objects(demo, client, sesion):
    sesion.entrar(Rol.odes)
    assert client.get("/informes/2020-2/graficos/idg/99.png").status_code == 404
    assert client.get("/informes/2020-2/graficos/region/narnia.png").status_code == 404
    assert client.get("/informes/2020-9/graficos/region/loreto.png").status_code == 404
    assert client.get("/informes/1999-2/excel").status_code == 404
    respuesta = client.get("/informes/2020-2/graficos/idg/1.png?v=../../etc")
    assert respuesta.status_code == 200 and respuesta.data.startswith(b"\x89PNG")


def test_report_index_and_nav_links(demo, client, sesion):
    sesion.entrar(Rol.direccion)
    pagina = client.get("/informes/").text
    assert "II Semestre 2020" in pagina and "/informes/tablero?periodo=2020-2" in pagina
    inicio = client.get("/tablero").text
    assert 'href="/informes/"' in inicio and 'href="/publicaciones"' in inicio
