"""Under gunicorn: throughput of the Anexo 4 page against a trivial route, side by side.

gunicorn serves the large dataset on loopback with 2 worker processes, as in production. One
bounded thread pool of clients, logged in as the Loreto G/DRTPE, alternates timed rounds of the
trivial route (`/salud`) and of Loreto's newest Anexo 4 page; each route's throughput is its
requests over its own rounds' time. Target: the Anexo 4 page ≥ 50 % of the trivial route.
The run stops by itself and always kills gunicorn.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from bench.comun import Entorno, Resultado

RAIZ = Path(__file__).resolve().parent.parent
OBJETIVO = 0.5
TRABAJADORES = 2
CLIENTES = 4
RONDA_S = 2.0
EMAIL = "drtpe.loreto@demo.trabajo.gob.pe"
CLAVE = "demo-convenios-2020"


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cliente:
    """One HTTP/1.1 connection (reopened when the server closes it) with the session cookie."""

    def __init__(self, puerto: int, cookies: dict[str, str] | None = None):
        self.puerto = puerto
        self.cookies = dict(cookies or {})
        self.conexion: http.client.HTTPConnection | None = None

    def pedir(self, ruta: str, cuerpo: dict | None = None) -> tuple[int, str]:
        """GET (or POST a form) and return status and text."""
        if self.conexion is None:
            self.conexion = http.client.HTTPConnection("127.0.0.1", self.puerto, timeout=30)
        cabeceras = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        datos = None
        if cuerpo is not None:
            datos = urllib.parse.urlencode(cuerpo)
            cabeceras["Content-Type"] = "application/x-www-form-urlencoded"
        self.conexion.request("POST" if cuerpo is not None else "GET", ruta, datos, cabeceras)
        respuesta = self.conexion.getresponse()
        texto = respuesta.read().decode()
        for valor in respuesta.headers.get_all("Set-Cookie") or []:
            nombre, _, resto = valor.partition("=")
            self.cookies[nombre.strip()] = resto.split(";", 1)[0]
        if respuesta.will_close:
            self.conexion.close()
            self.conexion = None
        return respuesta.status, texto

    def entrar(self) -> None:
        _, html = self.pedir("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        estado, _ = self.pedir(
            "/login",
            {"email": EMAIL, "clave": CLAVE, "csrf_token": token.group(1) if token else ""},
        )
        if estado != 302:
            raise RuntimeError(f"No se pudo iniciar sesión en gunicorn ({estado}).")


def _reporte_loreto(url: str) -> int:
    motor = sa.create_engine(url)
    try:
        with motor.connect() as conexion:
            return conexion.execute(
                sa.text(
                    "SELECT r.id FROM reporte r JOIN convenio c ON c.id = r.convenio_id "
                    "JOIN region g ON g.id = c.region_id JOIN periodo p ON p.id = r.periodo_id "
                    "WHERE g.codigo = 'loreto' ORDER BY p.anio DESC, p.semestre DESC LIMIT 1"
                )
            ).scalar_one()
    finally:
        motor.dispose()


def _ronda(clientes: list[Cliente], ruta: str, segundos: float) -> tuple[int, float, int]:
    """All clients request `ruta` until the time is up; return (requests, seconds, errors)."""
    fin = time.perf_counter() + segundos
    errores = [0]
    cuenta = [0]
    candado = threading.Lock()

    def trabajar(cliente: Cliente) -> None:
        hechas = fallas = 0
        while time.perf_counter() < fin:
            try:
                estado, _ = cliente.pedir(ruta)
            except OSError:
                cliente.conexion = None
                estado = 0
            hechas += 1
            fallas += estado != 200
        with candado:
            cuenta[0] += hechas
            errores[0] += fallas

    inicio = time.perf_counter()
    with ThreadPoolExecutor(len(clientes)) as grupo:
        list(grupo.map(trabajar, clientes))
    return cuenta[0], time.perf_counter() - inicio, errores[0]


def medir_servidor(
    url: str, rondas: int = 3, *, guardadas: bool = True, otras: dict[str, str] | None = None
) -> dict[str, tuple[float, int]]:
    """Start gunicorn on `url`; return route → (requests per second, errors).

    `guardadas=False` turns the page store off (CACHE_TYPE=NullCache); `otras` adds pages
    (name → address) measured like the Anexo 4 page.
    """
    puerto = _puerto_libre()
    entorno = os.environ | {
        "APP_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex,
        "DATABASE_URL": url,
    }
    if not guardadas:
        entorno["CACHE_TYPE"] = "NullCache"
    proceso = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(TRABAJADORES),
            "-b",
            f"127.0.0.1:{puerto}",
            "--timeout",
            "60",
            "app:create_app()",
        ],
        cwd=RAIZ,
        env=entorno,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                Cliente(puerto).pedir("/salud")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn no respondió en 30 s.")
        primero = Cliente(puerto)
        primero.entrar()
        clientes = [primero] + [Cliente(puerto, primero.cookies) for _ in range(CLIENTES - 1)]
        rutas = {
            "trivial (/salud)": "/salud",
            "Anexo 4": f"/convenios/anexo4/{_reporte_loreto(url)}",
            **(otras or {}),
        }
        for ruta in rutas.values():  # warm both workers up
            estado, _ = primero.pedir(ruta)
            if estado != 200:
                raise RuntimeError(f"{ruta}: {estado}")
            _ronda(clientes, ruta, 0.5)
        totales = {nombre: [0, 0.0, 0] for nombre in rutas}
        for _ in range(rondas):
            for nombre, ruta in rutas.items():
                hechas, segundos, errores = _ronda(clientes, ruta, RONDA_S)
                totales[nombre][0] += hechas
                totales[nombre][1] += segundos
                totales[nombre][2] += errores
        return {n: (h / s, e) for n, (h, s, e) in totales.items()}
    finally:
        os.killpg(proceso.pid, signal.SIGTERM)
        try:
            proceso.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proceso.pid, signal.SIGKILL)
            proceso.wait()


def medir(entorno: Entorno) -> list[Resultado]:
    """Throughput of Loreto's Anexo 4 page as a share of the trivial route's (target ≥ 50 %)."""
    cifras = medir_servidor(entorno.url_grande)
    (trivial, e_trivial), (anexo4, e_anexo4) = cifras["trivial (/salud)"], cifras["Anexo 4"]
    proporcion = anexo4 / trivial if trivial else 0.0
    nota = (
        f"gunicorn {TRABAJADORES} procesos, {CLIENTES} clientes, rondas alternadas de "
        f"{RONDA_S:.0f} s"
    )
    return [
        Resultado(
            "gunicorn: ruta trivial /salud",
            round(trivial, 1),
            "req/s",
            "referencia",
            e_trivial == 0,
            f"{e_trivial} errores; {nota}",
        ),
        Resultado(
            "gunicorn: página del Anexo 4 (drtpe)",
            round(anexo4, 1),
            "req/s",
            "referencia",
            e_anexo4 == 0,
            f"{e_anexo4} errores",
        ),
        Resultado(
            "gunicorn: Anexo 4 / ruta trivial",
            round(100 * proporcion, 1),
            "%",
            f"≥ {OBJETIVO:.0%}".replace("%", " %"),
            proporcion >= OBJETIVO and e_anexo4 == 0,
            "misma conexión y sesión, medidas lado a lado",
        ),
    ]
