"""Writes of the situational report: narrative, generation of the PDF, publication.

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
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.auth.models import Usuario
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.convenios.models import Periodo
from app.convenios.services.evidencias import carpeta_archivos
from app.extensions import db
from app.informes.models import (
    ArchivoInforme,
    EstadoGeneracion,
    EstadoInforme,
    GeneracionInforme,
    Informe,
)

log = logging.getLogger(__name__)

#: Longest text accepted for one narrative section, and for the motto.
LARGO_SECCION = 20_000
LARGO_LEMA = 200
#: A job that has not reported progress for this long is considered dead (process restarted).
PLAZO_SIN_NOVEDAD = timedelta(minutes=15)
#: Shortest time between two writes of a running job's progress (the page polls every 1.5 s).
INTERVALO_PROGRESO = 1.0
#: Shape of the names this module gives stored report files.
PATRON_ARCHIVO = re.compile(r"^[0-9a-f]{32}\.pdf$")

#: Titles of the narrative sections, in report order (keys of NARRATIVA_POR_DEFECTO).
TITULOS_NARRATIVA = {
    "antecedentes": _l("I. Antecedentes"),
    "base_legal": _l("II. Base legal (una norma por línea)"),
    "objetivo_2": _l("III. Objetivos — segundo objetivo"),
    "funciones_intro": _l("IV. Funciones transferidas — introducción"),
    "fuente_funciones": _l("IV. Fuente del Gráfico Nº 01"),
    "convenios_intro": _l("V. Convenios de Gestión — introducción"),
    "idg_intro": _l("VI. Indicadores de Gestión — introducción"),
    "servicios_cierre": _l("VI. Indicadores de Gestión — servicios públicos (cierre)"),
    "contexto_vii": _l("VII. Nivel de cumplimiento — contexto del semestre"),
    "nota_desempeno": _l("VII. Nota al pie «desempeño»"),
    "metodo_viii": _l("VIII. Avances por IdG — método"),
    "contexto_ix": _l("IX. Comparación semestral — contexto"),
}

# Running build threads by job id (lets the command line and tests wait for them).
_HILOS: dict[int, threading.Thread] = {}


class ErrorInforme(ErrorNegocio):
    """A report action was refused; the message is shown to the user."""


# --- Reading helpers -------------------------------------------------------------------------


def publicado(periodo_id: int) -> bool:
    """Whether the semester's report is published (its figures are then public)."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Informe)
            .where(Informe.periodo_id == periodo_id, Informe.estado == EstadoInforme.publicado)
        )
    )


def informe_de(periodo: Periodo, *, crear: bool = False) -> Informe | None:
    """The semester's report row (created, unsaved-until-commit, when crear is set)."""
    informe = db.session.scalar(sa.select(Informe).filter_by(periodo_id=periodo.id))
    if informe is None and crear:
        informe = Informe(periodo=periodo, estado=EstadoInforme.borrador, narrativa={})
        db.session.add(informe)
        db.session.flush()
    return informe


def narrativa_por_defecto() -> dict[str, str]:
    """The 2020 texts, the default of every narrative section."""
    from app.informes.narrativa import NARRATIVA_POR_DEFECTO

    return dict(NARRATIVA_POR_DEFECTO)


def claves_narrativa() -> list[str]:
    """Narrative section keys in report order (known titles first, then any other default)."""
    defecto = narrativa_por_defecto()
    conocidas = [c for c in TITULOS_NARRATIVA if c in defecto]
    return conocidas + sorted(c for c in defecto if c not in TITULOS_NARRATIVA)


def titulo_seccion(clave: str) -> str:
    """Title of a narrative section as shown in the edit form."""
    return TITULOS_NARRATIVA.get(clave, clave.replace("_", " ").capitalize())


def narrativa_efectiva(informe: Informe | None) -> dict[str, str]:
    """Every narrative section: the report's override where there is one, else the default."""
    textos = narrativa_por_defecto()
    if informe is not None:
        textos.update({k: v for k, v in (informe.narrativa or {}).items() if k in textos})
    return textos


def huella(periodo: Periodo, informe: Informe | None, *, borrador: bool) -> str:
    """Version of a build's inputs: data (approved only unless borrador), narrative, motto."""
    from app.informes import informe as datos_informe

    return datos_informe.huella(_datos(periodo, informe, borrador))


def _datos(periodo: Periodo, informe: Informe | None, borrador: bool):
    """The report's data as a build of these inputs draws it (DatosInforme)."""
    from app.informes import informe as datos_informe

    return datos_informe.datos_informe(
        periodo,
        incluir_no_aprobados=borrador,
        narrativa=narrativa_efectiva(informe),
        lema=informe.lema if informe else None,
    )


def carpeta_informes(app: Flask) -> Path:
    """Folder of stored report files (created on first use)."""
    carpeta = carpeta_archivos(app) / "informes"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def ruta_archivo(archivo: ArchivoInforme) -> Path:
    """Path on disk of a stored report, built only from its random name."""
    if not PATRON_ARCHIVO.match(archivo.ruta or ""):
        raise ErrorInforme(_("El archivo del informe no es válido."))
    return carpeta_archivos(current_app) / "informes" / archivo.ruta


def archivo_existente(informe: Informe, version: str, borrador: bool) -> ArchivoInforme | None:
    """The stored file built from exactly these inputs, if it is still on disk."""
    archivo = db.session.scalar(
        sa.select(ArchivoInforme).filter_by(
            informe_id=informe.id, version_datos=version, borrador=borrador
        )
    )
    if archivo is not None and ruta_archivo(archivo).is_file():
        return archivo
    return None


def interrumpida(generacion: GeneracionInforme) -> bool:
    """A job still marked as running that has not reported progress for PLAZO_SIN_NOVEDAD."""
    if not generacion.activa or generacion.actualizado_en is None:
        return False
    momento = generacion.actualizado_en
    if momento.tzinfo is None:  # SQLite returns naive UTC
        momento = momento.replace(tzinfo=UTC)
    return momento < ahora() - PLAZO_SIN_NOVEDAD


MENSAJE_INTERRUMPIDA = _l(
    "La generación se interrumpió (por ejemplo, porque el "
    "servidor se reinició). Vuelva a generar el informe."
)


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


def consulta_publicados(anio: int | None = None) -> sa.Select:
    """Select of the published reports, newest semester first, optionally of one year."""
    consulta = (
        sa.select(Informe)
        .join(Informe.periodo)
        .where(Informe.estado == EstadoInforme.publicado)
        .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
    )
    return consulta.where(Periodo.anio == anio) if anio else consulta


def informes_publicados() -> list[Informe]:
    """Published reports, newest semester first."""
    return list(
        db.session.scalars(
            sa.select(Informe)
            .join(Informe.periodo)
            .where(Informe.estado == EstadoInforme.publicado)
            .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        )
    )


# --- Narrative -------------------------------------------------------------------------------


def _normalizar(texto: str | None) -> str:
    """Unify line endings and trim, so an unchanged textarea compares equal."""
    return (texto or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def editar_narrativa(
    informe: Informe,
    textos: dict[str, str | None],
    *,
    lema: str | None,
    restaurar: set[str] | frozenset[str] = frozenset(),
    usuario: Usuario,
    version: int | None = None,
) -> dict[str, str]:
    """Save the narrative sections (only overrides of the defaults are stored); audit changes.

    Returns field errors (key → message); when there are any, nothing is changed. Keys in
    restaurar go back to the 2020 text. Raises ErrorInforme if the report is published,
    EdicionConcurrente if it was saved by someone else since `version` was read.
    """
    if informe.publicado:
        raise ErrorInforme(
            _(
                "El informe está publicado: despublíquelo (indicando "
                "el motivo) antes de cambiar su narrativa."
            )
        )
    comprobar_version(informe, version)
    defecto = narrativa_por_defecto()
    anterior = narrativa_efectiva(informe)
    errores: dict[str, str] = {}
    nuevos: dict[str, str] = {}
    for clave in defecto:
        if clave in restaurar:
            nuevos[clave] = _normalizar(defecto[clave])
            continue
        if clave not in textos:
            nuevos[clave] = anterior[clave]
            continue
        texto = _normalizar(textos[clave])
        if not texto:
            errores[clave] = _(
                "La sección no puede quedar vacía. Escriba el "
                "texto o marque «Restaurar el texto de 2020»."
            )
        elif len(texto) > LARGO_SECCION:
            errores[clave] = _(
                "El texto supera el máximo de %(maximo)s caracteres.",
                maximo=format(LARGO_SECCION, ",").replace(",", " "),
            )
        nuevos[clave] = texto
    lema_nuevo = _normalizar(lema) or None
    if lema_nuevo and len(lema_nuevo) > LARGO_LEMA:
        errores["lema"] = _("El lema supera el máximo de %(maximo)s caracteres.", maximo=LARGO_LEMA)
    if errores:
        return errores
    antes = {c: anterior[c] for c in defecto if _normalizar(anterior[c]) != nuevos[c]}
    despues = {c: nuevos[c] for c in antes}
    if (informe.lema or None) != lema_nuevo:
        antes["lema"], despues["lema"] = informe.lema, lema_nuevo
    if not despues:
        return {}
    informe.narrativa = {c: t for c, t in nuevos.items() if t != _normalizar(defecto[c])}
    informe.lema = lema_nuevo
    db.session.flush()
    registrar_evento(
        "editar_narrativa",
        "informe",
        informe.id,
        usuario_id=usuario.id,
        antes=antes,
        despues=despues,
    )
    return {}


# --- Generation ------------------------------------------------------------------------------


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
    from app.informes import informe as datos_informe

    datos = _datos(informe.periodo, informe, borrador)
    version = datos_informe.huella(datos)
    existente = archivo_existente(informe, version, borrador)
    if existente is not None:
        return Solicitud(archivo=existente)
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
    hilo = threading.Thread(
        target=construir,
        args=(app, generacion_id, preparados),
        name=f"informe-{generacion_id}",
        daemon=True,
    )
    _HILOS[generacion_id] = hilo
    hilo.start()


def esperar(generacion_id: int, segundos: float | None = None) -> None:
    """Wait for a build thread started by this process (command line and tests)."""
    hilo = _HILOS.get(generacion_id)
    if hilo is not None:
        hilo.join(segundos)


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
        finally:
            _HILOS.pop(generacion_id, None)


def _construir(generacion_id: int, preparados: tuple | None = None) -> None:
    from app.informes import informe as datos_informe
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

    def terminar(archivo: ArchivoInforme) -> None:
        generacion.archivo = archivo
        generacion.estado = EstadoGeneracion.terminado
        generacion.fraccion = 1.0
        generacion.mensaje = _("Informe listo")

    existente = archivo_existente(informe, version, borrador)
    if existente is None:
        contenido = pdf.informe_pdf(datos, borrador=borrador, progreso=_Progreso(generacion))
        if not contenido.startswith(b"%PDF"):
            raise ErrorInforme(_("El generador no produjo un PDF válido."))
        # The job ends in the same commit that stores the file.
        _guardar(
            informe, version, borrador, contenido, generacion.creado_por_id, al_guardar=terminar
        )
    else:
        terminar(existente)
        db.session.commit()


def _guardar(
    informe: Informe,
    version: str,
    borrador: bool,
    contenido: bytes,
    usuario_id: int | None,
    al_guardar: Callable[[ArchivoInforme], None] | None = None,
) -> ArchivoInforme:
    """Write the file under a random name and add its row; the file goes if the row can't.

    ``al_guardar(archivo)`` runs just before the commit, so its writes share it.
    """
    nombre = f"{uuid.uuid4().hex}.pdf"
    destino = carpeta_informes(current_app) / nombre
    temporal = destino.with_name(nombre + ".parcial")
    temporal.write_bytes(contenido)
    os.replace(temporal, destino)
    clave = {"informe_id": informe.id, "version_datos": version, "borrador": borrador}
    try:
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is not None and ruta_archivo(archivo).is_file():
            # Another build of the same inputs finished first: keep its file.
            destino.unlink(missing_ok=True)
        else:
            if archivo is None:
                archivo = ArchivoInforme(**clave)
                db.session.add(archivo)
            # (A row whose file vanished from disk is pointed at the new file.)
            archivo.ruta = nombre
            archivo.tamanio = len(contenido)
            archivo.creado_en = ahora()
            archivo.creado_por_id = usuario_id
        if al_guardar is not None:
            al_guardar(archivo)
        db.session.commit()
    except IntegrityError:
        # The same inputs were stored by a parallel build between the check and the insert.
        db.session.rollback()
        destino.unlink(missing_ok=True)
        archivo = db.session.scalar(sa.select(ArchivoInforme).filter_by(**clave))
        if archivo is None:
            raise
        if al_guardar is not None:
            al_guardar(archivo)
            db.session.commit()
    except Exception:
        db.session.rollback()
        destino.unlink(missing_ok=True)
        raise
    return archivo


# --- Publication -----------------------------------------------------------------------------


def publicar(informe: Informe, archivo: ArchivoInforme, *, usuario: Usuario) -> None:
    """Publish a final file built from the current approved data; audit it."""
    if archivo.informe_id != informe.id:
        raise ErrorInforme(_("El archivo no pertenece a este informe."))
    if archivo.borrador:
        raise ErrorInforme(
            _(
                "Una vista previa (BORRADOR) no se puede publicar: genere "
                "el informe final, que solo incluye Anexos 4 aprobados."
            )
        )
    if not ruta_archivo(archivo).is_file():
        raise ErrorInforme(_("El archivo ya no está disponible. Genere el informe de nuevo."))
    if archivo.version_datos != huella(informe.periodo, informe, borrador=False):
        raise ErrorInforme(
            _(
                "Los datos aprobados o la narrativa cambiaron después de generar este "
                "archivo. Genere el informe de nuevo y publique el archivo nuevo."
            )
        )
    anterior = informe.archivo_publicado
    if anterior is not None and anterior.id == archivo.id:
        raise ErrorInforme(_("Este archivo ya está publicado."))
    for otro in informe.archivos:
        otro.publicado = False
    archivo.publicado = True
    informe.estado = EstadoInforme.publicado
    informe.publicado_en = ahora()
    informe.publicado_por_id = usuario.id
    db.session.flush()
    registrar_evento(
        "publicar_informe",
        "informe",
        informe.id,
        usuario_id=usuario.id,
        antes={"archivo": anterior.id, "version": anterior.version_corta} if anterior else None,
        despues={"archivo": archivo.id, "version": archivo.version_corta},
    )


def despublicar(informe: Informe, *, usuario: Usuario, motivo: str | None) -> None:
    """Withdraw a published report; a reason is required and audited."""
    motivo = _normalizar(motivo)
    if not informe.publicado:
        raise ErrorInforme(_("El informe no está publicado."))
    if len(motivo) < 5:
        raise ErrorInforme(_("Indique el motivo para despublicar el informe."))
    anterior = informe.archivo_publicado
    for archivo in informe.archivos:
        archivo.publicado = False
    informe.estado = EstadoInforme.borrador
    informe.publicado_en = None
    informe.publicado_por_id = None
    db.session.flush()
    registrar_evento(
        "despublicar_informe",
        "informe",
        informe.id,
        usuario_id=usuario.id,
        antes={"archivo": anterior.id, "version": anterior.version_corta} if anterior else None,
        motivo=motivo,
    )
