"""Convenio de Gestión with a regional government, and its adendas."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogo.models import ConjuntoIndicadores, Indicador, Region
from app.comun.base import TimestampMixin, ahora
from app.comun.flujo import EstadoReporte, Revisable
from app.comun.i18n import N_, traducir
from app.extensions import db


class EstadoConvenio(enum.Enum):
    """Life cycle of a convenio."""

    pendiente = "pendiente"
    suscrito = "suscrito"
    vencido = "vencido"
    resuelto = "resuelto"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_ESTADO[self])


ETIQUETAS_ESTADO = {
    EstadoConvenio.pendiente: N_("Pendiente de suscripción"),
    EstadoConvenio.suscrito: N_("Suscrito"),
    EstadoConvenio.vencido: N_("Vencido"),
    EstadoConvenio.resuelto: N_("Resuelto"),
}


class Convenio(TimestampMixin, db.Model):
    """A Convenio de Gestión between the MTPE and one regional government for a period."""

    __tablename__ = "convenio"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: First and last year of validity, e.g. 2020–2021
    anio_inicio: Mapped[int]
    anio_fin: Mapped[int]
    estado: Mapped[EstadoConvenio] = mapped_column(
        sa.Enum(EstadoConvenio, name="estado_convenio", native_enum=False, length=20),
        index=True,
    )
    #: "Fecha de suscripción" (required once signed)
    fecha_suscripcion: Mapped[date | None]
    #: Reference of the signed document (resolution, file number…)
    documento: Mapped[str | None] = mapped_column(sa.String(200))
    notas: Mapped[str | None] = mapped_column(sa.Text)
    #: The cycle the convenio belongs to, whose indicator set it reports on
    conjunto_id: Mapped[int] = mapped_column(sa.ForeignKey("conjunto_indicadores.id"), index=True)
    #: Optimistic-locking counter
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region] = relationship(lazy="joined")
    conjunto: Mapped[ConjuntoIndicadores] = relationship()
    adendas: Mapped[list[Adenda]] = relationship(
        back_populates="convenio", cascade="all, delete-orphan", order_by="Adenda.numero"
    )

    __table_args__ = (
        sa.UniqueConstraint("region_id", "anio_inicio", "anio_fin"),
        sa.CheckConstraint("anio_fin >= anio_inicio", name="periodo_valido"),
        sa.CheckConstraint(
            "estado = 'pendiente' OR fecha_suscripcion IS NOT NULL", name="fecha_si_suscrito"
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def periodo(self) -> str:
        """The period as written in the documents, e.g. "2020-2021"."""
        return f"{self.anio_inicio}-{self.anio_fin}"

    @property
    def esta_suscrito(self) -> bool:
        """True when the convenio has been signed (whatever happened after)."""
        return self.estado is not EstadoConvenio.pendiente

    def __repr__(self) -> str:
        return f"<Convenio {self.region_id} {self.periodo} {self.estado.value}>"


class Adenda(TimestampMixin, db.Model):
    """An amendment (renewal or change) to a convenio."""

    __tablename__ = "adenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    convenio_id: Mapped[int] = mapped_column(sa.ForeignKey("convenio.id"), index=True)
    numero: Mapped[int]
    fecha: Mapped[date]
    descripcion: Mapped[str] = mapped_column(sa.Text)
    documento: Mapped[str | None] = mapped_column(sa.String(200))
    #: The signed document: random stored name (never user-controlled) and its original name
    archivo: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    archivo_nombre: Mapped[str | None] = mapped_column(sa.String(200))

    convenio: Mapped[Convenio] = relationship(back_populates="adendas")

    __table_args__ = (sa.UniqueConstraint("convenio_id", "numero"),)


class Semestre(enum.IntEnum):
    """Semester of a year: I (January–June) and II (July–December)."""

    I = 1  # noqa: E741
    II = 2

    @property
    def romano(self) -> str:
        """Roman numeral, as the report writes it."""
        return self.name


def nombre_semestre(anio: int, semestre: int) -> str:
    """A semester as the documents name it, e.g. "II Semestre 2020"."""
    return f"{Semestre(semestre).romano} Semestre {anio}"


class CalendarioSemestre:
    """Name, code and dates of a semester from its ``anio`` and ``semestre``: a Periodo's, and
    any plain record of one (the trends' columns). No annotations here: the ORM would read
    them as columns."""

    @property
    def nombre(self) -> str:
        """E.g. "II Semestre 2020"."""
        return nombre_semestre(self.anio, self.semestre)

    @property
    def codigo(self) -> str:
        """E.g. "2020-2" (used in URLs and files)."""
        return f"{self.anio}-{self.semestre}"

    @property
    def inicio(self) -> date:
        """The semester's first day (1 January or 1 July)."""
        return date(self.anio, 1 if self.semestre == 1 else 7, 1)

    @property
    def fin(self) -> date:
        """The semester's last day (30 June or 31 December): what is known "as of" it."""
        return date(self.anio, 6, 30) if self.semestre == 1 else date(self.anio, 12, 31)


class Periodo(CalendarioSemestre, TimestampMixin, db.Model):
    """A reporting semester with its due dates; ODES opens and closes it."""

    __tablename__ = "periodo"

    id: Mapped[int] = mapped_column(primary_key=True)
    anio: Mapped[int]
    semestre: Mapped[int]
    #: Anexo 4 received on or before this date is on time
    fecha_limite_anexo4: Mapped[date | None]
    #: After this date regions can no longer edit or submit (None = no hard close)
    fecha_cierre_anexo4: Mapped[date | None]
    #: Anexo 5 (directorates' evaluations) due date
    fecha_limite_anexo5: Mapped[date | None]
    #: Closed periods accept no change from regions or directorates
    abierto: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.UniqueConstraint("anio", "semestre"),
        sa.CheckConstraint("semestre IN (1, 2)", name="semestre_valido"),
    )

    def __repr__(self) -> str:
        return f"<Periodo {self.codigo}>"


class Prorroga(TimestampMixin, db.Model):
    """An extension of a semester's Anexo 4 deadline granted by ODES to one region."""

    __tablename__ = "prorroga"

    id: Mapped[int] = mapped_column(primary_key=True)
    periodo_id: Mapped[int] = mapped_column(sa.ForeignKey("periodo.id"), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    #: The region's own due date for the semester (replaces fecha_limite_anexo4)
    fecha_limite: Mapped[date]
    motivo: Mapped[str] = mapped_column(sa.Text)
    concedida_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))

    periodo: Mapped[Periodo] = relationship()
    region: Mapped[Region] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("periodo_id", "region_id"),)


class EstadoCelda(enum.Enum):
    """State of one IdG cell; only `valor` cells are summands of the averages."""

    valor = "valor"
    no_aplica = "no_aplica"
    sin_meta = "sin_meta"
    no_remitido = "no_remitido"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_CELDA[self])


ETIQUETAS_CELDA = {
    EstadoCelda.valor: N_("Con valor"),
    EstadoCelda.no_aplica: N_("No aplica"),
    EstadoCelda.sin_meta: N_("Sin meta en el semestre"),
    EstadoCelda.no_remitido: N_("Meta no remitida"),
}


#: `Meta.semestre` of the annual goal (the semesters are 1 and 2)
ANUAL = 0


class ProgramacionMetas(Revisable, TimestampMixin, db.Model):
    """A convenio's goals for one year, committed before the semesters: the region proposes
    them, the proponent directorates may observe them, ODES approves and locks them.

    Follows the review workflow of app/comun/flujo.py (borrador → enviado → observado ↔
    enviado → aprobado); once approved a goal changes only by an approved reprogramming.
    """

    __estado_sql__ = "estado_programacion"
    __tablename__ = "programacion_metas"

    id: Mapped[int] = mapped_column(primary_key=True)
    convenio_id: Mapped[int] = mapped_column(sa.ForeignKey("convenio.id"), index=True)
    anio: Mapped[int]

    convenio: Mapped[Convenio] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("convenio_id", "anio"),)

    @property
    def aprobada(self) -> bool:
        """Approved goals are locked: the Anexo 4 reads them as its programmed values."""
        return self.estado is EstadoReporte.aprobado


class Meta(TimestampMixin, db.Model):
    """The goal of one IdG of a convenio for a year (`semestre` ANUAL) or one of its semesters.

    `valor` is the goal in force; `valor_original` the one first approved, kept when an
    approved reprogramming changes it (the Anexo 4, the ficha and the report show both).
    """

    __tablename__ = "meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    convenio_id: Mapped[int] = mapped_column(sa.ForeignKey("convenio.id"), index=True)
    indicador_id: Mapped[int] = mapped_column(sa.ForeignKey("indicador.id"), index=True)
    anio: Mapped[int]
    #: 0 = the annual goal, 1 or 2 = the semester's
    semestre: Mapped[int] = mapped_column(default=ANUAL, server_default="0")
    #: As in the Anexo 4 cells: a value, not applicable, no goal this semester
    estado: Mapped[EstadoCelda] = mapped_column(
        sa.Enum(EstadoCelda, name="estado_meta", native_enum=False, length=20),
        default=EstadoCelda.valor,
        server_default=EstadoCelda.valor.value,
    )
    valor: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    #: Value when first approved; kept when the goal is later reprogrammed
    valor_original: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))

    convenio: Mapped[Convenio] = relationship()
    indicador: Mapped[Indicador] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("convenio_id", "indicador_id", "anio", "semestre"),
        sa.CheckConstraint("semestre IN (0, 1, 2)", name="semestre_meta"),
    )

    @property
    def reprogramada(self) -> bool:
        """Whether the goal in force differs from the one first approved."""
        return self.valor_original is not None and self.valor != self.valor_original


class EstadoSolicitud(enum.Enum):
    """A reprogramming request waits for ODES, who approves or rejects it."""

    pendiente = "pendiente"
    aprobada = "aprobada"
    rechazada = "rechazada"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_SOLICITUD[self])


ETIQUETAS_SOLICITUD = {
    EstadoSolicitud.pendiente: N_("Pendiente"),
    EstadoSolicitud.aprobada: N_("Aprobada"),
    EstadoSolicitud.rechazada: N_("Rechazada"),
}


class CategoriaReprogramacion(enum.Enum):
    """Why an approved goal is asked to change."""

    adenda = "adenda"
    error_material = "error_material"
    contexto = "contexto"
    otra = "otra"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(ETIQUETAS_CATEGORIA[self])


ETIQUETAS_CATEGORIA = {
    CategoriaReprogramacion.adenda: N_("Adenda al convenio"),
    CategoriaReprogramacion.error_material: N_("Error material en la meta"),
    CategoriaReprogramacion.contexto: N_("Cambio de contexto (emergencia, presupuesto…)"),
    CategoriaReprogramacion.otra: N_("Otra"),
}


class Reprogramacion(TimestampMixin, db.Model):
    """A request to change an approved goal: its reason, category and optional adenda; ODES
    approves (the goal in force changes, the original stays) or rejects it."""

    __tablename__ = "reprogramacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    meta_id: Mapped[int] = mapped_column(sa.ForeignKey("meta.id"), index=True)
    valor_anterior: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    valor_nuevo: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    motivo: Mapped[str] = mapped_column(sa.Text)
    categoria: Mapped[CategoriaReprogramacion] = mapped_column(
        sa.Enum(
            CategoriaReprogramacion, name="categoria_reprogramacion", native_enum=False, length=20
        )
    )
    adenda_id: Mapped[int | None] = mapped_column(sa.ForeignKey("adenda.id"))
    estado: Mapped[EstadoSolicitud] = mapped_column(
        sa.Enum(EstadoSolicitud, name="estado_solicitud", native_enum=False, length=12),
        default=EstadoSolicitud.pendiente,
        index=True,
    )
    solicitada_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    resuelta_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    resuelta_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: ODES's reason when it rejects (or a note when it approves)
    motivo_resolucion: Mapped[str | None] = mapped_column(sa.Text)

    meta: Mapped[Meta] = relationship(lazy="joined")
    adenda: Mapped[Adenda | None] = relationship()


#: Labels of Reporte.origen.
ORIGENES_REPORTE = {
    "formulario": N_("Formulario"),
    "plantilla": N_("Plantilla Excel"),
    "importacion": N_("Importación"),
}


class Reporte(Revisable, TimestampMixin, db.Model):
    """The Anexo 4 of one convenio for one semester: programmed vs executed per IdG."""

    __estado_sql__ = "estado_reporte"
    __tablename__ = "reporte"

    id: Mapped[int] = mapped_column(primary_key=True)
    convenio_id: Mapped[int] = mapped_column(sa.ForeignKey("convenio.id"), index=True)
    periodo_id: Mapped[int] = mapped_column(sa.ForeignKey("periodo.id"), index=True)
    #: "formulario", "plantilla" or "importacion"
    origen: Mapped[str] = mapped_column(sa.String(20), default="formulario")

    convenio: Mapped[Convenio] = relationship(lazy="joined")
    periodo: Mapped[Periodo] = relationship(lazy="joined")
    aprobado_por = relationship("Usuario")
    lineas: Mapped[list[LineaReporte]] = relationship(
        back_populates="reporte",
        cascade="all, delete-orphan",
        order_by="LineaReporte.indicador_numero",
    )

    __table_args__ = (sa.UniqueConstraint("convenio_id", "periodo_id"),)

    @property
    def region(self) -> Region:
        """The region that reports."""
        return self.convenio.region

    @property
    def origen_texto(self) -> str:
        """How the report's figures arrived, as shown on screen ("Importación", not the code)."""
        return traducir(ORIGENES_REPORTE.get(self.origen, self.origen))

    @property
    def bloqueado(self) -> bool:
        """Approved reports are locked."""
        return self.estado is EstadoReporte.aprobado


class LineaReporte(db.Model):
    """One IdG of an Anexo 4: cell state, programmed and executed %, comment."""

    __tablename__ = "linea_reporte"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporte_id: Mapped[int] = mapped_column(sa.ForeignKey("reporte.id"), index=True)
    indicador_id: Mapped[int] = mapped_column(sa.ForeignKey("indicador.id"), index=True)
    #: Copy of the IdG number, to order lines without a join
    indicador_numero: Mapped[int]
    estado: Mapped[EstadoCelda] = mapped_column(
        sa.Enum(EstadoCelda, name="estado_celda", native_enum=False, length=20),
        default=EstadoCelda.valor,
    )
    programado: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    ejecutado: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    #: The counts behind `ejecutado` for a ratio IdG (ejecutado = numerador / denominador, in %)
    numerador: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    denominador: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    #: Programmed value when first approved (a later change keeps both)
    programado_original: Mapped[Decimal | None] = mapped_column(sa.Numeric(9, 2))
    #: Difficulties / comments; required when a value raises a warning
    comentario: Mapped[str | None] = mapped_column(sa.Text)
    #: Why the cell is not applicable / has no goal
    motivo_estado: Mapped[str | None] = mapped_column(sa.Text)
    #: Values rebuilt for the demo (not official) are marked
    reconstruido: Mapped[bool] = mapped_column(default=False)

    reporte: Mapped[Reporte] = relationship(back_populates="lineas")
    indicador: Mapped[Indicador] = relationship(lazy="joined")
    evidencias: Mapped[list[Evidencia]] = relationship(
        back_populates="linea", cascade="all, delete-orphan", order_by="Evidencia.id"
    )

    # A draft line may still lack its figures; submission requires them (services.anexo4).
    __table_args__ = (
        sa.UniqueConstraint("reporte_id", "indicador_id"),
        # A semester's cells (results, completeness, report) read straight from the index on
        # PostgreSQL (index-only scan) instead of scanning every line of every semester.
        sa.Index(
            "ix_linea_reporte_celdas",
            "reporte_id",
            postgresql_include=["indicador_id", "estado", "programado", "ejecutado"],
        ),
    )


class Evidencia(db.Model):
    """A verification file (medio de verificación) attached to an Anexo 4 line."""

    __tablename__ = "evidencia"

    id: Mapped[int] = mapped_column(primary_key=True)
    linea_id: Mapped[int] = mapped_column(sa.ForeignKey("linea_reporte.id"), index=True)
    #: Sanitised original name, shown and used for downloads
    nombre: Mapped[str] = mapped_column(sa.String(200))
    #: Random name on disk under the files folder (never user-controlled)
    archivo: Mapped[str] = mapped_column(sa.String(80), unique=True)
    tipo: Mapped[str] = mapped_column(sa.String(100))
    tamanio: Mapped[int]
    subido_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    subido_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)

    linea: Mapped[LineaReporte] = relationship(back_populates="evidencias")
