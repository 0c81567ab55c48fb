"""Forms of the budget of an AMC plan and of the follow-up of its actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.comun.campos import REQUERIDO, CampoNumerico
from app.comun.opciones import opciones
from app.mejora_continua.forms.comun import id_o_nada, texto_o_nada
from app.mejora_continua.models.planes import EstadoSeguimiento, NivelGobierno
from app.mejora_continua.services.planes_presupuesto import leer_importe


class ImportePlanField(CampoNumerico):
    """An amount typed as text ("8000", "8 000.00"); "-" or blank means none."""

    leer = staticmethod(leer_importe)

    def mostrar(self, valor):
        """Amounts are shown with two decimals."""
        return "" if valor is None else f"{valor:.2f}"


class PlanLineaForm(FlaskForm):
    """A budget line: an activity, or a cost line of an activity."""

    padre_id = SelectField(
        _l("Actividad a la que pertenece"),
        coerce=int,
        description=_l("Elija la actividad si esta es una línea de costo (Especialista, Break…)."),
    )
    actividad = TextAreaField(
        _l("Actividad o concepto"), validators=[DataRequired(REQUERIDO), Length(max=4000)]
    )
    nivel = SelectField(
        _l("Nivel de gobierno"),
        choices=opciones([("", "—")] + [(n.value, n.etiqueta) for n in NivelGobierno]),
        description=_l(
            "Obligatorio para una actividad; una línea de costo toma el de su actividad."
        ),
    )
    orden = IntegerField(
        _l("Orden"), default=0, validators=[Optional(), NumberRange(0, 9999, _l("Entre 0 y 9999."))]
    )
    unidad_medida = StringField(
        _l("Unidad de medida"),
        validators=[Optional(), Length(max=60, message=_l("Máximo 60 caracteres."))],
    )
    costo_unitario = ImportePlanField(_l("Costeo unitario"))
    cantidad = ImportePlanField(_l("Cantidad"))
    total_declarado = ImportePlanField(
        _l("Total"),
        description=_l(
            "Solo si no hay cantidad; con cantidad el total es costo unitario × cantidad."
        ),
    )
    especificacion_gasto = StringField(
        _l("Especificación del gasto"),
        validators=[Optional(), Length(max=30, message=_l("Máximo 30 caracteres."))],
        description=_l("Código del clasificador de gasto, por ejemplo 2.3.2.7.2.99."),
    )
    no_determinado = BooleanField(_l("Costo «No se ha determinado»"))
    moneda = StringField(
        _l("Moneda"),
        default="PEN",
        validators=[Optional(), Length(max=3, message=_l("Código de tres letras."))],
        description=_l("El documento 002 no indica moneda; se asume PEN (soles)."),
    )
    nota = TextAreaField(_l("Nota"), validators=[Optional(), Length(max=2000)])

    def datos(self) -> dict:
        """Return the line's fields as plain data for the service."""
        return {
            "padre_id": id_o_nada(self.padre_id.data),
            "actividad": self.actividad.data.strip(),
            "nivel": NivelGobierno(self.nivel.data) if self.nivel.data else None,
            "orden": self.orden.data or 0,
            "unidad_medida": texto_o_nada(self.unidad_medida.data),
            "costo_unitario": self.costo_unitario.data,
            "cantidad": self.cantidad.data,
            "total_declarado": self.total_declarado.data,
            "especificacion_gasto": texto_o_nada(self.especificacion_gasto.data),
            "no_determinado": bool(self.no_determinado.data),
            "moneda": texto_o_nada(self.moneda.data) or "PEN",
            "nota": texto_o_nada(self.nota.data),
        }


class PlanSeguimientoForm(FlaskForm):
    """Record the follow-up state of an action."""

    estado = SelectField(
        _l("Estado"),
        choices=opciones([("", "— Elija —")] + [(e.value, e.etiqueta) for e in EstadoSeguimiento]),
        validators=[DataRequired(_l("Elija el estado."))],
    )
    fecha = DateField(_l("Fecha"), validators=[InputRequired(_l("Indique la fecha."))])
    nota = TextAreaField(
        _l("Nota"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
        description=_l("Obligatoria si la acción no se implementó."),
    )

    def datos(self) -> dict:
        """Return the follow-up fields as plain data for the service."""
        return {
            "estado": EstadoSeguimiento(self.estado.data),
            "fecha": self.fecha.data,
            "nota": texto_o_nada(self.nota.data),
        }
