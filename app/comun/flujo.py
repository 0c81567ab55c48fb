"""The review workflow shared by the Anexo 4 (app.convenios) and the Anexo 5 (app.mejora_continua).

borrador → enviado → observado ↔ enviado → aprobado, and aprobado → observado when ODES reopens.
A reviewed object is a `Revisable` model: it carries `estado`, `enviado_en`, `aprobado_en`,
`aprobado_por_id`, `motivo_observacion` and a version counter. Each step here moves those
fields and audits the move; who may take a step and what must be complete first are each
annex's own rules (its services).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.comun.auditoria import registrar_evento
from app.comun.i18n import N_, traducir

_ETIQUETAS = {
    "borrador": N_("Borrador"),
    "enviado": N_("Enviado"),
    "observado": N_("Observado"),
    "aprobado": N_("Aprobado"),
}


class EstadoReporte(enum.Enum):
    """State of a reviewed annex (Anexo 4 report, Anexo 5 evaluation).

    Stored by value in the columns `reporte.estado` and `evaluacion.estado` (each column names
    its own SQL enum), so the class may live here without a migration.
    """

    borrador = "borrador"
    enviado = "enviado"
    observado = "observado"
    aprobado = "aprobado"

    @property
    def etiqueta(self) -> str:
        """Spanish label shown in the UI."""
        return traducir(_ETIQUETAS[self.value])


class Revisable:
    """The columns of a model that follows this workflow (Anexo 4, Anexo 5, the year's goals,
    the improvement plans), declared once, and its version counter: a save over a version
    another user changed meanwhile is refused (app/comun/concurrencia).

    The model names its state column's SQL enum in `__estado_sql__` (each table has its own).
    """

    __estado_sql__: str

    @declared_attr
    def estado(cls) -> Mapped[EstadoReporte]:
        """Where the object is in the workflow."""
        return mapped_column(
            sa.Enum(EstadoReporte, name=cls.__estado_sql__, native_enum=False, length=20),
            default=EstadoReporte.borrador,
            index=True,
        )

    #: First submission date (timeliness is measured on it)
    enviado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    aprobado_en: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    aprobado_por_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"))
    #: Reason of the last observation or reopening (shown to the author while observado)
    motivo_observacion: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        """The version counter SQLAlchemy checks and raises on every UPDATE."""
        return {"version_id_col": cls.__table__.c.version}


def enviar(objeto: Any, *, tipo: str, usuario_id: int, ahora: datetime) -> None:
    """Submit for review; the first submission date is kept (timeliness is measured on it)."""
    anterior = objeto.estado
    objeto.estado = EstadoReporte.enviado
    if objeto.enviado_en is None:
        objeto.enviado_en = ahora
    registrar_evento(
        "enviar",
        tipo,
        objeto.id,
        usuario_id=usuario_id,
        antes={"estado": anterior},
        despues={"estado": objeto.estado},
    )


def aprobar(
    objeto: Any,
    *,
    tipo: str,
    usuario_id: int | None,
    ahora: datetime,
    accion: str = "aprobar",
    detalle: dict[str, Any] | None = None,
) -> None:
    """Approve and lock: date, approver, no pending observation; audited as accion.

    detalle adds to the audit record what the annex wants kept with the approval (the cells
    of a bulk import, the contradictions of an Anexo 5…).
    """
    anterior = objeto.estado
    objeto.estado = EstadoReporte.aprobado
    objeto.aprobado_en = ahora
    objeto.aprobado_por_id = usuario_id
    objeto.motivo_observacion = None
    registrar_evento(
        accion,
        tipo,
        objeto.id,
        usuario_id=usuario_id,
        antes={"estado": anterior},
        despues={"estado": objeto.estado, **(detalle or {})},
    )


def devolver_a_observado(
    objeto: Any,
    *,
    tipo: str,
    accion: str,
    desde: EstadoReporte,
    motivo: str,
    aviso: str,
    usuario_id: int,
) -> None:
    """Move back to observado, showing aviso to the author; audited with the reason.

    Used to return a submitted annex (accion "observar") and to reopen an approved one
    ("reabrir").
    """
    objeto.estado = EstadoReporte.observado
    objeto.motivo_observacion = aviso
    registrar_evento(
        accion,
        tipo,
        objeto.id,
        usuario_id=usuario_id,
        antes={"estado": desde},
        despues={"estado": objeto.estado},
        motivo=motivo,
    )
