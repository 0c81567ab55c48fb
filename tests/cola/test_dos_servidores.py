"""Two app servers and one worker, as production runs them: two gunicorn processes on different
ports (each with its own files folder), one `flask cola trabajador`, one PostgreSQL database and
one Redis. A report asked for on one server is followed and downloaded on the other; an evidence
file uploaded on one is downloaded from the other.

PostgreSQL only (two hosts never share a SQLite file); CI runs it with EXIGIR_POSTGRES=1.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import re
import signal
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.catalogo.models import Region
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.services import anexo4 as anexo4_services
from app.extensions import db
from seed.carga import CLAVE_DEMO
from tests.cola.conftest import Proceso, esperar, iniciar_trabajador

LORETO = "drtpe.loreto@demo.trabajo.gob.pe"
ODES = "odes@demo.trabajo.gob.pe"


@pytest.fixture(scope="module")
def solo_postgres_compartida(url_compartida):
    if not url_compartida.startswith("postgresql"):
        if os.environ.get("EXIGIR_POSTGRES"):
            pytest.fail("Se exigió PostgreSQL para la prueba de dos servidores")
        pytest.skip("Dos servidores necesitan PostgreSQL (TEST_DATABASE_URL)")


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def servidores(solo_postgres_compartida, app_cola, entorno, tmp_path_factory):
    """Two gunicorn servers (each with its own ARCHIVOS_DIR) and one worker."""
    carpeta = tmp_path_factory.mktemp("dos-servidores")
    procesos, bases = [], []
    for letra in "ab":
        puerto = _puerto_libre()
        propio = {**entorno, "ARCHIVOS_DIR": str(carpeta / f"archivos-{letra}")}
        procesos.append(
            Proceso(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{puerto}",
                    "app:create_app()",
                ],
                propio,
                carpeta / f"servidor-{letra}.log",
            )
        )
        bases.append(f"http://127.0.0.1:{puerto}")
    trabajador = iniciar_trabajador(
        {**entorno, "ARCHIVOS_DIR": str(carpeta / "archivos-trabajador")}, carpeta
    )
    procesos.append(trabajador)
    for base, proceso in zip(bases, procesos, strict=False):
        listo = esperar(lambda b=base: _responde(b), 60)
        assert listo, proceso.texto()
    yield bases, procesos
    for proceso in procesos:
        proceso.matar(signal.SIGTERM)


def _responde(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/salud", timeout=2) as respuesta:
            return respuesta.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


class Navegador:
    """A browser on a server: cookies (shared by both servers: same host), CSRF tokens."""

    def __init__(self, frasco: http.cookiejar.CookieJar):
        self.abridor = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(frasco), _SinRedirecciones()
        )

    def pedir(self, url: str, datos: bytes | None = None, tipo: str | None = None):
        solicitud = urllib.request.Request(url, data=datos)
        if tipo:
            solicitud.add_header("Content-Type", tipo)
        try:
            respuesta = self.abridor.open(solicitud, timeout=60)
        except urllib.error.HTTPError as error:
            respuesta = error
        return respuesta.status, respuesta.headers, respuesta.read()

    def token(self, url: str) -> str:
        _estado, _cabeceras, cuerpo = self.pedir(url)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', cuerpo).group(1).decode()

    def enviar(self, url: str, campos: dict[str, str], pagina: str):
        campos = {"csrf_token": self.token(pagina), **campos}
        return self.pedir(url, urllib.parse.urlencode(campos).encode())

    def entrar(self, base: str, email: str) -> None:
        estado, _c, _b = self.enviar(
            f"{base}/login", {"email": email, "clave": CLAVE_DEMO}, f"{base}/login"
        )
        assert estado == 302, estado

    def subir(self, url: str, pagina: str, nombre: str, contenido: bytes):
        limite = uuid.uuid4().hex
        partes = [
            f'--{limite}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.token(pagina)}\r\n".encode(),
            f'--{limite}\r\nContent-Disposition: form-data; name="archivo"; '
            f'filename="{nombre}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + contenido
            + b"\r\n",
            f"--{limite}--\r\n".encode(),
        ]
        return self.pedir(url, b"".join(partes), f"multipart/form-data; boundary={limite}")


class _SinRedirecciones(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_report_asked_on_one_server_is_followed_and_downloaded_on_the_other(servidores):
    (a, b), _procesos = servidores
    navegador = Navegador(http.cookiejar.CookieJar())
    navegador.entrar(a, ODES)
    estado, cabeceras, _cuerpo = navegador.enviar(
        f"{a}/informes/2020-2/generar", {"tipo": "final"}, f"{a}/informes/2020-2"
    )
    assert estado == 302, estado
    _e, _c, pagina = navegador.pedir(f"{a}/informes/2020-2")
    generacion = re.search(rb'data-progreso-url="(/informes/generaciones/\d+)"', pagina)
    assert generacion, pagina[:500]

    def en_b():
        _e, _c, cuerpo = navegador.pedir(f"{b}{generacion.group(1).decode()}")
        datos = json.loads(cuerpo)
        return datos if datos["estado"] in ("terminado", "error") else None

    final = esperar(en_b, 120, paso=0.5)
    assert final and final["estado"] == "terminado", final
    estado, cabeceras, pdf = navegador.pedir(f"{b}{final['archivo']['url']}")
    assert estado == 200 and pdf.startswith(b"%PDF")
    assert "2020" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_an_evidence_uploaded_on_one_server_is_downloaded_from_the_other(servidores, app_cola):
    (a, b), _procesos = servidores
    with app_cola.app_context():
        periodo = db.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
        periodo.abierto = True
        periodo.fecha_limite_anexo4 = date.today() + timedelta(days=30)
        periodo.fecha_cierre_anexo4 = None
        convenio = db.session.scalar(
            sa.select(Convenio).join(Region).where(Region.codigo == "loreto")
        )
        reporte = anexo4_services.obtener_o_crear_reporte(convenio, periodo, usuario_id=None)
        db.session.commit()
        reporte_id, linea_id = reporte.id, reporte.lineas[0].id
    navegador = Navegador(http.cookiejar.CookieJar())
    navegador.entrar(a, LORETO)
    contenido = (
        b"%PDF-1.4\n% evidencia de dos servidores " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    )
    pagina = f"{a}/convenios/anexo4/{reporte_id}"
    estado, _c, _b = navegador.subir(
        f"{a}/convenios/anexo4/lineas/{linea_id}/evidencias", pagina, "acta.pdf", contenido
    )
    assert estado in (302, 303), estado
    _e, _c, vista = navegador.pedir(f"{b}/convenios/anexo4/{reporte_id}")
    enlace = re.search(rb'href="(/convenios/anexo4/evidencias/\d+)"', vista)
    assert enlace, vista[:500]
    estado, _c, descargado = navegador.pedir(f"{b}{enlace.group(1).decode()}")
    assert estado == 200 and descargado == contenido
    with app_cola.app_context():
        assert db.session.get(Reporte, reporte_id) is not None
