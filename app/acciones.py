"""One way to run a workflow step from a route: commit it, or roll back and say why."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db


def confirmar(
    paso: Callable[[], object],
    *,
    rechazo: type[Exception],
    exito: str,
    concurrencia: str,
) -> bool:
    """Run `paso` and commit, flashing `exito`; on a refusal (`rechazo`, whose `mensaje` is
    shown) or a concurrent change (optimistic locking) roll back and flash why. True if saved."""
    try:
        paso()
        db.session.commit()
    except rechazo as error:
        db.session.rollback()
        flash(error.mensaje, "error")
        return False
    except StaleDataError:
        db.session.rollback()
        flash(str(concurrencia), "error")
        return False
    flash(exito, "exito")
    return True
