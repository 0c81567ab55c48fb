"""One base for the domain's refusals: a rule was broken and the user is told why, in Spanish.

Services raise a subclass named after their part (ErrorAnexo4, ErrorPlan, …) so a route catches
exactly what its service refuses; the message and the form field it belongs to travel with it.
A concurrent edit is not one of these: it is app/comun/concurrencia.py's single handler.
"""

from __future__ import annotations


class ErrorNegocio(ValueError):
    """A domain rule was broken; mensaje is shown to the user, next to campo when given."""

    def __init__(self, mensaje: str, campo: str | None = None):
        super().__init__(mensaje)
        self.mensaje = mensaje
        self.campo = campo
