"""Forms of the AMC plans: the heading, the diagnosis, the logic matrix and the organs, the
deletion of a part, and the choices every part's form offers (budget: planes_presupuesto)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.catalogo.queries import regiones
from app.comun.campos import REQUERIDO
from app.comun.opciones import opciones
from app.mejora_continua.forms.comun import id_o_nada, texto_o_nada
from app.mejora_continua.models.planes import (
    FuncionResponsable,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    Plazo,
    TipoFila,
)
from app.mejora_continua.models.programacion import nombre_mes
from app.mejora_continua.queries.planes import recorte, unidades_por_sigla


class PlanMejoraForm(FlaskForm):
    """Register or edit the heading data of an AMC plan."""

    titulo = TextAreaField(
        _l("Título"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=1000, message=_l("Máximo 1000 caracteres.")),
        ],
    )
    servicio_evaluado = StringField(
        _l("Servicio evaluado"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=200, message=_l("Máximo 200 caracteres.")),
        ],
    )
    sector = StringField(
        _l("Sector"),
        default="Ministerio de Trabajo y Promoción del Empleo",
        validators=[
            DataRequired(REQUERIDO),
            Length(max=200, message=_l("Máximo 200 caracteres.")),
        ],
    )
    region_id = SelectField(
        _l("Gobierno regional"),
        coerce=int,
        description=_l("Déjelo en «Plan nacional» si el plan no corresponde a una región."),
    )
    periodo_evaluado = StringField(
        _l("Periodo evaluado"),
        validators=[Optional(), Length(max=40, message=_l("Máximo 40 caracteres."))],
        description=_l("Por ejemplo 2014."),
    )
    anio = IntegerField(
        _l("Año de las acciones de corto plazo"),
        validators=[Optional(), NumberRange(2000, 2100, _l("Entre 2000 y 2100."))],
        description=_l("El año del cronograma del plan, por ejemplo 2015."),
    )
    metodologia = TextAreaField(
        _l("Metodología y normas"), validators=[Optional(), Length(max=4000)]
    )
    equipo = TextAreaField(
        _l("Equipo de trabajo técnico intergubernamental"),
        validators=[Optional(), Length(max=4000)],
    )
    observaciones = TextAreaField(
        _l("Observaciones sobre los datos"), validators=[Optional(), Length(max=8000)]
    )

    def datos(self) -> dict:
        """Return the plan's fields as plain data for the service."""
        return {
            "titulo": " ".join(self.titulo.data.split()),
            "servicio_evaluado": self.servicio_evaluado.data.strip(),
            "sector": self.sector.data.strip(),
            "region_id": id_o_nada(self.region_id.data),
            "periodo_evaluado": texto_o_nada(self.periodo_evaluado.data),
            "anio": self.anio.data,
            "metodologia": texto_o_nada(self.metodologia.data),
            "equipo": texto_o_nada(self.equipo.data),
            "observaciones": texto_o_nada(self.observaciones.data),
        }


class PlanProblemaForm(FlaskForm):
    """A problem of the diagnosis."""

    numero = IntegerField(
        _l("Número (P1, P2, …)"),
        validators=[InputRequired(REQUERIDO), NumberRange(1, 99, _l("Entre 1 y 99."))],
    )
    texto = TextAreaField(_l("Problema"), validators=[DataRequired(REQUERIDO), Length(max=4000)])
    nivel_cadena_valor = StringField(
        _l("Nivel en la cadena de valor"),
        validators=[Optional(), Length(max=120, message=_l("Máximo 120 caracteres."))],
    )

    def datos(self) -> dict:
        """Return the problem's fields as plain data for the service."""
        return {
            "numero": self.numero.data,
            "texto": self.texto.data.strip(),
            "nivel_cadena_valor": texto_o_nada(self.nivel_cadena_valor.data),
        }


_NIVELES_CAUSA = opciones((n.value, n.etiqueta) for n in NivelCausa)
_NIVELES_GOBIERNO = opciones((n.value, n.etiqueta) for n in NivelGobierno)


class PlanCausaForm(FlaskForm):
    """A cause of a problem at one level, keyed by letter."""

    problema_id = SelectField(_l("Problema"), coerce=int)
    nivel = SelectField(_l("Nivel"), choices=_NIVELES_CAUSA)
    letra = StringField(
        _l("Letra"),
        validators=[DataRequired(REQUERIDO), Length(max=2, message=_l("Una o dos letras."))],
        description=_l("La letra con que el documento identifica la causa (a, b, …)."),
    )
    texto = TextAreaField(_l("Causa"), validators=[DataRequired(REQUERIDO), Length(max=4000)])
    nota = TextAreaField(_l("Nota sobre la fuente"), validators=[Optional(), Length(max=2000)])

    def datos(self) -> dict:
        """Return the cause's fields as plain data for the service."""
        return {
            "problema_id": self.problema_id.data,
            "nivel": NivelCausa(self.nivel.data),
            "letra": self.letra.data.strip().lower(),
            "texto": self.texto.data.strip(),
            "nota": texto_o_nada(self.nota.data),
        }


class PlanAlternativaForm(FlaskForm):
    """A solution alternative of a cause, with its prioritised flag and term."""

    problema_id = SelectField(_l("Problema"), coerce=int)
    nivel = SelectField(_l("Nivel"), choices=_NIVELES_CAUSA)
    causa_id = SelectField(
        _l("Causa a la que responde"),
        coerce=int,
        description=_l("Déjela en blanco si el documento no permite saberlo."),
    )
    letra = StringField(
        _l("Letra"),
        validators=[Optional(), Length(max=2, message=_l("Una o dos letras."))],
        description=_l("Si la deja en blanco se usa la letra de la causa."),
    )
    numero = IntegerField(
        _l("Número dentro de la letra"),
        default=1,
        validators=[InputRequired(REQUERIDO), NumberRange(1, 99, _l("Entre 1 y 99."))],
    )
    texto = TextAreaField(
        _l("Alternativa de solución"), validators=[DataRequired(REQUERIDO), Length(max=4000)]
    )
    priorizada = BooleanField(_l("Priorizada"))
    texto_priorizado = TextAreaField(
        _l("Texto en la selección priorizada"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Solo si la lista de alternativas priorizadas la redacta distinto."),
    )
    plazo = SelectField(
        _l("Plazo"), choices=opciones([("", "—")] + [(p.value, p.etiqueta) for p in Plazo])
    )
    plazo_detalle = StringField(
        _l("Plazo (detalle)"),
        validators=[Optional(), Length(max=80, message=_l("Máximo 80 caracteres."))],
        description=_l("Por ejemplo «Año 2015»."),
    )
    nota = TextAreaField(_l("Nota sobre la fuente"), validators=[Optional(), Length(max=2000)])

    def datos(self) -> dict:
        """Return the alternative's fields as plain data for the service."""
        return {
            "problema_id": self.problema_id.data,
            "nivel": NivelCausa(self.nivel.data),
            "causa_id": id_o_nada(self.causa_id.data),
            "letra": (self.letra.data or "").strip().lower(),
            "numero": self.numero.data,
            "texto": self.texto.data.strip(),
            "priorizada": bool(self.priorizada.data),
            "texto_priorizado": texto_o_nada(self.texto_priorizado.data),
            "plazo": Plazo(self.plazo.data) if self.plazo.data else None,
            "plazo_detalle": texto_o_nada(self.plazo_detalle.data),
            "nota": texto_o_nada(self.nota.data),
        }


class PlanFilaForm(FlaskForm):
    """A row of the logic matrix."""

    #: Form field → model attribute, where the names differ
    ATRIBUTOS = {"meta_fila": "meta"}

    nivel = SelectField(_l("Nivel de gobierno"), choices=_NIVELES_GOBIERNO)
    tipo = SelectField(
        _l("Nivel de objetivo"), choices=opciones((t.value, t.etiqueta) for t in TipoFila)
    )
    orden = IntegerField(
        _l("Orden"), default=0, validators=[Optional(), NumberRange(0, 9999, _l("Entre 0 y 9999."))]
    )
    problema_id = SelectField(_l("Problema al que responde"), coerce=int)
    objetivo = TextAreaField(_l("Objetivo"), validators=[Optional(), Length(max=4000)])
    indicador = TextAreaField(_l("Indicador"), validators=[Optional(), Length(max=4000)])
    linea_base = StringField(
        _l("Línea de base"),
        validators=[Optional(), Length(max=200, message=_l("Máximo 200 caracteres."))],
    )
    # "meta" is reserved by WTForms (form.meta), hence the field's name.
    meta_fila = StringField(
        _l("Meta"), validators=[Optional(), Length(max=200, message=_l("Máximo 200 caracteres."))]
    )
    medio_verificacion = StringField(
        _l("Medio de verificación"),
        validators=[Optional(), Length(max=300, message=_l("Máximo 300 caracteres."))],
    )
    responsable_id = SelectField(_l("Órgano responsable"), coerce=int)
    capacitacion = BooleanField(
        _l("Es una acción de asistencia técnica o capacitación"),
        description=_l("Se puede programar en el programa de desarrollo de capacidades."),
    )
    mes_inicio = SelectField(_l("Mes de inicio (cronograma)"), coerce=int)
    mes_fin = SelectField(_l("Mes de término (cronograma)"), coerce=int)
    nota = TextAreaField(_l("Nota"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meses = [(0, "—")] + [(m, nombre_mes(m)) for m in range(1, 13)]
        self.mes_inicio.choices = meses
        self.mes_fin.choices = meses

    def datos(self) -> dict:
        """Return the row's fields as plain data for the service."""
        return {
            "capacitacion": bool(self.capacitacion.data),
            "mes_inicio": self.mes_inicio.data or None,
            "mes_fin": self.mes_fin.data or None,
            "nivel": NivelGobierno(self.nivel.data),
            "tipo": TipoFila(self.tipo.data),
            "orden": self.orden.data or 0,
            "problema_id": id_o_nada(self.problema_id.data),
            "objetivo": texto_o_nada(self.objetivo.data),
            "indicador": texto_o_nada(self.indicador.data),
            "linea_base": texto_o_nada(self.linea_base.data),
            "meta": texto_o_nada(self.meta_fila.data),
            "medio_verificacion": texto_o_nada(self.medio_verificacion.data),
            "responsable_id": id_o_nada(self.responsable_id.data),
            "nota": texto_o_nada(self.nota.data),
        }


class PlanResponsableForm(FlaskForm):
    """An organ responsible for implementing or following up the plan."""

    nivel = SelectField(_l("Nivel de gobierno"), choices=_NIVELES_GOBIERNO)
    funcion = SelectField(
        _l("Función"), choices=opciones((f.value, f.etiqueta) for f in FuncionResponsable)
    )
    organo = StringField(
        _l("Órgano"),
        validators=[
            DataRequired(REQUERIDO),
            Length(max=200, message=_l("Máximo 200 caracteres.")),
        ],
    )
    unidad_id = SelectField(
        _l("Unidad del catálogo"),
        coerce=int,
        description=_l("Si el órgano es una unidad del MTPE registrada en el catálogo."),
    )
    nota = TextAreaField(_l("Nota"), validators=[Optional(), Length(max=2000)])

    def datos(self) -> dict:
        """Return the organ's fields as plain data for the service."""
        return {
            "nivel": NivelGobierno(self.nivel.data),
            "funcion": FuncionResponsable(self.funcion.data),
            "organo": self.organo.data.strip(),
            "unidad_id": id_o_nada(self.unidad_id.data),
            "nota": texto_o_nada(self.nota.data),
        }


class PlanEliminarForm(FlaskForm):
    """Confirm the deletion of a part of a plan."""

    confirmar = BooleanField(
        _l("Confirmo que deseo eliminar este elemento"),
        validators=[DataRequired(_l("Marque la casilla para confirmar la eliminación."))],
    )


def llenar_opciones(form: Any, plan: PlanMejora | None, actual: Any = None) -> None:
    """Fill the selects of a part's form with this plan's problems, causes, lines…"""
    ninguno = [(0, "—")]
    if hasattr(form, "region_id"):
        form.region_id.choices = [(0, _("Plan nacional (sin región)"))] + [
            (r.id, r.nombre) for r in regiones()
        ]
    if plan is None:
        return
    if hasattr(form, "problema_id"):
        problemas = [(p.id, f"{p.etiqueta}. {recorte(p.texto, 80)}") for p in plan.problemas]
        form.problema_id.choices = (ninguno if isinstance(form, PlanFilaForm) else []) + problemas
    if hasattr(form, "causa_id"):
        form.causa_id.choices = ninguno + [
            (c.id, f"{c.etiqueta}. {recorte(c.texto, 60)}")
            for p in plan.problemas
            for c in p.causas
        ]
    if hasattr(form, "padre_id"):
        form.padre_id.choices = [(0, _("— Es una actividad —"))] + [
            (linea.id, f"{linea.nivel.etiqueta}: {recorte(linea.actividad, 80)}")
            for linea in plan.lineas_principales
            if actual is None or linea.id != actual.id
        ]
    if hasattr(form, "responsable_id"):
        form.responsable_id.choices = ninguno + [
            (r.id, f"{r.organo} ({r.nivel.etiqueta})") for r in plan.responsables
        ]
    if hasattr(form, "unidad_id"):
        form.unidad_id.choices = ninguno + [
            (u.id, f"{u.sigla} — {u.nombre}") for u in unidades_por_sigla()
        ]
