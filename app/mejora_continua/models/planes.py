# Over ~400 lines: one aggregate, nine tables whose relationships and type hints name each other.
"""Acciones de Mejora Continua (AMC) plans: diagnosis, logic matrix, budget and follow-up.

A plan (e.g. the Puno 2015 plan, seed 002) answers the SD-PCM evaluation of one transferred
service: problems → causes per level (MTPE / DRTPE, keyed by letter) → alternatives →
logic-matrix rows → budget lines → responsible organs and the follow-up of each action, with
the document's prose sections (introduction, Part A, the prose of Part B). The plan follows the
review workflow of app/comun/flujo.py: drafted by ODES, agreed by the intergovernmental team
(`enviado`), approved by ODES (read-only until reopened).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogo.models import Indicador, Region, ServicioPublico, UnidadMTPE
from app.comun.base import TimestampMixin, ahora
from app.comun.flujo import EstadoReporte, Revisable
from app.comun.i18n import N_, traducir
from app.extensions import db
from app.mejora_continua.models.planes_diseno import (
    AlineamientoPlan,
    IndicadorResumenPlan,
    RolPlan,
    plan_indicador,
    plan_recomendacion,
)

# ItemEvaluacion and Actividad (the relationships' targets below) are resolved by name from
# the mapper registry: their modules import this one, so importing them here would be circular.

CERO = Decimal("0.00")
CENTIMO = Decimal("0.01")


def _enum(clase: type[enum.Enum], nombre: str, largo: int = 30) -> sa.Enum:
    """A non-native enum column type, like the rest of the schema."""
    return sa.Enum(clase, name=nombre, native_enum=False, length=largo)


class NivelCausa(enum.Enum):
    """Who a cause (and its alternatives) belongs to in the causal analysis."""

    mtpe = "mtpe"
    drtpe = "drtpe"

    @property
    def etiqueta(self) -> str:
        """Column heading of the causal-analysis table."""
        return "MTPE" if self is NivelCausa.mtpe else "DRTPE"

    @property
    def encabezado(self) -> str:
        """Heading used by the document's narrative sections."""
        if self is NivelCausa.mtpe:
            return "En el Ministerio de Trabajo y Promoción del Empleo"
        return "En la Dirección Regional de Trabajo y Promoción del Empleo"


class NivelGobierno(enum.Enum):
    """Level of government of a logic-matrix row, a budget line or a responsible organ."""

    nacional = "nacional"
    regional = "regional"

    @property
    def etiqueta(self) -> str:
        """As printed in the budget's "Nivel de Gobierno" column."""
        return "Gobierno Nacional" if self is NivelGobierno.nacional else "Gobierno Regional"


class TipoFila(enum.Enum):
    """Level of a logic-matrix row, in the document's order."""

    resultado_final = "resultado_final"
    resultado_intermedio = "resultado_intermedio"
    producto = "producto"
    actividad = "actividad"

    @property
    def etiqueta(self) -> str:
        """Section heading of the logic matrix."""
        return ETIQUETAS_TIPO_FILA[self]


ETIQUETAS_TIPO_FILA = {
    TipoFila.resultado_final: "Resultado final",
    TipoFila.resultado_intermedio: "Resultado intermedio",
    TipoFila.producto: "Producto",
    TipoFila.actividad: "Actividades",
}


class Plazo(enum.Enum):
    """Term of an alternative."""

    corto = "corto"
    mediano = "mediano"
    largo = "largo"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return f"{self.value.capitalize()} plazo"


class FuncionResponsable(enum.Enum):
    """What a responsible organ does for the plan (document section XII)."""

    implementacion = "implementacion"
    seguimiento = "seguimiento"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        if self is FuncionResponsable.implementacion:
            return traducir(N_("Implementación"))
        return traducir(N_("Seguimiento y evaluación"))


class EstadoSeguimiento(enum.Enum):
    """Follow-up state of an action (a logic-matrix activity)."""

    pendiente = "pendiente"
    en_proceso = "en_proceso"
    implementada = "implementada"
    no_implementada = "no_implementada"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return traducir(ETIQUETAS_ESTADO_SEGUIMIENTO[self])


ETIQUETAS_ESTADO_SEGUIMIENTO = {
    EstadoSeguimiento.pendiente: N_("Pendiente"),
    EstadoSeguimiento.en_proceso: N_("En proceso"),
    EstadoSeguimiento.implementada: N_("Implementada"),
    EstadoSeguimiento.no_implementada: N_("No implementada"),
}


class PlanMejora(Revisable, TimestampMixin, db.Model):
    """An AMC plan for one evaluated service and (optionally) one regional government.

    Review workflow (app/comun/flujo.py), like the Anexo 5: borrador → enviado (agreed by the
    intergovernmental team) → observado/aprobado; an approved plan is read-only until ODES
    reopens it.
    """

    __estado_sql__ = "estado_plan"
    __tablename__ = "plan_mejora"

    id: Mapped[int] = mapped_column(primary_key=True)
    titulo: Mapped[str] = mapped_column(sa.Text)
    #: "2. SERVICIO EVALUADO", e.g. "Promoción del Empleo e Igualdad de Oportunidades"
    servicio_evaluado: Mapped[str] = mapped_column(sa.String(200))
    #: The catalogue's public service the plan is for (None = not in the catalogue yet)
    servicio_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("servicio_publico.id"), index=True
    )
    #: Year the short-term actions run in (the plan's "AÑO 2015"); the timeline's months are of it
    anio: Mapped[int | None]
    #: The plan this one was started from (copy, then edit), to compare them
    plan_origen_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="SET NULL"), index=True
    )
    #: "1. SECTOR", e.g. "Ministerio de Trabajo y Promoción del Empleo"
    sector: Mapped[str] = mapped_column(sa.String(200))
    #: Regional government that designed it with the MTPE (None = national plan)
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: Period covered by the SD-PCM evaluation, as written (e.g. "2014")
    periodo_evaluado: Mapped[str | None] = mapped_column(sa.String(40))
    #: Methodology and norms followed (e.g. RSD N° 009-2015-PCM/SD)
    metodologia: Mapped[str | None] = mapped_column(sa.Text)
    #: Intergovernmental technical team (names and units, free text)
    equipo: Mapped[str | None] = mapped_column(sa.Text)
    #: Data problems of the source document and the choices made when loading it
    observaciones: Mapped[str | None] = mapped_column(sa.Text)

    region: Mapped[Region | None] = relationship(lazy="joined")
    servicio: Mapped[ServicioPublico | None] = relationship()
    plan_origen: Mapped[PlanMejora | None] = relationship(remote_side="PlanMejora.id")
    indicadores: Mapped[list[Indicador]] = relationship(
        secondary=plan_indicador, order_by=Indicador.numero
    )
    recomendaciones = relationship(
        "ItemEvaluacion", secondary=plan_recomendacion, order_by="ItemEvaluacion.id"
    )
    alineamientos: Mapped[list[AlineamientoPlan]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by=AlineamientoPlan.orden
    )
    roles: Mapped[list[RolPlan]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by=(RolPlan.orden, RolPlan.id)
    )
    indicadores_resumen: Mapped[list[IndicadorResumenPlan]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by=IndicadorResumenPlan.orden
    )
    secciones: Mapped[list[SeccionPlan]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="SeccionPlan.orden"
    )
    problemas: Mapped[list[Problema]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Problema.numero"
    )
    filas: Mapped[list[FilaMatrizLogica]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(FilaMatrizLogica.nivel, FilaMatrizLogica.orden, FilaMatrizLogica.id)",
    )
    lineas: Mapped[list[LineaPresupuesto]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(LineaPresupuesto.orden, LineaPresupuesto.id)",
    )
    responsables: Mapped[list[ResponsableAccion]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="(ResponsableAccion.nivel, ResponsableAccion.funcion, ResponsableAccion.id)",
    )

    @property
    def estado_etiqueta(self) -> str:
        """The workflow state as the plan page shows it (enviado = agreed by the team)."""
        if self.estado is EstadoReporte.enviado:
            return traducir(N_("Concordado por el equipo técnico intergubernamental"))
        return self.estado.etiqueta

    @property
    def ambito(self) -> str:
        """Region name, or "Nacional" for a plan without region."""
        return self.region.nombre if self.region else "Nacional"

    @property
    def lineas_principales(self) -> list[LineaPresupuesto]:
        """Budget activities (lines without a parent), in document order."""
        return [linea for linea in self.lineas if linea.padre_id is None]

    @property
    def acciones(self) -> list[FilaMatrizLogica]:
        """The logic-matrix activities: the actions whose implementation is followed up."""
        return [f for f in self.filas if f.tipo is TipoFila.actividad]

    @property
    def acciones_capacitacion(self) -> list[FilaMatrizLogica]:
        """The technical-assistance and training actions (section 14), schedulable as activities."""
        return [f for f in self.acciones if f.capacitacion]


class SeccionPlan(db.Model):
    """A prose section of the plan document (e.g. "A.I" MARCO LEGAL, "B.14"), in its order."""

    __tablename__ = "seccion_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    #: Key in the plan: "INTRO", "A", "A.I" … "A.XII", "B.3" … "B.18"
    clave: Mapped[str] = mapped_column(sa.String(20))
    #: Heading as printed in the document, e.g. "V. FINALIDAD"
    titulo: Mapped[str] = mapped_column(sa.String(300))
    #: Paragraphs separated by a blank line; list items as lines starting with "- "
    texto: Mapped[str] = mapped_column(sa.Text)
    orden: Mapped[int] = mapped_column(default=0)
    #: The structured table printed after the text (a key of TABLAS_SECCION), if any
    tabla: Mapped[str | None] = mapped_column(sa.String(20))

    plan: Mapped[PlanMejora] = relationship(back_populates="secciones")

    __table_args__ = (sa.UniqueConstraint("plan_id", "clave"),)

    @property
    def profundidad(self) -> int:
        """Heading level: 0 for the introduction and the parts, 1 for A's and B's Roman
        chapters, 2 for B's numbered sections, 3 for their subsections (11.1, 13.2)."""
        partes = self.clave.split(".")
        if len(partes) == 1:
            return 0
        if not partes[1].isdigit():
            return 1
        return len(partes)


#: The structured tables a section can print after its text, in the words of the plan page.
TABLAS_SECCION = {
    "responsables": N_("Órganos responsables"),
    "problemas": N_("Problemas identificados"),
    "causas": N_("Análisis causal"),
    "alternativas": N_("Alternativas de solución"),
    "priorizadas": N_("Alternativas priorizadas"),
    "alineamiento": N_("Alineamiento"),
    "roles": N_("Roles por nivel de gobierno"),
    "indicadores": N_("Indicadores de la cadena de valor"),
    "matriz_nacional": N_("Matriz lógica del Gobierno Nacional"),
    "matriz_regional": N_("Matriz lógica del Gobierno Regional"),
    "presupuesto": N_("Presupuesto"),
    "asistencia": N_("Acciones de asistencia técnica y capacitación"),
    "cronograma": N_("Cronograma"),
}


class Problema(db.Model):
    """A problem identified in the diagnosis (P1, P2, …)."""

    __tablename__ = "problema_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    numero: Mapped[int]
    texto: Mapped[str] = mapped_column(sa.Text)
    #: Level of the value chain the problem relates to (the figure is not in document 002)
    nivel_cadena_valor: Mapped[str | None] = mapped_column(sa.String(120))

    plan: Mapped[PlanMejora] = relationship(back_populates="problemas")
    causas: Mapped[list[Causa]] = relationship(
        back_populates="problema",
        cascade="all, delete-orphan",
        order_by="(Causa.nivel, Causa.letra)",
    )
    alternativas: Mapped[list[Alternativa]] = relationship(
        back_populates="problema",
        cascade="all, delete-orphan",
        order_by="(Alternativa.nivel, Alternativa.letra, Alternativa.numero)",
    )

    __table_args__ = (sa.UniqueConstraint("plan_id", "numero"),)

    @property
    def etiqueta(self) -> str:
        """Short label, e.g. "P1"."""
        return f"P{self.numero}"

    def causas_de(self, nivel: NivelCausa) -> list[Causa]:
        """The causes of one level, by letter."""
        return [c for c in self.causas if c.nivel is nivel]

    def alternativas_de(self, nivel: NivelCausa) -> list[Alternativa]:
        """The alternatives of one level, by letter and number."""
        return [a for a in self.alternativas if a.nivel is nivel]

    @property
    def letras(self) -> list[str]:
        """Every cause letter used at either level, sorted (rows of the causal table)."""
        return sorted({c.letra for c in self.causas})


class Causa(db.Model):
    """A cause of a problem at one level, keyed by its letter (letters may skip)."""

    __tablename__ = "causa_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    problema_id: Mapped[int] = mapped_column(
        sa.ForeignKey("problema_plan.id", ondelete="CASCADE"), index=True
    )
    nivel: Mapped[NivelCausa] = mapped_column(_enum(NivelCausa, "nivel_causa", 10))
    letra: Mapped[str] = mapped_column(sa.String(2))
    texto: Mapped[str] = mapped_column(sa.Text)
    #: Source remarks (e.g. "only in the narrative, not in the summary table")
    nota: Mapped[str | None] = mapped_column(sa.Text)

    problema: Mapped[Problema] = relationship(back_populates="causas")

    __table_args__ = (sa.UniqueConstraint("problema_id", "nivel", "letra"),)

    @property
    def etiqueta(self) -> str:
        """Short label, e.g. "P3 DRTPE k"."""
        return f"{self.problema.etiqueta} {self.nivel.etiqueta} {self.letra}"


class Alternativa(db.Model):
    """A solution alternative, numbered within the letter of the cause it answers."""

    __tablename__ = "alternativa_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    problema_id: Mapped[int] = mapped_column(
        sa.ForeignKey("problema_plan.id", ondelete="CASCADE"), index=True
    )
    nivel: Mapped[NivelCausa] = mapped_column(_enum(NivelCausa, "nivel_alternativa", 10))
    #: Letter of the cause it answers (the alternatives section's key; where the document
    #: re-letters or the cause is not listed, the printed letter goes in `nota`)
    letra: Mapped[str] = mapped_column(sa.String(2))
    #: Number within the letter (1 when the document does not number it)
    numero: Mapped[int] = mapped_column(default=1)
    #: Cause it answers; None when the document's letter matches no cause of this level
    causa_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("causa_plan.id", ondelete="SET NULL"), index=True
    )
    texto: Mapped[str] = mapped_column(sa.Text)
    #: Selected among the short-term prioritised alternatives
    priorizada: Mapped[bool] = mapped_column(default=False)
    #: Wording of the prioritised list when it differs from the alternative's
    texto_priorizado: Mapped[str | None] = mapped_column(sa.Text)
    plazo: Mapped[Plazo | None] = mapped_column(_enum(Plazo, "plazo_alternativa", 10))
    #: Free-text term, e.g. "Año 2015"
    plazo_detalle: Mapped[str | None] = mapped_column(sa.String(80))
    nota: Mapped[str | None] = mapped_column(sa.Text)

    problema: Mapped[Problema] = relationship(back_populates="alternativas")
    causa: Mapped[Causa | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("problema_id", "nivel", "letra", "numero"),)

    @property
    def literal(self) -> str:
        """Printed key, e.g. "b.2"."""
        return f"{self.letra}.{self.numero}"

    @property
    def plazo_texto(self) -> str:
        """Term as shown: enum label and/or free text."""
        partes = [self.plazo.etiqueta if self.plazo else "", self.plazo_detalle or ""]
        return " — ".join(p for p in partes if p)


class ResponsableAccion(db.Model):
    """An organ responsible for implementing or following up the plan (section XII)."""

    __tablename__ = "responsable_accion"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    nivel: Mapped[NivelGobierno] = mapped_column(_enum(NivelGobierno, "nivel_responsable", 10))
    funcion: Mapped[FuncionResponsable] = mapped_column(
        _enum(FuncionResponsable, "funcion_responsable", 20)
    )
    #: Organ as named in the plan
    organo: Mapped[str] = mapped_column(sa.String(200))
    #: The catalogue unit, when the organ is one (2015 names may no longer exist)
    unidad_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    nota: Mapped[str | None] = mapped_column(sa.Text)

    plan: Mapped[PlanMejora] = relationship(back_populates="responsables")
    unidad: Mapped[UnidadMTPE | None] = relationship()


class FilaMatrizLogica(db.Model):
    """A row of the logic matrix of one level of government (13.1 national, 13.2 regional)."""

    __tablename__ = "fila_matriz_logica"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    #: Problem the row answers, when known (document 002 does not say)
    problema_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("problema_plan.id", ondelete="SET NULL"), index=True
    )
    nivel: Mapped[NivelGobierno] = mapped_column(_enum(NivelGobierno, "nivel_fila", 10))
    tipo: Mapped[TipoFila] = mapped_column(_enum(TipoFila, "tipo_fila", 30))
    orden: Mapped[int] = mapped_column(default=0)
    #: "OBJETIVOS" column (empty in two rows of document 002)
    objetivo: Mapped[str | None] = mapped_column(sa.Text)
    indicador: Mapped[str | None] = mapped_column(sa.Text)
    linea_base: Mapped[str | None] = mapped_column(sa.String(200))
    meta: Mapped[str | None] = mapped_column(sa.String(200))
    medio_verificacion: Mapped[str | None] = mapped_column(sa.String(300))
    #: A technical-assistance or training action (section 14): it can be scheduled in the
    #: capacity programme, whose execution flows back into its follow-up
    capacitacion: Mapped[bool] = mapped_column(default=False)
    #: Planned months of the timeline (1–12 of the plan's year), when the plan gives them
    mes_inicio: Mapped[int | None]
    mes_fin: Mapped[int | None]
    #: Organ responsible for the action (activities)
    responsable_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responsable_accion.id", ondelete="SET NULL"), index=True
    )
    nota: Mapped[str | None] = mapped_column(sa.Text)

    plan: Mapped[PlanMejora] = relationship(back_populates="filas")
    problema: Mapped[Problema | None] = relationship()
    responsable: Mapped[ResponsableAccion | None] = relationship()
    seguimientos: Mapped[list[SeguimientoAccion]] = relationship(
        back_populates="fila",
        cascade="all, delete-orphan",
        order_by="(SeguimientoAccion.fecha.desc(), SeguimientoAccion.id.desc())",
    )
    #: Capacity-programme activities that schedule this action
    actividades = relationship("Actividad", back_populates="accion_plan", order_by="Actividad.id")

    __table_args__ = (
        sa.CheckConstraint(
            "mes_inicio IS NULL OR mes_inicio BETWEEN 1 AND 12", name="mes_inicio_valido"
        ),
        sa.CheckConstraint("mes_fin IS NULL OR mes_fin BETWEEN 1 AND 12", name="mes_fin_valido"),
    )

    @property
    def meses_previstos(self) -> range:
        """The planned months (empty when the plan gives none)."""
        if self.mes_inicio is None:
            return range(0)
        return range(self.mes_inicio, (self.mes_fin or self.mes_inicio) + 1)

    @property
    def seguimiento_actual(self) -> SeguimientoAccion | None:
        """The latest follow-up record (None = never followed up)."""
        return self.seguimientos[0] if self.seguimientos else None

    @property
    def estado(self) -> EstadoSeguimiento:
        """Current follow-up state; an action never followed up is pending."""
        actual = self.seguimiento_actual
        return actual.estado if actual else EstadoSeguimiento.pendiente


class SeguimientoAccion(db.Model):
    """One follow-up record of an action: state, date, note and who registered it."""

    __tablename__ = "seguimiento_accion"

    id: Mapped[int] = mapped_column(primary_key=True)
    fila_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fila_matriz_logica.id", ondelete="CASCADE"), index=True
    )
    estado: Mapped[EstadoSeguimiento] = mapped_column(
        _enum(EstadoSeguimiento, "estado_seguimiento", 20)
    )
    #: Date the state refers to
    fecha: Mapped[date] = mapped_column(sa.Date)
    nota: Mapped[str | None] = mapped_column(sa.Text)
    usuario_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"), index=True)
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)

    fila: Mapped[FilaMatrizLogica] = relationship(back_populates="seguimientos")
    usuario = relationship("Usuario")


class LineaPresupuesto(db.Model):
    """A line of the budget (13.3): an activity, or a cost line (child) of an activity.

    Total rule: a line with a quantity costs unit × quantity (never stored); an activity
    with child lines costs the sum of its children; any other line carries the total as
    written (`total_declarado`), e.g. a "Servicio tercero" priced as a lump sum.
    """

    __tablename__ = "linea_presupuesto"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    #: Activity line this cost line belongs to (None = the line is an activity)
    padre_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("linea_presupuesto.id", ondelete="CASCADE"), index=True
    )
    #: Position in the document's table (children right after their activity)
    orden: Mapped[int] = mapped_column(default=0)
    actividad: Mapped[str] = mapped_column(sa.Text)
    #: Level of an activity; cost lines take their activity's level
    nivel: Mapped[NivelGobierno | None] = mapped_column(_enum(NivelGobierno, "nivel_linea", 10))
    unidad_medida: Mapped[str | None] = mapped_column(sa.String(60))
    costo_unitario: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    cantidad: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    #: Total as written, only for lines without quantity (or an activity's printed total)
    total_declarado: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    #: "Especificación del gasto": clasificador de gasto code, e.g. 2.3.2.7.2.99
    especificacion_gasto: Mapped[str | None] = mapped_column(sa.String(30))
    #: The document says "No se ha determinado" (cost not determined yet)
    no_determinado: Mapped[bool] = mapped_column(default=False)
    #: ISO 4217; document 002 names no currency, soles (PEN) is assumed
    moneda: Mapped[str] = mapped_column(sa.String(3), default="PEN")
    nota: Mapped[str | None] = mapped_column(sa.Text)

    plan: Mapped[PlanMejora] = relationship(back_populates="lineas")
    padre: Mapped[LineaPresupuesto | None] = relationship(
        remote_side="LineaPresupuesto.id", back_populates="hijos"
    )
    hijos: Mapped[list[LineaPresupuesto]] = relationship(
        back_populates="padre", order_by="(LineaPresupuesto.orden, LineaPresupuesto.id)"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "costo_unitario IS NULL OR costo_unitario >= 0", name="costo_no_negativo"
        ),
        sa.CheckConstraint("cantidad IS NULL OR cantidad >= 0", name="cantidad_no_negativa"),
        sa.CheckConstraint(
            "total_declarado IS NULL OR total_declarado >= 0", name="total_no_negativo"
        ),
    )

    @property
    def nivel_efectivo(self) -> NivelGobierno | None:
        """The line's level, or its activity's for a cost line."""
        if self.nivel is None and self.padre is not None:
            return self.padre.nivel
        return self.nivel

    @property
    def total_calculado(self) -> Decimal | None:
        """unit × quantity, when both are given."""
        if self.cantidad is None or self.costo_unitario is None:
            return None
        return (self.costo_unitario * self.cantidad).quantize(CENTIMO)

    @property
    def total(self) -> Decimal | None:
        """The line's cost: unit × quantity, Σ children, or the declared total (None = none)."""
        if self.cantidad is not None:
            return self.total_calculado
        if self.hijos:
            return suma(h.total for h in self.hijos)
        return self.total_declarado

    @property
    def tiene_costo(self) -> bool:
        """True when the line carries an amount."""
        return self.total is not None


def suma(valores: Iterable[Decimal | None]) -> Decimal:
    """Sum amounts, ignoring lines without one, to the cent."""
    return sum((v for v in valores if v is not None), CERO).quantize(CENTIMO)


def totales_por_nivel(lineas: Iterable[LineaPresupuesto]) -> dict[NivelGobierno, Decimal]:
    """Budget per level of government: Σ of the activities' totals (cost lines via parent)."""
    totales = {nivel: CERO for nivel in NivelGobierno}
    for linea in lineas:
        if linea.padre_id is None and linea.padre is None and linea.nivel is not None:
            totales[linea.nivel] = suma([totales[linea.nivel], linea.total])
    return totales


def total_general(lineas: Iterable[LineaPresupuesto]) -> Decimal:
    """Budget of the whole plan (every level)."""
    return suma(totales_por_nivel(lineas).values())
