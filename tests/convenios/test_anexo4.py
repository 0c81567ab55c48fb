"""Anexo 4: periods, the grid, validation, the review workflow, locking, history, completeness."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.catalogo.models import Indicador, Region
from app.comun import calculos
from app.comun.concurrencia import EdicionConcurrente
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoReporte,
    Meta,
    Periodo,
    Reporte,
)
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import periodos
from app.convenios.services import anexo4 as services
from tests.conftest import publicar_informe, usuario_demo

HOY = date(2021, 7, 15)
AHORA = datetime(2021, 7, 15, 15, 0, tzinfo=UTC)
LORETO_PROG = [60, 60, 70, 10, 89, 50, 7, 75, 55, 1, 50, 50]
LORETO_EJEC = [60, 45, 30, 10, 89, 58, 7, 25, 66, 1, 33, 27]


@pytest.fixture
def periodo(bd):
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    return periodo


def _convenio(bd, codigo):
    return bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


@pytest.fixture
def reporte(bd, periodo):
    reporte = services.obtener_o_crear_reporte(_convenio(bd, "loreto"), periodo, usuario_id=None)
    bd.session.commit()
    return reporte


def _llenar(reporte, prog=LORETO_PROG, ejec=LORETO_EJEC):
    return {
        linea.id: {
            "estado": EstadoCelda.valor,
            "programado": Decimal(p),
            "ejecutado": Decimal(e),
            "comentario": None,
            "motivo_estado": None,
        }
        for linea, p, e in zip(reporte.lineas, prog, ejec, strict=True)
    }


def _guardar(bd, reporte, datos, usuario=None):
    usuario = usuario or usuario_demo(Rol.drtpe)
    revisiones = services.guardar_lineas(
        reporte, datos, usuario=usuario, hoy=HOY, version=reporte.version
    )
    bd.session.commit()
    return revisiones


def test_new_report_has_one_line_per_idg_of_the_convenio(reporte):
    assert [linea.indicador_numero for linea in reporte.lineas] == list(range(1, 13))
    assert reporte.estado is EstadoReporte.borrador


def test_report_needs_a_signed_convenio_covering_the_year(bd, periodo):
    with pytest.raises(services.ErrorAnexo4, match="no está suscrito"):
        services.obtener_o_crear_reporte(_convenio(bd, "junin"), periodo, usuario_id=None)
    otro = Periodo(anio=2023, semestre=1)
    bd.session.add(otro)
    with pytest.raises(services.ErrorAnexo4, match="no cubre"):
        services.obtener_o_crear_reporte(_convenio(bd, "loreto"), otro, usuario_id=None)


def test_full_workflow_and_loreto_averages(bd, reporte):
    drtpe, odes = usuario_demo(Rol.drtpe), usuario_demo(Rol.odes)
    _guardar(bd, reporte, _llenar(reporte))
    services.enviar(reporte, usuario=drtpe, ahora=AHORA)
    bd.session.commit()
    assert reporte.estado is EstadoReporte.enviado
    services.aprobar(reporte, usuario=odes, ahora=AHORA)
    bd.session.commit()
    assert reporte.bloqueado
    prom = calculos.desempeno_por_region(queries.celdas(reporte.periodo))["Loreto"]
    assert (prom.programado_pct, prom.ejecutado_pct, prom.n) == (48, 38, 12)


def test_unapproved_reports_stay_out_of_the_calculations(bd, reporte):
    _guardar(bd, reporte, _llenar(reporte))
    assert queries.celdas(reporte.periodo) == []
    assert len(queries.celdas(reporte.periodo, solo_aprobados=False)) == 12


@pytest.mark.parametrize(
    "estado, motivo",
    [
        (EstadoReporte.aprobado, "aprobado y bloqueado"),
        (EstadoReporte.enviado, "en revisión"),
    ],
)
def test_locked_states_refuse_edits_with_the_reason(bd, reporte, estado, motivo):
    reporte.estado = estado
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match=motivo):
        _guardar(bd, reporte, _llenar(reporte))


def test_closed_period_and_passed_deadline_refuse_edits(bd, reporte):
    reporte.periodo.abierto = False
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match="I Semestre 2021 está cerrado"):
        _guardar(bd, reporte, _llenar(reporte))
    reporte.periodo.abierto = True
    reporte.periodo.fecha_cierre_anexo4 = date(2021, 7, 1)
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match="venció el 01/07/2021"):
        _guardar(bd, reporte, _llenar(reporte))


def test_negative_only_on_variations(bd, reporte):
    datos = _llenar(reporte)
    lineas = {linea.indicador_numero: linea.id for linea in reporte.lineas}
    datos[lineas[1]]["ejecutado"] = Decimal(-5)
    datos[lineas[10]]["ejecutado"] = Decimal(-22)
    revisiones = services.guardar_lineas(
        reporte, datos, usuario=usuario_demo(Rol.drtpe), hoy=HOY, version=None
    )
    assert "no admite valores negativos" in revisiones[lineas[1]].errores["ejecutado"]
    assert not revisiones[lineas[10]].errores
    bd.session.rollback()
    bd.session.refresh(reporte)
    assert all(linea.ejecutado is None for linea in reporte.lineas)  # nothing written


def test_above_100_is_a_warning_that_needs_a_comment(bd, reporte):
    datos = _llenar(reporte)
    idg11 = next(linea for linea in reporte.lineas if linea.indicador_numero == 11)
    datos[idg11.id]["ejecutado"] = Decimal(187)
    revisiones = _guardar(bd, reporte, datos)
    assert not revisiones[idg11.id].errores
    assert "fuera del rango habitual" in revisiones[idg11.id].advertencias[0]
    with pytest.raises(services.ErrorAnexo4, match="IdG 11: explique en el comentario"):
        services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    bd.session.rollback()
    datos[idg11.id]["comentario"] = "Se realizaron más asistencias técnicas de las programadas."
    _guardar(bd, reporte, datos)
    services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    assert reporte.estado is EstadoReporte.enviado


def test_large_jump_from_previous_semester_is_a_warning(bd, reporte):
    anterior = Periodo(anio=2020, semestre=2, abierto=False)
    bd.session.add(anterior)
    previo = services.obtener_o_crear_reporte(_convenio(bd, "loreto"), anterior, usuario_id=None)
    _guardar_sin_bloqueo = _llenar(previo, ejec=[0] * 12)
    for linea in previo.lineas:
        linea.estado = EstadoCelda.valor
        linea.programado = _guardar_sin_bloqueo[linea.id]["programado"]
        linea.ejecutado = Decimal(0)
    previo.estado = EstadoReporte.aprobado
    bd.session.commit()
    revisiones = _guardar(bd, reporte, _llenar(reporte))
    idg5 = next(linea for linea in reporte.lineas if linea.indicador_numero == 5)
    assert any("respecto del semestre anterior" in a for a in revisiones[idg5.id].advertencias)


def test_submit_requires_complete_lines_and_a_reason_for_no_aplica(bd, reporte):
    drtpe = usuario_demo(Rol.drtpe)
    with pytest.raises(services.ErrorAnexo4, match="Indique el valor"):
        services.enviar(reporte, usuario=drtpe, ahora=AHORA)
    bd.session.rollback()
    datos = _llenar(reporte)
    idg2 = reporte.lineas[1]
    datos[idg2.id] = datos[idg2.id] | {
        "estado": EstadoCelda.no_aplica,
        "programado": None,
        "ejecutado": None,
    }
    _guardar(bd, reporte, datos)
    with pytest.raises(services.ErrorAnexo4, match="IdG 2: indique por qué no aplica"):
        services.enviar(reporte, usuario=drtpe, ahora=AHORA)


def test_values_with_non_value_state_are_an_error(bd, reporte):
    datos = _llenar(reporte)
    primera = reporte.lineas[0]
    datos[primera.id]["estado"] = EstadoCelda.sin_meta
    revisiones = services.guardar_lineas(
        reporte, datos, usuario=usuario_demo(Rol.drtpe), hoy=HOY, version=None
    )
    assert "no se registran valores" in revisiones[primera.id].errores["estado"]


def test_return_requires_a_reason_and_region_sees_it(bd, reporte, client, sesion):
    _guardar(bd, reporte, _llenar(reporte))
    services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    bd.session.commit()
    odes = usuario_demo(Rol.odes)
    with pytest.raises(services.ErrorAnexo4, match="motivo"):
        services.observar(reporte, usuario=odes, motivo="  ")
    services.observar(reporte, usuario=odes, motivo="Revise el IdG 3: falta sustento.")
    bd.session.commit()
    sesion.entrar(Rol.drtpe)
    pagina = client.get(f"/convenios/anexo4/{reporte.id}").text
    assert "Revise el IdG 3: falta sustento." in pagina
    assert "Editar valores" in pagina


def test_only_the_proponent_directorate_may_return(bd, reporte):
    _guardar(bd, reporte, _llenar(reporte))
    services.enviar(reporte, usuario=usuario_demo(Rol.drtpe), ahora=AHORA)
    dnccl = usuario_demo(Rol.direccion)  # proposes IdG 3, which the report has
    assert services.puede_observar(reporte, dnccl)
    assert not services.puede_observar(reporte, usuario_demo(Rol.revisor))
    assert not services.puede_observar(reporte, usuario_demo(Rol.drtpe))
    with pytest.raises(services.ErrorAnexo4, match="Solo la ODES aprueba"):
        services.aprobar(reporte, usuario=dnccl, ahora=AHORA)


def test_approval_keeps_original_goal_after_reopen_and_change(bd, reporte, client, sesion):
    drtpe, odes = usuario_demo(Rol.drtpe), usuario_demo(Rol.odes)
    _guardar(bd, reporte, _llenar(reporte))
    services.enviar(reporte, usuario=drtpe, ahora=AHORA)
    services.aprobar(reporte, usuario=odes, ahora=AHORA)
    bd.session.commit()
    with pytest.raises(services.ErrorAnexo4, match="motivo"):
        services.reabrir(reporte, usuario=odes, motivo="")
    services.reabrir(reporte, usuario=odes, motivo="La meta del IdG 1 se reajustó por adenda")
    bd.session.commit()
    datos = _llenar(reporte)
    primera = reporte.lineas[0]
    datos[primera.id]["programado"] = Decimal(70)
    _guardar(bd, reporte, datos)
    bd.session.refresh(primera)
    assert (primera.programado, primera.programado_original) == (70, 60)
    sesion.entrar(Rol.odes)
    pagina = client.get(f"/convenios/anexo4/{reporte.id}").text
    assert "original: 60 %" in pagina
    assert "La meta del IdG 1 se reajustó por adenda" in pagina
    assert "IdG 1 programado" in pagina  # history shows the field, old and new values


def test_stale_save_is_refused_and_nothing_is_overwritten(bd, reporte):
    drtpe = usuario_demo(Rol.drtpe)
    version_leida = reporte.version
    _guardar(bd, reporte, _llenar(reporte))
    otros = _llenar(reporte, prog=[1] * 12)
    with pytest.raises(EdicionConcurrente):
        services.guardar_lineas(reporte, otros, usuario=drtpe, hoy=HOY, version=version_leida)
    bd.session.rollback()
    bd.session.refresh(reporte)
    assert [int(linea.programado) for linea in reporte.lineas] == LORETO_PROG


def test_grid_through_the_web(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    pagina = client.get(f"/convenios/anexo4/{reporte.id}/editar")
    assert pagina.status_code == 200 and "IdG 12" in pagina.text
    datos = {"version": reporte.version}
    for i, linea in enumerate(reporte.lineas):
        datos |= {
            f"lineas-{i}-linea_id": linea.id,
            f"lineas-{i}-estado": "valor",
            f"lineas-{i}-programado": str(LORETO_PROG[i]),
            f"lineas-{i}-ejecutado": str(LORETO_EJEC[i]),
        }
    # A thousands separator is refused; a decimal comma is read (issue 19: "60,5" = 60.5).
    con_miles = datos | {"lineas-0-programado": "1,250.5"}
    respuesta = client.post(f"/convenios/anexo4/{reporte.id}/editar", data=con_miles)
    assert "sin separador de miles" in respuesta.text and "no se guardó nada" in respuesta.text
    respuesta = client.post(
        f"/convenios/anexo4/{reporte.id}/editar", data=datos, follow_redirects=True
    )
    assert "guardado como borrador" in respuesta.text
    respuesta = client.post(f"/convenios/anexo4/{reporte.id}/enviar", follow_redirects=True)
    assert "enviado a revisión" in respuesta.text
    respuesta = client.get(f"/convenios/anexo4/{reporte.id}/editar", follow_redirects=True)
    assert "en revisión" in respuesta.text


def test_other_region_cannot_reach_the_report(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe, "drtpe.puno@demo.trabajo.gob.pe")
    for url in (f"/convenios/anexo4/{reporte.id}", f"/convenios/anexo4/{reporte.id}/editar"):
        assert client.get(url).status_code == 404
    assert client.post(f"/convenios/anexo4/{reporte.id}/enviar").status_code == 404


def test_directorate_sees_only_its_idg_lines(bd, reporte, client, sesion):
    sesion.entrar(Rol.direccion)
    pagina = client.get(f"/convenios/anexo4/{reporte.id}").text
    idg3 = bd.session.scalar(sa.select(Indicador).filter_by(numero=3)).nombre
    idg1 = bd.session.scalar(sa.select(Indicador).filter_by(numero=1)).nombre
    assert idg3 in pagina and idg1 not in pagina


def test_region_starts_its_report_from_the_semester_page(bd, periodo, client, sesion):
    sesion.entrar(Rol.drtpe)
    pagina = client.get("/convenios/anexo4?periodo=2021-1").text
    assert "Iniciar mi Anexo 4" in pagina
    respuesta = client.post("/convenios/anexo4/iniciar", data={"periodo": "2021-1"})
    assert respuesta.status_code == 302 and "/editar" in respuesta.location
    assert bd.session.scalar(sa.select(sa.func.count(Reporte.id))) == 1


def test_periods_are_managed_by_odes_with_checks(bd, client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/convenios/periodos/nuevo",
        data={"anio": 2021, "semestre": 2, "fecha_limite_anexo4": "2021-11-30", "abierto": "y"},
    )
    assert "posterior al cierre del semestre (31/12/2021)" in respuesta.text
    respuesta = client.post(
        "/convenios/periodos/nuevo",
        data={
            "anio": 2021,
            "semestre": 2,
            "fecha_limite_anexo4": "2022-01-31",
            "fecha_cierre_anexo4": "2022-01-15",
            "abierto": "y",
        },
    )
    assert "no puede ser anterior a la fecha límite" in respuesta.text
    respuesta = client.post(
        "/convenios/periodos/nuevo",
        data={"anio": 2021, "semestre": 2, "fecha_limite_anexo4": "2022-01-31", "abierto": "y"},
    )
    assert respuesta.status_code == 302
    respuesta = client.post("/convenios/periodos/nuevo", data={"anio": 2021, "semestre": 2})
    assert "ya está registrado" in respuesta.text


def test_completeness_counts_on_time_late_and_missing(bd, periodo):
    drtpe = usuario_demo(Rol.drtpe)
    loreto = services.obtener_o_crear_reporte(_convenio(bd, "loreto"), periodo, usuario_id=None)
    puno = services.obtener_o_crear_reporte(_convenio(bd, "puno"), periodo, usuario_id=None)
    loreto.enviado_en = datetime(2021, 7, 20, 15, tzinfo=UTC)
    puno.enviado_en = datetime(2021, 8, 3, 15, tzinfo=UTC)
    bd.session.commit()
    r = calculos.completitud(queries.entregas(periodo), periodo.fecha_limite_anexo4)
    assert r.esperados == 21
    assert r.a_tiempo == ["Loreto"]
    assert r.tardios == [("Puno", 3)]
    assert len(r.faltantes) == 19 and "Tumbes" in r.faltantes and "Junín" not in r.faltantes
    assert drtpe is not None


def test_no_page_changes_a_goal_outside_its_programming(bd, reporte, client, sesion):
    """Regression: the old «Metas anuales» page let a region overwrite an annual goal (70 → 40)
    with no reason and no approval. Goals now change only through their programming (and an
    approved reprogramming); the old address answers 404 and writes nothing."""
    convenio = reporte.convenio
    idg = reporte.lineas[0].indicador
    meta = Meta(convenio=convenio, indicador=idg, anio=2021, valor=Decimal(70))
    bd.session.add(meta)
    bd.session.commit()
    for rol in (Rol.drtpe, Rol.odes):
        sesion.entrar(rol)
        respuesta = client.post(
            f"/convenios/{convenio.id}/metas/2021", data={f"meta-{idg.id}": "40"}
        )
        assert respuesta.status_code == 404
        sesion.salir()
    bd.session.refresh(meta)
    assert meta.valor == Decimal(70)


def test_two_real_sessions_saving_the_same_report_one_wins(bd, reporte):
    """Two connections load the same version; the second flush is refused (no lost update)."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    with Session(bd.engine) as uno, Session(bd.engine) as dos:
        r1, r2 = uno.get(Reporte, reporte.id), dos.get(Reporte, reporte.id)
        assert r1.version == r2.version
        r1.lineas[0].programado = Decimal(11)
        r1.actualizado_en = AHORA
        uno.commit()
        r2.lineas[0].programado = Decimal(22)
        r2.actualizado_en = AHORA
        with pytest.raises(StaleDataError):
            dos.commit()
        dos.rollback()
    bd.session.expire_all()
    assert bd.session.get(Reporte, reporte.id).lineas[0].programado == 11


def test_completeness_ii_2020_with_the_demo_data(demo):
    periodo = periodos.periodo_exacto("2020-2")
    r = calculos.completitud(queries.entregas(periodo), periodo.fecha_limite_anexo4)
    assert r.esperados == 21
    assert len(r.recibidos) == 18 and len(r.a_tiempo) == 18 and r.tardios == []
    assert sorted(r.faltantes) == ["Arequipa", "Ayacucho", "Tumbes"]


def test_completeness_and_results_pages(demo, client, sesion):
    sesion.entrar(Rol.revisor)
    # Before the report is published a reviewer reads who reported, not the figures.
    pagina = client.get("/convenios/anexo4/resultados?periodo=2020-2").text
    assert "aún no se ha publicado" in pagina and "<td>Loreto</td>" not in pagina
    publicar_informe(2020, 2)
    pagina = client.get("/convenios/anexo4/completitud?periodo=2020-2").text
    assert "Arequipa, Ayacucho, Tumbes." in pagina
    assert '<span class="cifra">21</span>' in pagina and '<span class="cifra">18</span>' in pagina
    pagina = client.get("/convenios/anexo4/resultados?periodo=2020-2").text
    fila_loreto = pagina[pagina.index("<td>Loreto</td>") :][:200]
    assert "48 %" in fila_loreto and "38 %" in fila_loreto and ">12<" in fila_loreto
    assert "187 %" in pagina  # Callao, Cuadro Nº 04
    assert "Ejecución ligeramente mayor" in pagina  # IdG 10: 9 % vs 10 %


def test_dashboard_shows_what_is_pending(demo, client, sesion):
    sesion.entrar(Rol.drtpe)
    pagina = client.get("/tablero").text
    assert "Anexo 4 por presentar" in pagina and "I Semestre 2021" in pagina
    sesion.salir()
    sesion.entrar(Rol.odes)
    # The demo's open semester (I-2021) is past its due date: ODES sees who has not sent it.
    pagina = client.get("/tablero").text
    assert "Regiones con el Anexo 4 atrasado" in pagina and "21 regiones sin enviar" in pagina


def test_first_approved_goals_are_kept_for_each_reports_own_convenio_and_year(demo):
    """fijar_originales matches goals by (convenio, year) of each report, not by either alone."""
    reportes = demo.session.scalars(
        sa.select(Reporte).join(Periodo).where(Periodo.anio == 2020)
    ).all()
    uno, otro = reportes[0], next(r for r in reportes if r.convenio_id != reportes[0].convenio_id)
    indicador = demo.session.scalars(sa.select(Indicador)).first()
    metas = {}
    for reporte in (uno, otro):
        for anio in (2020, 2021):
            metas[(reporte.convenio_id, anio)] = meta = Meta(
                convenio_id=reporte.convenio_id,
                indicador_id=indicador.id,
                anio=anio,
                valor=Decimal(anio - 1990),
            )
            demo.session.add(meta)
    demo.session.flush()
    # The other report is moved to 2021 for this call: its 2020 goal must stay unset.
    otro_2021 = Periodo(anio=2021, semestre=2, abierto=False)
    demo.session.add(otro_2021)
    demo.session.flush()
    otro.periodo = otro_2021

    services.fijar_originales([uno, otro])
    demo.session.expire_all()

    assert {clave: meta.valor_original for clave, meta in metas.items()} == {
        (uno.convenio_id, 2020): Decimal(30),
        (uno.convenio_id, 2021): None,
        (otro.convenio_id, 2020): None,
        (otro.convenio_id, 2021): Decimal(31),
    }
