"""Journey of a continuous-improvement plan (issue 21): ODES starts Cusco's plan from Puno's,
links it to an IdG and an Anexo 5 recommendation, schedules one of its training actions in the
capacity programme, records the run's execution, and finds it in the plan's follow-up and
timeline and, once the plan is approved, in Cusco's ficha.

It touches data no other journey uses (a new plan; a new programme activity for Cusco).
"""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect

ODES = "odes@demo.trabajo.gob.pe"
TITULO = "Acciones de mejora continua del servicio de empleo – Cusco"


def _texto_pdf(contenido: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(contenido)).pages
    )


def test_odes_starts_a_plan_from_punos_links_schedules_and_follows_it_up(recorrido):
    pagina = recorrido.pagina
    recorrido.entrar(ODES)
    recorrido.menu("Planes de mejora")
    pagina.get_by_role("link", name=re.compile("PROMOCIÓN DEL EMPLEO")).first.click()
    expect(pagina.locator("#vinculos")).to_contain_text(
        "Promoción del Empleo e Igualdad de Oportunidades"
    )
    recorrido.captura("plan-puno")

    # 1. A new plan for Cusco, started as a copy of Puno's.
    pagina.get_by_role("link", name="Copiar como plan nuevo").click()
    expect(pagina.get_by_text(re.compile("empieza como copia completa"))).to_be_visible()
    pagina.get_by_label("Título").fill(TITULO)
    pagina.get_by_label("Gobierno regional").select_option(label="Cusco")
    pagina.get_by_label("Periodo evaluado").fill("2020")
    pagina.get_by_label("Año de las acciones de corto plazo").fill("2021")
    recorrido.captura("copia")
    pagina.get_by_role("button", name="Crear la copia").click()
    expect(pagina.get_by_text("Plan creado como copia.")).to_be_visible()
    expect(pagina.get_by_role("heading", level=1)).to_have_text(TITULO)
    expect(pagina.locator(".ficha").first).to_contain_text("Copiado de")
    recorrido.captura("plan-cusco", guia="odes-plan-mejora")
    plan_url = pagina.url

    # 2. Its links: an IdG that measures the service and the recommendation behind it.
    pagina.get_by_role("link", name="Editar vínculos").click()
    indicadores = pagina.get_by_label("Indicadores de gestión que miden el servicio")
    idg = indicadores.locator("option", has_text=re.compile(r"^IdG 1 \(IdG 2020\)"))
    indicadores.select_option(value=idg.get_attribute("value"))
    recomendaciones = pagina.get_by_label("Recomendaciones del Anexo 5 que motivaron el plan")
    primera = recomendaciones.locator("option").first.inner_text()
    recomendaciones.select_option(label=primera)
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text("Vínculos del plan guardados.")).to_be_visible()
    vinculos = pagina.locator("#vinculos")
    expect(vinculos).to_contain_text("IdG 1 (IdG 2020)")
    expect(vinculos).to_contain_text(primera.split(" · ")[-1][:40])

    # 3. One of its training actions scheduled in the 2021 programme, for Cusco in March.
    capacitacion = pagina.locator("#capacitacion")
    fila = capacitacion.locator("tbody tr").first
    accion = fila.locator("td").first.inner_text()
    expect(fila).to_contain_text("Sin programar")
    fila.get_by_role("link", name="Programar en 2021").click()
    expect(pagina.get_by_text(re.compile("Esta actividad programa la acción"))).to_be_visible()
    expect(pagina.get_by_label("Actividad", exact=True)).to_have_value(accion)
    if pagina.get_by_label("Unidad responsable").input_value() in ("", "0"):
        pagina.get_by_label("Unidad responsable").select_option(index=1)
    pagina.get_by_role("button", name="Guardar").click()
    expect(pagina.get_by_text("Actividad registrada.")).to_be_visible()
    pagina.get_by_label("Cusco MAR", exact=True).check()
    motivo = pagina.get_by_label("Motivo del cambio")
    if motivo.count():
        motivo.fill("Acción de capacitación del plan de mejora continua de Cusco.")
    pagina.get_by_role("button", name="Guardar programación").click()
    expect(pagina.get_by_text(re.compile("Programación guardada: 1 región-mes"))).to_be_visible()

    # 4. Its execution recorded in the programme…
    fila = pagina.locator("tr", has=pagina.get_by_role("cell", name="Cusco", exact=True))
    fila.get_by_role("link", name="Ver / registrar").click()
    pagina.locator("summary", has_text="Registrar ejecución").click()
    pagina.get_by_label("Fecha de ejecución").fill("2021-03-18")
    pagina.get_by_label("Participantes").fill("25")
    pagina.get_by_role("button", name="Registrar ejecución").click()
    expect(pagina.get_by_text("Ejecución registrada.")).to_be_visible()

    # 5. …flows back into the plan's follow-up and its timeline.
    recorrido.ir(plan_url.removeprefix(recorrido.base))
    fila = pagina.locator("#capacitacion tbody tr").first
    expect(fila).to_contain_text("Cusco, Marzo — Ejecutada (18/03/2021)")
    expect(fila).to_contain_text("Implementada")
    cronograma = pagina.locator("#capacitacion table.cronograma")
    expect(cronograma.locator("caption")).to_have_text("2021")
    expect(cronograma.locator("tbody tr").first.locator("td").nth(2)).to_have_text("E")
    seguimiento = pagina.locator("#seguimiento tr", has_text=accion[:60]).first
    expect(seguimiento).to_contain_text("Implementada")
    expect(seguimiento).to_contain_text("Ejecutada en Cusco el 18/03/2021 con 25 participantes")
    recorrido.captura("seguimiento")

    # The copy compared with Puno's: nothing changed in its text yet.
    pagina.get_by_role("link", name="Comparar con el plan de origen").click()
    expect(pagina.get_by_role("heading", name="Comparar planes")).to_be_visible()
    expect(pagina.get_by_text(re.compile(r"^0 partes cambiaron"))).to_be_visible()
    recorrido.ir(plan_url.removeprefix(recorrido.base))

    # 6. Agreed and approved, the plan is in force: Cusco's ficha lists it with the run.
    pagina.get_by_role(
        "button", name="Registrar como concordado por el equipo técnico intergubernamental"
    ).click()
    pagina.get_by_role("button", name="Aprobar el plan").click()
    expect(pagina.locator(".etiqueta-aprobado").first).to_be_visible()
    respuesta = pagina.request.get(f"{recorrido.base}/informes/ficha/cusco?periodo=2020-2")
    assert respuesta.ok, respuesta.status
    ficha = _texto_pdf(respuesta.body())
    vigentes = ficha.split("Planes de mejora continua vigentes")[1]
    assert TITULO in vigentes
    assert "Marzo 2021 (Cusco): Ejecutada el 18/03/2021" in vigentes
    assert "Implementada: 1" in vigentes

    # The plan's PDF is there too.
    pdf = pagina.request.get(
        plan_url.split("#")[0].replace("/mejora-continua/planes/", "/informes/planes/") + ".pdf"
    )
    assert pdf.ok and TITULO in _texto_pdf(pdf.body())
