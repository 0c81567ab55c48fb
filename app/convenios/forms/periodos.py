"""Forms of the reporting semesters: a semester and a region's extension of its deadline."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones


class PeriodoForm(FlaskForm):
    """Create or edit a reporting semester."""

    anio = IntegerField(
        _l("Año"),
        validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, _l("Año no válido."))],
    )
    semestre = SelectField(_l("Semestre"), coerce=int, choices=opciones([(1, "I"), (2, "II")]))
    fecha_limite_anexo4 = DateField(
        _l("Fecha límite del Anexo 4"),
        validators=[Optional()],
        description=_l("Los reportes recibidos hasta esta fecha son oportunos."),
    )
    fecha_cierre_anexo4 = DateField(
        _l("Cierre del Anexo 4"),
        validators=[Optional()],
        description=_l("Después de esta fecha las regiones ya no pueden editar ni enviar."),
    )
    fecha_limite_anexo5 = DateField(_l("Fecha límite del Anexo 5"), validators=[Optional()])
    abierto = BooleanField(_l("Periodo abierto"), default=True)
    motivo = StringField(_l("Motivo del cambio"), validators=[Optional(), Length(max=500)])

    def datos(self) -> dict:
        """Return the period's fields as plain data for the service."""
        return {
            "anio": self.anio.data,
            "semestre": self.semestre.data,
            "fecha_limite_anexo4": self.fecha_limite_anexo4.data,
            "fecha_cierre_anexo4": self.fecha_cierre_anexo4.data,
            "fecha_limite_anexo5": self.fecha_limite_anexo5.data,
            "abierto": bool(self.abierto.data),
        }


class ProrrogaForm(FlaskForm):
    """Extend one region's Anexo 4 deadline for a semester."""

    region_id = SelectField(_l("Región"), coerce=int, validators=[DataRequired(REQUERIDO)])
    fecha_limite = DateField(_l("Nueva fecha límite"), validators=[InputRequired(REQUERIDO)])
    motivo = StringField(
        _l("Motivo"),
        validators=[DataRequired(REQUERIDO), Length(max=500, message=_l("Máximo 500 caracteres."))],
        description=_l("Queda en el historial del periodo y en la nota del informe."),
    )
