"""The plain frozen dataclasses the report is made of (no ORM objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.comun import calculos
from app.convenios.models import Semestre

#: Bumped whenever the PDF layout changes, so cached files made by older code are not reused.
VERSION_FORMATO = "informe-2"  # 2: vector charts

ORDINALES_SEMESTRE = {1: "primer", 2: "segundo"}


class _Porcentajes:
    """Whole percentages of an average's `programado` and `ejecutado`, as the report prints."""

    @property
    def programado_pct(self) -> int | None:
        """Average programmed, as a whole percentage."""
        return calculos.redondear(self.programado)

    @property
    def ejecutado_pct(self) -> int | None:
        """Average executed, as a whole percentage."""
        return calculos.redondear(self.ejecutado)


@dataclass(frozen=True)
class MetaReprogramada:
    """A goal whose approved value was changed by an approved reprogramming."""

    region: str
    idg: int
    #: "anual" or "semestral" (the semester's own goal)
    alcance: str
    original: Decimal | None
    vigente: Decimal | None
    motivo: str
    #: e.g. "Adenda Nº 1 (01.03.2022)" ("" when the change had no adenda)
    adenda: str


@dataclass(frozen=True)
class FilaConvenio:
    """A row of Cuadro Nº 01: a signed convenio."""

    numero: int
    region: str
    fecha_suscripcion: date | None


@dataclass(frozen=True)
class Funcion:
    """A function of art. 48 LOGR (list a)–r) of section IV)."""

    letra: str
    texto: str


@dataclass(frozen=True)
class FuncionesRegion:
    """How many art. 48 functions a region received (Gráfico Nº 01)."""

    region: str
    cantidad: int
    letras: str


@dataclass(frozen=True)
class IndicadorInforme:
    """An IdG with its alignment (Cuadros Nº 02 and 03, annex matrix)."""

    numero: int
    nombre: str
    viceministerio_sigla: str | None
    proponente: str
    proponente_sigla: str
    #: General directorate the proponent belongs to (None when it is itself a DG)
    direccion_general: str | None
    objetivo_numero: int | None
    objetivo_texto: str | None
    funcion_letra: str | None
    funcion_texto: str | None
    servicio: str | None

    @property
    def nombre_sin_punto(self) -> str:
        """The name as quoted in headings, without the final period."""
        return self.nombre.strip().rstrip(".").strip()


@dataclass(frozen=True)
class ValorIdG:
    """One cell of a region's Anexo 4: state, programmed and executed % and compliance."""

    idg: int
    estado: str
    programado: Decimal | None
    ejecutado: Decimal | None
    #: executed ≥ programmed (None when the cell is not a summand)
    cumple: bool | None


@dataclass(frozen=True)
class ResultadoRegion(_Porcentajes):
    """A G/DRTPE's semester: its cells and desempeño promedio (Cuadros Nº 04/05, charts)."""

    numero: int
    region: str
    organo_sigla: str
    valores: tuple[ValorIdG, ...]
    programado: Decimal | None
    ejecutado: Decimal | None
    n: int

    @property
    def organo(self) -> str:
        """E.g. "DRTPE LORETO", as in the chart captions."""
        return f"{self.organo_sigla} {self.region.upper()}"


#: With more evaluated entities than this, the report and the dashboard show distributions,
#: rankings and roll-ups instead of one chart (and one table row on paper) per entity.
ENTIDADES_CON_GRAFICO = 40
#: Entities in each ranking (best and worst executed average).
RANKING = 10


@dataclass(frozen=True)
class Agregado(_Porcentajes):
    """A group of evaluated entities (a region with its municipalities, or a level of
    government): how many, and the mean of their desempeño promedio (each entity once)."""

    nombre: str
    entidades: int
    programado: Decimal | None
    ejecutado: Decimal | None
    #: entities with a value (the summands of the mean)
    n: int


@dataclass(frozen=True)
class Tramo:
    """A band of executed average (e.g. "50–74 %") and how many entities fall in it."""

    etiqueta: str
    entidades: int


@dataclass(frozen=True)
class Grupo:
    """How many entities of a group (a region with its municipalities, a level) have something:
    a convenio, a report left out."""

    nombre: str
    entidades: int


@dataclass(frozen=True)
class ComparacionGrupo:
    """A region's roll-up (with its municipalities) in the previous semester and this one."""

    nombre: str
    anterior: Agregado | None
    actual: Agregado


@dataclass(frozen=True)
class Escala:
    """What stands for one chart (and one row) per entity when many entities are evaluated."""

    tramos: tuple[Tramo, ...]
    mejores: tuple[ResultadoRegion, ...]
    peores: tuple[ResultadoRegion, ...]
    por_region: tuple[Agregado, ...]
    por_nivel: tuple[Agregado, ...]
    convenios_por_nivel: tuple[Grupo, ...] = ()
    convenios_por_region: tuple[Grupo, ...] = ()
    omitidas_por_nivel: tuple[Grupo, ...] = ()
    comparacion_por_region: tuple[ComparacionGrupo, ...] = ()


@dataclass(frozen=True)
class FilaComparacion:
    """A row of Cuadro Nº 05: the region's previous and current semester."""

    region: str
    organo_sigla: str
    anterior: ResultadoRegion | None
    actual: ResultadoRegion


@dataclass(frozen=True)
class Comparacion:
    """Section IX: the previous semester of the same year against this one."""

    periodo_anterior: str
    periodo_actual: str
    semestre_anterior_romano: str
    filas: tuple[FilaComparacion, ...]


@dataclass(frozen=True)
class ItemInforme:
    """A conclusion or recommendation of an Anexo 5."""

    texto: str
    regiones: tuple[str, ...]
    responsable: str
    clasificacion: str | None


@dataclass(frozen=True)
class EvaluacionInforme:
    """The proponent's Anexo 5 for one IdG."""

    unidad: str
    unidad_sigla: str
    direccion_general: str | None
    estado: str
    veredicto: str | None
    conclusiones: tuple[ItemInforme, ...]
    recomendaciones: tuple[ItemInforme, ...]


@dataclass(frozen=True)
class ResultadoIdG(_Porcentajes):
    """Section VIII for one IdG: average across regions, verdict and the Anexo 5."""

    numero: int
    nombre: str
    proponente: str
    programado: Decimal | None
    ejecutado: Decimal | None
    n: int
    #: calculos.veredicto code: mayor, ligeramente_mayor, igual, ligeramente_menor, menor
    veredicto: str | None
    frase_veredicto: str
    evaluacion: EvaluacionInforme | None


@dataclass(frozen=True)
class ActividadMatriz:
    """An MTPE activity tied to an IdG's recommendations, with its months (1–12)."""

    nombre: str
    meses: tuple[int, ...] = ()
    detalle: str = ""


@dataclass(frozen=True)
class RecomendacionMatriz:
    """A recommendation of the matrix and who must implement it."""

    texto: str
    responsable: str


@dataclass(frozen=True)
class FilaMatriz:
    """One IdG of the recommendation implementation matrix (annex)."""

    sector: str
    numero: int
    denominacion: str
    proponente: str
    recomendaciones: tuple[RecomendacionMatriz, ...]
    actividades: tuple[ActividadMatriz, ...] = ()
    nota_actividades: str = ""


@dataclass(frozen=True)
class AccionPlanFicha:
    """A training action of a plan in force and its runs in the region."""

    accion: str
    estado: str
    #: "Marzo 2021: Ejecutada el 18/03/2021" … one per run in the region
    corridas: tuple[str, ...]


@dataclass(frozen=True)
class PlanVigente:
    """An approved AMC plan for the region (or national): its service and follow-up."""

    titulo: str
    ambito: str
    servicio: str
    anio: int | None
    #: Follow-up state label → number of actions
    estados: tuple[tuple[str, int], ...]
    acciones: tuple[AccionPlanFicha, ...]


@dataclass(frozen=True)
class DatosInforme:
    """All the report shows, computed once (no ORM objects)."""

    anio: int
    semestre: int
    periodo_codigo: str
    #: e.g. "II Semestre 2020"
    periodo_nombre: str
    #: e.g. "2020-2021" ("" when no convenio covers the semester)
    convenio_periodo: str
    lema: str
    incluir_no_aprobados: bool
    narrativa: Mapping[str, str]
    regiones_evaluadas: tuple[str, ...]
    regiones_omitidas: tuple[str, ...]
    convenios: tuple[FilaConvenio, ...]
    total_gores: int
    convenios_suscritos: int
    regiones_pendientes: tuple[str, ...]
    funciones: tuple[Funcion, ...]
    funciones_por_region: tuple[FuncionesRegion, ...]
    indicadores: tuple[IndicadorInforme, ...]
    resultados_regiones: tuple[ResultadoRegion, ...]
    resultados_idg: tuple[ResultadoIdG, ...]
    comparacion: Comparacion | None
    matriz: tuple[FilaMatriz, ...]
    #: The semester's Anexo 4 due date (None when ODES set none)
    fecha_limite: date | None = None
    #: Evaluated regions whose report arrived after their due date (extension included),
    #: with the days late: still evaluated and averaged, as every report received
    tardias: tuple[tuple[str, int], ...] = ()
    #: Regions given an extension, with their own due date
    prorrogas: tuple[tuple[str, date], ...] = ()
    #: Goals of the semester (and its year) in force that differ from the ones first approved
    metas_reprogramadas: tuple[MetaReprogramada, ...] = ()
    #: Distributions, rankings and roll-ups, when more than ENTIDADES_CON_GRAFICO are evaluated
    escala: Escala | None = None
    #: The continuous-improvement plans in force (approved) when the report is built
    planes: tuple[PlanVigente, ...] = ()

    @property
    def semestre_romano(self) -> str:
        """ "II" for the II semester."""
        return Semestre(self.semestre).romano

    @property
    def semestre_ordinal(self) -> str:
        """ "segundo" for the II semester."""
        return ORDINALES_SEMESTRE[self.semestre]

    @property
    def porcentaje_cobertura(self) -> int:
        """Signed convenios as a whole % of the regional governments (84)."""
        return calculos.redondear(calculos.porcentaje(self.convenios_suscritos, self.total_gores))

    @property
    def n_evaluadas(self) -> int:
        """How many regions the report evaluates."""
        return len(self.regiones_evaluadas)

    def resultado_region(self, nombre: str) -> ResultadoRegion | None:
        """The semester's result of one evaluated region."""
        return next((r for r in self.resultados_regiones if r.region == nombre), None)

    def grafico_idg(self, numero: int) -> int:
        """The chart number of IdG `numero`'s chart: after the functions chart (Nº 01) and one
        per evaluated region (Gráficos 20–31 in II-2020), or after the distribution chart
        (Nº 02) when there are too many regions for one each."""
        return (2 if self.escala else 1 + len(self.resultados_regiones)) + numero

    def resultado_idg(self, numero: int) -> ResultadoIdG | None:
        """Section VIII data of one IdG."""
        return next((r for r in self.resultados_idg if r.numero == numero), None)


@dataclass(frozen=True)
class PuntoHistorial:
    """A region's desempeño promedio in one semester."""

    periodo_codigo: str
    periodo_nombre: str
    programado_pct: int | None
    ejecutado_pct: int | None
    n: int


@dataclass(frozen=True)
class ItemFicha:
    """An Anexo 5 item as the region's ficha lists it."""

    periodo_nombre: str
    idg: int
    tipo: str
    texto: str
    responsable: str


@dataclass(frozen=True)
class DatosFicha:
    """One G/DRTPE's page: this semester, its history, its Anexo 5 items."""

    region: str
    organo_sigla: str
    periodo_codigo: str
    periodo_nombre: str
    lema: str
    indicadores: tuple[IndicadorInforme, ...]
    #: None when the region has no approved Anexo 4 this semester
    resultado: ResultadoRegion | None
    historial: tuple[PuntoHistorial, ...]
    items_anexo5: tuple[ItemFicha, ...]
    recomendaciones_pendientes: tuple[ItemFicha, ...] = field(default=())
    #: The region's goals of the semester reprogrammed after approval (original and in force)
    metas_reprogramadas: tuple[MetaReprogramada, ...] = field(default=())
    #: The region's IdG across the semesters up to this one, as its reader may see them
    #: (convenios.queries.tendencias.Tendencia); None when not asked for
    tendencia: Any = None
    #: The continuous-improvement plans in force for the region (approved)
    planes: tuple[PlanVigente, ...] = field(default=())

    @property
    def organo(self) -> str:
        """The directorate's acronym followed by the region's name in capitals."""
        return f"{self.organo_sigla} {self.region.upper()}"
