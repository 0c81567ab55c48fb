"""Trends over time (issue 19, item 8): an IdG or a region across every semester of every cycle.

An IPTT-style table (the Indicator Performance Tracking Table of TolaActivity): one column group
per semester — programmed, executed, whether the goal was met — the semesters side by side under
the cycle they belong to. Rows are IdG (matched by the indicator entity: an IdG number of one
cycle may be another indicator in the next, so a row never mixes two cycles' indicators) or
regions. Three views: the national averages per IdG, one region's IdG, one IdG's regions.

Every figure comes from app.comun.calculos, the same functions as the results page, the report
and its Excel: a cell's compliance is `cumplio`, an IdG's national average `promedios_por_idg`
over the approved cells of the semester (the mean of the regions' values), a region's average
over its IdG `desempeno_por_region`, and whether an average met its goal is read from
`veredicto` (the executed average as printed is not below the programmed one).

Reads: one query per kind of thing — the semesters with their cycles, the indicators, the cells
of every semester at once, whether each semester is published — never one per semester or cell;
the national averages are memoised per data version (version_datos.memorizar).

Scope: each semester keeps its reader's scope (permisos.alcance_cifras, as /anexo4/resultados
applies it to one semester): once a semester's report is published its figures are everyone's;
before, ODES sees them all, a G/DRTPE its region's, a directorate those of the IdG it proposes
and a reviewer none (that semester is not shown). A national average is shown only where the
reader may see every region's cell of that IdG: a G/DRTPE's own figures are never called
national.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.auth import permisos
from app.auth.permisos import TOTAL, Alcance, alcance_cifras
from app.catalogo.models import ConjuntoIndicadores, Indicador, Region
from app.comun import calculos, version_datos
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio, LineaReporte, Periodo, Reporte
from app.convenios.queries.tendencias.datos import (  # noqa: F401  (re-exported: the data types)
    IDG,
    NACIONAL,
    REGION,
    SIN_CICLO,
    Ciclo,
    Fila,
    IdG,
    RegionTendencia,
    Semestre,
    Serie,
    Tendencia,
    Valor,
)
from app.extensions import db

#: A verdict of calculos.veredicto that counts as the goal met (executed not below programmed).
VEREDICTOS_CUMPLIDOS = ("mayor", "ligeramente_mayor", "igual")


# --------------------------------------------------------------------------- reads


def semestres() -> list[Semestre]:
    """Every semester, oldest first, with the cycle whose years cover it (one query)."""
    c = ConjuntoIndicadores
    filas = db.session.execute(
        sa.select(
            Periodo.id, Periodo.anio, Periodo.semestre, c.id, c.nombre, c.anio_inicio, c.anio_fin
        )
        .select_from(Periodo)
        .outerjoin(c, sa.and_(c.anio_inicio <= Periodo.anio, c.anio_fin >= Periodo.anio))
        .order_by(Periodo.anio, Periodo.semestre, c.anio_inicio.desc(), c.id.desc())
    )
    vistos: dict[int, Semestre] = {}
    for periodo_id, anio, semestre, ciclo_id, nombre, inicio, fin in filas:
        # Cycles never overlap (catalogo.services.ciclos); if data did, the newest one wins,
        # as catalogo.queries.ciclo_de_anio decides.
        if periodo_id not in vistos:
            ciclo = Ciclo(ciclo_id, nombre, inicio, fin) if ciclo_id else SIN_CICLO
            vistos[periodo_id] = Semestre(periodo_id, anio, semestre, ciclo)
    return list(vistos.values())


def indicadores() -> list[IdG]:
    """Every IdG entity, by cycle (oldest first) and number (one query)."""
    c = ConjuntoIndicadores
    filas = db.session.execute(
        sa.select(
            Indicador.id,
            Indicador.numero,
            Indicador.nombre,
            Indicador.proponente_id,
            c.id,
            c.nombre,
            c.anio_inicio,
            c.anio_fin,
        )
        .join(c, Indicador.conjunto_id == c.id)
        .order_by(c.anio_inicio, c.id, Indicador.numero)
    )
    return [
        IdG(i, numero, nombre, proponente, Ciclo(ciclo_id, ciclo_nombre, inicio, fin))
        for i, numero, nombre, proponente, ciclo_id, ciclo_nombre, inicio, fin in filas
    ]


@dataclass(frozen=True)
class _Celda:
    """An approved cell of any semester, with what the scope rules need."""

    periodo_id: int
    region_id: int
    region_codigo: str
    region_nombre: str
    indicador_id: int
    proponente_id: int
    celda: calculos.Celda


def _celdas(
    *, region_id: int | None = None, indicador_id: int | None = None, ordenadas: bool = True
) -> list[_Celda]:
    """The approved cells of every semester (of one region, of one IdG), in report order: one
    query whatever the number of semesters."""
    consulta = (
        sa.select(
            Reporte.periodo_id,
            Region.id,
            Region.codigo,
            Region.nombre,
            LineaReporte.indicador_id,
            Indicador.proponente_id,
            LineaReporte.estado,
            LineaReporte.programado,
            LineaReporte.ejecutado,
        )
        .select_from(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Convenio, Reporte.convenio_id == Convenio.id)
        .join(Region, Convenio.region_id == Region.id)
        .join(Indicador, LineaReporte.indicador_id == Indicador.id)
        .where(Reporte.estado == EstadoReporte.aprobado)
    )
    if ordenadas:
        consulta = consulta.order_by(Region.orden, Region.nombre, Indicador.numero)
    if region_id is not None:
        consulta = consulta.where(Convenio.region_id == region_id)
    if indicador_id is not None:
        consulta = consulta.where(LineaReporte.indicador_id == indicador_id)
    return [
        _Celda(
            periodo,
            region,
            codigo,
            nombre,
            indicador,
            proponente,
            calculos.Celda(region, indicador, estado.value, programado, ejecutado),
        )
        for (
            periodo,
            region,
            codigo,
            nombre,
            indicador,
            proponente,
            estado,
            programado,
            ejecutado,
        ) in db.session.execute(consulta)
    ]


def promedios_nacionales() -> dict[tuple[int, int], calculos.Promedio]:
    """Each IdG's national average in each semester, by (semester id, IdG id): calculos'
    promedios_por_idg over the semester's approved cells, as the results page and the report
    compute it. Read in one query and computed once per data version; each page then keeps
    what its reader may see."""

    def calcular() -> dict[tuple[int, int], calculos.Promedio]:
        por_semestre: dict[int, list[calculos.Celda]] = defaultdict(list)
        # Sums don't depend on the order: the rows are read unsorted.
        for c in _celdas(ordenadas=False):
            por_semestre[c.periodo_id].append(c.celda)
        return {
            (periodo_id, indicador_id): promedio
            for periodo_id, celdas in por_semestre.items()
            for indicador_id, promedio in calculos.promedios_por_idg(celdas).items()
        }

    return version_datos.memorizar(("tendencias", "promedios_nacionales"), calcular)


def alcances(usuario, lista: Iterable[Semestre]) -> dict[int, Alcance]:
    """The reader's scope in each semester (ODES, or no reader — the command line: everything,
    without asking)."""
    lista = list(lista)
    if usuario is None or usuario.rol is Rol.odes:
        return {s.periodo_id: TOTAL for s in lista}
    hechos = permisos.semestres_publicados([s.periodo_id for s in lista])
    return {s.periodo_id: alcance_cifras(usuario, publicado=s.periodo_id in hechos) for s in lista}


# --------------------------------------------------------------------------- the views


def _cumplio_promedio(promedio: calculos.Promedio) -> bool | None:
    veredicto = calculos.veredicto(promedio)
    return None if veredicto is None else veredicto in VEREDICTOS_CUMPLIDOS


def valor_promedio(promedio: calculos.Promedio | None) -> Valor | None:
    """An average as a table value (None when there is none: no summand)."""
    if promedio is None or not promedio.n:
        return None
    return Valor(
        promedio.programado,
        promedio.ejecutado,
        _cumplio_promedio(promedio),
        "promedio",
        promedio.n,
    )


def valor_celda(celda: calculos.Celda) -> Valor:
    """A region's cell as a table value (figures only when it is a summand)."""
    sumando = celda.es_sumando
    return Valor(
        celda.programado if sumando else None,
        celda.ejecutado if sumando else None,
        calculos.cumplio(celda),
        celda.estado,
    )


def _ve_celda(por_semestre: dict[int, Alcance], c: _Celda) -> bool:
    """Whether the reader may see a cell (a semester left out, e.g. after a ficha's: no)."""
    alcance = por_semestre.get(c.periodo_id)
    return (
        alcance is not None
        and alcance.incluye_region(c.region_id)
        and alcance.incluye_unidad(c.proponente_id)
    )


def _ve_promedio(alcance: Alcance, idg: IdG) -> bool:
    """A national average is shown where every region's cell of the IdG is within scope."""
    return alcance.region_id is None and alcance.incluye_unidad(idg.proponente_id)


def _promedio_visible(promedios, alcance: Alcance, semestre: Semestre, idg: IdG) -> Valor | None:
    if semestre.ciclo != idg.ciclo or not _ve_promedio(alcance, idg):
        return None
    return valor_promedio(promedios.get((semestre.periodo_id, idg.id)))


def tendencia(
    usuario,
    *,
    region: RegionTendencia | None = None,
    idg: IdG | None = None,
    hasta: tuple[int, int] | None = None,
    catalogo: list[IdG] | None = None,
) -> Tendencia:
    """The trend a reader may see: the national averages per IdG (no region nor IdG), one
    region's IdG, or one IdG's regions (only the given region's, with one). ``hasta`` (year,
    semester) leaves out later semesters (a ficha is as of its semester); ``catalogo`` is
    indicadores(), when the caller has read it already."""
    catalogo = indicadores() if catalogo is None else catalogo
    todos = semestres()
    if hasta is not None:
        todos = [s for s in todos if (s.anio, s.semestre) <= hasta]
    por_semestre = alcances(usuario, todos)
    # A semester the reader may see nothing of (a reviewer, before publication) is no column.
    visibles = [s for s in todos if not por_semestre[s.periodo_id].ninguno]
    if idg is not None:
        visibles = [s for s in visibles if s.ciclo == idg.ciclo]
        return _vista_idg(visibles, por_semestre, idg, region)
    if region is not None:
        return _vista_region(visibles, por_semestre, region, _idgs_de(visibles, catalogo))
    return _vista_nacional(visibles, por_semestre, _idgs_de(visibles, catalogo))


def _idgs_de(visibles: list[Semestre], catalogo: list[IdG]) -> list[IdG]:
    """The IdG rows of the columns' cycles, by cycle and number."""
    ciclos = {s.ciclo for s in visibles}
    return [i for i in catalogo if i.ciclo in ciclos]


def _ocultos(visibles, por_semestre, idgs: Iterable[IdG]) -> bool:
    """Whether some semester hides an average of these IdG from the reader."""
    return any(
        not _ve_promedio(por_semestre[s.periodo_id], i)
        for s in visibles
        for i in idgs
        if i.ciclo == s.ciclo
    )


def _vista_nacional(
    visibles: list[Semestre], por_semestre: dict[int, Alcance], idgs: list[IdG]
) -> Tendencia:
    promedios = promedios_nacionales()
    filas = tuple(
        Fila(
            i.etiqueta,
            tuple(_promedio_visible(promedios, por_semestre[s.periodo_id], s, i) for s in visibles),
            detalle=i.nombre,
            ciclo=i.ciclo,
            clave=str(i.id),
            numero=i.numero,
        )
        for i in idgs
    )
    return Tendencia(
        NACIONAL,
        tuple(visibles),
        filas,
        promedios_ocultos=_ocultos(visibles, por_semestre, idgs),
    )


def _vista_region(
    visibles: list[Semestre],
    por_semestre: dict[int, Alcance],
    region: RegionTendencia,
    idgs: list[IdG],
) -> Tendencia:
    propias = [c for c in _celdas(region_id=region.id) if _ve_celda(por_semestre, c)]
    por_clave = {(c.periodo_id, c.indicador_id): c.celda for c in propias}
    filas = tuple(
        Fila(
            i.etiqueta,
            tuple(
                valor_celda(por_clave[(s.periodo_id, i.id)])
                if (s.periodo_id, i.id) in por_clave
                else None
                for s in visibles
            ),
            detalle=i.nombre,
            ciclo=i.ciclo,
            clave=str(i.id),
            numero=i.numero,
        )
        for i in idgs
    )
    # The region's desempeño promedio of each semester, over the cells the reader sees.
    por_periodo: dict[int, list[calculos.Celda]] = defaultdict(list)
    for c in propias:
        por_periodo[c.periodo_id].append(c.celda)
    desempeno = Fila(
        "Desempeño promedio",
        tuple(
            valor_promedio(calculos.desempeno_por_region(por_periodo[s.periodo_id]).get(region.id))
            for s in visibles
        ),
    )
    return Tendencia(REGION, tuple(visibles), filas, (desempeno,), region=region)


def _vista_idg(
    visibles: list[Semestre],
    por_semestre: dict[int, Alcance],
    idg: IdG,
    region: RegionTendencia | None,
) -> Tendencia:
    celdas = [
        c
        for c in _celdas(indicador_id=idg.id, region_id=region.id if region else None)
        if _ve_celda(por_semestre, c)
    ]
    regiones: dict[int, tuple[str, str]] = {}
    por_clave = {}
    for c in celdas:
        regiones.setdefault(c.region_id, (c.region_codigo, c.region_nombre))
        por_clave[(c.periodo_id, c.region_id)] = c.celda
    if region is not None and region.id not in regiones:
        regiones[region.id] = (region.codigo, region.nombre)
    filas = tuple(
        Fila(
            nombre,
            tuple(
                valor_celda(por_clave[(s.periodo_id, region_id)])
                if (s.periodo_id, region_id) in por_clave
                else None
                for s in visibles
            ),
            clave=codigo,
        )
        for region_id, (codigo, nombre) in regiones.items()
    )
    promedios = promedios_nacionales()
    nacional = Fila(
        "Promedio nacional",
        tuple(_promedio_visible(promedios, por_semestre[s.periodo_id], s, idg) for s in visibles),
        numero=idg.numero,
    )
    return Tendencia(
        IDG,
        tuple(visibles),
        filas,
        (nacional,),
        region=region,
        idg=idg,
        promedios_ocultos=_ocultos(visibles, por_semestre, [idg]),
    )


def region_tendencia(region: Region) -> RegionTendencia:
    """A catalogue region as the trend names it."""
    return RegionTendencia(region.id, region.codigo, region.nombre)
