"""Publication of the situational report: publish a final file, withdraw it, and whether a
semester's report is published (the scope rules of `app.auth.permisos` ask `publicado`)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora
from app.convenios.models import Periodo
from app.extensions import db
from app.informes.models import ArchivoInforme, EstadoInforme, Informe
from app.informes.services.archivos import disponible
from app.informes.services.generacion import huella, version_siguiente
from app.informes.services.narrativa import ErrorInforme, normalizar


def publicado(periodo_id: int) -> bool:
    """Whether the semester's report is published (its figures are then public)."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Informe)
            .where(Informe.periodo_id == periodo_id, Informe.estado == EstadoInforme.publicado)
        )
    )


def publicados(periodo_ids: list[int]) -> set[int]:
    """Which of these semesters have their report published, in one query (`publicado` for
    many semesters at once)."""
    return set(
        db.session.scalars(
            sa.select(Informe.periodo_id).where(
                Informe.periodo_id.in_(periodo_ids), Informe.estado == EstadoInforme.publicado
            )
        )
    )


def consulta_publicados(anio: int | None = None) -> sa.Select:
    """Select of the reports with a published version (withdrawn ones keep their earlier
    versions public), newest semester first, optionally of one year."""
    con_version = sa.select(ArchivoInforme.informe_id).where(
        ArchivoInforme.publicado_en.is_not(None)
    )
    consulta = (
        sa.select(Informe)
        .join(Informe.periodo)
        .where(sa.or_(Informe.estado == EstadoInforme.publicado, Informe.id.in_(con_version)))
        .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
    )
    return consulta.where(Periodo.anio == anio) if anio else consulta


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
    if not disponible(archivo):
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
    numero = archivo.numero_version or version_siguiente(informe)
    for otro in informe.archivos:
        otro.publicado = False
    archivo.publicado = True
    # Kept for good: a replaced version stays downloadable on the public page.
    archivo.publicado_en = archivo.publicado_en or ahora()
    archivo.numero_version = numero
    # The note served this version; the next correction writes its own.
    informe.nota_version = None
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


def fijar_nota_version(informe: Informe, nota: str | None, *, usuario: Usuario) -> None:
    """Record what the next version of a published report corrects (printed on its cover)."""
    nota = normalizar(nota)
    if len(nota) > 1000:
        raise ErrorInforme(_("La nota de versión admite hasta 1000 caracteres."))
    if nota == (informe.nota_version or ""):
        return
    registrar_evento(
        "nota_version",
        "informe",
        informe.id,
        usuario_id=usuario.id,
        antes={"nota_version": informe.nota_version},
        despues={"nota_version": nota or None},
    )
    informe.nota_version = nota or None


def despublicar(informe: Informe, *, usuario: Usuario, motivo: str | None) -> None:
    """Withdraw a published report; a reason is required and audited."""
    motivo = normalizar(motivo)
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
