"""API reads of a semester's figures: approved cells, results (averages, n and verdicts from
the one calculation module) and completeness, within the reader's scope exactly as the web's
(published semesters are public to every role)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.api import esquemas
from app.api.comun import blueprint, envolver, paginar_lista
from app.api.errores import ErrorApi
from app.api.routes.anexo4 import periodo_o_404
from app.auth.permisos import alcance_periodo, semestre_publicado
from app.catalogo.models import Region
from app.comun import calculos, version_datos
from app.comun.roles import Rol, permitido
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import completitud as completitud_queries
from app.extensions import db

bp = blueprint(
    "cifras",
    "Cifras del semestre",
    "Cifras del semestre: celdas aprobadas, resultados y completitud.",
)


def _alcance_nombre(alcance) -> str:
    """The scope as the API names it."""
    if alcance.ninguno:
        return "ninguno"
    if alcance.region_id is not None:
        return "region"
    if alcance.unidad_id is not None:
        return "unidad"
    return "todo"


@bp.route("/celdas")
@bp.doc(summary="Celdas aprobadas región × IdG a su alcance")
@permitido()
@bp.arguments(esquemas.FiltroCeldas, location="query")
@bp.response(200, esquemas.pagina_de(esquemas.Celda, "PaginaCeldas"))
def celdas(args):
    """The semester's approved region × IdG cells the reader may see, with whether each met."""
    periodo = periodo_o_404(args.get("periodo"))
    alcance = alcance_periodo(current_user, periodo.id)
    regiones = None
    if args.get("region"):
        region = db.session.get(Region, args["region"])
        if region is None:
            return paginar_lista([], args)
        regiones = [region.nombre]
    # Counted and paged in SQL: at 1,800 entities a page never loads the semester's cells.
    consulta = queries.consulta_celdas(
        periodo, alcance=alcance, regiones=regiones, idg=args.get("idg")
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(consulta.subquery()))
    por_pagina, pagina = args["por_pagina"], args["pagina"]
    filas = []
    for nombre, idg, estado, programado, ejecutado, region_id in db.session.execute(
        consulta.limit(por_pagina).offset((pagina - 1) * por_pagina)
    ):
        celda = calculos.Celda(nombre, idg, estado.value, programado, ejecutado)
        filas.append(
            {
                "region_id": region_id,
                "region": nombre,
                "idg": idg,
                "estado": celda.estado,
                "programado": programado,
                "ejecutado": ejecutado,
                "cumplio": calculos.cumplio(celda),
            }
        )
    return envolver(filas, total, pagina, por_pagina)


def _promedio(prom: calculos.Promedio, **clave) -> dict:
    """An average with its printed rounding and verdict."""
    return {
        **clave,
        "programado": prom.programado,
        "ejecutado": prom.ejecutado,
        "programado_pct": prom.programado_pct,
        "ejecutado_pct": prom.ejecutado_pct,
        "n": prom.n,
        "veredicto": calculos.veredicto(prom),
    }


@bp.route("/resultados")
@bp.doc(summary="Resultados: promedios por IdG y por región, n y veredicto")
@permitido()
@bp.arguments(esquemas.FiltroPeriodo, location="query")
@bp.response(200, esquemas.Resultados)
def resultados(args):
    """Average programmed and executed % per IdG and per region, with n and verdict."""
    periodo = periodo_o_404(args.get("periodo"))
    alcance = alcance_periodo(current_user, periodo.id)
    por_idg = version_datos.memorizar(
        ("promedios_por_idg", periodo.id, alcance.clave),
        lambda: queries.promedios_por_idg(periodo, alcance),
    )
    por_region = calculos.desempeno_por_region(queries.celdas(periodo, alcance=alcance))
    return {
        "periodo": periodo.codigo,
        "publicado": semestre_publicado(periodo.id),
        "alcance": _alcance_nombre(alcance),
        "por_idg": [_promedio(p, idg=idg) for idg, p in sorted(por_idg.items())],
        "por_region": [_promedio(p, region=r) for r, p in por_region.items()],
    }


@bp.route("/completitud")
@bp.doc(summary="Completitud: a tiempo, fuera de plazo, no remitidos")
@permitido(Rol.odes, Rol.direccion, Rol.revisor)
@bp.arguments(esquemas.FiltroPeriodo, location="query")
@bp.response(200, esquemas.Completitud)
def completitud(args):
    """How many expected reports arrived on time, late, or not at all."""
    periodo = periodo_o_404(args.get("periodo"))
    resumen = version_datos.memorizar(
        ("completitud", periodo.id, 0), lambda: completitud_queries.resumen(periodo, 0)
    )
    if resumen is None:
        raise ErrorApi(404)
    return {
        "periodo": periodo.codigo,
        "esperados": resumen.esperados,
        "a_tiempo": resumen.cuentas["a_tiempo"],
        "tardios": resumen.cuentas["tardio"],
        "faltantes": resumen.cuentas["faltante"],
        "porcentaje_recibidos": resumen.porcentaje_recibidos,
    }
