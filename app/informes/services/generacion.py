"""Building a report PDF: the version of its inputs, reuse of a stored file, the build job.

A generated PDF is stored once per *huella*: the sha256 of the report's data version (every
input of the calculations) plus the narrative and the motto it was built with. Asking again
for a report whose inputs have not changed returns the stored file without rebuilding it.

A build is a job of the queue (app/comun/tareas.py): a worker process draws it (in production),
so the request returns at once and no web worker carries the build's time and memory. The job's
row (`GeneracionInforme`) records who asked, the outcome and the file; its progress is read from
the queue while it runs. A build whose worker died is seen as failed within seconds
(`interrumpida`) and can be started again. A build that fails leaves no file and records the
error.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Usuario
from app.comun import tareas
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.convenios.models import Periodo
from app.extensions import db
from app.informes import informe as datos_informe
from app.informes.models import ArchivoInforme, EstadoGeneracion, GeneracionInforme, Informe
from app.informes.services.archivos import archivo_existente, guardar
from app.informes.services.narrativa import ErrorInforme, lema_de, narrativa_efectiva

log = logging.getLogger(__name__)

#: A job that has not reported progress for this long is considered dead (process restarted).
PLAZO_SIN_NOVEDAD = timedelta(minutes=15)
#: Shortest time between two writes of a running job's progress (the page polls every 1.5 s).
INTERVALO_PROGRESO = 1.0

MENSAJE_INTERRUMPIDA = _l(
    "La generación se interrumpió (por ejemplo, porque el "
    "servidor se reinició). Vuelva a generar el informe."
)


# --- Inputs of a build -----------------------------------------------------------------------


def huella(periodo: Periodo, informe: Informe | None, *, borrador: bool) -> str:
    """Version of a build's inputs: data (approved only unless borrador), narrative, motto."""
    return datos_informe.huella(_datos(periodo, informe, borrador))


def _datos(periodo: Periodo, informe: Informe | None, borrador: bool):
    """The report's data as a build of these inputs draws it (DatosInforme)."""
    return datos_informe.datos_informe(
        periodo,
        incluir_no_aprobados=borrador,
        narrativa=narrativa_efectiva(informe, periodo),
        lema=lema_de(informe, periodo),
    )


def version_siguiente(informe: Informe) -> int:
    """The version a new final file of the report is: 1 until one is published, then one more
    than the newest published version (a published file never changes: a correction is a new
    version)."""
    publicadas = [a.numero_version or 1 for a in informe.versiones_publicadas]
    return max(publicadas, default=0) + 1


def exigir_nota_de_version(informe: Informe, version: str) -> None:
    """Refuse a new final version of a published report without the note of what it corrects."""
    publicadas = informe.versiones_publicadas
    if not publicadas or any(a.version_datos == version for a in publicadas):
        return
    if not (informe.nota_version or "").strip():
        raise ErrorInforme(
            _(
                "El informe ya tiene una versión publicada: indique qué corrige la nueva "
                "versión (se imprime en su portada) antes de generarla."
            )
        )


# --- Jobs ------------------------------------------------------------------------------------

#: A job the queue knows nothing about this long after it was created is considered lost
#: (Redis restarted, or the process that ran it in "hilo" mode is gone).
PLAZO_SIN_COLA = timedelta(seconds=30)
#: Data already read by generar() for a build run in this same process (modes without Redis).
_PREPARADOS: dict[int, tuple] = {}


def _momento(valor):
    """A stored timestamp as aware UTC (SQLite returns naive UTC)."""
    return valor.replace(tzinfo=UTC) if valor is not None and valor.tzinfo is None else valor


def estado_tarea(generacion: GeneracionInforme) -> tareas.EstadoTarea | None:
    """The queue's view of a running build (None for rows without a job: older builds)."""
    return tareas.estado(generacion.tarea_id) if generacion.tarea_id else None


def interrumpida(generacion: GeneracionInforme) -> bool:
    """A build still marked as running whose job died (its worker was killed, the queue lost
    it); for rows older than the queue, one without progress for PLAZO_SIN_NOVEDAD."""
    if not generacion.activa:
        return False
    if generacion.tarea_id:
        actual = estado_tarea(generacion)
        if actual is None:
            creada = _momento(generacion.creado_en)
            return creada is not None and creada < ahora() - PLAZO_SIN_COLA
        return actual.estado == "fallida"
    momento = _momento(generacion.actualizado_en)
    return momento is not None and momento < ahora() - PLAZO_SIN_NOVEDAD


def cerrar_interrumpidas(informe: Informe) -> None:
    """Mark the report's dead jobs as failed, so nobody waits for them."""
    for generacion in db.session.scalars(
        sa.select(GeneracionInforme).where(
            GeneracionInforme.informe_id == informe.id,
            GeneracionInforme.estado.in_([EstadoGeneracion.pendiente, EstadoGeneracion.en_curso]),
        )
    ):
        if interrumpida(generacion):
            actual = estado_tarea(generacion)
            generacion.estado = EstadoGeneracion.error
            generacion.error = (actual.error if actual and actual.error else None) or str(
                MENSAJE_INTERRUMPIDA
            )


def generacion_activa(informe: Informe, borrador: bool) -> GeneracionInforme | None:
    """A build of the same kind still queued or running (and alive) for this report."""
    return db.session.scalar(
        sa.select(GeneracionInforme)
        .where(
            GeneracionInforme.informe_id == informe.id,
            GeneracionInforme.borrador == borrador,
            GeneracionInforme.estado.in_([EstadoGeneracion.pendiente, EstadoGeneracion.en_curso]),
        )
        .order_by(GeneracionInforme.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Solicitud:
    """What generar() did: reused a stored file, or queued (or joined) a build job."""

    archivo: ArchivoInforme | None = None
    generacion: GeneracionInforme | None = None

    @property
    def reutilizado(self) -> bool:
        """True when the stored file was reused (no build)."""
        return self.archivo is not None


def generar(informe: Informe, usuario: Usuario, borrador: bool) -> Solicitud:
    """Return the stored file for the current inputs, or queue the job that builds it.

    Several users asking at once share one job: the check and the new job row happen under a
    lock every app server shares. Commits: the job reads the row from its own session.
    """
    datos = _datos(informe.periodo, informe, borrador)
    version = datos_informe.huella(datos)
    existente = archivo_existente(informe, version, borrador)
    if existente is not None:
        return Solicitud(archivo=existente)
    if not borrador:
        exigir_nota_de_version(informe, version)
    try:
        return _encolar_generacion(informe, usuario, borrador, datos, version)
    except tareas.ColaNoDisponible as error:
        log.error("La cola de tareas no responde: %s", error)
        raise ErrorInforme(
            _(
                "La cola de tareas no responde, así que el informe no se puede generar ahora. "
                "Intente de nuevo en unos minutos; si persiste, avise a soporte."
            )
        ) from error


def _encolar_generacion(informe, usuario, borrador: bool, datos, version: str) -> Solicitud:
    """Join the build of the same kind that is running, or queue a new one (under a lock)."""
    with tareas.exclusivo(f"informe-{informe.id}-{int(borrador)}"):
        # Read under the lock (each statement sees what others committed): another server
        # may have queued the same build a moment ago.
        cerrar_interrumpidas(informe)
        activa = generacion_activa(informe, borrador)
        if activa is not None:
            return Solicitud(generacion=activa)
        generacion = GeneracionInforme(
            informe=informe,
            borrador=borrador,
            estado=EstadoGeneracion.pendiente,
            fraccion=0.0,
            mensaje=_("En cola"),
            creado_por_id=usuario.id,
            tarea_id=uuid.uuid4().hex,
        )
        db.session.add(generacion)
        db.session.flush()
        registrar_evento(
            "generar_informe",
            "informe",
            informe.id,
            usuario_id=usuario.id,
            despues={"tipo": "vista previa (BORRADOR)" if borrador else "informe final"},
        )
        db.session.commit()
    if tareas.modo() != "redis":
        # Run in this process: the job draws the data just read instead of reading it again.
        _PREPARADOS[generacion.id] = (datos, version)
    try:
        tareas.encolar(
            "app.informes.services.generacion.construir",
            generacion.id,
            id_tarea=generacion.tarea_id,
        )
    except tareas.ColaNoDisponible:
        _PREPARADOS.pop(generacion.id, None)
        generacion.estado = EstadoGeneracion.error
        generacion.error = _("La cola de tareas no respondió.")
        db.session.commit()
        raise
    # In synchronous mode the job already ran (in its own session): read its outcome.
    db.session.expire(generacion)
    return Solicitud(generacion=generacion)


# --- The build -------------------------------------------------------------------------------


class _Progreso:
    """Callback given to the PDF builder: reports the job's progress to the queue (never to
    the database: a progress write must not change the data version of every page), at most
    every INTERVALO_PROGRESO seconds."""

    def __init__(self):
        self._ultima = time.monotonic()

    def __call__(self, fraccion: float, mensaje: str | None = None) -> None:
        """Record how far the build is (sent only once an interval has passed)."""
        fraccion = min(max(float(fraccion), 0.0), 1.0)
        momento = time.monotonic()
        if momento - self._ultima < INTERVALO_PROGRESO and fraccion < 1.0:
            return
        self._ultima = momento
        # The build itself is shown up to 95 %; storing the file is the rest.
        tareas.progreso(0.05 + 0.9 * fraccion, mensaje)


def construir(generacion_id: int) -> None:
    """The build job: draw and store one report file; a failure is recorded on its row."""
    preparados = _PREPARADOS.pop(generacion_id, None)
    try:
        _construir(generacion_id, preparados)
    except Exception as error:
        log.exception("Falló la generación del informe %s", generacion_id)
        db.session.rollback()
        generacion = db.session.get(GeneracionInforme, generacion_id)
        if generacion is not None:
            generacion.estado = EstadoGeneracion.error
            generacion.mensaje = _("No se pudo generar el informe")
            generacion.error = (str(error) or error.__class__.__name__)[:1000]
            db.session.commit()
        raise


def _construir(generacion_id: int, preparados: tuple | None = None) -> None:
    """Draw the job's PDF (unless a file of the same inputs exists) and store it."""
    # Imported here: ReportLab and the fonts load on the first build, not at start-up.
    from app.informes import pdf

    generacion = db.session.get(GeneracionInforme, generacion_id)
    if generacion is None or not generacion.activa:
        return
    informe = generacion.informe
    borrador = generacion.borrador
    # Running is the queue's to say (estado_tarea): the row is written once, at the end.
    tareas.progreso(0.05, _("Reuniendo los datos"))
    if preparados is not None:
        datos, version = preparados
    else:
        datos = _datos(informe.periodo, informe, borrador)
        # The version of exactly the data being drawn, even if something changed meanwhile.
        version = datos_informe.huella(datos)

    numero = None if borrador else version_siguiente(informe)
    nota = (informe.nota_version or "").strip() or None if numero and numero > 1 else None

    def terminar(archivo: ArchivoInforme) -> None:
        """Mark the job finished with its file (inside the commit that stores the file)."""
        if numero is not None and archivo.numero_version is None:
            archivo.numero_version, archivo.nota_version = numero, nota
        generacion.archivo = archivo
        generacion.estado = EstadoGeneracion.terminado
        generacion.fraccion = 1.0
        generacion.mensaje = _("Informe listo")

    existente = archivo_existente(informe, version, borrador)
    if existente is None:
        contenido = pdf.informe_pdf(
            datos,
            borrador=borrador,
            progreso=_Progreso(),
            version=numero,
            nota_version=nota,
        )
        if not contenido.startswith(b"%PDF"):
            raise ErrorInforme(_("El generador no produjo un PDF válido."))
        # The job ends in the same commit that stores the file.
        guardar(
            informe, version, borrador, contenido, generacion.creado_por_id, al_guardar=terminar
        )
    else:
        terminar(existente)
        db.session.commit()
