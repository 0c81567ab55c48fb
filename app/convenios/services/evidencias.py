"""Evidence files (medios de verificación) of Anexo 4 lines: what is accepted, upload, removal.

The rules of an evidence file (types checked by content, size limit, display name) are here and
also serve the capacity programme's run evidence (app.mejora_continua). Storage is
app/comun/almacenamiento (folder "evidencias", a random name; on this host's disk or in the
database, as configured), written and removed with the database transaction.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from app.auth.models import Usuario
from app.comun import almacenamiento
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.comun.errores import ErrorNegocio
from app.comun.hojas import XLSX
from app.convenios.models import Evidencia, LineaReporte
from app.convenios.services.anexo4 import motivo_bloqueo
from app.extensions import db

#: Folder of the evidence files under the files folder.
CARPETA = "evidencias"
#: Default per-file limit; the app may override it with EVIDENCIA_MAX_BYTES.
MAX_BYTES = 10 * 1024 * 1024
#: Longest display name kept (the column holds 200 characters).
LARGO_NOMBRE = 150


@dataclass(frozen=True)
class TipoPermitido:
    """An accepted file type: MIME type sent on download and the content's first bytes."""

    mime: str
    firma: bytes
    #: For Office files (ZIP containers): a part the archive must contain
    parte: str | None = None


TIPOS: dict[str, TipoPermitido] = {
    "pdf": TipoPermitido("application/pdf", b"%PDF"),
    "jpg": TipoPermitido("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": TipoPermitido("image/jpeg", b"\xff\xd8\xff"),
    "png": TipoPermitido("image/png", b"\x89PNG"),
    "xlsx": TipoPermitido(
        XLSX,
        b"PK\x03\x04",
        "xl/workbook.xml",
    ),
    "docx": TipoPermitido(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
        "word/document.xml",
    ),
}
EXTENSIONES = ", ".join(sorted({e.upper() for e in TIPOS} - {"JPEG"}))


class ErrorEvidencia(ErrorNegocio):
    """An evidence file was refused; the message is shown to the user."""


def limite_bytes() -> int:
    """Per-file size limit in bytes (EVIDENCIA_MAX_BYTES, 10 MB by default)."""
    return int(current_app.config.get("EVIDENCIA_MAX_BYTES") or MAX_BYTES)


def _megas(valor: int) -> str:
    """A size as users read it: "850 KB", "10 MB", "2.5 MB"."""
    megas = valor / (1024 * 1024)
    if megas < 1:
        return f"{max(valor // 1024, 1)} KB"
    return f"{megas:.1f} MB".replace(".0 MB", " MB")


def texto_limite() -> str:
    """The size limit as shown to users, e.g. "10 MB"."""
    return _megas(limite_bytes())


def extension_de(nombre: str) -> str:
    """Lower-case extension of a file name ('' when it has none)."""
    base = os.path.basename((nombre or "").replace("\\", "/"))
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def nombre_visible(nombre: str, extension: str, generico: str = "evidencia") -> str:
    """Sanitised, readable display name that keeps the (already checked) extension."""
    limpio = secure_filename(nombre or "")
    base = limpio[: -(len(extension) + 1)] if limpio.lower().endswith("." + extension) else ""
    # Names made only of symbols or non-Latin letters sanitise to nothing: use a generic one.
    base = base.strip("._") or generico
    return f"{base[:LARGO_NOMBRE]}.{extension}"


def validar_archivo(nombre: str, contenido: bytes) -> TipoPermitido:
    """Check extension, size and actual content of a file; return its accepted type."""
    extension = extension_de(nombre)
    tipo = TIPOS.get(extension)
    if tipo is None:
        raise ErrorEvidencia(
            _(
                "Tipo de archivo no permitido. Suba un archivo %(EXTENSIONES)s (máximo %(megas)s).",
                EXTENSIONES=EXTENSIONES,
                megas=_megas(limite_bytes()),
            )
        )
    if not contenido:
        raise ErrorEvidencia(_("El archivo está vacío."))
    if len(contenido) > limite_bytes():
        raise ErrorEvidencia(
            _(
                "El archivo pesa %(megas)s y supera el máximo de %(megas2)s por archivo.",
                megas=_megas(len(contenido)),
                megas2=_megas(limite_bytes()),
            )
        )
    # The declared MIME type comes from the browser; only the content's bytes are trusted.
    if not contenido.startswith(tipo.firma) or (
        tipo.parte and not _zip_contiene(contenido, tipo.parte)
    ):
        raise ErrorEvidencia(
            _(
                "El contenido del archivo no corresponde a un %(upper)s. "
                "Verifique que no esté dañado ni tenga la extensión cambiada.",
                upper=extension.upper(),
            )
        )
    return tipo


def _zip_contiene(contenido: bytes, parte: str) -> bool:
    """Tell whether a ZIP (Office file) lists a part; reads the index only, never inflates."""
    try:
        with zipfile.ZipFile(io.BytesIO(contenido)) as archivo:
            return parte in archivo.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def guardar_evidencia(
    linea: LineaReporte, nombre: str, contenido: bytes, *, usuario: Usuario, hoy: date
) -> Evidencia:
    """Check and store an evidence file for a line; the caller commits."""
    bloqueo = motivo_bloqueo(linea.reporte, hoy)
    if bloqueo:
        raise ErrorEvidencia(bloqueo)
    validar_archivo(nombre, contenido)
    extension = extension_de(nombre)
    archivo = almacenamiento.guardar(CARPETA, extension, contenido)
    evidencia = Evidencia(
        linea=linea,
        nombre=nombre_visible(nombre, extension),
        archivo=archivo,
        tipo=TIPOS[extension].mime,
        tamanio=len(contenido),
        subido_por_id=usuario.id,
    )
    db.session.add(evidencia)
    # The report's version moves with its evidence (an API client's ETag and If-Match see it).
    linea.reporte.actualizado_en = ahora()
    db.session.flush()
    registrar_evento(
        "subir_evidencia",
        "reporte",
        linea.reporte_id,
        usuario_id=usuario.id,
        despues={
            "indicador": linea.indicador.etiqueta,
            "evidencia": evidencia.nombre,
            "tamanio": evidencia.tamanio,
        },
    )
    return evidencia


def eliminar_evidencia(evidencia: Evidencia, *, usuario: Usuario, hoy: date) -> None:
    """Delete an evidence row; its file goes once the deletion is committed."""
    linea = evidencia.linea
    bloqueo = motivo_bloqueo(linea.reporte, hoy)
    if bloqueo:
        raise ErrorEvidencia(bloqueo)
    if not almacenamiento.nombre_valido(evidencia.archivo):
        raise ErrorEvidencia(_("El archivo de la evidencia no es válido."))
    registrar_evento(
        "eliminar_evidencia",
        "reporte",
        linea.reporte_id,
        usuario_id=usuario.id,
        antes={
            "indicador": linea.indicador.etiqueta,
            "evidencia": evidencia.nombre,
            "tamanio": evidencia.tamanio,
        },
    )
    db.session.delete(evidencia)
    linea.reporte.actualizado_en = ahora()
    db.session.flush()
    almacenamiento.borrar_al_confirmar(CARPETA, evidencia.archivo)
