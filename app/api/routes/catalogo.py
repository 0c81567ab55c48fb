"""API reads of the catalogue: governments, MTPE units, strategic objectives, public services,
cycles and their IdG with fichas (every role reads them, as on the web)."""

from __future__ import annotations

from app.api import esquemas
from app.api.comun import blueprint, paginar
from app.api.errores import ErrorApi
from app.catalogo import queries
from app.catalogo.models import ConjuntoIndicadores
from app.comun.roles import permitido
from app.extensions import db

bp = blueprint(
    "catalogo", "Catálogo", "Catálogo: gobiernos, unidades, objetivos, servicios, ciclos e IdG."
)


@bp.route("/regiones")
@bp.doc(summary="Gobiernos regionales y locales (filtrados, paginados)")
@permitido()
@bp.arguments(esquemas.FiltroRegiones, location="query")
@bp.response(200, esquemas.pagina_de(esquemas.Region, "PaginaRegiones"))
def regiones(args):
    """Governments that sign convenios (regional and municipal), filtered and paged."""
    consulta = queries.consulta_regiones(
        texto=args.get("q", ""), nivel=args.get("nivel", ""), padre_id=args.get("padre")
    )
    return paginar(consulta, args)


@bp.route("/unidades")
@bp.doc(summary="Unidades del MTPE")
@permitido()
@bp.response(200, esquemas.Unidad(many=True))
def unidades():
    """The MTPE's vice-ministries, general directorates and directorates."""
    return queries.unidades()


@bp.route("/objetivos")
@bp.doc(summary="Objetivos estratégicos (OES)")
@permitido()
@bp.response(200, esquemas.Objetivo(many=True))
def objetivos():
    """The strategic objectives (OES) the IdG are aligned to."""
    return queries.objetivos()


@bp.route("/servicios")
@bp.doc(summary="Servicios públicos")
@permitido()
@bp.response(200, esquemas.Servicio(many=True))
def servicios():
    """The public services the IdG are aligned to."""
    return queries.servicios()


@bp.route("/ciclos")
@bp.doc(summary="Ciclos con sus IdG y fichas")
@permitido()
@bp.response(200, esquemas.Ciclo(many=True))
def ciclos():
    """Every cycle with its indicator set and each IdG's ficha, newest first."""
    return queries.conjuntos()


@bp.route("/ciclos/<int:ciclo_id>")
@bp.doc(summary="Un ciclo con sus IdG y fichas")
@permitido()
@bp.response(200, esquemas.Ciclo)
def ciclo(ciclo_id: int):
    """One cycle with its IdG and their fichas."""
    conjunto = db.session.get(ConjuntoIndicadores, ciclo_id)
    if conjunto is None:
        raise ErrorApi(404)
    return conjunto
