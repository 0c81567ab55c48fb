"""Forms of the goals committed before the semester (services.metas): the year's grid, its
opening and observation, and the reprogramming of an approved goal with ODES's decision."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.comun.opciones import opciones
from app.convenios.forms.comun import MetaField
from app.convenios.models import ETIQUETAS_CATEGORIA, CategoriaReprogramacion, EstadoCelda


def _id_o_nada(valor):
    """Coerce a select value to int, or None when empty or not a number (the view or the
    service says what is missing)."""
    try:
        return int(valor)
    except (TypeError, ValueError):
        return None


#: The states a goal may take (a goal is never "not sent": it is written or declared absent)
ESTADOS_META = (EstadoCelda.valor, EstadoCelda.no_aplica, EstadoCelda.sin_meta)


class CeldaMetaForm(Form):
    """One goal of the programming grid (an IdG's annual or semester goal), no CSRF of its own."""

    meta_id = HiddenField()
    estado = SelectField(
        _l("Estado"), choices=opciones((e.value, e.etiqueta) for e in ESTADOS_META)
    )
    programado = MetaField(_l("Meta"))


class ProgramacionMetasForm(FlaskForm):
    """The year's goals of a convenio: one CeldaMetaForm per goal, plus the version read."""

    metas = FieldList(FormField(CeldaMetaForm))
    version = HiddenField()


class AbrirProgramacionForm(FlaskForm):
    """Open a cycle's year for programming (ODES)."""

    ciclo = HiddenField()
    anio = HiddenField()


class ObservarMetasForm(FlaskForm):
    """Return the sent goals to the region with a reason (a directorate names its IdG)."""

    indicador_id = SelectField(_l("IdG observado"), coerce=_id_o_nada, validate_choice=False)
    motivo = TextAreaField(
        _l("Motivo"),
        validators=[
            DataRequired(_l("Indique el motivo de la observación; la región lo verá.")),
            Length(max=4000, message=_l("Máximo 4000 caracteres.")),
        ],
        description=_l("La región verá este texto."),
    )


class ReprogramacionForm(FlaskForm):
    """Ask to change an approved goal: new value, category, reason and (optionally) adenda."""

    meta_id = HiddenField()
    valor_nuevo = MetaField(
        _l("Nueva meta"),
        description=_l("Con punto o coma decimal (por ejemplo 40, 40.5 o 40,5)."),
    )
    categoria = SelectField(
        _l("Categoría"),
        choices=opciones((c.value, ETIQUETAS_CATEGORIA[c]) for c in CategoriaReprogramacion),
    )
    adenda_id = SelectField(
        _l("Adenda"),
        coerce=_id_o_nada,
        validate_choice=False,
        description=_l("Obligatoria si la categoría es «Adenda al convenio»."),
    )
    motivo = TextAreaField(
        _l("Motivo"),
        validators=[
            DataRequired(_l("Explique el motivo de la reprogramación.")),
            Length(max=4000, message=_l("Máximo 4000 caracteres.")),
        ],
        description=_l("La ODES lo lee para aprobar o rechazar la solicitud."),
    )


class ResolucionForm(FlaskForm):
    """ODES approves (with an optional note) or rejects (with a reason) a reprogramming."""

    solicitud_id = HiddenField()
    motivo = TextAreaField(
        _l("Motivo"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
