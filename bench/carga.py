"""Bounded load test: gunicorn + PostgreSQL, regional users submitting Anexo 4 while others read.

Loopback only; every loop is bounded in count and time and the script stops by itself.

    .venv/bin/python bench/carga.py [--usuarios 50] [--lectores 10] [--salida docs/operations.md]

It creates a fresh database, migrates, seeds the demo, opens enough semesters for every
submitter to own a distinct (region, semester) Anexo 4, starts gunicorn, runs the users in
threads, then checks: zero HTTP errors, every report submitted exactly once, one audit event
per submission; and writes throughput and p50/p95 latencies.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLAVE = "Carga-2026-segura"
LIMITE_SEGUNDOS = 300


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cliente:
    """A browser-like client: cookies, CSRF token, timings of every request."""

    def __init__(self, base: str, tiempos: list, errores: list):
        self.base = base
        self.tiempos = tiempos
        self.errores = errores
        self.abridor = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def pedir(self, ruta: str, datos: dict | None = None) -> str:
        inicio = time.perf_counter()
        cuerpo = urllib.parse.urlencode(datos).encode() if datos is not None else None
        try:
            with self.abridor.open(self.base + ruta, data=cuerpo, timeout=30) as respuesta:
                texto = respuesta.read().decode()
        except urllib.error.HTTPError as error:
            self.errores.append(f"{error.code} {ruta}")
            texto = ""
        except OSError as error:
            self.errores.append(f"{error} {ruta}")
            texto = ""
        es_login = ruta == "/login" and datos is not None
        self.tiempos.append((es_login, time.perf_counter() - inicio))
        return texto

    def token(self, html: str) -> str:
        encontrado = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        return encontrado.group(1) if encontrado else ""

    def entrar(self, email: str) -> None:
        html = self.pedir("/login")
        self.pedir("/login", {"email": email, "clave": CLAVE, "csrf_token": self.token(html)})


def preparar(url: str, usuarios: int) -> list[tuple[str, int]]:
    """Migrate, seed and create the submitters; return (email, report id) pairs."""
    entorno = os.environ | {
        "DATABASE_URL": url,
        "FLASK_APP": "app",
        "APP_ENV": "development",
        "PYTHONPATH": str(RAIZ),
    }
    subprocess.run(
        [PYTHON, "-m", "flask", "db", "upgrade"],
        cwd=RAIZ,
        env=entorno,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [PYTHON, "-m", "flask", "seed", "demo"],
        cwd=RAIZ,
        env=entorno,
        check=True,
        capture_output=True,
    )
    resultado = subprocess.run(
        [PYTHON, str(RAIZ / "bench" / "preparar_carga.py"), str(usuarios), CLAVE],
        cwd=RAIZ,
        env=entorno,
        check=True,
        capture_output=True,
        text=True,
    )
    pares = [linea.split() for linea in resultado.stdout.strip().splitlines()]
    return [(email, int(reporte)) for email, reporte in pares]


def presentar(cliente: Cliente, email: str, reporte_id: int) -> None:
    """Log in, fill every line of the Anexo 4, save and submit it."""
    cliente.entrar(email)
    html = cliente.pedir(f"/convenios/anexo4/{reporte_id}/editar")
    datos = {"csrf_token": cliente.token(html)}
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    datos["version"] = version.group(1) if version else ""
    lineas = re.findall(r'name="lineas-\d+-linea_id" type="hidden" value="(\d+)"', html)
    for i, linea_id in enumerate(lineas):
        datos |= {
            f"lineas-{i}-linea_id": linea_id,
            f"lineas-{i}-estado": "valor",
            f"lineas-{i}-programado": "50",
            f"lineas-{i}-ejecutado": "45",
            f"lineas-{i}-comentario": "Prueba de carga: valores de ejemplo.",
        }
    cliente.pedir(f"/convenios/anexo4/{reporte_id}/editar", datos)
    html = cliente.pedir(f"/convenios/anexo4/{reporte_id}")
    cliente.pedir(f"/convenios/anexo4/{reporte_id}/enviar", {"csrf_token": cliente.token(html)})


def leer(cliente: Cliente, email: str, rondas: int, fin: float) -> None:
    """Log in as a reviewer and read the results and completeness pages repeatedly."""
    cliente.entrar(email)
    for _ in range(rondas):
        if time.monotonic() > fin:
            return
        cliente.pedir("/convenios/anexo4/resultados?periodo=2020-2")
        cliente.pedir("/convenios/anexo4/completitud?periodo=2020-2")


def percentil(valores: list[float], p: float) -> float:
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def main() -> int:
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--usuarios", type=int, default=50)
    argumentos.add_argument("--lectores", type=int, default=10)
    argumentos.add_argument("--rondas", type=int, default=5)
    argumentos.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    argumentos.add_argument("--salida", type=Path)
    a = argumentos.parse_args()

    import sqlalchemy as sa

    admin_url = sa.engine.make_url(a.pg)
    nombre = f"carga_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{nombre}"'))
    url = admin_url.set(database=nombre).render_as_string(hide_password=False)
    gunicorn = None
    try:
        presentadores = preparar(url, a.usuarios)
        puerto = _puerto_libre()
        entorno = os.environ | {
            "DATABASE_URL": url,
            "APP_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex,
        }
        gunicorn = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "-w",
                "3",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{puerto}",
                "app:create_app()",
            ],
            cwd=RAIZ,
            env=entorno,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{puerto}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        tiempos: list[float] = []
        errores: list[str] = []
        fin = time.monotonic() + LIMITE_SEGUNDOS
        # Production cookies are Secure; over plain loopback HTTP the client must still send them.
        http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda *args: True
        hilos = [
            threading.Thread(target=presentar, args=(Cliente(base, tiempos, errores), e, r))
            for e, r in presentadores
        ] + [
            threading.Thread(
                target=leer,
                args=(Cliente(base, tiempos, errores), f"lector{i}@carga.pe", a.rondas, fin),
            )
            for i in range(a.lectores)
        ]
        inicio = time.perf_counter()
        for h in hilos:
            h.start()
        for h in hilos:
            h.join(timeout=max(1, fin - time.monotonic()))
        duracion = time.perf_counter() - inicio

        motor = sa.create_engine(url)
        ids = [r for _e, r in presentadores]
        with motor.connect() as c:
            enviados = c.execute(
                sa.text("SELECT count(*) FROM reporte WHERE id = ANY(:ids) AND estado = 'enviado'"),
                {"ids": ids},
            ).scalar()
            eventos = c.execute(
                sa.text(
                    "SELECT objeto_id, count(*) FROM evento WHERE accion = 'enviar' "
                    "AND objeto_tipo = 'reporte' GROUP BY objeto_id"
                )
            ).all()
        motor.dispose()
        una_vez = all(n == 1 for _id, n in eventos) and len(eventos) == len(ids)
        todos = [t for _l, t in tiempos]
        sin_login = [t for es_login, t in tiempos if not es_login]
        logins = [t for es_login, t in tiempos if es_login]
        resumen = (
            f"- {len(presentadores)} usuarios regionales presentando su Anexo 4 y {a.lectores} "
            f"revisores leyendo resultados ({a.rondas} rondas), gunicorn 3 procesos × 4 hilos, "
            f"PostgreSQL local, {os.cpu_count()} núcleos.\n"
            f"- Solicitudes: {len(todos)} en {duracion:.1f} s → {len(todos) / duracion:.1f} "
            f"solicitudes/s; todas: p50 {statistics.median(todos) * 1000:.0f} ms, "
            f"p95 {percentil(todos, 95) * 1000:.0f} ms; sin contar el inicio de sesión: "
            f"p50 {statistics.median(sin_login) * 1000:.0f} ms, "
            f"p95 {percentil(sin_login, 95) * 1000:.0f} ms; inicio de sesión (hash scrypt): "
            f"p50 {statistics.median(logins) * 1000:.0f} ms, "
            f"p95 {percentil(logins, 95) * 1000:.0f} ms.\n"
            f"- Errores HTTP: {len(errores)}; reportes enviados {enviados} de {len(ids)}; "
            f"eventos de envío una vez por reporte: {'sí' if una_vez else 'NO'}.\n"
        )
        print(resumen)
        if errores:
            print("Errores:", errores[:10])
        if a.salida:
            texto = a.salida.read_text(encoding="utf-8")
            marca = "## Prueba de carga"
            fecha = time.strftime("%Y-%m-%d")
            texto = f"{texto.split(marca)[0].rstrip()}\n\n{marca}\n\n`bench/carga.py`, {fecha}:\n\n"
            texto += resumen
            a.salida.write_text(texto, encoding="utf-8")
        return 0 if not errores and enviados == len(ids) and una_vez else 1
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
