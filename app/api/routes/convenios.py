"""API reads of convenios, reporting semesters with their deadlines, and each convenio's goals
(original and in force), within the reader's scope as on the web."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.api import esquemas
from app.api.comun import blueprint, paginar
from app.api.errores import ErrorApi
from app.auth.permisos import puede_ver_region
from app.comun.roles import Rol, permitido
from app.convenios.models import Convenio, EstadoConvenio, Prorroga
from app.convenios.queries import convenios as queries
from app.convenios.queries import metas as metas_queries
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db

bp = blueprint(
    "convenios",
    "Convenios, semestres y metas",
    "Convenios, semestres con sus plazos y metas comprometidas.",
)
LECTORES = (Rol.odes, Rol.drtpe, Rol.direccion, Rol.revisor)


@bp.route("/convenios")
@bp.doc(summary="Convenios (una G/DRTPE: los de su región)")
@permitido(*LECTORES)
@bp.arguments(esquemas.FiltroConvenios, location="query")
@bp.response(200, esquemas.pagina_de(esquemas.Convenio, "PaginaConvenios"))
def convenios(args):
    """Convenios (a G/DRTPE: its region's), by year in force, region and state."""
    region_id = current_user.region_id if current_user.rol is Rol.drtpe else args.get("region")
    consulta = queries.listar(
        region_id=region_id,
        estado=EstadoConvenio(args["estado"]) if args.get("estado") else None,
    )
    if args.get("ciclo"):
        consulta = consulta.where(Convenio.conjunto_id == args["ciclo"])
    if args.get("anio"):
        anio = args["anio"]
        consulta = consulta.where(Convenio.anio_inicio <= anio, Convenio.anio_fin >= anio)
    return paginar(consulta, args)


@bp.route("/convenios/<int:convenio_id>")
@bp.doc(summary="Un convenio con sus adendas")
@permitido(*LECTORES)
@bp.response(200, esquemas.Convenio)
def convenio(convenio_id: int):
    """One convenio with its adendas."""
    return _convenio_o_404(convenio_id)


def _convenio_o_404(convenio_id: int) -> Convenio:
    """A convenio within the reader's scope, or a JSON 404."""
    convenio = db.session.get(Convenio, convenio_id)
    if convenio is None or not puede_ver_region(convenio.region_id):
        raise ErrorApi(404)
    return convenio


@bp.route("/periodos")
@bp.doc(summary="Semestres con plazos y prórrogas")
@permitido(*LECTORES)
@bp.response(200, esquemas.Periodo(many=True))
def periodos():
    """Every reporting semester, newest first, with its deadlines and extensions (a G/DRTPE
    sees its own region's extension only)."""
    lista = periodos_queries.periodos()
    consulta = sa.select(Prorroga).where(Prorroga.periodo_id.in_([p.id for p in lista]))
    if current_user.rol is Rol.drtpe:
        consulta = consulta.where(Prorroga.region_id == current_user.region_id)
    por_periodo: dict[int, list] = {}
    for prorroga in db.session.scalars(consulta.order_by(Prorroga.region_id)):
        por_periodo.setdefault(prorroga.periodo_id, []).append(prorroga)
    return [_periodo(p, por_periodo.get(p.id, [])) for p in lista]


def _periodo(periodo, prorrogas: list) -> dict:
    """A semester as the API shows it."""
    campos = esquemas.Periodo._declared_fields
    datos = {nombre: getattr(periodo, nombre) for nombre in campos if nombre != "prorrogas"}
    datos["prorrogas"] = prorrogas
    return datos


@bp.route("/convenios/<int:convenio_id>/metas/<int:anio>")
@bp.doc(summary="Metas de un convenio en un año: vigente y original")
@permitido(*LECTORES)
@bp.response(200, esquemas.MetasAnio)
def metas(convenio_id: int, anio: int):
    """A convenio's goals of one year: per IdG and semester, the value in force and the one
    committed before the semester, and the state of the year's programming."""
    convenio = _convenio_o_404(convenio_id)
    if not convenio.anio_inicio <= anio <= convenio.anio_fin:
        raise ErrorApi(404)
    programacion = metas_queries.programacion(convenio.id, anio)
    lista = sorted(
        metas_queries.metas(convenio.id, anio).values(),
        key=lambda m: (m.indicador.numero, m.semestre),
    )
    return {
        "convenio_id": convenio.id,
        "anio": anio,
        "estado": programacion.estado.value if programacion else None,
        "metas": lista,
    }
