"""Catalogue edit forms (ODES)."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.catalogo.models import (
    ETIQUETAS_SENTIDO,
    ETIQUETAS_TIPO_VALOR,
    Sentido,
    TipoUnidad,
    TipoValor,
    normalizar,
)
from app.comun import numeros
from app.comun.campos import REQUERIDO, CampoNumerico
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


def leer_linea_base(texto: str | None) -> Decimal | None:
    """Parse a baseline typed with a decimal comma ("60,5") or point ("60.5") by the one rule
    for typed numbers (app/comun/numeros.py); ValueError in Spanish."""
    texto = (texto or "").strip().replace("%", "").strip()
    if not texto:
        return None
    try:
        valor = numeros.leer_numero(texto)
    except numeros.NumeroAmbiguo:
        raise ValueError(
            _("Escriba el número sin separador de miles (por ejemplo 1250,5).")
        ) from None
    except numeros.NoEsNumero:
        raise ValueError(_("Escriba un número (por ejemplo 60 o 60,5).")) from None
    if abs(valor) >= 1_000_000_000_000:  # the column is NUMERIC(14, 2)
        raise ValueError(_("El número es demasiado grande (máximo 999 999 999 999,99)."))
    if valor != valor.quantize(Decimal("0.01")):
        raise ValueError(_("Escriba como máximo dos decimales."))
    return valor.quantize(Decimal("0.01"))


class LineaBaseField(CampoNumerico):
    """A baseline typed as text, with a decimal comma or point."""

    leer = staticmethod(leer_linea_base)


class FichaIndicadorForm(FlaskForm):
    """The ficha técnica of an IdG: add one to a cycle or edit it."""

    numero = IntegerField(
        _l("Número"),
        validators=[InputRequired(REQUERIDO), NumberRange(1, 999, _l("Entre 1 y 999."))],
        description=_l("Su número dentro del ciclo (IdG 1, IdG 2, …); no puede repetirse."),
    )
    nombre = TextAreaField(
        _l("Nombre"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=1000, message=_l("Máximo 1000 caracteres.")),
        ],
    )
    viceministerio_id = SelectField(_l("Viceministerio"), coerce=int)
    proponente_id = SelectField(
        _l("Unidad proponente"),
        coerce=int,
        validators=[DataRequired(REQUERIDO)],
        description=_l("La dirección que lo propuso y que evalúa sus resultados (Anexo 5)."),
    )
    objetivo_id = SelectField(_l("Objetivo estratégico sectorial"), coerce=int)
    funcion_id = SelectField(_l("Función (art. 48 LOGR)"), coerce=int)
    servicio_id = SelectField(_l("Servicio público"), coerce=int)
    unidad_medida = StringField(
        _l("Unidad de medida"),
        validators=[DataRequired(REQUERIDO), Length(max=40, message=_l("Máximo 40 caracteres."))],
    )
    tipo_valor = SelectField(
        _l("Tipo de valor"),
        choices=opciones([(t.value, ETIQUETAS_TIPO_VALOR[t]) for t in TipoValor]),
        validators=[DataRequired(REQUERIDO)],
        description=_l("Los incrementos y variaciones pueden ser negativos o superar el 100 %."),
    )
    admite_negativo = BooleanField(_l("Admite valores negativos"))
    sentido = SelectField(
        _l("Sentido"),
        choices=opciones([(s.value, ETIQUETAS_SENTIDO[s]) for s in Sentido]),
        validators=[DataRequired(REQUERIDO)],
    )
    numerador = TextAreaField(
        _l("Numerador"),
        validators=[Optional(), Length(max=1000, message=_l("Máximo 1000 caracteres."))],
        description=_l(
            "Solo para un IdG de razón: qué se cuenta arriba. La región ingresará numerador y "
            "denominador y el sistema calculará el porcentaje."
        ),
    )
    denominador = TextAreaField(
        _l("Denominador"),
        validators=[Optional(), Length(max=1000, message=_l("Máximo 1000 caracteres."))],
        description=_l("Déjelo vacío, junto con el numerador, si el IdG no es una razón."),
    )
    requiere_evidencia = BooleanField(_l("Requiere evidencia (medio de verificación)"))
    linea_base = LineaBaseField(
        _l("Línea de base"),
        description=_l("Opcional. Acepta coma o punto decimal (por ejemplo 60,5)."),
    )

    def llenar_opciones(self, unidades, objetivos, funciones, servicios) -> None:
        """Fill the selects from the catalogue."""
        self.viceministerio_id.choices = opciones(
            [(0, "—")]
            + [
                (u.id, f"{u.sigla} — {u.nombre}")
                for u in unidades
                if u.tipo is TipoUnidad.viceministerio
            ]
        )
        self.proponente_id.choices = opciones(
            [(0, "—")] + [(u.id, f"{u.sigla} — {u.nombre}") for u in unidades]
        )
        self.objetivo_id.choices = opciones(
            [(0, "—")] + [(o.id, f"OES {o.numero}: {o.texto[:80]}") for o in objetivos]
        )
        self.funcion_id.choices = opciones(
            [(0, _l("No aplica."))] + [(f.id, f"{f.letra}) {f.texto[:80]}") for f in funciones]
        )
        self.servicio_id.choices = opciones(
            [(0, _l("No aplica."))] + [(s.id, s.nombre) for s in servicios]
        )

    def cargar(self, indicador) -> None:
        """Show an IdG's stored ficha (GET of the edit page)."""
        for campo in ("viceministerio_id", "objetivo_id", "funcion_id", "servicio_id"):
            getattr(self, campo).data = getattr(indicador, campo) or 0
        self.tipo_valor.data = indicador.tipo_valor.value
        self.sentido.data = indicador.sentido.value

    def datos(self) -> dict:
        """Return the ficha as plain data for the service (keys of services.CAMPOS_FICHA)."""
        return {
            "numero": self.numero.data,
            "nombre": self.nombre.data.strip(),
            "viceministerio_id": self.viceministerio_id.data or None,
            "proponente_id": self.proponente_id.data,
            "objetivo_id": self.objetivo_id.data or None,
            "funcion_id": self.funcion_id.data or None,
            "servicio_id": self.servicio_id.data or None,
            "unidad_medida": self.unidad_medida.data.strip(),
            "tipo_valor": TipoValor(self.tipo_valor.data),
            "admite_negativo": bool(self.admite_negativo.data),
            "sentido": Sentido(self.sentido.data),
            "numerador": (self.numerador.data or "").strip() or None,
            "denominador": (self.denominador.data or "").strip() or None,
            "requiere_evidencia": bool(self.requiere_evidencia.data),
            "linea_base": self.linea_base.data,
        }


class CicloForm(FlaskForm):
    """Open a new agreement cycle, optionally copying an earlier cycle's IdG set."""

    anio_inicio = IntegerField(
        _l("Primer año"),
        validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, _l("Año no válido."))],
    )
    anio_fin = IntegerField(
        _l("Último año"),
        validators=[InputRequired(REQUERIDO), NumberRange(2000, 2100, _l("Año no válido."))],
    )
    nombre = StringField(
        _l("Nombre"),
        validators=[Optional(), Length(max=80, message=_l("Máximo 80 caracteres."))],
        description=_l("Opcional; si lo deja vacío será «IdG» seguido del primer año."),
    )
    base_id = SelectField(
        _l("Copiar los IdG de"),
        coerce=int,
        description=_l(
            "El ciclo nuevo empieza con una copia de esos IdG, que luego puede editar sin "
            "tocar el ciclo original."
        ),
    )


class RetiroForm(FlaskForm):
    """Retire an IdG from a cycle's set: a required reason and a confirmation."""

    motivo = TextAreaField(
        _l("Motivo del retiro"),
        validators=[
            DataRequired(_l("Indique el motivo del retiro.")),
            Length(max=4000, message=_l("Máximo 4000 caracteres.")),
        ],
        description=_l("Queda en el historial del ciclo."),
    )
    confirmar = BooleanField(
        _l("Confirmo que deseo retirar este IdG del ciclo"),
        validators=[DataRequired(_l("Marque la casilla para confirmar el retiro."))],
    )


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
