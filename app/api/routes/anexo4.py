"""The Anexo 4 through the API: a region's system starts its draft, saves lines and sends it;
every role reads the reports it may see. The writes go through the web's own form fields and
services: the same validation, warnings, workflow, audit and optimistic locking (ETag/If-Match
carries the report's version)."""

from __future__ import annotations

import json
from datetime import date

from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.api import esquemas
from app.api.comun import blueprint, etag_reporte, exigir_if_match, modificado, paginar
from app.api.errores import ErrorApi
from app.comun import calculos
from app.comun.base import ahora
from app.comun.concurrencia import EdicionConcurrente
from app.comun.roles import Rol, permitido
from app.convenios.acceso import lineas_visibles, puede_editar_reporte, puede_ver_reporte
from app.convenios.forms.anexo4 import LineaForm, valores_de
from app.convenios.models import Reporte
from app.convenios.queries import anexo4 as queries
from app.convenios.queries import convenios as convenios_queries
from app.convenios.queries import periodos as periodos_queries
from app.convenios.services import anexo4 as services
from app.convenios.services import evidencias as servicio_evidencias
from app.convenios.services.anexo4_lineas import advertencias
from app.extensions import db

bp = blueprint(
    "anexo4", "Anexo 4", "Anexo 4: reportes semestrales de las regiones, su llenado y envío."
)
LECTORES = (Rol.odes, Rol.drtpe, Rol.direccion)
RESPUESTAS_ESCRITURA = {
    404: "el reporte no existe o no está a su alcance",
    409: "regla del flujo: el reporte está bloqueado o aún no se puede enviar (se dice por qué)",
    412: "If-Match no coincide con la versión actual",
    422: "datos no válidos (errores por IdG y campo)",
    428: "falta If-Match",
}
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}
ETAG = {
    "ETag": {
        "description": "Versión del reporte: envíela en If-Match.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {"description": "Último cambio del reporte.", "schema": {"type": "string"}},
}


def escritura(vista):
    """Document a write on a report: If-Match and its error answers."""
    for codigo, texto in RESPUESTAS_ESCRITURA.items():
        vista = bp.alt_response(codigo, schema=esquemas.Error, description=texto)(vista)
    return bp.doc(parameters=[IF_MATCH])(vista)


def periodo_o_404(codigo: str | None):
    """The semester a code names (the newest without one), or a JSON 404."""
    periodo = (
        periodos_queries.periodo_exacto(codigo) if codigo else periodos_queries.ultimo_periodo()
    )
    if periodo is None:
        raise ErrorApi(404, codigo="periodo_desconocido")
    return periodo


def reporte_o_404(reporte_id: int) -> Reporte:
    """A report the token's user may see, or a JSON 404 (never a hint that it exists)."""
    reporte = db.session.get(Reporte, reporte_id)
    if reporte is None or not puede_ver_reporte(reporte, current_user):
        raise ErrorApi(404)
    return reporte


def detalle(reporte: Reporte) -> dict:
    """The report with the lines the reader may see, its warnings and whether it is editable."""
    queries.reporte_con_lineas(reporte.id)
    lineas = lineas_visibles(reporte, current_user)
    bloqueo = services.motivo_bloqueo(reporte, date.today())
    por_numero = {linea.id: linea.indicador_numero for linea in lineas}
    return {
        **{c: getattr(reporte, c) for c in ("id", "convenio_id", "origen", "version")},
        "periodo": reporte.periodo,
        "convenio": reporte.convenio,
        "estado": reporte.estado,
        "enviado_en": reporte.enviado_en,
        "aprobado_en": reporte.aprobado_en,
        "motivo_observacion": reporte.motivo_observacion,
        "lineas": [_linea(linea) for linea in lineas],
        "advertencias": {
            str(por_numero[linea_id]): mensajes
            for linea_id, mensajes in advertencias(reporte).items()
            if linea_id in por_numero
        },
        "editable": puede_editar_reporte(reporte, current_user) and bloqueo is None,
        "bloqueo": bloqueo,
    }


def _linea(linea) -> dict:
    """A line with whether it met its goal (calculos.cumplio)."""
    celda = calculos.Celda(
        None, linea.indicador_numero, linea.estado.value, linea.programado, linea.ejecutado
    )
    atributos = {
        (f.attribute or n).split(".")[0] for n, f in esquemas.Linea._declared_fields.items()
    }
    datos = {a: getattr(linea, a) for a in atributos if a != "cumplio"}
    datos["cumplio"] = calculos.cumplio(celda)
    datos["evidencias"] = list(linea.evidencias)
    return datos


def con_etag(reporte: Reporte, cuerpo: dict, estado: int = 200):
    """The report's body with its ETag (version and a hash of the body) and Last-Modified."""
    texto = json.dumps(esquemas.ReporteDetalle().dump(cuerpo), sort_keys=True, default=str)
    etiqueta = etag_reporte(reporte, texto.encode())
    return cuerpo, estado, {"ETag": etiqueta, "Last-Modified": modificado(reporte)}


@bp.route("/anexo4")
@bp.doc(summary="Anexos 4 de un semestre a su alcance")
@permitido(*LECTORES)
@bp.arguments(esquemas.FiltroReportes, location="query")
@bp.response(200, esquemas.pagina_de(esquemas.Reporte, "PaginaReportes"))
def reportes(args):
    """A semester's Anexo 4 reports the reader may see (a G/DRTPE: its own), by state."""
    periodo = periodo_o_404(args.get("periodo"))
    consulta = queries.consulta_reportes(
        periodo, current_user, estado=args.get("estado", ""), texto=args.get("q", "")
    )
    return paginar(consulta, args)


@bp.route("/anexo4", methods=["POST"])
@bp.doc(summary="Iniciar (o recuperar) el borrador del Anexo 4 de su región")
@permitido(Rol.drtpe)
@bp.arguments(esquemas.NuevoReporte)
@bp.response(201, esquemas.ReporteDetalle, headers=ETAG)
@bp.alt_response(
    409, schema=esquemas.Error, description="su región no tiene convenio para el semestre"
)
def iniciar(datos):
    """Start (or find) the region's draft Anexo 4 of a semester; answers it with its ETag."""
    periodo = periodo_o_404(datos["periodo"])
    convenio = convenios_queries.convenio_vigente(current_user.region_id, periodo.anio)
    if convenio is None:
        raise ErrorApi(
            409,
            "Su región no tiene un convenio suscrito que cubra este semestre.",
            codigo="sin_convenio",
        )
    try:
        reporte = services.obtener_o_crear_reporte(convenio, periodo, usuario_id=current_user.id)
    except services.ErrorAnexo4 as error:
        db.session.rollback()
        raise ErrorApi(409, error.mensaje, codigo="regla_de_negocio") from error
    db.session.commit()
    return con_etag(reporte, detalle(reporte), 201)


@bp.route("/anexo4/<int:reporte_id>")
@bp.doc(summary="Un Anexo 4 con sus líneas, advertencias y ETag")
@permitido(*LECTORES)
@bp.response(200, esquemas.ReporteDetalle, headers=ETAG)
def reporte(reporte_id: int):
    """One Anexo 4 with the lines the reader may see; its ETag is the one to send in If-Match."""
    reporte = reporte_o_404(reporte_id)
    return con_etag(reporte, detalle(reporte))


@bp.route("/anexo4/<int:reporte_id>/lineas", methods=["PUT"])
@bp.doc(summary="Guardar líneas del borrador (If-Match)")
@permitido(Rol.drtpe)
@bp.arguments(esquemas.LineasEntrada)
@bp.response(200, esquemas.ReporteDetalle, headers=ETAG)
@escritura
def guardar_lineas(datos, reporte_id: int):
    """Save lines of the region's draft (the IdG not sent keep their values), with If-Match."""
    reporte = reporte_o_404(reporte_id)
    if not puede_editar_reporte(reporte, current_user):
        raise ErrorApi(404)
    exigir_if_match(reporte)
    bloqueo = services.motivo_bloqueo(reporte, date.today())
    if bloqueo:
        raise ErrorApi(409, bloqueo, codigo="reporte_bloqueado")
    por_idg = {linea.indicador_numero: linea for linea in reporte.lineas}
    valores, errores = {}, {}
    for entrada in datos["lineas"]:
        linea = por_idg.get(entrada["idg"])
        if linea is None:
            errores[str(entrada["idg"])] = {"idg": ["Este IdG no está en el Anexo 4."]}
            continue
        if linea.id in valores:
            errores[str(entrada["idg"])] = {"idg": ["IdG repetido."]}
            continue
        form = _formulario(linea, entrada)
        if form.validate():
            valores[linea.id] = form.datos()
        else:
            errores[str(entrada["idg"])] = {k: list(v) for k, v in form.errors.items()}
    if errores:
        raise ErrorApi(422, errores=errores)
    try:
        revisiones = services.guardar_lineas(
            reporte, valores, usuario=current_user, hoy=date.today(), version=reporte.version
        )
    except EdicionConcurrente as error:
        db.session.rollback()
        raise ErrorApi(412) from error
    except services.ErrorAnexo4 as error:
        db.session.rollback()
        raise ErrorApi(409, error.mensaje, codigo="regla_de_negocio") from error
    idg_de = {linea.id: linea.indicador_numero for linea in reporte.lineas}
    errores = {str(idg_de[i]): r.errores for i, r in revisiones.items() if r.errores}
    if errores:
        db.session.rollback()
        raise ErrorApi(422, errores=errores)
    db.session.commit()
    return con_etag(reporte, detalle(reporte))


def _formulario(linea, entrada: dict) -> LineaForm:
    """The web grid's row form filled from the JSON line: the same parsing and validators."""
    actual = valores_de(linea)
    campos = {}
    for campo, valor in actual.items():
        nuevo = entrada[campo] if campo in entrada else valor
        campos[campo] = "" if nuevo is None else str(nuevo)
    campos["linea_id"] = str(linea.id)
    return LineaForm(formdata=MultiDict(campos))


@bp.route("/anexo4/<int:reporte_id>/lineas/<int:idg>/evidencias", methods=["POST"])
@bp.doc(summary="Adjuntar un medio de verificación a una línea del borrador")
@permitido(Rol.drtpe)
@bp.arguments(esquemas.ArchivoEvidencia, location="files")
@bp.response(
    201,
    esquemas.Evidencia,
    headers={"ETag": {"description": "La nueva ETag del reporte.", "schema": {"type": "string"}}},
)
@bp.alt_response(404, schema=esquemas.Error, description="el reporte o el IdG no está a su alcance")
@bp.alt_response(409, schema=esquemas.Error, description="el reporte está bloqueado")
@bp.alt_response(
    422, schema=esquemas.Error, description="archivo vacío, de un tipo no admitido o dañado"
)
def subir_evidencia(archivos, reporte_id: int, idg: int):
    """Attach an evidence file to a line of the region's draft (the web's checks and audit)."""
    reporte = reporte_o_404(reporte_id)
    if not puede_editar_reporte(reporte, current_user):
        raise ErrorApi(404)
    linea = next((li for li in reporte.lineas if li.indicador_numero == idg), None)
    if linea is None:
        raise ErrorApi(404)
    archivo = archivos["archivo"]
    bloqueo = services.motivo_bloqueo(reporte, date.today())
    if bloqueo:
        raise ErrorApi(409, bloqueo, codigo="reporte_bloqueado")
    try:
        evidencia = servicio_evidencias.guardar_evidencia(
            linea, archivo.filename or "", archivo.read(), usuario=current_user, hoy=date.today()
        )
    except servicio_evidencias.ErrorEvidencia as error:
        db.session.rollback()
        raise ErrorApi(422, error.mensaje, errores={"archivo": [error.mensaje]}) from error
    db.session.commit()
    # The report's version moved: its new ETag, for the next write's If-Match.
    _cuerpo, _estado, cabeceras = con_etag(reporte, detalle(reporte))
    return evidencia, 201, {"ETag": cabeceras["ETag"]}


@bp.route("/anexo4/<int:reporte_id>/enviar", methods=["POST"])
@bp.doc(summary="Enviar el Anexo 4 a revisión (If-Match)")
@permitido(Rol.drtpe)
@bp.response(200, esquemas.ReporteDetalle, headers=ETAG)
@escritura
def enviar(reporte_id: int):
    """Send the region's Anexo 4 for review, once complete (the web's checks), with If-Match."""
    reporte = reporte_o_404(reporte_id)
    if not puede_editar_reporte(reporte, current_user):
        raise ErrorApi(404)
    exigir_if_match(reporte)
    try:
        services.enviar(reporte, usuario=current_user, ahora=ahora())
    except services.ErrorAnexo4 as error:
        db.session.rollback()
        raise ErrorApi(409, error.mensaje, codigo="regla_de_negocio") from error
    db.session.commit()
    return con_etag(reporte, detalle(reporte))
