"""Home page views."""

from datetime import date

from flask import current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user

from app.comun import version_datos
from app.comun.cache_paginas import en_cache
from app.comun.roles import Rol, permitido, publico
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import convenios as convenios_queries
from app.convenios.routes.comun import periodo_de_pagina
from app.main import bp
from app.main import queries as tablero_queries
from app.main import salud as preparacion
from app.mejora_continua.models.programacion import nombre_mes
from app.mejora_continua.queries import evaluaciones as anexo5_queries


@bp.route("/")
@publico
def inicio():
    """Send visitors to the login page and users to their dashboard."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.tablero"))


@bp.route("/salud")
@publico
def salud():
    """Answer "ok" without touching the database: the liveness probe, for restarts (and the
    load baseline); the load balancer uses the readiness probe, salud_lista."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/salud/lista")
@publico
def salud_lista():
    """Readiness probe: 200 when every service the app uses answers, else 503 naming the failures.

    The body lists each check as "ok" or a fixed description ("no responde"), never a
    connection string or an error's text (see app/main/salud.py).
    """
    resultados = preparacion.comprobaciones(current_app)
    listo = all(r.ok for r in resultados)
    cuerpo = {
        "estado": "ok" if listo else "falla",
        "comprobaciones": {r.nombre: r.falla or "ok" for r in resultados},
    }
    respuesta = jsonify(cuerpo)
    respuesta.status_code = 200 if listo else 503
    respuesta.headers["Cache-Control"] = "no-store"
    return respuesta


@bp.route("/tablero")
@en_cache
@permitido()
def tablero():
    """Show the logged-in user's dashboard: coverage and what is pending for them."""
    # The same for every user and day: computed once per data version.
    cobertura = version_datos.memorizar(("cobertura",), convenios_queries.cobertura_actual)
    inicial = periodo_de_pagina()
    periodo = inicial.periodo
    hoy = date.today()
    rol = current_user.rol
    return render_template(
        "main/tablero.html",
        hoy=hoy,
        nombre_mes=nombre_mes,
        atrasos=tablero_queries.regiones_atrasadas(hoy) if rol is Rol.odes else [],
        agenda=tablero_queries.actividades_del_mes(current_user, hoy),
        informe_publicado=tablero_queries.ultimo_informe_publicado()
        if rol in (Rol.revisor, Rol.odes, Rol.direccion)
        else None,
        cobertura=cobertura,
        pendientes=anexo4_queries.pendientes(current_user),
        periodo=periodo,
        inicial=inicial,
        anexo5=anexo5_queries.resumen(periodo)
        if periodo and current_user.rol.value != "drtpe"
        else None,
        pendientes_anexo5=anexo5_queries.pendientes(current_user),
    )
