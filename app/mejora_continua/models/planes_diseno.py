"""The structured tables of Part B of an AMC plan and its links to the convenio.

Alignment with the national policy objectives (11.2), roles by phase and level of government
(12), the indicator summary of the value chain (13), and the plan's links: the IdG that measure
its service and the Anexo 5 recommendations that motivated it. Figures are kept as printed
("42,7%", "51,6% (2009)", "08 Gobiernos Regionales"): they are the document's words, not values
the system computes with.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.comun.i18n import N_, traducir
from app.extensions import db


class FaseRol(enum.Enum):
    """Phase of the service's production in the roles table (section 12), in its order."""

    politica = "politica"
    planeamiento = "planeamiento"
    financiamiento = "financiamiento"
    ejecucion = "ejecucion"
    monitoreo = "monitoreo"

    @property
    def etiqueta(self) -> str:
        """As printed in the "FASES" column."""
        return traducir(ETIQUETAS_FASE[self])


ETIQUETAS_FASE = {
    FaseRol.politica: N_("POLÍTICA"),
    FaseRol.planeamiento: N_("PLANEAMIENTO"),
    FaseRol.financiamiento: N_("FINANCIAMIENTO"),
    FaseRol.ejecucion: N_("EJECUCIÓN"),
    FaseRol.monitoreo: N_("MONITOREO Y EVALUACIÓN"),
}

plan_indicador = sa.Table(
    "plan_indicador",
    db.metadata,
    sa.Column("plan_id", sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "indicador_id",
        sa.ForeignKey("indicador.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

plan_recomendacion = sa.Table(
    "plan_recomendacion",
    db.metadata,
    sa.Column("plan_id", sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "item_id",
        sa.ForeignKey("item_evaluacion.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class AlineamientoPlan(db.Model):
    """A row of an alignment table (11.2): a national objective's indicator, baseline and goals."""

    __tablename__ = "alineamiento_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    orden: Mapped[int] = mapped_column(default=0)
    #: The objective the rows are grouped under, as printed (one printed table per objective)
    objetivo: Mapped[str] = mapped_column(sa.Text)
    #: "N°" of the indicator in the national plan
    numero: Mapped[str | None] = mapped_column(sa.String(10))
    indicador: Mapped[str] = mapped_column(sa.Text)
    formula: Mapped[str | None] = mapped_column(sa.Text)
    fuente: Mapped[str | None] = mapped_column(sa.String(120))
    linea_base: Mapped[str | None] = mapped_column(sa.String(60))
    #: "Tendencia al 2021" (the first table only)
    tendencia: Mapped[str | None] = mapped_column(sa.String(60))
    #: An intermediate goal and its heading (e.g. "Meta 2016"), when the table has one
    meta_intermedia: Mapped[str | None] = mapped_column(sa.String(60))
    meta_final: Mapped[str | None] = mapped_column(sa.String(60))
    #: Column headings as printed, "|"-separated, for the year-bearing ones
    #: (e.g. "Línea de base (2012)|Meta 2016|Meta 2021")
    encabezados: Mapped[str | None] = mapped_column(sa.String(200))

    plan = relationship("PlanMejora", back_populates="alineamientos")


class RolPlan(db.Model):
    """A row of the roles table (12): what each level of government does in one phase."""

    __tablename__ = "rol_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    fase: Mapped[FaseRol] = mapped_column(
        sa.Enum(FaseRol, name="fase_rol", native_enum=False, length=20)
    )
    orden: Mapped[int] = mapped_column(default=0)
    nacional: Mapped[str | None] = mapped_column(sa.Text)
    regional: Mapped[str | None] = mapped_column(sa.Text)
    local: Mapped[str | None] = mapped_column(sa.Text)

    plan = relationship("PlanMejora", back_populates="roles")


class IndicadorResumenPlan(db.Model):
    """A row of the indicator summary (13): product, indicator, goal and each level's part."""

    __tablename__ = "indicador_resumen_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_mejora.id", ondelete="CASCADE"), index=True
    )
    orden: Mapped[int] = mapped_column(default=0)
    resultado_intermedio: Mapped[str | None] = mapped_column(sa.Text)
    producto: Mapped[str | None] = mapped_column(sa.Text)
    indicador: Mapped[str] = mapped_column(sa.Text)
    meta: Mapped[str | None] = mapped_column(sa.String(200))
    rol_nacional: Mapped[str | None] = mapped_column(sa.Text)
    rol_regional: Mapped[str | None] = mapped_column(sa.Text)
    rol_local: Mapped[str | None] = mapped_column(sa.Text)

    plan = relationship("PlanMejora", back_populates="indicadores_resumen")
