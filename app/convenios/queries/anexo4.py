"""Reads of the Anexo 4: reports by semester, cells for the calculations, deliveries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import Usuario
from app.auth.permisos import TOTAL, Alcance
from app.catalogo.models import Indicador, Region
from app.comun import calculos
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoReporte,
    LineaReporte,
    Periodo,
    Reporte,
)
from app.convenios.queries.convenios import ESTADOS_SUSCRITOS
from app.extensions import db


def periodos() -> list[Periodo]:
    """All semesters, newest first."""
    return list(
        db.session.scalars(
            sa.select(Periodo).order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        )
    )


def consulta_periodos(*, anio: int | None = None, abierto: bool | None = None) -> sa.Select:
    """Select of semesters, newest first, optionally for one year or open/closed state."""
    consulta = sa.select(Periodo).order_by(Periodo.anio.desc(), Periodo.semestre.desc())
    if anio:
        consulta = consulta.where(Periodo.anio == anio)
    if abierto is not None:
        consulta = consulta.where(Periodo.abierto.is_(abierto))
    return consulta


def anios_de_periodos() -> list[int]:
    """Distinct years that have a semester, newest first."""
    return list(
        db.session.scalars(sa.select(Periodo.anio).distinct().order_by(Periodo.anio.desc()))
    )


def periodo_por_codigo(codigo: str | None) -> Periodo | None:
    """The semester "2020-2", or the newest one when codigo is empty or unknown."""
    try:
        anio, semestre = (int(x) for x in (codigo or "").split("-"))
    except ValueError:
        return db.session.scalar(
            sa.select(Periodo).order_by(Periodo.anio.desc(), Periodo.semestre.desc()).limit(1)
        )
    if not (0 < anio < 10_000 and semestre in (1, 2)):  # SQLite can't even compare huge ints
        return None
    return db.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))


def convenios_esperados(periodo: Periodo) -> list[Convenio]:
    """Signed convenios covering the semester's year: the reports expected, in report order."""
    return list(
        db.session.scalars(
            sa.select(Convenio)
            .join(Convenio.region)
            .where(
                Convenio.anio_inicio <= periodo.anio,
                Convenio.anio_fin >= periodo.anio,
                Convenio.estado.in_(ESTADOS_SUSCRITOS),
            )
            .order_by(Region.orden, Region.nombre)
        )
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
    resultado = []
    for convenio in convenios_esperados(periodo):
        enviado = recibidos.get(convenio.id)
        resultado.append(
            calculos.Entrega(convenio.region.nombre, _fecha_lima(enviado) if enviado else None)
        )
    return resultado


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
