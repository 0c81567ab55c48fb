"""Forms of the Anexo 5: the evaluation with its items, and its workflow buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.comun.opciones import opciones
from app.mejora_continua.forms.comun import VALOR_NO_VALIDO
from app.mejora_continua.models.evaluaciones import Clasificacion, TipoItem


class ItemEvaluacionForm(Form):
    """One conclusion or recommendation of the Anexo 5 (inside EvaluacionForm, no CSRF)."""

    item_id = HiddenField()
    tipo = SelectField(_l("Tipo"), choices=opciones((t.value, t.etiqueta) for t in TipoItem))
    texto = TextAreaField(
        _l("Texto"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    clasificacion = SelectField(
        _l("Clasificación"),
        choices=opciones(
            [("", _l("Sin clasificar (texto libre)"))]
            + [(c.value, c.etiqueta) for c in Clasificacion if c is not Clasificacion.otra]
            + [(Clasificacion.otra.value, Clasificacion.otra.etiqueta)]
        ),
        description=_l("Solo para conclusiones: lo que se afirma de las regiones nombradas."),
    )
    regiones = SelectMultipleField(
        _l("Regiones nombradas"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
    )
    responsable_drtpe = BooleanField(_l("G/DRTPE"))
    responsables = SelectMultipleField(
        _l("Unidades del MTPE responsables"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
    )
    quitar = BooleanField(_l("Quitar este ítem al guardar"))

    def datos(self) -> dict:
        """Return the item as plain data for services.evaluaciones.guardar_evaluacion."""
        item_id = (self.item_id.data or "").strip()
        return {
            "id": int(item_id) if item_id.isdecimal() and len(item_id) < 10 else None,
            "tipo": TipoItem(self.tipo.data),
            "texto": (self.texto.data or "").strip(),
            "clasificacion": Clasificacion(self.clasificacion.data)
            if self.clasificacion.data
            else None,
            "regiones": list(self.regiones.data or []),
            "responsable_drtpe": bool(self.responsable_drtpe.data),
            "responsables": list(self.responsables.data or []),
        }


class EvaluacionForm(FlaskForm):
    """The Anexo 5 of one IdG: verdict, items, and the version read (optimistic locking)."""

    veredicto = StringField(
        _l("Veredicto"),
        validators=[Optional(), Length(max=500, message=_l("Máximo 500 caracteres."))],
        description=_l("Una línea, tal como se imprimirá en el informe situacional."),
    )
    items = FieldList(FormField(ItemEvaluacionForm))
    version = HiddenField()


class IniciarEvaluacionForm(FlaskForm):
    """Start the draft Anexo 5 of one IdG and semester."""

    periodo = HiddenField()
    indicador_id = HiddenField()


class AccionEvaluacionForm(FlaskForm):
    """A bare action button (submit, approve, apply suggestions) with the version read."""

    version = HiddenField()


class MotivoEvaluacionForm(FlaskForm):
    """A required reason to return or reopen an Anexo 5."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=4000)],
        description=_l("La dirección proponente verá este texto."),
    )
