"""Capacity-building programme: MTPE activities per IdG, their region × month plan and execution.

The month schedule of an activity (the ENE…DIC grid of the matrix) is never stored: it is
derived from its ProgramacionRegional rows. Each row is one planned visit (activity × region ×
month) and carries its current execution state; every change of state leaves a
MovimientoProgramacion row (plus an audit Evento).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.base import TimestampMixin, ahora
from app.comun.i18n import N_, traducir
from app.extensions import db
from app.mejora_continua.models.evaluaciones import ItemEvaluacion
from app.mejora_continua.models.planes import FilaMatrizLogica

#: Month abbreviations as the matrix prints them (column headers ENE…DIC).
MESES_CORTOS = ("ENE", "FEB", "MAR", "ABR", "MAY", "JUN", "JUL", "AGO", "SET", "OCT", "NOV", "DIC")
#: Month names in Peruvian Spanish ("setiembre").
MESES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "setiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


def nombre_mes(mes: int) -> str:
    """Capitalised month name, e.g. 9 → "Setiembre"."""
    return MESES[mes - 1].capitalize()


def texto_meses(meses: Iterable[int]) -> str:
    """Months the way the documents write them: "Feb", "Feb y Set", "Ene, May y Set"."""
    cortos = [MESES_CORTOS[m - 1].capitalize() for m in sorted(set(meses))]
    if len(cortos) <= 1:
        return "".join(cortos)
    return ", ".join(cortos[:-1]) + " y " + cortos[-1]


class EstadoPrograma(enum.Enum):
    """A programme is drafted by the directorates and approved by ODES."""

    borrador = "borrador"
    aprobado = "aprobado"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return traducir(N_("Borrador") if self is EstadoPrograma.borrador else N_("Aprobado"))


class EstadoProgramacion(enum.Enum):
    """Execution state of one planned activity in one region and month."""

    programada = "programada"
    ejecutada = "ejecutada"
    reprogramada = "reprogramada"
    cancelada = "cancelada"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return traducir(
            {
                "programada": N_("Programada"),
                "ejecutada": N_("Ejecutada"),
                "reprogramada": N_("Reprogramada"),
                "cancelada": N_("Cancelada"),
            }[self.value]
        )

    @property
    def pendiente(self) -> bool:
        """Still to be executed (programmed or moved to another month)."""
        return self in (EstadoProgramacion.programada, EstadoProgramacion.reprogramada)


class ProgramaCapacidades(TimestampMixin, db.Model):
    """The annual capacity-building programme in favour of the regions (one per year)."""

    __tablename__ = "programa_capacidades"

    id: Mapped[int] = mapped_column(primary_key=True)
    anio: Mapped[int] = mapped_column(unique=True)
    #: E.g. "Programación Anual de Fortalecimiento de Capacidades a favor de las regiones 2021"
    nombre: Mapped[str] = mapped_column(sa.String(300))
    estado: Mapped[EstadoPrograma] = mapped_column(
        sa.Enum(EstadoPrograma, name="estado_programa", native_enum=False, length=20),
        default=EstadoPrograma.borrador,
    )
    aprobado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    aprobado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))

    actividades: Mapped[list[Actividad]] = relationship(
        back_populates="programa", cascade="all, delete-orphan", order_by="Actividad.id"
    )

    __table_args__ = (sa.CheckConstraint("anio BETWEEN 2000 AND 2100", name="anio_valido"),)

    @property
    def aprobado(self) -> bool:
        """True once ODES approved it."""
        return self.estado is EstadoPrograma.aprobado

    def __repr__(self) -> str:
        return f"<ProgramaCapacidades {self.anio}>"


actividad_recomendacion = sa.Table(
    "actividad_recomendacion",
    db.metadata,
    sa.Column(
        "actividad_id",
        sa.ForeignKey("actividad_programa.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "item_id",
        sa.ForeignKey("item_evaluacion.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Actividad(TimestampMixin, db.Model):
    """An MTPE activity of the programme, tied to one IdG and run by one unit."""

    __tablename__ = "actividad_programa"

    id: Mapped[int] = mapped_column(primary_key=True)
    programa_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programa_capacidades.id", ondelete="CASCADE"), index=True
    )
    indicador_id: Mapped[int] = mapped_column(sa.ForeignKey("indicador.id"), index=True)
    #: Unit responsible for running it (its directorate users manage it)
    unidad_id: Mapped[int] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    #: Number within the IdG in this programme (1, 2, 3 … as the matrix numbers them)
    numero: Mapped[int]
    nombre: Mapped[str] = mapped_column(sa.Text)
    descripcion: Mapped[str | None] = mapped_column(sa.Text)
    #: Remarks taken from the documents (e.g. reprogrammings without regions)
    nota: Mapped[str | None] = mapped_column(sa.Text)
    #: The AMC plan action (a training or technical-assistance action) this activity schedules;
    #: its executions are recorded in that action's follow-up
    accion_plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fila_matriz_logica.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)

    programa: Mapped[ProgramaCapacidades] = relationship(back_populates="actividades")
    accion_plan: Mapped[FilaMatrizLogica | None] = relationship(back_populates="actividades")
    indicador: Mapped[Indicador] = relationship(lazy="joined")
    unidad: Mapped[UnidadMTPE] = relationship(lazy="joined")
    recomendaciones: Mapped[list[ItemEvaluacion]] = relationship(
        secondary=actividad_recomendacion, order_by=ItemEvaluacion.orden
    )
    programaciones: Mapped[list[ProgramacionRegional]] = relationship(
        back_populates="actividad",
        cascade="all, delete-orphan",
        order_by="(ProgramacionRegional.region_id, ProgramacionRegional.mes)",
    )

    __table_args__ = (
        sa.UniqueConstraint("programa_id", "indicador_id", "numero"),
        sa.CheckConstraint("numero >= 1", name="numero_valido"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def etiqueta(self) -> str:
        """Short label, e.g. "IdG 3 · 1"."""
        return f"IdG {self.indicador.numero} · {self.numero}"

    def __repr__(self) -> str:
        return f"<Actividad {self.etiqueta}>"


class ProgramacionRegional(db.Model):
    """One planned run of an activity in one region and month, with its execution state."""

    __tablename__ = "programacion_regional"

    id: Mapped[int] = mapped_column(primary_key=True)
    actividad_id: Mapped[int] = mapped_column(
        sa.ForeignKey("actividad_programa.id", ondelete="CASCADE"), index=True
    )
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: Month as programmed (1–12); a reprogramming keeps it and sets mes_reprogramado
    mes: Mapped[int]
    estado: Mapped[EstadoProgramacion] = mapped_column(
        sa.Enum(EstadoProgramacion, name="estado_programacion", native_enum=False, length=20),
        default=EstadoProgramacion.programada,
        index=True,
    )
    #: Month it was moved to by the latest reprogramming
    mes_reprogramado: Mapped[int | None]
    #: Reason of the latest reprogramming or of the cancellation
    motivo: Mapped[str | None] = mapped_column(sa.Text)
    fecha_ejecucion: Mapped[date | None]
    participantes: Mapped[int | None]
    observacion: Mapped[str | None] = mapped_column(sa.Text)
    #: Remark taken from the documents (e.g. "reprogramada para el mes de mayo de 2021")
    nota: Mapped[str | None] = mapped_column(sa.Text)
    #: Optional evidence of the execution (app/comun/almacenamiento, folder "programacion")
    evidencia_nombre: Mapped[str | None] = mapped_column(sa.String(200))
    evidencia_archivo: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    evidencia_tipo: Mapped[str | None] = mapped_column(sa.String(100))
    evidencia_tamanio: Mapped[int | None]
    actualizado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    actualizado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    actividad: Mapped[Actividad] = relationship(back_populates="programaciones")
    region: Mapped[Region] = relationship(lazy="joined")
    actualizado_por = relationship("Usuario", foreign_keys=[actualizado_por_id])
    movimientos: Mapped[list[MovimientoProgramacion]] = relationship(
        back_populates="programacion",
        cascade="all, delete-orphan",
        order_by="MovimientoProgramacion.id",
    )

    __table_args__ = (
        sa.UniqueConstraint("actividad_id", "region_id", "mes"),
        sa.CheckConstraint("mes BETWEEN 1 AND 12", name="mes_valido"),
        sa.CheckConstraint(
            "mes_reprogramado IS NULL OR mes_reprogramado BETWEEN 1 AND 12",
            name="mes_reprogramado_valido",
        ),
        sa.CheckConstraint(
            "participantes IS NULL OR participantes >= 0", name="participantes_valido"
        ),
        sa.CheckConstraint(
            "estado != 'reprogramada' OR (mes_reprogramado IS NOT NULL AND motivo IS NOT NULL)",
            name="reprogramada_con_mes_y_motivo",
        ),
        sa.CheckConstraint(
            "estado != 'cancelada' OR motivo IS NOT NULL", name="cancelada_con_motivo"
        ),
        sa.CheckConstraint(
            "estado != 'ejecutada' OR fecha_ejecucion IS NOT NULL", name="ejecutada_con_fecha"
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def mes_vigente(self) -> int:
        """The month it is currently planned for (the reprogrammed one, if any)."""
        return self.mes_reprogramado or self.mes

    @property
    def mes_nombre(self) -> str:
        """The month it is currently planned for, by name (e.g. "Setiembre")."""
        return nombre_mes(self.mes_vigente)

    @property
    def pendiente(self) -> bool:
        """Still to be executed."""
        return self.estado.pendiente

    def __repr__(self) -> str:
        return f"<ProgramacionRegional {self.actividad_id} {self.region_id} {self.mes}>"


class MovimientoProgramacion(db.Model):
    """Append-only history of one planned run: each execution, reprogramming or cancellation."""

    __tablename__ = "movimiento_programacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    programacion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programacion_regional.id", ondelete="CASCADE"), index=True
    )
    #: State the run entered with this change
    estado: Mapped[EstadoProgramacion] = mapped_column(
        sa.Enum(EstadoProgramacion, name="estado_movimiento", native_enum=False, length=20)
    )
    mes_anterior: Mapped[int | None]
    mes_nuevo: Mapped[int | None]
    fecha_ejecucion: Mapped[date | None]
    participantes: Mapped[int | None]
    motivo: Mapped[str | None] = mapped_column(sa.Text)
    observacion: Mapped[str | None] = mapped_column(sa.Text)
    evidencia_nombre: Mapped[str | None] = mapped_column(sa.String(200))
    usuario_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)

    programacion: Mapped[ProgramacionRegional] = relationship(back_populates="movimientos")
    usuario = relationship("Usuario", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "(mes_anterior IS NULL OR mes_anterior BETWEEN 1 AND 12) "
            "AND (mes_nuevo IS NULL OR mes_nuevo BETWEEN 1 AND 12)",
            name="meses_validos",
        ),
    )
