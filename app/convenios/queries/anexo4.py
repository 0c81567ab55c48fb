"""Reads of the Anexo 4: reports by semester, cells for the calculations, deliveries.

The semesters themselves are read in queries.periodos.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, contains_eager, selectinload
from sqlalchemy.sql.expression import FunctionElement

from app.auth.models import Usuario
from app.auth.permisos import TOTAL, Alcance
from app.catalogo.models import Indicador, Region
from app.comun import calculos
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    LineaReporte,
    Periodo,
    Prorroga,
    Reporte,
)
from app.convenios.queries.convenios import ESTADOS_SUSCRITOS
from app.extensions import db


def consulta_esperados(periodo: Periodo) -> sa.Select:
    """Select of the convenios expected to report for a semester, in report order: in force
    during it (their years cover it) and signed on or before its last day.

    A signature recorded later never makes an earlier semester expect a report.
    """
    return (
        sa.select(Convenio)
        .join(Convenio.region)
        .where(
            Convenio.anio_inicio <= periodo.anio,
            Convenio.anio_fin >= periodo.anio,
            Convenio.estado.in_(ESTADOS_SUSCRITOS),
            Convenio.fecha_suscripcion <= periodo.fin,
        )
        .order_by(Region.orden, Region.nombre)
    )


def convenios_esperados(periodo: Periodo, *, region_id: int | None = None) -> list[Convenio]:
    """The reports expected for a semester (see consulta_esperados), or one region's."""
    consulta = consulta_esperados(periodo)
    if region_id is not None:
        consulta = consulta.where(Convenio.region_id == region_id)
    return list(db.session.scalars(consulta))


def consulta_sin_reporte(periodo: Periodo, usuario: Usuario, *, texto: str = "") -> sa.Select:
    """Select of the expected convenios with no Anexo 4 yet (a drtpe user: their region's),
    by region name."""
    from app.comun.listas import contiene

    consulta = consulta_esperados(periodo).where(
        ~sa.exists().where(Reporte.convenio_id == Convenio.id, Reporte.periodo_id == periodo.id)
    )
    if usuario.rol is Rol.drtpe:
        consulta = consulta.where(Convenio.region_id == usuario.region_id)
    if texto:
        consulta = consulta.where(contiene(Region.nombre, texto))
    return consulta


def consulta_faltantes(periodo: Periodo) -> sa.Select:
    """Select of the names of the regions whose expected Anexo 4 has not been received, in
    report order (the "no remitido" of completitud, computed in SQL)."""
    return (
        consulta_esperados(periodo)
        .with_only_columns(Region.nombre)
        .where(
            ~sa.exists().where(
                Reporte.convenio_id == Convenio.id,
                Reporte.periodo_id == periodo.id,
                Reporte.enviado_en.is_not(None),
            )
        )
    )


def prorrogas(periodo: Periodo) -> list[Prorroga]:
    """The semester's deadline extensions, in report order."""
    return list(
        db.session.scalars(
            sa.select(Prorroga)
            .join(Prorroga.region)
            .where(Prorroga.periodo_id == periodo.id)
            .order_by(Region.orden, Region.nombre)
        )
    )


def prorroga_de(periodo: Periodo, region_id: int) -> date | None:
    """The region's extended Anexo 4 due date for the semester (None: it has none)."""
    return db.session.scalar(
        sa.select(Prorroga.fecha_limite).filter_by(periodo_id=periodo.id, region_id=region_id)
    )


def reportes(periodo: Periodo, usuario: Usuario) -> list[Reporte]:
    """The semester's reports the user may see (a drtpe user: only their region's)."""
    return list(db.session.scalars(consulta_reportes(periodo, usuario)))


def consulta_reportes(
    periodo: Periodo, usuario: Usuario, *, estado: str = "", texto: str = ""
) -> sa.Select:
    """Select of the semester's reports the user may see, by state and region name."""
    from app.comun.listas import contiene

    consulta = (
        sa.select(Reporte)
        .join(Reporte.convenio)
        .join(Convenio.region)
        .where(Reporte.periodo_id == periodo.id)
        .options(*_sin_joins_repetidos())
        .order_by(Region.orden, Region.nombre)
    )
    if usuario.rol is Rol.drtpe:
        consulta = consulta.where(Convenio.region_id == usuario.region_id)
    if estado:
        consulta = consulta.where(Reporte.estado == EstadoReporte(estado))
    if texto:
        consulta = consulta.where(contiene(Region.nombre, texto))
    return consulta


def _sin_joins_repetidos() -> tuple:
    """Loader options for a select of reports already joined to their convenio and region: fill
    them from those joins instead of joining both tables a second time for every report of the
    semester before the LIMIT of a page."""
    return (contains_eager(Reporte.convenio).contains_eager(Convenio.region),)


def reporte_con_lineas(reporte_id: int) -> Reporte | None:
    """One report with its lines, indicators and evidence loaded."""
    return db.session.scalar(
        sa.select(Reporte)
        .where(Reporte.id == reporte_id)
        .options(selectinload(Reporte.lineas).selectinload(LineaReporte.evidencias))
    )


def ejecutados_anteriores(reporte: Reporte) -> dict[int, Decimal]:
    """Executed values of the region's approved report of the previous semester, by IdG id."""
    periodo = reporte.periodo
    anio, semestre = (periodo.anio, 1) if periodo.semestre == 2 else (periodo.anio - 1, 2)
    filas = db.session.execute(
        sa.select(LineaReporte.indicador_id, LineaReporte.ejecutado)
        .join(Reporte)
        .join(Periodo)
        .join(Convenio)
        .where(
            Convenio.region_id == reporte.convenio.region_id,
            Periodo.anio == anio,
            Periodo.semestre == semestre,
            Reporte.estado == EstadoReporte.aprobado,
            LineaReporte.estado == EstadoCelda.valor,
        )
    )
    return {indicador_id: ejecutado for indicador_id, ejecutado in filas if ejecutado is not None}


def consulta_celdas(
    periodo: Periodo,
    *,
    solo_aprobados: bool = True,
    alcance: Alcance = TOTAL,
    regiones: Collection[str] | None = None,
    idg: int | None = None,
) -> sa.Select:
    """Select of the semester's cells within a reader's scope (region name, IdG number, state,
    programmed, executed, region id), in region then IdG order: a caller may count or page it
    in SQL."""
    consulta = (
        sa.select(
            Region.nombre,
            Indicador.numero,
            LineaReporte.estado,
            LineaReporte.programado,
            LineaReporte.ejecutado,
            Region.id,
        )
        .select_from(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .join(Indicador, LineaReporte.indicador_id == Indicador.id)
        .where(Reporte.periodo_id == periodo.id)
        .order_by(Region.orden, Region.nombre, Indicador.numero, LineaReporte.id)
    )
    if solo_aprobados:
        consulta = consulta.where(Reporte.estado == EstadoReporte.aprobado)
    if regiones is not None:
        consulta = consulta.where(Region.nombre.in_(list(regiones)))
    if idg is not None:
        consulta = consulta.where(Indicador.numero == idg)
    return acotar_celdas(consulta, alcance)


def celdas(
    periodo: Periodo,
    *,
    solo_aprobados: bool = True,
    alcance: Alcance = TOTAL,
    regiones: Collection[str] | None = None,
) -> list[calculos.Celda]:
    """The semester's cells within a reader's scope as plain data, keyed by region name and IdG
    number (one query); with ``regiones``, only those regions' cells (a page of a list)."""
    consulta = consulta_celdas(
        periodo, solo_aprobados=solo_aprobados, alcance=alcance, regiones=regiones
    )
    return [
        calculos.Celda(region, idg, estado.value, programado, ejecutado)
        for region, idg, estado, programado, ejecutado, _id in db.session.execute(consulta)
    ]


#: Aliases for consulta_reportes_con_celdas, which is also nested in queries over the lines
#: (promedios_por_idg); built once: an alias of a mapped class is costly to create.
_CELDA = aliased(LineaReporte, name="celda")
_IDG = aliased(Indicador, name="idg")


def consulta_reportes_con_celdas(periodo: Periodo, alcance: Alcance) -> sa.Select:
    """Select of the ids of the semester's approved reports with a cell within the reader's
    scope."""
    if alcance.ninguno:
        return sa.select(Reporte.id).where(sa.false())
    celda, idg = _CELDA, _IDG
    linea = sa.exists().where(celda.reporte_id == Reporte.id).correlate(Reporte)
    if alcance.unidad_id is not None:
        linea = linea.where(idg.id == celda.indicador_id, idg.proponente_id == alcance.unidad_id)
    consulta = (
        sa.select(Reporte.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .where(Reporte.periodo_id == periodo.id, Reporte.estado == EstadoReporte.aprobado, linea)
    )
    if alcance.region_id is not None:
        consulta = consulta.where(Convenio.region_id == alcance.region_id)
    return consulta


def consulta_regiones_con_celdas(
    periodo: Periodo, alcance: Alcance, *, texto: str = ""
) -> sa.Select:
    """Select of the names of the regions with an approved cell within the reader's scope, in
    report order, by name."""
    from app.comun.listas import contiene

    regiones = consulta_reportes_con_celdas(periodo, alcance).with_only_columns(Convenio.region_id)
    consulta = sa.select(Region.nombre).where(Region.id.in_(regiones))
    if texto:
        consulta = consulta.where(contiene(Region.nombre, texto))
    return consulta.order_by(Region.orden, Region.nombre)


def promedios_por_idg(periodo: Periodo, alcance: Alcance) -> dict[int, calculos.Promedio]:
    """Each IdG's average over the semester's approved cells within the reader's scope, summed
    in SQL: the same figures as calculos.promedios_por_idg without reading every cell."""
    sumando = sa.and_(
        LineaReporte.estado == EstadoCelda.valor,
        LineaReporte.programado.is_not(None),
        LineaReporte.ejecutado.is_not(None),
    )
    reportes = consulta_reportes_con_celdas(periodo, alcance)
    consulta = (
        sa.select(
            Indicador.numero,
            sa.func.sum(sa.case((sumando, LineaReporte.programado))),
            sa.func.sum(sa.case((sumando, LineaReporte.ejecutado))),
            sa.func.count(sa.case((sumando, 1))),
        )
        .select_from(LineaReporte)
        .join(Indicador, LineaReporte.indicador_id == Indicador.id)
        .where(_entre(LineaReporte.reporte_id, reportes))
        .group_by(Indicador.numero)
    )
    if alcance.unidad_id is not None:
        consulta = consulta.where(Indicador.proponente_id == alcance.unidad_id)
    resultado = {}
    for idg, programado, ejecutado, n in db.session.execute(consulta):
        # calculos.promedio's rule: the exact sum of the summands over their number.
        resultado[idg] = (
            calculos.Promedio(programado / n, ejecutado / n, n)
            if n
            else calculos.Promedio(None, None, 0)
        )
    return resultado


def _entre(columna, consulta: sa.Select) -> sa.ColumnElement[bool]:
    """``columna IN (consulta)``; on PostgreSQL ``= ANY(ARRAY(consulta))``: the ids are
    gathered first and the lines looked up by them through their report's covering index,
    where a join (or IN) on the reports' state lets the planner guess a scan of the lines of
    every semester."""
    if db.session.get_bind().dialect.name == "postgresql":
        return columna == sa.any_(Arreglo(consulta.scalar_subquery().correlate(None)))
    return columna.in_(consulta)


class Arreglo(FunctionElement):
    """PostgreSQL's ``ARRAY(subquery)``: the subquery's rows as one array value."""

    type = ARRAY(sa.Integer)
    inherit_cache = True
    name = "arreglo"


@compiles(Arreglo, "postgresql")
def _arreglo_postgresql(elemento, compilador, **kw):
    return f"ARRAY({compilador.process(elemento.clauses, **kw)})"


def acotar_celdas(consulta: sa.Select, alcance: Alcance) -> sa.Select:
    """Restrict a query joining Convenio and Indicador to the cells a reader may see."""
    if alcance.ninguno:
        return consulta.where(sa.false())
    if alcance.region_id is not None:
        consulta = consulta.where(Convenio.region_id == alcance.region_id)
    if alcance.unidad_id is not None:
        consulta = consulta.where(Indicador.proponente_id == alcance.unidad_id)
    return consulta


def entregas(periodo: Periodo) -> list[calculos.Entrega]:
    """For each expected report, the date it was first received (None = missing), read as
    plain rows in one query: a semester of 1,800 governments builds no ORM object."""
    filas = db.session.execute(
        consulta_esperados(periodo)
        .with_only_columns(Region.nombre, Reporte.enviado_en, Prorroga.fecha_limite)
        .outerjoin(
            Reporte, sa.and_(Reporte.convenio_id == Convenio.id, Reporte.periodo_id == periodo.id)
        )
        .outerjoin(
            Prorroga,
            sa.and_(Prorroga.region_id == Convenio.region_id, Prorroga.periodo_id == periodo.id),
        )
    )
    return [
        calculos.Entrega(region, _fecha_lima(enviado) if enviado else None, limite)
        for region, enviado, limite in filas
    ]


def completitud(periodo: Periodo) -> calculos.Completitud:
    """The semester's expected reports as on time, late (days, after any extension) and
    missing, every one named (the report). The pages count them in SQL with the same rule
    (queries.completitud)."""
    return calculos.completitud(entregas(periodo), periodo.fecha_limite_anexo4)


def _fecha_lima(momento):
    """Calendar date of a timestamp in Lima (deadlines are Lima dates)."""
    from zoneinfo import ZoneInfo

    if momento.tzinfo is None:  # SQLite returns naive UTC
        from datetime import UTC

        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(ZoneInfo("America/Lima")).date()


@dataclass(frozen=True)
class Pendientes:
    """What is waiting for a user: reports to review (the first few, with how many there are
    per semester), to correct, and semesters whose report the region has not started."""

    por_revisar: list[Reporte] = field(default_factory=list)
    por_revisar_periodos: list[tuple[Periodo, int]] = field(default_factory=list)
    por_corregir: list[Reporte] = field(default_factory=list)
    por_iniciar: list[Periodo] = field(default_factory=list)

    @property
    def total_por_revisar(self) -> int:
        """How many reports wait for review in all (more than the ones listed)."""
        return sum(n for _periodo, n in self.por_revisar_periodos)


def pendientes(usuario: Usuario) -> Pendientes:
    """What is waiting for this user: reports to review, to fill or to correct.

    Reviewers get the first MUESTRA reports and a count per semester (a link to each
    semester's list), not every submitted report of 1,800 governments.
    """
    from app.comun.listas import MUESTRA

    consulta = (
        sa.select(Reporte)
        .join(Reporte.convenio)
        .join(Convenio.region)
        .options(*_sin_joins_repetidos())
        .order_by(Region.orden, Region.nombre)
    )
    if usuario.rol in (Rol.odes, Rol.direccion):
        enviados = Reporte.estado == EstadoReporte.enviado
        por_periodo = db.session.execute(
            sa.select(Periodo, sa.func.count(Reporte.id))
            .join(Reporte, Reporte.periodo_id == Periodo.id)
            .where(enviados)
            .group_by(Periodo.id)
            .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        ).all()
        return Pendientes(
            por_revisar=list(db.session.scalars(consulta.where(enviados).limit(MUESTRA))),
            por_revisar_periodos=[(periodo, n) for periodo, n in por_periodo],
        )
    if usuario.rol is not Rol.drtpe:
        return Pendientes()
    propios = list(db.session.scalars(consulta.where(Convenio.region_id == usuario.region_id)))
    con_reporte = {r.periodo_id for r in propios}
    abiertos = db.session.scalars(
        sa.select(Periodo).where(Periodo.abierto.is_(True)).order_by(Periodo.anio, Periodo.semestre)
    ).all()
    return Pendientes(
        por_corregir=[
            r for r in propios if r.estado in (EstadoReporte.borrador, EstadoReporte.observado)
        ],
        # The region's own expected convenio only: its page costs the same whatever the number
        # of governments.
        por_iniciar=[
            periodo
            for periodo in abiertos
            if periodo.id not in con_reporte
            and convenios_esperados(periodo, region_id=usuario.region_id)
        ],
    )
