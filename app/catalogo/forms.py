"""Catalogue edit forms (ODES)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.catalogo.models import ETIQUETAS_TIPO_VALOR, TipoValor, normalizar
from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones

#: Length of RegionAlias.alias and of its normalised key.
ALIAS_MAX = 80


class RegionForm(FlaskForm):
    """Edit a region's labour body, macro-region and aliases."""

    organo_tipo = SelectField(
        _l("Tipo de órgano regional"),
        choices=opciones(
            [
                ("", "—"),
                ("Gerencia", _l("Gerencia (GRTPE)")),
                ("Dirección", _l("Dirección (DRTPE)")),
            ]
        ),
    )
    macro_region = StringField(_l("Macro región"), validators=[Optional(), Length(max=40)])
    aliases = TextAreaField(
        _l("Otras grafías del nombre"),
        description=_l("Una por línea. Se usan para reconocer la región en archivos importados."),
    )

    def datos(self) -> dict:
        """Return the region fields as plain data for the service."""
        tipo = self.organo_tipo.data or None
        return {
            "organo_tipo": tipo,
            "organo_sigla": {"Gerencia": "GRTPE", "Dirección": "DRTPE"}.get(tipo or ""),
            "macro_region": (self.macro_region.data or "").strip() or None,
        }

    def lista_aliases(self) -> list[str]:
        """Return the aliases typed, one per line."""
        return [a.strip() for a in (self.aliases.data or "").splitlines() if a.strip()]

    def validate_aliases(self, campo) -> None:
        """Refuse an alias longer than the catalogue keeps (80 characters, also once normalised)."""
        largos = [a for a in self.lista_aliases() if max(len(a), len(normalizar(a))) > ALIAS_MAX]
        if largos:
            raise ValidationError(
                _l(
                    "Cada grafía puede tener hasta %(maximo)s caracteres; "
                    "«%(alias)s…» tiene %(largo)s.",
                    maximo=ALIAS_MAX,
                    alias=largos[0][:30],
                    largo=len(largos[0]),
                )
            )


class UnidadForm(FlaskForm):
    """Edit an MTPE unit."""

    sigla = StringField(_l("Sigla"), validators=[DataRequired(REQUERIDO), Length(max=20)])
    nombre = StringField(_l("Nombre"), validators=[DataRequired(REQUERIDO), Length(max=200)])
    padre_id = SelectField(_l("Depende de"), coerce=int)

    def datos(self) -> dict:
        """Return the unit fields as plain data for the service."""
        return {
            "sigla": self.sigla.data.strip(),
            "nombre": self.nombre.data.strip(),
            "padre_id": self.padre_id.data or None,
        }


class IndicadorForm(FlaskForm):
    """Edit an indicator's texts and alignment."""

    nombre = TextAreaField(_l("Nombre"), validators=[DataRequired(REQUERIDO), Length(max=1000)])
    proponente_id = SelectField(_l("Unidad proponente"), coerce=int)
    objetivo_id = SelectField(_l("Objetivo estratégico sectorial"), coerce=int)
    funcion_id = SelectField(_l("Función (art. 48 LOGR)"), coerce=int)
    servicio_id = SelectField(_l("Servicio público"), coerce=int)
    unidad_medida = StringField(
        _l("Unidad de medida"), validators=[DataRequired(REQUERIDO), Length(max=40)]
    )
    tipo_valor = SelectField(
        _l("Tipo de valor"),
        choices=opciones([(t.value, ETIQUETAS_TIPO_VALOR[t]) for t in TipoValor]),
        description=_l("Los incrementos y variaciones pueden ser negativos o superar el 100 %."),
    )

    def datos(self) -> dict:
        """Return the indicator fields as plain data for the service."""
        tipo = TipoValor(self.tipo_valor.data)
        return {
            "nombre": self.nombre.data.strip(),
            "proponente_id": self.proponente_id.data,
            "objetivo_id": self.objetivo_id.data or None,
            "funcion_id": self.funcion_id.data or None,
            "servicio_id": self.servicio_id.data or None,
            "unidad_medida": self.unidad_medida.data.strip(),
            "tipo_valor": tipo,
            "admite_negativo": tipo is not TipoValor.porcentaje,
        }


class TextoCatalogoForm(FlaskForm):
    """Edit the official text of a catalogue entry (art. 48 function, OES, public service)."""

    texto = TextAreaField(
        _l("Texto oficial"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
        description=_l("Tal como figura en el documento oficial; el cambio queda en el historial."),
    )
