"""Bulk import of Anexo 4 cells (CSV / XLSX), all-or-nothing, with a dry run.

One row per region × IdG × year × semester; the format is docs/formato-anexo4.md and
queries.importacion. Three stages: `leer_archivo` (services.importacion_lectura) reads the
file, `analizar` checks every row (services.importacion_filas) and previews the reports it
writes without writing, `aplicar` writes the cells and approves the reports through the
workflow's own steps (app/comun/flujo.py, services.anexo4.fijar_originales). Nothing commits:
the caller commits (or rolls back) the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from app.comun import flujo
from app.comun.flujo import EstadoReporte
from app.comun.lotes import actualizar_en_lote, guardar_en_lote
from app.convenios.models import (
    EstadoCelda,
    LineaReporte,
    Periodo,
    Reporte,
    Semestre,
    nombre_semestre,
)
from app.convenios.queries import importacion as queries
from app.convenios.queries.importacion import Catalogo, ClaveReporte
from app.convenios.services.anexo4 import fijar_originales, obtener_o_crear_reportes
from app.convenios.services.importacion_fechas import (
    LIMA,
    cambia_fecha,
    mediodia_lima,
    misma_fecha,
)
from app.convenios.services.importacion_filas import (
    Clave,
    ErrorFila,
    FilaValida,
    falta_cifra,
    mismo_contenido,
    revisar_fila,
)
from app.convenios.services.importacion_lectura import (
    ErrorImportacion,
    leer_archivo,
    sin_pausas_gc,
)
from app.convenios.services.periodos import crear_periodo
from app.extensions import db

#: What callers use: the three stages, their results and their error.
__all__ = ["Analisis", "ErrorImportacion", "Resumen", "analizar", "aplicar", "leer_archivo"]


@dataclass
class Grupo:
    """Preview of one Anexo 4 (region × semester) the file writes."""

    region: str
    orden: int
    anio: int
    semestre: int
    #: Cells in the file for this report
    celdas: int = 0
    #: Of those, cells whose stored content would change
    cambios: int = 0
    #: State of the existing report (None = it will be created)
    estado_actual: EstadoReporte | None = None
    #: IdG numbers that would remain without figures after the import
    vacias: list[int] = field(default_factory=list)
    #: The day the region sent it, from the file's fecha_envio (None = not given)
    fecha_envio: date | None = None
    #: Whether that day differs from the stored first-submission date
    cambia_fecha: bool = False

    @property
    def periodo_nombre(self) -> str:
        """E.g. "II Semestre 2020"."""
        return nombre_semestre(self.anio, self.semestre)

    @property
    def sin_cambios(self) -> bool:
        """Stored already with exactly these cells, in any state: the import leaves it untouched
        (neither approved nor audited), so re-importing an export changes nothing."""
        return self.estado_actual is not None and self.cambios == 0 and not self.cambia_fecha

    @property
    def situacion(self) -> str:
        """What the import does to this report, in words (preview of the web and the CLI)."""
        if self.sin_cambios:
            if self.estado_actual is EstadoReporte.aprobado:
                return _("Anexo 4 aprobado con los mismos datos: no se modifica")
            return _(
                "Anexo 4 en estado «%(etiqueta)s» con los mismos datos: no se modifica "
                "(sigue en ese estado)",
                etiqueta=self.estado_actual.etiqueta,
            )
        if self.estado_actual is None:
            texto = _("se creará el Anexo 4 y quedará aprobado")
        elif self.estado_actual is EstadoReporte.aprobado:
            texto = _("Anexo 4 aprobado: se reemplazan %(cambios)s celdas", cambios=self.cambios)
        else:
            texto = _(
                "Anexo 4 en estado «%(etiqueta)s»: se reemplazan "
                "%(cambios)s celdas y quedará aprobado",
                etiqueta=self.estado_actual.etiqueta,
                cambios=self.cambios,
            )
        if self.cambia_fecha:
            texto += _("; fecha de envío: %(fecha)s", fecha=self.fecha_envio.strftime("%d/%m/%Y"))
        if self.vacias:
            texto += _(
                "; quedarán sin cifras los IdG %(idg)s", idg=", ".join(map(str, self.vacias))
            )
        return texto


@dataclass
class Analisis:
    """Result of the dry run: errors by row and column, and what an import would write."""

    errores: list[ErrorFila] = field(default_factory=list)
    #: Unusual values (need a comment in the form); reported, never blocking
    advertencias: list[ErrorFila] = field(default_factory=list)
    grupos: list[Grupo] = field(default_factory=list)
    #: (anio, semestre) of semesters that don't exist yet: created closed
    periodos_nuevos: list[tuple[int, int]] = field(default_factory=list)
    filas: list[FilaValida] = field(default_factory=list)
    _reportes: dict[ClaveReporte, Reporte] = field(default_factory=dict, repr=False)

    @property
    def valido(self) -> bool:
        """True when the file can be imported."""
        return not self.errores

    @property
    def total_celdas(self) -> int:
        """Cells in the file."""
        return len(self.filas)

    @property
    def periodos_nuevos_nombres(self) -> list[str]:
        """Names of the semesters that will be created, e.g. "I Semestre 2019"."""
        return [nombre_semestre(a, s) for a, s in self.periodos_nuevos]


@dataclass
class Resumen:
    """What an import wrote."""

    reportes: int
    celdas: int
    sin_cambios: int
    periodos_creados: list[str]


# --- Analysis (dry run) --------------------------------------------------------------------


@sin_pausas_gc
def analizar(filas: list[dict[str, str]], hoy: date | None = None) -> Analisis:
    """Check every row (collecting all errors) and preview the import; writes nothing.

    hoy (default: today in Lima) is the latest fecha_envio accepted.
    """
    hoy = hoy or datetime.now(LIMA).date()
    analisis = Analisis()
    catalogo = Catalogo()
    catalogo.precargar(
        (d.get("region") or "", d.get("anio") or "", d.get("semestre") or "") for d in filas
    )
    vistas: dict[Clave, int] = {}
    #: First fecha_envio text seen for each region × year × semester, and its row
    fechas: dict[tuple[int, int, int], tuple[str, int]] = {}
    hay_datos = False
    for indice, datos in enumerate(filas):
        if not any((v or "").strip() for v in datos.values()):
            continue
        hay_datos = True
        numero = indice + 2
        fila, clave, avisos = revisar_fila(numero, datos, catalogo, analisis.errores, hoy)
        if clave is not None and "fecha_envio" in datos:
            misma_fecha(numero, datos, clave, fechas, catalogo, analisis.errores)
        if clave is not None and clave in vistas:
            _region, idg, anio, semestre = clave
            region = catalogo.region((datos.get("region") or "").strip())
            analisis.errores.append(
                ErrorFila(
                    numero,
                    "idg",
                    _(
                        "Fila repetida: %(nombre)s, IdG %(idg)s, %(romano)s "
                        "semestre %(anio)s ya figura en la fila %(vistas)s.",
                        nombre=region.nombre,
                        idg=idg,
                        romano=Semestre(semestre).romano,
                        anio=anio,
                        vistas=vistas[clave],
                    ),
                )
            )
            continue
        if clave is not None:
            vistas[clave] = numero
        if fila is None:
            continue
        analisis.filas.append(fila)
        analisis.advertencias += [ErrorFila(numero, "", m) for m in avisos]
    if not hay_datos:
        analisis.errores.append(ErrorFila(1, "", _("El archivo no tiene filas de datos.")))
    _prever(analisis, catalogo)
    return analisis


def _prever(analisis: Analisis, catalogo: Catalogo) -> None:
    """Fill the preview: one group per report, existing reports and missing semesters."""
    claves_periodo = {(f.anio, f.semestre) for f in analisis.filas}
    periodos = {c: p for c, p in queries.periodos_por_clave().items() if c in claves_periodo}
    analisis.periodos_nuevos = sorted(claves_periodo - set(periodos))
    analisis._reportes = queries.reportes_existentes(
        {f.convenio.id for f in analisis.filas}, periodos
    )
    grupos: dict[ClaveReporte, Grupo] = {}
    lineas: dict[ClaveReporte, dict[int, LineaReporte]] = {}
    en_archivo: dict[ClaveReporte, dict[int, FilaValida]] = {}
    for fila in analisis.filas:
        clave = (fila.convenio.id, fila.anio, fila.semestre)
        grupo = grupos.get(clave)
        if grupo is None:
            reporte = analisis._reportes.get(clave)
            grupo = grupos[clave] = Grupo(
                region=fila.region.nombre,
                orden=fila.region.orden,
                anio=fila.anio,
                semestre=fila.semestre,
                estado_actual=reporte.estado if reporte else None,
                fecha_envio=fila.fecha_envio,
                cambia_fecha=cambia_fecha(reporte, fila.fecha_envio),
            )
            lineas[clave] = {li.indicador_id: li for li in reporte.lineas} if reporte else {}
        grupo.celdas += 1
        if not mismo_contenido(lineas[clave].get(fila.indicador.id), fila):
            grupo.cambios += 1
        en_archivo.setdefault(clave, {})[fila.indicador.numero] = fila
    for clave, grupo in grupos.items():
        if grupo.sin_cambios:
            continue  # left untouched: no cell "remains" empty because of the import
        reporte = analisis._reportes.get(clave)
        if reporte is not None:
            actuales = {li.indicador_numero: li for li in reporte.lineas}
        else:
            convenio = next(iter(en_archivo[clave].values())).convenio
            actuales = dict.fromkeys(catalogo.indicadores(convenio.conjunto_id))
        vacias = []
        for numero, linea in actuales.items():
            fila = en_archivo[clave].get(numero)
            estado = fila.estado if fila else (linea.estado if linea else EstadoCelda.valor)
            completo = (
                (fila.programado, fila.ejecutado)
                if fila
                else ((linea.programado, linea.ejecutado) if linea else (None, None))
            )
            if estado is EstadoCelda.valor and None in completo:
                vacias.append(numero)
        grupo.vacias = sorted(vacias)
    _exigir_cifras(analisis, grupos, lineas)
    analisis.grupos = sorted(grupos.values(), key=lambda g: (g.anio, g.semestre, g.orden, g.region))


def _exigir_cifras(
    analisis: Analisis,
    grupos: dict[ClaveReporte, Grupo],
    lineas: dict[ClaveReporte, dict[int, LineaReporte]],
) -> None:
    """Refuse the `valor` cells without figures of every report the import would write.

    Writing a report approves it, so it must not be approved with empty cells; a report
    whose cells in the file all equal the stored ones is left untouched (an export of a draft
    re-imports as a no-op), and there an empty cell is simply what is stored.
    """
    rechazadas = set()
    for fila in analisis.filas:
        if not fila.faltan:
            continue
        clave = (fila.convenio.id, fila.anio, fila.semestre)
        if grupos[clave].sin_cambios:
            continue
        rechazadas.add(fila.fila)
        guardada = mismo_contenido(lineas[clave].get(fila.indicador.id), fila)
        for columna in fila.faltan:
            mensaje = falta_cifra(columna)
            if guardada:
                mensaje += " " + _(
                    "La celda también está vacía en el sistema, pero otras celdas de este "
                    "Anexo 4 cambian y, al importarlo, quedaría aprobado sin esta cifra."
                )
            analisis.errores.append(ErrorFila(fila.fila, columna, mensaje))
    if rechazadas:
        analisis.filas = [f for f in analisis.filas if f.fila not in rechazadas]
        # Listed by row, as the user reads the spreadsheet (the sort keeps a row's own order).
        analisis.errores.sort(key=lambda e: e.fila)


# --- Applying ------------------------------------------------------------------------------


def fecha_recepcion(periodo: Periodo, ahora: datetime) -> datetime:
    """Received date given to an imported report without fecha_envio: its deadline at noon in
    Lima, or now.

    Historical reports arrive without their real date; noon of the deadline keeps them "on
    time" whatever the time zone, instead of making every past report look late.
    """
    if periodo.fecha_limite_anexo4 is None:
        return ahora
    return mediodia_lima(periodo.fecha_limite_anexo4)


@sin_pausas_gc
def aplicar(
    analisis: Analisis, *, usuario_id: int | None, ahora: datetime, archivo: str | None = None
) -> Resumen:
    """Write an error-free analysis: replace the cells and approve the reports (no commit)."""
    if analisis.errores:
        raise ErrorImportacion(_("El archivo tiene errores: corríjalos antes de importar."))
    if not analisis.filas:
        raise ErrorImportacion(_("El archivo no tiene filas de datos."))
    periodos = queries.periodos_por_clave()
    creados = []
    for anio, semestre in sorted({(f.anio, f.semestre) for f in analisis.filas}):
        if (anio, semestre) not in periodos:
            periodo = crear_periodo(
                {"anio": anio, "semestre": semestre, "abierto": False},
                usuario_id=usuario_id,
                motivo="Creado por una importación del Anexo 4.",
            )
            periodos[(anio, semestre)] = periodo
            creados.append(periodo)

    por_reporte: dict[ClaveReporte, list[FilaValida]] = {}
    for fila in analisis.filas:
        por_reporte.setdefault((fila.convenio.id, fila.anio, fila.semestre), []).append(fila)

    # Create the missing reports first, so the cell updates below need no query in between.
    faltan = [
        (filas[0].convenio, periodos[clave[1:]])
        for clave, filas in por_reporte.items()
        if analisis._reportes.get(clave) is None
    ]
    creados_o_hallados = obtener_o_crear_reportes(faltan, usuario_id=usuario_id)
    reportes = {
        clave: analisis._reportes.get(clave)
        or creados_o_hallados[(filas[0].convenio.id, periodos[clave[1:]].id)]
        for clave, filas in por_reporte.items()
    }
    escritos: list[tuple[Reporte, int]] = []
    sin_cambios = 0
    # Stored lines are rewritten by primary key in one statement (app/comun/lotes; the unit of
    # work costs several times more per line); new lines are added as objects.
    celdas: list[tuple[LineaReporte, dict[str, Any]]] = []
    for clave, filas in por_reporte.items():
        reporte = reportes[clave]
        lineas = {li.indicador_id: li for li in reporte.lineas}
        fecha_envio = filas[0].fecha_envio  # analizar made every row of a report agree
        nueva_fecha = cambia_fecha(reporte, fecha_envio)
        # Exactly the stored cells (and date), in any state: untouched, neither approved nor
        # audited.
        if not nueva_fecha and all(mismo_contenido(lineas.get(f.indicador.id), f) for f in filas):
            sin_cambios += 1
            continue
        if any(f.faltan for f in filas):  # analizar refuses these; never approve them empty
            raise ErrorImportacion(_("El archivo tiene errores: corríjalos antes de importar."))
        for fila in filas:
            valor = fila.estado is EstadoCelda.valor
            cifras = {
                "estado": fila.estado,
                "programado": fila.programado if valor else None,
                "ejecutado": fila.ejecutado if valor else None,
                "numerador": fila.numerador if valor else None,
                "denominador": fila.denominador if valor else None,
                "reconstruido": fila.reconstruido,
            }
            linea = lineas.get(fila.indicador.id)
            if linea is None:
                reporte.lineas.append(
                    LineaReporte(
                        indicador=fila.indicador, indicador_numero=fila.indicador.numero, **cifras
                    )
                )
                continue
            celdas.append((linea, cifras))
        escritos.append((reporte, len(filas)))
        reporte.origen = "importacion"
        if nueva_fecha:
            reporte.enviado_en = mediodia_lima(fecha_envio)
        elif reporte.enviado_en is None:
            reporte.enviado_en = fecha_recepcion(periodos[clave[1:]], ahora)
        # Approved as the form approves, audited as an import of so many cells.
        detalle: dict[str, Any] = {"celdas": len(filas)}
        if archivo:
            detalle["archivo"] = archivo
        if fecha_envio is not None:
            detalle["fecha_envio"] = fecha_envio.isoformat()
        flujo.aprobar(
            reporte,
            tipo="reporte",
            usuario_id=usuario_id,
            ahora=ahora,
            accion="importar",
            detalle=detalle,
        )
    # Approved reports and their cells in a few statements, before anything flushes them one
    # by one (app/comun/lotes).
    guardar_en_lote(r for r, _n in escritos)
    actualizar_en_lote(LineaReporte, celdas)
    # After the new figures: the first approved programmed values and annual goals are kept,
    # for every written report in two statements.
    fijar_originales(r for r, _n in escritos)
    db.session.flush()
    return Resumen(
        reportes=len(escritos),
        celdas=sum(n for _r, n in escritos),
        sin_cambios=sin_cambios,
        periodos_creados=[p.nombre for p in creados],
    )
