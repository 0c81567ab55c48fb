"""The plain data of a trend (queries.tendencias): its columns (semesters grouped by cycle), its
rows (IdG entities or regions) and their values, and what its chart draws. Frozen values only:
the page, the Excel, the chart and the ficha format them and never query."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.comun import calculos
from app.convenios.models import CalendarioSemestre

#: The views of the page: the national averages per IdG, one region's IdG, one IdG's regions.
NACIONAL, REGION, IDG = "nacional", "region", "idg"


@dataclass(frozen=True)
class Ciclo:
    """An agreement cycle as a column group: "Ciclo 2020–2021"."""

    id: int | None
    nombre: str
    anio_inicio: int | None = None
    anio_fin: int | None = None

    @property
    def etiqueta(self) -> str:
        """The cycle as people name it ("Ciclo 2020–2021"; "Sin ciclo registrado")."""
        if self.id is None:
            return "Sin ciclo registrado"
        if self.anio_inicio == self.anio_fin:
            return f"Ciclo {self.anio_inicio}"
        return f"Ciclo {self.anio_inicio}–{self.anio_fin}"


SIN_CICLO = Ciclo(None, "")


@dataclass(frozen=True)
class Semestre(CalendarioSemestre):
    """One column group: a reporting semester and its cycle."""

    periodo_id: int
    anio: int
    semestre: int
    ciclo: Ciclo

    @property
    def corto(self) -> str:
        """E.g. "II Sem. 2020" (chart labels)."""
        return f"{'I' * self.semestre} Sem. {self.anio}"


@dataclass(frozen=True)
class IdG:
    """One indicator entity (an IdG of one cycle)."""

    id: int
    numero: int
    nombre: str
    proponente_id: int
    ciclo: Ciclo

    @property
    def etiqueta(self) -> str:
        """E.g. "IdG 3"."""
        return f"IdG {self.numero}"

    @property
    def etiqueta_ciclo(self) -> str:
        """E.g. "IdG 3 · Ciclo 2020–2021" (the filter's options)."""
        return f"{self.etiqueta} · {self.ciclo.etiqueta}"


@dataclass(frozen=True)
class RegionTendencia:
    """The region a view is about."""

    id: int
    codigo: str
    nombre: str


@dataclass(frozen=True)
class Valor:
    """One semester of a row: a region's cell, or an average over n summands."""

    programado: Decimal | None
    ejecutado: Decimal | None
    #: Goal met (True), not met (False), or no goal to compare with (None)
    cumplio: bool | None
    #: The cell's state ("valor", "no_aplica", "sin_meta", "no_remitido"), "promedio" for an
    #: average with summands
    estado: str
    #: Summands of an average (None for a single cell)
    n: int | None = None

    @property
    def con_valor(self) -> bool:
        """Whether there are figures to show (otherwise the table prints "—")."""
        return self.programado is not None and self.ejecutado is not None

    @property
    def programado_pct(self) -> int | None:
        """Programmed % rounded as the report prints it."""
        return calculos.redondear(self.programado)

    @property
    def ejecutado_pct(self) -> int | None:
        """Executed % rounded as the report prints it."""
        return calculos.redondear(self.ejecutado)


@dataclass(frozen=True)
class Fila:
    """A row of the table: an IdG or a region (or an average), one value per semester."""

    etiqueta: str
    valores: tuple[Valor | None, ...]
    #: The IdG's name, or "" for a region
    detalle: str = ""
    #: The cycle of an IdG row (rows are grouped by it), None for a region
    ciclo: Ciclo | None = None
    #: The IdG id or region code the row links to (the other view)
    clave: str = ""
    #: The IdG number of an IdG row (the chart's series)
    numero: int | None = None

    @property
    def con_datos(self) -> bool:
        """Whether some semester of the row has figures."""
        return any(v is not None and v.con_valor for v in self.valores)


@dataclass(frozen=True)
class Serie:
    """A line of the chart: one value per semester (None: no point)."""

    nombre: str
    valores: tuple[Decimal | None, ...]
    #: "programado", "ejecutado" (the colours of the report), "nacional" (a national average
    #: beside a region's) or "idg" (one line per IdG number)
    clase: str
    numero: int | None = None


@dataclass(frozen=True)
class Tendencia:
    """What the trend page, its chart, its Excel and the ficha show."""

    vista: str
    semestres: tuple[Semestre, ...]
    filas: tuple[Fila, ...]
    #: Averages under the rows: the region's desempeño promedio, or the IdG's national average
    resumen: tuple[Fila, ...] = ()
    region: RegionTendencia | None = None
    idg: IdG | None = None
    #: Some semester hides the national averages from this reader (not published yet)
    promedios_ocultos: bool = False

    @property
    def grupos(self) -> list[tuple[Ciclo, list[Semestre]]]:
        """The semesters in runs of the same cycle: the column group headers."""
        grupos: list[tuple[Ciclo, list[Semestre]]] = []
        for s in self.semestres:
            if grupos and grupos[-1][0] == s.ciclo:
                grupos[-1][1].append(s)
            else:
                grupos.append((s.ciclo, [s]))
        return grupos

    @property
    def filas_por_ciclo(self) -> list[tuple[Ciclo | None, list[Fila]]]:
        """The rows in runs of the same cycle (IdG rows are grouped by it), in order."""
        grupos: list[tuple[Ciclo | None, list[Fila]]] = []
        for f in self.filas:
            if grupos and grupos[-1][0] == f.ciclo:
                grupos[-1][1].append(f)
            else:
                grupos.append((f.ciclo, [f]))
        return grupos

    @property
    def inicios_de_ciclo(self) -> set[int]:
        """Indexes of the semesters that open a cycle group after another (the boundary)."""
        return {
            i for i, s in enumerate(self.semestres) if i and s.ciclo != self.semestres[i - 1].ciclo
        }

    @property
    def hay_datos(self) -> bool:
        """Whether any row or average has figures."""
        return any(f.con_datos for f in (*self.filas, *self.resumen))

    @property
    def series(self) -> tuple[Serie, ...]:
        """What the line chart draws (the table shows the same figures and more).

        National view: the executed national average of each IdG number, the entity of each
        semester's cycle (the line breaks where the cycle changes). A region: its desempeño
        promedio, programmed and executed. An IdG: the national average, programmed and
        executed, or with a region the region's figures and the executed national average.
        """
        if self.vista == NACIONAL:
            numeros = sorted({f.numero for f in self.filas if f.numero is not None})
            series = []
            for numero in numeros:
                valores = []
                for k, s in enumerate(self.semestres):
                    fila = next(
                        (f for f in self.filas if f.numero == numero and f.ciclo == s.ciclo), None
                    )
                    v = fila.valores[k] if fila else None
                    valores.append(v.ejecutado if v is not None else None)
                series.append(Serie(f"IdG {numero}", tuple(valores), "idg", numero))
            return tuple(s for s in series if any(v is not None for v in s.valores))

        def de(fila: Fila, campo: str) -> tuple[Decimal | None, ...]:
            return tuple(getattr(v, campo) if v is not None else None for v in fila.valores)

        if self.vista == IDG and self.region is not None and self.filas:
            propia, nacional = self.filas[0], self.resumen[0]
            return (
                Serie(f"Programación {propia.etiqueta}", de(propia, "programado"), "programado"),
                Serie(f"Ejecución {propia.etiqueta}", de(propia, "ejecutado"), "ejecutado"),
                Serie("Ejecución promedio nacional", de(nacional, "ejecutado"), "nacional"),
            )
        if not self.resumen:
            return ()
        fila = self.resumen[0]
        sufijo = " nacional" if self.vista == IDG else ""
        return (
            Serie(f"Programación promedio{sufijo}", de(fila, "programado"), "programado"),
            Serie(f"Ejecución promedio{sufijo}", de(fila, "ejecutado"), "ejecutado"),
        )

    @property
    def hay_grafico(self) -> bool:
        """Whether the chart has a point to draw."""
        return any(v is not None for s in self.series for v in s.valores)

    @property
    def titulo_grafico(self) -> str:
        """The chart's title."""
        if self.vista == NACIONAL:
            return "Ejecución promedio nacional por IdG"
        if self.vista == REGION and self.region:
            return f"{self.region.nombre}: desempeño promedio por semestre"
        if self.idg and self.region:
            return f"{self.idg.etiqueta_ciclo} – {self.region.nombre}"
        if self.idg:
            return f"{self.idg.etiqueta_ciclo}: promedio nacional"
        return ""

    @property
    def descripcion_grafico(self) -> str:
        """The chart's alternative text: what it draws, over which semesters, and where its
        figures are."""
        if not self.hay_grafico:
            return ""
        if self.vista == NACIONAL:
            lineas = "la ejecución promedio nacional de cada IdG"
        else:
            nombres = [s.nombre.lower() if i else s.nombre for i, s in enumerate(self.series)]
            lineas = ", ".join(nombres[:-1]) + " y " + nombres[-1].lower()
        primero, ultimo = self.semestres[0].nombre, self.semestres[-1].nombre
        tramo = f"en el {primero}" if primero == ultimo else f"del {primero} al {ultimo}"
        corte = ""
        if len(self.grupos) > 1:
            corte = (
                ", con una línea vertical entre ciclos (las líneas no cruzan de un ciclo a otro)"
            )
        return (
            f"Gráfico de líneas «{self.titulo_grafico}»: {lineas}, {tramo}{corte}. "
            f"Las cifras están en la tabla «{self.titulo}»."
        )

    @property
    def titulo(self) -> str:
        """What the table shows, as its caption."""
        if self.vista == NACIONAL:
            return "Promedio nacional por indicador y semestre"
        if self.vista == REGION and self.region:
            return f"{self.region.nombre}: indicadores por semestre"
        if self.idg and self.region:
            return f"{self.idg.etiqueta_ciclo}: {self.region.nombre} por semestre"
        if self.idg:
            return f"{self.idg.etiqueta_ciclo}: regiones por semestre"
        return "Tendencia"
