"""Writes on convenios and adendas, with their rules; the caller commits."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import ConjuntoIndicadores
from app.comun import almacenamiento
from app.comun.auditoria import cambios, registrar_evento
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.convenios.models import Adenda, Convenio, EstadoConvenio, Reporte
from app.convenios.services import evidencias
from app.extensions import db

#: Folder of the adendas' signed documents under the files folder (random names, as evidence).
CARPETA_ADENDAS = "adendas"


class ErrorConvenio(ErrorNegocio):
    """A convenio rule was broken; the message is shown to the user, keyed by field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje, campo)


def validar(datos: dict[str, Any], *, hoy: date, excluir_id: int | None = None) -> None:
    """Check the convenio rules on datos; raise ErrorConvenio on the first broken one.

    The convenio's years are its cycle's: they are set into ``datos`` from ``conjunto_id``.
    """
    conjunto = db.session.get(ConjuntoIndicadores, datos.get("conjunto_id") or 0)
    if conjunto is None:
        raise ErrorConvenio("conjunto_id", _("Elija el ciclo del convenio."))
    if not conjunto.indicadores:
        raise ErrorConvenio(
            "conjunto_id",
            _(
                "El ciclo %(ciclo)s no tiene IdG: la ODES debe definir sus indicadores "
                "antes de registrar convenios.",
                ciclo=conjunto.ciclo,
            ),
        )
    inicio, fin = datos["anio_inicio"], datos["anio_fin"] = conjunto.anio_inicio, conjunto.anio_fin
    fecha = datos.get("fecha_suscripcion")
    if datos["estado"] is EstadoConvenio.pendiente:
        if fecha:
            raise ErrorConvenio(
                "fecha_suscripcion",
                _("Un convenio pendiente de suscripción no tiene fecha de suscripción."),
            )
    else:
        if not fecha:
            raise ErrorConvenio(
                "fecha_suscripcion", _("Indique la fecha de suscripción del convenio.")
            )
        if fecha > hoy:
            raise ErrorConvenio(
                "fecha_suscripcion", _("La fecha de suscripción no puede estar en el futuro.")
            )
        # Convenios are signed in the months before the period starts (Dec 2019 for 2020–2021).
        if fecha.year < inicio - 1 or fecha.year > fin:
            raise ErrorConvenio(
                "fecha_suscripcion",
                _(
                    "La fecha de suscripción debe estar entre %(anterior)s "
                    "y %(fin)s para el periodo %(inicio)s-%(fin)s.",
                    anterior=inicio - 1,
                    fin=fin,
                    inicio=inicio,
                ),
            )
    duplicado = sa.select(Convenio.id).where(  # one convenio per region and cycle
        Convenio.region_id == datos["region_id"],
        Convenio.anio_inicio == inicio,
        Convenio.anio_fin == fin,
    )
    if excluir_id:
        duplicado = duplicado.where(Convenio.id != excluir_id)
    if db.session.scalar(duplicado):
        raise ErrorConvenio(
            "region_id",
            _(
                "Esta región ya tiene un convenio registrado para el periodo %(inicio)s-%(fin)s.",
                inicio=inicio,
                fin=fin,
            ),
        )


def crear_convenio(datos: dict[str, Any], *, usuario_id: int | None, hoy: date) -> Convenio:
    """Register a convenio after checking its rules."""
    validar(datos, hoy=hoy)
    convenio = Convenio(**datos)
    db.session.add(convenio)
    db.session.flush()
    registrar_evento("crear", "convenio", convenio.id, usuario_id=usuario_id, despues=datos)
    return convenio


def editar_convenio(
    convenio: Convenio,
    datos: dict[str, Any],
    *,
    usuario_id: int | None,
    hoy: date,
    version: int | None = None,
    motivo: str | None = None,
) -> Convenio:
    """Change a convenio; refuse (EdicionConcurrente) if someone else saved it since version
    was read."""
    comprobar_version(convenio, version)
    if datos.get("conjunto_id") != convenio.conjunto_id and db.session.scalar(
        sa.select(Reporte.id).where(Reporte.convenio_id == convenio.id).limit(1)
    ):
        raise ErrorConvenio(
            "conjunto_id",
            _("El convenio ya tiene Anexos 4: su ciclo y sus IdG no se pueden cambiar."),
        )
    validar(datos, hoy=hoy, excluir_id=convenio.id)
    antes, despues = cambios(convenio, datos)
    if motivo and not despues:
        # The reason is stored with the change's audit event: with no change it would be lost.
        raise ErrorConvenio(
            "motivo", _("No cambió ningún dato del convenio: el motivo se guarda con un cambio.")
        )
    if despues:
        registrar_evento(
            "editar",
            "convenio",
            convenio.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
            motivo=motivo,
        )
    return convenio


def agregar_adenda(
    convenio: Convenio,
    datos: dict[str, Any],
    *,
    usuario_id: int | None,
    hoy: date,
    documento: tuple[str, bytes] | None = None,
) -> Adenda:
    """Add the next-numbered adenda to a signed convenio, with its signed document
    (documento: the uploaded file's name and bytes, a PDF) when given."""
    if not convenio.esta_suscrito:
        raise ErrorConvenio("fecha", _("Solo se registran adendas de convenios suscritos."))
    if datos["fecha"] > hoy:
        raise ErrorConvenio("fecha", _("La fecha de la adenda no puede estar en el futuro."))
    if convenio.fecha_suscripcion and datos["fecha"] < convenio.fecha_suscripcion:
        raise ErrorConvenio(
            "fecha", _("La adenda no puede ser anterior a la suscripción del convenio.")
        )
    if documento is not None:
        validar_documento(*documento)  # before anything is written
    numero = max((a.numero for a in convenio.adendas), default=0) + 1
    adenda = Adenda(convenio=convenio, numero=numero, **datos)
    if documento is not None:
        nombre, contenido = documento
        adenda.archivo = almacenamiento.guardar(CARPETA_ADENDAS, "pdf", contenido)
        adenda.archivo_nombre = evidencias.nombre_visible(nombre, "pdf", "adenda")
    db.session.add(adenda)
    db.session.flush()
    registrar_evento(
        "agregar_adenda",
        "convenio",
        convenio.id,
        usuario_id=usuario_id,
        despues={
            "adenda": numero,
            **datos,
            **({"documento_firmado": adenda.archivo_nombre} if adenda.archivo else {}),
        },
    )
    return adenda


def validar_documento(nombre: str, contenido: bytes) -> None:
    """Check an adenda's signed document: a PDF (by extension and content) within the size
    limit of evidence files; ErrorConvenio on the "archivo" field otherwise."""
    if evidencias.extension_de(nombre) != "pdf":
        raise ErrorConvenio(
            "archivo",
            _(
                "El documento firmado de la adenda debe ser un archivo PDF (máximo %(megas)s).",
                megas=evidencias.texto_limite(),
            ),
        )
    try:
        evidencias.validar_archivo(nombre, contenido)
    except evidencias.ErrorEvidencia as error:
        raise ErrorConvenio("archivo", error.mensaje) from None
