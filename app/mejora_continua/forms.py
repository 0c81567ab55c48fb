"""Forms of the mejora_continua module, one section per part."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.comun.campos import REQUERIDO, CampoNumerico
from app.comun.opciones import opciones
from app.mejora_continua.models.evaluaciones import Clasificacion, TipoItem
from app.mejora_continua.models.planes import (
    EstadoSeguimiento,
    FuncionResponsable,
    NivelCausa,
    NivelGobierno,
    Plazo,
    TipoFila,
)
from app.mejora_continua.models.programacion import MESES
from app.mejora_continua.services.planes import leer_importe

# --- Anexo 5 ---

VALOR_NO_VALIDO = _l("Seleccione opciones de la lista.")


class ItemEvaluacionForm(Form):
    """One conclusion or recommendation of the Anexo 5 (inside EvaluacionForm, no CSRF)."""

    item_id = HiddenField()
    tipo = SelectField(_l("Tipo"), choices=opciones((t.value, t.etiqueta) for t in TipoItem))
    texto = TextAreaField(
        _l("Texto"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    clasificacion = SelectField(
        _l("Clasificación"),
        choices=opciones(
            [("", _l("Sin clasificar (texto libre)"))]
            + [(c.value, c.etiqueta) for c in Clasificacion if c is not Clasificacion.otra]
            + [(Clasificacion.otra.value, Clasificacion.otra.etiqueta)]
        ),
        description=_l("Solo para conclusiones: lo que se afirma de las regiones nombradas."),
    )
    regiones = SelectMultipleField(
        _l("Regiones nombradas"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
    )
    responsable_drtpe = BooleanField(_l("G/DRTPE"))
    responsables = SelectMultipleField(
        _l("Unidades del MTPE responsables"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
    )
    quitar = BooleanField(_l("Quitar este ítem al guardar"))

    def datos(self) -> dict:
        """Return the item as plain data for services.evaluaciones.guardar_evaluacion."""
        item_id = (self.item_id.data or "").strip()
        return {
            "id": int(item_id) if item_id.isdecimal() and len(item_id) < 10 else None,
            "tipo": TipoItem(self.tipo.data),
            "texto": (self.texto.data or "").strip(),
            "clasificacion": Clasificacion(self.clasificacion.data)
            if self.clasificacion.data
            else None,
            "regiones": list(self.regiones.data or []),
            "responsable_drtpe": bool(self.responsable_drtpe.data),
            "responsables": list(self.responsables.data or []),
        }


class EvaluacionForm(FlaskForm):
    """The Anexo 5 of one IdG: verdict, items, and the version read (optimistic locking)."""

    veredicto = StringField(
        _l("Veredicto"),
        validators=[Optional(), Length(max=500, message=_l("Máximo 500 caracteres."))],
        description=_l("Una línea, tal como se imprimirá en el informe situacional."),
    )
    items = FieldList(FormField(ItemEvaluacionForm))
    version = HiddenField()


class IniciarEvaluacionForm(FlaskForm):
    """Start the draft Anexo 5 of one IdG and semester."""

    periodo = HiddenField()
    indicador_id = HiddenField()


class AccionEvaluacionForm(FlaskForm):
    """A bare action button (submit, approve, apply suggestions) with the version read."""

    version = HiddenField()


class MotivoEvaluacionForm(FlaskForm):
    """A required reason to return or reopen an Anexo 5."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=4000)],
        description=_l("La dirección proponente verá este texto."),
    )


# --- Programación ---


def _entero_o_nada(valor):
    """Coerce a select value to int, or None when empty (the service reports what is missing)."""
    try:
        return int(valor)
    except (TypeError, ValueError):
        return None


class ProgramaCapacidadesForm(FlaskForm):
    """Open the capacity-building programme of a year."""

    anio = IntegerField(
        _l("Año"),
        validators=[
            InputRequired(REQUERIDO),
            NumberRange(2000, 2100, _l("Año no válido.")),
        ],
    )
    nombre = StringField(
        _l("Nombre"),
        validators=[Optional(), Length(max=300, message=_l("Máximo 300 caracteres."))],
        description=_l(
            "Si lo deja vacío: «Programación Anual de Fortalecimiento "
            "de Capacidades a favor de las regiones» y el año."
        ),
    )


class ActividadForm(FlaskForm):
    """An MTPE activity of the programme, tied to one IdG."""

    indicador_id = SelectField(
        _l("Indicador de gestión"), coerce=_entero_o_nada, validate_choice=False
    )
    unidad_id = SelectField(
        _l("Unidad responsable"),
        coerce=_entero_o_nada,
        validate_choice=False,
        description=_l("Sus especialistas gestionan la actividad y registran su ejecución."),
    )
    numero = IntegerField(
        _l("N° de la actividad en el IdG"),
        validators=[Optional(), NumberRange(1, 99, _l("Entre 1 y 99."))],
        description=_l("Vacío: el siguiente número libre del indicador."),
    )
    nombre = TextAreaField(
        _l("Actividad"),
        validators=[
            DataRequired(_l("Escriba el nombre de la actividad.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )
    descripcion = TextAreaField(
        _l("Descripción"),
        validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))],
    )
    nota = TextAreaField(
        _l("Nota"), validators=[Optional(), Length(max=4000, message=_l("Máximo 4000 caracteres."))]
    )
    recomendacion_ids = SelectMultipleField(
        _l("Recomendaciones del Anexo 5 que implementa"),
        coerce=int,
        validate_choice=False,
        invalid_value_message=VALOR_NO_VALIDO,
        description=_l("Solo recomendaciones del mismo indicador de gestión."),
    )
    version = HiddenField()

    def datos(self) -> dict:
        """Return the activity as plain data for services.programacion."""
        return {
            "indicador_id": self.indicador_id.data,
            "unidad_id": self.unidad_id.data,
            "numero": self.numero.data,
            "nombre": self.nombre.data or "",
            "descripcion": self.descripcion.data,
            "nota": self.nota.data,
            "recomendacion_ids": list(self.recomendacion_ids.data or []),
        }


class ProgramarActividadForm(FlaskForm):
    """Regions and months of an activity (the grid's check boxes are read apart)."""

    detalle = TextAreaField(
        _l("Agregar desde el texto del documento"),
        validators=[Optional(), Length(max=8000, message=_l("Máximo 8000 caracteres."))],
        description=_l(
            "Como en el DETALLE de la matriz: «Cajamarca, Callao y Loreto "
            "(Abr); Ica (Feb y Set)». Se suma a lo marcado en la grilla."
        ),
    )
    motivo = StringField(
        _l("Motivo del cambio"),
        validators=[Optional(), Length(max=2000, message=_l("Máximo 2000 caracteres."))],
        description=_l("Obligatorio cuando la programación ya está aprobada."),
    )


class AccionProgramaForm(FlaskForm):
    """A bare action button (approve a programme)."""


class MotivoProgramaForm(FlaskForm):
    """A required reason to reopen an approved programme."""

    motivo = TextAreaField(
        _l("Motivo"),
        validators=[DataRequired(_l("Indique el motivo.")), Length(max=2000)],
    )


class EjecucionForm(FlaskForm):
    """Record that a planned run took place."""

    fecha = DateField(
        _l("Fecha de ejecución"),
        validators=[InputRequired(_l("Indique la fecha de ejecución."))],
    )
    participantes = IntegerField(
        _l("Participantes"),
        validators=[
            InputRequired(_l("Indique cuántas personas participaron.")),
            NumberRange(1, 100000, _l("Indique cuántas personas participaron (al menos 1).")),
        ],
    )
    observacion = TextAreaField(
        _l("Observación"),
        validators=[Optional(), Length(max=2000, message=_l("Máximo 2000 caracteres."))],
    )
    evidencia = FileField(
        _l("Evidencia (opcional)"),
        description=_l("Lista de asistencia, acta o informe: PDF, JPG, PNG, XLSX o DOCX."),
    )


class ReprogramacionForm(FlaskForm):
    """Move a planned run to another month, with a reason."""

    mes_nuevo = SelectField(
        _l("Nuevo mes"),
        coerce=_entero_o_nada,
        validate_choice=False,
        choices=opciones(
            [("", _l("Seleccione…"))]
            + [(numero, nombre.capitalize()) for numero, nombre in enumerate(MESES, start=1)]
        ),
    )
    motivo = TextAreaField(
        _l("Motivo de la reprogramación"),
        validators=[
            DataRequired(_l("Indique el motivo de la reprogramación.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )


class CancelacionForm(FlaskForm):
    """Cancel a planned run, with a reason."""

    motivo = TextAreaField(
        _l("Motivo de la cancelación"),
        validators=[
            DataRequired(_l("Indique el motivo de la cancelación.")),
            Length(max=2000, message=_l("Máximo 2000 caracteres.")),
        ],
    )


# --- Planes de mejora ---


PLAN_PLAN_NINGUNO = 0  # value of the "none" option of the optional selects


def _plan_texto(valor: str | None) -> str | None:
    """Strip a typed text; blank becomes None."""
    return (valor or "").strip() or None


def _plan_id(valor: int | None) -> int | None:
    """An optional select's id; the "none" option becomes None."""
    return valor or None


class ImportePlanField(CampoNumerico):
    """An amount typed as text ("8000", "8 000.00"); "-" or blank means none."""

    leer = staticmethod(leer_importe)

    def mostrar(self, valor):
        """Amounts are shown with two decimals."""
        return "" if valor is None else f"{valor:.2f}"


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
            "region_id": _plan_id(self.region_id.data),
            "periodo_evaluado": _plan_texto(self.periodo_evaluado.data),
            "metodologia": _plan_texto(self.metodologia.data),
            "equipo": _plan_texto(self.equipo.data),
            "observaciones": _plan_texto(self.observaciones.data),
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
            "nivel_cadena_valor": _plan_texto(self.nivel_cadena_valor.data),
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
            "nota": _plan_texto(self.nota.data),
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
            "causa_id": _plan_id(self.causa_id.data),
            "letra": (self.letra.data or "").strip().lower(),
            "numero": self.numero.data,
            "texto": self.texto.data.strip(),
            "priorizada": bool(self.priorizada.data),
            "texto_priorizado": _plan_texto(self.texto_priorizado.data),
            "plazo": Plazo(self.plazo.data) if self.plazo.data else None,
            "plazo_detalle": _plan_texto(self.plazo_detalle.data),
            "nota": _plan_texto(self.nota.data),
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
    nota = TextAreaField(_l("Nota"), validators=[Optional(), Length(max=2000)])

    def datos(self) -> dict:
        """Return the row's fields as plain data for the service."""
        return {
            "nivel": NivelGobierno(self.nivel.data),
            "tipo": TipoFila(self.tipo.data),
            "orden": self.orden.data or 0,
            "problema_id": _plan_id(self.problema_id.data),
            "objetivo": _plan_texto(self.objetivo.data),
            "indicador": _plan_texto(self.indicador.data),
            "linea_base": _plan_texto(self.linea_base.data),
            "meta": _plan_texto(self.meta_fila.data),
            "medio_verificacion": _plan_texto(self.medio_verificacion.data),
            "responsable_id": _plan_id(self.responsable_id.data),
            "nota": _plan_texto(self.nota.data),
        }


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
            "padre_id": _plan_id(self.padre_id.data),
            "actividad": self.actividad.data.strip(),
            "nivel": NivelGobierno(self.nivel.data) if self.nivel.data else None,
            "orden": self.orden.data or 0,
            "unidad_medida": _plan_texto(self.unidad_medida.data),
            "costo_unitario": self.costo_unitario.data,
            "cantidad": self.cantidad.data,
            "total_declarado": self.total_declarado.data,
            "especificacion_gasto": _plan_texto(self.especificacion_gasto.data),
            "no_determinado": bool(self.no_determinado.data),
            "moneda": _plan_texto(self.moneda.data) or "PEN",
            "nota": _plan_texto(self.nota.data),
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
            "unidad_id": _plan_id(self.unidad_id.data),
            "nota": _plan_texto(self.nota.data),
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
            "nota": _plan_texto(self.nota.data),
        }


class PlanEliminarForm(FlaskForm):
    """Confirm the deletion of a part of a plan."""

    confirmar = BooleanField(
        _l("Confirmo que deseo eliminar este elemento"),
        validators=[DataRequired(_l("Marque la casilla para confirmar la eliminación."))],
    )
