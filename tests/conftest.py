"""Shared fixtures: one app per session, a freshly seeded database for every test."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth.models import Usuario
from app.comun.roles import Rol
from app.extensions import db
from config import TestingConfig
from seed import carga

CLAVE = carga.CLAVE_DEMO


def _es_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application under test, with the schema created from the models."""
    app = create_app(TestingConfig)
    # Uploaded and generated files of the whole run go to a temporary folder, not instance/.
    app.config["ARCHIVOS_DIR"] = str(tmp_path_factory.mktemp("archivos"))
    with app.app_context():
        if os.environ.get("EXIGIR_POSTGRES"):
            assert _es_postgres(), "Se exigió PostgreSQL y la suite no corre sobre él"
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _foto_semilla(app):
    """Seed once (catalogue, convenios, demo users) and keep every table's rows in memory."""
    with app.app_context():
        carga.cargar_catalogo()
        carga.cargar_convenios()
        carga.cargar_usuarios_demo()
        db.session.commit()
        foto = {
            tabla: [dict(fila._mapping) for fila in db.session.execute(tabla.select())]
            for tabla in db.metadata.sorted_tables
        }
        db.session.remove()
    return foto


def restaurar(foto) -> None:
    """Empty every table and put back the seeded rows (ids included)."""
    tablas = db.metadata.sorted_tables
    with db.engine.begin() as conexion:
        if conexion.dialect.name == "postgresql":
            nombres = ", ".join(f'"{t.name}"' for t in tablas)
            conexion.execute(sa.text(f"TRUNCATE {nombres} RESTART IDENTITY CASCADE"))
        else:
            for tabla in reversed(tablas):
                conexion.execute(tabla.delete())
        for tabla in tablas:
            if foto.get(tabla):
                conexion.execute(tabla.insert(), foto[tabla])
        if conexion.dialect.name == "postgresql":
            # Explicit ids don't move the sequences: move them past the restored rows.
            for tabla in tablas:
                if "id" in tabla.c and foto.get(tabla):
                    conexion.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('\"{tabla.name}\"', 'id'), "
                            f'(SELECT MAX(id) FROM "{tabla.name}"))'
                        )
                    )


@pytest.fixture(autouse=True)
def bd(app, _foto_semilla):
    """Give each test the seeded database and an app context."""
    with app.app_context():
        restaurar(_foto_semilla)
        yield db
        db.session.remove()


@pytest.fixture
def demo(bd):
    """The demo semesters and the 2020 Anexo 4 loaded through the importer."""
    carga.cargar_periodos_demo()
    carga.cargar_anexo4_demo()
    bd.session.commit()
    return bd


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


EMAILS_DEMO = {rol: email for email, _n, rol, _r, _u in carga.USUARIOS_DEMO[::-1]}
EMAILS_DEMO[Rol.drtpe] = "drtpe.loreto@demo.trabajo.gob.pe"


def usuario_demo(rol: Rol | str, email: str | None = None) -> Usuario:
    """Return the seeded demo account of a role (or the one with email)."""
    rol = Rol(rol)
    return db.session.scalar(sa.select(Usuario).filter_by(email=email or EMAILS_DEMO[rol]))


class Sesion:
    """Log the test client in and out as a demo user."""

    def __init__(self, client):
        self._client = client

    def entrar(self, rol: Rol | str, email: str | None = None):
        usuario = usuario_demo(rol, email)
        respuesta = self._client.post(
            "/login", data={"email": usuario.email, "clave": CLAVE}, follow_redirects=False
        )
        assert respuesta.status_code == 302, respuesta.text
        return usuario

    def salir(self):
        return self._client.post("/logout")


@pytest.fixture
def sesion(client):
    return Sesion(client)


def publicar_informe(anio: int, semestre: int) -> None:
    """Mark the semester's report as published (its figures become everyone's to read)."""
    from app.comun.base import ahora
    from app.convenios.models import Periodo
    from app.informes.models import EstadoInforme, Informe

    periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))
    informe = db.session.scalar(sa.select(Informe).filter_by(periodo_id=periodo.id))
    if informe is None:
        informe = Informe(periodo=periodo, narrativa={})
        db.session.add(informe)
    informe.estado, informe.publicado_en = EstadoInforme.publicado, ahora()
    db.session.commit()


class Equipo:
    """A browser on one device: its own cookies, each request in its own app context.

    A fresh context per request, as in production: the user loader reads the cookie on every
    request (in the suite's shared context, Flask-Login would keep the user of the last one).
    """

    def __init__(self, app):
        self.app = app
        self.cliente = app.test_client()

    def get(self, url: str, **kw):
        """GET url in a fresh app context."""
        with self.app.app_context():
            return self.cliente.get(url, **kw)

    def post(self, url: str, **kw):
        """POST to url in a fresh app context."""
        with self.app.app_context():
            return self.cliente.post(url, **kw)
