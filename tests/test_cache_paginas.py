"""Stored pages: served again only while the data, the user, the address and the day are the same.

The data version (app/comun/version_datos.py) changes with every commit that writes; a stored
page (app/comun/cache_paginas.py) is served without loading the user or the data, with a fresh CSRF
token, and never to another user, after a change, with messages pending or across midnight.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.catalogo.models import Region
from app.comun import cache_paginas, version_datos
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoReporte, Periodo, Reporte
from app.convenios.services import anexo4 as anexo4_services
from app.extensions import db
from tests import conftest
from tests.conftest import CLAVE, usuario_demo

PUNO = "drtpe.puno@demo.trabajo.gob.pe"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def reporte(bd):
    """Loreto's Anexo 4 for an open semester, with its twelve empty lines."""
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2099, 7, 31))
    bd.session.add(periodo)
    loreto = bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == "loreto"))
    reporte = anexo4_services.obtener_o_crear_reporte(loreto, periodo, usuario_id=None)
    bd.session.commit()
    return reporte


@pytest.fixture
def sentencias(app):
    """Count the SQL statements of what runs inside the block: `with sentencias() as n: … n[0]`."""

    class Contador:
        def __init__(self):
            self.n = [0]

        def _contar(self, *_a, **_k):
            self.n[0] += 1

        def __enter__(self):
            self.n[0] = 0
            # Every engine: on PostgreSQL the version is read through a pool of its own.
            event.listen(sa.engine.Engine, "before_cursor_execute", self._contar)
            return self.n

        def __exit__(self, *_exc):
            event.remove(sa.engine.Engine, "before_cursor_execute", self._contar)

    return Contador


class Navegador(conftest.Equipo):
    """A browser that logs in and reads its welcome message."""

    def entrar(self, rol: Rol, email: str | None = None, token: bool = False) -> None:
        """Log in, then read the welcome message so the next page has none pending."""
        datos = {"email": email or usuario_demo(rol).email, "clave": CLAVE}
        if token:
            datos["csrf_token"] = TOKEN.search(self.get("/login").text).group(1)
        assert self.post("/login", data=datos).status_code == 302
        assert "Bienvenido/a" in self.get("/catalogo/indicadores").text


@pytest.fixture
def navegador(app):
    """A new browser: `navegador()`."""
    return lambda: Navegador(app)


def _sin_token(html: str) -> str:
    """The page without its CSRF tokens: they carry the second they were signed in."""
    return TOKEN.sub("", html)


# --- The data version -------------------------------------------------------------------------


def test_every_commit_that_writes_gives_a_new_version_and_only_those(bd):
    inicial = version_datos.actual()
    assert inicial is not None
    bd.session.commit()  # nothing written
    assert version_datos.actual() == inicial

    region = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    region.nombre = "Loreto (prueba)"
    bd.session.commit()  # ORM change
    despues_orm = version_datos.actual()
    assert despues_orm != inicial

    bd.session.execute(sa.update(Region).where(Region.id == region.id).values(nombre="Loreto"))
    bd.session.commit()  # bulk UPDATE through the session
    despues_update = version_datos.actual()
    assert despues_update not in (inicial, despues_orm)

    bd.session.execute(
        sa.text("UPDATE region SET nombre = 'Loreto' WHERE id = :i"), {"i": region.id}
    )
    bd.session.commit()  # textual SQL
    assert version_datos.actual() != despues_update


def test_a_rolled_back_write_keeps_the_version(bd):
    inicial = version_datos.actual()
    region = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    region.nombre = "no se guarda"
    bd.session.flush()
    bd.session.rollback()
    bd.session.commit()
    assert version_datos.actual() == inicial


def test_a_write_before_a_rolled_back_savepoint_still_changes_the_version(bd):
    inicial = version_datos.actual()
    region = bd.session.scalar(sa.select(Region).filter_by(codigo="loreto"))
    region.nombre = "Loreto (guardado)"
    bd.session.flush()
    with bd.session.begin_nested() as punto:
        region.nombre = "Loreto (descartado)"
        bd.session.flush()
        punto.rollback()
    bd.session.commit()
    assert version_datos.actual() != inicial
    assert bd.session.scalar(sa.select(Region.nombre).where(Region.id == region.id)) == (
        "Loreto (guardado)"
    )


def test_the_row_comes_back_if_it_was_deleted(bd):
    bd.session.execute(sa.delete(version_datos.VersionDatos))
    bd.session.commit()  # the delete itself is a write: the version row is written again
    assert version_datos.actual() is not None


def test_renovar_command_changes_the_version(bd, runner):
    inicial = version_datos.actual()
    resultado = runner.invoke(args=["paginas", "renovar"])
    assert resultado.exit_code == 0, resultado.output
    assert "renovada" in resultado.output
    assert version_datos.actual() != inicial


# --- Stored pages -----------------------------------------------------------------------------


def test_second_visit_is_served_with_one_query_and_the_same_page(reporte, navegador, sentencias):
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    with sentencias() as n:
        primera = drtpe.get(url)
    renderizada = n[0]
    with sentencias() as n:
        segunda = drtpe.get(url)
    assert primera.status_code == segunda.status_code == 200
    assert _sin_token(segunda.text) == _sin_token(primera.text)
    assert n[0] == 1 < renderizada  # only the version; no user, no report, no lines


@pytest.mark.parametrize("url", ["/tablero", "/convenios/anexo4?periodo=2021-1"])
def test_dashboard_and_semester_list_are_stored_too(reporte, navegador, sentencias, url):
    odes = navegador()
    odes.entrar(Rol.odes)
    primera = odes.get(url)
    with sentencias() as n:
        segunda = odes.get(url)
    assert segunda.status_code == 200
    assert _sin_token(segunda.text) == _sin_token(primera.text)
    assert n[0] == 1


def test_a_change_by_anyone_is_seen_at_once(reporte, navegador):
    drtpe, odes = navegador(), navegador()
    drtpe.entrar(Rol.drtpe)
    odes.entrar(Rol.odes)
    url = f"/convenios/anexo4/{reporte.id}"
    assert "Borrador" in drtpe.get(url).text
    reporte.estado = EstadoReporte.enviado  # a change made outside the web (a service, a command)
    db.session.commit()
    assert "Enviado" in drtpe.get(url).text
    odes.get(url)
    # ODES returns it from another browser; the region sees the reason on its next visit.
    respuesta = odes.post(f"{url}/observar", data={"motivo": "Falta el sustento del IdG 3."})
    assert respuesta.status_code == 302
    pagina = drtpe.get(url).text
    assert "Falta el sustento del IdG 3." in pagina and "Observado" in pagina
    assert "Falta el sustento del IdG 3." in odes.get(url).text


def test_another_user_never_gets_someone_elses_page(reporte, navegador):
    loreto, puno, odes = navegador(), navegador(), navegador()
    loreto.entrar(Rol.drtpe)
    puno.entrar(Rol.drtpe, PUNO)
    odes.entrar(Rol.odes)
    url = f"/convenios/anexo4/{reporte.id}"
    pagina_loreto = loreto.get(url).text
    assert _sin_token(loreto.get(url).text) == _sin_token(pagina_loreto)  # stored
    assert puno.get(url).status_code == 404  # not Loreto's stored page
    pagina_odes = odes.get(url).text
    assert "Coordinadora ODES" in pagina_odes and "Coordinadora ODES" not in pagina_loreto


def test_logged_out_visitor_is_sent_to_login(reporte, navegador):
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    drtpe.get(url)
    assert drtpe.get(url).status_code == 200
    drtpe.post("/logout")
    respuesta = drtpe.get(url)
    assert respuesta.status_code == 302 and "/login" in respuesta.headers["Location"]


def test_a_deactivated_account_is_refused_although_its_page_was_stored(reporte, navegador):
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    drtpe.get(url)
    assert drtpe.get(url).status_code == 200
    usuario_demo(Rol.drtpe).activo = False
    db.session.commit()
    respuesta = drtpe.get(url)
    assert respuesta.status_code == 302 and "/login" in respuesta.headers["Location"]


def test_a_role_change_is_obeyed_although_the_page_was_stored(reporte, navegador):
    odes = navegador()
    odes.entrar(Rol.odes)
    url = f"/convenios/anexo4/{reporte.id}"
    odes.get(url)
    assert odes.get(url).status_code == 200
    usuario_demo(Rol.odes).rol = Rol.revisor
    db.session.commit()
    assert odes.get(url).status_code == 403


def test_pending_messages_are_shown_not_a_stored_page(reporte, navegador, sentencias):
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    antes = drtpe.get(url).text
    # Submitting empty lines is refused with a message and writes nothing.
    assert drtpe.post(f"{url}/enviar").status_code == 302
    pagina = drtpe.get(url).text
    assert 'class="aviso aviso-error"' in pagina and 'class="aviso' not in antes
    with sentencias() as n:
        # The message was shown once; the stored page is back.
        assert _sin_token(drtpe.get(url).text) == _sin_token(antes)
    assert n[0] == 1


def test_uncommitted_writes_in_the_session_are_not_hidden(reporte, client, sesion, sentencias):
    """The tests' client shares the test's session: pending writes there are seen, not hidden."""
    sesion.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    client.get(url)
    client.get(url)
    reporte.lineas[0].comentario = "Sin confirmar todavía"
    db.session.flush()
    with sentencias() as n:
        assert client.get(url).status_code == 200
    assert n[0] > 1  # rendered, not served from the store
    db.session.rollback()


def test_a_new_day_renders_the_page_again(reporte, navegador, sentencias, monkeypatch):
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    drtpe.get(url)

    class Manana(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(cache_paginas, "date", Manana)
    with sentencias() as n:
        drtpe.get(url)
    assert n[0] > 1


def test_pages_over_the_size_limit_are_not_stored(reporte, navegador, app, sentencias, monkeypatch):
    monkeypatch.setitem(app.config, "CACHE_PAGINA_MAX_BYTES", 1000)
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    url = f"/convenios/anexo4/{reporte.id}"
    drtpe.get(url)
    with sentencias() as n:
        drtpe.get(url)
    assert n[0] > 1


def test_refusals_are_not_stored(reporte, navegador, sentencias):
    puno = navegador()
    puno.entrar(Rol.drtpe, PUNO)
    for url in (f"/convenios/anexo4/{reporte.id}", "/convenios/anexo4?periodo=1999-1"):
        assert puno.get(url).status_code == 404
        with sentencias() as n:
            assert puno.get(url).status_code == 404
        assert n[0] > 1


def test_stored_page_carries_a_working_token_of_each_session(
    reporte, navegador, app, sentencias, monkeypatch
):
    """Two browsers of the same user: each gets the stored page with its own working token."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    reporte.estado = EstadoReporte.enviado
    db.session.commit()
    url = f"/convenios/anexo4/{reporte.id}"
    uno, dos = navegador(), navegador()
    uno.entrar(Rol.odes, token=True)
    dos.entrar(Rol.odes, token=True)
    pagina_uno = uno.get(url).text  # rendered and stored
    with sentencias() as n:
        pagina_dos = dos.get(url).text  # served from the store
    assert n[0] == 1
    assert _sin_token(pagina_uno) == _sin_token(pagina_dos)
    assert cache_paginas.MARCA_CSRF not in pagina_dos
    token_uno, token_dos = TOKEN.search(pagina_uno).group(1), TOKEN.search(pagina_dos).group(1)
    motivo = {"motivo": "Revise el IdG 1."}
    # The first browser's token is no good in the second: the stored page got the second's own.
    assert dos.post(f"{url}/observar", data=motivo | {"csrf_token": token_uno}).status_code == 400
    assert dos.post(f"{url}/observar", data=motivo | {"csrf_token": token_dos}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Reporte, reporte.id).estado is EstadoReporte.observado


# --- PostgreSQL: concurrent writers and a dropped connection ----------------------------------


def _solo_postgres(bd) -> None:
    if bd.engine.dialect.name != "postgresql":
        pytest.skip("necesita PostgreSQL (se prueba en la corrida con TEST_DATABASE_URL)")


def test_a_writer_waiting_on_a_row_does_not_hold_the_version(bd, app):
    """The version row is locked last: a commit blocked on a data row never blocks the others.

    B holds Loreto's row; A's commit must wait for it. If A took the version first, B's own
    commit would wait on A and PostgreSQL would abort one of them as a deadlock.
    """
    _solo_postgres(bd)
    import threading

    from sqlalchemy.orm import Session

    inicial = version_datos.actual()
    loreto = bd.session.scalar(sa.select(Region.id).filter_by(codigo="loreto"))
    bd.session.commit()
    errores: list[BaseException] = []
    b = Session(bd.engine)
    b.get(Region, loreto).nombre = "Loreto (B)"
    b.flush()  # B holds the row

    def escribir_a():
        try:
            with app.app_context(), Session(bd.engine) as a:
                a.execute(sa.text("SET lock_timeout = '10s'"))
                a.get(Region, loreto).nombre = "Loreto (A)"
                a.commit()  # waits for B's row
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errores.append(error)

    hilo = threading.Thread(target=escribir_a)
    hilo.start()
    esperando = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    for _ in range(100):  # until A's commit is waiting on the row
        with bd.engine.connect() as conexion:
            if conexion.scalar(esperando):
                break
        time.sleep(0.05)
    else:
        pytest.fail("A nunca llegó a esperar la fila de B")
    b.commit()
    b.close()
    hilo.join(timeout=15)
    assert not hilo.is_alive() and not errores, errores
    assert bd.session.scalar(sa.select(Region.nombre).where(Region.id == loreto)) == "Loreto (A)"
    assert version_datos.actual() != inicial


def test_an_unreadable_version_renders_the_page(reporte, navegador, monkeypatch):
    """If the version can't be read (connection dropped), the page is rendered, not refused."""
    _solo_postgres(db)
    caida = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/nada")
    monkeypatch.setattr(version_datos, "_motor_lector", lambda: caida)
    assert version_datos.actual() is None
    drtpe = navegador()
    drtpe.entrar(Rol.drtpe)
    respuesta = drtpe.get(f"/convenios/anexo4/{reporte.id}")
    assert respuesta.status_code == 200 and "IdG 12" in respuesta.text


def test_en_cache_below_the_access_rule_is_refused_when_the_module_loads():
    """Below @permitido the stored page would still load the user first: refused, not slowed."""
    from app.comun.roles import permitido

    def vista():
        return "página"

    with pytest.raises(TypeError, match="encima de @permitido"):
        permitido()(cache_paginas.en_cache(vista))
    # Above it, the access rule stays readable by the guard and the route walk.
    assert cache_paginas.en_cache(permitido(Rol.odes)(vista)).acceso == {Rol.odes}
