"""Reads of the AMC plans: scope per user, the causal table, the matrix and budget summaries.

The web page and the Excel export both read through these functions, so they agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.roles import Rol
from app.extensions import db
from app.mejora_continua.models.planes import (
    Causa,
    EstadoSeguimiento,
    FilaMatrizLogica,
    LineaPresupuesto,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    Problema,
    TipoFila,
    totales_por_nivel,
)
from app.mejora_continua.services.planes import advertencias_presupuesto


def _alcance(consulta: sa.Select, usuario: Usuario) -> sa.Select:
    """A drtpe user sees only the plans of their region; the other roles see every plan."""
    if usuario.rol is Rol.drtpe:
        return consulta.where(PlanMejora.region_id == usuario.region_id)
    return consulta


def planes_visibles(usuario: Usuario) -> list[PlanMejora]:
    """The plans the user may read, newest evaluation first."""
    consulta = (
        sa.select(PlanMejora)
        .outerjoin(Region, PlanMejora.region_id == Region.id)
        .options(selectinload(PlanMejora.lineas).selectinload(LineaPresupuesto.hijos))
        .order_by(PlanMejora.periodo_evaluado.desc(), Region.orden, PlanMejora.id)
    )
    return list(db.session.scalars(_alcance(consulta, usuario)).unique())


def consulta_planes(
    usuario: Usuario, *, texto: str = "", region_id: int | None = None
) -> sa.Select:
    """Select of the plans the user may read, by title/service search and region."""
    from app.comun.listas import patron

    consulta = (
        sa.select(PlanMejora)
        .outerjoin(Region, PlanMejora.region_id == Region.id)
        .options(selectinload(PlanMejora.lineas).selectinload(LineaPresupuesto.hijos))
        .order_by(PlanMejora.periodo_evaluado.desc(), Region.orden, PlanMejora.id)
    )
    if texto:
        consulta = consulta.where(
            sa.or_(
                PlanMejora.titulo.ilike(patron(texto)),
                PlanMejora.servicio_evaluado.ilike(patron(texto)),
            )
        )
    if region_id:
        consulta = consulta.where(PlanMejora.region_id == region_id)
    return _alcance(consulta, usuario)


def puede_ver_plan(plan: PlanMejora, usuario: Usuario) -> bool:
    """Everyone reads plans, except that a drtpe user reads only their region's."""
    if usuario.rol is Rol.drtpe:
        return plan.region_id is not None and plan.region_id == usuario.region_id
    return True


def plan_visible(plan_id: int, usuario: Usuario) -> PlanMejora | None:
    """The plan, or None when it does not exist or the user may not read it."""
    plan = db.session.get(PlanMejora, plan_id)
    if plan is None or not puede_ver_plan(plan, usuario):
        return None
    return plan


@dataclass
class FilaCausal:
    """One row of the "PROBLEMAS | ANÁLISIS CAUSAL: MTPE | DRTPE" table."""

    letra: str
    mtpe: Causa | None
    drtpe: Causa | None


def tabla_causal(problema: Problema) -> list[FilaCausal]:
    """The causes of a problem side by side by letter (a level may skip letters)."""
    por_nivel = {nivel: {c.letra: c for c in problema.causas_de(nivel)} for nivel in NivelCausa}
    return [
        FilaCausal(
            letra, por_nivel[NivelCausa.mtpe].get(letra), por_nivel[NivelCausa.drtpe].get(letra)
        )
        for letra in problema.letras
    ]


def matriz(plan: PlanMejora) -> dict[NivelGobierno, dict[TipoFila, list[FilaMatrizLogica]]]:
    """The logic matrix of each level of government, by section in the document's order."""
    resultado = {nivel: {tipo: [] for tipo in TipoFila} for nivel in NivelGobierno}
    for fila in plan.filas:
        resultado[fila.nivel][fila.tipo].append(fila)
    return resultado


@dataclass
class ResumenPresupuesto:
    """Budget totals of a plan and its warnings."""

    por_nivel: dict[NivelGobierno, Decimal]
    total: Decimal
    #: Activities with an amount / marked "No se ha determinado" / without any amount
    con_costo: int
    no_determinadas: int
    sin_costo: int
    advertencias: list[str] = field(default_factory=list)
    monedas: set[str] = field(default_factory=set)


def resumen_presupuesto(plan: PlanMejora) -> ResumenPresupuesto:
    """Totals per level of government, grand total, counts and warnings of a plan's budget."""
    principales = plan.lineas_principales
    por_nivel = totales_por_nivel(plan.lineas)
    return ResumenPresupuesto(
        por_nivel=por_nivel,
        total=sum(por_nivel.values(), Decimal("0.00")),
        con_costo=sum(1 for linea in principales if linea.tiene_costo),
        no_determinadas=sum(1 for linea in principales if linea.no_determinado),
        sin_costo=sum(
            1 for linea in principales if not linea.tiene_costo and not linea.no_determinado
        ),
        advertencias=advertencias_presupuesto(plan),
        monedas={linea.moneda for linea in plan.lineas},
    )


def conteo_estados(plan: PlanMejora) -> dict[EstadoSeguimiento, int]:
    """How many actions are in each follow-up state."""
    conteo = Counter(fila.estado for fila in plan.acciones)
    return {estado: conteo.get(estado, 0) for estado in EstadoSeguimiento}
