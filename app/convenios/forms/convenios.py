"""Forms of the convenio registry: a convenio and its adendas."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones
from app.convenios.models import ETIQUETAS_ESTADO, EstadoConvenio


class ConvenioForm(FlaskForm):
    """Register or edit a convenio."""

    region_id = SelectField(
        _l("Gobierno regional"), coerce=int, validators=[DataRequired(REQUERIDO)]
    )
    conjunto_id = SelectField(
        _l("Ciclo"),
        coerce=int,
        validators=[DataRequired(REQUERIDO)],
        description=_l("El convenio reporta los IdG del ciclo y rige en sus años."),
    )
    estado = SelectField(
        _l("Estado"),
        choices=opciones([(e.value, ETIQUETAS_ESTADO[e]) for e in EstadoConvenio]),
        validators=[DataRequired(REQUERIDO)],
    )
    fecha_suscripcion = DateField(
        _l("Fecha de suscripción"),
        validators=[Optional()],
        description=_l("Obligatoria si el convenio está suscrito."),
    )
    documento = StringField(
        _l("Documento de referencia"),
        validators=[Optional(), Length(max=200, message=_l("Máximo 200 caracteres."))],
    )
    notas = TextAreaField(
        _l("Notas"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    motivo = StringField(
        _l("Motivo del cambio"),
        validators=[Optional(), Length(max=500, message=_l("Máximo 500 caracteres."))],
        description=_l("Queda registrado en el historial del convenio."),
    )
    version = HiddenField()

    def datos(self) -> dict:
        """Return the convenio fields as plain data for the service."""
        return {
            "region_id": self.region_id.data,
            "conjunto_id": self.conjunto_id.data,
            "estado": EstadoConvenio(self.estado.data),
            "fecha_suscripcion": self.fecha_suscripcion.data,
            "documento": (self.documento.data or "").strip() or None,
            "notas": (self.notas.data or "").strip() or None,
        }


class AdendaForm(FlaskForm):
    """Register an adenda of a convenio."""

    fecha = DateField(_l("Fecha"), validators=[InputRequired(REQUERIDO)])
    descripcion = TextAreaField(
        _l("Descripción"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=4000, message=_l("Máximo 4000 caracteres.")),
        ],
    )
    documento = StringField(
        _l("Documento de referencia"),
        validators=[Optional(), Length(max=200, message=_l("Máximo 200 caracteres."))],
    )

    def datos(self) -> dict:
        """Return the adenda fields as plain data for the service."""
        return {
            "fecha": self.fecha.data,
            "descripcion": self.descripcion.data.strip(),
            "documento": (self.documento.data or "").strip() or None,
        }


class AdendaDocumentoForm(AdendaForm):
    """Register an adenda with its signed document (a PDF checked by services.convenios)."""

    archivo = FileField(
        _l("Documento firmado (PDF)"),
        description=_l("Opcional. Se guarda con la adenda y se descarga desde el convenio."),
    )
