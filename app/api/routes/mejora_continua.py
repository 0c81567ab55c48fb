"""API reads of continuous improvement: the Anexo 5 evaluations with their conclusions and
recommendations, and the capacity programme (the recommendation matrix's activities) with each
region's runs and their execution, within the reader's scope as on the web."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.api import esquemas
from app.api.comun import blueprint
from app.api.errores import ErrorApi
from app.api.routes.anexo4 import periodo_o_404
from app.comun.roles import Rol, permitido
from app.extensions import db
from app.mejora_continua import acceso
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.queries import programacion as queries

bp = blueprint(
    "mejora_continua",
    "Mejora continua",
    "Anexo 5 (conclusiones y recomendaciones) y programa de fortalecimiento de capacidades.",
)
TODOS = (Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)


@bp.route("/anexo5")
@bp.doc(summary="Evaluaciones (Anexo 5) de un semestre a su alcance")
@permitido(Rol.odes, Rol.direccion, Rol.revisor)
@bp.arguments(esquemas.FiltroPeriodo, location="query")
@bp.response(200, esquemas.Evaluacion(many=True))
def evaluaciones(args):
    """The semester's Anexo 5 the reader may see (others' only once approved), by IdG."""
    periodo = periodo_o_404(args.get("periodo"))
    todas = db.session.scalars(
        sa.select(Evaluacion).filter_by(periodo_id=periodo.id).order_by(Evaluacion.id)
    )
    visibles = [e for e in todas if acceso.puede_ver_evaluacion(e, current_user)]
    return sorted(visibles, key=lambda e: e.indicador.numero)


@bp.route("/programas")
@bp.doc(summary="Programas de fortalecimiento de capacidades")
@permitido(*TODOS)
@bp.response(200, esquemas.Programa(many=True))
def programas():
    """Every capacity-building programme, newest year first."""
    return queries.programas()


@bp.route("/programas/<int:anio>")
@bp.doc(summary="Un programa con sus actividades, recomendaciones y ejecución por región")
@permitido(*TODOS)
@bp.response(200, esquemas.ProgramaDetalle)
def programa(anio: int):
    """A year's programme: each activity, the recommendations it serves and its runs (a
    G/DRTPE: its own region's) with their execution."""
    programa = queries.programa_por_anio(anio)
    if programa is None:
        raise ErrorApi(404)
    actividades = []
    # A reviewer sees when and how many, not the runs' observations (as on the web's agenda).
    con_observacion = current_user.rol is not Rol.revisor
    for actividad in queries.actividades(programa):
        corridas = [
            _corrida(c, con_observacion)
            for c in actividad.programaciones
            if acceso.puede_ver_programacion(c, current_user)
        ]
        actividades.append(
            {
                **{c: getattr(actividad, c) for c in ("id", "numero", "nombre", "descripcion")},
                "indicador": actividad.indicador,
                "unidad": actividad.unidad,
                "recomendaciones": actividad.recomendaciones,
                "corridas": sorted(corridas, key=lambda c: (c["mes"], c["region"].orden)),
            }
        )
    return {
        **{c: getattr(programa, c) for c in ("id", "anio", "nombre", "estado", "aprobado_en")},
        "actividades": actividades,
    }


def _corrida(corrida, con_observacion: bool) -> dict:
    """A run as the API shows it (its observation only to those who see it on the web)."""
    campos = ("id", "region_id", "region", "mes", "mes_reprogramado", "estado")
    datos = {c: getattr(corrida, c) for c in campos}
    datos["fecha_ejecucion"] = corrida.fecha_ejecucion
    datos["participantes"] = corrida.participantes
    datos["observacion"] = corrida.observacion if con_observacion else None
    return datos
