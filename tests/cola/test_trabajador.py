"""Report builds on the real queue: a worker process builds, the page follows the job, a killed
worker is seen within seconds, several first requests share one job, failures are retried."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
import uuid

import sqlalchemy as sa
from pypdf import PdfReader

from app.comun import tareas
from app.comun.roles import Rol
from app.extensions import db
from app.informes.models import ArchivoInforme, EstadoGeneracion, GeneracionInforme
from app.informes.services import informe_de
from tests.cola.conftest import esperar, iniciar_trabajador
from tests.conftest import Sesion

PERIODO = "2020-2"


def _odes(app_cola):
    cliente = app_cola.test_client()
    with app_cola.app_context():
        Sesion(cliente).entrar(Rol.odes)
    return cliente


def _estado(cliente, generacion_id: int) -> dict:
    respuesta = cliente.get(f"/informes/generaciones/{generacion_id}")
    assert respuesta.status_code == 200
    return respuesta.get_json()


def _ultima_generacion(app_cola) -> GeneracionInforme:
    with app_cola.app_context():
        generacion = db.session.scalar(
            sa.select(GeneracionInforme).order_by(GeneracionInforme.id.desc()).limit(1)
        )
        db.session.expunge_all()
        return generacion


def _olvidar_informes(app_cola) -> None:
    """Each test builds from scratch: no stored file, no job."""
    with app_cola.app_context():
        db.session.execute(sa.delete(GeneracionInforme))
        db.session.execute(sa.delete(ArchivoInforme))
        db.session.commit()


def test_a_worker_process_builds_the_report_and_the_page_follows_the_job(app_cola, trabajador):
    _olvidar_informes(app_cola)
    cliente = _odes(app_cola)
    respuesta = cliente.post(f"/informes/{PERIODO}/generar", data={"tipo": "final"})
    assert respuesta.status_code == 302
    generacion = _ultima_generacion(app_cola)
    assert generacion.tarea_id
    vistos = []

    def terminado():
        estado = _estado(cliente, generacion.id)
        vistos.append((estado["estado"], estado["fraccion"]))
        return estado if estado["estado"] in ("terminado", "error") else None

    final = esperar(terminado, 120, paso=0.1)
    assert final and final["estado"] == "terminado", (final, trabajador.texto()[-2000:])
    # The request only queued it: the build ran in the worker process, seen through the job.
    assert "construir" in trabajador.texto()
    pdf = cliente.get(final["archivo"]["url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    texto = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "2020" in texto
    with app_cola.app_context():
        fila = db.session.get(GeneracionInforme, generacion.id)
        assert fila.estado is EstadoGeneracion.terminado and fila.archivo_id is not None


def test_three_first_requests_at_once_share_one_job(app_cola, trabajador):
    """Before: 2 of 3 concurrent first requests answered 500 (uq_informe_periodo_id)."""
    _olvidar_informes(app_cola)
    clientes = [_odes(app_cola) for _ in range(3)]
    barrera = threading.Barrier(3)
    respuestas: list = [None] * 3

    def pedir(i: int) -> None:
        barrera.wait(timeout=30)
        try:
            respuestas[i] = (
                clientes[i]
                .post(f"/informes/{PERIODO}/generar", data={"tipo": "borrador"})
                .status_code
            )
        except Exception as error:  # noqa: BLE001 - a 500 propagates in testing
            respuestas[i] = repr(error)

    hilos = [threading.Thread(target=pedir, args=(i,)) for i in range(3)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(60)
    assert respuestas == [302, 302, 302], respuestas
    with app_cola.app_context():
        generaciones = db.session.scalars(sa.select(GeneracionInforme)).all()
        assert len(generaciones) == 1
        generacion_id = generaciones[0].id
    final = esperar(
        lambda: _estado(clientes[0], generacion_id)["estado"] in ("terminado", "error"), 120
    )
    assert final and _estado(clientes[0], generacion_id)["estado"] == "terminado"


def test_a_killed_worker_is_seen_within_seconds_and_a_new_build_succeeds(
    app_cola, entorno, tmp_path
):
    _olvidar_informes(app_cola)
    cliente = _odes(app_cola)
    trabajador = iniciar_trabajador(entorno, tmp_path, "condenado")
    try:
        with app_cola.app_context():
            informe = informe_de(_periodo(app_cola), crear=True)
            generacion = GeneracionInforme(
                informe=informe, borrador=False, tarea_id=uuid.uuid4().hex
            )
            db.session.add(generacion)
            db.session.commit()
            generacion_id, tarea_id = generacion.id, generacion.tarea_id
            tareas.encolar(
                "tests.cola.lentas.construir_lento", generacion_id, 120, id_tarea=tarea_id
            )
        corriendo = esperar(lambda: _estado(cliente, generacion_id)["estado"] == "en_curso", 60)
        assert corriendo, trabajador.texto()[-2000:]
        assert _estado(cliente, generacion_id)["mensaje"] == "Esperando a propósito"
    finally:
        trabajador.matar(signal.SIGKILL)
    muerto = time.monotonic()
    fallida = esperar(lambda: _estado(cliente, generacion_id)["estado"] == "error", 10)
    assert fallida, _estado(cliente, generacion_id)
    assert time.monotonic() - muerto <= 10
    assert "se detuvo" in _estado(cliente, generacion_id)["error"]

    nuevo = iniciar_trabajador(entorno, tmp_path, "relevo")
    try:
        respuesta = cliente.post(f"/informes/{PERIODO}/generar", data={"tipo": "final"})
        assert respuesta.status_code == 302
        otra = _ultima_generacion(app_cola)
        assert otra.id != generacion_id
        final = esperar(lambda: _estado(cliente, otra.id)["estado"] in ("terminado", "error"), 120)
        assert final and _estado(cliente, otra.id)["estado"] == "terminado", nuevo.texto()
        with app_cola.app_context():
            assert db.session.get(GeneracionInforme, generacion_id).estado is (
                EstadoGeneracion.error
            )
    finally:
        nuevo.matar(signal.SIGTERM)


def test_a_build_whose_job_process_dies_fails_at_once_and_the_worker_goes_on(app_cola, trabajador):
    """The job's own process killed (the kernel's OOM killer on a huge build): RQ's worker
    sees it at once, the page says the build failed, and the same worker takes the next one."""
    _olvidar_informes(app_cola)
    cliente = _odes(app_cola)
    with app_cola.app_context():
        informe = informe_de(_periodo(app_cola), crear=True)
        generacion = GeneracionInforme(informe=informe, borrador=True, tarea_id=uuid.uuid4().hex)
        db.session.add(generacion)
        db.session.commit()
        generacion_id = generacion.id
        tareas.encolar(
            "tests.cola.lentas.construir_lento", generacion_id, 120, id_tarea=generacion.tarea_id
        )
    assert esperar(lambda: _estado(cliente, generacion_id)["estado"] == "en_curso", 60)
    (horse,) = trabajador.descendientes()
    os.kill(horse, signal.SIGKILL)
    assert esperar(lambda: _estado(cliente, generacion_id)["estado"] == "error", 10)
    respuesta = cliente.post(f"/informes/{PERIODO}/generar", data={"tipo": "borrador"})
    assert respuesta.status_code == 302
    otra = _ultima_generacion(app_cola)
    assert otra.id != generacion_id
    assert esperar(lambda: _estado(cliente, otra.id)["estado"] == "terminado", 120)


def test_a_failing_job_is_retried_after_its_wait_and_then_succeeds(app_cola, entorno, tmp_path):
    """The retry waits in RQ's scheduler (run by the worker) and runs on time."""
    clave = f"{app_cola.config['COLA_PREFIJO']}:intentos:{uuid.uuid4().hex}"
    with app_cola.app_context():
        # A worker killed by an earlier test still holds the scheduler's lock (it expires a
        # minute later, as it would after a lost host): this test's worker starts without it.
        for candado in tareas.conexion().scan_iter("rq:scheduler-lock:*"):
            tareas.conexion().delete(candado)
    trabajador = iniciar_trabajador(entorno, tmp_path)
    try:
        with app_cola.app_context():
            id_tarea = tareas.encolar("tests.cola.lentas.fallar_una_vez", clave, reintentos=2)
            final = esperar(lambda: tareas.estado(id_tarea).estado == "terminada", 30)
            assert final, (tareas.estado(id_tarea), trabajador.texto()[-2000:])
            assert int(tareas.conexion().get(clave)) == 2
    finally:
        trabajador.matar(signal.SIGTERM)


def test_with_no_worker_running_a_build_waits_in_the_queue(app_cola):
    _olvidar_informes(app_cola)
    cliente = _odes(app_cola)
    cliente.post(f"/informes/{PERIODO}/generar", data={"tipo": "borrador"})
    generacion = _ultima_generacion(app_cola)
    estado = _estado(cliente, generacion.id)
    assert (estado["estado"], estado["etiqueta"]) == ("pendiente", "En cola")
    with app_cola.app_context():
        from rq import Queue

        cola = Queue(tareas.nombre_cola("default"), connection=tareas.conexion())
        assert generacion.tarea_id in cola.job_ids
        cola.empty()


def _periodo(app_cola):
    from app.convenios.models import Periodo

    anio, semestre = PERIODO.split("-")
    return db.session.scalar(sa.select(Periodo).filter_by(anio=int(anio), semestre=int(semestre)))


def test_the_scheduler_registers_every_periodic_job(app_cola, entorno, tmp_path):
    """`flask cola planificador` starts RQ's cron scheduler with TAREAS_PERIODICAS."""
    from tests.cola.conftest import Proceso

    planificador = Proceso(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "cola", "planificador"],
        entorno,
        tmp_path / "planificador.log",
    )
    try:
        esperados = [funcion for funcion, _cron in app_cola.config["TAREAS_PERIODICAS"]]
        listo = esperar(lambda: all(f in planificador.texto() for f in esperados), 30)
        assert listo, planificador.texto()
        assert planificador.proceso.poll() is None  # it keeps running
    finally:
        planificador.matar(signal.SIGKILL)


def test_a_large_import_is_applied_by_the_worker_and_followed_by_the_page(
    app_cola, trabajador, monkeypatch
):
    """The confirmation queues the import; the worker reads the waiting file from the shared
    storage, applies it, and the page shows its summary."""
    import re

    from tests.convenios.test_importacion import EJEMPLO

    monkeypatch.setitem(app_cola.config, "IMPORTACION_BYTES_EN_COLA", 0)
    cliente = _odes(app_cola)
    vista = cliente.post(
        "/convenios/anexo4/importar",
        data={"archivo": (io.BytesIO(EJEMPLO.read_bytes()), "ejemplo.csv")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', vista.text).group(1)
    respuesta = cliente.post(
        "/convenios/anexo4/importar/confirmar", data={"token": token, "nombre": "ejemplo.csv"}
    )
    assert respuesta.status_code == 302 and "tarea=" in respuesta.location
    id_tarea = respuesta.location.split("tarea=")[1]
    pagina = cliente.get(respuesta.location).text
    assert "Importación en curso" in pagina or "Importación completada" in pagina
    url = f"/convenios/anexo4/importar/tareas/{id_tarea}"
    final = esperar(
        lambda: cliente.get(url).get_json()["estado"] in ("terminado", "error") and True, 60
    )
    assert final and cliente.get(url).get_json()["estado"] == "terminado", (
        cliente.get(url).get_json(),
        trabajador.texto()[-2000:],
    )
    assert "Importación completada" in cliente.get(respuesta.location, follow_redirects=True).text
