"""What the convenios forms share: the numbers typed as text (a percentage, a count, a goal),
read by the one rule of app.comun.numeros (the Excel template and the bulk import use it too)
with a Spanish message on a typing error, and the bare action and reason forms."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.comun.campos import CampoNumerico
from app.comun.numeros import NoEsNumero, NumeroAmbiguo, leer_numero


def leer_texto_numero(texto: str, ejemplo: str, no_es_numero: str) -> Decimal:
    """The number of a text typed with a decimal point or comma, by the one rule of
    app.comun.numeros ("60,5" → 60.5, "1 200,5" → 1200.5); a thousands comma or point ("1,200",
    "1.200,5") may mean two numbers: refused (ValueError in Spanish, with `ejemplo`), never
    guessed; a text that is no number: ValueError(no_es_numero)."""
    try:
        valor = leer_numero(texto)
    except NumeroAmbiguo:
        raise ValueError(
            _(
                "Escriba el número sin separador de miles (por ejemplo %(ejemplo)s).",
                ejemplo=ejemplo,
            )
        ) from None
    except NoEsNumero:
        raise ValueError(no_es_numero) from None
    return valor


def leer_decimal(texto: str | None) -> Decimal | None:
    """Parse a percentage typed with a decimal point or comma ("60.5", "60,5"); raise
    ValueError with a Spanish message."""
    texto = (texto or "").strip().replace("%", "").strip()
    if not texto:
        return None
    valor = leer_texto_numero(
        texto, "1250.5 o 1250,5", _("Escriba un número (por ejemplo 60 o 60.5).")
    )
    if abs(valor) >= 10_000_000:  # the columns are NUMERIC(9, 2); quantize would fail too
        raise ValueError(_("El número es demasiado grande (máximo 9 999 999.99)."))
    return valor.quantize(Decimal("0.01"))


class PorcentajeField(CampoNumerico):
    """A percentage typed as text: "60", "60.5", "60,5", "-22"; a thousands separator is
    refused with a message."""

    leer = staticmethod(leer_decimal)


def leer_conteo(texto: str | None) -> Decimal | None:
    """Parse a count (numerator or denominator of a ratio IdG); ValueError in Spanish.

    At most 2 decimals, never rounded: a count typed with more is a typing error.
    """
    texto = (texto or "").strip()
    if not texto:
        return None
    valor = leer_texto_numero(texto, "1250 o 12,5", _("Escriba un número (por ejemplo 12 o 40)."))
    if abs(valor) >= 1_000_000_000_000:  # the columns are NUMERIC(14, 2)
        raise ValueError(_("El número es demasiado grande (máximo 999 999 999 999.99)."))
    if valor != valor.quantize(Decimal("0.01")):
        raise ValueError(_("Escriba como máximo dos decimales."))
    return valor.quantize(Decimal("0.01"))


class ConteoField(CampoNumerico):
    """A count typed as text (numerator or denominator of a ratio IdG)."""

    leer = staticmethod(leer_conteo)


def leer_meta(texto: str | None) -> Decimal | None:
    """Parse a goal typed with a decimal point or a decimal comma ("60.5", "60,5"); ValueError
    with a Spanish message. A thousands separator is refused, never guessed."""
    texto = (texto or "").strip().replace("%", "").strip()
    if texto.count(",") > 1 or ("," in texto and "." in texto):
        raise ValueError(_("Escriba la meta sin separador de miles (por ejemplo 1250.5 o 1250,5)."))
    return leer_decimal(texto)


class MetaField(CampoNumerico):
    """A goal typed as text: "60", "60.5" or "60,5"."""

    leer = staticmethod(leer_meta)


class MotivoForm(FlaskForm):
    """A required reason (return, reopen)."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=4000)],
        description=_l("La región verá este texto."),
    )


class AccionForm(FlaskForm):
    """A bare action button (submit, approve): CSRF only."""
