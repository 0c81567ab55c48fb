"""Anexo 4 workflow: the draft, its lines, submit / return / approve / reopen.

The states and the steps shared with the Anexo 5 are app/comun/flujo.py; the checks of a cell
are services.anexo4_lineas. Services take plain data and model objects, never the request; the
route commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import Usuario
from app.auth.permisos import mensaje_publicado, semestre_publicado
from app.catalogo.models import Indicador
from app.comun import flujo
from app.comun.auditoria import cambios, registrar_evento, registrar_eventos
from app.comun.base import ahora as ahora_utc
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    LineaReporte,
    Meta,
    Periodo,
    Reporte,
)
from app.convenios.queries import metas as metas_queries
from app.convenios.queries.anexo4 import ejecutados_anteriores, prorroga_de
from app.convenios.queries.convenios import indicadores_de
from app.convenios.services import avisos
from app.convenios.services.anexo4_lineas import (
    Revision,
    diferencia_con_meta,
    revisar_conteos,
    revisar_linea,
)
from app.convenios.services.metas import cifras_de_meta
from app.convenios.services.periodos import fecha_texto
from app.extensions import db


class ErrorAnexo4(ErrorNegocio):
    """A workflow or data rule was broken; the message is shown to the user."""


# --- Reports -------------------------------------------------------------------------------


def _revisar_creacion(convenio: Convenio, periodo: Periodo, indicadores: list) -> None:
    """Refuse a draft the convenio may not have: unsigned, not covering the semester, signed
    after it, or a cycle without IdG."""
    if not convenio.esta_suscrito:
        raise ErrorAnexo4(_("El convenio de esta región no está suscrito."))
    if not (convenio.anio_inicio <= periodo.anio <= convenio.anio_fin):
        raise ErrorAnexo4(
            _(
                "El convenio %(periodo)s no cubre el %(nombre)s.",
                periodo=convenio.periodo,
                nombre=periodo.nombre,
            )
        )
    if convenio.fecha_suscripcion and convenio.fecha_suscripcion > periodo.fin:
        raise ErrorAnexo4(
            _(
                "El convenio se suscribió el %(fecha)s, después del %(nombre)s: no reporta ese "
                "semestre.",
                fecha=fecha_texto(convenio.fecha_suscripcion),
                nombre=periodo.nombre,
            )
        )
    if not indicadores:
        raise ErrorAnexo4(
            _("El ciclo del convenio no tiene IdG: la ODES debe definirlos antes del reporte.")
        )


def obtener_o_crear_reporte(
    convenio: Convenio, periodo: Periodo, *, usuario_id: int | None
) -> Reporte:
    """Return the Anexo 4 of a convenio and semester, creating the draft with one line per IdG
    (with the year's goals approved, the programmed values are those goals, read-only)."""
    return obtener_o_crear_reportes([(convenio, periodo)], usuario_id=usuario_id)[
        (convenio.id, periodo.id)
    ]


def obtener_o_crear_reportes(
    pares: list[tuple[Convenio, Periodo]], *, usuario_id: int | None
) -> dict[tuple[int, int], Reporte]:
    """`obtener_o_crear_reporte` for many convenios and semesters (a whole semester's import),
    by (convenio id, periodo id): the same rules, lines and audit in a fixed number of
    statements, not a handful per report."""
    pedidos = {(c.id, p.id) for c, p in pares}
    reportes = {
        (r.convenio_id, r.periodo_id): r
        for r in db.session.scalars(
            sa.select(Reporte).where(
                Reporte.convenio_id.in_({c for c, _p in pedidos}),
                Reporte.periodo_id.in_({p for _c, p in pedidos}),
            )
        )
        if (r.convenio_id, r.periodo_id) in pedidos
    }
    faltan = [(c, p) for c, p in pares if (c.id, p.id) not in reportes]
    if not faltan:
        return reportes
    conjuntos = {c.conjunto_id for c, _p in faltan if c.conjunto_id is not None}
    por_conjunto: dict[int, list] = {}
    for indicador in db.session.scalars(
        sa.select(Indicador).where(Indicador.conjunto_id.in_(conjuntos)).order_by(Indicador.numero)
    ):
        por_conjunto.setdefault(indicador.conjunto_id, []).append(indicador)
    metas = metas_queries.metas_aprobadas_de({(c.id, p.anio, p.semestre) for c, p in faltan})
    for convenio, periodo in faltan:
        _revisar_creacion(convenio, periodo, por_conjunto.get(convenio.conjunto_id, []))
    # A draft has one line per IdG of its cycle. Plain INSERTs by batch (the unit of work
    # costs several times more per line), read back as objects with their lines in two queries.
    ids = db.session.scalars(
        sa.insert(Reporte).returning(Reporte.id, sort_by_parameter_order=True),
        [
            {"convenio_id": c.id, "periodo_id": p.id, "estado": EstadoReporte.borrador}
            for c, p in faltan
        ],
    ).all()
    lineas = []
    for reporte_id, (convenio, periodo) in zip(ids, faltan, strict=True):
        aprobadas = metas[(convenio.id, periodo.anio, periodo.semestre)]
        for indicador in por_conjunto[convenio.conjunto_id]:
            meta = aprobadas.get(indicador.id)
            lineas.append(
                {
                    "reporte_id": reporte_id,
                    "indicador_id": indicador.id,
                    "indicador_numero": indicador.numero,
                    "estado": EstadoCelda.valor,
                    "programado": None,
                    **(cifras_de_meta(meta) if meta is not None else {}),
                }
            )
    db.session.execute(sa.insert(LineaReporte), lineas)
    registrar_eventos("crear", "reporte", ids, usuario_id=usuario_id)
    for reporte in db.session.scalars(
        sa.select(Reporte)
        .where(Reporte.id.in_(ids))
        .options(selectinload(Reporte.lineas).lazyload(LineaReporte.indicador))
    ):
        reportes[(reporte.convenio_id, reporte.periodo_id)] = reporte
    return reportes


def motivo_bloqueo(reporte: Reporte, hoy: date) -> str | None:
    """Why the region can't edit this report now (None = it can)."""
    if reporte.estado is EstadoReporte.aprobado:
        return _("El Anexo 4 está aprobado y bloqueado. Solo la ODES puede reabrirlo.")
    if reporte.estado is EstadoReporte.enviado:
        return _(
            "El Anexo 4 fue enviado y está en revisión; podrá "
            "modificarlo si la ODES o la dirección proponente lo observa."
        )
    if not reporte.periodo.abierto:
        return _("El periodo %(nombre)s está cerrado.", nombre=reporte.periodo.nombre)
    cierre = reporte.periodo.fecha_cierre_anexo4
    prorroga = prorroga_de(reporte.periodo, reporte.convenio.region_id)
    # An extension past the close keeps the region's report open until its own date.
    if cierre and prorroga and prorroga > cierre:
        cierre = prorroga
    if cierre and hoy > cierre:
        return _(
            "El plazo para presentar el Anexo 4 venció el %(fecha)s.", fecha=fecha_texto(cierre)
        )
    return None


def guardar_lineas(
    reporte: Reporte,
    datos: dict[int, dict[str, Any]],
    *,
    usuario: Usuario,
    hoy: date,
    version: int | None,
) -> dict[int, Revision]:
    """Save a draft: datos maps line id → {estado, programado, ejecutado, numerador,
    denominador, comentario, motivo_estado} (the counts may be absent: none given).

    A ratio IdG's ejecutado is computed from its counts (anexo4_lineas.revisar_conteos).
    Raises ErrorAnexo4 if the report is locked, EdicionConcurrente if it was saved since
    `version` was read; returns the per-line review, and writes nothing when any line has an
    error.
    """
    bloqueo = motivo_bloqueo(reporte, hoy)
    if bloqueo:
        raise ErrorAnexo4(bloqueo)
    comprobar_version(reporte, version)
    anteriores = ejecutados_anteriores(reporte)
    lineas = {linea.id: linea for linea in reporte.lineas}
    periodo = reporte.periodo
    metas = metas_queries.metas_aprobadas(reporte.convenio_id, periodo.anio, periodo.semestre)
    revisiones = {}
    aplicar: dict[int, dict[str, Any]] = {}
    for linea_id, valores in datos.items():
        linea = lineas.get(linea_id)
        if linea is None:
            raise ErrorAnexo4(_("Una de las filas no pertenece a este Anexo 4."))
        meta = metas.get(linea.indicador_id)
        error_meta = None
        if meta is not None:
            # The approved goal is the programmed value: read-only here.
            error_meta = diferencia_con_meta(linea.indicador, valores["programado"], meta)
            valores = {**valores, "programado": meta.valor}
        conteos = {c: valores.get(c) for c in ("numerador", "denominador")}
        ejecutado, errores_conteo = revisar_conteos(
            linea.indicador, valores["estado"], **conteos, ejecutado=valores["ejecutado"]
        )
        revision = revisiones[linea_id] = revisar_linea(
            linea.indicador,
            valores["estado"],
            valores["programado"],
            ejecutado,
            anteriores.get(linea.indicador_id),
        )
        revision.errores.update(errores_conteo)
        if error_meta:
            revision.errores["programado"] = error_meta
        aplicar[linea_id] = {**valores, **conteos, "ejecutado": ejecutado}
    if any(r.errores for r in revisiones.values()):
        return revisiones
    antes_total: dict[str, Any] = {}
    despues_total: dict[str, Any] = {}
    for linea_id, valores in aplicar.items():
        linea = lineas[linea_id]
        antes, despues = cambios(linea, valores)
        prefijo = linea.indicador.etiqueta
        antes_total.update({f"{prefijo} {k}": v for k, v in antes.items()})
        despues_total.update({f"{prefijo} {k}": v for k, v in despues.items()})
    if despues_total:
        # Touch the report so its version column moves: line edits count as report edits.
        reporte.actualizado_en = ahora_utc()
        db.session.flush()
        registrar_evento(
            "editar",
            "reporte",
            reporte.id,
            usuario_id=usuario.id,
            antes=antes_total,
            despues=despues_total,
        )
    return revisiones


def enviar(reporte: Reporte, *, usuario: Usuario, ahora: datetime) -> None:
    """Submit the report for review once every line is complete and every warning explained."""
    bloqueo = motivo_bloqueo(reporte, ahora.date())
    if bloqueo:
        raise ErrorAnexo4(bloqueo)
    anteriores = ejecutados_anteriores(reporte)
    faltas = faltas_de_conjunto(reporte)
    for linea in reporte.lineas:
        revision = revisar_linea(
            linea.indicador,
            linea.estado,
            linea.programado,
            linea.ejecutado,
            anteriores.get(linea.indicador_id),
            completo=True,
        )
        etiqueta = linea.indicador.etiqueta
        faltas += [f"{etiqueta}: {m}" for m in revision.errores.values()]
        if revision.advertencias and not (linea.comentario or "").strip():
            faltas.append(
                _(
                    "%(etiqueta)s: explique en el comentario el valor fuera de lo habitual.",
                    etiqueta=etiqueta,
                )
            )
        if linea.estado is EstadoCelda.no_aplica and not (linea.motivo_estado or "").strip():
            faltas.append(_("%(etiqueta)s: indique por qué no aplica.", etiqueta=etiqueta))
        if (
            linea.indicador.requiere_evidencia
            and linea.estado is EstadoCelda.valor
            and not linea.evidencias
        ):
            faltas.append(
                _(
                    "%(etiqueta)s: adjunte el medio de verificación que exige el IdG.",
                    etiqueta=etiqueta,
                )
            )
    if faltas:
        raise ErrorAnexo4(_("No se puede enviar todavía. %(faltas)s", faltas=" ".join(faltas)))
    flujo.enviar(reporte, tipo="reporte", usuario_id=usuario.id, ahora=ahora)
    avisos.anexo4_enviado(reporte, usuario=usuario)


def faltas_de_conjunto(reporte: Reporte) -> list[str]:
    """The IdG of the convenio's cycle the report has no line for (and an empty report)."""
    if not reporte.lineas:
        return [_("El Anexo 4 no tiene ninguna línea de IdG.")]
    presentes = {linea.indicador_id for linea in reporte.lineas}
    return [
        _("%(etiqueta)s: falta su línea en el Anexo 4.", etiqueta=indicador.etiqueta)
        for indicador in indicadores_de(reporte.convenio)
        if indicador.id not in presentes
    ]


def puede_observar(reporte: Reporte, usuario: Usuario) -> bool:
    """ODES, or a directorate that proposed one of the report's IdG, may return it."""
    if usuario.rol is Rol.odes:
        return True
    if usuario.rol is Rol.direccion:
        return any(linea.indicador.proponente_id == usuario.unidad_id for linea in reporte.lineas)
    return False


def observar(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """Return a submitted report to the region with a required reason."""
    if not puede_observar(reporte, usuario):
        raise ErrorAnexo4(_("Su cuenta no puede observar este Anexo 4."))
    if reporte.estado is not EstadoReporte.enviado:
        raise ErrorAnexo4(_("Solo se puede observar un Anexo 4 enviado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorAnexo4(_("Indique el motivo de la observación; la región lo verá."), "motivo")
    flujo.devolver_a_observado(
        reporte,
        tipo="reporte",
        accion="observar",
        desde=EstadoReporte.enviado,
        motivo=motivo,
        aviso=motivo,
        usuario_id=usuario.id,
    )
    avisos.anexo4_observado(reporte, usuario=usuario, motivo=motivo)


def aprobar(reporte: Reporte, *, usuario: Usuario, ahora: datetime) -> None:
    """Approve and lock a submitted report; first approval fixes the original goals."""
    if usuario.rol is not Rol.odes:
        raise ErrorAnexo4(_("Solo la ODES aprueba el Anexo 4."))
    if reporte.estado is not EstadoReporte.enviado:
        raise ErrorAnexo4(_("Solo se puede aprobar un Anexo 4 enviado."))
    flujo.aprobar(reporte, tipo="reporte", usuario_id=usuario.id, ahora=ahora)
    fijar_originales([reporte])
    avisos.anexo4_aprobado(reporte, usuario=usuario)


def fijar_originales(reportes: Iterable[Reporte]) -> None:
    """Keep as first approved the programmed values of the reports' lines and the annual goals
    of their convenio years: a value already kept stays (a later change keeps both).

    Two statements whatever the number of reports, so the bulk import approves thousands of
    lines as the form approves one report.
    """
    reportes = list(reportes)
    if not reportes:
        return
    db.session.execute(
        sa.update(LineaReporte)
        .where(
            LineaReporte.reporte_id.in_(sorted({r.id for r in reportes})),
            LineaReporte.programado_original.is_(None),
        )
        .values(programado_original=LineaReporte.programado)
        # The session's copy is set below from the reports' own lines: SQLAlchemy's
        # synchronisation would test every object of the session (a fifth of a 10,000-row
        # import's writing time, measured).
        .execution_options(synchronize_session=False)
    )
    for reporte in reportes:
        for linea in reporte.lineas:
            if linea.programado_original is None:
                set_committed_value(linea, "programado_original", linea.programado)
    # By year, not as (convenio, year) pairs: PostgreSQL matched a row-value IN list of 1,800
    # pairs against every goal (half a second of a municipal import); `anio = … AND convenio_id
    # IN (…)` uses the goals' unique index.
    por_anio: dict[int, set[int]] = {}
    for reporte in reportes:
        por_anio.setdefault(reporte.periodo.anio, set()).add(reporte.convenio_id)
    db.session.execute(
        sa.update(Meta)
        .where(
            sa.or_(
                *(
                    sa.and_(Meta.anio == anio, Meta.convenio_id.in_(sorted(convenios)))
                    for anio, convenios in sorted(por_anio.items())
                )
            ),
            Meta.valor_original.is_(None),
        )
        .values(valor_original=Meta.valor)
    )


def reabrir(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopens an approved report (back to observado) with a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorAnexo4(_("Solo la ODES puede reabrir un Anexo 4 aprobado."))
    if reporte.estado is not EstadoReporte.aprobado:
        raise ErrorAnexo4(_("Solo se reabre un Anexo 4 aprobado."))
    if semestre_publicado(reporte.periodo_id):
        raise ErrorAnexo4(mensaje_publicado())
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorAnexo4(_("Indique el motivo de la reapertura."), "motivo")
    flujo.devolver_a_observado(
        reporte,
        tipo="reporte",
        accion="reabrir",
        desde=EstadoReporte.aprobado,
        motivo=motivo,
        aviso=_("Reabierto por la ODES: %(motivo)s", motivo=motivo),
        usuario_id=usuario.id,
    )
    avisos.anexo4_reabierto(reporte, usuario=usuario, motivo=motivo)
