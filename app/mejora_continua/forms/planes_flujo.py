"""Forms of the plan as a reviewed document: a prose section, and the workflow buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.comun.campos import REQUERIDO
from app.mejora_continua.services.planes_flujo import MAX_TEXTO_SECCION


class PlanSeccionForm(FlaskForm):
    """Edit the heading and text of one prose section of a plan."""

    titulo = StringField(
        _l("Título"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=300, message=_l("Máximo 300 caracteres.")),
        ],
    )
    texto = TextAreaField(
        _l("Texto"),
        validators=[
            DataRequired(REQUERIDO),
            Length(
                max=MAX_TEXTO_SECCION,
                message=_l("Máximo %(maximo)s caracteres.", maximo=MAX_TEXTO_SECCION),
            ),
        ],
        description=_l(
            "Separe los párrafos con una línea en blanco; escriba cada elemento de una lista "
            "en su propia línea, empezando con «- »."
        ),
    )
    version = HiddenField()

    def datos(self) -> dict:
        """Return the section's fields as plain data for the service."""
        texto = (self.texto.data or "").replace("\r\n", "\n").replace("\r", "\n")
        return {"titulo": self.titulo.data, "texto": texto}


class PlanAccionForm(FlaskForm):
    """A bare workflow button (send, approve) with the plan version it was read at."""

    version = HiddenField()


class PlanMotivoForm(FlaskForm):
    """A required reason to return (observe) or reopen a plan."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=4000)],
        description=_l("Queda en el historial del plan y se muestra en su página."),
    )
    version = HiddenField()
