"""The REST API (issue 20): tokens only, JSON errors in Spanish, the web's scope and rules."""

from __future__ import annotations

import sqlalchemy as sa

from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import Periodo, Reporte
from app.extensions import db


def test_openapi_document_is_public_and_lists_the_operations(client):
    """The document needs no token and describes every API route of the app."""
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.")
    rutas = {
        regla.rule.replace("<int:", "{").replace(">", "}")
        for regla in client.application.url_map.iter_rules()
        if regla.rule.startswith("/api/v1/") and not regla.rule.endswith("/docs")
    }
    assert rutas <= set(doc["paths"])
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs").status_code == 200


def test_without_token_401_in_spanish(client, sesion):
    """No token → 401 JSON with WWW-Authenticate; a logged-in session cookie is not enough."""
    r = client.get("/api/v1/regiones")
    assert r.status_code == 401
    assert r.get_json()["codigo"] == "no_autenticado"
    assert "token" in r.get_json()["mensaje"]
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    sesion.entrar(Rol.odes)
    assert client.get("/api/v1/regiones").status_code == 401
    r = client.get("/api/v1/regiones", headers={"Authorization": "Bearer cg_00000000_" + "x" * 43})
    assert r.status_code == 401


def test_unknown_path_and_method_answer_json(api_de):
    """A path or a method the API lacks answers a JSON error, not an HTML page."""
    cliente = api_de(Rol.odes)
    r = cliente.get("/api/v1/no-existe")
    assert r.status_code == 404 and r.get_json()["codigo"] == "no_encontrado"
    r = cliente.put("/api/v1/regiones", json={})
    assert r.status_code == 405 and r.get_json()["codigo"] == "metodo_no_permitido"


def test_regions_paged_and_filtered(api_de, demo):
    """The governments, paged, with the envelope; a name filter narrows them."""
    cliente = api_de(Rol.revisor)
    r = cliente.get("/api/v1/regiones?por_pagina=5")
    cuerpo = r.get_json()
    assert r.status_code == 200, cuerpo
    assert len(cuerpo["elementos"]) == 5 and cuerpo["total"] >= 26
    assert cuerpo["paginas"] == -(-cuerpo["total"] // 5)
    r = cliente.get("/api/v1/regiones?q=loreto")
    assert [e["nombre"] for e in r.get_json()["elementos"]] == ["Loreto"]
    r = cliente.get("/api/v1/regiones?por_pagina=0")
    assert r.status_code == 422 and "por_pagina" in r.get_json()["errores"]["query"]


def test_reads_carry_an_etag_and_answer_304(api_de, demo):
    """A read's ETag sent back in If-None-Match → 304 without a body."""
    cliente = api_de(Rol.odes)
    r = cliente.get("/api/v1/ciclos")
    assert r.status_code == 200 and r.headers["ETag"]
    r2 = cliente.get("/api/v1/ciclos", headers={"If-None-Match": r.headers["ETag"]})
    assert r2.status_code == 304 and r2.data == b""


def test_results_are_the_published_figures(api_de, demo):
    """II-2020 through the API: IdG 1's average as the calculation module gives it."""
    from tests.conftest import publicar_informe

    publicar_informe(2020, 2)
    r = api_de(Rol.revisor).get("/api/v1/resultados?periodo=2020-2")
    cuerpo = r.get_json()
    assert r.status_code == 200, cuerpo
    assert cuerpo["publicado"] is True and cuerpo["alcance"] == "todo"
    from app.comun import calculos
    from app.convenios.queries import anexo4 as queries

    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    esperado = calculos.promedios_por_idg(queries.celdas(periodo))
    obtenido = {
        p["idg"]: (p["programado_pct"], p["ejecutado_pct"], p["n"]) for p in cuerpo["por_idg"]
    }
    assert obtenido == {
        idg: (p.programado_pct, p.ejecutado_pct, p.n) for idg, p in esperado.items()
    }


def test_reviewer_sees_nothing_unpublished(api_de, demo):
    """Before publication a reviewer's token reads no cell and no average (as on the web)."""
    cliente = api_de(Rol.revisor)
    r = cliente.get("/api/v1/celdas?periodo=2020-2")
    assert r.status_code == 200 and r.get_json()["total"] == 0
    cuerpo = cliente.get("/api/v1/resultados?periodo=2020-2").get_json()
    assert cuerpo["alcance"] == "ninguno" and cuerpo["por_idg"] == [] and cuerpo["por_region"] == []


def test_region_reads_its_own_cells_only(api_de, demo):
    """A G/DRTPE token: only its region's cells and reports before publication."""
    cliente = api_de(Rol.drtpe)
    filas = cliente.get("/api/v1/celdas?periodo=2020-2&por_pagina=500").get_json()["elementos"]
    assert filas and {f["region"] for f in filas} == {"Loreto"}
    reportes = cliente.get("/api/v1/anexo4?periodo=2020-2").get_json()["elementos"]
    assert {r["region"] for r in reportes} == {"Loreto"}
    otro = db.session.scalar(
        sa.select(Reporte.id)
        .join(Reporte.convenio)
        .where(Reporte.convenio.has(region_id=1))
        .where(Reporte.id.not_in([r["id"] for r in reportes]))
    )
    if otro:
        assert cliente.get(f"/api/v1/anexo4/{otro}").status_code == 404


def test_read_only_token_cannot_write(api_de, demo):
    """A read-only token is refused any write with its own code."""
    r = api_de(Rol.drtpe, solo_lectura=True).post("/api/v1/anexo4", json={"periodo": "2021-1"})
    assert r.status_code == 403 and r.get_json()["codigo"] == "token_solo_lectura"


def _abrir_2021_1():
    """The open semester I-2021 of the demo, with its deadlines in the future."""
    from datetime import date, timedelta

    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    periodo.abierto = True
    periodo.fecha_limite_anexo4 = date.today() + timedelta(days=10)
    periodo.fecha_cierre_anexo4 = date.today() + timedelta(days=20)
    db.session.commit()
    return periodo


def test_region_system_fills_and_sends_its_anexo4(api_de, demo):
    """Start → save with If-Match → wrong values refused as on the web → send; audited."""
    _abrir_2021_1()
    cliente = api_de(Rol.drtpe)
    r = cliente.post("/api/v1/anexo4", json={"periodo": "2021-1"})
    assert r.status_code == 201, r.get_json()
    reporte = r.get_json()
    etag = r.headers["ETag"]
    url = f"/api/v1/anexo4/{reporte['id']}"
    idgs = [linea["idg"] for linea in reporte["lineas"]]
    # Without If-Match: 428; with a stale one: 412.
    lineas = [{"idg": idgs[0], "estado": "valor", "programado": "60,5", "ejecutado": 70}]
    assert cliente.put(url + "/lineas", json={"lineas": lineas}).status_code == 428
    r = cliente.put(url + "/lineas", json={"lineas": lineas}, headers={"If-Match": '"otra"'})
    assert r.status_code == 412 and r.get_json()["codigo"] == "version_distinta"
    # A percentage the web form refuses is refused here, with the form's Spanish message.
    malo = [{"idg": idgs[0], "estado": "valor", "programado": "abc", "ejecutado": "1"}]
    r = cliente.put(url + "/lineas", json={"lineas": malo}, headers={"If-Match": etag})
    assert r.status_code == 422
    assert "programado" in r.get_json()["errores"][str(idgs[0])]
    r = cliente.put(url + "/lineas", json={"lineas": lineas}, headers={"If-Match": etag})
    assert r.status_code == 200, r.get_json()
    guardada = next(li for li in r.get_json()["lineas"] if li["idg"] == idgs[0])
    assert (guardada["programado"], guardada["ejecutado"]) == ("60.50", "70.00")
    assert r.headers["ETag"] != etag
    # A conditional read of the report: 304 with its ETag or its Last-Modified.
    r_get = cliente.get(url)
    assert r_get.headers["ETag"] == r.headers["ETag"] and r_get.headers["Last-Modified"]
    assert cliente.get(url, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    desde = {"If-Modified-Since": r_get.headers["Last-Modified"]}
    assert cliente.get(url, headers=desde).status_code == 304
    # The old ETag no longer matches.
    r2 = cliente.put(url + "/lineas", json={"lineas": lineas}, headers={"If-Match": etag})
    assert r2.status_code == 412
    evento = db.session.scalar(
        sa.select(Evento).filter_by(objeto_tipo="reporte", objeto_id=reporte["id"], accion="editar")
    )
    assert evento is not None and evento.usuario_id is not None
    # Sending an incomplete report is refused with what is missing.
    r3 = cliente.post(url + "/enviar", headers={"If-Match": r.headers["ETag"]})
    assert r3.status_code == 409 and "No se puede enviar" in r3.get_json()["mensaje"]


def test_hostile_json(api_de, demo):
    """NUL and control characters, wrong types, huge or missing values: a Spanish 4xx, never a
    500, and nothing written."""
    _abrir_2021_1()
    cliente = api_de(Rol.drtpe)
    reporte = cliente.post("/api/v1/anexo4", json={"periodo": "2021-1"})
    etag, url = reporte.headers["ETag"], f"/api/v1/anexo4/{reporte.get_json()['id']}/lineas"
    idg = reporte.get_json()["lineas"][0]["idg"]
    antes = db.session.scalar(sa.select(sa.func.count()).select_from(Evento))
    hostiles = [
        {"lineas": [{"idg": idg, "estado": "valor", "comentario": "a\x00b"}]},
        {"lineas": [{"idg": idg, "estado": "valor", "programado": "1\x1b"}]},
        {"lineas": [{"idg": idg, "estado": "valor", "programado": True}]},
        {"lineas": [{"idg": idg, "estado": "valor", "programado": "9" * 31}]},
        {"lineas": [{"idg": idg, "estado": "valor", "programado": "1e309"}]},
        {"lineas": [{"idg": idg, "estado": "inventado"}]},
        {"lineas": [{"idg": 2**40, "estado": "valor"}]},
        {"lineas": [{"idg": idg, "estado": "valor", "comentario": "x" * 5000}]},
        {"lineas": []},
        {"lineas": "no"},
        ["no", "un", "objeto"],
    ]
    for cuerpo in hostiles:
        r = cliente.put(url, json=cuerpo, headers={"If-Match": etag})
        assert 400 <= r.status_code < 500, (cuerpo, r.status_code)
        assert r.get_json()["mensaje"] and "Not a valid" not in r.text, r.text
    r = cliente.put(
        url, data="{no es json", headers={"If-Match": etag, "Content-Type": "application/json"}
    )
    assert 400 <= r.status_code < 500
    r = cliente.post("/api/v1/anexo4", json={"periodo": "2021-1\x00"})
    assert r.status_code == 400
    # Nested deeper than the JSON parser goes: 400, not a 500 (review of issue 20).
    profundo = "[" * 5000 + "]" * 5000
    cabeceras = {"If-Match": etag, "Content-Type": "application/json"}
    assert cliente.put(url, data=profundo, headers=cabeceras).status_code == 400
    # "*" is no read of the report: refused like a stale tag.
    r = cliente.put(
        url, json={"lineas": [{"idg": idg, "estado": "valor"}]}, headers={"If-Match": "*"}
    )
    assert r.status_code == 412
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evento)) == antes


def test_evidence_upload(api_de, demo):
    """A PDF attached through the API is the line's evidence (audited); a file the web refuses
    is refused with the same Spanish message."""
    import io

    _abrir_2021_1()
    cliente = api_de(Rol.drtpe)
    reporte = cliente.post("/api/v1/anexo4", json={"periodo": "2021-1"}).get_json()
    url = f"/api/v1/anexo4/{reporte['id']}/lineas/1/evidencias"
    antes = cliente.get(f"/api/v1/anexo4/{reporte['id']}").headers["ETag"]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = cliente.post(url, data={"archivo": (io.BytesIO(pdf), "acta.pdf")})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["nombre"] == "acta.pdf" and r.get_json()["tamanio"] == len(pdf)
    nueva = r.headers["ETag"]  # the report's new ETag, the one a GET now answers
    assert cliente.get(f"/api/v1/anexo4/{reporte['id']}").headers["ETag"] == nueva
    linea = next(
        li
        for li in cliente.get(f"/api/v1/anexo4/{reporte['id']}").get_json()["lineas"]
        if li["idg"] == 1
    )
    assert [e["nombre"] for e in linea["evidencias"]] == ["acta.pdf"]
    # The evidence moves the report's version: the old ETag neither matches a read (no 304)
    # nor a write (412).
    r = cliente.get(f"/api/v1/anexo4/{reporte['id']}", headers={"If-None-Match": antes})
    assert r.status_code == 200 and r.headers["ETag"] != antes
    lineas = {"lineas": [{"idg": 1, "estado": "valor"}]}
    r = cliente.put(
        f"/api/v1/anexo4/{reporte['id']}/lineas", json=lineas, headers={"If-Match": antes}
    )
    assert r.status_code == 412
    assert db.session.scalar(
        sa.select(Evento).filter_by(accion="subir_evidencia", objeto_id=reporte["id"])
    )
    r = cliente.post(url, data={"archivo": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")})
    assert r.status_code == 422 and r.get_json()["errores"]["archivo"]
    r = cliente.post(url, data={})
    assert r.status_code == 422
    assert (
        cliente.post(
            f"/api/v1/anexo4/{reporte['id']}/lineas/999/evidencias",
            data={"archivo": (io.BytesIO(pdf), "a.pdf")},
        ).status_code
        == 404
    )


def test_anexo5_as_the_web_shows_it(api_de, mejora):
    """The II-2020 evaluations: ODES reads them all with their items; a reviewer only the
    approved ones; a region's token is refused (the web's Anexo 5 is not theirs)."""
    from app.comun.flujo import EstadoReporte
    from app.mejora_continua.models.evaluaciones import Evaluacion

    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    todas = list(db.session.scalars(sa.select(Evaluacion).filter_by(periodo_id=periodo.id)))
    assert todas, "la demo no trae evaluaciones del II-2020"
    odes = api_de(Rol.odes).get("/api/v1/anexo5?periodo=2020-2").get_json()
    assert sorted(e["id"] for e in odes) == sorted(e.id for e in todas)
    assert sum(len(e["items"]) for e in odes) == sum(len(e.items) for e in todas)
    revisor = api_de(Rol.revisor).get("/api/v1/anexo5?periodo=2020-2").get_json()
    aprobadas = {e.id for e in todas if e.estado is EstadoReporte.aprobado}
    assert {e["id"] for e in revisor} == aprobadas
    assert api_de(Rol.drtpe).get("/api/v1/anexo5?periodo=2020-2").status_code == 403


def test_programme_runs_within_the_region(api_de, mejora):
    """The capacity programme: ODES reads every region's runs; Loreto's token only Loreto's."""
    from app.mejora_continua.models.programacion import ProgramaCapacidades

    programa = db.session.scalar(sa.select(ProgramaCapacidades))
    assert programa is not None, "la demo no trae programa de capacidades"
    url = f"/api/v1/programas/{programa.anio}"
    todas = api_de(Rol.odes).get(url).get_json()
    regiones = {c["region"] for a in todas["actividades"] for c in a["corridas"]}
    assert len(regiones) > 1
    propias = api_de(Rol.drtpe).get(url).get_json()
    assert {c["region"] for a in propias["actividades"] for c in a["corridas"]} <= {"Loreto"}
    assert len(propias["actividades"]) == len(todas["actividades"])
    assert api_de(Rol.revisor).get("/api/v1/programas/1900").status_code == 404
    # A run's observation: ODES reads it, a reviewer does not (the web's agenda hides it).
    from app.mejora_continua.models.programacion import ProgramacionRegional

    corrida = db.session.scalar(sa.select(ProgramacionRegional).limit(1))
    corrida.observacion = "OBSERVACION-MARCA"
    db.session.commit()
    assert "OBSERVACION-MARCA" in api_de(Rol.odes).get(url).text
    assert "OBSERVACION-MARCA" not in api_de(Rol.revisor).get(url).text


def test_convenios_by_cycle_and_year(api_de, demo):
    """Convenios filtered by cycle and by a year in force; a region's token sees its own."""
    from app.convenios.models import Convenio

    ciclo = db.session.scalar(sa.select(Convenio.conjunto_id).limit(1))
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Convenio).where(Convenio.conjunto_id == ciclo)
    )
    cuerpo = api_de(Rol.odes).get(f"/api/v1/convenios?ciclo={ciclo}&por_pagina=500").get_json()
    assert cuerpo["total"] == total and {c["ciclo_id"] for c in cuerpo["elementos"]} == {ciclo}
    assert api_de(Rol.odes).get("/api/v1/convenios?anio=1990").get_json()["total"] == 0
    propios = api_de(Rol.drtpe).get("/api/v1/convenios?por_pagina=500").get_json()["elementos"]
    assert propios and {c["region"] for c in propios} == {"Loreto"}


def test_observation_reason_only_while_observed(api_de, demo):
    """The reason of an observation is shown while the report is observed, not after it is
    sent again (as on the web)."""
    from app.comun.flujo import EstadoReporte

    reporte = db.session.scalar(sa.select(Reporte).limit(1))
    reporte.estado, reporte.motivo_observacion = EstadoReporte.observado, "MOTIVO-MARCA"
    db.session.commit()
    cliente = api_de(Rol.odes)
    periodo = reporte.periodo.codigo
    assert "MOTIVO-MARCA" in cliente.get(f"/api/v1/anexo4/{reporte.id}").text
    assert "MOTIVO-MARCA" in cliente.get(f"/api/v1/anexo4?periodo={periodo}&por_pagina=500").text
    reporte.estado = EstadoReporte.enviado
    db.session.commit()
    assert "MOTIVO-MARCA" not in cliente.get(f"/api/v1/anexo4/{reporte.id}").text
    assert (
        "MOTIVO-MARCA" not in cliente.get(f"/api/v1/anexo4?periodo={periodo}&por_pagina=500").text
    )


def test_cells_are_paged_in_sql(api_de, demo):
    """/celdas counts and pages in the database: a page reads at most its own rows, and the
    pages put together are the whole list, in region then IdG order, with the IdG filter."""
    from sqlalchemy import event

    cliente = api_de(Rol.odes)
    todas = cliente.get("/api/v1/celdas?periodo=2020-2&por_pagina=500").get_json()
    assert todas["total"] == len(todas["elementos"]) > 20
    sentencias: list[str] = []

    def anotar(_conn, _cursor, sentencia, *_args):
        """Keep each statement's SQL."""
        sentencias.append(sentencia.upper())

    paginas = []
    for n in range(1, 4):
        event.listen(db.engine, "before_cursor_execute", anotar)
        try:
            cuerpo = cliente.get(f"/api/v1/celdas?periodo=2020-2&por_pagina=7&pagina={n}")
        finally:
            event.remove(db.engine, "before_cursor_execute", anotar)
        pagina = cuerpo.get_json()
        assert pagina["total"] == todas["total"] and len(pagina["elementos"]) == 7
        paginas += pagina["elementos"]
    assert paginas == todas["elementos"][:21]
    celdas = [s for s in sentencias if "FROM LINEA_REPORTE" in s]
    assert celdas and all("LIMIT" in s or "COUNT(" in s for s in celdas)
    idg3 = cliente.get("/api/v1/celdas?periodo=2020-2&idg=3&por_pagina=500").get_json()
    assert idg3["total"] == sum(1 for c in todas["elementos"] if c["idg"] == 3)
    assert {c["idg"] for c in idg3["elementos"]} == {3}
