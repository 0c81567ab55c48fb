"""In-process page latency on the large dataset: dashboards and Anexo 4 pages, p95 ≤ 50 ms.

Each page is requested through Flask's test client, logged in as the role that uses it, for the
newest semester; after a few warm-up requests every request is timed. The number of SQL
statements of one request is reported next to it. The target applies to rendering: the page
store is off for it (app/comun/cache_paginas.py), so every request reads the data and renders; the
stored pages are then timed again with the store on, for reference.
"""

from __future__ import annotations

import re
import time

import sqlalchemy as sa
from sqlalchemy import event

from bench.comun import Entorno, Resultado, aplicacion, percentil

OBJETIVO_MS = 50.0
CLAVE = "demo-convenios-2020"
CUENTAS = {
    "odes": "odes@demo.trabajo.gob.pe",
    "drtpe": "drtpe.loreto@demo.trabajo.gob.pe",
    "direccion": "dnccl@demo.trabajo.gob.pe",
    "revisor": "revisor@demo.pcm.gob.pe",
}
CALENTAMIENTO = 3


def _paginas(app) -> list[tuple[str, str, str]]:
    """(name, role, URL) of the measured pages; the reports are Loreto's newest one."""
    from app.catalogo.models import Region
    from app.convenios.models import Convenio, Periodo, Reporte
    from app.extensions import db

    with app.app_context():
        periodo = db.session.scalar(
            sa.select(Periodo).order_by(Periodo.anio.desc(), Periodo.semestre.desc()).limit(1)
        )
        reporte_id = db.session.scalar(
            sa.select(Reporte.id)
            .join(Convenio, Reporte.convenio_id == Convenio.id)
            .join(Region, Convenio.region_id == Region.id)
            .where(Region.codigo == "loreto", Reporte.periodo_id == periodo.id)
        )
        codigo = periodo.codigo
    paginas = [(f"Tablero ({rol})", rol, "/tablero") for rol in CUENTAS]
    paginas += [
        ("Anexo 4: lista del semestre (odes)", "odes", f"/convenios/anexo4?periodo={codigo}"),
        ("Anexo 4: lista del semestre (drtpe)", "drtpe", f"/convenios/anexo4?periodo={codigo}"),
    ]
    if reporte_id:
        paginas += [
            ("Anexo 4: reporte (odes)", "odes", f"/convenios/anexo4/{reporte_id}"),
            ("Anexo 4: reporte (drtpe)", "drtpe", f"/convenios/anexo4/{reporte_id}"),
            ("Anexo 4: edición (drtpe)", "drtpe", f"/convenios/anexo4/{reporte_id}/editar"),
        ]
    return paginas


def _cliente(app, rol: str):
    cliente = app.test_client()
    respuesta = cliente.post("/login", data={"email": CUENTAS[rol], "clave": CLAVE})
    if respuesta.status_code != 302:
        raise RuntimeError(f"No se pudo entrar como {rol}: {respuesta.status_code}")
    return cliente


def medir_paginas(
    url: str, repeticiones: int = 40, guardadas: bool = False
) -> list[tuple[str, str, list[float], int]]:
    """Time every page `repeticiones` times; return (name, URL, samples in s, SQL statements).

    `guardadas`: with the page store on, and only the pages it keeps.
    """
    from app.extensions import db

    app = aplicacion(url, paginas_guardadas=guardadas)
    app.config["WTF_CSRF_ENABLED"] = False
    paginas = _paginas(app)
    if guardadas:
        adaptador = app.url_map.bind("localhost")
        paginas = [
            p
            for p in paginas
            if getattr(app.view_functions[adaptador.match(p[2].split("?")[0])[0]], "guardada", 0)
        ]
    clientes = {rol: _cliente(app, rol) for rol in {r for _n, r, _u in paginas}}
    contador = [0]

    def contar(*_args, **_kwargs):
        contador[0] += 1

    salida = []
    with app.app_context():
        motor = db.engine
    event.listen(sa.engine.Engine, "before_cursor_execute", contar)
    try:
        for nombre, rol, ruta in paginas:
            cliente = clientes[rol]
            for _ in range(CALENTAMIENTO):
                respuesta = cliente.get(ruta)
                if respuesta.status_code != 200:
                    raise RuntimeError(f"{ruta} como {rol}: {respuesta.status_code}")
            contador[0] = 0
            cliente.get(ruta)
            consultas = contador[0]
            muestras = []
            for _ in range(repeticiones):
                inicio = time.perf_counter()
                cliente.get(ruta)
                muestras.append(time.perf_counter() - inicio)
            salida.append((nombre, ruta, muestras, consultas))
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", contar)
        motor.dispose()
    return salida


def medir(entorno: Entorno) -> list[Resultado]:
    """p95 of the dashboards and Anexo 4 pages on the large dataset (target ≤ 50 ms)."""
    resultados = []
    for nombre, ruta, muestras, consultas in medir_paginas(entorno.url_grande):
        p95 = percentil(muestras, 95) * 1000
        resultados.append(
            Resultado(
                nombre=f"p95 {nombre}",
                valor=round(p95, 1),
                unidad="ms",
                objetivo=f"≤ {OBJETIVO_MS:.0f} ms",
                cumple=p95 <= OBJETIVO_MS,
                nota=f"{re.sub(r'/[0-9]+', '/<id>', ruta)}; {consultas} consultas SQL; renderizada",
                muestras=[round(m * 1000, 2) for m in muestras],
            )
        )
    for nombre, ruta, muestras, consultas in medir_paginas(entorno.url_grande, guardadas=True):
        p95 = percentil(muestras, 95) * 1000
        resultados.append(
            Resultado(
                nombre=f"p95 {nombre}, guardada",
                valor=round(p95, 1),
                unidad="ms",
                objetivo="referencia",
                cumple=True,
                nota=f"{re.sub(r'/[0-9]+', '/<id>', ruta)}; {consultas} consulta SQL; "
                "servida de las páginas guardadas",
                muestras=[round(m * 1000, 2) for m in muestras],
            )
        )
    return resultados
