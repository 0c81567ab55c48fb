"""The rows of Part B's tables of a plan (alignment, roles, indicators): add and change them,
audited on the plan like every other part, refused while the plan is approved."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.extensions import db
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.models.planes_diseno import RolPlan
from app.mejora_continua.services.planes import (
    ErrorPlan,
    auditar,
    editar_parte,
    exigir_editable,
)


def _validar(modelo: type, datos: dict[str, Any]) -> None:
    """A role row names at least one level's role (the other tables' texts are required)."""
    if modelo is RolPlan and not any(datos.get(n) for n in ("nacional", "regional", "local")):
        raise ErrorPlan(_("Escriba el rol de al menos un nivel de gobierno."), "nacional")


def crear(modelo: type, nombre: str):
    """The service that adds a row of `modelo` to a plan (returns no warnings)."""

    def crear_fila(plan: PlanMejora, datos: dict[str, Any], *, usuario_id: int | None) -> list:
        """Add a row of the table to the plan."""
        exigir_editable(plan)
        _validar(modelo, datos)
        fila = modelo(plan=plan, **datos)
        db.session.add(fila)
        db.session.flush()
        auditar(plan, "crear", f"{nombre} {fila.id}", usuario_id=usuario_id, despues=datos)
        return []

    return crear_fila


def editar(modelo: type, nombre: str):
    """The service that changes a row of `modelo` (returns no warnings)."""

    def editar_fila(
        plan: PlanMejora, fila: Any, datos: dict[str, Any], *, usuario_id: int | None
    ) -> list:
        """Change a row of the table."""
        exigir_editable(plan)
        _validar(modelo, datos)
        editar_parte(plan, fila, datos, f"{nombre} {fila.id}", usuario_id)
        return []

    return editar_fila
