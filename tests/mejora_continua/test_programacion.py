"""Capacity-building programme: months, seeded 2021 programme, execution, matrix and Excel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.auditoria import historial
from app.comun.roles import Rol
from app.convenios.models import EstadoReporte, Periodo
from app.mejora_continua.exportacion.programacion import ENCABEZADOS_MATRIZ
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    MovimientoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    texto_meses,
)
from app.mejora_continua.queries import programacion as queries
from app.mejora_continua.queries import programacion_avance as queries_avance
from app.mejora_continua.queries import programacion_matriz as queries_matriz
from app.mejora_continua.services import programacion as services
from app.mejora_continua.services import programacion_actividades as actividades
from seed.programacion import cargar_programa_demo, meses_del_texto
from tests.conftest import usuario_demo

AHORA = datetime(2021, 8, 20, 15, 0, tzinfo=UTC)
HOY = date(2021, 8, 20)
MESES_X = ["ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC"]


@pytest.fixture
def programa(bd):
    cargar_programa_demo()
    bd.session.commit()
    return bd.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=2021))


def _actividad(bd, idg: int, numero: int, anio: int = 2021) -> Actividad:
    return bd.session.scalar(
        sa.select(Actividad)
        .join(Indicador, Actividad.indicador_id == Indicador.id)
        .join(ProgramaCapacidades)
        .where(
            ProgramaCapacidades.anio == anio, Indicador.numero == idg, Actividad.numero == numero
        )
    )


def _run(bd, idg: int, numero: int, region: str, mes: int | None = None) -> ProgramacionRegional:
    actividad = _actividad(bd, idg, numero)
    candidatas = [
        p
        for p in actividad.programaciones
        if p.region.codigo == region and (mes is None or p.mes == mes)
    ]
    assert len(candidatas) == 1, candidatas
    return candidatas[0]


def _regiones(actividad: Actividad) -> set[str]:
    return {p.region.nombre for p in actividad.programaciones}


# --- Months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texto_mes", "esperado"),
    [
        ("Ene", [1]),
        ("Ener", [1]),
        ("Feb", [2]),
        ("Febr", [2]),
        ("Mar", [3]),
        ("Marz", [3]),
        ("Abr", [4]),
        ("Abri", [4]),
        ("May", [5]),
        ("may", [5]),
        ("Jun", [6]),
        ("Jul", [7]),
        ("Ago", [8]),
        ("Agos", [8]),
        ("Set", [9]),
        ("Oct", [10]),
        ("Nov", [11]),
        ("Dic", [12]),
        ("enero", [1]),
        ("febrero", [2]),
        ("marzo", [3]),
        ("abril", [4]),
        ("mayo", [5]),
        ("junio", [6]),
        ("julio", [7]),
        ("agosto", [8]),
        ("setiembre", [9]),
        ("Septiembre", [9]),
        ("octubre", [10]),
        ("noviembre", [11]),
        ("diciembre", [12]),
        ("mayo de 2021", [5]),
        ("el mes de octubre de 2021", [10]),
        ("Abri y -Agos", [4, 8]),
        ("May-Set", [5, 9]),
        ("Jun-Oct", [6, 10]),
        ("Jul- Nov", [7, 11]),
        ("Feb y Set", [2, 9]),
        ("Febr y Set", [2, 9]),
        ("Feb, Mar y Abri", [2, 3, 4]),
        ("Ene, May,Set", [1, 5, 9]),
        ("Marz, may y Set", [3, 5, 9]),
        ("Ener y Jul", [1, 7]),
        ("Ene, Mar, May,Jul, Set", [1, 3, 5, 7, 9]),
        ("Set, Feb, Feb", [2, 9]),
        ("3 y 12", [3, 12]),
        ("", []),
        ("  ", []),
    ],
)
def test_leer_meses_reads_every_spelling_of_the_documents(texto_mes, esperado):
    assert actividades.leer_meses(texto_mes) == esperado


@pytest.mark.parametrize("malo", ["Feb y Foo", "Ma", "13", "Febrerito", "Q1"])
def test_leer_meses_refuses_unknown_words_in_spanish(malo):
    with pytest.raises(services.ErrorProgramacion) as error:
        actividades.leer_meses(malo)
    assert "No se reconoce el mes" in error.value.mensaje


def test_leer_meses_checks_the_year_when_given():
    assert actividades.leer_meses("mayo de 2021", anio=2021) == [5]
    with pytest.raises(services.ErrorProgramacion, match="2020"):
        actividades.leer_meses("mayo de 2020", anio=2021)


def test_texto_meses_writes_them_as_the_documents():
    assert texto_meses([9, 2]) == "Feb y Set"
    assert texto_meses([1, 5, 9]) == "Ene, May y Set"
    assert texto_meses([4]) == "Abr"


def test_leer_detalle_resolves_aliases_and_all_regions(bd):
    plan = actividades.leer_detalle(
        "Cajamarca, Callao, Junín, Lima Provincia, Loreto (Abr)\nUcayal i y PAsco (May-Set)"
    )
    nombres = {bd.session.get(Region, r).nombre: m for r, m in plan.items()}
    assert nombres == {
        "Cajamarca": {4},
        "Callao": {4},
        "Junín": {4},
        "Lima": {4},
        "Loreto": {4},
        "Ucayali": {5, 9},
        "Pasco": {5, 9},
    }
    todas = actividades.leer_detalle(
        "Dirigido a las 26 REGIONES incluido Lima _Metropolitana (Feb)"
    )
    assert len(todas) == 26
    with pytest.raises(services.ErrorProgramacion, match="Atlantis"):
        actividades.leer_detalle("Loreto, Atlantis (Feb)")
    with pytest.raises(services.ErrorProgramacion, match="Falta el mes"):
        actividades.leer_detalle("Loreto (Feb); Puno")


# --- The seeded 2021 programme -------------------------------------------------------------


def test_seeded_programme_counts(bd, programa):
    assert programa.estado is EstadoPrograma.aprobado
    assert programa.nombre == (
        "Programación Anual de Fortalecimiento de Capacidades a favor de las regiones 2021"
    )
    assert len(programa.actividades) == 31
    assert len(_regiones(_actividad(bd, 2, 1))) == 25
    assert len(_regiones(_actividad(bd, 3, 1))) == 25
    assert len(_regiones(_actividad(bd, 4, 1))) == 26
    assert [len(_regiones(_actividad(bd, 6, n))) for n in (1, 2, 3)] == [9, 14, 21]
    assert [len(_regiones(_actividad(bd, 9, n))) for n in (1, 2, 3)] == [8, 20, 23]
    # IdG 10: SOM strengthened in 15 regions, implemented in 10 (Huancavelica has no month).
    som_si, som_no = _actividad(bd, 10, 1), _actividad(bd, 10, 2)
    assert len(_regiones(som_si)) == 15 and "Lima Metropolitana" in _regiones(som_si)
    assert len(_regiones(som_no)) == 10 and "Huancavelica" not in _regiones(som_no)
    assert "Huancavelica" in som_no.nota
    # IdG 11: four macro-regional encounters reach the 26 regions, Lima Metropolitana included.
    encuentro = _actividad(bd, 11, 3)
    assert len(_regiones(encuentro)) == 26
    assert queries.cronograma(encuentro) == {3, 6, 9, 11}
    assert _run(bd, 11, 3, "lima-metropolitana").mes == 3
    assert _run(bd, 11, 3, "lima").mes == 3  # "Lima Provincia" = GORE Lima
    assert _run(bd, 11, 3, "puno").mes == 9  # "Pun"
    assert _run(bd, 11, 3, "madre-de-dios").mes == 11  # "Madre de Dos"
    # IdG 12: nine activities; the first with the reprogrammed months and a note.
    assert len([a for a in programa.actividades if a.indicador.numero == 12]) == 9
    problematicas = _actividad(bd, 12, 1)
    assert len(_regiones(problematicas)) == 23
    assert not {"Arequipa", "Loreto"} & _regiones(problematicas)
    assert _run(bd, 12, 1, "cusco").mes == 2
    assert "reprogramado" in _run(bd, 12, 1, "cusco").nota
    total = bd.session.scalar(sa.select(sa.func.count(ProgramacionRegional.id)))
    assert total == 508


def test_seed_is_idempotent_and_keeps_execution(bd, programa):
    loreto = _run(bd, 3, 1, "loreto")
    services.registrar_ejecucion(
        loreto,
        fecha=date(2021, 2, 15),
        participantes=30,
        usuario=usuario_demo(Rol.odes),
        hoy=HOY,
        ahora=AHORA,
    )
    bd.session.commit()
    resumen = cargar_programa_demo()
    bd.session.commit()
    assert resumen.nuevas == 0
    assert bd.session.scalar(sa.select(sa.func.count(ProgramacionRegional.id))) == 508
    assert bd.session.scalar(sa.select(sa.func.count(Actividad.id))) == 31
    assert _run(bd, 3, 1, "loreto").estado is EstadoProgramacion.ejecutada


def test_seed_texts_name_the_month_of_every_row():
    assert meses_del_texto("Cajamarca, Ancash y San Martin (Abri y Ago)") == [4, 8]
    assert meses_del_texto("Macro 1 (Marz) Centro: Callao, Ayacucho") == [3]
    assert meses_del_texto("Cusco, es reprogramada para el mes de febrero de 2021.") == [2]


def test_schedule_is_derived_from_the_regional_months(bd, programa):
    assert queries.cronograma(_actividad(bd, 3, 1)) == {2, 7}
    assert queries.cronograma(_actividad(bd, 2, 1)) == {4, 6, 9}
    idg1 = set().union(*(queries.cronograma(_actividad(bd, 1, n)) for n in (1, 2, 3)))
    assert idg1 == {2, 4, 5, 6, 9, 11}  # the six X of the matrix
    # IdG 7: the printed matrix shows 9 X, the months of its DETALLE are 10.
    idg7 = queries.cronograma(_actividad(bd, 7, 1)) | queries.cronograma(_actividad(bd, 7, 2))
    assert len(idg7) == 10
    assert queries.cronograma(_actividad(bd, 11, 1)) == set()
    fila = next(f for f in queries_matriz.matriz(2021).filas if f.indicador.numero == 1)
    assert fila.meses == {2, 4, 5, 6, 9, 11}


def test_detalle_text_groups_regions_like_the_matrix(bd, programa):
    assert queries.detalle(_actividad(bd, 4, 1)) == (
        "Dirigido a las 26 regiones, incluida Lima Metropolitana (Feb y Jun)"
    )
    detalle = queries.detalle(_actividad(bd, 8, 1))
    assert detalle == (
        "Huánuco, La Libertad, Moquegua, Ucayali (Feb y Jul); Ancash, Cajamarca, San Martín "
        "(Abr y Ago)"
    )


# --- Reprogramming and cancellation --------------------------------------------------------


def test_reprogramming_requires_a_reason_and_moves_the_month(bd, programa):
    odes = usuario_demo(Rol.odes)
    lambayeque = _run(bd, 10, 1, "lambayeque")  # the only run of the activity in October
    assert 10 in queries.cronograma(lambayeque.actividad)
    with pytest.raises(services.ErrorProgramacion) as error:
        services.reprogramar(lambayeque, 11, "  ", usuario=odes, ahora=AHORA)
    assert error.value.campo == "motivo"
    services.reprogramar(
        lambayeque, 11, "Cambio de autoridades regionales", usuario=odes, ahora=AHORA
    )
    bd.session.commit()
    assert lambayeque.estado is EstadoProgramacion.reprogramada
    assert (lambayeque.mes, lambayeque.mes_vigente) == (10, 11)
    cronograma = queries.cronograma(lambayeque.actividad)
    assert 11 in cronograma and 10 not in cronograma
    movimiento = lambayeque.movimientos[-1]
    assert (movimiento.mes_anterior, movimiento.mes_nuevo) == (10, 11)
    evento = historial("programacion_regional", lambayeque.id)[0]
    assert evento.accion == "reprogramar" and evento.motivo == "Cambio de autoridades regionales"
    # Executed later in the new month; then no further change.
    services.registrar_ejecucion(
        lambayeque,
        fecha=date(2021, 11, 5),
        participantes=12,
        usuario=odes,
        hoy=date(2021, 12, 31),
        ahora=AHORA,
    )
    with pytest.raises(services.ErrorProgramacion, match="ya fue ejecutada"):
        services.cancelar(lambayeque, "Sin presupuesto", usuario=odes, ahora=AHORA)


def test_reprogramming_refuses_a_month_already_taken(bd, programa):
    loreto = _run(bd, 9, 3, "loreto", mes=1)  # Loreto (Ene, Mar, May, Jul, Set)
    with pytest.raises(services.ErrorProgramacion, match="ya está programada en marzo"):
        services.reprogramar(loreto, 3, "Motivo", usuario=usuario_demo(Rol.odes), ahora=AHORA)


def test_cancellation_requires_a_reason_and_leaves_the_schedule(bd, programa):
    odes = usuario_demo(Rol.odes)
    lambayeque = _run(bd, 10, 1, "lambayeque")
    with pytest.raises(services.ErrorProgramacion, match="motivo de la cancelación"):
        services.cancelar(lambayeque, "", usuario=odes, ahora=AHORA)
    services.cancelar(lambayeque, "La región pidió postergar al 2022", usuario=odes, ahora=AHORA)
    assert 10 not in queries.cronograma(lambayeque.actividad)


def test_reprogram_route_shows_the_error_next_to_the_field(client, sesion, bd, programa):
    sesion.entrar(Rol.drtpe)  # Loreto
    loreto = _run(bd, 10, 1, "loreto")  # Loreto (Ago)
    url = f"/mejora-continua/programacion/{loreto.id}/reprogramar"
    respuesta = client.post(url, data={"mes_nuevo": "9", "motivo": ""})
    assert respuesta.status_code == 200
    assert "Indique el motivo de la reprogramación." in respuesta.text
    bd.session.expire_all()
    assert bd.session.get(ProgramacionRegional, loreto.id).mes_vigente == 8
    respuesta = client.post(url, data={"mes_nuevo": "9", "motivo": "Feriado regional"})
    assert respuesta.status_code == 302
    bd.session.expire_all()
    movido = bd.session.get(ProgramacionRegional, loreto.id)
    assert (movido.estado, movido.mes_vigente) == (EstadoProgramacion.reprogramada, 9)


# --- Execution and scope -------------------------------------------------------------------


def test_drtpe_records_execution_only_in_its_region(client, sesion, bd, programa):
    sesion.entrar(Rol.drtpe)  # Loreto
    propia = _run(bd, 3, 1, "loreto")
    ajena = _run(bd, 3, 1, "puno")
    datos = {"fecha": "2021-02-18", "participantes": "25", "observacion": "Virtual"}
    assert client.get(f"/mejora-continua/programacion/{ajena.id}").status_code == 404
    assert (
        client.post(f"/mejora-continua/programacion/{ajena.id}/ejecutar", data=datos).status_code
        == 404
    )
    assert (
        client.post(
            f"/mejora-continua/programacion/{ajena.id}/cancelar", data={"motivo": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/mejora-continua/programacion/{propia.id}").status_code == 200
    datos["evidencia"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "lista asistencia.pdf")
    respuesta = client.post(
        f"/mejora-continua/programacion/{propia.id}/ejecutar",
        data=datos,
        content_type="multipart/form-data",
    )
    assert respuesta.status_code == 302, respuesta.text
    bd.session.expire_all()
    propia = bd.session.get(ProgramacionRegional, propia.id)
    assert propia.estado is EstadoProgramacion.ejecutada
    assert (propia.fecha_ejecucion, propia.participantes) == (date(2021, 2, 18), 25)
    assert propia.evidencia_nombre == "lista_asistencia.pdf"
    assert bd.session.get(ProgramacionRegional, ajena.id).estado is EstadoProgramacion.programada
    descarga = client.get(f"/mejora-continua/programacion/{propia.id}/evidencia")
    assert descarga.status_code == 200 and descarga.data.startswith(b"%PDF")
    # The activity page shows a region only its own runs.
    pagina = client.get(f"/mejora-continua/actividades/{propia.actividad_id}").text
    assert "Loreto" in pagina and ">Puno<" not in pagina


def test_execution_data_is_checked(bd, programa):
    drtpe = usuario_demo(Rol.drtpe)
    loreto = _run(bd, 3, 1, "loreto")
    for fecha, participantes, campo in (
        (None, 10, "fecha"),
        (date(2020, 12, 1), 10, "fecha"),
        (date(2021, 9, 1), 10, "fecha"),  # after HOY
        (date(2021, 2, 1), 0, "participantes"),
    ):
        with pytest.raises(services.ErrorProgramacion) as error:
            services.registrar_ejecucion(
                loreto,
                fecha=fecha,
                participantes=participantes,
                usuario=drtpe,
                hoy=HOY,
                ahora=AHORA,
            )
        assert error.value.campo == campo
    with pytest.raises(services.ErrorProgramacion) as error:
        services.registrar_ejecucion(
            loreto,
            fecha=date(2021, 2, 1),
            participantes=5,
            usuario=drtpe,
            hoy=HOY,
            ahora=AHORA,
            evidencia=("acta.exe", b"MZ"),
        )
    assert error.value.campo == "evidencia" and "no permitido" in error.value.mensaje
    with pytest.raises(services.ErrorProgramacion, match="G/DRTPE de la región"):
        services.registrar_ejecucion(
            _run(bd, 3, 1, "puno"),
            fecha=date(2021, 2, 1),
            participantes=5,
            usuario=drtpe,
            hoy=HOY,
            ahora=AHORA,
        )


def test_execution_needs_an_approved_programme(bd, programa):
    odes = usuario_demo(Rol.odes)
    services.reabrir_programa(programa, "Ajuste de metas", usuario=odes)
    with pytest.raises(services.ErrorProgramacion, match="no está aprobada"):
        services.registrar_ejecucion(
            _run(bd, 3, 1, "loreto"),
            fecha=date(2021, 2, 1),
            participantes=5,
            usuario=odes,
            hoy=HOY,
            ahora=AHORA,
        )
    services.aprobar_programa(programa, usuario=odes, ahora=AHORA)
    assert programa.aprobado
    with pytest.raises(services.ErrorProgramacion):
        services.aprobar_programa(programa, usuario=usuario_demo(Rol.direccion), ahora=AHORA)


def test_direccion_manages_only_its_units_activities(client, sesion, bd, programa):
    dnccl = sesion.entrar(Rol.direccion)
    propia = _actividad(bd, 3, 1)  # DNCCL
    ajena = _actividad(bd, 1, 1)  # DFECL
    assert client.get(f"/mejora-continua/actividades/{propia.id}/editar").status_code == 200
    assert client.get(f"/mejora-continua/actividades/{ajena.id}/editar").status_code == 404
    assert client.get(f"/mejora-continua/actividades/{ajena.id}/programacion").status_code == 404
    assert (
        client.post(
            f"/mejora-continua/actividades/{ajena.id}/programacion", data={"celda": []}
        ).status_code
        == 404
    )
    assert client.get(f"/mejora-continua/actividades/{ajena.id}").status_code == 200  # read
    with pytest.raises(services.ErrorProgramacion):
        actividades.editar_actividad(ajena, {"nombre": "Otra"}, usuario=dnccl)
    # Its unit records execution in any region; another unit's runs are out of reach.
    puno = _run(bd, 3, 1, "puno", mes=7)
    datos = {"fecha": "2021-07-20", "participantes": "40"}
    assert (
        client.post(f"/mejora-continua/programacion/{puno.id}/ejecutar", data=datos).status_code
        == 302
    )
    otra = _run(bd, 1, 1, "cajamarca")
    assert (
        client.post(f"/mejora-continua/programacion/{otra.id}/ejecutar", data=datos).status_code
        == 404
    )
    # A new activity is always its own unit's, whatever the form says.
    dfecl = bd.session.scalar(sa.select(UnidadMTPE.id).filter_by(sigla="DFECL"))
    respuesta = client.post(
        "/mejora-continua/programas/2021/actividades/nueva",
        data={
            "indicador_id": str(propia.indicador_id),
            "unidad_id": str(dfecl),
            "nombre": "Taller de evaluadores",
        },
    )
    assert respuesta.status_code == 302
    nueva = _actividad(bd, 3, 2)
    assert nueva.unidad.sigla == "DNCCL" and nueva.nombre == "Taller de evaluadores"


def test_setting_the_regional_programme(client, sesion, bd, programa):
    sesion.entrar(Rol.direccion)
    actividad = _actividad(bd, 3, 1)
    loreto = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    celdas = [f"{p.region_id}-{p.mes}" for p in actividad.programaciones] + [f"{loreto.id}-11"]
    url = f"/mejora-continua/actividades/{actividad.id}/programacion"
    respuesta = client.post(url, data={"celda": celdas})
    assert respuesta.status_code == 200
    assert "indique el motivo del cambio" in respuesta.text  # the programme is approved
    respuesta = client.post(
        url, data={"celda": celdas, "detalle": "Lima Metropolitana (Dic)", "motivo": "Pedido"}
    )
    assert respuesta.status_code == 302
    bd.session.expire_all()
    actividad = bd.session.get(Actividad, actividad.id)
    assert queries.cronograma(actividad) == {2, 7, 11, 12}
    assert len(actividad.programaciones) == 27
    # A run with execution recorded cannot be removed.
    ejecutada = _run(bd, 3, 1, "loreto", mes=2)
    services.registrar_ejecucion(
        ejecutada,
        fecha=date(2021, 2, 3),
        participantes=8,
        usuario=usuario_demo(Rol.odes),
        hoy=HOY,
        ahora=AHORA,
    )
    with pytest.raises(services.ErrorProgramacion, match="No se puede quitar"):
        actividades.fijar_programacion(
            actividad, {}, usuario=usuario_demo(Rol.odes), motivo="Limpiar"
        )


def test_new_programme_workflow(client, sesion, bd):
    sesion.entrar(Rol.odes)
    respuesta = client.post("/mejora-continua/programas/nuevo", data={"anio": "2022"})
    assert respuesta.status_code == 302
    programa = bd.session.scalar(sa.select(ProgramaCapacidades).filter_by(anio=2022))
    assert programa.estado is EstadoPrograma.borrador
    assert programa.nombre.endswith("regiones 2022")
    assert (
        "Ya existe" in client.post("/mejora-continua/programas/nuevo", data={"anio": "2022"}).text
    )
    # Nothing to approve yet.
    client.post("/mejora-continua/programas/2022/aprobar")
    bd.session.expire_all()
    assert bd.session.get(ProgramaCapacidades, programa.id).estado is EstadoPrograma.borrador


# --- Views ---------------------------------------------------------------------------------


def test_calendar_grid_and_agenda_render(client, sesion, bd, programa):
    sesion.entrar(Rol.odes)
    pagina = client.get("/mejora-continua/programas/2021/calendario")
    assert pagina.status_code == 200
    assert "Lima Metropolitana" in pagina.text and ">Puno<" in pagina.text
    assert client.get("/mejora-continua/agenda/puno?anio=2021").status_code == 200
    sesion.salir()
    sesion.entrar(Rol.drtpe)  # Loreto
    pagina = client.get("/mejora-continua/programas/2021/calendario").text
    assert ">Loreto<" in pagina and ">Puno<" not in pagina
    agenda = client.get("/mejora-continua/agenda/loreto")
    assert agenda.status_code == 200
    assert "Agosto" in agenda.text and "Servicio de Orientación para el Migrante" in agenda.text
    assert client.get("/mejora-continua/agenda/puno").status_code == 404
    sesion.salir()
    sesion.entrar(Rol.revisor)
    assert client.get("/mejora-continua/agenda/puno").status_code == 200
    assert client.get("/mejora-continua/programas/2021").status_code == 200


def test_planned_vs_executed(bd, programa):
    odes = usuario_demo(Rol.odes)
    services.registrar_ejecucion(
        _run(bd, 3, 1, "loreto"),
        fecha=date(2021, 2, 10),
        participantes=30,
        usuario=odes,
        hoy=HOY,
        ahora=AHORA,
    )
    services.cancelar(_run(bd, 3, 1, "puno"), "Sin conectividad", usuario=odes, ahora=AHORA)
    resumen = queries_avance.avance(programa, hoy=date(2021, 3, 1))
    assert (resumen.total.programadas, resumen.total.ejecutadas) == (508, 1)
    assert resumen.total.canceladas == 1
    actividad = dict((a.etiqueta, x) for a, x in resumen.actividades)["IdG 3 · 1"]
    assert (actividad.programadas, actividad.ejecutadas, actividad.canceladas) == (25, 1, 1)
    assert actividad.porcentaje == 4  # 1 of 24 = 4.17 %, printed whole as every share
    assert actividad.atrasadas == 11  # February runs still pending on 1 March
    unidad = dict((u.sigla, x) for u, x in resumen.unidades)["DNCCL"]
    assert unidad.participantes == 30
    loreto = dict((r.codigo, x) for r, x in resumen.regiones)["loreto"]
    assert loreto.ejecutadas == 1
    solo_loreto = queries_avance.avance(programa, region_id=_run(bd, 3, 1, "loreto").region_id)
    assert {r.codigo for r, _x in solo_loreto.regiones} == {"loreto"}


def test_progress_page_renders_for_each_role(client, sesion, programa):
    for rol in (Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor):
        sesion.entrar(rol)
        assert client.get("/mejora-continua/programas/2021/avance").status_code == 200
        sesion.salir()


# --- Matrix and Excel ----------------------------------------------------------------------


@pytest.fixture
def recomendacion(bd, programa):
    """An approved II-2020 Anexo 5 of IdG 3 with its recommendation, as the report prints it."""
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2020, semestre=2))
    periodo = periodo or Periodo(anio=2020, semestre=2, abierto=False)
    indicador = _actividad(bd, 3, 1).indicador
    evaluacion = Evaluacion(
        indicador=indicador,
        periodo=periodo,
        unidad=indicador.proponente,
        estado=EstadoReporte.aprobado,
    )
    item = ItemEvaluacion(
        tipo=TipoItem.recomendacion,
        orden=1,
        texto="Realizar o continuar las visitas para sensibilizar a instituciones públicas y "
        "privadas de la importancia de la Certificación de Competencias Laborales y cumplir "
        "con las metas programadas.",
        responsable_drtpe=True,
    )
    item.responsables_mtpe = [bd.session.scalar(sa.select(UnidadMTPE).filter_by(sigla="DGNFECCL"))]
    evaluacion.items.append(item)
    bd.session.add(evaluacion)
    bd.session.commit()
    return item


def test_matrix_rows_group_recommendations_and_activities(bd, recomendacion):
    matriz = queries_matriz.matriz(2021)
    assert matriz.periodo.codigo == "2020-2"
    assert matriz.titulo.endswith("CONVENIOS DE GESTIÓN 2020-2021")
    assert [b.titulo for b in matriz.bloques] == [
        "INDICADOR DE GESTIÓN DEL VMPECL",
        "INDICADOR DE GESTIÓN DEL VMT",
    ]
    assert [f.indicador.numero for f in matriz.bloques[0].filas] == [1, 2, 3, 4, 5, 6]
    idg3 = next(f for f in matriz.filas if f.indicador.numero == 3)
    assert [r.responsable for r in idg3.recomendaciones] == ["DRTPE/MTPE-DGNFECCL"]
    assert idg3.enunciado(matriz.programa) == (
        "El indicador N° 03 se encuentra vinculado a una actividad consignada en la "
        "Programación Anual de Fortalecimiento de Capacidades a favor de las regiones 2021"
    )
    # Linking the recommendation to its activity; another IdG's is refused.
    actividad = _actividad(bd, 3, 1)
    actividades.editar_actividad(
        actividad,
        {
            "indicador_id": actividad.indicador_id,
            "unidad_id": actividad.unidad_id,
            "nombre": actividad.nombre,
            "recomendacion_ids": [recomendacion.id],
        },
        usuario=usuario_demo(Rol.direccion),
    )
    assert actividad.recomendaciones == [recomendacion]
    with pytest.raises(services.ErrorProgramacion, match="mismo indicador"):
        actividades.editar_actividad(
            _actividad(bd, 1, 1),
            {
                "indicador_id": _actividad(bd, 1, 1).indicador_id,
                "unidad_id": 1,
                "nombre": "x",
                "recomendacion_ids": [recomendacion.id],
            },
            usuario=usuario_demo(Rol.odes),
        )


def test_new_activity_linked_to_a_recommendation(bd, recomendacion):
    """Linking at creation: the lookups' autoflush must not meet a half-added activity."""
    existente = _actividad(bd, 3, 1)
    actividad = actividades.crear_actividad(
        existente.programa,
        {
            "indicador_id": existente.indicador_id,
            "nombre": "Taller de seguimiento de recomendaciones",
            "recomendacion_ids": [recomendacion.id],
        },
        usuario=usuario_demo(Rol.direccion),
    )
    bd.session.commit()
    assert actividad.recomendaciones == [recomendacion] and actividad.id


def test_matrix_page_renders(client, sesion, recomendacion):
    sesion.entrar(Rol.revisor)
    pagina = client.get("/mejora-continua/matriz?anio=2021")
    assert pagina.status_code == 200
    for encabezado in ENCABEZADOS_MATRIZ:
        assert encabezado in pagina.text
    assert "INDICADOR DE GESTIÓN DEL VMT" in pagina.text
    assert "DRTPE/MTPE-DGNFECCL" in pagina.text
    assert client.get("/mejora-continua/matriz?anio=2021&periodo=1999-1").status_code == 404


def test_matrix_excel_has_the_reports_headers(client, sesion, demo, recomendacion):
    sesion.entrar(Rol.drtpe)
    respuesta = client.get("/mejora-continua/matriz/excel?anio=2021")
    assert respuesta.status_code == 200
    hoja = load_workbook(io.BytesIO(respuesta.data)).active
    assert hoja.page_setup.orientation == "landscape"
    assert hoja["A1"].value == (
        "MATRIZ DE IMPLEMENTACIÓN DE RECOMENDACIONES ESTABLECIDOS EN EL ANEXO 5 DE LOS "
        "CONVENIOS DE GESTIÓN 2020-2021"
    )
    assert [hoja.cell(row=3, column=c).value for c in range(1, 9)] + [hoja["T3"].value] == [
        "SECTOR",
        "NÚMERO DE INDICADOR DE GESTIÓN",
        "DENOMINACIÓN DEL INDICADOR DE GESTIÓN",
        "PROPONENTE DEL INDICADOR",
        "RECOMENDACIONES ESTABLECIDAS EN EL ANEXO 5 DE LOS CONVENIOS DE GESTIÓN",
        "RESPONSABLE DE LA IMPLEMENTACIÓN",
        "ACTIVIDADES A DESARROLLAR POR EL MTPE EN EL MARCO DE LA RECOMENDACIONES DE CdG",
        "CRONOGRAMA DE ACTIVIDADES A DESARROLLAR",
        "DETALLE",
    ]
    assert hoja["G4"].value == "TEMA"
    assert [hoja.cell(row=4, column=c).value for c in range(8, 20)] == MESES_X
    valores = [[c.value for c in fila] for fila in hoja.iter_rows(min_row=5)]
    assert valores[0][0] == "INDICADOR DE GESTIÓN DEL VMPECL"
    assert any(f[0] == "INDICADOR DE GESTIÓN DEL VMT" for f in valores)
    idg3 = next(i for i, f in enumerate(valores) if f[1] == "N° 3")
    assert valores[idg3][4].startswith("• Realizar o continuar las visitas")
    assert valores[idg3][5] == "DRTPE/MTPE-DGNFECCL"
    tema = valores[idg3 + 1]
    assert tema[6].startswith("1. Sensibilización a instituciones públicas")
    assert [MESES_X[i] for i, v in enumerate(tema[7:19]) if v == "X"] == ["FEB", "JUL"]
    assert any(
        str(f[0]).startswith("Nota.-") and "son solo 18 G/DRTPE evaluados" in f[0] for f in valores
    )


def test_programme_excel_has_the_month_grid(client, sesion, bd, programa):
    actividad = _actividad(bd, 3, 1)
    actividad.nombre = '=HYPERLINK("http://x")'  # a formula-looking text is neutralised
    bd.session.commit()
    sesion.entrar(Rol.odes)
    respuesta = client.get("/mejora-continua/programas/2021/excel")
    assert respuesta.status_code == 200
    libro = load_workbook(io.BytesIO(respuesta.data))
    assert libro.sheetnames == ["Programación", "Por región", "Ejecución"]
    hoja = libro["Programación"]
    assert hoja.page_setup.orientation == "landscape"
    assert [hoja.cell(row=4, column=c).value for c in range(5, 17)] == MESES_X
    filas = {(f[0], f[1]): f for f in hoja.iter_rows(min_row=5, values_only=True)}
    idg3 = filas[(3, 1)]
    assert idg3[2] == '\'=HYPERLINK("http://x")'
    assert [MESES_X[i] for i, v in enumerate(idg3[4:16]) if v == "X"] == ["FEB", "JUL"]
    idg2 = filas[(2, 1)]
    assert [MESES_X[i] for i, v in enumerate(idg2[4:16]) if v == "X"] == ["ABR", "JUN", "SET"]
    assert filas[(11, 1)][4:16] == (None,) * 12
    por_region = {
        (f[0], f[1], f[2]): f for f in libro["Por región"].iter_rows(min_row=5, values_only=True)
    }
    loreto = por_region[("Loreto", 3, 1)]
    assert [MESES_X[i] for i, v in enumerate(loreto[5:17]) if v == "X"] == ["FEB"]
    assert ("Puno", 3, 1) in por_region


def test_programme_excel_of_a_region_lists_only_its_runs(client, sesion, programa):
    sesion.entrar(Rol.drtpe)
    libro = load_workbook(io.BytesIO(client.get("/mejora-continua/programas/2021/excel").data))
    regiones = {f[0] for f in libro["Ejecución"].iter_rows(min_row=5, values_only=True)}
    assert regiones == {"Loreto"}


def test_every_change_is_audited(bd, programa):
    odes = usuario_demo(Rol.odes)
    run = _run(bd, 3, 1, "loreto")
    services.cancelar(run, "Sin conectividad", usuario=odes, ahora=AHORA)
    bd.session.commit()
    assert [e.accion for e in historial("programacion_regional", run.id)] == ["cancelar"]
    assert bd.session.scalar(sa.select(sa.func.count(MovimientoProgramacion.id))) == 1


def test_an_idg_id_past_64_bits_in_the_activity_form_is_an_error_not_a_500(
    client, sesion, bd, programa
):
    """Regression (found by the hostile-form fuzzing, intermittently): the form's IdG id was
    used to look up recommendations before validation, and SQLite raised OverflowError."""
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/mejora-continua/programas/2021/actividades/nueva",
        data={"indicador_id": str(10**20), "unidad_id": "0", "nombre": "Taller"},
    )
    assert respuesta.status_code in (200, 422)
    assert "Taller" in respuesta.text  # the form comes back with what was typed
