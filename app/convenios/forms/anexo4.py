"""Forms of the Anexo 4: the report's grid, its evidence files, its Excel template and the
bulk import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.comun.opciones import opciones
from app.convenios.forms.comun import ConteoField, PorcentajeField
from app.convenios.models import EstadoCelda


class LineaForm(Form):
    """One IdG row of the Anexo 4 grid (inside ReporteForm, no CSRF of its own)."""

    linea_id = HiddenField()
    estado = SelectField(_l("Estado"), choices=opciones((e.value, e.etiqueta) for e in EstadoCelda))
    programado = PorcentajeField(_l("Programado (%)"))
    ejecutado = PorcentajeField(_l("Ejecutado (%)"))
    #: Only a ratio IdG shows these (its ejecutado is computed from them)
    numerador = ConteoField(_l("Numerador"))
    denominador = ConteoField(_l("Denominador"))
    comentario = TextAreaField(
        _l("Dificultades / comentarios"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    motivo_estado = StringField(
        _l("Motivo (si no aplica)"),
        validators=[Optional(), Length(max=500, message=_l("Máximo 500 caracteres."))],
    )

    def datos(self) -> dict:
        """Return the line's fields as plain data for services.anexo4.guardar_lineas."""
        estado = EstadoCelda(self.estado.data)
        valor = estado is EstadoCelda.valor
        return {
            "estado": estado,
            "programado": self.programado.data if valor else None,
            "ejecutado": self.ejecutado.data if valor else None,
            "numerador": self.numerador.data if valor else None,
            "denominador": self.denominador.data if valor else None,
            "comentario": (self.comentario.data or "").strip() or None,
            "motivo_estado": (self.motivo_estado.data or "").strip() or None,
        }


def valores_de(linea) -> dict:
    """A saved line's values as the grid's row form holds them (the web's GET and the API)."""
    return {
        "estado": linea.estado.value,
        "programado": linea.programado,
        "ejecutado": linea.ejecutado,
        "numerador": linea.numerador,
        "denominador": linea.denominador,
        "comentario": linea.comentario,
        "motivo_estado": linea.motivo_estado,
    }


class ReporteForm(FlaskForm):
    """The Anexo 4 grid: one LineaForm per IdG, plus the version read (optimistic locking)."""

    lineas = FieldList(FormField(LineaForm))
    version = HiddenField()


class EvidenciaForm(FlaskForm):
    """Upload one evidence file (type and size are checked by services.evidencias)."""

    archivo = FileField(
        _l("Medio de verificación"),
        validators=[FileRequired(_l("Seleccione un archivo."))],
    )


class EliminarEvidenciaForm(FlaskForm):
    """Confirm the deletion of an evidence file (carries only the CSRF token)."""


class PlantillaForm(FlaskForm):
    """Upload the filled Anexo 4 template."""

    archivo = FileField(
        _l("Plantilla llena (.xlsx)"),
        validators=[FileRequired(_l("Seleccione la plantilla llena."))],
    )


class ImportarAnexo4Form(FlaskForm):
    """Upload a CSV or XLSX file with Anexo 4 cells (analysed before anything is written)."""

    archivo = FileField(
        _l("Archivo CSV o Excel"),
        validators=[
            FileRequired(_l("Seleccione un archivo.")),
            FileAllowed(["csv", "xlsx"], _l("Solo se admiten archivos .csv o .xlsx.")),
        ],
        description=(
            _l(
                "Una fila por región, IdG, año y semestre, con la cabecera "
                "region,idg,anio,semestre,estado,programado,ejecutado. Decimales con punto."
            )
        ),
    )


class ConfirmarImportacionForm(FlaskForm):
    """Confirm the previewed file, identified by the random token it was saved under."""

    # Only a random hex token travels to the browser, never a path.
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    nombre = HiddenField()
