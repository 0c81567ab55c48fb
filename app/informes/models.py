"""The situational report of a semester, its generated PDF files and their build jobs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.comun.base import TimestampMixin, ahora
from app.comun.i18n import N_, traducir
from app.convenios.models import Periodo
from app.extensions import db


class EstadoInforme(enum.Enum):
    """A report is a draft for ODES until it is published for reviewers and the public."""

    borrador = "borrador"
    publicado = "publicado"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir({"borrador": N_("No publicado"), "publicado": N_("Publicado")}[self.value])


class Informe(TimestampMixin, db.Model):
    """The "Informe situacional" of one semester: narrative overrides and publication state."""

    __tablename__ = "informe"

    id: Mapped[int] = mapped_column(primary_key=True)
    periodo_id: Mapped[int] = mapped_column(sa.ForeignKey("periodo.id"), unique=True)
    estado: Mapped[EstadoInforme] = mapped_column(
        sa.Enum(EstadoInforme, name="estado_informe", native_enum=False, length=20),
        default=EstadoInforme.borrador,
        index=True,
    )
    #: Narrative sections that differ from the 2020 defaults (key → text)
    narrativa: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Year's motto printed in the page header (None = the builder's default)
    lema: Mapped[str | None] = mapped_column(sa.String(200))
    publicado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    publicado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    #: What the next version corrects (printed in it), required once a version was published
    nota_version: Mapped[str | None] = mapped_column(sa.Text)
    #: Optimistic-locking counter
    version: Mapped[int] = mapped_column(default=1)

    periodo: Mapped[Periodo] = relationship(lazy="joined")
    publicado_por = relationship("Usuario", foreign_keys=[publicado_por_id])
    archivos: Mapped[list[ArchivoInforme]] = relationship(
        back_populates="informe",
        order_by="ArchivoInforme.creado_en.desc(), ArchivoInforme.id.desc()",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def publicado(self) -> bool:
        """True while the report is published."""
        return self.estado is EstadoInforme.publicado

    @property
    def archivo_publicado(self) -> ArchivoInforme | None:
        """The file readers and the public download (None when unpublished)."""
        if not self.publicado:
            return None
        return next((a for a in self.archivos if a.publicado), None)

    @property
    def versiones_publicadas(self) -> list[ArchivoInforme]:
        """Every file ever published, newest version first: they stay downloadable."""
        publicadas = [a for a in self.archivos if a.publicado_en is not None]
        return sorted(publicadas, key=lambda a: a.numero_version or 0, reverse=True)

    def __repr__(self) -> str:
        return f"<Informe {self.periodo_id} {self.estado.value}>"


class ArchivoInforme(db.Model):
    """A generated PDF, stored once per data version and kind (final or BORRADOR preview)."""

    __tablename__ = "archivo_informe"

    id: Mapped[int] = mapped_column(primary_key=True)
    informe_id: Mapped[int] = mapped_column(sa.ForeignKey("informe.id"), index=True)
    #: sha256 of everything the file was built from (data, narrative, motto)
    version_datos: Mapped[str] = mapped_column(sa.String(64))
    #: Preview with unapproved data and a "BORRADOR" watermark; never publishable
    borrador: Mapped[bool] = mapped_column(default=False)
    #: Random name of the stored file (app/comun/almacenamiento, folder "informes")
    ruta: Mapped[str] = mapped_column(sa.String(80), unique=True)
    tamanio: Mapped[int]
    #: The file currently published (at most one per report)
    publicado: Mapped[bool] = mapped_column(default=False)
    #: When the file was first published (kept once set: a replaced version stays public)
    publicado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The report's version this file is (1, 2, …), set when a final file is built
    numero_version: Mapped[int | None]
    #: What this version corrects, as printed on its cover (None for the first)
    nota_version: Mapped[str | None] = mapped_column(sa.Text)
    creado_en: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=ahora)
    creado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))

    informe: Mapped[Informe] = relationship(back_populates="archivos")
    creado_por = relationship("Usuario", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("informe_id", "version_datos", "borrador"),)

    @property
    def version_corta(self) -> str:
        """First 12 hex digits of the data version, as shown to users."""
        return self.version_datos[:12]


class EstadoGeneracion(enum.Enum):
    """Progress of one build job."""

    pendiente = "pendiente"
    en_curso = "en_curso"
    terminado = "terminado"
    error = "error"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(
            {
                "pendiente": N_("En cola"),
                "en_curso": N_("En curso"),
                "terminado": N_("Terminado"),
                "error": N_("Error"),
            }[self.value]
        )


class GeneracionInforme(TimestampMixin, db.Model):
    """One request to build a report file: who asked, the queue job, the outcome, the file."""

    __tablename__ = "generacion_informe"

    id: Mapped[int] = mapped_column(primary_key=True)
    informe_id: Mapped[int] = mapped_column(sa.ForeignKey("informe.id"), index=True)
    borrador: Mapped[bool] = mapped_column(default=False)
    estado: Mapped[EstadoGeneracion] = mapped_column(
        sa.Enum(EstadoGeneracion, name="estado_generacion", native_enum=False, length=20),
        default=EstadoGeneracion.pendiente,
        index=True,
    )
    #: 0.0 … 1.0
    fraccion: Mapped[float] = mapped_column(default=0.0)
    mensaje: Mapped[str | None] = mapped_column(sa.String(200))
    #: What went wrong (shown to ODES) when estado = error
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: The stored file, once terminado
    archivo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("archivo_informe.id"))
    creado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    #: The queue job building the file (its progress is read from the job while it runs)
    tarea_id: Mapped[str | None] = mapped_column(sa.String(64))

    informe: Mapped[Informe] = relationship()
    archivo: Mapped[ArchivoInforme | None] = relationship()

    @property
    def activa(self) -> bool:
        """True while the job has not finished."""
        return self.estado in (EstadoGeneracion.pendiente, EstadoGeneracion.en_curso)
