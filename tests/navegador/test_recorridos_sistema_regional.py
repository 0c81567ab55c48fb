"""Round trip through the API (issue 20): ODES gives a regional system an account; the account
creates its own read-write token (ODES may only give it a reading one); the system fills,
documents and sends its Anexo 4 through the API; ODES approves it in the browser, generates and
publishes the report; the open-data CSV carries the value sent.

Last of the journeys (file order): it publishes I-2021, which freezes that semester.
"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from tests.navegador.conftest import CLAVE

ODES = "odes@demo.trabajo.gob.pe"
SISTEMA = "sistema.cusco@demo.trabajo.gob.pe"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_regional_system_sends_its_anexo4_through_the_api(recorrido, navegador):
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    # The integration's account (G/DRTPE Cusco) and its read-write token, shown once.
    recorrido.ir("/usuarios/nuevo")
    pagina.get_by_label("Correo electrónico").fill(SISTEMA)
    pagina.get_by_label("Nombre completo").fill("Sistema regional de Cusco")
    pagina.get_by_label("Rol").select_option("drtpe")
    pagina.get_by_label("Región (solo G/DRTPE)").select_option(label="Cusco")
    pagina.get_by_label("Contraseña").fill(CLAVE)
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text(SISTEMA).first).to_be_visible()
    recorrido.ir("/usuarios")
    fila = pagina.get_by_role("row").filter(has_text=SISTEMA)
    fila.get_by_role("link", name="Editar").click()
    pagina.get_by_role("link", name="Ver sus tokens de acceso").click()
    # For another account the ODES creates reading tokens only: the page says so.
    expect(pagina.get_by_text(re.compile("es de solo lectura"))).to_be_visible()
    expect(pagina.get_by_label("Solo lectura")).to_have_count(0)
    pagina.get_by_role("button", name="Cerrar sesión").click()

    # The account itself creates its read-write token, shown once.
    recorrido.entrar(SISTEMA)
    pagina.get_by_role("link", name="Tokens de acceso (API)").click()
    pagina.get_by_label("Nombre del token").fill("Sistema regional de Cusco")
    pagina.get_by_label("Solo lectura").uncheck()
    pagina.get_by_role("button", name="Crear token").click()
    expect(pagina.get_by_text("Copie este token ahora")).to_be_visible()
    token = pagina.locator("#token-nuevo-texto").input_value()
    assert re.fullmatch(r"cg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", token)
    recorrido.captura("token-integracion")
    pagina.get_by_role("button", name="Cerrar sesión").click()

    # The regional system, with no browser session: only its token.
    sistema = navegador.new_context(base_url=recorrido.base)
    api = sistema.request
    auth = {"Authorization": f"Bearer {token}"}
    r = api.post("/api/v1/anexo4", data={"periodo": "2021-1"}, headers=auth)
    assert r.status == 201, r.text()
    reporte, etag = r.json(), r.headers["etag"]
    url = f"/api/v1/anexo4/{reporte['id']}"
    lineas = [
        {
            "idg": linea["idg"],
            "estado": "valor",
            "programado": "50",
            "ejecutado": "62,5",
            "comentario": "Cargado por el sistema regional.",
        }
        for linea in reporte["lineas"]
    ]
    r = api.put(url + "/lineas", data={"lineas": lineas}, headers={**auth, "If-Match": etag})
    assert r.status == 200, r.text()
    etag = r.headers["etag"]
    r = api.post(
        url + "/lineas/1/evidencias",
        multipart={"archivo": {"name": "acta.pdf", "mimeType": "application/pdf", "buffer": PDF}},
        headers=auth,
    )
    assert r.status == 201, r.text()
    etag = r.headers["etag"]  # the evidence moved the report's version
    r = api.post(url + "/enviar", headers={**auth, "If-Match": etag})
    assert r.status == 200, r.text()
    assert r.json()["estado"] == "enviado"
    sistema.close()

    # ODES approves it in the browser, then generates and publishes the semester's report.
    recorrido.entrar(ODES)
    recorrido.ir("/convenios/anexo4?periodo=2021-1")
    pagina.get_by_role("link", name=re.compile("Cusco")).first.click()
    expect(pagina.get_by_text("Cargado por el sistema regional.").first).to_be_visible()
    pagina.get_by_role("button", name="Aprobar").click()
    expect(pagina.get_by_role("button", name="Aprobar")).to_have_count(0)
    recorrido.ir("/informes/2021-1")
    pagina.get_by_role("button", name="Generar informe").click()
    expect(pagina.get_by_text("Listo para publicar")).to_be_visible(timeout=120_000)
    pagina.get_by_role("button", name="Publicar").click()
    expect(pagina.get_by_role("cell", name="Publicado")).to_be_visible()

    # Anyone: the open-data CSV of I-2021 holds Cusco's values as the system sent them.
    anonimo = navegador.new_context(base_url=recorrido.base)
    r = anonimo.request.get("/publicaciones/2021-1/datos/resultados.csv")
    assert r.status == 200, r.status
    filas = [f for f in csv.DictReader(io.StringIO(r.text())) if f["region_codigo"] == "cusco"]
    assert filas and {float(f["ejecutado"]) for f in filas} == {62.5}
    assert {float(f["programado"]) for f in filas} == {50.0}
    anonimo.close()
