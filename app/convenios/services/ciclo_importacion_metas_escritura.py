"""The approved-goals file of a cycle, written: each convenio-year its checked rows name (read
and checked in ciclo_importacion_metas) saved as ODES would through the goals' pages
(services.metas): the year opened if needed, the goals saved, sent and approved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from app.auth.models import Usuario
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora as ahora_utc
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.models import Convenio
from app.convenios.queries import metas as metas_queries
from app.convenios.services import avisos
from app.convenios.services import metas as metas_services
from app.convenios.services.ciclo_importacion_filas import Cambio, Contexto, Revisada
from app.convenios.services.importacion_filas import ErrorFila
from app.convenios.services.importacion_lectura import ErrorImportacion
from app.extensions import db


def _usuario_odes(usuario_id: int | None) -> Usuario:
    """The active ODES account the goals are saved, sent and approved as."""
    usuario = db.session.get(Usuario, usuario_id) if usuario_id is not None else None
    if usuario is None or not usuario.activo or usuario.rol is not Rol.odes:
        raise ErrorImportacion(
            _("Las metas aprobadas las carga una cuenta activa de la ODES, que las aprueba.")
        )
    return usuario


def aplicar_metas(revisadas: list[Revisada], errores: list[ErrorFila], contexto: Contexto) -> None:
    """Write each convenio-year's goals and approve them, as ODES does through the goals' pages:
    open the year if needed, save, send (a sent proposal is first observed back) and approve."""
    usuario = _usuario_odes(contexto.usuario_id)
    ahora = ahora_utc()
    grupos: dict[tuple[int, int], list[Revisada]] = {}
    for fila in revisadas:
        grupos.setdefault(fila.clave[:2], []).append(fila)
    #: The programmings this file opened (a year opens for every signed convenio at once)
    abiertas: set[tuple[int, int]] = set()
    for (convenio_id, anio), filas in grupos.items():
        convenio = db.session.get(Convenio, convenio_id)
        escritura = _Escritura(convenio, anio, filas, usuario, ahora, contexto)
        try:
            escritura.abrir(abiertas, set(grupos))
            escritura.aprobar()
        except metas_services.ErrorMetas as error:
            errores.append(ErrorFila(escritura.primera, "", error.mensaje))
            continue
        contexto.cambios.append(escritura.cambio((convenio_id, anio) in abiertas))


@dataclass
class _Escritura:
    """One convenio-year of the file on its way to approved goals."""

    convenio: Convenio
    anio: int
    filas: list[Revisada]
    usuario: Usuario
    ahora: datetime
    contexto: Contexto
    columnas: list[str] = field(default_factory=list)

    @property
    def primera(self) -> int:
        """The row the convenio-year is reported at: its first in the file."""
        return self.filas[0].fila

    def abrir(self, abiertas: set[tuple[int, int]], del_archivo: set[tuple[int, int]]) -> None:
        """Open the year as ODES opens it, when this convenio has no programming yet: a draft
        for every signed convenio of the cycle (those the file doesn't name are listed)."""
        if metas_queries.programacion(self.convenio.id, self.anio) is not None:
            return
        creadas = metas_services.abrir_programacion(
            self.convenio.conjunto, self.anio, usuario_id=self.usuario.id, avisar=False
        )
        # Only the regions left with a draft to fill are told (the file approves the others).
        avisos.programacion_abierta(
            [a for a in creadas if (a.convenio_id, a.anio) not in del_archivo]
        )
        for abierta in creadas:
            clave = (abierta.convenio_id, abierta.anio)
            abiertas.add(clave)
            if clave in del_archivo:
                continue
            self.contexto.cambios.append(
                Cambio(
                    self.primera,
                    "crear",
                    _(
                        "Programación %(anio)s de %(region)s, en borrador y sin metas (se abrió "
                        "el año del ciclo para todos sus convenios suscritos)",
                        anio=self.anio,
                        region=abierta.convenio.region.nombre,
                    ),
                )
            )

    def aprobar(self) -> None:
        """Save the file's goals, send and approve them (a sent proposal is observed first)."""
        programacion = metas_queries.programacion(self.convenio.id, self.anio)
        if programacion.estado is EstadoReporte.enviado:
            # The region's sent proposal gives way to the goals agreed, returned as ODES would.
            metas_services.observar_programacion(
                programacion,
                usuario=self.usuario,
                motivo=_(
                    "%(motivo)s: metas aprobadas fuera del sistema.",
                    motivo=self.contexto.motivo or _("Importación de metas aprobadas"),
                ),
            )
        datos = {fila.clave[2:]: fila.datos for fila in self.filas}
        actuales = metas_queries.metas(self.convenio.id, self.anio)
        pares = [(actuales[c], v) for c, v in datos.items() if c in actuales]
        if any(meta.estado is not nuevo["estado"] for meta, nuevo in pares):
            self.columnas.append("estado")
        if any(meta.valor != nuevo["valor"] for meta, nuevo in pares):
            self.columnas.append("programado")
        metas_services.guardar_metas(programacion, datos, usuario=self.usuario, version=None)
        metas_services.enviar_programacion(programacion, usuario=self.usuario, ahora=self.ahora)
        metas_services.aprobar_programacion(programacion, usuario=self.usuario, ahora=self.ahora)
        registrar_evento(
            "importar_metas",
            "programacion_metas",
            programacion.id,
            usuario_id=self.usuario.id,
            despues={"metas": len(datos), "estado": programacion.estado},
            motivo=self.contexto.motivo,
        )

    def cambio(self, nueva: bool) -> Cambio:
        """What the file did to this convenio-year: created, or a draft updated and approved."""
        texto = _(
            "Metas %(anio)s de %(region)s (ciclo %(ciclo)s): %(num)s metas, aprobadas",
            anio=self.anio,
            region=self.convenio.region.nombre,
            ciclo=self.convenio.conjunto.ciclo,
            num=len(self.filas),
        )
        if nueva:
            return Cambio(self.primera, "crear", texto)
        return Cambio(self.primera, "actualizar", texto, tuple(self.columnas))
