"""Stored files (app/comun/almacenamiento): the same behaviour on both backends, "disco" and
"bd"; and what only the database backend gives: two app servers see each other's files."""

from __future__ import annotations

import io
import os
import re
import tarfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
import sqlalchemy as sa

from app import create_app
from app.catalogo.models import Region
from app.comun import almacenamiento
from app.comun.almacenamiento import ArchivoGuardado, disco
from app.comun.almacenamiento.cli import archivos_cli, copiar
from app.comun.base import ahora
from app.comun.respaldo import respaldar_archivos, restaurar_archivos
from app.comun.roles import Rol
from app.convenios.models import Convenio, Evidencia, LineaReporte, Periodo
from app.convenios.services import anexo4, evidencias
from app.extensions import db
from app.informes import pdf
from app.informes.models import ArchivoInforme
from app.informes.services.archivos import CARPETA as CARPETA_INFORMES
from config import TestingConfig

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EJEMPLO = Path(__file__).resolve().parents[2] / "docs" / "ejemplo-anexo4.csv"
AJENOS = ("../../config.py", "a" * 32 + ".pdf/../x", "A" * 32 + ".pdf", "x.pdf", "", None)


@pytest.fixture(params=almacenamiento.BACKENDS)
def backend(request, app, tmp_path, monkeypatch):
    """Run the test on each backend, with this test's own files folder."""
    monkeypatch.setitem(app.config, "ALMACENAMIENTO", request.param)
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path / "archivos"))
    return request.param


def _en_disco(app) -> list[Path]:
    raiz = almacenamiento.carpeta_archivos(app)
    return sorted(p for p in raiz.rglob("*") if p.is_file()) if raiz.exists() else []


def _filas(bd) -> int:
    return bd.session.scalar(sa.select(sa.func.count(ArchivoGuardado.id)))


def _donde_esta(app, bd, backend: str, carpeta: str, nombre: str) -> bool:
    """Whether the file is where its backend keeps it (and nowhere else)."""
    en_disco = disco.ruta(carpeta, nombre).is_file()
    en_bd = bd.session.scalar(sa.select(ArchivoGuardado.id).filter_by(nombre=nombre)) is not None
    return (en_disco, en_bd) == ((True, False) if backend == "disco" else (False, True))


# --- The interface, on both backends ----------------------------------------------------------


def test_a_file_is_written_and_read_back(app, bd, backend):
    contenido = os.urandom(300_000)
    nombre = almacenamiento.guardar("pruebas", "bin", contenido)
    assert almacenamiento.PATRON_NOMBRE.match(nombre)
    bd.session.commit()
    assert almacenamiento.leer("pruebas", nombre) == contenido
    assert almacenamiento.existe("pruebas", nombre)
    assert almacenamiento.tamano("pruebas", nombre) == len(contenido)
    assert _donde_esta(app, bd, backend, "pruebas", nombre)
    # Another folder is another file.
    assert almacenamiento.leer("otra", nombre) is None
    assert not almacenamiento.existe("otra", nombre)


def test_a_rollback_removes_the_file(app, bd, backend):
    nombre = almacenamiento.guardar("pruebas", "pdf", PDF)
    assert almacenamiento.leer("pruebas", nombre) == PDF  # visible inside its transaction
    bd.session.rollback()
    assert almacenamiento.leer("pruebas", nombre) is None
    assert not almacenamiento.existe("pruebas", nombre)
    assert _en_disco(app) == [] and _filas(bd) == 0


def test_a_deletion_happens_only_when_the_transaction_commits(app, bd, backend):
    nombre = almacenamiento.guardar("pruebas", "pdf", PDF)
    bd.session.commit()
    almacenamiento.borrar_al_confirmar("pruebas", nombre)
    bd.session.rollback()  # the deletion didn't happen: the file stays
    assert almacenamiento.leer("pruebas", nombre) == PDF
    almacenamiento.borrar_al_confirmar("pruebas", nombre)
    if backend == "disco":
        assert disco.ruta("pruebas", nombre).is_file()  # still there until the commit
    bd.session.commit()
    assert almacenamiento.leer("pruebas", nombre) is None
    assert _en_disco(app) == [] and _filas(bd) == 0


def test_old_files_are_removed_with_the_commit(app, bd, backend):
    viejo = almacenamiento.guardar("pruebas", "csv", b"viejo")
    nuevo = almacenamiento.guardar("pruebas", "csv", b"nuevo")
    bd.session.commit()
    hace_dos_dias = time.time() - 2 * 24 * 3600
    if backend == "disco":
        os.utime(disco.ruta("pruebas", viejo), (hace_dos_dias, hace_dos_dias))
    else:
        bd.session.execute(
            sa.update(ArchivoGuardado)
            .filter_by(nombre=viejo)
            .values(creado_en=ahora() - timedelta(days=2))
        )
        bd.session.commit()
    assert almacenamiento.borrar_anteriores("pruebas", 24 * 3600) == 1
    bd.session.rollback()
    assert almacenamiento.existe("pruebas", viejo)
    almacenamiento.borrar_anteriores("pruebas", 24 * 3600)
    bd.session.commit()
    assert not almacenamiento.existe("pruebas", viejo)
    assert almacenamiento.leer("pruebas", nuevo) == b"nuevo"


def test_names_and_folders_that_are_not_ours_are_refused(app, bd, backend):
    # A file placed in the folder by other means is never reachable by its name.
    carpeta = almacenamiento.carpeta_archivos(app) / "evidencias"
    carpeta.mkdir(parents=True)
    (carpeta / "x.pdf").write_bytes(PDF)
    with app.test_request_context():
        for nombre in AJENOS:
            assert almacenamiento.leer("evidencias", nombre) is None, nombre
            assert not almacenamiento.existe("evidencias", nombre), nombre
            assert almacenamiento.tamano("evidencias", nombre) is None, nombre
            respuesta = almacenamiento.enviar(
                "evidencias", nombre, mimetype="application/pdf", download_name="x.pdf"
            )
            assert respuesta is None, nombre
            with pytest.raises(ValueError):
                almacenamiento.borrar_al_confirmar("evidencias", nombre)
    nombre = almacenamiento.guardar("evidencias", "pdf", PDF)
    for carpeta_ajena in ("../instance", "evidencias/..", "", "Evidencias", "a" * 41):
        with pytest.raises(ValueError):
            almacenamiento.guardar(carpeta_ajena, "pdf", PDF)
        with pytest.raises(ValueError):
            almacenamiento.leer(carpeta_ajena, nombre)
    for extension in ("", "p/f", "../pdf", "PDF", "a" * 11):
        with pytest.raises(ValueError):
            almacenamiento.guardar("evidencias", extension, PDF)


def test_a_disk_write_that_fails_leaves_no_half_written_file(app, bd, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path / "archivos"))

    def disco_lleno(origen, destino):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(disco.os, "replace", disco_lleno)
    with pytest.raises(OSError):
        almacenamiento.guardar("pruebas", "pdf", PDF)
    bd.session.rollback()
    assert _en_disco(app) == []


def test_an_unknown_backend_is_refused(app, bd, monkeypatch):
    monkeypatch.setitem(app.config, "ALMACENAMIENTO", "s3")
    with pytest.raises(RuntimeError, match="ALMACENAMIENTO"):
        almacenamiento.guardar("pruebas", "pdf", PDF)


# --- Through the web, on both backends --------------------------------------------------------


@pytest.fixture
def linea(bd) -> LineaReporte:
    """IdG 3 (proposed by the DNCCL) of Loreto's Anexo 4 of an open semester."""
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    convenio = bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == "loreto"))
    reporte = anexo4.obtener_o_crear_reporte(convenio, periodo, usuario_id=None)
    bd.session.commit()
    return next(x for x in reporte.lineas if x.indicador_numero == 3)


def test_an_evidence_uploaded_through_the_web_is_downloaded_whole(
    app, bd, backend, linea, client, sesion
):
    grande = PDF + os.urandom(2 * 1024 * 1024)
    sesion.entrar(Rol.drtpe)
    respuesta = client.post(
        f"/convenios/anexo4/lineas/{linea.id}/evidencias",
        data={"archivo": (io.BytesIO(grande), "acta.pdf")},
        content_type="multipart/form-data",
    )
    assert respuesta.status_code == 302
    bd.session.expire_all()
    (evidencia,) = bd.session.scalars(sa.select(Evidencia))
    assert _donde_esta(app, bd, backend, evidencias.CARPETA, evidencia.archivo)
    for rol in (Rol.drtpe, Rol.odes):
        sesion.salir()
        sesion.entrar(rol)
        descarga = client.get(f"/convenios/anexo4/evidencias/{evidencia.id}")
        assert descarga.status_code == 200
        assert descarga.data == grande and descarga.content_length == len(grande)
        assert descarga.mimetype == "application/pdf"
        assert "acta.pdf" in descarga.headers["Content-Disposition"]
    sesion.salir()
    sesion.entrar(Rol.drtpe)
    assert client.post(f"/convenios/anexo4/evidencias/{evidencia.id}/eliminar").status_code == 302
    assert almacenamiento.leer(evidencias.CARPETA, evidencia.archivo) is None
    assert _en_disco(app) == [] and _filas(bd) == 0
    assert client.get(f"/convenios/anexo4/evidencias/{evidencia.id}").status_code == 404


def test_a_generated_report_is_stored_and_downloaded(
    app, demo, backend, client, sesion, monkeypatch
):
    monkeypatch.setitem(app.config, "TAREAS_MODO", "sincrono")
    construido = b"%PDF-1.4\n% informe de prueba\n" + os.urandom(50_000) + b"\n%%EOF\n"
    monkeypatch.setattr(pdf, "informe_pdf", lambda *a, **k: construido)
    sesion.entrar(Rol.odes)
    assert client.post("/informes/2020-2/generar", data={"tipo": "final"}).status_code == 302
    demo.session.expire_all()
    (archivo,) = demo.session.scalars(sa.select(ArchivoInforme))
    assert _donde_esta(app, demo, backend, CARPETA_INFORMES, archivo.ruta)
    assert archivo.tamanio == len(construido)
    descarga = client.get(f"/informes/archivos/{archivo.id}")
    assert descarga.status_code == 200 and descarga.data == construido
    assert descarga.headers["ETag"].strip('"') == archivo.version_datos
    assert descarga.content_length == len(construido)
    # The browser's copy is still good: 304, no body.
    vigente = client.get(
        f"/informes/archivos/{archivo.id}", headers={"If-None-Match": descarga.headers["ETag"]}
    )
    assert vigente.status_code == 304 and vigente.data == b""
    # Asking again reuses the stored file (no second build, no second file).
    client.post("/informes/2020-2/generar", data={"tipo": "final"})
    assert demo.session.scalar(sa.select(sa.func.count(ArchivoInforme.id))) == 1
    # A stored file that vanished is a 404, and the next request builds it again.
    almacenamiento.borrar_al_confirmar(CARPETA_INFORMES, archivo.ruta)
    demo.session.commit()
    assert client.get(f"/informes/archivos/{archivo.id}").status_code == 404
    client.post("/informes/2020-2/generar", data={"tipo": "final"})
    demo.session.expire_all()
    assert client.get(f"/informes/archivos/{archivo.id}").data == construido


def test_an_import_preview_waits_in_the_storage_until_confirmed(app, bd, backend, client, sesion):
    sesion.entrar(Rol.odes)
    respuesta = client.post(
        "/convenios/anexo4/importar",
        data={"archivo": (io.BytesIO(EJEMPLO.read_bytes()), "ejemplo.csv")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', respuesta.text).group(1)
    assert almacenamiento.leer("importaciones", f"{token}.csv") == EJEMPLO.read_bytes()
    respuesta = client.post(
        "/convenios/anexo4/importar/confirmar", data={"token": token, "nombre": "ejemplo.csv"}
    )
    assert "Importación completada" in client.get(respuesta.location).text
    assert not almacenamiento.existe("importaciones", f"{token}.csv")
    assert _en_disco(app) == [] and _filas(bd) == 0


# --- Two app servers --------------------------------------------------------------------------


@pytest.fixture
def dos_servidores(app, tmp_path):
    """A factory of two separate apps (each its own ARCHIVOS_DIR) on one database: the suite's
    PostgreSQL, or a SQLite file of this test."""
    url = db.engine.url
    compartida = (
        url.render_as_string(hide_password=False)
        if url.get_backend_name() == "postgresql"
        else f"sqlite:///{tmp_path / 'compartida.db'}"
    )
    creadas = []

    def crear(backend: str):
        apps = []
        for letra in "ab":

            class Config(TestingConfig):
                SQLALCHEMY_DATABASE_URI = compartida
                ARCHIVOS_DIR = str(tmp_path / f"archivos-{letra}-{backend}")
                ALMACENAMIENTO = backend

            apps.append(create_app(Config))
        if not creadas:
            with apps[0].app_context():
                db.create_all()
        creadas.extend(apps)
        return apps

    yield crear
    for otra in creadas:
        with otra.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("backend_compartido", almacenamiento.BACKENDS)
def test_two_app_servers_see_each_others_files_only_through_the_database(
    dos_servidores, backend_compartido
):
    a, b = dos_servidores(backend_compartido)
    with a.app_context():
        nombre = almacenamiento.guardar("evidencias", "pdf", PDF)
        db.session.commit()
        assert almacenamiento.leer("evidencias", nombre) == PDF
    with b.app_context():
        visto = almacenamiento.leer("evidencias", nombre)
        with b.test_request_context():
            respuesta = almacenamiento.enviar(
                "evidencias", nombre, mimetype="application/pdf", download_name="acta.pdf"
            )
    if backend_compartido == "bd":
        assert visto == PDF
        respuesta.direct_passthrough = False
        assert respuesta.get_data() == PDF
        # And a deletion committed on one is seen by the other.
        with b.app_context():
            almacenamiento.borrar_al_confirmar("evidencias", nombre)
            db.session.commit()
        with a.app_context():
            assert not almacenamiento.existe("evidencias", nombre)
    else:
        # The point of the shared backend: on disk, the other server has no such file.
        assert visto is None and respuesta is None


# --- Backups and moving between backends ------------------------------------------------------


def test_the_disk_files_go_into_a_backup_tar_and_come_back(app, bd, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path / "archivos"))
    guardados = {
        ("evidencias", almacenamiento.guardar("evidencias", "pdf", PDF)): PDF,
        ("informes", almacenamiento.guardar("informes", "pdf", b"%PDF informe")): b"%PDF informe",
    }
    bd.session.commit()
    cache = tmp_path / "archivos" / "graficos" / ("f" * 64)
    cache.mkdir(parents=True)
    (cache / "2020-2-todo-idg-1.png").write_bytes(b"png")  # a cache, not a stored file
    tar = tmp_path / "respaldo.dump.archivos.tar"
    assert respaldar_archivos(tar) == 2
    with tarfile.open(tar, "a") as escrito:  # an entry that is not ours is never extracted
        info = tarfile.TarInfo("../fuera.pdf")
        info.size = 3
        escrito.addfile(info, io.BytesIO(b"mal"))
    destino = tmp_path / "restaurados"
    assert restaurar_archivos(tar, destino) == 2
    assert {(p.parent.name, p.name): p.read_bytes() for p in destino.rglob("*") if p.is_file()} == {
        clave: contenido for clave, contenido in guardados.items()
    }
    assert not (tmp_path / "fuera.pdf").exists()
    with pytest.raises(click.ClickException, match="no está vacía"):
        restaurar_archivos(tar, destino)


@pytest.fixture
def base_nueva(tmp_path):
    """A factory of URLs of new, empty databases of the suite's kind (dropped afterwards)."""
    url = db.engine.url
    admin = None
    creadas: list[str] = []
    if url.get_backend_name() == "postgresql":
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def crear(sufijo: str) -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'restaurada-{sufijo}.db'}"
        nombre = f"restaurada_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conexion:
            conexion.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
        creadas.append(nombre)
        return url.set(database=nombre).render_as_string(hide_password=False)

    yield crear
    if admin is not None:
        with admin.connect() as conexion:
            for nombre in creadas:
                conexion.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
        admin.dispose()


def test_backup_command_on_each_backend(dos_servidores, base_nueva, tmp_path):
    """`flask respaldo crear`: "bd" files travel in the database backup; "disco" files in the
    tar beside it, restored with --archivos."""
    for backend in almacenamiento.BACKENDS:
        servidor, _otro = dos_servidores(backend)
        with servidor.app_context():
            nombre = almacenamiento.guardar("evidencias", "pdf", PDF + backend.encode())
            db.session.commit()
        runner = servidor.test_cli_runner()
        destino = tmp_path / f"respaldo-{backend}.dump"
        restaurada = base_nueva(backend)
        archivos = tmp_path / f"restaurados-{backend}"
        argumentos = ["respaldo", "restaurar", str(destino), "--destino", restaurada]
        if backend == "disco":
            argumentos += ["--archivos", str(archivos)]
        with servidor.app_context():  # (the suite's app context is the current one)
            creado = runner.invoke(args=["respaldo", "crear", str(destino)])
            assert creado.exit_code == 0, creado.output
            salida = runner.invoke(args=argumentos)
            assert salida.exit_code == 0, salida.output
        motor = sa.create_engine(restaurada)
        with motor.connect() as conexion:
            consulta = sa.select(ArchivoGuardado.nombre, ArchivoGuardado.contenido)
            filas = {n: c for n, c in conexion.execute(consulta)}
        motor.dispose()
        if backend == "bd":
            assert "ALMACENAMIENTO=bd" in creado.output
            assert filas[nombre] == PDF + b"bd"
            assert not destino.with_name(destino.name + ".archivos.tar").exists()
        else:
            assert nombre not in filas and "Archivos guardados (1)" in creado.output
            assert (archivos / "evidencias" / nombre).read_bytes() == PDF + b"disco"


def test_files_are_copied_from_disk_into_the_database(app, bd, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path / "archivos"))
    monkeypatch.setitem(app.config, "ALMACENAMIENTO", "disco")
    nombres = [almacenamiento.guardar("evidencias", "pdf", PDF + bytes([i])) for i in range(3)]
    bd.session.commit()
    assert copiar("disco", "bd") == (3, 0)
    salida = app.test_cli_runner().invoke(archivos_cli, ["copiar", "--hacia", "bd"])
    assert salida.exit_code == 0 and "Copiados 0 archivos" in salida.output, salida.output
    monkeypatch.setitem(app.config, "ALMACENAMIENTO", "bd")
    assert [almacenamiento.leer("evidencias", n) for n in nombres] == [
        PDF + bytes([i]) for i in range(3)
    ]
