"""Forms of the capacity-building programme: programmes, activities and their runs."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones
from app.mejora_continua.forms.comun import VALOR_NO_VALIDO
from app.mejora_continua.models.programacion import MESES


def leer_anio(texto: str) -> int:
    """A year from the query string; ValueError (the parameter is ignored) if out of range."""
    anio = int(texto)
    if not 0 < anio < 10_000:  # SQLite can't even compare a huge int
        raise ValueError(texto)
    return anio


def _entero_o_nada(valor):
    """Coerce a select value to int, or None when empty or no id can be that large (the service
    reports what is missing; SQLite refuses to even compare an integer past 64 bits)."""
    try:
        numero = int(valor)
    except (TypeError, ValueError):
        return None
    return numero if -(2**31) <= numero < 2**31 else None


class ProgramaCapacidadesForm(FlaskForm):
    """Open the capacity-building programme of a year."""

    anio = IntegerField(
        _l("Año"),
        validators=[
            InputRequired(REQUERIDO),
            NumberRange(2000, 2100, _l("Año no válido.")),
        ],
    )
    nombre = StringField(
        _l("Nombre"),
        validators=[Optional(), Length(max=300, message=_l("Máximo 300 caracteres."))],
        description=_l(
            "Si lo deja vacío: «Programación Anual de Fortalecimiento "
            "de Capacidades a favor de las regiones» y el año."
        ),
    )


class ActividadForm(FlaskForm):
    """An MTPE activity of the programme, tied to one IdG."""

    indicador_id = SelectField(
        _l("Indicador de gestión"), coerce=_entero_o_nada, validate_choice=False
    )
    unidad_id = SelectField(
        _l("Unidad responsable"),
        coerce=_entero_o_nada,
        validate_choice=False,
        description=_l("Sus especialistas gestionan la actividad y registran su ejecución."),
    )
    numero = IntegerField(
        _l("N° de la actividad en el IdG"),
        validators=[Optional(), NumberRange(1, 99, _l("Entre 1 y 99."))],
        description=_l("Vacío: el siguiente número libre del indicador."),
    )
    nombre = TextAreaField(
        _l("Actividad"),
        validators=[
            DataRequired(_l("Escriba el nombre de la actividad.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )
    descripcion = TextAreaField(
        _l("Descripción"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    nota = TextAreaField(
        _l("Nota"), validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))]
    )
    recomendacion_ids = SelectMultipleField(
        _l("Recomendaciones del Anexo 5 que implementa"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
        description=_l("Solo recomendaciones del mismo indicador de gestión."),
    )
    #: The AMC plan action the new activity schedules (set by the plan's "Programar" button)
    accion_plan_id = HiddenField()
    version = HiddenField()

    def datos(self) -> dict:
        """Return the activity as plain data for services.programacion_actividades."""
        accion = (self.accion_plan_id.data or "").strip()
        return {
            "accion_plan_id": int(accion) if accion.isdecimal() else None,
            "indicador_id": self.indicador_id.data,
            "unidad_id": self.unidad_id.data,
            "numero": self.numero.data,
            "nombre": self.nombre.data or "",
            "descripcion": self.descripcion.data,
            "nota": self.nota.data,
            "recomendacion_ids": list(self.recomendacion_ids.data or []),
        }


class ProgramarActividadForm(FlaskForm):
    """Regions and months of an activity (the grid's check boxes are read apart)."""

    detalle = TextAreaField(
        _l("Agregar desde el texto del documento"),
        validators=[Optional(), Length(max=8000, message=_l("Máximo 8000 caracteres."))],
        description=_l(
            "Como en el DETALLE de la matriz: «Cajamarca, Callao y Loreto "
            "(Abr); Ica (Feb y Set)». Se suma a lo marcado en la grilla."
        ),
    )
    motivo = StringField(
        _l("Motivo del cambio"),
        validators=[Optional(), Length(max=2000, message=_l("Máximo 2000 caracteres."))],
        description=_l("Obligatorio cuando la programación ya está aprobada."),
    )


class AccionProgramaForm(FlaskForm):
    """A bare action button (approve a programme)."""


class MotivoProgramaForm(FlaskForm):
    """A required reason to reopen an approved programme."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=2000)],
    )


class EjecucionForm(FlaskForm):
    """Record that a planned run took place."""

    fecha = DateField(
        _l("Fecha de ejecución"),
        validators=[InputRequired(_l("Indique la fecha de ejecución."))],
    )
    participantes = IntegerField(
        _l("Participantes"),
        validators=[
            InputRequired(_l("Indique cuántas personas participaron.")),
            NumberRange(1, 100000, _l("Indique cuántas personas participaron (al menos 1).")),
        ],
    )
    observacion = TextAreaField(
        _l("Observación"),
        validators=[Optional(), Length(max=2000, message=_l("Máximo 2000 caracteres."))],
    )
    evidencia = FileField(
        _l("Evidencia (opcional)"),
        description=_l("Lista de asistencia, acta o informe: PDF, JPG, PNG, XLSX o DOCX."),
    )


class ReprogramacionForm(FlaskForm):
    """Move a planned run to another month, with a reason."""

    mes_nuevo = SelectField(
        _l("Nuevo mes"),
        coerce=_entero_o_nada,
        validate_choice=False,
        choices=opciones(
            [("", _l("Seleccione…"))]
            + [(numero, nombre.capitalize()) for numero, nombre in enumerate(MESES, start=1)]
        ),
    )
    motivo = TextAreaField(
        _l("Motivo de la reprogramación"),
        validators=[
            DataRequired(_l("Indique el motivo de la reprogramación.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )


class CancelacionForm(FlaskForm):
    """Cancel a planned run, with a reason."""

    motivo = TextAreaField(
        _l("Motivo de la cancelación"),
        validators=[
            DataRequired(_l("Indique el motivo de la cancelación.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )
