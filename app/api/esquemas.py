# Over 400 lines: every read and write shape of the API in one place, as the OpenAPI document
# lists them; each schema is a few lines and most name the enums and schemas beside them.
"""The API's shapes (marshmallow): what each read answers and each write accepts. The OpenAPI
document is generated from them, and responses are serialised through them, so the document
and the answers cannot drift apart."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from app.catalogo.models import TipoRegion
from app.comun.flujo import EstadoReporte
from app.comun.i18n import N_
from app.convenios.models import EstadoCelda, EstadoConvenio

# marshmallow's own messages are English: the API answers in Spanish (docs/api.md).
for _campo, _mensajes in (
    (fields.Field, {"required": N_("Falta este dato."), "null": N_("No puede ser nulo.")}),
    (fields.Integer, {"invalid": N_("Debe ser un número entero.")}),
    (fields.Decimal, {"invalid": N_("Debe ser un número."), "special": N_("Número no válido.")}),
    (fields.String, {"invalid": N_("Debe ser un texto.")}),
    (fields.Boolean, {"invalid": N_("Debe ser verdadero o falso.")}),
    (fields.List, {"invalid": N_("Debe ser una lista.")}),
    (fields.Nested, {"type": N_("Debe ser un objeto.")}),
):
    _campo.default_error_messages = {**_campo.default_error_messages, **_mensajes}
Schema.error_messages = {
    "unknown": N_("Campo desconocido."),
    "type": N_("Debe ser un objeto JSON."),
}

#: The codes of a semester in URLs and filters, e.g. "2020-2" (II Semestre 2020).
PERIODO = validate.Regexp(r"^\d{4}-[12]$", error=N_("Use el código del semestre, p. ej. 2020-2."))
ENTERO_ID = validate.Range(min=1, max=2**31 - 1, error=N_("Fuera de rango."))


class Cifra(fields.Decimal):
    """A figure as exact decimal text ("61.37"): JSON numbers would lose the decimals."""

    def __init__(self, **kwargs):
        kwargs.pop("as_string", None)
        metadata = {"type": "string", "format": "decimal", **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, metadata=metadata, **kwargs)


class Momento(fields.DateTime):
    """A moment in ISO 8601 with its offset (stored in UTC; SQLite returns it without one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Error(Schema):
    """Every error answer."""

    codigo = fields.String(required=True, metadata={"description": "Código estable (docs/api.md)."})
    mensaje = fields.String(required=True, metadata={"description": "Explicación en castellano."})
    errores = fields.Dict(
        metadata={"description": "Errores por campo (o por IdG y campo), si los hay."}
    )


class Consulta(Schema):
    """Base of the query-string filters: unknown parameters are ignored."""

    class Meta:
        unknown = EXCLUDE


class Paginado(Consulta):
    """?pagina=&por_pagina= of every list."""

    pagina = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "Página, desde 1."},
    )
    por_pagina = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "Elementos por página (máximo 500)."},
    )


def pagina_de(esquema: type[Schema], nombre: str) -> type[Schema]:
    """The envelope of a paged list of `esquema`."""
    return Schema.from_dict(
        {
            "elementos": fields.List(fields.Nested(esquema), required=True),
            "total": fields.Integer(required=True, metadata={"description": "Elementos en total."}),
            "pagina": fields.Integer(required=True),
            "por_pagina": fields.Integer(required=True),
            "paginas": fields.Integer(required=True),
        },
        name=nombre,
    )


# ---- Catálogo -------------------------------------------------------------------------------


class Region(Schema):
    id = fields.Integer(required=True)
    codigo = fields.String(
        required=True, metadata={"description": "Código en URLs, p. ej. loreto."}
    )
    nombre = fields.String(required=True)
    nivel = fields.String(
        required=True,
        attribute="tipo.value",
        metadata={
            "description": "gobierno_regional, municipalidad_metropolitana, "
            "municipalidad_provincial o municipalidad_distrital."
        },
    )
    ubigeo = fields.String(allow_none=True, metadata={"description": "Código del INEI."})
    padre_id = fields.Integer(
        allow_none=True, metadata={"description": "Gobierno al que pertenece."}
    )
    organo = fields.String(allow_none=True, attribute="organo_sigla")
    macro_region = fields.String(allow_none=True)


class FiltroRegiones(Paginado):
    nivel = fields.String(validate=validate.OneOf([t.value for t in TipoRegion]))
    padre = fields.Integer(validate=ENTERO_ID)
    q = fields.String(
        validate=validate.Length(max=80), metadata={"description": "Parte del nombre."}
    )


class Unidad(Schema):
    id = fields.Integer(required=True)
    sigla = fields.String(required=True)
    nombre = fields.String(required=True)
    tipo = fields.String(required=True, attribute="tipo.value")
    padre_id = fields.Integer(allow_none=True)


class Objetivo(Schema):
    id = fields.Integer(required=True)
    numero = fields.Integer(required=True)
    texto = fields.String(required=True)


class Servicio(Schema):
    id = fields.Integer(required=True)
    codigo = fields.String(required=True)
    nombre = fields.String(required=True)


class Indicador(Schema):
    """An IdG with its ficha."""

    id = fields.Integer(required=True)
    numero = fields.Integer(required=True)
    nombre = fields.String(required=True)
    proponente = fields.String(
        required=True,
        attribute="proponente.sigla",
        metadata={"description": "Unidad del MTPE que lo propone y evalúa."},
    )
    unidad_medida = fields.String(required=True)
    tipo_valor = fields.String(required=True, attribute="tipo_valor.value")
    sentido = fields.String(required=True, attribute="sentido.value")
    admite_negativo = fields.Boolean(required=True)
    numerador = fields.String(allow_none=True)
    denominador = fields.String(allow_none=True)
    requiere_evidencia = fields.Boolean(required=True)
    linea_base = Cifra(allow_none=True)
    objetivo_id = fields.Integer(allow_none=True)
    servicio_id = fields.Integer(allow_none=True)
    funcion_id = fields.Integer(allow_none=True)


class Ciclo(Schema):
    id = fields.Integer(required=True)
    nombre = fields.String(required=True)
    anio_inicio = fields.Integer(required=True)
    anio_fin = fields.Integer(required=True)
    base_id = fields.Integer(allow_none=True, metadata={"description": "Ciclo del que se copió."})
    indicadores = fields.List(fields.Nested(Indicador), required=True)


# ---- Convenios y periodos -------------------------------------------------------------------


class Adenda(Schema):
    numero = fields.Integer(required=True)
    fecha = fields.Date(required=True)
    descripcion = fields.String(required=True)


class Convenio(Schema):
    id = fields.Integer(required=True)
    region_id = fields.Integer(required=True)
    region = fields.String(required=True, attribute="region.nombre")
    anio_inicio = fields.Integer(required=True)
    anio_fin = fields.Integer(required=True)
    estado = fields.String(required=True, attribute="estado.value")
    fecha_suscripcion = fields.Date(allow_none=True)
    ciclo_id = fields.Integer(required=True, attribute="conjunto_id")
    adendas = fields.List(fields.Nested(Adenda), required=True)


class FiltroConvenios(Paginado):
    anio = fields.Integer(
        validate=validate.Range(min=1900, max=9999),
        metadata={"description": "Convenios vigentes ese año."},
    )
    region = fields.Integer(validate=ENTERO_ID)
    estado = fields.String(validate=validate.OneOf([e.value for e in EstadoConvenio]))
    ciclo = fields.Integer(
        validate=ENTERO_ID, metadata={"description": "Id del ciclo (GET /ciclos)."}
    )


class Prorroga(Schema):
    region_id = fields.Integer(required=True)
    fecha_limite = fields.Date(required=True)


class Periodo(Schema):
    id = fields.Integer(required=True)
    codigo = fields.String(required=True, metadata={"description": "p. ej. 2020-2"})
    nombre = fields.String(required=True)
    anio = fields.Integer(required=True)
    semestre = fields.Integer(required=True)
    inicio = fields.Date(required=True)
    fin = fields.Date(required=True)
    fecha_limite_anexo4 = fields.Date(allow_none=True)
    fecha_cierre_anexo4 = fields.Date(allow_none=True)
    fecha_limite_anexo5 = fields.Date(allow_none=True)
    abierto = fields.Boolean(required=True)
    prorrogas = fields.List(
        fields.Nested(Prorroga),
        required=True,
        metadata={"description": "Plazos propios de una región (la suya, para una G/DRTPE)."},
    )


class Meta(Schema):
    indicador_id = fields.Integer(required=True)
    idg = fields.Integer(required=True, attribute="indicador.numero")
    anio = fields.Integer(required=True)
    semestre = fields.Integer(required=True, metadata={"description": "1 o 2; 0 = meta anual."})
    estado = fields.String(required=True, attribute="estado.value")
    valor = Cifra(allow_none=True, metadata={"description": "Meta vigente."})
    valor_original = Cifra(
        allow_none=True,
        metadata={"description": "Meta comprometida antes del semestre."},
    )


# ---- Anexo 4 --------------------------------------------------------------------------------


class Evidencia(Schema):
    id = fields.Integer(required=True)
    nombre = fields.String(required=True)
    tipo = fields.String(required=True, metadata={"description": "Tipo MIME."})
    tamanio = fields.Integer(required=True, metadata={"description": "Bytes."})


class ArchivoEvidencia(Schema):
    """The evidence file, as multipart/form-data (the web's types and size limit apply)."""

    archivo = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "PDF, imagen u hoja."},
    )


class Linea(Schema):
    id = fields.Integer(required=True)
    idg = fields.Integer(required=True, attribute="indicador_numero")
    indicador_id = fields.Integer(required=True)
    estado = fields.String(
        required=True,
        attribute="estado.value",
        metadata={"description": "valor, no_aplica, sin_meta o no_remitido."},
    )
    programado = Cifra(allow_none=True)
    ejecutado = Cifra(allow_none=True)
    numerador = Cifra(allow_none=True)
    denominador = Cifra(allow_none=True)
    programado_original = Cifra(allow_none=True)
    comentario = fields.String(allow_none=True)
    motivo_estado = fields.String(allow_none=True)
    cumplio = fields.Boolean(
        allow_none=True, metadata={"description": "Ejecutado ≥ programado; null sin meta."}
    )
    evidencias = fields.List(
        fields.Nested(Evidencia), required=True, metadata={"description": "Medios de verificación."}
    )


def _motivo_vigente(reporte) -> str | None:
    """The observation's reason while the report is observed (the web shows it only then)."""
    if isinstance(reporte, dict):
        estado, motivo = reporte.get("estado"), reporte.get("motivo_observacion")
    else:
        estado, motivo = reporte.estado, reporte.motivo_observacion
    return motivo if estado is EstadoReporte.observado else None


class Reporte(Schema):
    id = fields.Integer(required=True)
    periodo = fields.String(required=True, attribute="periodo.codigo")
    convenio_id = fields.Integer(required=True)
    region_id = fields.Integer(required=True, attribute="convenio.region_id")
    region = fields.String(required=True, attribute="convenio.region.nombre")
    estado = fields.String(
        required=True,
        attribute="estado.value",
        metadata={"description": "borrador, enviado, observado o aprobado."},
    )
    origen = fields.String(required=True)
    enviado_en = Momento(allow_none=True)
    aprobado_en = Momento(allow_none=True)
    motivo_observacion = fields.Function(
        lambda r: _motivo_vigente(r),
        allow_none=True,
        metadata={
            "type": "string",
            "nullable": True,
            "description": "Motivo de la observación, mientras el reporte está observado.",
        },
    )
    version = fields.Integer(
        required=True, metadata={"description": "Sube con cada cambio (la ETag la contiene)."}
    )


class ReporteDetalle(Reporte):
    lineas = fields.List(fields.Nested(Linea), required=True)
    advertencias = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={
            "description": "Por número de IdG: lo que debe explicarse en el comentario "
            "antes de enviar."
        },
    )
    editable = fields.Boolean(required=True)
    bloqueo = fields.String(
        allow_none=True, metadata={"description": "Por qué no se puede editar, si no se puede."}
    )


class FiltroReportes(Paginado):
    periodo = fields.String(
        validate=PERIODO, metadata={"description": "Por omisión, el más reciente."}
    )
    estado = fields.String(validate=validate.OneOf([e.value for e in EstadoReporte]))
    q = fields.String(
        validate=validate.Length(max=80), metadata={"description": "Parte del nombre de la región."}
    )


class NuevoReporte(Schema):
    periodo = fields.String(required=True, validate=PERIODO)


class Numero(fields.Field):
    """A figure as a JSON number or as text ("60.5", "60,5"): passed on as text to the web
    form's own field, which reads it (decimal comma included) and validates it."""

    default_error_messages = {"invalid": N_("Debe ser un número o un texto con un número.")}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise self.make_error("invalid")
        texto = str(value)
        if len(texto) > 30:
            raise self.make_error("invalid")
        return texto

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


def _numero(descripcion: str) -> Numero:
    return Numero(
        allow_none=True,
        metadata={
            "description": descripcion,
            "oneOf": [{"type": "number"}, {"type": "string", "maxLength": 30}],
        },
    )


class LineaEntrada(Schema):
    """One IdG row to save: the same fields as the web grid (decimal point or comma)."""

    class Meta:
        unknown = EXCLUDE

    idg = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    estado = fields.String(required=True, validate=validate.OneOf([e.value for e in EstadoCelda]))
    programado = _numero('Porcentaje: 60.5, "60.5" o "60,5".')
    ejecutado = _numero("Porcentaje (un IdG de razón lo calcula de sus conteos).")
    numerador = _numero("Conteo de arriba de un IdG de razón.")
    denominador = _numero("Conteo de abajo de un IdG de razón.")
    comentario = fields.String(allow_none=True, validate=validate.Length(max=4000))
    motivo_estado = fields.String(allow_none=True, validate=validate.Length(max=500))


class LineasEntrada(Schema):
    class Meta:
        unknown = EXCLUDE

    lineas = fields.List(
        fields.Nested(LineaEntrada), required=True, validate=validate.Length(min=1, max=1000)
    )


# ---- Cifras del semestre --------------------------------------------------------------------


class FiltroPeriodo(Consulta):
    periodo = fields.String(
        validate=PERIODO, metadata={"description": "Por omisión, el más reciente."}
    )


class FiltroCeldas(Paginado):
    periodo = fields.String(validate=PERIODO)
    region = fields.Integer(validate=ENTERO_ID)
    idg = fields.Integer(validate=validate.Range(min=1, max=1000))


class Celda(Schema):
    region_id = fields.Integer(required=True)
    region = fields.String(required=True)
    idg = fields.Integer(required=True)
    estado = fields.String(required=True)
    programado = Cifra(allow_none=True)
    ejecutado = Cifra(allow_none=True)
    cumplio = fields.Boolean(allow_none=True)


class Promedio(Schema):
    programado = Cifra(
        allow_none=True, as_string=True, metadata={"description": "Promedio exacto."}
    )
    ejecutado = Cifra(allow_none=True)
    programado_pct = fields.Integer(
        allow_none=True, metadata={"description": "Redondeado como lo imprime el informe."}
    )
    ejecutado_pct = fields.Integer(allow_none=True)
    n = fields.Integer(required=True, metadata={"description": "Celdas con valor promediadas."})
    veredicto = fields.String(
        allow_none=True,
        metadata={"description": "mayor, ligeramente_mayor, igual, ligeramente_menor o menor."},
    )


class PromedioIdg(Promedio):
    idg = fields.Integer(required=True)


class PromedioRegion(Promedio):
    region = fields.String(required=True)


class Resultados(Schema):
    periodo = fields.String(required=True)
    publicado = fields.Boolean(
        required=True,
        metadata={"description": "Con el informe publicado, las cifras son públicas."},
    )
    alcance = fields.String(
        required=True,
        metadata={
            "description": "todo, region, unidad o ninguno: la parte de las cifras que "
            "su token puede leer."
        },
    )
    por_idg = fields.List(fields.Nested(PromedioIdg), required=True)
    por_region = fields.List(fields.Nested(PromedioRegion), required=True)


class Completitud(Schema):
    periodo = fields.String(required=True)
    esperados = fields.Integer(required=True)
    a_tiempo = fields.Integer(required=True)
    tardios = fields.Integer(required=True)
    faltantes = fields.Integer(required=True)
    porcentaje_recibidos = Cifra(required=True)


class MetasAnio(Schema):
    convenio_id = fields.Integer(required=True)
    anio = fields.Integer(required=True)
    estado = fields.String(
        allow_none=True,
        metadata={"description": "Estado de la programación del año; null si no se abrió."},
    )
    metas = fields.List(fields.Nested(Meta), required=True)


# ---- Mejora continua ------------------------------------------------------------------------


class Item(Schema):
    id = fields.Integer(required=True)
    tipo = fields.String(
        required=True,
        attribute="tipo.value",
        metadata={"description": "conclusion o recomendacion."},
    )
    orden = fields.Integer(required=True)
    texto = fields.String(required=True)
    clasificacion = fields.Function(
        lambda i: i.clasificacion.value if i.clasificacion else None,
        allow_none=True,
        metadata={"type": "string", "nullable": True},
    )
    regiones = fields.Pluck(Region, "codigo", many=True, required=True)
    responsables_mtpe = fields.Pluck(Unidad, "sigla", many=True, required=True)
    responsable_drtpe = fields.Boolean(required=True)


class Evaluacion(Schema):
    id = fields.Integer(required=True)
    periodo = fields.String(required=True, attribute="periodo.codigo")
    idg = fields.Integer(required=True, attribute="indicador.numero")
    indicador_id = fields.Integer(required=True)
    unidad = fields.String(required=True, attribute="unidad.sigla")
    estado = fields.String(required=True, attribute="estado.value")
    veredicto = fields.String(allow_none=True)
    enviado_en = Momento(allow_none=True)
    aprobado_en = Momento(allow_none=True)
    items = fields.List(fields.Nested(Item), required=True)


class Programa(Schema):
    id = fields.Integer(required=True)
    anio = fields.Integer(required=True)
    nombre = fields.String(required=True)
    estado = fields.String(required=True, attribute="estado.value")
    aprobado_en = Momento(allow_none=True)


class Corrida(Schema):
    """One activity in one region and month, with its execution."""

    id = fields.Integer(required=True)
    region_id = fields.Integer(required=True)
    region = fields.String(required=True, attribute="region.nombre")
    mes = fields.Integer(required=True, metadata={"description": "Mes programado (1–12)."})
    mes_reprogramado = fields.Integer(allow_none=True)
    estado = fields.String(
        required=True,
        attribute="estado.value",
        metadata={"description": "programada, ejecutada, reprogramada o cancelada."},
    )
    fecha_ejecucion = fields.Date(allow_none=True)
    participantes = fields.Integer(allow_none=True)
    observacion = fields.String(allow_none=True)


class Actividad(Schema):
    id = fields.Integer(required=True)
    numero = fields.Integer(required=True)
    nombre = fields.String(required=True)
    descripcion = fields.String(allow_none=True)
    idg = fields.Integer(required=True, attribute="indicador.numero")
    unidad = fields.String(required=True, attribute="unidad.sigla")
    recomendaciones = fields.Pluck(
        Item,
        "id",
        many=True,
        required=True,
        metadata={"description": "Recomendaciones del Anexo 5 que atiende (ids)."},
    )
    corridas = fields.List(fields.Nested(Corrida), required=True)


class ProgramaDetalle(Programa):
    actividades = fields.List(fields.Nested(Actividad), required=True)
