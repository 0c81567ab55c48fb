"""Reads of the Anexo 5: a semester's evaluations, completeness by unit, evaluated regions,
approved recommendations (for the matrix and the PDF) and what is pending for a user."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, lazyload, selectinload

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region, TipoUnidad, UnidadMTPE
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.queries.anexo4 import convenios_esperados
from app.convenios.queries.convenios import ESTADOS_SUSCRITOS
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion, ItemEvaluacion, TipoItem

#: States in which ODES has received the evaluation.
RECIBIDAS = (EstadoReporte.enviado, EstadoReporte.aprobado)


def indicadores_del_periodo(periodo: Periodo) -> list[Indicador]:
    """The IdG of the indicator set carried by the convenios covering the semester's year."""
    # Only the set ids are needed: no convenio (nor its region) is loaded.
    conjuntos = set(
        db.session.scalars(
            sa.select(Convenio.conjunto_id)
            .distinct()
            .where(
                Convenio.anio_inicio <= periodo.anio,
                Convenio.anio_fin >= periodo.anio,
                Convenio.estado.in_(ESTADOS_SUSCRITOS),
                Convenio.conjunto_id.is_not(None),
            )
        )
    )
    if not conjuntos:
        return []
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id.in_(conjuntos))
            .options(joinedload(Indicador.proponente))
            .order_by(Indicador.numero, Indicador.conjunto_id)
        )
    )


def evaluacion_de(indicador: Indicador, periodo: Periodo) -> Evaluacion | None:
    """The Anexo 5 of one IdG and semester, if started."""
    return db.session.scalar(
        sa.select(Evaluacion).filter_by(indicador_id=indicador.id, periodo_id=periodo.id)
    )


@dataclass(frozen=True)
class FilaEvaluacion:
    """One IdG of the semester with its evaluation (None = not started)."""

    indicador: Indicador
    evaluacion: Evaluacion | None

    @property
    def estado(self) -> str:
        """Spanish state label, "Sin iniciar" when there is no evaluation."""
        return self.evaluacion.estado.etiqueta if self.evaluacion else _("Sin iniciar")


def evaluaciones(periodo: Periodo) -> list[FilaEvaluacion]:
    """Every IdG of the semester's indicator set, in number order, with its evaluation."""
    existentes = {
        e.indicador_id: e
        for e in db.session.scalars(sa.select(Evaluacion).filter_by(periodo_id=periodo.id))
    }
    return [FilaEvaluacion(i, existentes.get(i.id)) for i in indicadores_del_periodo(periodo)]


@dataclass
class CompletitudUnidad:
    """Evaluations a unit owes in a semester: expected, received (sent/approved), approved."""

    unidad: UnidadMTPE
    esperadas: int = 0
    recibidas: int = 0
    aprobadas: int = 0
    pendientes: list[Indicador] = field(default_factory=list)


def completitud_por_unidad(
    periodo: Periodo, filas: list[FilaEvaluacion] | None = None
) -> list[CompletitudUnidad]:
    """Per proponent unit: expected = its IdG, received = sent or approved, pending = the rest."""
    if filas is None:
        # Only the states are needed: no evaluation object (nor its joined IdG, semester, unit).
        estados = dict(
            db.session.execute(
                sa.select(Evaluacion.indicador_id, Evaluacion.estado).where(
                    Evaluacion.periodo_id == periodo.id
                )
            ).all()
        )
        pares = [(i, estados.get(i.id)) for i in indicadores_del_periodo(periodo)]
    else:
        pares = [(f.indicador, f.evaluacion.estado if f.evaluacion else None) for f in filas]
    por_unidad: dict[int, CompletitudUnidad] = {}
    for indicador, estado in pares:
        unidad = indicador.proponente
        resumen = por_unidad.setdefault(unidad.id, CompletitudUnidad(unidad))
        resumen.esperadas += 1
        if estado in RECIBIDAS:
            resumen.recibidas += 1
        else:
            resumen.pendientes.append(indicador)
        if estado is EstadoReporte.aprobado:
            resumen.aprobadas += 1
    return list(por_unidad.values())


@dataclass(frozen=True)
class Resumen:
    """A semester's Anexo 5 totals, for the dashboard card."""

    periodo: Periodo
    esperadas: int
    recibidas: int
    aprobadas: int
    unidades: list[CompletitudUnidad]


def resumen(periodo: Periodo) -> Resumen:
    """Totals of the semester: IdG expected, evaluations received and approved, by unit."""
    unidades = completitud_por_unidad(periodo)
    return Resumen(
        periodo=periodo,
        esperadas=sum(u.esperadas for u in unidades),
        recibidas=sum(u.recibidas for u in unidades),
        aprobadas=sum(u.aprobadas for u in unidades),
        unidades=unidades,
    )


def regiones_evaluadas(periodo: Periodo) -> list[Region]:
    """Regions with an approved Anexo 4 in the semester, in the report's order."""
    return list(
        db.session.scalars(
            sa.select(Region)
            .join(Convenio, Convenio.region_id == Region.id)
            .join(Reporte, Reporte.convenio_id == Convenio.id)
            .where(Reporte.periodo_id == periodo.id, Reporte.estado == EstadoReporte.aprobado)
            .distinct()
            .order_by(Region.orden, Region.nombre)
        )
    )


def regiones_sin_anexo4(periodo: Periodo) -> list[Region]:
    """Regions with a signed convenio covering the year but no approved Anexo 4 that semester."""
    evaluadas = {r.id for r in regiones_evaluadas(periodo)}
    return [c.region for c in convenios_esperados(periodo) if c.region_id not in evaluadas]


def unidades_responsables() -> list[UnidadMTPE]:
    """MTPE units that can be responsible for a recommendation (no vice-ministries)."""
    return list(
        db.session.scalars(
            sa.select(UnidadMTPE)
            .where(UnidadMTPE.tipo != TipoUnidad.viceministerio)
            .order_by(UnidadMTPE.sigla)
        )
    )


@dataclass(frozen=True)
class RecomendacionAprobada:
    """One recommendation of an approved Anexo 5, as the matrix and the PDF print it."""

    item: ItemEvaluacion
    idg: int
    indicador: Indicador
    proponente: UnidadMTPE
    texto: str
    regiones: list[str]
    responsable: str


def recomendaciones_aprobadas(periodo: Periodo) -> list[RecomendacionAprobada]:
    """The recommendations of the semester's approved evaluations, by IdG number and order."""
    items = db.session.scalars(
        sa.select(ItemEvaluacion)
        .join(Evaluacion, ItemEvaluacion.evaluacion_id == Evaluacion.id)
        .join(Indicador, Evaluacion.indicador_id == Indicador.id)
        .where(
            Evaluacion.periodo_id == periodo.id,
            Evaluacion.estado == EstadoReporte.aprobado,
            ItemEvaluacion.tipo == TipoItem.recomendacion,
        )
        .options(
            selectinload(ItemEvaluacion.evaluacion),
            selectinload(ItemEvaluacion.regiones),
            selectinload(ItemEvaluacion.responsables_mtpe),
        )
        .order_by(Indicador.numero, ItemEvaluacion.orden, ItemEvaluacion.id)
    )
    return [
        RecomendacionAprobada(
            item=item,
            idg=item.evaluacion.indicador.numero,
            indicador=item.evaluacion.indicador,
            proponente=item.evaluacion.unidad,
            texto=item.texto,
            regiones=[r.nombre for r in item.regiones],
            responsable=item.responsable,
        )
        for item in items
    ]


def recomendaciones_vinculables(
    usuario: Usuario, indicador_id: int | None = None
) -> list[ItemEvaluacion]:
    """The recommendations a user may tie to a programme activity (of one IdG when given).

    A directorate does not read another unit's Anexo 5 before it is approved.
    """
    consulta = (
        sa.select(ItemEvaluacion)
        .join(Evaluacion, ItemEvaluacion.evaluacion_id == Evaluacion.id)
        .join(Indicador, Evaluacion.indicador_id == Indicador.id)
        .where(ItemEvaluacion.tipo == TipoItem.recomendacion)
        .order_by(Indicador.numero, ItemEvaluacion.orden)
    )
    if indicador_id:
        consulta = consulta.where(Evaluacion.indicador_id == indicador_id)
    if usuario.rol is Rol.direccion:
        consulta = consulta.where(
            sa.or_(
                Evaluacion.estado == EstadoReporte.aprobado,
                Evaluacion.unidad_id == usuario.unidad_id,
            )
        )
    return list(db.session.scalars(consulta))


def pendientes(usuario: Usuario) -> dict[str, list]:
    """What waits for this user: evaluations to review (ODES) or to present/correct (unit)."""
    resultado: dict[str, list] = {"por_revisar": [], "por_presentar": []}
    if usuario.rol is Rol.odes:
        resultado["por_revisar"] = list(
            db.session.scalars(
                sa.select(Evaluacion)
                .join(Evaluacion.indicador)
                .join(Evaluacion.periodo)
                .where(Evaluacion.estado == EstadoReporte.enviado)
                .order_by(Periodo.anio, Periodo.semestre, Indicador.numero)
            )
        )
    elif usuario.rol is Rol.direccion and usuario.unidad_id:
        resultado["por_presentar"] = _por_presentar(usuario.unidad_id)
    return resultado


def periodos_pendientes(usuario: Usuario) -> list[Periodo]:
    """The semesters where an Anexo 5 waits for this user (to review, present or correct)."""
    suyos = pendientes(usuario)
    return [e.periodo for e in suyos["por_revisar"]] + [p for p, _f in suyos["por_presentar"]]


def _por_presentar(unidad_id: int) -> list[tuple[Periodo, FilaEvaluacion]]:
    """The unit's IdG of every open semester whose evaluation is missing, a draft or returned.

    Four queries whatever the number of open semesters, IdG or regions.
    """
    abiertos = list(
        db.session.scalars(
            sa.select(Periodo)
            .where(Periodo.abierto.is_(True))
            .order_by(Periodo.anio, Periodo.semestre)
        )
    )
    if not abiertos:
        return []
    # Indicator sets carried by the signed convenios covering each open semester's year.
    conjuntos: dict[int, set[int]] = {}
    for periodo_id, conjunto_id in db.session.execute(
        sa.select(Periodo.id, Convenio.conjunto_id)
        .distinct()
        .join(
            Convenio,
            sa.and_(Convenio.anio_inicio <= Periodo.anio, Convenio.anio_fin >= Periodo.anio),
        )
        .where(
            Periodo.id.in_([p.id for p in abiertos]),
            Convenio.estado.in_(ESTADOS_SUSCRITOS),
            Convenio.conjunto_id.is_not(None),
        )
    ):
        conjuntos.setdefault(periodo_id, set()).add(conjunto_id)
    todos = set().union(*conjuntos.values()) if conjuntos else set()
    if not todos:
        return []
    propios = list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id.in_(todos), Indicador.proponente_id == unidad_id)
            .order_by(Indicador.numero, Indicador.conjunto_id)
        )
    )
    existentes = {
        (e.periodo_id, e.indicador_id): e
        for e in db.session.scalars(
            sa.select(Evaluacion)
            .where(
                Evaluacion.periodo_id.in_(list(conjuntos)),
                Evaluacion.indicador_id.in_([i.id for i in propios]),
            )
            # The rows carry their IdG and semester already: no joins for them.
            .options(
                lazyload(Evaluacion.indicador),
                lazyload(Evaluacion.periodo),
                lazyload(Evaluacion.unidad),
            )
        )
    }
    salida = []
    for periodo in abiertos:
        for indicador in propios:
            if indicador.conjunto_id not in conjuntos.get(periodo.id, ()):
                continue
            evaluacion = existentes.get((periodo.id, indicador.id))
            if evaluacion is None or evaluacion.estado in (
                EstadoReporte.borrador,
                EstadoReporte.observado,
            ):
                salida.append((periodo, FilaEvaluacion(indicador, evaluacion)))
    return salida
