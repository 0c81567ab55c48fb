"""Reading on a phone, every link of every role (issue 19).

For each demo role, on a phone (390 × 844): every page of its menu, and one page of every kind
its links lead to (a report, a region, an evaluation, a download…), is opened.
- No data cell of a table is outside the screen: a table wider than the phone becomes one card
  per row (app/static/js/tablas.js); a grid kept on purpose (`.no-apilar`, e.g. the trend over
  semesters) scrolls inside a box that the keyboard can reach.
- No link answers an error: a link shown to a role is a link that role may follow (4xx and 5xx
  fail, whatever the page). Every link is followed; one page of each kind is also read for
  its own links and cells.
- axe-core finds no serious or critical violation on any of those pages, at 1366 and 390 px.
Nothing here names a page: a new page or link is covered when a menu or page shows it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.navegador.conftest import CLAVE, Recorrido

ROLES = [
    "odes@demo.trabajo.gob.pe",
    "drtpe.loreto@demo.trabajo.gob.pe",
    "dnccl@demo.trabajo.gob.pe",
    "revisor@demo.pcm.gob.pe",
]
ANCHO = 390
#: Links not to follow: leaving the session, or another site.
NO_SEGUIR = re.compile(r"^/(logout|static/)")

#: The cells of the page's tables that reach beyond the screen's right edge (or its left),
#: leaving out cells of a grid kept on purpose inside a keyboard-reachable scrolling box.
CELDAS_FUERA = """(ancho) => {
  const fuera = [];
  for (const celda of document.querySelectorAll('main td, main th')) {
    const caja = celda.getBoundingClientRect();
    if (!caja.width || !caja.height) continue;  // hidden
    const tabla = celda.closest('table');
    // A stacked table's header row is kept for screen readers only (clipped to 1 px).
    if (tabla.classList.contains('apilada') && celda.closest('thead')) continue;
    const desplazable = tabla.closest('[tabindex="0"]');
    if (tabla.classList.contains('no-apilar') && desplazable) continue;
    if (caja.right > ancho + 1 || caja.left < -1) {
      fuera.push((celda.dataset.etiqueta || '') + ': ' + celda.innerText.trim().slice(0, 40));
    }
  }
  return fuera.slice(0, 5);
}"""
#: Same-site links of the page's menu and content, as paths with their query.
ENLACES = """() => Array.from(document.querySelectorAll('header nav a[href], main a[href]'))
  .map(a => new URL(a.href, location.href))
  .filter(u => u.origin === location.origin)
  .map(u => u.pathname + u.search)"""


def _tipo(ruta: str) -> str:
    """A link's kind: its path and argument names with every number and code generalised, so
    that one report, region or file stands for all (/convenios/anexo4/7 ~ /convenios/anexo4/9)."""
    partes = urlsplit(ruta)
    camino = re.sub(r"/\d+(?=/|$|\.)", "/N", partes.path)
    argumentos = sorted({a.split("=", 1)[0] for a in partes.query.split("&") if a})
    return camino + "?" + "&".join(argumentos)


@pytest.mark.parametrize("email", ROLES, ids=lambda e: e.split("@")[0])
def test_every_page_a_role_reaches_reads_on_a_phone_and_no_link_fails(navegador, servidor, email):
    contexto = navegador.new_context(
        viewport={"width": ANCHO, "height": 844}, locale="es-PE", is_mobile=True, has_touch=True
    )
    try:
        pagina = contexto.new_page()
        pagina.set_default_timeout(20000)
        pagina.goto(servidor + "/login")
        pagina.get_by_label("Correo electrónico").fill(email)
        pagina.get_by_label("Contraseña").fill(CLAVE)
        pagina.get_by_role("button", name="Ingresar").click()
        pagina.wait_for_url("**/tablero")

        revision = Recorrido(pagina, servidor, "recorrido-" + email.split("@")[0])
        vistos: dict[str, str] = {}  # kind → the first link of that kind
        comprobados: set[str] = {"/tablero"}  # every link followed
        por_visitar = ["/tablero"]
        errores, fuera_de_pantalla = [], {}
        while por_visitar:
            ruta = por_visitar.pop(0)
            respuesta = pagina.request.get(servidor + ruta, max_redirects=5)
            if respuesta.status >= 400:
                errores.append(f"{ruta} → {respuesta.status}")
                continue
            if "text/html" not in respuesta.headers.get("content-type", ""):
                continue  # a download: it answered
            pagina.goto(servidor + ruta)
            celdas = pagina.evaluate(CELDAS_FUERA, ANCHO)
            if celdas:
                fuera_de_pantalla[ruta] = celdas
            revision.revisar_accesibilidad()  # axe at 1366 and 390 px, back to the phone
            for enlace in pagina.evaluate(ENLACES):
                if NO_SEGUIR.match(enlace) or enlace in comprobados:
                    continue
                comprobados.add(enlace)
                tipo = _tipo(enlace)
                if tipo not in vistos:
                    # The first link of a kind is opened and read in turn …
                    vistos[tipo] = enlace
                    por_visitar.append(enlace)
                    continue
                # … every other one is followed for its answer alone.
                estado = pagina.request.get(servidor + enlace, max_redirects=5).status
                if estado >= 400:
                    errores.append(f"{enlace} → {estado}")

        assert len(vistos) >= 10, sorted(vistos)  # the crawl did reach the role's pages
        assert not errores, "enlaces que responden con error:\n" + "\n".join(errores)
        assert not fuera_de_pantalla, f"celdas fuera de la pantalla: {fuera_de_pantalla}"
        assert not revision.violaciones, "axe: violaciones graves o críticas:\n" + "\n".join(
            f"{url}: {v['id']} {v['nodos']}"
            for url, lista in revision.violaciones.items()
            for v in lista
        )
    finally:
        contexto.close()


def test_a_directorate_reads_a_trend_and_the_matrix_and_a_region_its_results_on_a_phone(
    recorrido, navegador, servidor
):
    """The reading journey of the user guide: trends over the semesters, the matrix on screen
    filtered by region, and the results page as cards on a phone."""
    pagina = recorrido.pagina
    recorrido.entrar("dnccl@demo.trabajo.gob.pe")
    recorrido.menu("Tendencias")
    expect(pagina.get_by_role("heading", name="Tendencias del Anexo 4")).to_be_visible()
    indicador = pagina.get_by_label("Indicador", exact=True)
    idg3 = indicador.locator("option", has_text=re.compile(r"^\s*IdG 3\b")).first.text_content()
    indicador.select_option(label=idg3.strip())
    pagina.get_by_role("button", name="Ver").click()
    tabla = pagina.locator("table.tendencia")
    # The directorate's IdG 3 over I-2020 and II-2020, one row per region.
    expect(tabla.get_by_role("columnheader", name="I Semestre 2020", exact=True)).to_be_visible()
    expect(tabla.get_by_role("columnheader", name="II Semestre 2020", exact=True)).to_be_visible()
    expect(tabla.get_by_role("rowheader", name=re.compile("Loreto"))).to_be_visible()
    expect(pagina.locator("figure img")).to_be_visible()
    recorrido.captura("tendencia", guia="direccion-tendencias")

    recorrido.menu("Matriz")
    pagina.get_by_label("Región").select_option(label="Loreto")
    pagina.get_by_role("button", name=re.compile("Ver|Filtrar")).click()
    expect(pagina).to_have_url(re.compile(r"region=loreto"))
    recorrido.captura("matriz", guia="direccion-matriz")

    contexto = navegador.new_context(
        viewport={"width": ANCHO, "height": 844}, locale="es-PE", is_mobile=True, has_touch=True
    )
    try:
        telefono = Recorrido(contexto.new_page(), servidor, "telefono-lectura")
        telefono.entrar("drtpe.loreto@demo.trabajo.gob.pe")
        telefono.menu("Resultados")
        # The semester with data, said on the page; every cell on screen, as cards.
        expect(telefono.pagina.locator(".periodo-mostrado")).to_contain_text("II Semestre 2020")
        assert telefono.pagina.evaluate(CELDAS_FUERA, ANCHO) == []
        expect(telefono.pagina.locator("table.apilada").first).to_be_visible()
        telefono.captura("resultados", guia="drtpe-resultados")
        telefono.revisar_todo()
    finally:
        contexto.close()
