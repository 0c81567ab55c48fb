"""What every catalogue write shares: the error a broken rule raises."""

from __future__ import annotations

from app.comun.errores import ErrorNegocio


class ErrorCatalogo(ErrorNegocio):
    """A catalogue rule was broken; the message is shown next to the field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje, campo)
