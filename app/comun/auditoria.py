"""Append-only audit log: who changed what, when, from which value to which, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.comun.base import ahora
from app.extensions import db


class Evento(db.Model):
    """One audited action on one object; rows are only ever inserted."""

    __tablename__ = "evento"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (UTC)
    creado_en: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=ahora, index=True
    )
    #: Who did it (None for the command line or the system)
    usuario_id: Mapped[int | None] = mapped_column(sa.ForeignKey("usuario.id"), index=True)
    #: Verb, e.g. "crear", "editar", "login_fallido"
    accion: Mapped[str] = mapped_column(sa.String(40))
    #: Object type and id, e.g. ("convenio", 3)
    objeto_tipo: Mapped[str] = mapped_column(sa.String(40))
    objeto_id: Mapped[int | None] = mapped_column(index=True)
    #: Values before and after (only the fields that changed)
    antes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    despues: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Reason given by the user, when the action requires one
    motivo: Mapped[str | None] = mapped_column(sa.Text)

    usuario = db.relationship("Usuario", lazy="joined")

    __table_args__ = (sa.Index("ix_evento_objeto", "objeto_tipo", "objeto_id"),)


def _valor_json(valor: Any) -> Any:
    """Turn dates, decimals and enums into JSON-friendly values."""
    if valor is None or isinstance(valor, (str, int, float, bool)):
        return valor
    if hasattr(valor, "value"):
        return valor.value
    if hasattr(valor, "isoformat"):
        return valor.isoformat()
    return str(valor)


def registrar_evento(
    accion: str,
    objeto_tipo: str,
    objeto_id: int | None,
    *,
    usuario_id: int | None = None,
    antes: dict[str, Any] | None = None,
    despues: dict[str, Any] | None = None,
    motivo: str | None = None,
) -> Evento:
    """Add an audit record to the session (the caller commits with its own change)."""
    evento = Evento(
        accion=accion,
        objeto_tipo=objeto_tipo,
        objeto_id=objeto_id,
        usuario_id=usuario_id,
        antes={k: _valor_json(v) for k, v in antes.items()} if antes else None,
        despues={k: _valor_json(v) for k, v in despues.items()} if despues else None,
        motivo=motivo,
    )
    db.session.add(evento)
    return evento


def registrar_eventos(
    accion: str, objeto_tipo: str, objeto_ids: list[int], *, usuario_id: int | None = None
) -> None:
    """`registrar_evento` for many objects at once (a bulk import): one batched INSERT."""
    if objeto_ids:
        momento = ahora()
        db.session.execute(
            sa.insert(Evento),
            [
                {
                    "creado_en": momento,
                    "accion": accion,
                    "objeto_tipo": objeto_tipo,
                    "objeto_id": i,
                    "usuario_id": usuario_id,
                }
                for i in objeto_ids
            ],
        )


def cambios(objeto: Any, datos: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apply datos to objeto and return (antes, despues) for the fields that actually changed."""
    antes: dict[str, Any] = {}
    despues: dict[str, Any] = {}
    for campo, nuevo in datos.items():
        viejo = getattr(objeto, campo)
        if viejo != nuevo:
            antes[campo] = viejo
            despues[campo] = nuevo
            setattr(objeto, campo, nuevo)
    return antes, despues


def sin_cambios(objeto: Any, datos: dict[str, Any]) -> bool:
    """True when writing datos to objeto would change nothing (`cambios` would record no event,
    so a reason typed for it would have nowhere to go)."""
    return all(getattr(objeto, campo) == valor for campo, valor in datos.items())


def historial(objeto_tipo: str, objeto_id: int) -> list[Evento]:
    """Return the audit records of one object, newest first."""
    return list(
        db.session.scalars(
            db.select(Evento)
            .filter_by(objeto_tipo=objeto_tipo, objeto_id=objeto_id)
            .order_by(Evento.creado_en.desc(), Evento.id.desc())
        )
    )


@dataclass(frozen=True)
class EventoLeido:
    """An audit record as one reader may see it (the stored row is never changed)."""

    creado_en: datetime
    usuario: Any
    accion: str
    antes: dict[str, Any] | None
    despues: dict[str, Any] | None
    motivo: str | None


def recortar(
    evento: Evento, conservar: Callable[[str, Any], bool], *, con_motivo: bool = True
) -> EventoLeido | None:
    """The event with only the changed fields conservar(name, value) keeps; None when it
    recorded fields and none of them is kept (the reader may not know the event happened)."""
    campos = [d for d in (evento.antes, evento.despues) if d]
    antes = {k: v for k, v in (evento.antes or {}).items() if conservar(k, v)}
    despues = {k: v for k, v in (evento.despues or {}).items() if conservar(k, v)}
    if campos and not antes and not despues:
        return None
    return EventoLeido(
        creado_en=evento.creado_en,
        usuario=evento.usuario,
        accion=evento.accion,
        antes=antes or None,
        despues=despues or None,
        motivo=evento.motivo if con_motivo else None,
    )


# On PostgreSQL the database itself refuses to change or delete audit rows (TRUNCATE, used only
# by the test suite to reset, is not a row operation). Migration 0003 installs the same objects.
SQL_FUNCION_SOLO_INSERCION = """
CREATE OR REPLACE FUNCTION evento_solo_insercion() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'El registro de auditoría es de solo inserción';
END;
$$ LANGUAGE plpgsql
"""
SQL_TRIGGER_SOLO_INSERCION = (
    "CREATE TRIGGER evento_solo_insercion BEFORE UPDATE OR DELETE ON evento "
    "FOR EACH ROW EXECUTE FUNCTION evento_solo_insercion()"
)
for _sql in (SQL_FUNCION_SOLO_INSERCION, SQL_TRIGGER_SOLO_INSERCION):
    sa.event.listen(Evento.__table__, "after_create", sa.DDL(_sql).execute_if(dialect="postgresql"))
