"""Forms of the convenio registry."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.convenios.models import ETIQUETAS_ESTADO, EstadoConvenio
from app.opciones import opciones

REQUERIDO = "Este campo es obligatorio."


class ConvenioForm(FlaskForm):
    """Register or edit a convenio."""

    region_id = SelectField("Gobierno regional", coerce=int, validators=[DataRequired(REQUERIDO)])
    anio_inicio = IntegerField(
        "Año inicial",
        validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, "Año no válido.")],
    )
    anio_fin = IntegerField(
        "Año final",
        validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, "Año no válido.")],
    )
    estado = SelectField(
        "Estado",
        choices=opciones([(e.value, ETIQUETAS_ESTADO[e]) for e in EstadoConvenio]),
        validators=[DataRequired(REQUERIDO)],
    )
    fecha_suscripcion = DateField(
        "Fecha de suscripción",
        validators=[Optional()],
        description="Obligatoria si el convenio está suscrito.",
    )
    documento = StringField(
        "Documento de referencia",
        validators=[Optional(), Length(max=200, message="Máximo 200 caracteres.")],
    )
    notas = TextAreaField(
        "Notas", validators=[Optional(), Length(max=4000, message="Máximo 4000 caracteres.")]
    )
    motivo = StringField(
        "Motivo del cambio",
        validators=[Optional(), Length(max=500, message="Máximo 500 caracteres.")],
        description="Queda registrado en el historial del convenio.",
    )
    version = HiddenField()

    def datos(self) -> dict:
        """Return the convenio fields as plain data for the service."""
        return {
            "region_id": self.region_id.data,
            "anio_inicio": self.anio_inicio.data,
            "anio_fin": self.anio_fin.data,
            "estado": EstadoConvenio(self.estado.data),
            "fecha_suscripcion": self.fecha_suscripcion.data,
            "documento": (self.documento.data or "").strip() or None,
            "notas": (self.notas.data or "").strip() or None,
        }


class AdendaForm(FlaskForm):
    """Register an adenda of a convenio."""

    fecha = DateField("Fecha", validators=[InputRequired(REQUERIDO)])
    descripcion = TextAreaField(
        "Descripción",
        validators=[DataRequired(REQUERIDO), Length(max=4000, message="Máximo 4000 caracteres.")],
    )
    documento = StringField(
        "Documento de referencia",
        validators=[Optional(), Length(max=200, message="Máximo 200 caracteres.")],
    )

    def datos(self) -> dict:
        """Return the adenda fields as plain data for the service."""
        return {
            "fecha": self.fecha.data,
            "descripcion": self.descripcion.data.strip(),
            "documento": (self.documento.data or "").strip() or None,
        }
