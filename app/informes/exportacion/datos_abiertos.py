"""The open data of a published semester: one row per evaluated region × IdG, as CSV, JSON and
XLSX, and the data dictionary that describes them.

The columns are defined once (`COLUMNAS`): the CSV header, the JSON keys, the XLSX header and
its "Diccionario" sheet, and the public dictionary page all read that list. Every figure comes
from `informe.datos_informe()` (computed with `app.comun.calculos`); nothing is recomputed
here. Text goes through `app.comun.hojas.texto_seguro` before it reaches a CSV field or a cell.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.catalogo.models import Region
from app.comun.hojas import fechas_legibles, texto_seguro
from app.comun.i18n import N_, traducir
from app.convenios.models import EstadoCelda
from app.convenios.queries.importacion import numero_texto
from app.extensions import db
from app.informes.informe import DatosInforme

#: Kinds of value a column holds (what the dictionary calls its type).
TEXTO, ENTERO, DECIMAL, SI_NO = N_("texto"), N_("número entero"), N_("número decimal"), N_("sí/no")
#: How "cumplió" is written in the CSV and the XLSX (JSON: true, false, null).
SI, NO = "sí", "no"


@dataclass(frozen=True)
class Columna:
    """A column of the dataset: its stable name, what it holds, its type and unit."""

    nombre: str
    descripcion: str
    tipo: str
    unidad: str = ""

    @property
    def descripcion_traducida(self) -> str:
        """The description in the reader's language."""
        return traducir(self.descripcion)

    @property
    def tipo_traducido(self) -> str:
        """The type in the reader's language."""
        return traducir(self.tipo)


#: Every column, in the order of the files (the dictionary lists them in this order too).
COLUMNAS: tuple[Columna, ...] = (
    Columna(
        "periodo",
        N_("Semestre evaluado, como código año-semestre: 2020-2 es el II Semestre 2020."),
        TEXTO,
    ),
    Columna("periodo_nombre", N_("Nombre del semestre, como lo escribe el informe."), TEXTO),
    Columna(
        "region",
        N_("Gobierno regional (o entidad) cuya G/DRTPE reportó el Anexo 4 aprobado."),
        TEXTO,
    ),
    Columna(
        "region_codigo",
        N_("Código de la región en las direcciones de esta aplicación (p. ej. madre-de-dios)."),
        TEXTO,
    ),
    Columna(
        "ubigeo",
        N_("Código de ubigeo del INEI de la entidad (un departamento termina en 0000)."),
        TEXTO,
    ),
    Columna("idg", N_("Número del indicador de gestión (IdG) del convenio."), ENTERO),
    Columna("idg_nombre", N_("Nombre del indicador de gestión."), TEXTO),
    Columna(
        "estado",
        N_("Estado de la celda región × IdG, como código (ver «Estados de una celda»)."),
        TEXTO,
    ),
    Columna("estado_etiqueta", N_("Estado de la celda, en palabras."), TEXTO),
    Columna(
        "programado",
        N_("Meta programada del IdG en el semestre. Vacío si la celda no tiene valor."),
        DECIMAL,
        "%",
    ),
    Columna(
        "ejecutado",
        N_(
            "Ejecución alcanzada en el semestre; puede superar 100 o, en los IdG de incremento "
            "o variación, ser negativa. Vacío si la celda no tiene valor."
        ),
        DECIMAL,
        "%",
    ),
    Columna(
        "cumplio",
        N_(
            "«sí» si el ejecutado es mayor o igual que el programado, «no» si es menor; vacío "
            "si la celda no tiene valor. En JSON: true, false o null."
        ),
        SI_NO,
    ),
    Columna(
        "region_programado_promedio",
        N_(
            "Programación promedio de la región en el semestre (Cuadro Nº 04), en porcentaje "
            "entero como la publica el informe. Se repite en cada fila de la región."
        ),
        ENTERO,
        "%",
    ),
    Columna(
        "region_ejecutado_promedio",
        N_(
            "Ejecución promedio de la región en el semestre (Cuadro Nº 04), en porcentaje "
            "entero como la publica el informe. Se repite en cada fila de la región."
        ),
        ENTERO,
        "%",
    ),
    Columna(
        "region_n",
        N_("Número de sumandos del promedio de la región: sus celdas con valor."),
        ENTERO,
    ),
)
NOMBRES = tuple(c.nombre for c in COLUMNAS)

#: What each cell state means for the averages (the labels are the app's, EstadoCelda).
SIGNIFICADO_ESTADO = {
    EstadoCelda.valor: N_(
        "La región reportó programado y ejecutado (en un IdG de razón, el ejecutado se calcula "
        "de sus conteos). Es sumando de los promedios."
    ),
    EstadoCelda.no_aplica: N_("El IdG no aplica a la región (con motivo). No es sumando."),
    EstadoCelda.sin_meta: N_("No hubo meta programada en el semestre. No es sumando."),
    EstadoCelda.no_remitido: N_("La región no remitió la meta. No es sumando."),
}

#: The averaging rule, as app/comun/calculos.py computes it (promedio, cumplio, redondear).
REGLA_PROMEDIO = (
    N_(
        "Desempeño promedio de una región = suma de los resultados de sus IdG entre el número "
        "de sumandos (n), por separado para lo programado y lo ejecutado. Solo son sumandos "
        "las celdas «Con valor» que tienen programado y ejecutado; «No aplica», «Sin meta en "
        "el semestre» y «Meta no remitida» no lo son."
    ),
    N_(
        "El promedio nacional de un IdG se calcula igual, sobre las regiones que tienen valor "
        "en ese IdG."
    ),
    N_(
        "Los promedios se publican redondeados a porcentaje entero, con las mitades hacia "
        "arriba (47,5 → 48); los valores de cada celda se publican tal como se reportaron."
    ),
    N_(
        "Una región cumplió la meta de un IdG cuando su ejecutado es mayor o igual que su "
        "programado."
    ),
    N_("Solo entran los Anexos 4 aprobados de las regiones con convenio en el semestre."),
)


def estados() -> list[tuple[str, str, str]]:
    """(code, label, meaning) of every cell state, in the reader's language."""
    return [(e.value, e.etiqueta, traducir(SIGNIFICADO_ESTADO[e])) for e in EstadoCelda]


def regla_promedio() -> list[str]:
    """The averaging rule's sentences, in the reader's language."""
    return [traducir(t) for t in REGLA_PROMEDIO]


def _regiones(nombres: list[str]) -> dict[str, tuple[str, str | None]]:
    """name → (URL code, ubigeo) of these regions, in one query."""
    if not nombres:
        return {}
    consulta = sa.select(Region.nombre, Region.codigo, Region.ubigeo).where(
        Region.nombre.in_(nombres)
    )
    return {nombre: (codigo, ubigeo) for nombre, codigo, ubigeo in db.session.execute(consulta)}


def filas(datos: DatosInforme) -> list[dict]:
    """The dataset's rows: one per evaluated region × IdG cell, keyed by column name (values
    as Python values: str, int, Decimal, bool or None)."""
    regiones = _regiones([r.region for r in datos.resultados_regiones])
    nombres_idg = {i.numero: i.nombre for i in datos.indicadores}
    etiquetas = {e.value: e.etiqueta for e in EstadoCelda}
    resultado = []
    for r in datos.resultados_regiones:
        codigo, ubigeo = regiones.get(r.region, ("", None))
        for v in r.valores:
            resultado.append(
                {
                    "periodo": datos.periodo_codigo,
                    "periodo_nombre": datos.periodo_nombre,
                    "region": r.region,
                    "region_codigo": codigo,
                    "ubigeo": ubigeo,
                    "idg": v.idg,
                    "idg_nombre": nombres_idg.get(v.idg, ""),
                    "estado": v.estado,
                    "estado_etiqueta": etiquetas.get(v.estado, v.estado),
                    "programado": v.programado,
                    "ejecutado": v.ejecutado,
                    "cumplio": v.cumple,
                    "region_programado_promedio": r.programado_pct,
                    "region_ejecutado_promedio": r.ejecutado_pct,
                    "region_n": r.n,
                }
            )
    return resultado


def _texto(valor) -> str:
    """A value as a CSV field: numbers with a decimal point, yes/no, empty for None."""
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return SI if valor else NO
    if isinstance(valor, Decimal):
        return numero_texto(valor)
    return str(valor)


def a_csv(filas_: list[dict]) -> bytes:
    """The rows as UTF-8 CSV (comma, decimal point, a header line), as the app's other CSV
    export writes them; every field made spreadsheet-safe."""
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(NOMBRES)
    for fila in filas_:
        escritor.writerow([texto_seguro(_texto(fila[c])) for c in NOMBRES])
    return salida.getvalue().encode("utf-8")


def _numero_json(valor: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values as integers."""
    return int(valor) if valor == valor.to_integral_value() else float(valor)


def a_json(
    filas_: list[dict], *, periodo: str, publicado_en: datetime | None, diccionario: str
) -> bytes:
    """The rows as a JSON document: the semester, when it was published, the dictionary's
    URL and the rows (numbers as numbers, "cumplio" as true/false/null). JSON is no
    spreadsheet: its texts are given as they are, without the CSV's formula guard."""
    documento = {
        "periodo": periodo,
        "publicado_en": publicado_en.isoformat() if publicado_en else None,
        "diccionario": diccionario,
        "columnas": list(NOMBRES),
        "filas": [
            {c: _numero_json(v) if isinstance(v, Decimal) else v for c, v in fila.items()}
            for fila in filas_
        ],
    }
    return json.dumps(documento, ensure_ascii=False, indent=1).encode("utf-8")


def _celda(valor):
    """A value for an Excel cell: numbers as numbers, yes/no as text, text made safe."""
    if isinstance(valor, bool):
        return SI if valor else NO
    if isinstance(valor, Decimal):
        return _numero_json(valor)
    return texto_seguro(valor)


def a_xlsx(filas_: list[dict], *, titulo: str) -> bytes:
    """The rows as an Excel workbook: a "Datos" sheet (bold header, numbers as numbers) and a
    "Diccionario" sheet (every column, its meaning, type and unit; the cell states; the rule)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    negrita = Font(bold=True)
    libro = Workbook()
    hoja = libro.active
    hoja.title = "Datos"
    hoja.append(list(NOMBRES))
    for celda in hoja[1]:
        celda.font = negrita
    for fila in filas_:
        hoja.append([_celda(fila[c]) for c in NOMBRES])
    hoja.freeze_panes = "A2"
    anchos = {"region": 18, "idg_nombre": 50, "estado_etiqueta": 22, "periodo_nombre": 18}
    for indice, nombre in enumerate(NOMBRES, start=1):
        hoja.column_dimensions[get_column_letter(indice)].width = anchos.get(nombre, 12)

    dic = libro.create_sheet("Diccionario")
    dic.append([texto_seguro(titulo)])
    dic["A1"].font = Font(bold=True, size=12)
    dic.append([])
    dic.append(["columna", "descripcion", "tipo", "unidad"])
    for celda in dic[3]:
        celda.font = negrita
    for c in COLUMNAS:
        dic.append([c.nombre, texto_seguro(c.descripcion_traducida), c.tipo_traducido, c.unidad])
    dic.append([])
    dic.append(["estado", "etiqueta", "significado"])
    for celda in dic[dic.max_row]:
        celda.font = negrita
    for codigo, etiqueta, significado in estados():
        dic.append([codigo, texto_seguro(etiqueta), texto_seguro(significado)])
    dic.append([])
    dic.append(["regla del promedio"])
    dic[f"A{dic.max_row}"].font = negrita
    for frase in regla_promedio():
        dic.append([texto_seguro(frase)])
    for letra, ancho in zip("ABCD", (28, 90, 16, 8), strict=True):
        dic.column_dimensions[letra].width = ancho
    for fila in dic.iter_rows(min_row=4):
        fila[1].alignment = Alignment(wrap_text=True, vertical="top")
    salida = io.BytesIO()
    fechas_legibles(libro).save(salida)
    return salida.getvalue()
