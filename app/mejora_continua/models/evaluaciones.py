"""Anexo 5: the proponent directorate's evaluation of one IdG in one semester."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.base import TimestampMixin
from app.comun.flujo import Revisable
from app.comun.i18n import N_, traducir
from app.convenios.models import Periodo
from app.extensions import db


class TipoItem(enum.Enum):
    """An evaluation item is a conclusion or a recommendation."""

    conclusion = "conclusion"
    recomendacion = "recomendacion"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return traducir(N_("Conclusión") if self is TipoItem.conclusion else N_("Recomendación"))


class Clasificacion(enum.Enum):
    """What a conclusion says of the regions it names (checked against the Anexo 4)."""

    cumplio_meta = "cumplio_meta"
    no_cumplio_meta = "no_cumplio_meta"
    sin_meta = "sin_meta"
    no_remitio = "no_remitio"
    no_aplica = "no_aplica"
    no_ejecuto = "no_ejecuto"
    otra = "otra"

    @property
    def etiqueta(self) -> str:
        """Spanish label."""
        return traducir(ETIQUETAS_CLASIFICACION[self])


ETIQUETAS_CLASIFICACION = {
    Clasificacion.cumplio_meta: N_("Cumplieron la meta"),
    Clasificacion.no_cumplio_meta: N_("No cumplieron la meta"),
    Clasificacion.sin_meta: N_("Sin meta programada en el semestre"),
    Clasificacion.no_remitio: N_("No remitieron la meta"),
    Clasificacion.no_aplica: N_("No aplica"),
    Clasificacion.no_ejecuto: N_("No ejecutaron acciones"),
    Clasificacion.otra: N_("Otra"),
}

#: Classifications that state a figure (the cell must have a value) and those that state none.
CON_VALOR = frozenset({Clasificacion.cumplio_meta, Clasificacion.no_cumplio_meta})
SIN_VALOR = frozenset({Clasificacion.sin_meta, Clasificacion.no_aplica, Clasificacion.no_remitio})
#: Classifications checked against the Anexo 4 (otra and None are free text).
CLASIFICADAS = CON_VALOR | SIN_VALOR | {Clasificacion.no_ejecuto}

item_region = sa.Table(
    "item_evaluacion_region",
    db.metadata,
    sa.Column("item_id", sa.ForeignKey("item_evaluacion.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("region_id", sa.ForeignKey("region.id"), primary_key=True, index=True),
)

item_responsable = sa.Table(
    "item_evaluacion_responsable",
    db.metadata,
    sa.Column("item_id", sa.ForeignKey("item_evaluacion.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unidad_id", sa.ForeignKey("unidad_mtpe.id"), primary_key=True, index=True),
)


class Evaluacion(Revisable, TimestampMixin, db.Model):
    """The Anexo 5 of one IdG and semester, written by the proponent unit; same review workflow
    as the Anexo 4 (app/comun/flujo.py): borrador → enviado → observado/aprobado."""

    __estado_sql__ = "estado_evaluacion"
    __tablename__ = "evaluacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicador_id: Mapped[int] = mapped_column(sa.ForeignKey("indicador.id"), index=True)
    periodo_id: Mapped[int] = mapped_column(sa.ForeignKey("periodo.id"), index=True)
    #: Unit that writes it (the IdG's proponent when created)
    unidad_id: Mapped[int] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    #: One-line verdict printed in the situational report
    veredicto: Mapped[str | None] = mapped_column(sa.Text)

    indicador: Mapped[Indicador] = relationship(lazy="joined")
    periodo: Mapped[Periodo] = relationship(lazy="joined")
    unidad: Mapped[UnidadMTPE] = relationship(lazy="joined")
    items: Mapped[list[ItemEvaluacion]] = relationship(
        back_populates="evaluacion",
        cascade="all, delete-orphan",
        order_by="(ItemEvaluacion.tipo, ItemEvaluacion.orden)",
    )

    __table_args__ = (sa.UniqueConstraint("indicador_id", "periodo_id"),)

    @property
    def conclusiones(self) -> list[ItemEvaluacion]:
        """The conclusion items in order."""
        return [i for i in self.items if i.tipo is TipoItem.conclusion]

    @property
    def recomendaciones(self) -> list[ItemEvaluacion]:
        """The recommendation items in order."""
        return [i for i in self.items if i.tipo is TipoItem.recomendacion]


class ItemEvaluacion(db.Model):
    """A conclusion or recommendation of an Anexo 5, naming regions and responsible parties."""

    __tablename__ = "item_evaluacion"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluacion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluacion.id", ondelete="CASCADE"), index=True
    )
    tipo: Mapped[TipoItem] = mapped_column(
        sa.Enum(TipoItem, name="tipo_item", native_enum=False, length=20)
    )
    orden: Mapped[int] = mapped_column(default=1)
    texto: Mapped[str] = mapped_column(sa.Text)
    #: For conclusions: what it states of the named regions (None = free text)
    clasificacion: Mapped[Clasificacion | None] = mapped_column(
        sa.Enum(Clasificacion, name="clasificacion", native_enum=False, length=20)
    )
    #: For recommendations: the regional labour bodies (G/DRTPE) must act
    responsable_drtpe: Mapped[bool] = mapped_column(default=False)

    evaluacion: Mapped[Evaluacion] = relationship(back_populates="items")
    regiones: Mapped[list[Region]] = relationship(secondary=item_region, order_by=Region.orden)
    #: General directorates before their bodies, so the string reads "DGDFSST-CONSSAT"
    responsables_mtpe: Mapped[list[UnidadMTPE]] = relationship(
        secondary=item_responsable, order_by=(UnidadMTPE.tipo, UnidadMTPE.sigla)
    )

    @property
    def responsable(self) -> str:
        """As the matrix prints it, e.g. "DRTPE/MTPE-DGNFECCL" or "MTPE/DGSNE"."""
        mtpe = "-".join(u.sigla for u in self.responsables_mtpe)
        if self.responsable_drtpe and mtpe:
            return f"DRTPE/MTPE-{mtpe}"
        if self.responsable_drtpe:
            return "DRTPE"
        return f"MTPE/{mtpe}" if mtpe else ""
