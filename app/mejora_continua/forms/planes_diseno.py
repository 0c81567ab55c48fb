"""Forms of the rows of Part B's tables of a plan: alignment (11.2), roles (12), indicators (13)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones
from app.mejora_continua.forms.comun import texto_o_nada
from app.mejora_continua.models.planes_diseno import FaseRol

_ORDEN = dict(default=0, validators=[Optional(), NumberRange(0, 9999, _l("Entre 0 y 9999."))])


def _corto(etiqueta, largo: int, **kwargs) -> StringField:
    """An optional short text field of at most `largo` characters."""
    return StringField(
        etiqueta,
        validators=[Optional(), Length(max=largo, message=_l("Máximo %(n)s caracteres.", n=largo))],
        **kwargs,
    )


def _largo(etiqueta, requerido: bool = False) -> TextAreaField:
    """A long text field (required or optional)."""
    primero = DataRequired(REQUERIDO) if requerido else Optional()
    return TextAreaField(etiqueta, validators=[primero, Length(max=4000)])


class PlanAlineamientoForm(FlaskForm):
    """A row of an alignment table (11.2): figures as printed."""

    orden = IntegerField(_l("Orden"), **_ORDEN)
    objetivo = _largo(_l("Objetivo (título de la tabla)"), requerido=True)
    numero = _corto(_l("N°"), 10)
    indicador = _largo(_l("Indicador"), requerido=True)
    formula = _largo(_l("Fórmula del indicador"))
    fuente = _corto(_l("Fuente"), 120)
    linea_base = _corto(_l("Línea de base"), 60, description=_l("Tal como se imprime: «42,7%»."))
    tendencia = _corto(_l("Tendencia"), 60)
    meta_intermedia = _corto(_l("Meta intermedia"), 60)
    meta_final = _corto(_l("Meta final"), 60)
    encabezados = _corto(
        _l("Encabezados de las columnas con año"),
        200,
        description=_l("Separados por «|», p. ej. «Línea de base (2012)|Meta 2016|Meta 2021»."),
    )

    def datos(self) -> dict:
        """Return the row as plain data for the service."""
        return {
            "orden": self.orden.data or 0,
            "objetivo": self.objetivo.data.strip(),
            "indicador": self.indicador.data.strip(),
            **{
                c: texto_o_nada(getattr(self, c).data)
                for c in (
                    "numero",
                    "formula",
                    "fuente",
                    "linea_base",
                    "tendencia",
                    "meta_intermedia",
                    "meta_final",
                    "encabezados",
                )
            },
        }


class PlanRolForm(FlaskForm):
    """A row of the roles table (12): one phase, each level's role."""

    fase = SelectField(_l("Fase"), choices=opciones((f.value, f.etiqueta) for f in FaseRol))
    orden = IntegerField(_l("Orden"), **_ORDEN)
    nacional = _largo(_l("Nacional (MTPE)"))
    regional = _largo(_l("Regional (G/DRTPE)"))
    local = _largo(_l("Local"))

    def datos(self) -> dict:
        """Return the row as plain data for the service."""
        return {
            "fase": FaseRol(self.fase.data),
            "orden": self.orden.data or 0,
            "nacional": texto_o_nada(self.nacional.data),
            "regional": texto_o_nada(self.regional.data),
            "local": texto_o_nada(self.local.data),
        }


class PlanIndicadorResumenForm(FlaskForm):
    """A row of the value chain's indicator table (13)."""

    ATRIBUTOS = {"meta_fila": "meta"}

    orden = IntegerField(_l("Orden"), **_ORDEN)
    resultado_intermedio = _largo(_l("Resultado intermedio"))
    producto = _largo(_l("Producto"))
    indicador = _largo(_l("Indicador"), requerido=True)
    # "meta" is reserved by WTForms (form.meta), hence the field's name.
    meta_fila = _corto(_l("Meta"), 200)
    rol_nacional = _largo(_l("Gobierno Nacional (MTPE)"))
    rol_regional = _largo(_l("Gobierno Regional (DRTPE)"))
    rol_local = _largo(_l("Gobierno Local"))

    def datos(self) -> dict:
        """Return the row as plain data for the service."""
        return {
            "orden": self.orden.data or 0,
            "indicador": self.indicador.data.strip(),
            "meta": texto_o_nada(self.meta_fila.data),
            **{
                c: texto_o_nada(getattr(self, c).data)
                for c in (
                    "resultado_intermedio",
                    "producto",
                    "rol_nacional",
                    "rol_regional",
                    "rol_local",
                )
            },
        }
