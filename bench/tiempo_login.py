"""Login timing: a wrong password for a real account vs an address that has no account.

If the two took different times, the login form would tell which e-mail addresses have an
account (issue 14: 106 ms vs 7 ms before the dummy hash). Both go through POST /login of a
production-like app (scrypt hashes, CSRF off only so the bench needs no token), alternately,
each from a new client address so that neither the lockout per account and address nor the
limiter per address cuts an attempt short. Figure: the median of 10 each (after one warm-up
each); they must not differ by more than 20 %.

    .venv/bin/python -m bench.tiempo_login [--url sqlite:///…] [-n 10]

Without --url it migrates an empty SQLite database in a temporary folder and creates the one
account. Exits 1 when the medians differ by more than 20 %. `python -m bench` runs it as the
section `tiempo_login` on the real-size data.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

from bench.comun import Entorno, Resultado, aplicacion, carpeta_temporal

CUENTA, CLAVE = "odes@demo.trabajo.gob.pe", "demo-convenios-2020"
DESCONOCIDA = "nadie.registrado@demo.trabajo.gob.pe"
TOLERANCIA = 0.20
_direcciones = (f"10.{a}.{b}.{c}" for a, b, c in itertools.product(range(256), repeat=3))


def _preparar(url: str | None):
    """The app on `url`, or on a fresh migrated SQLite database with the one account."""
    from flask_migrate import upgrade

    from app.auth import services
    from app.comun.roles import Rol
    from app.extensions import db

    if url:
        app = aplicacion(url)
    else:
        app = aplicacion(f"sqlite:///{carpeta_temporal('bench-login-')}/login.db")
        with app.app_context():
            upgrade()
            datos = {"email": CUENTA, "nombre": "ODES", "rol": Rol.odes, "activo": True}
            services.crear_usuario(datos, CLAVE, usuario_id=None)
            db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _intento(cliente, email: str) -> float:
    """Seconds for one refused login of `email` (a wrong password), from a new address."""
    inicio = time.perf_counter()
    respuesta = cliente.post(
        "/login",
        data={"email": email, "clave": "no-es-la-clave-1"},
        environ_base={"REMOTE_ADDR": next(_direcciones)},
    )
    segundos = time.perf_counter() - inicio
    if respuesta.status_code != 200 or "Correo o contraseña incorrectos" not in respuesta.text:
        raise RuntimeError(f"respuesta inesperada del login: {respuesta.status_code}")
    return segundos


def tiempos(url: str | None = None, n: int = 10) -> tuple[float, float]:
    """Median seconds of n refused logins: real account (wrong password), unknown address."""
    app = _preparar(url)
    cliente = app.test_client()
    _intento(cliente, CUENTA), _intento(cliente, DESCONOCIDA)  # warm-up: caches, dummy hash
    existente, inexistente = [], []
    for i in range(n):
        # Alternate which goes first, so a drift of the machine's speed favours neither.
        pares = [(existente, CUENTA), (inexistente, DESCONOCIDA)]
        for muestras, email in pares if i % 2 == 0 else pares[::-1]:
            muestras.append(_intento(cliente, email))
    return statistics.median(existente), statistics.median(inexistente)


def diferencia(a: float, b: float) -> float:
    """How much the slower exceeds the faster, as a fraction (0.2 = 20 %)."""
    return max(a, b) / min(a, b) - 1


def medir(entorno: Entorno) -> list[Resultado]:
    """Section of `python -m bench`: on the real-size data, with the demo ODES account."""
    existente, inexistente = tiempos(entorno.url_real, n=max(10, entorno.repeticiones))
    dif = diferencia(existente, inexistente)
    return [
        Resultado(
            "login: cuenta existente con clave errada / cuenta inexistente",
            existente / inexistente,
            "×",
            "entre 0.83 y 1.2 (≤ 20 % de diferencia)",
            dif <= TOLERANCIA,
            f"medianas {existente * 1000:.0f} ms y {inexistente * 1000:.0f} ms",
        )
    ]


def main() -> int:
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--url", help="base ya poblada con la cuenta demo de ODES")
    argumentos.add_argument("-n", type=int, default=10, help="intentos de cada tipo")
    a = argumentos.parse_args()
    existente, inexistente = tiempos(a.url, a.n)
    dif = diferencia(existente, inexistente)
    print(f"Cuenta existente, clave errada: mediana {existente * 1000:.1f} ms ({a.n} intentos)")
    print(f"Cuenta inexistente:             mediana {inexistente * 1000:.1f} ms ({a.n} intentos)")
    print(f"Razón existente/inexistente: {existente / inexistente:.3f} (diferencia {dif:.1%})")
    if dif > TOLERANCIA:
        print(f"FALLA: difieren en más de {TOLERANCIA:.0%}: el login revela qué cuentas existen")
        return 1
    print(f"Cumple: difieren en menos de {TOLERANCIA:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
