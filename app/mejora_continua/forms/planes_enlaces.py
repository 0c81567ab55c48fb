"""Forms of an AMC plan's links (its service, IdG and motivating recommendations)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField

from app.catalogo.models import Indicador, ServicioPublico
from app.mejora_continua.forms.comun import VALOR_NO_VALIDO
from app.mejora_continua.models.evaluaciones import ItemEvaluacion


class PlanEnlacesForm(FlaskForm):
    """The public service the plan is for, the IdG that measure it and the recommendations."""

    servicio_id = SelectField(_l("Servicio público"), coerce=int)
    indicador_ids = SelectMultipleField(
        _l("Indicadores de gestión que miden el servicio"),
        coerce=int,
        invalid_value_message=VALOR_NO_VALIDO,
    )
    recomendacion_ids = SelectMultipleField(
        _l("Recomendaciones del Anexo 5 que motivaron el plan"),
        coerce=int,
        invalid_value_message=VALOR_NO_VALIDO,
    )

    def llenar(
        self,
        servicios: list[ServicioPublico],
        indicadores: list[Indicador],
        recomendaciones: list[ItemEvaluacion],
    ) -> None:
        """Fill the choices from the catalogue and the Anexo 5."""
        self.servicio_id.choices = [(0, _("— Sin servicio del catálogo —"))] + [
            (s.id, s.nombre) for s in servicios
        ]
        self.indicador_ids.choices = [
            (i.id, f"IdG {i.numero} ({i.conjunto.nombre}) – {i.nombre}") for i in indicadores
        ]
        self.recomendacion_ids.choices = [
            (
                i.id,
                f"IdG {i.evaluacion.indicador.numero} · {i.evaluacion.periodo.nombre} · "
                f"{i.texto[:120]}",
            )
            for i in recomendaciones
        ]
