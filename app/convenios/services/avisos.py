"""Who is told what about the convenios (app/notificaciones does the telling).

Events — called by the services of the Anexo 4, the goals and the periods, in their own
transaction, after the step succeeded: the Anexo 4 sent (ODES and the directorates proposing
its IdG), returned, approved or reopened (the region), a year's goal programming opened (the
regions), a reprogramming requested (ODES) or decided (the region), an extension granted (the
region). Reminders — `recordatorios_anexo4`, registered with the notifications' scheduler by
app/convenios/__init__.py: 7 days and 1 day before each region's Anexo 4 deadline (its extension
if it has one) while the report has not been sent, and on Mondays the overdue digest to those
regions and to ODES. A region's message only ever goes to that region's accounts.

This module imports no other service of the module (they import it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.models import Usuario
from app.catalogo.models import Region
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoSolicitud,
    Periodo,
    ProgramacionMetas,
    Prorroga,
    Reporte,
    Reprogramacion,
)
from app.convenios.queries import anexo4 as anexo4_queries
from app.convenios.queries import periodos as periodos_queries
from app.extensions import db
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


def organo(region: Region) -> str:
    """The region's labour body as the messages name it, e.g. "la DRTPE Loreto"."""
    return f"{region.organo_sigla or 'G/DRTPE'} {region.nombre}"


# --- Anexo 4 ---------------------------------------------------------------------------------


def anexo4_enviado(reporte: Reporte, *, usuario: Usuario) -> None:
    """A region sent its Anexo 4: ODES and the directorates that propose its IdG review it."""
    region, periodo = reporte.region, reporte.periodo
    unidades = {linea.indicador.proponente_id for linea in reporte.lineas}
    notificar(
        Tipo.anexo4_enviado,
        [*destinatarios.usuarios_odes(), *destinatarios.usuarios_de_unidades(unidades)],
        titulo=_(
            "Anexo 4 enviado: %(region)s, %(periodo)s", region=region.nombre, periodo=periodo.nombre
        ),
        texto=_(
            "La %(organo)s envió a revisión su Anexo 4 del %(periodo)s. Revíselo: apruébelo "
            "(ODES) u obsérvelo indicando el motivo.",
            organo=organo(region),
            periodo=periodo.nombre,
        ),
        url=ruta("convenios.ver_anexo4", reporte_id=reporte.id),
        excepto=usuario.id,
    )


def _a_la_region(reporte: Reporte, tipo: Tipo, titulo: str, texto: str, usuario: Usuario) -> None:
    """Notify the accounts of the report's region (never another region's)."""
    notificar(
        tipo,
        destinatarios.usuarios_de_region(reporte.convenio.region_id),
        titulo=titulo,
        texto=texto,
        url=ruta("convenios.ver_anexo4", reporte_id=reporte.id),
        excepto=usuario.id,
    )


def _quien(usuario: Usuario) -> str:
    """Who returned the report, as the message names it."""
    if usuario.rol is Rol.direccion and usuario.unidad is not None:
        return _("La %(sigla)s", sigla=usuario.unidad.sigla)
    return _("La ODES")


def anexo4_observado(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """The Anexo 4 was returned: the region is told why."""
    datos = {"region": reporte.region.nombre, "periodo": reporte.periodo.nombre}
    _a_la_region(
        reporte,
        Tipo.anexo4_observado,
        _("Anexo 4 observado: %(region)s, %(periodo)s", **datos),
        _(
            "%(quien)s observó el Anexo 4 del %(periodo)s de %(region)s. Motivo: %(motivo)s\n"
            "Corríjalo y vuelva a enviarlo.",
            quien=_quien(usuario),
            motivo=motivo,
            **datos,
        ),
        usuario,
    )


def anexo4_aprobado(reporte: Reporte, *, usuario: Usuario) -> None:
    """The Anexo 4 was approved: the region is told."""
    datos = {"region": reporte.region.nombre, "periodo": reporte.periodo.nombre}
    _a_la_region(
        reporte,
        Tipo.anexo4_aprobado,
        _("Anexo 4 aprobado: %(region)s, %(periodo)s", **datos),
        _(
            "La ODES aprobó el Anexo 4 del %(periodo)s de %(region)s. Queda bloqueado; sus "
            "cifras entran en el informe situacional del semestre.",
            **datos,
        ),
        usuario,
    )


def anexo4_reabierto(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopened an approved Anexo 4: the region is told why."""
    datos = {"region": reporte.region.nombre, "periodo": reporte.periodo.nombre}
    _a_la_region(
        reporte,
        Tipo.anexo4_reabierto,
        _("Anexo 4 reabierto: %(region)s, %(periodo)s", **datos),
        _(
            "La ODES reabrió el Anexo 4 aprobado del %(periodo)s de %(region)s. Motivo: "
            "%(motivo)s\nCorríjalo y vuelva a enviarlo.",
            motivo=motivo,
            **datos,
        ),
        usuario,
    )


# --- Goals -----------------------------------------------------------------------------------


def programacion_abierta(programaciones: Iterable[ProgramacionMetas]) -> None:
    """ODES opened a year's goal programming: each region with a new draft is told."""
    for programacion in programaciones:
        convenio = programacion.convenio
        notificar(
            Tipo.programacion_abierta,
            destinatarios.usuarios_de_region(convenio.region_id),
            titulo=_(
                "Programación de metas %(anio)s abierta: %(region)s",
                anio=programacion.anio,
                region=convenio.region.nombre,
            ),
            texto=_(
                "La ODES abrió la programación de metas %(anio)s del convenio %(convenio)s de "
                "%(region)s. Proponga la meta anual y las de cada semestre de cada IdG y "
                "envíelas a revisión.",
                anio=programacion.anio,
                convenio=convenio.periodo,
                region=convenio.region.nombre,
            ),
            url=ruta("convenios.programacion", convenio_id=convenio.id, anio=programacion.anio),
            clave=f"programacion:{convenio.id}:{programacion.anio}",
        )


def reprogramacion_solicitada(solicitud: Reprogramacion, *, etiqueta: str, usuario: Usuario):
    """A region asked to change an approved goal: ODES decides."""
    region = solicitud.meta.convenio.region
    notificar(
        Tipo.reprogramacion_solicitada,
        destinatarios.usuarios_odes(),
        titulo=_(
            "Reprogramación solicitada: %(region)s, %(meta)s", region=region.nombre, meta=etiqueta
        ),
        texto=_(
            "%(region)s solicita cambiar la meta %(meta)s de %(antes)s a %(despues)s "
            "(%(categoria)s). Motivo: %(motivo)s\nApruébela o recházela en la lista de "
            "reprogramaciones.",
            region=region.nombre,
            meta=etiqueta,
            antes=_valor(solicitud.valor_anterior),
            despues=_valor(solicitud.valor_nuevo),
            categoria=solicitud.categoria.etiqueta,
            motivo=solicitud.motivo,
        ),
        url=ruta("convenios.reprogramaciones", estado=EstadoSolicitud.pendiente.value),
        excepto=usuario.id,
    )


def reprogramacion_resuelta(solicitud: Reprogramacion, *, etiqueta: str, usuario: Usuario):
    """ODES approved or rejected a reprogramming: the region is told (with ODES's reason)."""
    meta = solicitud.meta
    region = meta.convenio.region
    aprobada = solicitud.estado is EstadoSolicitud.aprobada
    if aprobada:
        titulo = _("Reprogramación aprobada: %(region)s, %(meta)s")
        texto = _(
            "La ODES aprobó cambiar la meta %(meta)s de %(antes)s a %(despues)s. La meta "
            "original se conserva junto a la vigente."
        )
    else:
        titulo = _("Reprogramación rechazada: %(region)s, %(meta)s")
        texto = _("La ODES rechazó cambiar la meta %(meta)s de %(antes)s a %(despues)s.")
    valores = {
        "region": region.nombre,
        "meta": etiqueta,
        "antes": _valor(solicitud.valor_anterior),
        "despues": _valor(solicitud.valor_nuevo),
    }
    texto = texto % valores
    if solicitud.motivo_resolucion:
        texto += "\n" + _("Motivo: %(motivo)s", motivo=solicitud.motivo_resolucion)
    notificar(
        Tipo.reprogramacion_resuelta,
        destinatarios.usuarios_de_region(region.id),
        titulo=titulo % valores,
        texto=texto,
        url=ruta("convenios.programacion", convenio_id=meta.convenio_id, anio=meta.anio),
        excepto=usuario.id,
    )


def _valor(valor) -> str:
    """A goal as the messages write it: 50, 12.5 or "sin meta"."""
    return _("sin meta") if valor is None else format(valor.normalize(), "f")


# --- Periods ---------------------------------------------------------------------------------


def prorroga_otorgada(prorroga: Prorroga, periodo: Periodo, *, usuario_id: int | None) -> None:
    """ODES extended a region's Anexo 4 deadline: the region is told until when and why."""
    region = db.session.get(Region, prorroga.region_id)
    notificar(
        Tipo.prorroga_otorgada,
        destinatarios.usuarios_de_region(region.id),
        titulo=_(
            "Prórroga del Anexo 4 del %(periodo)s: hasta el %(fecha)s",
            periodo=periodo.nombre,
            fecha=fecha(prorroga.fecha_limite),
        ),
        texto=_(
            "La ODES prorrogó hasta el %(fecha)s el plazo de %(region)s para presentar el "
            "Anexo 4 del %(periodo)s. Motivo: %(motivo)s",
            fecha=fecha(prorroga.fecha_limite),
            region=region.nombre,
            periodo=periodo.nombre,
            motivo=prorroga.motivo,
        ),
        url=ruta("convenios.anexo4", periodo=periodo.codigo),
        excepto=usuario_id,
    )


# --- Reminders -------------------------------------------------------------------------------


def recordatorios_anexo4(hoy: date) -> int:
    """Reminders of the Anexo 4 deadlines of the open semesters (see the module doc)."""
    creadas = 0
    for periodo in periodos_queries.abiertos_con_plazo(Periodo.fecha_limite_anexo4):
        creadas += _recordatorios_periodo(periodo, hoy)
    return creadas


def _recordatorios_periodo(periodo: Periodo, hoy: date) -> int:
    """One semester's Anexo 4 reminders and digests for hoy; how many were created."""
    limites = {p.region_id: p.fecha_limite for p in anexo4_queries.prorrogas(periodo)}
    reportes = {
        r.convenio_id: r
        for r in db.session.scalars(sa.select(Reporte).where(Reporte.periodo_id == periodo.id))
    }
    creadas = 0
    vencidos: list[tuple[Convenio, date]] = []
    for convenio in anexo4_queries.convenios_esperados(periodo):
        reporte = reportes.get(convenio.id)
        if reporte is not None and reporte.enviado_en is not None:
            continue  # sent once: on time or late, no longer "not sent"
        limite = limites.get(convenio.region_id, periodo.fecha_limite_anexo4)
        dias = (limite - hoy).days
        url = (
            ruta("convenios.ver_anexo4", reporte_id=reporte.id)
            if reporte is not None
            else ruta("convenios.anexo4", periodo=periodo.codigo)
        )
        usuarios = destinatarios.usuarios_de_region(convenio.region_id)
        marca = marca_plazo(dias)
        if marca:
            creadas += len(
                notificar(
                    Tipo.recordatorio_plazo,
                    usuarios,
                    titulo=_(
                        "Recordatorio: el Anexo 4 del %(periodo)s vence el %(fecha)s",
                        periodo=periodo.nombre,
                        fecha=fecha(limite),
                    ),
                    texto=texto_falta(hoy, limite)
                    + " "
                    + _(
                        "El Anexo 4 del %(periodo)s de %(region)s aún no se ha enviado. "
                        "Complételo y envíelo a revisión.",
                        periodo=periodo.nombre,
                        region=convenio.region.nombre,
                    ),
                    url=url,
                    clave=f"anexo4:{periodo.codigo}:{limite.isoformat()}:{marca}",
                )
            )
        elif dias < 0:
            vencidos.append((convenio, limite))
            if hoy.weekday() == LUNES:
                creadas += len(
                    notificar(
                        Tipo.resumen_vencidos,
                        usuarios,
                        titulo=_(
                            "Anexo 4 del %(periodo)s vencido: %(region)s",
                            periodo=periodo.nombre,
                            region=convenio.region.nombre,
                        ),
                        texto=texto_vencido(hoy, limite)
                        + " "
                        + _(
                            "El Anexo 4 del %(periodo)s de %(region)s aún no se ha enviado. "
                            "Envíelo cuanto antes o solicite una prórroga a la ODES.",
                            periodo=periodo.nombre,
                            region=convenio.region.nombre,
                        ),
                        url=url,
                        clave=f"anexo4:{periodo.codigo}:{semana(hoy)}",
                    )
                )
    if vencidos and hoy.weekday() == LUNES:
        lineas = [f"- {c.region.nombre}: " + texto_vencido(hoy, limite) for c, limite in vencidos]
        creadas += len(
            notificar(
                Tipo.resumen_vencidos,
                destinatarios.usuarios_odes(),
                titulo=ngettext(
                    "Anexo 4 del %(periodo)s: %(num)s región sin enviar tras el plazo",
                    "Anexo 4 del %(periodo)s: %(num)s regiones sin enviar tras el plazo",
                    len(vencidos),
                    periodo=periodo.nombre,
                ),
                texto=_(
                    "Regiones que aún no envían el Anexo 4 del %(periodo)s después de su plazo:",
                    periodo=periodo.nombre,
                )
                + "\n"
                + "\n".join(lineas),
                url=ruta("convenios.completitud", periodo=periodo.codigo),
                clave=f"anexo4:{periodo.codigo}:{semana(hoy)}",
            )
        )
    return creadas
