"""Anexo 4 workflow: periods, drafts, validation, submit / return / approve / reopen.

Services take plain data and model objects, never the request; the route commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.catalogo.models import Indicador, TipoValor
from app.comun.auditoria import cambios, registrar_evento
from app.comun.base import ahora as ahora_utc
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoReporte,
    LineaReporte,
    MetaAnual,
    Periodo,
    Reporte,
)
from app.extensions import db

#: A value outside this range (in %) is plausible only with a comment.
RANGO_PORCENTAJE = (Decimal(0), Decimal(100))
RANGO_VARIACION = (Decimal(-100), Decimal(200))
#: A change of more than this many points from the previous semester needs a comment.
SALTO_MAXIMO = Decimal(50)
#: Hard limits: anything beyond is a typing error, never a result.
LIMITE_ABSOLUTO = Decimal(1000)


class ErrorAnexo4(ErrorNegocio):
    """A workflow or data rule was broken; the message is shown to the user."""


def _fecha(valor: date | None) -> str:
    return valor.strftime("%d/%m/%Y") if valor else ""


def _num(valor: Decimal) -> str:
    """A figure without trailing zeros: 58.00 → "58", 60.50 → "60.5"."""
    return format(valor.normalize(), "f")


# --- Periods -------------------------------------------------------------------------------


def validar_periodo(datos: dict[str, Any], excluir_id: int | None = None) -> None:
    """Check a period's year, semester and due dates."""
    anio, semestre = datos["anio"], datos["semestre"]
    if semestre not in (1, 2):
        raise ErrorAnexo4(_("El semestre debe ser I o II."), "semestre")
    fin_semestre = date(anio, 6, 30) if semestre == 1 else date(anio, 12, 31)
    for campo in ("fecha_limite_anexo4", "fecha_cierre_anexo4", "fecha_limite_anexo5"):
        if datos.get(campo) and datos[campo] <= fin_semestre:
            raise ErrorAnexo4(
                _(
                    "La fecha debe ser posterior al cierre del semestre (%(fecha)s).",
                    fecha=_fecha(fin_semestre),
                ),
                campo,
            )
    limite, cierre = datos.get("fecha_limite_anexo4"), datos.get("fecha_cierre_anexo4")
    if limite and cierre and cierre < limite:
        raise ErrorAnexo4(
            _("El cierre no puede ser anterior a la fecha límite del Anexo 4."),
            "fecha_cierre_anexo4",
        )
    repetido = sa.select(Periodo.id).filter_by(anio=anio, semestre=semestre)
    if excluir_id:
        repetido = repetido.where(Periodo.id != excluir_id)
    if db.session.scalar(repetido):
        raise ErrorAnexo4(_("Ese semestre ya está registrado."), "semestre")


def crear_periodo(datos: dict[str, Any], *, usuario_id: int | None) -> Periodo:
    """Open a new reporting semester."""
    validar_periodo(datos)
    periodo = Periodo(**datos)
    db.session.add(periodo)
    db.session.flush()
    registrar_evento("crear", "periodo", periodo.id, usuario_id=usuario_id, despues=datos)
    return periodo


def editar_periodo(
    periodo: Periodo, datos: dict[str, Any], *, usuario_id: int | None, motivo: str | None = None
) -> Periodo:
    """Change a period's due dates or open/closed state."""
    validar_periodo({"anio": periodo.anio, "semestre": periodo.semestre, **datos}, periodo.id)
    antes, despues = cambios(periodo, datos)
    if despues:
        registrar_evento(
            "editar",
            "periodo",
            periodo.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
            motivo=motivo,
        )
    return periodo


# --- Reports -------------------------------------------------------------------------------


def convenios_firmados(region_id: int) -> sa.Select:
    """Select of a region's signed convenios, the one in force first when several overlap.

    The newest (latest start, then latest registered) wins: the form and the import resolve a
    year to the same convenio through this one order.
    """
    return (
        sa.select(Convenio)
        .where(Convenio.region_id == region_id, Convenio.fecha_suscripcion.is_not(None))
        .order_by(Convenio.anio_inicio.desc(), Convenio.id.desc())
    )


def convenio_vigente(region_id: int, anio: int) -> Convenio | None:
    """The signed convenio of a region that covers a year (the newest, if several do)."""
    return db.session.scalar(
        convenios_firmados(region_id)
        .where(Convenio.anio_inicio <= anio, Convenio.anio_fin >= anio)
        .limit(1)
    )


def indicadores_de(convenio: Convenio) -> list[Indicador]:
    """The IdG a convenio carries, in number order."""
    if convenio.conjunto_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Indicador)
            .where(Indicador.conjunto_id == convenio.conjunto_id)
            .order_by(Indicador.numero)
        )
    )


def obtener_o_crear_reporte(
    convenio: Convenio, periodo: Periodo, *, usuario_id: int | None
) -> Reporte:
    """Return the Anexo 4 of a convenio and semester, creating the draft with one line per IdG."""
    reporte = db.session.scalar(
        sa.select(Reporte).filter_by(convenio_id=convenio.id, periodo_id=periodo.id)
    )
    if reporte is not None:
        return reporte
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
    reporte = Reporte(convenio=convenio, periodo=periodo, estado=EstadoReporte.borrador)
    reporte.lineas = [
        LineaReporte(indicador=i, indicador_numero=i.numero, estado=EstadoCelda.valor)
        for i in indicadores_de(convenio)
    ]
    db.session.add(reporte)
    db.session.flush()
    registrar_evento("crear", "reporte", reporte.id, usuario_id=usuario_id)
    return reporte


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
    if cierre and hoy > cierre:
        return _("El plazo para presentar el Anexo 4 venció el %(fecha)s.", fecha=_fecha(cierre))
    return None


@dataclass
class Revision:
    """Result of checking one line: errors block saving, warnings need a comment."""

    errores: dict[str, str] = field(default_factory=dict)
    advertencias: list[str] = field(default_factory=list)


def revisar_linea(
    indicador: Indicador,
    estado: EstadoCelda,
    programado: Decimal | None,
    ejecutado: Decimal | None,
    ejecutado_anterior: Decimal | None = None,
    *,
    completo: bool = False,
) -> Revision:
    """Check one IdG cell; with completo=True a value cell must carry both figures."""
    revision = Revision()
    if estado is not EstadoCelda.valor:
        if programado is not None or ejecutado is not None:
            revision.errores["estado"] = _(
                "Con el estado «%(etiqueta)s» no se registran valores; déjelos en blanco.",
                etiqueta=estado.etiqueta,
            )
        return revision
    for campo, valor in (("programado", programado), ("ejecutado", ejecutado)):
        if valor is None:
            if completo:
                revision.errores[campo] = _("Indique el valor o cambie el estado de la celda.")
            continue
        if abs(valor) > LIMITE_ABSOLUTO:
            revision.errores[campo] = _(
                "El valor %(cifra)s %% no es admisible (máximo ±1000 %%).", cifra=_num(valor)
            )
        elif valor < 0 and not indicador.admite_negativo:
            revision.errores[campo] = _(
                "El %(etiqueta)s es un porcentaje y no admite valores negativos.",
                etiqueta=indicador.etiqueta,
            )
    if revision.errores:
        return revision
    minimo, maximo = (
        RANGO_PORCENTAJE if indicador.tipo_valor is TipoValor.porcentaje else RANGO_VARIACION
    )
    for nombre, valor in (("programado", programado), ("ejecutado", ejecutado)):
        if valor is not None and not (minimo <= valor <= maximo):
            revision.advertencias.append(
                _(
                    "%(etiqueta)s: %(nombre)s %(cifra)s %% está fuera "
                    "del rango habitual (%(minimo)s %% a %(maximo)s %%).",
                    etiqueta=indicador.etiqueta,
                    nombre=nombre,
                    cifra=_num(valor),
                    minimo=minimo,
                    maximo=maximo,
                )
            )
    if ejecutado is not None and ejecutado_anterior is not None:
        salto = abs(ejecutado - ejecutado_anterior)
        if salto > SALTO_MAXIMO:
            revision.advertencias.append(
                _(
                    "%(etiqueta)s: la ejecución cambia %(cifra)s puntos "
                    "respecto del semestre anterior (%(cifra2)s %%).",
                    etiqueta=indicador.etiqueta,
                    cifra=_num(salto),
                    cifra2=_num(ejecutado_anterior),
                )
            )
    return revision


def ejecutados_anteriores(reporte: Reporte) -> dict[int, Decimal]:
    """Executed values of the previous semester's approved report, by IdG id."""
    periodo = reporte.periodo
    anio, semestre = (periodo.anio, 1) if periodo.semestre == 2 else (periodo.anio - 1, 2)
    filas = db.session.execute(
        sa.select(LineaReporte.indicador_id, LineaReporte.ejecutado)
        .join(Reporte)
        .join(Periodo)
        .join(Convenio)
        .where(
            Convenio.region_id == reporte.convenio.region_id,
            Periodo.anio == anio,
            Periodo.semestre == semestre,
            Reporte.estado == EstadoReporte.aprobado,
            LineaReporte.estado == EstadoCelda.valor,
        )
    )
    return {indicador_id: ejecutado for indicador_id, ejecutado in filas if ejecutado is not None}


def advertencias(reporte: Reporte) -> dict[int, list[str]]:
    """Warnings of every line, by line id."""
    anteriores = ejecutados_anteriores(reporte)
    return {
        linea.id: revisar_linea(
            linea.indicador,
            linea.estado,
            linea.programado,
            linea.ejecutado,
            anteriores.get(linea.indicador_id),
        ).advertencias
        for linea in reporte.lineas
    }


def guardar_lineas(
    reporte: Reporte,
    datos: dict[int, dict[str, Any]],
    *,
    usuario: Usuario,
    hoy: date,
    version: int | None,
) -> dict[int, Revision]:
    """Save a draft: datos maps line id → {estado, programado, ejecutado, comentario, motivo}.

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
    revisiones = {}
    for linea_id, valores in datos.items():
        linea = lineas.get(linea_id)
        if linea is None:
            raise ErrorAnexo4(_("Una de las filas no pertenece a este Anexo 4."))
        revisiones[linea_id] = revisar_linea(
            linea.indicador,
            valores["estado"],
            valores["programado"],
            valores["ejecutado"],
            anteriores.get(linea.indicador_id),
        )
    if any(r.errores for r in revisiones.values()):
        return revisiones
    antes_total: dict[str, Any] = {}
    despues_total: dict[str, Any] = {}
    for linea_id, valores in datos.items():
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
    faltas = []
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
    if faltas:
        raise ErrorAnexo4(_("No se puede enviar todavía. %(faltas)s", faltas=" ".join(faltas)))
    anterior = reporte.estado
    reporte.estado = EstadoReporte.enviado
    if reporte.enviado_en is None:
        reporte.enviado_en = ahora
    registrar_evento(
        "enviar",
        "reporte",
        reporte.id,
        usuario_id=usuario.id,
        antes={"estado": anterior},
        despues={"estado": reporte.estado},
    )


def puede_observar(reporte: Reporte, usuario: Usuario) -> bool:
    """ODES, or a directorate that proposed one of the report's IdG, may return it."""
    if usuario.rol is Rol.odes:
        return True
    if usuario.rol is Rol.direccion:
        return any(linea.indicador.proponente_id == usuario.unidad_id for linea in reporte.lineas)
    return False


def devolver_a_observado(
    objeto,
    *,
    tipo: str,
    accion: str,
    desde: EstadoReporte,
    motivo: str,
    aviso: str,
    usuario_id: int,
) -> None:
    """Move a report or evaluation back to observado, showing aviso to its author; audited.

    Shared by the Anexo 4 and Anexo 5 workflows (return and reopen).
    """
    objeto.estado = EstadoReporte.observado
    objeto.motivo_observacion = aviso
    registrar_evento(
        accion,
        tipo,
        objeto.id,
        usuario_id=usuario_id,
        antes={"estado": desde},
        despues={"estado": objeto.estado},
        motivo=motivo,
    )


def observar(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """Return a submitted report to the region with a required reason."""
    if not puede_observar(reporte, usuario):
        raise ErrorAnexo4(_("Su cuenta no puede observar este Anexo 4."))
    if reporte.estado is not EstadoReporte.enviado:
        raise ErrorAnexo4(_("Solo se puede observar un Anexo 4 enviado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorAnexo4(_("Indique el motivo de la observación; la región lo verá."), "motivo")
    devolver_a_observado(
        reporte,
        tipo="reporte",
        accion="observar",
        desde=EstadoReporte.enviado,
        motivo=motivo,
        aviso=motivo,
        usuario_id=usuario.id,
    )


def aprobar(reporte: Reporte, *, usuario: Usuario, ahora: datetime) -> None:
    """Approve and lock a submitted report; first approval fixes the original goals."""
    if usuario.rol is not Rol.odes:
        raise ErrorAnexo4(_("Solo la ODES aprueba el Anexo 4."))
    if reporte.estado is not EstadoReporte.enviado:
        raise ErrorAnexo4(_("Solo se puede aprobar un Anexo 4 enviado."))
    reporte.estado = EstadoReporte.aprobado
    reporte.aprobado_en = ahora
    reporte.aprobado_por_id = usuario.id
    reporte.motivo_observacion = None
    fijar_originales(reporte)
    registrar_evento(
        "aprobar",
        "reporte",
        reporte.id,
        usuario_id=usuario.id,
        antes={"estado": EstadoReporte.enviado},
        despues={"estado": reporte.estado},
    )


def fijar_originales(reporte: Reporte, *, metas: bool = True) -> None:
    """Keep the programmed values (and annual goals, unless metas=False) as first approved."""
    for linea in reporte.lineas:
        if linea.programado_original is None:
            linea.programado_original = linea.programado
    if not metas:
        return
    for meta in db.session.scalars(
        sa.select(MetaAnual).filter_by(convenio_id=reporte.convenio_id, anio=reporte.periodo.anio)
    ):
        if meta.valor_original is None:
            meta.valor_original = meta.valor


def fijar_metas_originales(claves: set[tuple[int, int]]) -> None:
    """Keep the annual goals of many (convenio id, year) as first approved, in one statement."""
    if claves:
        db.session.execute(
            sa.update(MetaAnual)
            .where(
                sa.tuple_(MetaAnual.convenio_id, MetaAnual.anio).in_(sorted(claves)),
                MetaAnual.valor_original.is_(None),
            )
            .values(valor_original=MetaAnual.valor)
        )


def reabrir(reporte: Reporte, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopens an approved report (back to observado) with a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorAnexo4(_("Solo la ODES puede reabrir un Anexo 4 aprobado."))
    if reporte.estado is not EstadoReporte.aprobado:
        raise ErrorAnexo4(_("Solo se reabre un Anexo 4 aprobado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorAnexo4(_("Indique el motivo de la reapertura."), "motivo")
    devolver_a_observado(
        reporte,
        tipo="reporte",
        accion="reabrir",
        desde=EstadoReporte.aprobado,
        motivo=motivo,
        aviso=_("Reabierto por la ODES: %(motivo)s", motivo=motivo),
        usuario_id=usuario.id,
    )


# --- Annual goals --------------------------------------------------------------------------


def guardar_metas_anuales(
    convenio: Convenio, anio: int, valores: dict[int, Decimal | None], *, usuario_id: int | None
) -> None:
    """Set the annual goal of each IdG (by indicator id) for one convenio and year."""
    if not (convenio.anio_inicio <= anio <= convenio.anio_fin):
        raise ErrorAnexo4(
            _(
                "El convenio %(periodo)s no cubre el año %(anio)s.",
                periodo=convenio.periodo,
                anio=anio,
            ),
            "anio",
        )
    existentes = {
        m.indicador_id: m
        for m in db.session.scalars(
            sa.select(MetaAnual).filter_by(convenio_id=convenio.id, anio=anio)
        )
    }
    permitidos = {i.id: i for i in indicadores_de(convenio)}
    antes_total, despues_total = {}, {}
    for indicador_id, valor in valores.items():
        indicador = permitidos.get(indicador_id)
        if indicador is None:
            raise ErrorAnexo4(_("Un indicador no pertenece al convenio."))
        if valor is not None and valor < 0 and not indicador.admite_negativo:
            raise ErrorAnexo4(
                _("La meta del %(etiqueta)s no puede ser negativa.", etiqueta=indicador.etiqueta)
            )
        meta = existentes.get(indicador_id)
        if meta is None:
            meta = MetaAnual(convenio=convenio, indicador=indicador, anio=anio)
            db.session.add(meta)
        if meta.valor != valor:
            antes_total[indicador.etiqueta] = meta.valor
            despues_total[indicador.etiqueta] = valor
            meta.valor = valor
    if despues_total:
        registrar_evento(
            "metas_anuales",
            "convenio",
            convenio.id,
            usuario_id=usuario_id,
            antes=antes_total,
            despues={"anio": anio, **despues_total},
        )
