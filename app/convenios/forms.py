"""Forms of the convenio registry."""

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.campos import CampoNumerico
from app.convenios.models import ETIQUETAS_ESTADO, EstadoCelda, EstadoConvenio
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


def leer_decimal(texto: str | None) -> Decimal | None:
    """Parse a percentage typed with a decimal point; raise ValueError with a Spanish message."""
    texto = (texto or "").strip().replace("%", "").strip()
    if not texto:
        return None
    if "," in texto:
        raise ValueError("Use punto decimal (por ejemplo 60.5), no coma.")
    try:
        valor = Decimal(texto)
    except InvalidOperation:
        raise ValueError("Escriba un número (por ejemplo 60 o 60.5).") from None
    if not valor.is_finite():
        raise ValueError("Escriba un número (por ejemplo 60 o 60.5).")
    return valor.quantize(Decimal("0.01"))


class PorcentajeField(CampoNumerico):
    """A percentage typed as text: accepts "60", "60.5", "-22", rejects commas with a message."""

    leer = staticmethod(leer_decimal)


class LineaForm(Form):
    """One IdG row of the Anexo 4 grid (inside ReporteForm, no CSRF of its own)."""

    linea_id = HiddenField()
    estado = SelectField("Estado", choices=opciones((e.value, e.etiqueta) for e in EstadoCelda))
    programado = PorcentajeField("Programado (%)")
    ejecutado = PorcentajeField("Ejecutado (%)")
    comentario = TextAreaField(
        "Dificultades / comentarios",
        validators=[Optional(), Length(max=4000, message="Máximo 4000 caracteres.")],
    )
    motivo_estado = StringField(
        "Motivo (si no aplica)",
        validators=[Optional(), Length(max=500, message="Máximo 500 caracteres.")],
    )

    def datos(self) -> dict:
        """Return the line's fields as plain data for services.anexo4.guardar_lineas."""
        estado = EstadoCelda(self.estado.data)
        return {
            "estado": estado,
            "programado": self.programado.data if estado is EstadoCelda.valor else None,
            "ejecutado": self.ejecutado.data if estado is EstadoCelda.valor else None,
            "comentario": (self.comentario.data or "").strip() or None,
            "motivo_estado": (self.motivo_estado.data or "").strip() or None,
        }


class ReporteForm(FlaskForm):
    """The Anexo 4 grid: one LineaForm per IdG, plus the version read (optimistic locking)."""

    lineas = FieldList(FormField(LineaForm))
    version = HiddenField()


class MotivoForm(FlaskForm):
    """A required reason (return, reopen)."""

    motivo = TextAreaField(
        "Motivo",
        validators=[DataRequired("Indique el motivo."), Length(max=4000)],
        description="La región verá este texto.",
    )


class AccionForm(FlaskForm):
    """A bare action button (submit, approve): CSRF only."""


class PeriodoForm(FlaskForm):
    """Create or edit a reporting semester."""

    anio = IntegerField(
        "Año", validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, "Año no válido.")]
    )
    semestre = SelectField("Semestre", coerce=int, choices=opciones([(1, "I"), (2, "II")]))
    fecha_limite_anexo4 = DateField(
        "Fecha límite del Anexo 4",
        validators=[Optional()],
        description="Los reportes recibidos hasta esta fecha son oportunos.",
    )
    fecha_cierre_anexo4 = DateField(
        "Cierre del Anexo 4",
        validators=[Optional()],
        description="Después de esta fecha las regiones ya no pueden editar ni enviar.",
    )
    fecha_limite_anexo5 = DateField("Fecha límite del Anexo 5", validators=[Optional()])
    abierto = BooleanField("Periodo abierto", default=True)
    motivo = StringField("Motivo del cambio", validators=[Optional(), Length(max=500)])

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


class EvidenciaForm(FlaskForm):
    """Upload one evidence file (type and size are checked by services.evidencias)."""

    archivo = FileField(
        "Medio de verificación",
        validators=[FileRequired("Seleccione un archivo.")],
    )


class EliminarEvidenciaForm(FlaskForm):
    """Confirm the deletion of an evidence file (carries only the CSRF token)."""


class PlantillaForm(FlaskForm):
    """Upload the filled Anexo 4 template."""

    archivo = FileField(
        "Plantilla llena (.xlsx)",
        validators=[FileRequired("Seleccione la plantilla llena.")],
    )


class ImportarAnexo4Form(FlaskForm):
    """Upload a CSV or XLSX file with Anexo 4 cells (analysed before anything is written)."""

    archivo = FileField(
        "Archivo CSV o Excel",
        validators=[
            FileRequired("Seleccione un archivo."),
            FileAllowed(["csv", "xlsx"], "Solo se admiten archivos .csv o .xlsx."),
        ],
        description=(
            "Una fila por región, IdG, año y semestre, con la cabecera "
            "region,idg,anio,semestre,estado,programado,ejecutado. Decimales con punto."
        ),
    )


class ConfirmarImportacionForm(FlaskForm):
    """Confirm the previewed file, identified by the random token it was saved under."""

    # Only a random hex token travels to the browser, never a path.
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    nombre = HiddenField()
