"""Goals committed before the semester: ODES opens a cycle's year, each region proposes its
annual and semester goals per IdG, the proponent directorates may observe them, ODES approves
and locks them; afterwards a goal changes only through a reprogramming request that ODES
approves (the goal first approved is kept beside the one in force).

The review steps are app/comun/flujo.py's; services take plain data and model objects and
never commit (the route does).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.catalogo.models import ConjuntoIndicadores
from app.comun import flujo
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora as ahora_utc
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import (
    ANUAL,
    Adenda,
    CategoriaReprogramacion,
    Convenio,
    EstadoCelda,
    EstadoSolicitud,
    LineaReporte,
    Meta,
    Periodo,
    ProgramacionMetas,
    Reporte,
    Reprogramacion,
)
from app.convenios.queries import metas as queries
from app.convenios.queries.convenios import ESTADOS_SUSCRITOS, indicadores_de
from app.convenios.services import avisos
from app.extensions import db

#: The goals each IdG carries in a year: the annual one and the two semesters'
SEMESTRES = (ANUAL, 1, 2)
ETIQUETA_SEMESTRE = {ANUAL: "anual", 1: "I semestre", 2: "II semestre"}


class ErrorMetas(ErrorNegocio):
    """A rule of the goals' programming was broken; the message is shown to the user."""


def _etiqueta(meta_o_indicador, semestre: int) -> str:
    etiqueta = getattr(meta_o_indicador, "etiqueta", None) or meta_o_indicador.indicador.etiqueta
    return f"{etiqueta} ({ETIQUETA_SEMESTRE[semestre]})"


# --- Opening a year --------------------------------------------------------------------------


def abrir_programacion(
    conjunto: ConjuntoIndicadores, anio: int, *, usuario_id: int | None, avisar: bool = True
) -> list[ProgramacionMetas]:
    """Open a cycle's year for programming: one draft per signed convenio of the cycle (those
    already open are kept; run again after a new signature). Returns the drafts created; with
    avisar, each of their regions is notified (the cycle import tells only those it leaves in
    draft)."""
    if not conjunto.cubre(anio):
        raise ErrorMetas(
            _("El año %(anio)s no pertenece al ciclo %(ciclo)s.", anio=anio, ciclo=conjunto.ciclo)
        )
    if not conjunto.indicadores:
        raise ErrorMetas(_("El ciclo %(ciclo)s no tiene IdG.", ciclo=conjunto.ciclo))
    convenios = db.session.scalars(
        sa.select(Convenio).where(
            Convenio.conjunto_id == conjunto.id, Convenio.estado.in_(ESTADOS_SUSCRITOS)
        )
    ).all()
    creadas = []
    for convenio in convenios:
        if queries.programacion(convenio.id, anio) is not None:
            continue
        programacion = ProgramacionMetas(convenio=convenio, anio=anio)
        db.session.add(programacion)
        for indicador in indicadores_de(convenio):
            for semestre in SEMESTRES:
                db.session.add(
                    Meta(convenio=convenio, indicador=indicador, anio=anio, semestre=semestre)
                )
        creadas.append(programacion)
    db.session.flush()
    registrar_evento(
        "abrir_programacion",
        "conjunto_indicadores",
        conjunto.id,
        usuario_id=usuario_id,
        despues={"anio": anio, "convenios": len(creadas)},
    )
    if avisar:
        avisos.programacion_abierta(creadas)
    return creadas


# --- The region's proposal -------------------------------------------------------------------


def puede_editar(programacion: ProgramacionMetas, usuario: Usuario) -> bool:
    """The region of the convenio (or ODES on its behalf) edits a draft or observed proposal."""
    if programacion.estado not in (EstadoReporte.borrador, EstadoReporte.observado):
        return False
    if usuario.rol is Rol.odes:
        return True
    return usuario.rol is Rol.drtpe and usuario.region_id == programacion.convenio.region_id


def guardar_metas(
    programacion: ProgramacionMetas,
    datos: dict[tuple[int, int], dict[str, Any]],
    *,
    usuario: Usuario,
    version: int | None,
) -> None:
    """Save the proposal: (indicator id, semestre) → {estado, valor}; audited, all or nothing."""
    if programacion.aprobada:
        raise ErrorMetas(
            _(
                "Las metas %(anio)s están aprobadas y bloqueadas: para cambiar una, solicite "
                "su reprogramación.",
                anio=programacion.anio,
            )
        )
    if not puede_editar(programacion, usuario):
        raise ErrorMetas(_("Su cuenta no puede editar estas metas ahora."))
    comprobar_version(programacion, version)
    actuales = queries.metas(programacion.convenio_id, programacion.anio)
    antes, despues = {}, {}
    for clave, valores in datos.items():
        meta = actuales.get(clave)
        if meta is None:
            raise ErrorMetas(_("Una de las metas no pertenece a esta programación."))
        estado, valor = valores["estado"], valores.get("valor")
        if estado is not EstadoCelda.valor:
            valor = None
        if valor is not None and valor < 0 and not meta.indicador.admite_negativo:
            raise ErrorMetas(
                _("La meta %(meta)s no puede ser negativa.", meta=_etiqueta(meta, meta.semestre))
            )
        if (meta.estado, meta.valor) != (estado, valor):
            nombre = _etiqueta(meta, meta.semestre)
            antes[nombre] = meta.valor if meta.estado is EstadoCelda.valor else meta.estado
            despues[nombre] = valor if estado is EstadoCelda.valor else estado
            meta.estado, meta.valor = estado, valor
    if despues:
        # Touch the programming so its version moves: goal edits count as its edits.
        programacion.actualizado_en = ahora_utc()
        db.session.flush()
        registrar_evento(
            "editar_metas",
            "programacion_metas",
            programacion.id,
            usuario_id=usuario.id,
            antes=antes,
            despues=despues,
        )


def faltas(programacion: ProgramacionMetas) -> list[str]:
    """What keeps the proposal from being sent: goals with a value state but no value."""
    return [
        _("%(meta)s: escriba la meta o indique que no aplica.", meta=_etiqueta(m, m.semestre))
        for (_i, semestre), m in sorted(
            queries.metas(programacion.convenio_id, programacion.anio).items(),
            key=lambda par: (par[1].indicador.numero, par[0][1]),
        )
        if m.estado is EstadoCelda.valor and m.valor is None
    ]


def enviar_programacion(
    programacion: ProgramacionMetas, *, usuario: Usuario, ahora: datetime
) -> None:
    """Send the complete proposal to review (ODES and the proponent directorates)."""
    if not puede_editar(programacion, usuario):
        raise ErrorMetas(_("Su cuenta no puede enviar estas metas ahora."))
    pendientes = faltas(programacion)
    if pendientes:
        raise ErrorMetas(_("No se puede enviar todavía. %(faltas)s", faltas=" ".join(pendientes)))
    flujo.enviar(programacion, tipo="programacion_metas", usuario_id=usuario.id, ahora=ahora)


# --- Review ----------------------------------------------------------------------------------


def puede_observar(programacion: ProgramacionMetas, usuario: Usuario) -> bool:
    """ODES, or a directorate that proposed one of the convenio's IdG."""
    if usuario.rol is Rol.odes:
        return True
    if usuario.rol is Rol.direccion:
        return any(
            i.proponente_id == usuario.unidad_id for i in indicadores_de(programacion.convenio)
        )
    return False


def observar_programacion(
    programacion: ProgramacionMetas,
    *,
    usuario: Usuario,
    motivo: str,
    indicador_id: int | None = None,
) -> None:
    """Return the sent proposal to the region with a reason (a directorate names its IdG)."""
    if not puede_observar(programacion, usuario):
        raise ErrorMetas(_("Su cuenta no puede observar estas metas."))
    if programacion.estado is not EstadoReporte.enviado:
        raise ErrorMetas(_("Solo se observan metas enviadas."))
    motivo = " ".join((motivo or "").split())
    if not motivo:
        raise ErrorMetas(_("Indique el motivo de la observación; la región lo verá."), "motivo")
    propios = {
        i.id: i
        for i in indicadores_de(programacion.convenio)
        if usuario.rol is Rol.odes or i.proponente_id == usuario.unidad_id
    }
    if usuario.rol is Rol.direccion and indicador_id not in propios:
        raise ErrorMetas(_("Elija el IdG de su dirección que observa."), "indicador_id")
    aviso = f"{propios[indicador_id].etiqueta}: {motivo}" if indicador_id in propios else motivo
    flujo.devolver_a_observado(
        programacion,
        tipo="programacion_metas",
        accion="observar",
        desde=EstadoReporte.enviado,
        motivo=aviso,
        aviso=aviso,
        usuario_id=usuario.id,
    )


def aprobar_programacion(
    programacion: ProgramacionMetas, *, usuario: Usuario, ahora: datetime
) -> None:
    """ODES approves and locks the year's goals; each keeps its first approved value."""
    if usuario.rol is not Rol.odes:
        raise ErrorMetas(_("Solo la ODES aprueba las metas."))
    if programacion.estado is not EstadoReporte.enviado:
        raise ErrorMetas(_("Solo se aprueban metas enviadas."))
    flujo.aprobar(programacion, tipo="programacion_metas", usuario_id=usuario.id, ahora=ahora)
    for meta in queries.metas(programacion.convenio_id, programacion.anio).values():
        if meta.valor_original is None:
            meta.valor_original = meta.valor
    _aplicar_a_anexos(programacion.convenio_id, programacion.anio)


# --- Reprogramming ---------------------------------------------------------------------------


def solicitar_reprogramacion(
    meta: Meta,
    valor_nuevo: Decimal | None,
    motivo: str | None,
    categoria: CategoriaReprogramacion,
    *,
    usuario: Usuario,
    adenda: Adenda | None = None,
) -> Reprogramacion:
    """Ask to change an approved goal: the reason and category are required, an adenda must be
    the convenio's own; one pending request per goal."""
    programacion = queries.programacion(meta.convenio_id, meta.anio)
    if programacion is None or not programacion.aprobada:
        raise ErrorMetas(_("Solo se reprograma una meta aprobada; mientras tanto, edítela."))
    region_id = meta.convenio.region_id
    if not (
        usuario.rol is Rol.odes or (usuario.rol is Rol.drtpe and usuario.region_id == region_id)
    ):
        raise ErrorMetas(_("Su cuenta no puede solicitar la reprogramación de esta meta."))
    motivo = " ".join((motivo or "").split())
    if len(motivo) < 5:
        raise ErrorMetas(_("Explique el motivo de la reprogramación."), "motivo")
    if valor_nuevo == meta.valor:
        raise ErrorMetas(_("La nueva meta es igual a la vigente."), "valor_nuevo")
    if valor_nuevo is not None and valor_nuevo < 0 and not meta.indicador.admite_negativo:
        raise ErrorMetas(_("La meta no puede ser negativa."), "valor_nuevo")
    if categoria is CategoriaReprogramacion.adenda and adenda is None:
        raise ErrorMetas(_("Elija la adenda que cambia la meta."), "adenda_id")
    if adenda is not None and adenda.convenio_id != meta.convenio_id:
        raise ErrorMetas(_("La adenda no es de este convenio."), "adenda_id")
    pendiente = db.session.scalar(
        sa.select(Reprogramacion.id).filter_by(meta_id=meta.id, estado=EstadoSolicitud.pendiente)
    )
    if pendiente:
        raise ErrorMetas(_("Esta meta ya tiene una solicitud de reprogramación pendiente."))
    solicitud = Reprogramacion(
        meta=meta,
        valor_anterior=meta.valor,
        valor_nuevo=valor_nuevo,
        motivo=motivo,
        categoria=categoria,
        adenda=adenda,
        solicitada_por_id=usuario.id,
    )
    db.session.add(solicitud)
    db.session.flush()
    registrar_evento(
        "solicitar_reprogramacion",
        "reprogramacion",
        solicitud.id,
        usuario_id=usuario.id,
        antes={_etiqueta(meta, meta.semestre): meta.valor},
        despues={_etiqueta(meta, meta.semestre): valor_nuevo, "categoria": categoria.value},
        motivo=motivo,
    )
    avisos.reprogramacion_solicitada(
        solicitud, etiqueta=_etiqueta(meta, meta.semestre), usuario=usuario
    )
    return solicitud


def resolver_reprogramacion(
    solicitud: Reprogramacion,
    *,
    aprobar: bool,
    motivo: str | None,
    usuario: Usuario,
    ahora: datetime,
) -> None:
    """ODES approves (the goal in force changes; the original stays) or rejects with a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorMetas(_("Solo la ODES resuelve las reprogramaciones."))
    if solicitud.estado is not EstadoSolicitud.pendiente:
        raise ErrorMetas(_("La solicitud ya fue resuelta."))
    motivo = " ".join((motivo or "").split()) or None
    if not aprobar and not motivo:
        raise ErrorMetas(_("Indique por qué se rechaza la reprogramación."), "motivo")
    meta = solicitud.meta
    solicitud.estado = EstadoSolicitud.aprobada if aprobar else EstadoSolicitud.rechazada
    solicitud.resuelta_por_id, solicitud.resuelta_en = usuario.id, ahora
    solicitud.motivo_resolucion = motivo
    antes = {_etiqueta(meta, meta.semestre): meta.valor}
    if aprobar:
        meta.valor = solicitud.valor_nuevo
        meta.estado = EstadoCelda.valor if meta.valor is not None else meta.estado
        _aplicar_a_anexos(meta.convenio_id, meta.anio)
    registrar_evento(
        "aprobar_reprogramacion" if aprobar else "rechazar_reprogramacion",
        "reprogramacion",
        solicitud.id,
        usuario_id=usuario.id,
        antes=antes,
        despues={_etiqueta(meta, meta.semestre): meta.valor},
        motivo=motivo,
    )
    avisos.reprogramacion_resuelta(
        solicitud, etiqueta=_etiqueta(meta, meta.semestre), usuario=usuario
    )


def _aplicar_a_anexos(convenio_id: int, anio: int) -> None:
    """Copy the semester goals in force into the programmed values of the convenio's Anexo 4
    not yet approved (an approved report keeps what it was approved with)."""
    lineas = db.session.scalars(
        sa.select(LineaReporte)
        .join(Reporte, LineaReporte.reporte_id == Reporte.id)
        .join(Periodo, Reporte.periodo_id == Periodo.id)
        .where(
            Reporte.convenio_id == convenio_id,
            Periodo.anio == anio,
            Reporte.estado != EstadoReporte.aprobado,
        )
    ).all()
    # The goals of each semester read once, not once per line.
    por_semestre = {
        semestre: queries.metas_aprobadas(convenio_id, anio, semestre)
        for semestre in {linea.reporte.periodo.semestre for linea in lineas}
    }
    for linea in lineas:
        meta = por_semestre[linea.reporte.periodo.semestre].get(linea.indicador_id)
        if meta is not None:
            aplicar_meta(linea, meta)


def cifras_de_meta(meta: Meta) -> dict:
    """What an Anexo 4 line takes from its approved goal: the programmed value and, when the
    goal is not applicable or absent this semester, the cell's state."""
    cifras: dict = {"programado": meta.valor}
    if meta.estado is not EstadoCelda.valor:
        cifras["estado"] = meta.estado
    return cifras


def aplicar_meta(linea: LineaReporte, meta: Meta) -> None:
    """An Anexo 4 line takes its approved goal (cifras_de_meta)."""
    for campo, valor in cifras_de_meta(meta).items():
        setattr(linea, campo, valor)
