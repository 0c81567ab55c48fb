"""Journeys of ODES (semester, report generation with progress, publication) and a reviewer."""

from __future__ import annotations

import re

from playwright.sync_api import expect

ODES = "odes@demo.trabajo.gob.pe"
REVISOR = "revisor@demo.pcm.gob.pe"


def test_odes_opens_a_semester_generates_and_publishes_the_report(recorrido):
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    menu = pagina.get_by_role("navigation", name="Navegación principal")
    menu.locator("summary", has_text="Convenios").click()
    menu.get_by_role("link", name="Periodos").click()
    pagina.get_by_role("link", name="Nuevo periodo").click()
    pagina.get_by_label("Año").fill("2021")
    pagina.get_by_label("Semestre").select_option("2")
    pagina.get_by_label("Fecha límite del Anexo 4").fill("2022-01-31")
    pagina.get_by_label("Fecha límite del Anexo 5").fill("2022-02-28")
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text("II Semestre 2021 registrado.")).to_be_visible()
    recorrido.captura("periodos", guia="odes-periodos")

    recorrido.ir("/informes/2020-2")
    expect(
        pagina.get_by_role("heading", name="Informe situacional · II Semestre 2020")
    ).to_be_visible()
    pagina.get_by_role("button", name="Generar informe").click()
    # The build runs in the background; the page polls its progress and reloads when done.
    # A page drawn while the job commits can list the new file and still poll the job, then
    # reload: wait for a page with the file and without the progress box.
    sin_progreso = pagina.locator("body:not(:has([data-progreso-url]))")
    expect(sin_progreso).to_contain_text("Listo para publicar", timeout=120_000)
    recorrido.captura("generado")
    pagina.get_by_role("button", name="Publicar").click()
    expect(pagina.get_by_role("cell", name="Publicado")).to_be_visible()
    recorrido.captura("publicado", guia="odes-informe-publicado")


def test_reviewer_reads_the_dashboard_downloads_the_published_pdf_and_sees_no_edit_buttons(
    recorrido,
):
    pagina = recorrido.pagina
    # Public page first: no login needed for published reports.
    recorrido.ir("/publicaciones")
    expect(pagina.get_by_role("heading", name="Informes situacionales publicados")).to_be_visible()
    expect(pagina.get_by_text(re.compile("II Semestre 2020"))).to_be_visible()
    recorrido.entrar(REVISOR)
    expect(pagina.get_by_role("link", name="Usuarios")).to_have_count(0)
    recorrido.ir("/informes/tablero?periodo=2020-2")
    expect(pagina.locator("#regiones").get_by_role("cell", name="187 %")).to_be_visible()
    recorrido.captura("tablero", guia="revisor-tablero")
    recorrido.ir("/informes/2020-2")
    for boton in ("Generar informe", "Publicar", "Guardar la narrativa"):
        expect(pagina.get_by_role("button", name=boton)).to_have_count(0)
    # Published by the ODES journey above (tests in a file run in order, on one server).
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Descargar el informe (PDF)").click()
    with open(descarga.value.path(), "rb") as archivo:
        assert archivo.read(5) == b"%PDF-"
    recorrido.ir("/convenios/")
    expect(pagina.get_by_role("link", name="Registrar convenio")).to_have_count(0)
    # 21 signed in the demo; 22 once the ODES journey records Junín's signature (any order).
    expect(pagina.get_by_text(re.compile("2[12] de 25"))).to_be_visible()
    recorrido.captura("convenios")
