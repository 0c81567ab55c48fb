"""Journeys of the Anexo 4 as regional staff and ODES would do them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

LORETO = "drtpe.loreto@demo.trabajo.gob.pe"
ODES = "odes@demo.trabajo.gob.pe"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _llenar(pagina, programado: str, ejecutado: str):
    for i in range(12):
        pagina.locator(f"#lineas-{i}-programado").fill(programado)
        pagina.locator(f"#lineas-{i}-ejecutado").fill(ejecutado)


def test_drtpe_fills_submits_sees_return_corrects_and_resubmits(recorrido, navegador, servidor):
    pagina = recorrido.pagina
    recorrido.entrar(LORETO)
    expect(pagina.get_by_text("Anexo 4 por presentar")).to_be_visible()
    recorrido.captura("tablero", guia="drtpe-tablero")
    pagina.get_by_role("link", name="I Semestre 2021", exact=True).click()
    pagina.get_by_role("button", name="Iniciar mi Anexo 4").click()
    expect(
        pagina.get_by_role("heading", name=re.compile("DRTPE Loreto · I Semestre 2021"))
    ).to_be_visible()
    _llenar(pagina, "50", "40")
    pagina.locator("#lineas-10-ejecutado").fill("150")  # IdG 11 above 100 %: a warning
    recorrido.captura("grilla", guia="drtpe-anexo4-grilla")
    pagina.get_by_role("button", name="Guardar borrador").click()
    expect(pagina.get_by_text("Anexo 4 guardado como borrador.")).to_be_visible()
    expect(
        pagina.get_by_text(re.compile("IdG 11: ejecutado 150 % está fuera del rango")).first
    ).to_be_visible()
    # Submitting without explaining the warning is refused, with the reason.
    pagina.get_by_role("button", name="Enviar a revisión").click()
    expect(pagina.get_by_text(re.compile("IdG 11: explique en el comentario"))).to_be_visible()
    pagina.get_by_role("link", name="Editar valores").click()
    pagina.locator("#lineas-10-comentario").fill("Se sumaron asistencias técnicas no programadas.")
    pagina.get_by_role("button", name="Guardar borrador").click()
    # Evidence for IdG 1.
    pagina.get_by_label("Adjuntar medio de verificación (IdG 1)").set_input_files(
        files=[{"name": "acta.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    pagina.get_by_role("button", name="Subir archivo").first.click()
    expect(pagina.get_by_role("link", name=re.compile("acta.pdf"))).to_be_visible()
    pagina.get_by_role("button", name="Enviar a revisión").click()
    expect(pagina.get_by_text("Anexo 4 enviado a revisión.")).to_be_visible()
    recorrido.captura("enviado")
    url_reporte = pagina.url

    # ODES returns it with a reason.
    contexto = navegador.new_context(viewport={"width": 1280, "height": 900})
    odes = contexto.new_page()
    odes.goto(servidor + "/login")
    odes.get_by_label("Correo electrónico").fill(ODES)
    odes.get_by_label("Contraseña").fill("demo-convenios-2020")
    odes.get_by_role("button", name="Ingresar").click()
    expect(odes.get_by_text("Anexos 4 por revisar")).to_be_visible()
    odes.get_by_role("link", name=re.compile("DRTPE Loreto · I Semestre 2021")).click()
    odes.get_by_text("Observar (devolver a la región)").click()
    odes.get_by_label("Motivo").fill("Falta el sustento del IdG 3.")
    odes.get_by_role("button", name="Observar").click()
    expect(odes.get_by_text("Anexo 4 observado; la región verá el motivo.")).to_be_visible()
    contexto.close()

    # The region sees the reason, corrects and resubmits.
    pagina.goto(url_reporte)
    expect(pagina.locator(".aviso").get_by_text("Falta el sustento del IdG 3.")).to_be_visible()
    recorrido.captura("observado", guia="drtpe-anexo4-observado")
    pagina.get_by_role("link", name="Editar valores").click()
    pagina.locator("#lineas-2-comentario").fill("Se adjunta el sustento.")
    pagina.get_by_role("button", name="Guardar borrador").click()
    pagina.get_by_role("button", name="Enviar a revisión").click()
    expect(pagina.get_by_text("Anexo 4 enviado a revisión.")).to_be_visible()


def test_drtpe_cannot_reach_another_regions_report(recorrido):
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    recorrido.ir("/convenios/anexo4?periodo=2020-2")
    enlace = pagina.get_by_role("link", name="DRTPE Puno")
    url_puno = enlace.get_attribute("href")
    pagina.get_by_role("button", name="Cerrar sesión").click()
    recorrido.entrar(LORETO)
    respuesta = pagina.goto(recorrido.base + url_puno)
    assert respuesta.status == 404
    expect(pagina.get_by_role("heading", name="Página no encontrada")).to_be_visible()
    recorrido.captura("otra-region-404")
