"""Capacity-building programme: months, activities, regional plan, execution tracking.

Services take plain data and model objects, never the request; the route commits. Every
write is audited. Who may do what:

- ODES: everything (creates and approves programmes, manages any activity, records any run);
- a directorate (direccion): the activities of its own unit, and their runs in any region;
- a region (drtpe): the runs of its own region only (execution, reprogramming, cancellation).
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.auditoria import cambios, registrar_evento
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.convenios.services import evidencias
from app.extensions import db
from app.mejora_continua.models.evaluaciones import ItemEvaluacion, TipoItem
from app.mejora_continua.models.programacion import (
    MESES,
    MESES_CORTOS,
    Actividad,
    EstadoPrograma,
    EstadoProgramacion,
    MovimientoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
)

if TYPE_CHECKING:  # the queries module imports this one
    from app.mejora_continua.queries.programacion import ActividadResumida

log = logging.getLogger(__name__)

#: Longest free text accepted for reasons and notes.
LARGO_MOTIVO = 2000


class ErrorProgramacion(ErrorNegocio):
    """A programme rule was broken; the message is shown to the user."""


# --- Months --------------------------------------------------------------------------------

#: Full names a token may abbreviate ("sep…" is accepted besides the Peruvian "set…").
_NOMBRES = {nombre: numero for numero, nombre in enumerate(MESES, start=1)} | {"septiembre": 9}
#: Words that may surround months in the documents ("el mes de mayo de 2021", "Abri y -Agos").
_RELLENO = {"y", "e", "de", "del", "el", "la", "los", "mes", "meses", "en", "para"}
_SEPARADORES = re.compile(r"[\s,;:/()\[\]\-–—.]+")


def _sin_tildes(texto: str) -> str:
    """Lower-case text without accents."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", texto) if not unicodedata.combining(c)
    ).lower()


def _mes_de(token: str) -> int | None:
    """The month a single token names: a number 1–12 or a prefix of at least 3 letters."""
    if token.isdecimal():  # isdigit() accepts "²", which int() refuses
        numero = int(token)
        return numero if 1 <= numero <= 12 else None
    if len(token) < 3 or not token.isalpha():
        return None
    for nombre, numero in _NOMBRES.items():
        if nombre.startswith(token):
            return numero
    return None


def leer_meses(texto: str | None, *, anio: int | None = None) -> list[int]:
    """Parse the months of a text as the documents spell them; return sorted month numbers.

    Accepts abbreviations of any length from 3 letters ("Ene", "Ener", "Febr", "Marz", "Abri",
    "Agos", "Set", "Sept"), full names ("mayo de 2021"), numbers 1–12 and any mix of separators
    ("Feb, Mar y Abri", "Abri y -Agos"). A dash joins two months, never a range: "May-Set" is
    May and September, as "Abri y -Agos" shows. Four-digit years are skipped (and must equal
    anio when given). Empty text gives []. Raises ErrorProgramacion on an unknown word.
    """
    meses: set[int] = set()
    for token in _SEPARADORES.split(_sin_tildes(texto or "")):
        if not token or token in _RELLENO:
            continue
        if len(token) == 4 and token.isdecimal():
            if anio is not None and int(token) != anio:
                raise ErrorProgramacion(
                    _(
                        "El año %(token)s no corresponde a la programación %(anio)s.",
                        token=token,
                        anio=anio,
                    ),
                    "meses",
                )
            continue
        mes = _mes_de(token)
        if mes is None:
            raise ErrorProgramacion(
                _(
                    "No se reconoce el mes «%(token)s». Escriba el nombre del mes o su abreviatura "
                    "(Ene, Feb, Mar, Abr, May, Jun, Jul, Ago, "
                    "Set, Oct, Nov, Dic) o su número (1 a 12).",
                    token=token,
                ),
                "meses",
            )
        meses.add(mes)
    return sorted(meses)


def texto_meses(meses: Iterable[int]) -> str:
    """Months the way the documents write them: "Feb", "Feb y Set", "Ene, May y Set"."""
    cortos = [MESES_CORTOS[m - 1].capitalize() for m in sorted(set(meses))]
    if len(cortos) <= 1:
        return "".join(cortos)
    return ", ".join(cortos[:-1]) + " y " + cortos[-1]


_GRUPO = re.compile(r"([^()]*)\(([^()]*)\)")


def leer_detalle(
    texto: str | None, resolver: Callable[[str], Region | None] | None = None
) -> dict[int, set[int]]:
    """Parse a DETALLE text, "Callao y Loreto (Abr); Ica (Feb y Set)", into months by region.

    Regions are resolved through the catalogue's names and aliases (typos of the documents
    included); "26 regiones" means all of them. Raises ErrorProgramacion naming the unknown
    region or month.
    """
    if resolver is None:
        from app.catalogo.queries import region_por_nombre as resolver
    texto = (texto or "").strip()
    resultado: dict[int, set[int]] = {}
    fin = 0
    for grupo in _GRUPO.finditer(texto):
        fin = grupo.end()
        nombres, meses_texto = grupo.group(1), grupo.group(2)
        meses = leer_meses(meses_texto)
        if not meses:
            raise ErrorProgramacion(
                _(
                    "Indique los meses entre paréntesis para «%(strip)s».",
                    strip=nombres.strip(" ,;."),
                ),
                "detalle",
            )
        if re.search(r"\b26\s+regiones\b", _sin_tildes(nombres)):
            regiones = list(db.session.scalars(sa.select(Region)))
        else:
            regiones = []
            for nombre in re.split(r",|;|\n|\by\b|\be\b", nombres):
                nombre = nombre.strip(" .-:•\t")
                if not nombre:
                    continue
                region = resolver(nombre)
                if region is None:
                    raise ErrorProgramacion(
                        _("No se reconoce la región «%(nombre)s».", nombre=nombre), "detalle"
                    )
                regiones.append(region)
        if not regiones:
            raise ErrorProgramacion(
                _("Indique las regiones antes de «(%(meses_texto)s)».", meses_texto=meses_texto),
                "detalle",
            )
        for region in regiones:
            resultado.setdefault(region.id, set()).update(meses)
    if texto[fin:].strip(" .;,\n"):
        raise ErrorProgramacion(
            _(
                "Falta el mes entre paréntesis después de «%(valor)s».",
                valor=texto[fin:].strip()[:60],
            ),
            "detalle",
        )
    return resultado


# --- Who may do what -----------------------------------------------------------------------


def puede_gestionar_actividad(actividad: Actividad, usuario: Usuario) -> bool:
    """ODES manages every activity; a directorate only those of its own unit."""
    if usuario.rol is Rol.odes:
        return True
    return usuario.rol is Rol.direccion and actividad.unidad_id == usuario.unidad_id


def puede_ver_programacion(programacion: ProgramacionRegional, usuario: Usuario) -> bool:
    """A region sees only its own runs; every other role sees all of them."""
    if usuario.rol is Rol.drtpe:
        return programacion.region_id == usuario.region_id
    return True


def puede_registrar(programacion: ProgramacionRegional, usuario: Usuario) -> bool:
    """Execution is recorded by the region itself, the activity's unit or ODES."""
    if usuario.rol is Rol.drtpe:
        return programacion.region_id == usuario.region_id
    return puede_gestionar_actividad(programacion.actividad, usuario)


def _exigir_gestion(actividad: Actividad, usuario: Usuario) -> None:
    """Refuse unless the user manages the activity."""
    if not puede_gestionar_actividad(actividad, usuario):
        raise ErrorProgramacion(
            _("Solo la unidad responsable de la actividad o la ODES pueden cambiarla.")
        )


def _exigir_registro(programacion: ProgramacionRegional, usuario: Usuario) -> None:
    """Refuse unless the user may record execution of the run."""
    if not puede_registrar(programacion, usuario):
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
    motivo = _motivo(motivo, _("Indique el motivo para reabrir la programación."))
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


def _motivo(texto: str | None, mensaje: str, campo: str = "motivo") -> str:
    """A required, bounded reason; raise with mensaje when empty."""
    texto = (texto or "").strip()
    if not texto:
        raise ErrorProgramacion(mensaje, campo)
    if len(texto) > LARGO_MOTIVO:
        raise ErrorProgramacion(
            _("Máximo %(LARGO_MOTIVO)s caracteres.", LARGO_MOTIVO=LARGO_MOTIVO), campo
        )
    return texto


# --- Activities ----------------------------------------------------------------------------


def _validar_actividad(programa: ProgramaCapacidades, datos: dict[str, Any], excluir_id=None):
    """Check an activity's IdG, unit, name and number (unique in the IdG)."""
    indicador = db.session.get(Indicador, datos.get("indicador_id") or 0)
    if indicador is None:
        raise ErrorProgramacion(_("Seleccione el indicador de gestión."), "indicador_id")
    if db.session.get(UnidadMTPE, datos.get("unidad_id") or 0) is None:
        raise ErrorProgramacion(_("Seleccione la unidad responsable."), "unidad_id")
    if not (datos.get("nombre") or "").strip():
        raise ErrorProgramacion(_("Escriba el nombre de la actividad."), "nombre")
    numero = datos.get("numero")
    if numero is not None and numero < 1:
        raise ErrorProgramacion(_("El número debe ser 1 o mayor."), "numero")
    repetido = sa.select(Actividad.id).filter_by(
        programa_id=programa.id, indicador_id=indicador.id, numero=numero
    )
    if excluir_id:
        repetido = repetido.where(Actividad.id != excluir_id)
    if numero is not None and db.session.scalar(repetido):
        raise ErrorProgramacion(
            _(
                "Ya hay una actividad N° %(numero)s del IdG %(numero2)s en esta programación.",
                numero=numero,
                numero2=indicador.numero,
            ),
            "numero",
        )


def _recomendaciones(ids: Iterable[int], indicador_id: int) -> list[ItemEvaluacion]:
    """The recommendation items of ids; each must be a recommendation of the same IdG."""
    items = []
    for item_id in dict.fromkeys(ids):
        item = db.session.get(ItemEvaluacion, item_id)
        if (
            item is None
            or item.tipo is not TipoItem.recomendacion
            or item.evaluacion.indicador_id != indicador_id
        ):
            raise ErrorProgramacion(
                _("Solo se pueden vincular recomendaciones del mismo indicador de gestión."),
                "recomendaciones",
            )
        items.append(item)
    return items


def _siguiente_numero(programa: ProgramaCapacidades, indicador_id: int) -> int:
    """The next free activity number of an IdG in a programme."""
    mayor = db.session.scalar(
        sa.select(sa.func.max(Actividad.numero)).filter_by(
            programa_id=programa.id, indicador_id=indicador_id
        )
    )
    return (mayor or 0) + 1


def _limpio(datos: dict[str, Any]) -> dict[str, Any]:
    """The activity fields, trimmed."""
    return {
        "indicador_id": datos["indicador_id"],
        "unidad_id": datos["unidad_id"],
        "numero": datos.get("numero"),
        "nombre": " ".join((datos.get("nombre") or "").split()),
        "descripcion": (datos.get("descripcion") or "").strip() or None,
        "nota": (datos.get("nota") or "").strip() or None,
    }


def crear_actividad(
    programa: ProgramaCapacidades, datos: dict[str, Any], *, usuario: Usuario
) -> Actividad:
    """Add an activity; a directorate can only add activities run by its own unit."""
    if usuario.rol is Rol.direccion:
        datos = {**datos, "unidad_id": usuario.unidad_id}
    elif usuario.rol is not Rol.odes:
        raise ErrorProgramacion(_("Solo las direcciones del MTPE y la ODES registran actividades."))
    _validar_actividad(programa, datos)
    limpio = _limpio(datos)
    if limpio["numero"] is None:
        limpio["numero"] = _siguiente_numero(programa, limpio["indicador_id"])
    # Looked up before the activity exists: attached to the programme but not yet in the
    # session, it would be caught half-added by the autoflush of these lookups.
    recomendaciones = _recomendaciones(datos.get("recomendacion_ids") or [], limpio["indicador_id"])
    actividad = Actividad(programa=programa, recomendaciones=recomendaciones, **limpio)
    db.session.add(actividad)
    db.session.flush()
    registrar_evento(
        "crear",
        "actividad_programa",
        actividad.id,
        usuario_id=usuario.id,
        despues={
            **limpio,
            "recomendaciones": [i.id for i in actividad.recomendaciones],
        },
    )
    return actividad


def editar_actividad(
    actividad: Actividad, datos: dict[str, Any], *, usuario: Usuario, version: int | None = None
) -> Actividad:
    """Change an activity's data; a directorate cannot hand it over to another unit.

    Raises EdicionConcurrente if the activity was saved since `version` was read.
    """
    _exigir_gestion(actividad, usuario)
    comprobar_version(actividad, version)
    if usuario.rol is Rol.direccion:
        datos = {**datos, "unidad_id": actividad.unidad_id}
    datos = {**datos, "numero": datos.get("numero") or actividad.numero}
    _validar_actividad(actividad.programa, datos, actividad.id)
    limpio = _limpio(datos)
    if limpio["indicador_id"] != actividad.indicador_id and any(
        p.estado is not EstadoProgramacion.programada for p in actividad.programaciones
    ):
        raise ErrorProgramacion(
            _("La actividad ya tiene ejecución registrada: no se puede cambiar su indicador."),
            "indicador_id",
        )
    antes, despues = cambios(actividad, limpio)
    if "recomendacion_ids" in datos:
        nuevas = _recomendaciones(datos["recomendacion_ids"] or [], actividad.indicador_id)
        viejas = [i.id for i in actividad.recomendaciones]
        if [i.id for i in nuevas] != viejas:
            antes["recomendaciones"] = viejas
            despues["recomendaciones"] = [i.id for i in nuevas]
            actividad.recomendaciones = nuevas
    if despues:
        registrar_evento(
            "editar",
            "actividad_programa",
            actividad.id,
            usuario_id=usuario.id,
            antes=antes,
            despues=despues,
        )
    return actividad


def _plan_actual(actividad: Actividad) -> dict[tuple[int, int], ProgramacionRegional]:
    """The activity's runs by (region id, month)."""
    return {(p.region_id, p.mes): p for p in actividad.programaciones}


def _texto_plan(claves: Iterable[tuple[int, int]]) -> dict[str, str]:
    """Region name → months, for the audit record."""
    por_region: dict[int, set[int]] = {}
    for region_id, mes in claves:
        por_region.setdefault(region_id, set()).add(mes)
    nombres = {
        r.id: r.nombre
        for r in db.session.scalars(sa.select(Region).where(Region.id.in_(por_region)))
    }
    return {nombres[r]: texto_meses(m) for r, m in sorted(por_region.items())}


def fijar_programacion(
    actividad: Actividad,
    plan: dict[int, Iterable[int]],
    *,
    usuario: Usuario,
    motivo: str | None = None,
) -> tuple[int, int]:
    """Set the regions and months of an activity (region id → months); return (added, removed).

    Runs already executed, moved or cancelled cannot be removed. In an approved programme a
    change needs a reason (and a move of a single run is a reprogramming, not an edit).
    """
    _exigir_gestion(actividad, usuario)
    deseado: set[tuple[int, int]] = set()
    regiones = {r.id for r in db.session.scalars(sa.select(Region))}
    for region_id, meses in plan.items():
        if region_id not in regiones:
            raise ErrorProgramacion(_("Región no válida."), "plan")
        for mes in meses:
            if not isinstance(mes, int) or not 1 <= mes <= 12:
                raise ErrorProgramacion(_("Los meses van del 1 al 12."), "plan")
            deseado.add((region_id, mes))
    actual = _plan_actual(actividad)
    quitar = [p for clave, p in actual.items() if clave not in deseado]
    agregar = sorted(deseado - set(actual))
    con_registro = [
        p for p in quitar if p.estado is not EstadoProgramacion.programada or p.movimientos
    ]
    if con_registro:
        detalle = ", ".join(
            f"{p.region.nombre} ({nombre_mes(p.mes).lower()})" for p in con_registro
        )
        raise ErrorProgramacion(
            _(
                "No se puede quitar lo que ya tiene ejecución, "
                "reprogramación o cancelación registrada: %(detalle)s.",
                detalle=detalle,
            ),
            "plan",
        )
    if not quitar and not agregar:
        return 0, 0
    if actividad.programa.aprobado:
        motivo = _motivo(
            motivo, _("La programación está aprobada: indique el motivo del cambio."), "motivo"
        )
    for programacion in quitar:
        actividad.programaciones.remove(programacion)
    for region_id, mes in agregar:
        actividad.programaciones.append(ProgramacionRegional(region_id=region_id, mes=mes))
    db.session.flush()
    registrar_evento(
        "programar",
        "actividad_programa",
        actividad.id,
        usuario_id=usuario.id,
        antes={"quitado": _texto_plan((p.region_id, p.mes) for p in quitar)} if quitar else None,
        despues={"agregado": _texto_plan(agregar)} if agregar else None,
        motivo=(motivo or "").strip() or None,
    )
    return len(agregar), len(quitar)


def cronograma(actividad: Actividad | ActividadResumida) -> set[int]:
    """The months (1–12) an activity runs in: the current month of every run not cancelled."""
    return {
        p.mes_vigente
        for p in actividad.programaciones
        if p.estado is not EstadoProgramacion.cancelada
    }


# --- Execution -----------------------------------------------------------------------------

_ARCHIVOS_NUEVOS = "programacion_archivos_nuevos"


def carpeta_evidencias() -> Path:
    """Folder of the programme's evidence files (created on first use)."""
    carpeta = evidencias.carpeta_archivos(current_app) / "programacion"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def ruta_evidencia(programacion: ProgramacionRegional) -> Path:
    """Path on disk of a run's evidence, built only from the random stored name."""
    if not evidencias.PATRON_ARCHIVO.match(programacion.evidencia_archivo or ""):
        raise ErrorProgramacion(_("El archivo de la evidencia no es válido."))
    return (
        evidencias.carpeta_archivos(current_app) / "programacion" / programacion.evidencia_archivo
    )


def _guardar_archivo(programacion: ProgramacionRegional, nombre: str, contenido: bytes) -> None:
    """Check and store a run's evidence file; removed again if the transaction rolls back."""
    try:
        tipo = evidencias.validar_archivo(nombre, contenido)
    except evidencias.ErrorEvidencia as error:
        raise ErrorProgramacion(error.mensaje, "evidencia") from None
    extension = evidencias.extension_de(nombre)
    archivo = f"{uuid.uuid4().hex}.{extension}"
    destino = carpeta_evidencias() / archivo
    temporal = destino.with_name(destino.name + ".parcial")
    temporal.write_bytes(contenido)
    os.replace(temporal, destino)
    db.session.info.setdefault(_ARCHIVOS_NUEVOS, []).append(destino)
    programacion.evidencia_nombre = evidencias.nombre_visible(nombre, extension)
    programacion.evidencia_archivo = archivo
    programacion.evidencia_tipo = tipo.mime
    programacion.evidencia_tamanio = len(contenido)


@sa.event.listens_for(Session, "after_commit")
def _al_confirmar(sesion: Session) -> None:
    """Committed: the new evidence files stay."""
    sesion.info.pop(_ARCHIVOS_NUEVOS, None)


@sa.event.listens_for(Session, "after_rollback")
def _al_revertir(sesion: Session) -> None:
    """Rolled back: evidence files written in the transaction are removed."""
    for ruta in sesion.info.pop(_ARCHIVOS_NUEVOS, []):
        try:
            ruta.unlink(missing_ok=True)
        except OSError:
            log.warning("No se pudo borrar el archivo %s", ruta)


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
    motivo = _motivo(motivo, _("Indique el motivo de la reprogramación."))
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
    motivo = _motivo(motivo, _("Indique el motivo de la cancelación."))
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
