"""Anexo 5 workflow: the proponent unit's evaluation of one IdG in one semester.

Creation of the draft, locking, saving the unit's verdict and items (validated and written by
services.evaluaciones_contenido), adding the conclusions suggested from the approved Anexo 4
(queries.evaluaciones_contraste), and submit / return / approve / reopen with audit events.
Services take plain data and model objects, never the request; the route commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.auth.models import Usuario
from app.auth.permisos import mensaje_publicado, semestre_publicado
from app.catalogo.models import Indicador
from app.comun import flujo
from app.comun.auditoria import registrar_evento
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.flujo import EstadoReporte, devolver_a_observado
from app.comun.roles import Rol
from app.convenios.models import Periodo
from app.extensions import db
from app.mejora_continua.acceso import puede_editar_evaluacion
from app.mejora_continua.models.evaluaciones import Evaluacion, TipoItem
from app.mejora_continua.queries import evaluaciones as queries
from app.mejora_continua.queries.evaluaciones_contraste import (
    borrador_sugerido,
    contradicciones,
    veredicto_sugerido,
)
from app.mejora_continua.services import avisos
from app.mejora_continua.services.evaluaciones_contenido import (
    DatosItem,
    clave_texto,
    escribir_contenido,
    validar_items,
)

MAX_VEREDICTO = 500
LIMA = ZoneInfo("America/Lima")


class ErrorEvaluacion(ErrorNegocio):
    """A workflow or data rule was broken; the message is shown to the user.

    `errores` maps an item's position in the submitted list to {field: message}.
    """

    def __init__(
        self,
        mensaje: str,
        campo: str | None = None,
        errores: dict[int, dict[str, str]] | None = None,
    ):
        super().__init__(mensaje, campo)
        self.errores = errores or {}


def fecha_lima(momento: datetime) -> date:
    """Calendar date of a timestamp in Lima (deadlines are Lima dates)."""
    if momento.tzinfo is None:  # SQLite returns naive UTC
        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(LIMA).date()


# --- Access and locking -------------------------------------------------------------------


def motivo_bloqueo(evaluacion: Evaluacion) -> str | None:
    """Why the unit can't edit this evaluation now (None = it can)."""
    if evaluacion.estado is EstadoReporte.aprobado:
        return _("El Anexo 5 está aprobado y bloqueado. Solo la ODES puede reabrirlo.")
    if evaluacion.estado is EstadoReporte.enviado:
        return _(
            "El Anexo 5 fue enviado y está en revisión; podrá modificarlo si la ODES lo observa."
        )
    if not evaluacion.periodo.abierto:
        return _("El periodo %(nombre)s está cerrado.", nombre=evaluacion.periodo.nombre)
    return None


def dias_de_retraso(evaluacion: Evaluacion) -> int | None:
    """Days after the Anexo 5 due date it was first sent (None = on time or not sent)."""
    limite = evaluacion.periodo.fecha_limite_anexo5
    if evaluacion.enviado_en is None or limite is None:
        return None
    dias = (fecha_lima(evaluacion.enviado_en) - limite).days
    return dias if dias > 0 else None


def _exigir_edicion(evaluacion: Evaluacion, usuario: Usuario) -> None:
    """Refuse unless the user's unit wrote the evaluation and it is not locked."""
    if not puede_editar_evaluacion(evaluacion, usuario):
        raise ErrorEvaluacion(
            _(
                "Solo la unidad proponente (%(sigla)s) puede modificar este Anexo 5.",
                sigla=evaluacion.unidad.sigla,
            )
        )
    bloqueo = motivo_bloqueo(evaluacion)
    if bloqueo:
        raise ErrorEvaluacion(bloqueo)


# --- Creation -----------------------------------------------------------------------------


def obtener_o_crear_evaluacion(
    indicador: Indicador, periodo: Periodo, usuario: Usuario | None
) -> Evaluacion:
    """Return the Anexo 5 of an IdG and semester, creating the draft for the proponent unit."""
    evaluacion = queries.evaluacion_de(indicador, periodo)
    if evaluacion is not None:
        return evaluacion
    if usuario is not None and not (
        usuario.rol is Rol.direccion and usuario.unidad_id == indicador.proponente_id
    ):
        raise ErrorEvaluacion(
            _(
                "Solo la unidad proponente del %(etiqueta)s (%(sigla)s) puede iniciar su Anexo 5.",
                etiqueta=indicador.etiqueta,
                sigla=indicador.proponente.sigla,
            )
        )
    if indicador not in queries.indicadores_del_periodo(periodo):
        raise ErrorEvaluacion(
            _(
                "El %(etiqueta)s no forma parte de los convenios vigentes en el %(nombre)s.",
                etiqueta=indicador.etiqueta,
                nombre=periodo.nombre,
            )
        )
    if not periodo.abierto:
        raise ErrorEvaluacion(_("El periodo %(nombre)s está cerrado.", nombre=periodo.nombre))
    evaluacion = Evaluacion(
        indicador=indicador,
        periodo=periodo,
        unidad_id=indicador.proponente_id,
        estado=EstadoReporte.borrador,
    )
    db.session.add(evaluacion)
    db.session.flush()
    registrar_evento(
        "crear",
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario.id if usuario else None,
        despues={"indicador": indicador.etiqueta, "periodo": periodo.nombre},
    )
    return evaluacion


# --- Writing the draft --------------------------------------------------------------------


def guardar_evaluacion(
    evaluacion: Evaluacion,
    veredicto: str | None,
    items: list[DatosItem | dict[str, Any]],
    *,
    usuario: Usuario,
    version: int | None,
) -> None:
    """Save the unit's draft (verdict and items); raise ErrorEvaluacion and write nothing
    if locked or invalid (item errors in `errores`), EdicionConcurrente if stale."""
    _exigir_edicion(evaluacion, usuario)
    comprobar_version(evaluacion, version)
    datos = [DatosItem.de(i) for i in items]
    veredicto = " ".join((veredicto or "").split())
    if len(veredicto) > MAX_VEREDICTO:
        raise ErrorEvaluacion(
            _(
                "El veredicto admite hasta %(MAX_VEREDICTO)s caracteres.",
                MAX_VEREDICTO=MAX_VEREDICTO,
            ),
            "veredicto",
        )
    errores = validar_items(evaluacion, datos)
    if errores:
        raise ErrorEvaluacion(
            _("Hay errores en el formulario; no se guardó nada. Corríjalos y vuelva a guardar."),
            errores=errores,
        )
    escribir_contenido(evaluacion, veredicto, datos, usuario_id=usuario.id)


def aplicar_borrador(
    evaluacion: Evaluacion, *, usuario: Usuario, version: int | None = None
) -> tuple[int, list[str]]:
    """Add the suggested conclusions not yet present (and the verdict if empty).

    Returns (how many were added, why others were left out: they contradict existing items).
    """
    _exigir_edicion(evaluacion, usuario)
    comprobar_version(evaluacion, version)
    datos = [DatosItem.del_item(i) for i in evaluacion.items]
    presentes = {clave_texto(d.texto) for d in datos if d.tipo is TipoItem.conclusion}
    agregadas, omitidas = 0, []
    for sugerencia in borrador_sugerido(evaluacion):
        if clave_texto(sugerencia.texto) in presentes:
            continue
        candidato = DatosItem(
            TipoItem.conclusion,
            sugerencia.texto,
            sugerencia.clasificacion,
            [r.id for r in sugerencia.regiones],
        )
        conclusiones = [d for d in datos if d.tipo is TipoItem.conclusion]
        prueba = [*conclusiones, candidato]
        error = validar_items(evaluacion, prueba).get(len(prueba) - 1)
        if error:
            omitidas.append(f"«{sugerencia.texto}»: {' '.join(error.values())}")
            continue
        indice = max((i for i, d in enumerate(datos) if d.tipo is TipoItem.conclusion), default=-1)
        datos.insert(indice + 1, candidato)
        presentes.add(clave_texto(sugerencia.texto))
        agregadas += 1
    veredicto = evaluacion.veredicto or veredicto_sugerido(evaluacion)
    escribir_contenido(
        evaluacion, veredicto, datos, usuario_id=usuario.id, accion="aplicar_borrador"
    )
    return agregadas, omitidas


# --- Workflow -----------------------------------------------------------------------------


def enviar(evaluacion: Evaluacion, *, usuario: Usuario, ahora: datetime) -> None:
    """Submit the evaluation to ODES once it has a verdict, conclusions and recommendations."""
    _exigir_edicion(evaluacion, usuario)
    faltas = []
    if not (evaluacion.veredicto or "").strip():
        faltas.append(_("Escriba el veredicto."))
    if not evaluacion.conclusiones:
        faltas.append(_("Registre al menos una conclusión."))
    if not evaluacion.recomendaciones:
        faltas.append(_("Registre al menos una recomendación."))
    datos = [DatosItem.del_item(i) for i in evaluacion.items]
    numeros = []
    contador = dict.fromkeys(TipoItem, 0)
    for dato in datos:
        contador[dato.tipo] += 1
        numeros.append(f"{dato.tipo.etiqueta} {contador[dato.tipo]}")
    for posicion, error in validar_items(evaluacion, datos).items():
        faltas += [f"{numeros[posicion]}: {mensaje}" for mensaje in error.values()]
    if faltas:
        raise ErrorEvaluacion(_("No se puede enviar todavía. %(faltas)s", faltas=" ".join(faltas)))
    flujo.enviar(evaluacion, tipo="evaluacion", usuario_id=usuario.id, ahora=ahora)
    avisos.anexo5_enviado(evaluacion, usuario=usuario)


def observar(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES returns a submitted evaluation to the unit with a required reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES observa el Anexo 5."))
    if evaluacion.estado is not EstadoReporte.enviado:
        raise ErrorEvaluacion(_("Solo se puede observar un Anexo 5 enviado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorEvaluacion(
            _("Indique el motivo de la observación; la dirección lo verá."), "motivo"
        )
    devolver_a_observado(
        evaluacion,
        tipo="evaluacion",
        accion="observar",
        desde=EstadoReporte.enviado,
        motivo=motivo,
        aviso=motivo,
        usuario_id=usuario.id,
    )
    avisos.anexo5_observado(evaluacion, usuario=usuario, motivo=motivo)


def aprobar(evaluacion: Evaluacion, *, usuario: Usuario, ahora: datetime) -> None:
    """ODES approves and locks a submitted evaluation (contradictions are recorded, not fatal)."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES aprueba el Anexo 5."))
    if evaluacion.estado is not EstadoReporte.enviado:
        raise ErrorEvaluacion(_("Solo se puede aprobar un Anexo 5 enviado."))
    contradice = contradicciones(evaluacion)
    flujo.aprobar(
        evaluacion,
        tipo="evaluacion",
        usuario_id=usuario.id,
        ahora=ahora,
        detalle=({"contradicciones con el Anexo 4": " ".join(contradice)} if contradice else None),
    )
    avisos.anexo5_aprobado(evaluacion, usuario=usuario)


def reabrir(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopens an approved evaluation (back to observado) with a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES puede reabrir un Anexo 5 aprobado."))
    if evaluacion.estado is not EstadoReporte.aprobado:
        raise ErrorEvaluacion(_("Solo se reabre un Anexo 5 aprobado."))
    if semestre_publicado(evaluacion.periodo_id):
        raise ErrorEvaluacion(mensaje_publicado())
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorEvaluacion(_("Indique el motivo de la reapertura."), "motivo")
    devolver_a_observado(
        evaluacion,
        tipo="evaluacion",
        accion="reabrir",
        desde=EstadoReporte.aprobado,
        motivo=motivo,
        aviso=_("Reabierto por la ODES: %(motivo)s", motivo=motivo),
        usuario_id=usuario.id,
    )
    avisos.anexo5_reabierto(evaluacion, usuario=usuario, motivo=motivo)
