"""Home page views."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from app.auth.permisos import permitido, publico
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import convenios as convenios_queries
from app.main import bp
from app.mejora_continua.queries import evaluaciones as anexo5_queries


@bp.route("/")
@publico
def inicio():
    """Send visitors to the login page and users to their dashboard."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.tablero"))


@bp.route("/tablero")
@permitido()
def tablero():
    """Show the logged-in user's dashboard: coverage and what is pending for them."""
    cobertura = convenios_queries.cobertura_actual()
    periodo = anexo4_queries.periodo_por_codigo(None)
    return render_template(
        "main/tablero.html",
        cobertura=cobertura,
        pendientes=anexo4_queries.pendientes(current_user),
        periodo=periodo,
        anexo5=anexo5_queries.resumen(periodo)
        if periodo and current_user.rol.value != "drtpe"
        else None,
        pendientes_anexo5=anexo5_queries.pendientes(current_user),
    )
