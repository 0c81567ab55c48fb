"""Journeys of an MTPE directorate (DNCCL, IdG 3): the Anexo 5 and the capacity programme.

The Anexo 5 is drafted in the I Semestre 2021 (the demo only loads II-2020 evaluations, all
approved), and the programme runs are DNCCL's own: no other journey touches either.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

DNCCL = "dnccl@demo.trabajo.gob.pe"
ACTIVIDAD = "Sensibilización a instituciones públicas y privadas"


def test_directorate_drafts_the_anexo5_from_the_suggestions_edits_and_submits(recorrido):
    pagina = recorrido.pagina
    recorrido.entrar(DNCCL)
    expect(pagina.get_by_text(re.compile(r"IdG 3 · I Semestre 2021 — Sin iniciar"))).to_be_visible()
    recorrido.captura("tablero")
    recorrido.menu("Anexo 5")
    pagina.get_by_label("Periodo").select_option(label="I Semestre 2021")
    pagina.get_by_role("button", name="Ver").click()
    expect(pagina.get_by_role("heading", name=re.compile("I Semestre 2021"))).to_be_visible()
    propia = pagina.locator("tr", has_text="Su unidad")
    expect(propia).to_contain_text("Sin iniciar")
    recorrido.captura("lista", guia="direccion-anexo5-lista")
    propia.get_by_role("button", name="Iniciar Anexo 5").click()

    # The draft suggested from the semester's Anexo 4, added in one click.
    expect(pagina.get_by_role("heading", name="Anexo 5 · IdG 3 · I Semestre 2021")).to_be_visible()
    expect(pagina.get_by_text("Borrador sugerido a partir del Anexo 4 aprobado")).to_be_visible()
    pagina.get_by_role("button", name="Agregar las conclusiones sugeridas").click()
    expect(
        pagina.get_by_text(
            re.compile(r"Se agreg(?:ó|aron) \d+ conclusi(?:ón|ones) sugeridas?; revísel")
        )
    ).to_be_visible()
    expect(pagina.get_by_text("Ítem 1 · Conclusión")).to_be_visible()
    recorrido.captura("sugerencias", guia="direccion-anexo5-sugerencias")

    # Edit: write the verdict and add the recommendation the unit commits to.
    pagina.get_by_label("Veredicto").fill(
        "En el I Semestre 2021 las regiones aún no remiten su Anexo 4; se evaluará al cierre."
    )
    pagina.get_by_role("button", name="Agregar recomendación").click()
    recomendacion = pagina.locator("fieldset.tarjeta", has_text="· Recomendación").last
    recomendacion.get_by_label("Texto").fill(
        "Remitir el Anexo 4 del semestre dentro del plazo, con las actas de las visitas."
    )
    recomendacion.get_by_label("G/DRTPE").check()
    pagina.get_by_role("button", name="Guardar borrador").click()
    expect(pagina.get_by_text("Anexo 5 guardado como borrador.")).to_be_visible()
    expect(pagina.locator(".etiqueta-borrador").first).to_have_text("Borrador")
    expect(
        pagina.locator("p", has_text="Remitir el Anexo 4 del semestre dentro del plazo")
    ).to_be_visible()

    # Submit to ODES: the state changes and the edit buttons go away.
    pagina.get_by_role("button", name="Enviar a la ODES").click()
    expect(pagina.get_by_text("Anexo 5 enviado a la ODES para su revisión.")).to_be_visible()
    expect(pagina.locator(".etiqueta-enviado").first).to_have_text("Enviado")
    expect(pagina.get_by_role("button", name="Enviar a la ODES")).to_have_count(0)
    expect(pagina.get_by_text(re.compile("fue enviado y está en revisión"))).to_be_visible()
    recorrido.captura("enviado", guia="direccion-anexo5-enviado")


def _abrir_programacion(recorrido, region: str):
    """From the 2021 programme, open DNCCL's activity and the run of one region."""
    pagina = recorrido.pagina
    recorrido.menu("Programación")
    pagina.get_by_role("link", name=re.compile("Fortalecimiento de Capacidades.* 2021")).click()
    pagina.get_by_role("link", name=re.compile(ACTIVIDAD)).first.click()
    expect(pagina.get_by_role("heading", name=re.compile("IdG 3 · 1 · "))).to_be_visible()
    fila = pagina.locator("tr", has=pagina.get_by_role("cell", name=region, exact=True))
    fila.get_by_role("link", name="Ver / registrar").click()
    expect(pagina.get_by_role("heading", name=re.compile(rf"IdG 3 · 1 · {region}"))).to_be_visible()
    return pagina


def test_directorate_records_one_run_as_executed_and_another_as_reprogrammed(recorrido):
    recorrido.entrar(DNCCL)
    pagina = _abrir_programacion(recorrido, "Cajamarca")
    expect(pagina.locator(".ficha")).to_contain_text("Programada")
    pagina.locator("summary", has_text="Registrar ejecución").click()  # opens the <details>
    pagina.get_by_label("Fecha de ejecución").fill("2021-02-18")
    pagina.get_by_label("Participantes").fill("35")
    pagina.get_by_label("Observación").fill("Visitas a la Cámara de Comercio y a dos institutos.")
    recorrido.captura("ejecucion", guia="direccion-programacion-ejecucion")
    pagina.get_by_role("button", name="Registrar ejecución").click()
    expect(pagina.get_by_text("Ejecución registrada.")).to_be_visible()
    ficha = pagina.locator(".ficha")
    expect(ficha).to_contain_text("Ejecutada")
    expect(ficha).to_contain_text("18/02/2021")
    expect(ficha).to_contain_text("35")
    expect(pagina.get_by_role("button", name="Registrar ejecución")).to_have_count(0)
    recorrido.captura("ejecutada")

    pagina = _abrir_programacion(recorrido, "La Libertad")
    pagina.locator("summary", has_text="Reprogramar").click()
    pagina.get_by_label("Nuevo mes").select_option(label="Setiembre")
    pagina.get_by_label("Motivo de la reprogramación").fill(
        "La región pidió moverla por el cierre de sus oficinas en febrero."
    )
    pagina.get_by_role("button", name="Reprogramar").click()
    expect(pagina.get_by_text("Actividad reprogramada.")).to_be_visible()
    ficha = pagina.locator(".ficha")
    expect(ficha).to_contain_text("Reprogramada")
    expect(ficha.get_by_text("Setiembre 2021")).to_be_visible()
    recorrido.captura("reprogramada", guia="direccion-programacion-reprogramada")

    # The activity's table shows both changes.
    pagina.get_by_role("link", name=re.compile("IdG 3 · 1")).first.click()
    expect(pagina.locator("tr", has_text="Cajamarca")).to_contain_text("Ejecutada")
    expect(pagina.locator("tr", has_text="La Libertad")).to_contain_text("Setiembre")
