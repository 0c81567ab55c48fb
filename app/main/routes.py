"""Home page views."""

from datetime import date

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.auth.models import Rol
from app.auth.permisos import permitido, publico
from app.cache_paginas import en_cache
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import convenios as convenios_queries
from app.main import bp
from app.main import queries as tablero_queries
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
    """Answer "ok" without touching the database: a liveness probe (and the load baseline)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/tablero")
@en_cache
@permitido()
def tablero():
    """Show the logged-in user's dashboard: coverage and what is pending for them."""
    cobertura = convenios_queries.cobertura_actual()
    periodo = anexo4_queries.periodo_por_codigo(None)
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
        anexo5=anexo5_queries.resumen(periodo)
        if periodo and current_user.rol.value != "drtpe"
        else None,
        pendientes_anexo5=anexo5_queries.pendientes(current_user),
    )
