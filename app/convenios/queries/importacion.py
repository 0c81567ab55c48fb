"""The bulk format of the Anexo 4 cells, and the reads of an import.

The format (docs/formato-anexo4.md) is shared by the import (services.importacion*), which
reads it, and the export (queries.exportacion), which writes it, so an export re-imports
unchanged. The reads look each region, convenio and IdG up once per distinct value, never
once per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import Indicador, Region
from app.convenios.models import Convenio, LineaReporte, Periodo, Reporte
from app.convenios.queries.convenios import convenios_firmados
from app.convenios.queries.metas import metas_aprobadas, metas_aprobadas_de
from app.convenios.queries.periodos import SEMESTRES
from app.extensions import db

COLUMNAS = ("region", "idg", "anio", "semestre", "estado", "programado", "ejecutado")
#: May be absent; numerador/denominador are a ratio IdG's counts, fecha_envio (AAAA-MM-DD) the
#: day the region sent its report
OPCIONALES = ("origen", "numerador", "denominador", "fecha_envio")
ORIGENES = ("publicado", "reconstruido")
EXTENSIONES = (".csv", ".xlsx")

#: A report of the file: (convenio id, year, semester).
ClaveReporte = tuple[int, int, int]


def numero_texto(valor: Decimal) -> str:
    """Minimal decimal text with a point: 60.00 → "60", 60.50 → "60.5", -22 → "-22"."""
    if valor == 0:
        return "0"
    return format(valor.normalize(), "f")


class Catalogo:
    """Regions, convenios and indicators looked up once per distinct value, not per row."""

    def __init__(self) -> None:
        self._indice: catalogo_queries.IndiceRegiones | None = None
        self._regiones: dict[str, Region | None] = {}
        self._convenios: dict[int, list[Convenio]] = {}
        self._indicadores: dict[int, dict[int, Indicador]] = {}
        self._metas: dict[tuple[int, int, int], dict] = {}

    def precargar(self, filas: Iterable[tuple[str, str, str]]) -> None:
        """Look up, in a fixed number of queries, the regions, convenios and approved goals
        named by the file's (region, year, semester) texts, before its rows are checked one by
        one; texts that do not read are left to the row checks."""
        claves = set()
        for region, anio, semestre in filas:
            encontrada = self.region(region.strip())
            numero = SEMESTRES.get(semestre.strip().lower())
            if encontrada is not None and anio.strip().isdecimal() and numero is not None:
                claves.add((encontrada.id, int(anio), numero))
        nuevas = {r for r, _a, _s in claves} - set(self._convenios)
        for region_id in nuevas:
            self._convenios[region_id] = []
        if nuevas:
            for convenio in db.session.scalars(convenios_firmados(nuevas)):
                self._convenios[convenio.region_id].append(convenio)
        pendientes = set()
        for region_id, anio, semestre in claves:
            convenio = self.convenio(region_id, anio)
            if convenio is not None and (convenio.id, anio, semestre) not in self._metas:
                pendientes.add((convenio.id, anio, semestre))
        self._metas.update(metas_aprobadas_de(pendientes))

    def region(self, nombre: str) -> Region | None:
        """The region named nombre (canonical name, code or alias), or None."""
        if nombre not in self._regiones:
            if self._indice is None:
                self._indice = catalogo_queries.IndiceRegiones()
            self._regiones[nombre] = self._indice.buscar(nombre)
        return self._regiones[nombre]

    def convenio(self, region_id: int, anio: int) -> Convenio | None:
        """The signed convenio of a region covering a year, or None (as convenio_vigente)."""
        if region_id not in self._convenios:
            # One query per region, not per region and year: a file spans many years.
            self._convenios[region_id] = list(db.session.scalars(convenios_firmados(region_id)))
        return next(
            (c for c in self._convenios[region_id] if c.anio_inicio <= anio <= c.anio_fin), None
        )

    def indicadores(self, conjunto_id: int) -> dict[int, Indicador]:
        """The indicators of a set, by number."""
        if conjunto_id not in self._indicadores:
            self._indicadores[conjunto_id] = {
                i.numero: i
                for i in db.session.scalars(sa.select(Indicador).filter_by(conjunto_id=conjunto_id))
            }
        return self._indicadores[conjunto_id]

    def metas(self, convenio_id: int, anio: int, semestre: int) -> dict:
        """The approved goals in force of a convenio's semester, by indicator id ({} when its
        year's programming is not approved)."""
        clave = (convenio_id, anio, semestre)
        if clave not in self._metas:
            self._metas[clave] = metas_aprobadas(convenio_id, anio, semestre)
        return self._metas[clave]


def periodos_por_clave() -> dict[tuple[int, int], Periodo]:
    """Every registered semester by (year, semester): a file names them by number."""
    return {(p.anio, p.semestre): p for p in db.session.scalars(sa.select(Periodo))}


def reportes_existentes(
    convenio_ids: Iterable[int], periodos: dict[tuple[int, int], Periodo]
) -> dict[ClaveReporte, Reporte]:
    """The stored reports of these convenios in these semesters, with their lines (2 queries)."""
    convenio_ids = set(convenio_ids)
    if not (periodos and convenio_ids):
        return {}
    por_id = {p.id: clave for clave, p in periodos.items()}
    reportes = db.session.scalars(
        sa.select(Reporte)
        .where(Reporte.convenio_id.in_(convenio_ids), Reporte.periodo_id.in_(list(por_id)))
        # The lines' IdG are known by id: not joined into 10,000 rows.
        .options(selectinload(Reporte.lineas).lazyload(LineaReporte.indicador))
    )
    return {(r.convenio_id, *por_id[r.periodo_id]): r for r in reportes}
