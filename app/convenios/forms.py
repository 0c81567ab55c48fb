"""Forms of the convenio registry."""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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

from app.comun.campos import REQUERIDO, CampoNumerico
from app.comun.opciones import opciones
from app.convenios.models import (
    ETIQUETAS_CATEGORIA,
    ETIQUETAS_ESTADO,
    CategoriaReprogramacion,
    EstadoCelda,
    EstadoConvenio,
)


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


def leer_decimal(texto: str | None) -> Decimal | None:
    """Parse a percentage typed with a decimal point; raise ValueError with a Spanish message."""
    texto = (texto or "").strip().replace("%", "").strip()
    if not texto:
        return None
    if "," in texto:
        raise ValueError(_("Use punto decimal (por ejemplo 60.5), no coma."))
    try:
        valor = Decimal(texto)
    except InvalidOperation:
        raise ValueError(_("Escriba un número (por ejemplo 60 o 60.5).")) from None
    if not valor.is_finite():
        raise ValueError(_("Escriba un número (por ejemplo 60 o 60.5)."))
    if abs(valor) >= 10_000_000:  # the columns are NUMERIC(9, 2); quantize would fail too
        raise ValueError(_("El número es demasiado grande (máximo 9 999 999.99)."))
    return valor.quantize(Decimal("0.01"))


class PorcentajeField(CampoNumerico):
    """A percentage typed as text: accepts "60", "60.5", "-22", rejects commas with a message."""

    leer = staticmethod(leer_decimal)


def leer_conteo(texto: str | None) -> Decimal | None:
    """Parse a count (numerator or denominator of a ratio IdG); ValueError in Spanish.

    At most 2 decimals, never rounded: a count typed with more is a typing error.
    """
    texto = (texto or "").strip()
    if not texto:
        return None
    if "," in texto:
        raise ValueError(_("Use punto decimal (por ejemplo 12.5), no coma ni separador de miles."))
    try:
        valor = Decimal(texto)
    except InvalidOperation:
        raise ValueError(_("Escriba un número (por ejemplo 12 o 40).")) from None
    if not valor.is_finite():
        raise ValueError(_("Escriba un número (por ejemplo 12 o 40)."))
    if abs(valor) >= 1_000_000_000_000:  # the columns are NUMERIC(14, 2)
        raise ValueError(_("El número es demasiado grande (máximo 999 999 999 999.99)."))
    if valor != valor.quantize(Decimal("0.01")):
        raise ValueError(_("Escriba como máximo dos decimales."))
    return valor.quantize(Decimal("0.01"))


class ConteoField(CampoNumerico):
    """A count typed as text (numerator or denominator of a ratio IdG)."""

    leer = staticmethod(leer_conteo)


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


class ReporteForm(FlaskForm):
    """The Anexo 4 grid: one LineaForm per IdG, plus the version read (optimistic locking)."""

    lineas = FieldList(FormField(LineaForm))
    version = HiddenField()


class MotivoForm(FlaskForm):
    """A required reason (return, reopen)."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=4000)],
        description=_l("La región verá este texto."),
    )


class AccionForm(FlaskForm):
    """A bare action button (submit, approve): CSRF only."""


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


# --- Goals committed before the semester (services.metas) and the adenda's document ---------


def leer_meta(texto: str | None) -> Decimal | None:
    """Parse a goal typed with a decimal point or a decimal comma ("60.5", "60,5"); ValueError
    with a Spanish message. A thousands separator is refused, never guessed."""
    texto = (texto or "").strip().replace("%", "").strip()
    if "," in texto:
        if texto.count(",") > 1 or "." in texto:
            raise ValueError(
                _("Escriba la meta sin separador de miles (por ejemplo 1250.5 o 1250,5).")
            )
        texto = texto.replace(",", ".")
    return leer_decimal(texto)


class MetaField(CampoNumerico):
    """A goal typed as text: "60", "60.5" or "60,5"."""

    leer = staticmethod(leer_meta)


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


class AdendaDocumentoForm(AdendaForm):
    """Register an adenda with its signed document (a PDF checked by services.convenios)."""

    archivo = FileField(
        _l("Documento firmado (PDF)"),
        description=_l("Opcional. Se guarda con la adenda y se descarga desde el convenio."),
    )
