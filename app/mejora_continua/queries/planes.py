"""Reads of the AMC plans: scope per user, the causal table, the matrix and budget summaries,
and the budget's warnings (activities that may be budgeted twice, totals that don't add up).

The web page and the Excel export both read through these functions, so they agree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.auth.models import Usuario
from app.catalogo.models import Region, UnidadMTPE, normalizar
from app.comun.flujo import EstadoReporte
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
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
)

#: Two costed activities of one level whose wording is this similar may be one thing budgeted
#: twice (document 002 budgets the CISTPE regulation twice, 6 000.00 each).
UMBRAL_SIMILITUD = 0.6
#: Acronyms spelled out before comparing activities, so "CISTPE" meets its full name.
SIGLAS = {
    "cistpe": "comision intergubernamental sector trabajo promocion empleo",
    "mtpe": "ministerio trabajo promocion empleo",
    "sovio": "servicio orientacion vocacional informacion ocupacional",
    "poi": "plan operativo institucional",
    "pesem": "plan estrategico sectorial multianual",
}
_VACIAS = set(
    "a al ante con de del el en entre la las lo los o para por que se sobre su sus un una y".split()
)


def _alcance(consulta: sa.Select, usuario: Usuario) -> sa.Select:
    """A drtpe user sees only the plans of their region; the other roles see every plan."""
    if usuario.rol is Rol.drtpe:
        return consulta.where(PlanMejora.region_id == usuario.region_id)
    return consulta


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


def unidades_por_sigla() -> list[UnidadMTPE]:
    """Every MTPE unit by acronym (the catalogue unit a responsible organ may be)."""
    return list(db.session.scalars(sa.select(UnidadMTPE).order_by(UnidadMTPE.sigla)))


# --- Warnings of the budget ----------------------------------------------------------------


@dataclass
class Duplicado:
    """Two activities of one level that look like the same thing budgeted twice."""

    primera: LineaPresupuesto
    segunda: LineaPresupuesto
    similitud: float

    @property
    def mensaje(self) -> str:
        """Warning shown to the user."""
        return _(
            "Posible actividad duplicada en el presupuesto "
            "(%(etiqueta)s): «%(recorte)s» y «%(recorte2)s» "
            "parecen la misma actividad presupuestada dos veces. Revise si se suma dos veces.",
            etiqueta=self.primera.nivel.etiqueta,
            recorte=recorte(self.primera.actividad),
            recorte2=recorte(self.segunda.actividad),
        )


def recorte(texto: str | None, largo: int = 90) -> str:
    """Shorten a text for a message or a select option, with an ellipsis."""
    texto = texto or ""
    return texto if len(texto) <= largo else texto[: largo - 1].rstrip() + "…"


def raices(texto: str) -> set[str]:
    """Significant word stems of an activity (accents, case and acronyms evened out)."""
    palabras = re.sub(r"[^a-z0-9]+", " ", normalizar(texto)).split()
    expandidas = " ".join(SIGLAS.get(p, p) for p in palabras).split()
    return {p[:6] for p in expandidas if p not in _VACIAS and len(p) > 2}


def similitud(a: str, b: str) -> float:
    """Jaccard similarity of the two activities' word stems (0 to 1)."""
    ra, rb = raices(a), raices(b)
    if not ra or not rb:
        return 0.0
    return len(ra & rb) / len(ra | rb)


def parecidas(actividad: str, tiene_costo: bool, otra: LineaPresupuesto) -> tuple[bool, float]:
    """Same wording, or both costed and similar enough."""
    if normalizar(actividad) == normalizar(otra.actividad):
        return True, 1.0
    if not (tiene_costo and otra.tiene_costo):
        return False, 0.0
    valor = similitud(actividad, otra.actividad)
    return valor >= UMBRAL_SIMILITUD, valor


def posibles_duplicados(lineas: Iterable[LineaPresupuesto]) -> list[Duplicado]:
    """Pairs of activities (same level) that may be one activity budgeted twice."""
    principales = [linea for linea in lineas if linea.padre_id is None and linea.nivel]
    encontrados = []
    for i, primera in enumerate(principales):
        for segunda in principales[i + 1 :]:
            if primera.nivel is not segunda.nivel:
                continue
            duplicada, valor = parecidas(primera.actividad, primera.tiene_costo, segunda)
            if duplicada:
                encontrados.append(Duplicado(primera, segunda, valor))
    return encontrados


def advertencias_presupuesto(plan: PlanMejora) -> list[str]:
    """Warnings over the whole budget: duplicates and printed totals that don't add up."""
    avisos = [d.mensaje for d in posibles_duplicados(plan.lineas)]
    monedas = sorted({linea.moneda for linea in plan.lineas})
    if len(monedas) > 1:
        avisos.append(
            _(
                "El presupuesto mezcla monedas (%(join)s): los "
                "totales no son comparables hasta unificarlas.",
                join=", ".join(monedas),
            )
        )
    for linea in plan.lineas_principales:
        if linea.hijos and linea.total_declarado is not None:
            if linea.total_declarado != linea.total:
                avisos.append(
                    _(
                        "El total escrito de «%(recorte)s» (%(total_declarado)s) no "
                        "coincide con la suma de sus líneas de costo (%(total)s).",
                        recorte=recorte(linea.actividad),
                        total_declarado=format(linea.total_declarado, ",.2f"),
                        total=format(linea.total, ",.2f"),
                    )
                )
    return avisos


# --- Training actions in the capacity programme, and the timeline --------------------------


def corridas(accion: FilaMatrizLogica) -> list[ProgramacionRegional]:
    """The regional runs of every programme activity that schedules the action."""
    return corridas_del_plan(accion.plan).get(accion.id, [])


def corridas_del_plan(plan: PlanMejora) -> dict[int, list[ProgramacionRegional]]:
    """Action id → the runs of the programme activities scheduling it, in one query, by year,
    month and region."""
    consulta = (
        sa.select(ProgramacionRegional)
        .join(Actividad, ProgramacionRegional.actividad_id == Actividad.id)
        .join(FilaMatrizLogica, Actividad.accion_plan_id == FilaMatrizLogica.id)
        .join(ProgramaCapacidades, Actividad.programa_id == ProgramaCapacidades.id)
        .join(Region, ProgramacionRegional.region_id == Region.id)
        .where(FilaMatrizLogica.plan_id == plan.id)
        .options(selectinload(ProgramacionRegional.actividad).selectinload(Actividad.programa))
        .order_by(
            ProgramaCapacidades.anio,
            sa.func.coalesce(ProgramacionRegional.mes_reprogramado, ProgramacionRegional.mes),
            Region.orden,
            ProgramacionRegional.id,
        )
    )
    resultado: dict[int, list[ProgramacionRegional]] = {}
    for corrida in db.session.scalars(consulta):
        resultado.setdefault(corrida.actividad.accion_plan_id, []).append(corrida)
    return resultado


@dataclass(frozen=True)
class FilaCronograma:
    """One action in one year of the timeline: per month, planned / scheduled / executed."""

    accion: FilaMatrizLogica
    #: month → marks: "P" planned in the plan, "X" scheduled in the programme, "E" executed
    meses: dict[int, str]


def cronograma(plan: PlanMejora) -> dict[int, list[FilaCronograma]]:
    """The plan's timeline by year: its planned months and its actions' programme runs."""
    marcas: dict[int, dict[int, dict[int, set[str]]]] = {}
    todas = corridas_del_plan(plan)
    for accion in plan.acciones:
        if plan.anio:
            for mes in accion.meses_previstos:
                marcas.setdefault(plan.anio, {}).setdefault(accion.id, {}).setdefault(
                    mes, set()
                ).add("P")
        for corrida in todas.get(accion.id, []):
            if corrida.estado is EstadoProgramacion.cancelada:
                continue
            anio = corrida.actividad.programa.anio
            ejecutada = corrida.estado is EstadoProgramacion.ejecutada
            mes = (
                corrida.fecha_ejecucion.month
                if ejecutada and corrida.fecha_ejecucion
                else corrida.mes_reprogramado or corrida.mes
            )
            marcas.setdefault(anio, {}).setdefault(accion.id, {}).setdefault(mes, set()).add(
                "E" if ejecutada else "X"
            )
    por_id = {a.id: a for a in plan.acciones}
    return {
        anio: [
            FilaCronograma(
                por_id[accion_id],
                {mes: "".join(sorted(m, key="PXE".index)) for mes, m in meses.items()},
            )
            for accion_id, meses in sorted(filas.items(), key=lambda x: por_id[x[0]].orden)
        ]
        for anio, filas in sorted(marcas.items())
    }


def planes_vigentes(region_id: int | None) -> list[PlanMejora]:
    """The plans in force (approved) of a region or, with no region, every approved plan
    (national ones first); by region then title. A region's page never lists national plans:
    its G/DRTPE does not read them (acceso.puede_ver_plan)."""
    consulta = (
        sa.select(PlanMejora)
        .outerjoin(Region, PlanMejora.region_id == Region.id)
        .where(PlanMejora.estado == EstadoReporte.aprobado)
        .order_by(Region.orden.nulls_first(), PlanMejora.titulo, PlanMejora.id)
    )
    if region_id is not None:
        consulta = consulta.where(PlanMejora.region_id == region_id)
    return list(db.session.scalars(consulta))
