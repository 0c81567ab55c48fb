# Over ~400 lines: the plan's data types, one per printed table, and the reads that fill them.
"""An AMC plan as plain frozen data, for its PDF (app.informes.pdf.plan).

`datos_plan()` reads a loaded PlanMejora once (its outline, diagnosis, design tables, logic
matrices, budget, and the capacity-programme runs of its training actions) through the
plan queries the web page uses, so the PDF prints what the page shows; the PDF only formats
what it returns and never touches the database. Figures of the design tables are kept as
printed ("42,7%", "51,6% (2009)"); amounts stay Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.comun.flujo import EstadoReporte
from app.mejora_continua.models.planes import (
    TABLAS_SECCION,
    LineaPresupuesto,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    Problema,
)
from app.mejora_continua.queries import planes as queries

#: The alignment columns that carry a year, in their printed order, with the heading each
#: takes when the row names none.
CAMPOS_ALINEAMIENTO = (
    ("linea_base", "Línea de base"),
    ("tendencia", "Tendencia"),
    ("meta_intermedia", "Meta intermedia"),
    ("meta_final", "Meta final"),
)


@dataclass(frozen=True)
class Seccion:
    """A heading of the plan's outline, its prose and the key of the table printed after it."""

    clave: str
    titulo: str
    texto: str
    profundidad: int
    tabla: str | None


@dataclass(frozen=True)
class Responsable:
    """An organ responsible for implementing or following up the plan."""

    nivel: str
    funcion: str
    organo: str


@dataclass(frozen=True)
class FilaCausal:
    """One letter of a problem's causal analysis: the MTPE's and the DRTPE's cause."""

    letra: str
    mtpe: str | None
    drtpe: str | None


@dataclass(frozen=True)
class Alternativa:
    """A solution alternative as listed: its literal ("b.2"), text and term."""

    literal: str
    texto: str
    plazo: str


@dataclass(frozen=True)
class GrupoAlternativas:
    """The alternatives of one level of a problem ("En el Ministerio de Trabajo …")."""

    encabezado: str
    alternativas: tuple[Alternativa, ...]


@dataclass(frozen=True)
class ProblemaPlan:
    """A problem with its causes side by side, its alternatives and the prioritised ones."""

    numero: int
    texto: str
    nivel_cadena_valor: str | None
    causas: tuple[FilaCausal, ...]
    alternativas: tuple[GrupoAlternativas, ...]
    priorizadas: tuple[GrupoAlternativas, ...]


@dataclass(frozen=True)
class TablaAlineamiento:
    """One printed alignment table: an objective, its non-empty columns and their values."""

    objetivo: str
    columnas: tuple[str, ...]
    filas: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rol:
    """A row of the roles table: a phase and what each level of government does in it."""

    fase: str
    nacional: str
    regional: str
    local: str


@dataclass(frozen=True)
class IndicadorResumen:
    """A row of the value chain's indicator summary (section 13)."""

    resultado_intermedio: str
    producto: str
    indicador: str
    meta: str
    nacional: str
    regional: str
    local: str


@dataclass(frozen=True)
class FilaMatriz:
    """A row of a logic matrix."""

    objetivo: str
    indicador: str
    linea_base: str
    meta: str
    medio_verificacion: str


@dataclass(frozen=True)
class SeccionMatriz:
    """The rows of one level of the value chain ("RESULTADO FINAL", …, "ACTIVIDADES")."""

    tipo: str
    filas: tuple[FilaMatriz, ...]


@dataclass(frozen=True)
class Matriz:
    """The logic matrix of one level of government."""

    nivel: str
    etiqueta: str
    secciones: tuple[SeccionMatriz, ...]

    @property
    def con_linea_base(self) -> bool:
        """Some row has a baseline (else the column is left out, as the document does)."""
        return any(f.linea_base for s in self.secciones for f in s.filas)

    @property
    def con_meta(self) -> bool:
        """Some row has a goal."""
        return any(f.meta for s in self.secciones for f in s.filas)

    @property
    def vacia(self) -> bool:
        """No row at all."""
        return not any(s.filas for s in self.secciones)


@dataclass(frozen=True)
class LineaPlan:
    """A budget line: an activity (nivel set) or one of its cost lines (`costo`)."""

    actividad: str
    nivel: str
    costo: bool
    con_lineas: bool
    unidad_medida: str | None
    costo_unitario: Decimal | None
    cantidad: Decimal | None
    total: Decimal | None
    especificacion_gasto: str | None
    no_determinado: bool


@dataclass(frozen=True)
class Presupuesto:
    """The budget's lines in document order, the total per level and the plan's total."""

    lineas: tuple[LineaPlan, ...]
    por_nivel: tuple[tuple[str, Decimal], ...]
    total: Decimal
    monedas: tuple[str, ...]


@dataclass(frozen=True)
class Corrida:
    """A regional run of a programme activity that schedules a training action."""

    anio: int
    actividad: str
    region: str
    mes: int
    estado: str
    fecha_ejecucion: date | None


@dataclass(frozen=True)
class AccionCapacitacion:
    """A technical-assistance or training action with its programme runs."""

    accion: str
    nivel: str
    responsable: str | None
    estado: str
    corridas: tuple[Corrida, ...]


@dataclass(frozen=True)
class FilaCronograma:
    """An action of one year's timeline: month → marks ("P", "X", "E" or a mix)."""

    accion: str
    nivel: str
    meses: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class DatosPlan:
    """Everything the plan's PDF prints."""

    id: int
    titulo: str
    ambito: str
    region_codigo: str | None
    organo: str | None
    servicio_evaluado: str
    sector: str
    periodo_evaluado: str | None
    anio: int | None
    estado: str
    #: Approved, i.e. in force: anything else prints with the BORRADOR watermark
    aprobado: bool
    secciones: tuple[Seccion, ...]
    responsables: tuple[Responsable, ...]
    problemas: tuple[ProblemaPlan, ...]
    alineamiento: tuple[TablaAlineamiento, ...]
    roles: tuple[Rol, ...]
    indicadores: tuple[IndicadorResumen, ...]
    matrices: tuple[Matriz, ...]
    presupuesto: Presupuesto
    capacitacion: tuple[AccionCapacitacion, ...]
    #: The timeline by year (the plan's year and those of its actions' runs)
    cronograma: tuple[tuple[int, tuple[FilaCronograma, ...]], ...]

    def matriz(self, nivel: str) -> Matriz | None:
        """The logic matrix of a level ("nacional" / "regional")."""
        return next((m for m in self.matrices if m.nivel == nivel), None)


# --------------------------------------------------------------------------- building


def _t(valor: str | None) -> str:
    """A text field, "" when there is none."""
    return (valor or "").strip()


def _accion(fila) -> str:
    """An action as the plan page names it: its objective, else its indicator."""
    return _t(fila.objetivo or fila.indicador)


def _problema(problema: Problema) -> ProblemaPlan:
    """A problem with its causal table and its alternatives grouped by level."""
    causas = tuple(
        FilaCausal(
            f.letra,
            f"{f.mtpe.letra}. {f.mtpe.texto}" if f.mtpe else None,
            f"{f.drtpe.letra}. {f.drtpe.texto}" if f.drtpe else None,
        )
        for f in queries.tabla_causal(problema)
    )
    alternativas, priorizadas = [], []
    for nivel in NivelCausa:
        de_nivel = problema.alternativas_de(nivel)
        todas = tuple(Alternativa(a.literal, a.texto, a.plazo_texto) for a in de_nivel)
        elegidas = tuple(
            Alternativa(a.literal, a.texto_priorizado or a.texto, a.plazo_texto)
            for a in de_nivel
            if a.priorizada
        )
        if todas:
            alternativas.append(GrupoAlternativas(nivel.encabezado, todas))
        if elegidas:
            priorizadas.append(GrupoAlternativas(nivel.encabezado, elegidas))
    return ProblemaPlan(
        problema.numero,
        problema.texto,
        problema.nivel_cadena_valor,
        causas,
        tuple(alternativas),
        tuple(priorizadas),
    )


def _alineamiento(plan: PlanMejora) -> tuple[TablaAlineamiento, ...]:
    """One table per objective, in order; only the columns some row fills.

    The year columns take their headings from the rows' `encabezados` ("|"-separated), which
    name the filled year columns in order; without them (or when they do not match), the
    fields' own names."""
    grupos: dict[str, list] = {}
    for fila in plan.alineamientos:
        grupos.setdefault(fila.objetivo, []).append(fila)
    tablas = []
    for objetivo, filas in grupos.items():
        fijas = [
            (campo, titulo)
            for campo, titulo in (
                ("numero", "N°"),
                ("indicador", "Indicador"),
                ("formula", "Fórmula del indicador"),
                ("fuente", "Fuente"),
            )
            if any(_t(getattr(f, campo)) for f in filas)
        ]
        anuales = [
            (campo, titulo)
            for campo, titulo in CAMPOS_ALINEAMIENTO
            if any(getattr(f, campo) is not None for f in filas)
        ]
        impresos = next((f.encabezados for f in filas if f.encabezados), None)
        titulos = [t.strip() for t in impresos.split("|")] if impresos else []
        if len(titulos) == len(anuales):
            anuales = [(campo, t) for (campo, _t0), t in zip(anuales, titulos, strict=True)]
        columnas = fijas + anuales
        tablas.append(
            TablaAlineamiento(
                objetivo,
                tuple(t for _c, t in columnas),
                tuple(tuple(_t(getattr(f, c)) for c, _x in columnas) for f in filas),
            )
        )
    return tuple(tablas)


def _matrices(plan: PlanMejora) -> tuple[Matriz, ...]:
    """The logic matrix of each level, its rows grouped by level of the value chain."""
    resultado = []
    for nivel, secciones in queries.matriz(plan).items():
        resultado.append(
            Matriz(
                nivel.value,
                nivel.etiqueta,
                tuple(
                    SeccionMatriz(
                        tipo.etiqueta.upper(),
                        tuple(
                            FilaMatriz(
                                _t(f.objetivo),
                                _t(f.indicador),
                                _t(f.linea_base),
                                _t(f.meta),
                                _t(f.medio_verificacion),
                            )
                            for f in filas
                        ),
                    )
                    for tipo, filas in secciones.items()
                ),
            )
        )
    return tuple(resultado)


def _linea(linea: LineaPresupuesto, costo: bool) -> LineaPlan:
    """A budget line as the document's columns show it."""
    return LineaPlan(
        actividad=linea.actividad,
        nivel="" if costo or linea.nivel is None else linea.nivel.etiqueta,
        costo=costo,
        con_lineas=bool(linea.hijos),
        unidad_medida=linea.unidad_medida,
        costo_unitario=linea.costo_unitario,
        cantidad=linea.cantidad,
        total=linea.total,
        especificacion_gasto=linea.especificacion_gasto,
        no_determinado=linea.no_determinado,
    )


def _presupuesto(plan: PlanMejora) -> Presupuesto:
    """Activities and their cost lines in order, with the totals the plan page shows."""
    lineas = []
    for linea in plan.lineas_principales:
        lineas.append(_linea(linea, costo=False))
        lineas += [_linea(hijo, costo=True) for hijo in linea.hijos]
    resumen = queries.resumen_presupuesto(plan)
    return Presupuesto(
        tuple(lineas),
        tuple((nivel.etiqueta, resumen.por_nivel[nivel]) for nivel in NivelGobierno),
        resumen.total,
        tuple(sorted(resumen.monedas)),
    )


def _capacitacion(plan: PlanMejora) -> tuple[AccionCapacitacion, ...]:
    """The training actions with the runs of the programme activities that schedule them."""
    return tuple(
        AccionCapacitacion(
            _accion(f),
            f.nivel.etiqueta,
            f.responsable.organo if f.responsable else None,
            f.estado.etiqueta,
            tuple(
                Corrida(
                    c.actividad.programa.anio,
                    c.actividad.etiqueta,
                    c.region.nombre,
                    c.mes_vigente,
                    c.estado.etiqueta,
                    c.fecha_ejecucion,
                )
                for c in queries.corridas(f)
            ),
        )
        for f in plan.acciones_capacitacion
    )


def _cronograma(plan: PlanMejora) -> tuple[tuple[int, tuple[FilaCronograma, ...]], ...]:
    """The plan page's timeline (queries.cronograma), the plan's own year first."""
    por_anio = queries.cronograma(plan)
    anios = sorted(por_anio, key=lambda a: (a != plan.anio, a))
    return tuple(
        (
            anio,
            tuple(
                FilaCronograma(
                    _accion(f.accion), f.accion.nivel.etiqueta, tuple(sorted(f.meses.items()))
                )
                for f in por_anio[anio]
            ),
        )
        for anio in anios
    )


def _secciones(plan: PlanMejora) -> tuple[Seccion, ...]:
    """The plan's outline; a plan without one (a new plan, not a loaded document) gets one
    heading per table, in the order of TABLAS_SECCION, so its PDF still prints its data."""
    if plan.secciones:
        return tuple(
            Seccion(s.clave, s.titulo, s.texto or "", s.profundidad, s.tabla)
            for s in plan.secciones
        )
    return tuple(Seccion(clave, titulo, "", 1, clave) for clave, titulo in TABLAS_SECCION.items())


def datos_plan(plan: PlanMejora) -> DatosPlan:
    """Read everything the plan's PDF prints from a plan (in its session)."""
    return DatosPlan(
        id=plan.id,
        titulo=plan.titulo,
        ambito=plan.ambito,
        region_codigo=plan.region.codigo if plan.region else None,
        organo=plan.region.organo if plan.region else None,
        servicio_evaluado=plan.servicio_evaluado,
        sector=plan.sector,
        periodo_evaluado=plan.periodo_evaluado,
        anio=plan.anio,
        estado=plan.estado_etiqueta,
        aprobado=plan.estado is EstadoReporte.aprobado,
        secciones=_secciones(plan),
        responsables=tuple(
            Responsable(r.nivel.etiqueta, r.funcion.etiqueta, r.organo) for r in plan.responsables
        ),
        problemas=tuple(_problema(p) for p in plan.problemas),
        alineamiento=_alineamiento(plan),
        roles=tuple(
            Rol(r.fase.etiqueta, _t(r.nacional), _t(r.regional), _t(r.local)) for r in plan.roles
        ),
        indicadores=tuple(
            IndicadorResumen(
                _t(i.resultado_intermedio),
                _t(i.producto),
                _t(i.indicador),
                _t(i.meta),
                _t(i.rol_nacional),
                _t(i.rol_regional),
                _t(i.rol_local),
            )
            for i in plan.indicadores_resumen
        ),
        matrices=_matrices(plan),
        presupuesto=_presupuesto(plan),
        capacitacion=_capacitacion(plan),
        cronograma=_cronograma(plan),
    )
