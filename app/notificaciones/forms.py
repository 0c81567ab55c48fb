"""Forms of the notifications: mark read, the e-mail preferences, retry an e-mail."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from app.notificaciones.models import TipoNotificacion


class AccionForm(FlaskForm):
    """A bare action button (mark all read, retry an e-mail): CSRF only."""


class LeerForm(FlaskForm):
    """Mark one notification read: its id travels in the form, not in the URL."""

    notificacion_id = HiddenField()

    def id_elegido(self) -> int | None:
        """The notification id sent, or None when it is not a plausible id."""
        texto = (self.notificacion_id.data or "").strip()
        return int(texto) if texto.isdecimal() and len(texto) < 10 else None


def campo_correo(tipo: TipoNotificacion) -> str:
    """Name of the checkbox of one kind in the preferences form."""
    return f"correo_{tipo.value}"


def preferencias_form(tipos: list[TipoNotificacion], **kwargs) -> FlaskForm:
    """The preferences form of a role: one "also by e-mail" checkbox per kind it receives."""

    class PreferenciasForm(FlaskForm):
        """E-mail on or off per kind of notification."""

    for tipo in tipos:
        setattr(
            PreferenciasForm,
            campo_correo(tipo),
            BooleanField(tipo.etiqueta, description=tipo.cuando),
        )
    return PreferenciasForm(**kwargs)
