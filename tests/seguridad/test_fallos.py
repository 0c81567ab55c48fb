"""Faults: an import killed midway (SIGKILL) leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from app.catalogo.models import Region
from app.convenios.models import Convenio, LineaReporte, Reporte


def _archivo_grande(bd, ruta) -> int:
    """A valid bulk file: every signed region × IdG × both semesters of 2021."""
    filas = ["region,idg,anio,semestre,estado,programado,ejecutado"]
    regiones = bd.session.scalars(
        sa.select(Region.nombre)
        .join(Convenio, Convenio.region_id == Region.id)
        .where(Convenio.fecha_suscripcion.is_not(None))
    ).all()
    for semestre in (1, 2):
        for region in regiones:
            for idg in range(1, 13):
                filas.append(f"{region},{idg},2021,{semestre},valor,{40 + idg},{30 + idg}")
    ruta.write_text("\n".join(filas) + "\n", encoding="utf-8")
    return len(filas) - 1


def _estado(bd):
    bd.session.expire_all()
    return (
        bd.session.scalar(sa.select(sa.func.count(Reporte.id))),
        bd.session.scalar(sa.select(sa.func.count(LineaReporte.id))),
    )


def test_import_killed_midway_leaves_database_unchanged(demo, tmp_path):
    bd = demo
    url = bd.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("necesita PostgreSQL (se prueba en la corrida con TEST_DATABASE_URL)")
    archivo = tmp_path / "grande.csv"
    assert _archivo_grande(bd, archivo) > 400
    antes = _estado(bd)
    nombre = f"importacion_{os.getpid()}"
    entorno = os.environ | {
        "FLASK_APP": "app",
        "APP_ENV": "development",
        "DATABASE_URL": url.update_query_dict({"application_name": nombre}).render_as_string(
            hide_password=False
        ),
    }
    proceso = subprocess.Popen(
        [sys.executable, "-m", "flask", "anexo4", "importar", str(archivo)],
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    vigilante = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    escribiendo = False
    try:
        limite = time.monotonic() + 60
        with vigilante.connect() as c:
            while time.monotonic() < limite and proceso.poll() is None:
                # backend_xid is assigned at the transaction's first write.
                xid = c.execute(
                    sa.text("SELECT backend_xid FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": nombre},
                ).scalar()
                if xid is not None:
                    escribiendo = True
                    break
                time.sleep(0.005)
        assert escribiendo, "la importación terminó antes de poder interrumpirla"
        proceso.send_signal(signal.SIGKILL)
        proceso.wait(timeout=30)
        # Wait until PostgreSQL has noticed the dead client and rolled its transaction back.
        with vigilante.connect() as c:
            for _ in range(500):
                if not c.execute(
                    sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"),
                    {"n": nombre},
                ).scalar():
                    break
                time.sleep(0.01)
    finally:
        if proceso.poll() is None:
            proceso.kill()
        vigilante.dispose()
    assert _estado(bd) == antes


def test_app_recovers_when_its_database_connections_are_killed(app, client, sesion, bd):
    """A database restart drops every connection; pool_pre_ping reconnects on the next request."""
    if bd.engine.url.get_backend_name() != "postgresql":
        pytest.skip("necesita PostgreSQL (se prueba en la corrida con TEST_DATABASE_URL)")
    sesion.entrar("revisor")
    assert client.get("/convenios/").status_code == 200
    bd.session.remove()
    # Every connection resting in the pool (what the next request will pick up).
    pids = {
        registro.dbapi_connection.info.backend_pid
        for registro in list(bd.engine.pool._pool.queue)
        if registro.dbapi_connection is not None
    }
    assert pids
    externo = sa.create_engine(bd.engine.url, isolation_level="AUTOCOMMIT")
    with externo.connect() as c:
        for pid in pids:
            c.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    externo.dispose()
    respuesta = client.get("/convenios/")
    assert respuesta.status_code == 200 and "Convenios de gestión" in respuesta.text


def test_database_down_shows_a_clear_spanish_error_page(monkeypatch):
    """With the database unreachable, pages answer a Spanish 500 page, not a traceback."""
    from app import create_app
    from config import TestingConfig

    class SinBase(TestingConfig):
        TESTING = False  # let the error handler render, as in production
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nadie@127.0.0.1:1/nada"
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}

    cliente = create_app(SinBase).test_client()
    respuesta = cliente.post("/login", data={"email": "x@y.pe", "clave": "z"})
    assert respuesta.status_code == 500
    assert "Error interno" in respuesta.text and "No se guardó ningún cambio" in respuesta.text
    assert "Traceback" not in respuesta.text


def test_audit_log_is_append_only_in_postgresql(bd):
    """No route changes or deletes audit rows, and PostgreSQL itself refuses to."""
    from app.comun.auditoria import Evento, registrar_evento

    if bd.engine.url.get_backend_name() != "postgresql":
        pytest.skip("la protección en la base es de PostgreSQL")
    registrar_evento("prueba", "convenio", 1)
    bd.session.commit()
    for sentencia in (sa.update(Evento).values(accion="x"), sa.delete(Evento)):
        with pytest.raises(sa.exc.DBAPIError, match="solo inserción"):
            bd.session.execute(sentencia)
        bd.session.rollback()
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == 1
