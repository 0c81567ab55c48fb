"""Building a report PDF: the version of its inputs, reuse of a stored file, the build job.

A generated PDF is stored once per *huella*: the sha256 of the report's data version (every
input of the calculations) plus the narrative and the motto it was built with. Asking again
for a report whose inputs have not changed returns the stored file without rebuilding it.

A build runs in a background thread with its own app context and database session, so the
request returns at once and the server keeps answering others; the thread writes its progress
to a `GeneracionInforme` row that the page polls. With INFORME_SINCRONO the build runs inside
the request (tests, command line). A build that fails leaves no file and records the error.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Usuario
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


def interrumpida(generacion: GeneracionInforme) -> bool:
    """A job still marked as running that has not reported progress for PLAZO_SIN_NOVEDAD."""
    if not generacion.activa or generacion.actualizado_en is None:
        return False
    momento = generacion.actualizado_en
    if momento.tzinfo is None:  # SQLite returns naive UTC
        momento = momento.replace(tzinfo=UTC)
    return momento < ahora() - PLAZO_SIN_NOVEDAD


def cerrar_interrumpidas(informe: Informe) -> None:
    """Mark the report's dead jobs as failed, so nobody waits for them."""
    for generacion in db.session.scalars(
        sa.select(GeneracionInforme).where(
            GeneracionInforme.informe_id == informe.id,
            GeneracionInforme.estado.in_([EstadoGeneracion.pendiente, EstadoGeneracion.en_curso]),
        )
    ):
        if interrumpida(generacion):
            generacion.estado = EstadoGeneracion.error
            generacion.error = str(MENSAJE_INTERRUMPIDA)


def generacion_activa(informe: Informe, borrador: bool) -> GeneracionInforme | None:
    """A build of the same kind still queued or running (and alive) for this report."""
    limite = ahora() - PLAZO_SIN_NOVEDAD
    return db.session.scalar(
        sa.select(GeneracionInforme)
        .where(
            GeneracionInforme.informe_id == informe.id,
            GeneracionInforme.borrador == borrador,
            GeneracionInforme.estado.in_([EstadoGeneracion.pendiente, EstadoGeneracion.en_curso]),
            GeneracionInforme.actualizado_en >= limite,
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
    """Return the stored file for the current inputs, or start building it in the background.

    Commits: the job row must be visible to the builder's own session before it starts.
    """
    datos = _datos(informe.periodo, informe, borrador)
    version = datos_informe.huella(datos)
    existente = archivo_existente(informe, version, borrador)
    if existente is not None:
        return Solicitud(archivo=existente)
    if not borrador:
        exigir_nota_de_version(informe, version)
    cerrar_interrumpidas(informe)
    activa = generacion_activa(informe, borrador)
    if activa is not None:
        return Solicitud(generacion=activa)
    # The data is already read and the build starts right away: the job is born running.
    generacion = GeneracionInforme(
        informe=informe,
        borrador=borrador,
        estado=EstadoGeneracion.en_curso,
        fraccion=0.05,
        mensaje=_("Componiendo el informe"),
        creado_por_id=usuario.id,
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
    # The builder draws the data just read (frozen, no ORM objects), under its version.
    lanzar(generacion.id, (datos, version))
    return Solicitud(generacion=generacion)


def lanzar(generacion_id: int, preparados: tuple | None = None) -> None:
    """Run the build of a committed job: in a thread, or now when INFORME_SINCRONO is set.

    ``preparados`` is (DatosInforme, version) already read for it, saving a second read.
    """
    app = current_app._get_current_object()
    if app.config.get("INFORME_SINCRONO"):
        construir(app, generacion_id, preparados)
        return
    threading.Thread(
        target=construir,
        args=(app, generacion_id, preparados),
        name=f"informe-{generacion_id}",
        daemon=True,
    ).start()


# --- The build -------------------------------------------------------------------------------


class _Progreso:
    """Callback given to the PDF builder: writes the job's progress, at most every
    INTERVALO_PROGRESO seconds (each write is a commit: one per chart made slow disks count).

    The job's state was committed just before the build, so the first write waits an interval
    too; the end (fraction 1) is only set: the commit that stores the file follows at once.
    """

    def __init__(self, generacion: GeneracionInforme):
        self.generacion = generacion
        self._ultima = time.monotonic()

    def __call__(self, fraccion: float, mensaje: str | None = None) -> None:
        """Record how far the build is (written only once an interval has passed)."""
        fraccion = min(max(float(fraccion), 0.0), 1.0)
        momento = time.monotonic()
        if momento - self._ultima < INTERVALO_PROGRESO and fraccion < 1.0:
            return
        self._ultima = momento
        # The build itself is shown up to 95 %; storing the file is the rest.
        self.generacion.fraccion = round(0.05 + 0.9 * fraccion, 4)
        if mensaje:
            self.generacion.mensaje = str(mensaje)[:200]
        if fraccion < 1.0:
            db.session.commit()


def construir(app: Flask, generacion_id: int, preparados: tuple | None = None) -> None:
    """Build and store the file of one job, in its own app context and database session."""
    with app.app_context():
        try:
            _construir(generacion_id, preparados)
        except Exception as error:  # noqa: BLE001 - any failure is recorded on the job
            log.exception("Falló la generación del informe %s", generacion_id)
            db.session.rollback()
            generacion = db.session.get(GeneracionInforme, generacion_id)
            if generacion is not None:
                generacion.estado = EstadoGeneracion.error
                generacion.mensaje = _("No se pudo generar el informe")
                generacion.error = (str(error) or error.__class__.__name__)[:1000]
                db.session.commit()


def _construir(generacion_id: int, preparados: tuple | None = None) -> None:
    """Draw the job's PDF (unless a file of the same inputs exists) and store it."""
    # Imported here: ReportLab and the fonts load on the first build, not at start-up.
    from app.informes import pdf

    generacion = db.session.get(GeneracionInforme, generacion_id)
    if generacion is None or not generacion.activa:
        return
    informe = generacion.informe
    borrador = generacion.borrador
    if preparados is not None:
        # generar() read the data and committed the job as running: no write needed here.
        datos, version = preparados
    else:
        generacion.estado = EstadoGeneracion.en_curso
        generacion.fraccion = 0.01
        generacion.mensaje = _("Reuniendo los datos")
        db.session.commit()
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
            progreso=_Progreso(generacion),
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
