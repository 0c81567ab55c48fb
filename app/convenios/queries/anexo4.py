"""Reads of the Anexo 4: reports by semester, cells for the calculations, deliveries.

The semesters themselves are read in queries.periodos.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

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


def convenios_esperados(periodo: Periodo) -> list[Convenio]:
    """The reports expected for a semester, in report order: convenios in force during it
    (their years cover it) and signed on or before its last day.

    A signature recorded later never makes an earlier semester expect a report.
    """
    return list(
        db.session.scalars(
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


def convenios_con_reporte(periodo: Periodo) -> set[int]:
    """Ids of the convenios that have an Anexo 4 (in any state) for the semester."""
    return set(
        db.session.scalars(sa.select(Reporte.convenio_id).where(Reporte.periodo_id == periodo.id))
    )


def reportes(periodo: Periodo, usuario: Usuario) -> list[Reporte]:
    """The semester's reports the user may see (a drtpe user: only their region's)."""
    return list(db.session.scalars(consulta_reportes(periodo, usuario)))


def consulta_reportes(
    periodo: Periodo, usuario: Usuario, *, estado: str = "", texto: str = ""
) -> sa.Select:
    """Select of the semester's reports the user may see, by state and region name."""
    from app.comun.listas import patron

    consulta = (
        sa.select(Reporte)
        .join(Reporte.convenio)
        .join(Convenio.region)
        .where(Reporte.periodo_id == periodo.id)
        .order_by(Region.orden, Region.nombre)
    )
    if usuario.rol is Rol.drtpe:
        consulta = consulta.where(Convenio.region_id == usuario.region_id)
    if estado:
        consulta = consulta.where(Reporte.estado == EstadoReporte(estado))
    if texto:
        consulta = consulta.where(Region.nombre.ilike(patron(texto)))
    return consulta


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


def celdas(
    periodo: Periodo, *, solo_aprobados: bool = True, alcance: Alcance = TOTAL
) -> list[calculos.Celda]:
    """The semester's cells within a reader's scope as plain data, keyed by region name and IdG
    number (one query)."""
    consulta = (
        sa.select(
            Region.nombre,
            Indicador.numero,
            LineaReporte.estado,
            LineaReporte.programado,
            LineaReporte.ejecutado,
        )
        .select_from(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .join(Indicador, LineaReporte.indicador_id == Indicador.id)
        .where(Reporte.periodo_id == periodo.id)
        .order_by(Region.orden, Region.nombre, Indicador.numero)
    )
    if solo_aprobados:
        consulta = consulta.where(Reporte.estado == EstadoReporte.aprobado)
    consulta = acotar_celdas(consulta, alcance)
    return [
        calculos.Celda(region, idg, estado.value, programado, ejecutado)
        for region, idg, estado, programado, ejecutado in db.session.execute(consulta)
    ]


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
    """For each expected report, the date it was first received (None = missing)."""
    recibidos = dict(
        db.session.execute(
            sa.select(Reporte.convenio_id, Reporte.enviado_en).where(
                Reporte.periodo_id == periodo.id, Reporte.enviado_en.is_not(None)
            )
        ).all()
    )
    limites = {p.region_id: p.fecha_limite for p in prorrogas(periodo)}
    resultado = []
    for convenio in convenios_esperados(periodo):
        enviado = recibidos.get(convenio.id)
        resultado.append(
            calculos.Entrega(
                convenio.region.nombre,
                _fecha_lima(enviado) if enviado else None,
                limites.get(convenio.region_id),
            )
        )
    return resultado


def completitud(periodo: Periodo) -> calculos.Completitud:
    """The semester's expected reports as on time, late (days, after any extension) and
    missing: one computation for the completeness page, the dashboard and the report."""
    return calculos.completitud(entregas(periodo), periodo.fecha_limite_anexo4)


def _fecha_lima(momento):
    """Calendar date of a timestamp in Lima (deadlines are Lima dates)."""
    from zoneinfo import ZoneInfo

    if momento.tzinfo is None:  # SQLite returns naive UTC
        from datetime import UTC

        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(ZoneInfo("America/Lima")).date()


def pendientes(usuario: Usuario) -> dict[str, list]:
    """What is waiting for this user: reports to review, to fill or to correct."""
    consulta = (
        sa.select(Reporte)
        .join(Reporte.convenio)
        .join(Convenio.region)
        .order_by(Region.orden, Region.nombre)
    )
    resultado: dict[str, list] = {"por_revisar": [], "por_corregir": [], "por_iniciar": []}
    if usuario.rol in (Rol.odes, Rol.direccion):
        resultado["por_revisar"] = list(
            db.session.scalars(consulta.where(Reporte.estado == EstadoReporte.enviado))
        )
    if usuario.rol is Rol.drtpe:
        propios = list(db.session.scalars(consulta.where(Convenio.region_id == usuario.region_id)))
        resultado["por_corregir"] = [
            r for r in propios if r.estado in (EstadoReporte.borrador, EstadoReporte.observado)
        ]
        con_reporte = {r.periodo_id for r in propios}
        abiertos = db.session.scalars(
            sa.select(Periodo)
            .where(Periodo.abierto.is_(True))
            .order_by(Periodo.anio, Periodo.semestre)
        ).all()
        for periodo in abiertos:
            if periodo.id in con_reporte:
                continue
            if any(c.region_id == usuario.region_id for c in convenios_esperados(periodo)):
                resultado["por_iniciar"].append(periodo)
    return resultado
