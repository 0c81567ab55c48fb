"""Who is told what about the Anexo 5 and the capacity-building activities (app/notificaciones
does the telling).

Events — called by services.evaluaciones after a step succeeded: an Anexo 5 returned or
reopened, or approved (the directorate that writes it); the last one of a semester sent (ODES:
all are in). Reminders — registered with the notifications' scheduler by
app/mejora_continua/__init__.py: once the Anexo 4 deadline of an open semester has passed, the
directorates with Anexo 5 to write are told they are due; 7 days and 1 day before the Anexo 5
deadline those that have not sent all of theirs are reminded, and on Mondays after it the
overdue digest goes to them and to ODES; at the start of each month every region is told the
activities of the approved programme scheduled there that month.

This module imports no other service of the module (they import it).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.convenios.models import Periodo
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db
from app.mejora_continua.models.evaluaciones import Evaluacion
from app.mejora_continua.models.programacion import (
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
)
from app.mejora_continua.queries import evaluaciones as queries
from app.notificaciones import queries as destinatarios
from app.notificaciones.models import TipoNotificacion as Tipo
from app.notificaciones.services import notificar, ruta
from app.notificaciones.services.recordatorios import (
    LUNES,
    fecha,
    marca_plazo,
    semana,
    texto_falta,
    texto_vencido,
)

# --- Anexo 5 events --------------------------------------------------------------------------


def _a_la_unidad(evaluacion: Evaluacion, tipo: Tipo, titulo: str, texto: str, usuario: Usuario):
    """Notify the accounts of the unit that writes the evaluation."""
    notificar(
        tipo,
        destinatarios.usuarios_de_unidades([evaluacion.unidad_id]),
        titulo=titulo,
        texto=texto,
        url=ruta("mejora_continua.ver_evaluacion", evaluacion_id=evaluacion.id),
        excepto=usuario.id,
    )


def _datos(evaluacion: Evaluacion) -> dict[str, str]:
    """The IdG and semester of an evaluation, as the messages name them."""
    return {"idg": evaluacion.indicador.etiqueta, "periodo": evaluacion.periodo.nombre}


def anexo5_observado(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES returned an Anexo 5: its directorate is told why."""
    _a_la_unidad(
        evaluacion,
        Tipo.anexo5_observado,
        _("Anexo 5 observado: %(idg)s, %(periodo)s", **_datos(evaluacion)),
        _(
            "La ODES observó el Anexo 5 del %(idg)s del %(periodo)s. Motivo: %(motivo)s\n"
            "Corríjalo y vuelva a enviarlo.",
            motivo=motivo,
            **_datos(evaluacion),
        ),
        usuario,
    )


def anexo5_reabierto(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopened an approved Anexo 5: its directorate is told why."""
    _a_la_unidad(
        evaluacion,
        Tipo.anexo5_observado,
        _("Anexo 5 reabierto: %(idg)s, %(periodo)s", **_datos(evaluacion)),
        _(
            "La ODES reabrió el Anexo 5 aprobado del %(idg)s del %(periodo)s. Motivo: "
            "%(motivo)s\nCorríjalo y vuelva a enviarlo.",
            motivo=motivo,
            **_datos(evaluacion),
        ),
        usuario,
    )


def anexo5_aprobado(evaluacion: Evaluacion, *, usuario: Usuario) -> None:
    """ODES approved an Anexo 5: its directorate is told."""
    _a_la_unidad(
        evaluacion,
        Tipo.anexo5_aprobado,
        _("Anexo 5 aprobado: %(idg)s, %(periodo)s", **_datos(evaluacion)),
        _(
            "La ODES aprobó el Anexo 5 del %(idg)s del %(periodo)s. Sus conclusiones y "
            "recomendaciones entran en el informe situacional y en la matriz.",
            **_datos(evaluacion),
        ),
        usuario,
    )


def anexo5_enviado(evaluacion: Evaluacion, *, usuario: Usuario) -> None:
    """An Anexo 5 was sent: when it was the last one of the semester, ODES is told."""
    periodo = evaluacion.periodo
    unidades = queries.completitud_por_unidad(periodo)
    if not unidades or any(u.pendientes for u in unidades):
        return
    notificar(
        Tipo.anexo5_completos,
        destinatarios.usuarios_odes(),
        titulo=_("Anexo 5 completos: %(periodo)s", periodo=periodo.nombre),
        texto=_(
            "Todas las direcciones enviaron el Anexo 5 del %(periodo)s (%(num)s IdG). "
            "Revíselos y apruébelos para generar el informe situacional.",
            periodo=periodo.nombre,
            num=sum(u.esperadas for u in unidades),
        ),
        url=ruta("mejora_continua.evaluaciones", periodo=periodo.codigo),
        clave=f"anexo5:{periodo.codigo}:completos",
        excepto=usuario.id,
    )


# --- Anexo 5 reminders -----------------------------------------------------------------------


def recordatorios_anexo5(hoy: date) -> int:
    """Anexo 5 due, its deadline reminders and the overdue digest (see the module doc)."""
    creadas = 0
    for periodo in periodos_queries.abiertos_con_plazo(Periodo.fecha_limite_anexo5):
        creadas += _recordatorios_periodo(periodo, hoy)
    return creadas


def _recordatorios_periodo(periodo: Periodo, hoy: date) -> int:
    """One semester's Anexo 5 notices, reminders and digests for hoy; how many."""
    limite = periodo.fecha_limite_anexo5
    dias = (limite - hoy).days
    marca = marca_plazo(dias)
    url = ruta("mejora_continua.evaluaciones", periodo=periodo.codigo)
    creadas = 0
    vencidas = []
    for resumen in queries.completitud_por_unidad(periodo):
        if not resumen.pendientes:
            continue
        unidad = resumen.unidad
        usuarios = destinatarios.usuarios_de_unidades([unidad.id])
        idg = ", ".join(i.etiqueta for i in resumen.pendientes)
        datos = {"periodo": periodo.nombre, "fecha": fecha(limite), "idg": idg}
        anexo4 = periodo.fecha_limite_anexo4
        if anexo4 is not None and anexo4 < hoy and dias >= 0:
            creadas += len(
                notificar(
                    Tipo.anexo5_pendiente,
                    usuarios,
                    titulo=_("Anexo 5 por presentar: %(periodo)s", **datos),
                    texto=_(
                        "Venció el plazo de las regiones para el Anexo 4 del %(periodo)s. Su "
                        "dirección debe presentar el Anexo 5 de: %(idg)s. Plazo: %(fecha)s.",
                        **datos,
                    ),
                    url=url,
                    clave=f"anexo5:{periodo.codigo}:pendiente",
                )
            )
        if marca:
            creadas += len(
                notificar(
                    Tipo.recordatorio_plazo,
                    usuarios,
                    titulo=_(
                        "Recordatorio: el Anexo 5 del %(periodo)s vence el %(fecha)s", **datos
                    ),
                    texto=texto_falta(hoy, limite)
                    + " "
                    + _("Aún no ha enviado el Anexo 5 de: %(idg)s.", **datos),
                    url=url,
                    clave=f"anexo5:{periodo.codigo}:{limite.isoformat()}:{marca}",
                )
            )
        elif dias < 0:
            vencidas.append((unidad.sigla, idg))
            if hoy.weekday() == LUNES:
                creadas += len(
                    notificar(
                        Tipo.resumen_vencidos,
                        usuarios,
                        titulo=_("Anexo 5 del %(periodo)s vencido: %(idg)s", **datos),
                        texto=texto_vencido(hoy, limite)
                        + " "
                        + _("Aún no ha enviado el Anexo 5 de: %(idg)s.", **datos),
                        url=url,
                        clave=f"anexo5:{periodo.codigo}:{semana(hoy)}",
                    )
                )
    if vencidas and hoy.weekday() == LUNES:
        creadas += len(
            notificar(
                Tipo.resumen_vencidos,
                destinatarios.usuarios_odes(),
                titulo=ngettext(
                    "Anexo 5 del %(periodo)s: %(num)s dirección sin enviar tras el plazo",
                    "Anexo 5 del %(periodo)s: %(num)s direcciones sin enviar tras el plazo",
                    len(vencidas),
                    periodo=periodo.nombre,
                ),
                texto=texto_vencido(hoy, limite)
                + "\n"
                + "\n".join(f"- {sigla}: {idg}" for sigla, idg in vencidas),
                url=url,
                clave=f"anexo5:{periodo.codigo}:{semana(hoy)}",
            )
        )
    return creadas


# --- Activities of the month -----------------------------------------------------------------


def actividades_del_mes(hoy: date) -> int:
    """Tell each region the activities of the approved programme scheduled there this month
    (still to be run), once a month."""
    mes_vigente = sa.func.coalesce(ProgramacionRegional.mes_reprogramado, ProgramacionRegional.mes)
    filas = db.session.execute(
        sa.select(ProgramacionRegional.region_id, Actividad, ProgramaCapacidades.anio)
        .join(Actividad, ProgramacionRegional.actividad_id == Actividad.id)
        .join(ProgramaCapacidades, Actividad.programa_id == ProgramaCapacidades.id)
        .where(
            ProgramaCapacidades.anio == hoy.year,
            ProgramaCapacidades.estado == EstadoPrograma.aprobado,
            mes_vigente == hoy.month,
            ProgramacionRegional.estado.in_(
                [EstadoProgramacion.programada, EstadoProgramacion.reprogramada]
            ),
        )
        .order_by(ProgramacionRegional.region_id, Actividad.indicador_id, Actividad.numero)
    ).all()
    por_region: dict[int, list[Actividad]] = {}
    for region_id, actividad, _anio in filas:
        por_region.setdefault(region_id, []).append(actividad)
    mes = nombre_mes(hoy.month)
    creadas = 0
    for region_id, actividades in por_region.items():
        region = db.session.get(Region, region_id)
        lineas = [f"- {a.etiqueta} ({a.unidad.sigla}): {a.nombre}" for a in actividades]
        creadas += len(
            notificar(
                Tipo.actividades_del_mes,
                destinatarios.usuarios_de_region(region_id),
                titulo=ngettext(
                    "%(mes)s %(anio)s: %(num)s actividad de capacitación en %(region)s",
                    "%(mes)s %(anio)s: %(num)s actividades de capacitación en %(region)s",
                    len(actividades),
                    mes=mes,
                    anio=hoy.year,
                    region=region.nombre,
                ),
                texto=_(
                    "Actividades del MTPE programadas en %(region)s para %(mes)s de %(anio)s. "
                    "Registre su ejecución cuando se realicen o su reprogramación si cambian "
                    "de mes:",
                    region=region.nombre,
                    mes=mes.lower(),
                    anio=hoy.year,
                )
                + "\n"
                + "\n".join(lineas),
                url=ruta("mejora_continua.agenda", codigo=region.codigo, anio=hoy.year),
                clave=f"actividades:{hoy.year}-{hoy.month:02d}",
            )
        )
    return creadas
