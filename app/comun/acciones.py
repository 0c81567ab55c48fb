"""One way to run a workflow step from a route: commit it, or roll back and say why."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from app.extensions import db


def confirmar(paso: Callable[[], object], *, rechazo: type[Exception], exito: str) -> bool:
    """Run `paso` and commit, flashing `exito`; on a refusal (`rechazo`, whose `mensaje` is
    shown) roll back and flash why. True if saved.

    A concurrent change (optimistic locking) is not caught here: it reaches the app's handler
    (app/comun/concurrencia.py), which rolls back and shows the concurrency message.
    """
    try:
        paso()
        db.session.commit()
    except rechazo as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return False
    flash(exito, "exito")
    return True
