"""Convenio de Gestión with a regional government, and its adendas."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogo.models import ConjuntoIndicadores, Region
from app.extensions import db
from app.models.base import TimestampMixin


class EstadoConvenio(enum.Enum):
    """Life cycle of a convenio."""

    pendiente = "pendiente"
    suscrito = "suscrito"
    vencido = "vencido"
    resuelto = "resuelto"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return ETIQUETAS_ESTADO[self]


ETIQUETAS_ESTADO = {
    EstadoConvenio.pendiente: "Pendiente de suscripción",
    EstadoConvenio.suscrito: "Suscrito",
    EstadoConvenio.vencido: "Vencido",
    EstadoConvenio.resuelto: "Resuelto",
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
    #: Indicator set the convenio carries
    conjunto_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conjunto_indicadores.id"))
    #: Optimistic-locking counter
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region] = relationship(lazy="joined")
    conjunto: Mapped[ConjuntoIndicadores | None] = relationship()
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

    convenio: Mapped[Convenio] = relationship(back_populates="adendas")

    __table_args__ = (sa.UniqueConstraint("convenio_id", "numero"),)
