"""Capacity-building programme: the annual programmes and the execution of their runs.

Services take plain data and model objects, never the request; the route commits. Every
write is audited. Who may do what (app/mejora_continua/acceso.py):

- ODES: everything (creates and approves programmes, manages any activity, records any run);
- a directorate (direccion): the activities of its own unit, and their runs in any region;
- a region (drtpe): the runs of its own region only (execution, reprogramming, cancellation).

The activities and their regions × months are written by services.programacion_actividades.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.comun import almacenamiento
from app.comun.auditoria import registrar_evento
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.convenios.services import evidencias
from app.extensions import db
from app.mejora_continua.acceso import puede_registrar_programacion
from app.mejora_continua.models.programacion import (
    EstadoPrograma,
    EstadoProgramacion,
    MovimientoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
)
from app.mejora_continua.services import planes_enlaces

#: Longest free text accepted for reasons and notes.
LARGO_MOTIVO = 2000


class ErrorProgramacion(ErrorNegocio):
    """A programme rule was broken; the message is shown to the user."""


def _exigir_registro(programacion: ProgramacionRegional, usuario: Usuario) -> None:
    """Refuse unless the user may record execution of the run."""
    if not puede_registrar_programacion(programacion, usuario):
        raise ErrorProgramacion(
            _(
                "Solo la G/DRTPE de la región, la unidad responsable o la "
                "ODES pueden registrar la ejecución de esta actividad."
            )
        )


# --- Programmes ----------------------------------------------------------------------------


def nombre_programa(anio: int) -> str:
    """The programme's name as the documents give it."""
    return f"Programación Anual de Fortalecimiento de Capacidades a favor de las regiones {anio}"


def crear_programa(anio: int, nombre: str | None, *, usuario: Usuario) -> ProgramaCapacidades:
    """Open the (draft) programme of a year; ODES only."""
    if usuario.rol is not Rol.odes:
        raise ErrorProgramacion(_("Solo la ODES registra programaciones anuales."))
    if not 2000 <= anio <= 2100:
        raise ErrorProgramacion(_("Año no válido."), "anio")
    if db.session.scalar(sa.select(ProgramaCapacidades.id).filter_by(anio=anio)):
        raise ErrorProgramacion(_("Ya existe la programación %(anio)s.", anio=anio), "anio")
    programa = ProgramaCapacidades(
        anio=anio, nombre=(nombre or "").strip() or nombre_programa(anio)
    )
    db.session.add(programa)
    db.session.flush()
    registrar_evento(
        "crear",
        "programa_capacidades",
        programa.id,
        usuario_id=usuario.id,
        despues={"anio": anio, "nombre": programa.nombre},
    )
    return programa


def aprobar_programa(
    programa: ProgramaCapacidades, *, usuario: Usuario, ahora: datetime
) -> ProgramaCapacidades:
    """ODES approves a draft programme: from then on runs are executed, moved or cancelled."""
    if usuario.rol is not Rol.odes:
        raise ErrorProgramacion(_("Solo la ODES aprueba la programación."))
    if programa.aprobado:
        raise ErrorProgramacion(_("La programación ya está aprobada."))
    if not any(a.programaciones for a in programa.actividades):
        raise ErrorProgramacion(
            _("La programación no tiene ninguna actividad con regiones y meses.")
        )
    programa.estado = EstadoPrograma.aprobado
    programa.aprobado_en = ahora
    programa.aprobado_por_id = usuario.id
    registrar_evento(
        "aprobar",
        "programa_capacidades",
        programa.id,
        usuario_id=usuario.id,
        antes={"estado": EstadoPrograma.borrador},
        despues={"estado": EstadoPrograma.aprobado},
    )
    return programa


def reabrir_programa(
    programa: ProgramaCapacidades, motivo: str, *, usuario: Usuario
) -> ProgramaCapacidades:
    """ODES returns an approved programme to draft, giving a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorProgramacion(_("Solo la ODES reabre la programación."))
    if not programa.aprobado:
        raise ErrorProgramacion(_("La programación no está aprobada."))
    motivo = exigir_motivo(motivo, _("Indique el motivo para reabrir la programación."))
    programa.estado = EstadoPrograma.borrador
    programa.aprobado_en = None
    programa.aprobado_por_id = None
    registrar_evento(
        "reabrir",
        "programa_capacidades",
        programa.id,
        usuario_id=usuario.id,
        antes={"estado": EstadoPrograma.aprobado},
        despues={"estado": EstadoPrograma.borrador},
        motivo=motivo,
    )
    return programa


def exigir_motivo(texto: str | None, mensaje: str, campo: str = "motivo") -> str:
    """A required, bounded reason; raise with mensaje when empty."""
    texto = (texto or "").strip()
    if not texto:
        raise ErrorProgramacion(mensaje, campo)
    if len(texto) > LARGO_MOTIVO:
        raise ErrorProgramacion(
            _("Máximo %(LARGO_MOTIVO)s caracteres.", LARGO_MOTIVO=LARGO_MOTIVO), campo
        )
    return texto


# --- Execution -----------------------------------------------------------------------------

#: Folder of the runs' evidence files (app/comun/almacenamiento keeps them with the
#: transaction).
CARPETA = "programacion"


def _guardar_archivo(programacion: ProgramacionRegional, nombre: str, contenido: bytes) -> None:
    """Check and store a run's evidence file; removed again if the transaction rolls back."""
    try:
        tipo = evidencias.validar_archivo(nombre, contenido)
    except evidencias.ErrorEvidencia as error:
        raise ErrorProgramacion(error.mensaje, "evidencia") from None
    extension = evidencias.extension_de(nombre)
    programacion.evidencia_archivo = almacenamiento.guardar(CARPETA, extension, contenido)
    programacion.evidencia_nombre = evidencias.nombre_visible(nombre, extension)
    programacion.evidencia_tipo = tipo.mime
    programacion.evidencia_tamanio = len(contenido)


def _exigir_pendiente(programacion: ProgramacionRegional) -> None:
    """Refuse unless the programme is approved and the run is still pending."""
    if not programacion.actividad.programa.aprobado:
        raise ErrorProgramacion(
            _(
                "La programación aún no está aprobada por la ODES: mientras "
                "tanto, cambie los meses en la programación de la actividad."
            )
        )
    if programacion.estado is EstadoProgramacion.ejecutada:
        raise ErrorProgramacion(_("La actividad ya fue ejecutada en esta región."))
    if programacion.estado is EstadoProgramacion.cancelada:
        raise ErrorProgramacion(_("La actividad fue cancelada en esta región."))


def _movimiento(programacion: ProgramacionRegional, usuario: Usuario, ahora: datetime, **datos):
    """Stamp the run and append its history row."""
    programacion.actualizado_por_id = usuario.id
    programacion.actualizado_en = ahora
    programacion.movimientos.append(
        MovimientoProgramacion(usuario_id=usuario.id, creado_en=ahora, **datos)
    )


def registrar_ejecucion(
    programacion: ProgramacionRegional,
    *,
    fecha: date | None,
    participantes: int | None,
    observacion: str | None = None,
    evidencia: tuple[str, bytes] | None = None,
    usuario: Usuario,
    hoy: date,
    ahora: datetime,
) -> ProgramacionRegional:
    """Record that a planned run took place: date, participants and optional evidence file."""
    _exigir_registro(programacion, usuario)
    _exigir_pendiente(programacion)
    anio = programacion.actividad.programa.anio
    if fecha is None:
        raise ErrorProgramacion(_("Indique la fecha de ejecución."), "fecha")
    if fecha.year != anio:
        raise ErrorProgramacion(_("La fecha debe ser del año %(anio)s.", anio=anio), "fecha")
    if fecha > hoy:
        raise ErrorProgramacion(_("La fecha de ejecución no puede ser futura."), "fecha")
    if participantes is None or participantes < 1:
        raise ErrorProgramacion(
            _("Indique cuántas personas participaron (al menos 1)."), "participantes"
        )
    observacion = (observacion or "").strip() or None
    if observacion and len(observacion) > LARGO_MOTIVO:
        raise ErrorProgramacion(
            _("Máximo %(LARGO_MOTIVO)s caracteres.", LARGO_MOTIVO=LARGO_MOTIVO), "observacion"
        )
    antes = {"estado": programacion.estado}
    if evidencia is not None:
        _guardar_archivo(programacion, *evidencia)
    programacion.estado = EstadoProgramacion.ejecutada
    programacion.fecha_ejecucion = fecha
    programacion.participantes = participantes
    programacion.observacion = observacion
    _movimiento(
        programacion,
        usuario,
        ahora,
        estado=EstadoProgramacion.ejecutada,
        fecha_ejecucion=fecha,
        participantes=participantes,
        observacion=observacion,
        evidencia_nombre=programacion.evidencia_nombre,
    )
    db.session.flush()
    registrar_evento(
        "ejecutar",
        "programacion_regional",
        programacion.id,
        usuario_id=usuario.id,
        antes=antes,
        despues={
            "estado": programacion.estado,
            "fecha_ejecucion": fecha,
            "participantes": participantes,
            "evidencia": programacion.evidencia_nombre,
        },
    )
    # The plan action this activity schedules (if any) gets the execution in its follow-up.
    planes_enlaces.seguimiento_desde_programa(programacion, usuario=usuario, hoy=hoy)
    return programacion


def reprogramar(
    programacion: ProgramacionRegional,
    mes_nuevo: int | None,
    motivo: str | None,
    *,
    usuario: Usuario,
    ahora: datetime,
) -> ProgramacionRegional:
    """Move a pending run to another month; the reason is required."""
    _exigir_registro(programacion, usuario)
    _exigir_pendiente(programacion)
    if mes_nuevo is None or not 1 <= mes_nuevo <= 12:
        raise ErrorProgramacion(_("Seleccione el nuevo mes."), "mes_nuevo")
    if mes_nuevo == programacion.mes_vigente:
        raise ErrorProgramacion(
            _(
                "La actividad ya está programada para %(lower)s.",
                lower=nombre_mes(mes_nuevo).lower(),
            ),
            "mes_nuevo",
        )
    motivo = exigir_motivo(motivo, _("Indique el motivo de la reprogramación."))
    ocupado = any(
        otra is not programacion
        and otra.region_id == programacion.region_id
        and otra.estado is not EstadoProgramacion.cancelada
        and otra.mes_vigente == mes_nuevo
        for otra in programacion.actividad.programaciones
    )
    if ocupado:
        raise ErrorProgramacion(
            _(
                "La actividad ya está programada en %(lower)s para %(nombre)s.",
                lower=nombre_mes(mes_nuevo).lower(),
                nombre=programacion.region.nombre,
            ),
            "mes_nuevo",
        )
    anterior = programacion.mes_vigente
    programacion.estado = EstadoProgramacion.reprogramada
    programacion.mes_reprogramado = mes_nuevo
    programacion.motivo = motivo
    _movimiento(
        programacion,
        usuario,
        ahora,
        estado=EstadoProgramacion.reprogramada,
        mes_anterior=anterior,
        mes_nuevo=mes_nuevo,
        motivo=motivo,
    )
    db.session.flush()
    registrar_evento(
        "reprogramar",
        "programacion_regional",
        programacion.id,
        usuario_id=usuario.id,
        antes={"mes": nombre_mes(anterior)},
        despues={"mes": nombre_mes(mes_nuevo)},
        motivo=motivo,
    )
    return programacion


def cancelar(
    programacion: ProgramacionRegional,
    motivo: str | None,
    *,
    usuario: Usuario,
    ahora: datetime,
) -> ProgramacionRegional:
    """Cancel a pending run; the reason is required."""
    _exigir_registro(programacion, usuario)
    _exigir_pendiente(programacion)
    motivo = exigir_motivo(motivo, _("Indique el motivo de la cancelación."))
    antes = {"estado": programacion.estado}
    programacion.estado = EstadoProgramacion.cancelada
    programacion.motivo = motivo
    _movimiento(
        programacion,
        usuario,
        ahora,
        estado=EstadoProgramacion.cancelada,
        mes_anterior=programacion.mes_vigente,
        motivo=motivo,
    )
    db.session.flush()
    registrar_evento(
        "cancelar",
        "programacion_regional",
        programacion.id,
        usuario_id=usuario.id,
        antes=antes,
        despues={"estado": programacion.estado},
        motivo=motivo,
    )
    return programacion
