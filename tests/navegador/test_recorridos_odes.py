"""Journeys of the ODES coordinator: register a convenio's signature, approve a regional report.

They touch data no other journey uses (Junín's convenio, Puno's I-2021 Anexo 4), so they pass
in any order on the session's shared server.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

ODES = "odes@demo.trabajo.gob.pe"
PUNO = "drtpe.puno@demo.trabajo.gob.pe"


def _suscritos(pagina) -> int:
    """The coverage figure of the convenio list: "21 de 25" -> 21."""
    texto = pagina.locator(".cobertura .cifra").inner_text()
    return int(re.match(r"\s*(\d+) de \d+", texto).group(1))


def test_odes_registers_the_signature_of_a_pending_convenio_and_sees_the_coverage(recorrido):
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    recorrido.captura("tablero", guia="odes-tablero")
    recorrido.menu("Convenios")
    expect(pagina.get_by_role("heading", name=re.compile("Convenios de gestión"))).to_be_visible()
    expect(pagina.locator(".cobertura")).to_contain_text("Junín")
    antes = _suscritos(pagina)
    recorrido.captura("convenios", guia="odes-convenios")

    # "Registrar convenio" for a region that already has its (pending) convenio: two errors
    # the guide explains, each next to its field.
    pagina.get_by_role("link", name="Registrar convenio").click()
    pagina.get_by_label("Gobierno regional").select_option(label="Junín")
    pagina.get_by_label("Ciclo").select_option(label="2020-2021 · IdG 2020 (12 IdG)")
    pagina.get_by_label("Estado").select_option(label="Suscrito")
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text("Indique la fecha de suscripción del convenio.")).to_be_visible()
    recorrido.captura("error-fecha", guia="odes-convenio-error")
    pagina.get_by_label("Fecha de suscripción").fill("2021-03-15")
    pagina.get_by_role("button", name="Guardar").click()
    expect(
        pagina.get_by_text("Esta región ya tiene un convenio registrado para el periodo 2020-2021.")
    ).to_be_visible()

    # So the signature is recorded on the existing convenio.
    recorrido.ir("/convenios/?q=Jun%C3%ADn")
    pagina.locator("table").get_by_role("link", name="Junín", exact=True).click()
    expect(
        pagina.get_by_role("heading", name="Convenio de Gestión 2020-2021 — Junín")
    ).to_be_visible()
    expect(pagina.locator(".ficha .etiqueta")).to_have_text("Pendiente de suscripción")
    pagina.get_by_role("link", name="Editar", exact=True).click()
    pagina.get_by_label("Estado").select_option(label="Suscrito")
    pagina.get_by_label("Fecha de suscripción").fill("2021-03-15")
    pagina.get_by_label("Documento de referencia").fill("Convenio N° 023-2021-MTPE/GR-Junín")
    pagina.get_by_label("Motivo del cambio").fill("Suscripción remitida por el Gobierno Regional.")
    recorrido.captura("editar", guia="odes-convenio-editar")
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text("Cambios guardados.")).to_be_visible()
    expect(pagina.locator(".ficha .etiqueta")).to_have_text("Suscrito")
    expect(pagina.locator(".ficha").get_by_text("15/03/2021")).to_be_visible()
    recorrido.captura("suscrito")

    # The coverage of the period counts it; Junín is no longer pending.
    recorrido.menu("Convenios")
    expect(pagina.locator(".cobertura .cifra")).to_have_text(re.compile(rf"{antes + 1} de 25"))
    expect(pagina.locator(".cobertura")).not_to_contain_text("Junín")


def _llenar(pagina, programado: str, ejecutado: str, comentario: str):
    for i in range(12):
        pagina.locator(f"#lineas-{i}-programado").fill(programado)
        pagina.locator(f"#lineas-{i}-ejecutado").fill(ejecutado)
        pagina.locator(f"#lineas-{i}-comentario").fill(comentario)


def test_odes_approves_an_anexo4_submitted_by_a_region(recorrido, otra_sesion):
    # The DRTPE Puno fills and submits its I-2021 Anexo 4 (every line commented, so the values
    # far from its 2020 ones are explained).
    puno = otra_sesion(PUNO, "puno")
    region = puno.pagina
    region.get_by_role("link", name="I Semestre 2021", exact=True).click()
    region.get_by_role("button", name="Iniciar mi Anexo 4").click()
    _llenar(region, "60", "55", "Se cumplió según lo programado con el equipo regional.")
    region.get_by_role("button", name="Guardar borrador").click()
    expect(region.get_by_text("Anexo 4 guardado como borrador.")).to_be_visible()
    region.get_by_role("button", name="Enviar a revisión").click()
    expect(region.get_by_text("Anexo 4 enviado a revisión.")).to_be_visible()

    # ODES finds it among the reports to review, checks it and approves it.
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    expect(pagina.get_by_text("Anexos 4 por revisar")).to_be_visible()
    pagina.get_by_role("link", name=re.compile("DRTPE Puno · I Semestre 2021")).click()
    expect(
        pagina.get_by_role("heading", name="Anexo 4 · DRTPE Puno · I Semestre 2021")
    ).to_be_visible()
    expect(pagina.locator(".etiqueta-enviado").first).to_have_text("Enviado")
    recorrido.captura("revision", guia="odes-anexo4-revision")
    pagina.get_by_role("button", name="Aprobar").click()
    expect(pagina.get_by_text("Anexo 4 aprobado.")).to_be_visible()
    expect(pagina.locator(".etiqueta-aprobado").first).to_have_text("Aprobado")
    expect(pagina.get_by_text(re.compile(r"aprobado el \d{2}/\d{2}/\d{4}"))).to_be_visible()
    expect(pagina.get_by_role("button", name="Aprobar")).to_have_count(0)
    recorrido.captura("aprobado", guia="odes-anexo4-aprobado")

    # The region sees it approved and locked: no more edit or submit buttons.
    region.reload()
    expect(region.locator(".etiqueta-aprobado").first).to_have_text("Aprobado")
    expect(region.get_by_role("link", name="Editar valores")).to_have_count(0)
    expect(region.get_by_role("button", name="Enviar a revisión")).to_have_count(0)
