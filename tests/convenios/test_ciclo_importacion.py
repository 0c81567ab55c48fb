"""A whole agreement cycle from files (issue 15, item 8): IdG set, convenios and semesters.

Every file is read back from the database after the import; every error kind is asserted by
row, column and message, with nothing written; a dry run writes nothing; the CLI and the web
page run the same import.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import ConjuntoIndicadores, Indicador, TipoValor, normalizar
from app.catalogo.services import crear_ciclo, motivo_ciclo_cerrado
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.cli import ciclo_cli
from app.convenios.models import Convenio, EstadoConvenio, Periodo
from app.convenios.services import ciclo_importacion
from app.convenios.services.ciclo_importacion import COLUMNAS, ErrorImportacion
from app.convenios.services.importacion_filas import ErrorFila
from app.convenios.services.periodos import crear_periodo
from tests.conftest import restaurar
from tests.seguridad.hostiles import (
    AJUSTES,
    INGLES,
    filas_nuevas,
    foto,
    fuera_de_columna,
    leer_html,
    texto,
)

RAIZ = Path(__file__).resolve().parents[2]
EJEMPLOS = {tipo: RAIZ / "docs" / f"ejemplo-ciclo-{tipo}.csv" for tipo in COLUMNAS}
#: The day the services judge dates against (a signature after it is "in the future").
HOY = date(2022, 10, 1)
NUEVO = "2022-2023"


# --- Helpers -------------------------------------------------------------------------------


def _csv(tipo: str, filas: list[list[str]], cabecera: tuple[str, ...] | None = None) -> bytes:
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(cabecera or COLUMNAS[tipo])
    escritor.writerows(filas)
    return salida.getvalue().encode("utf-8")


def _importar(bd, tipo, contenido, nombre=None, *, simular=False, hoy=HOY, usuario_id=None):
    """Run the import as the CLI and the page do: commit what it wrote, roll back the rest."""
    resultado = ciclo_importacion.importar(
        tipo,
        nombre or f"{tipo}.csv",
        contenido,
        usuario_id=usuario_id,
        hoy=hoy,
        simular=simular,
    )
    if resultado.aplicado:
        bd.session.commit()
    else:
        bd.session.rollback()
    return resultado


def _conteos(bd) -> dict[str, int]:
    bd.session.expire_all()
    return {
        t.name: bd.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in bd.metadata.sorted_tables
    }


def _ciclo(bd, inicio: int, fin: int) -> ConjuntoIndicadores | None:
    return bd.session.scalar(
        sa.select(ConjuntoIndicadores).filter_by(anio_inicio=inicio, anio_fin=fin)
    )


def _ciclo_demo(bd) -> ConjuntoIndicadores:
    """The seeded cycle (the one of the demo semesters)."""
    return next(c for c in bd.session.scalars(sa.select(ConjuntoIndicadores)) if c.cubre(2020))


def _fila_idg(ciclo: str, i: Indicador, nombre: str | None = None) -> list[str]:
    """An IdG as a row of the file (also what is read back from the database)."""
    return [
        ciclo,
        str(i.numero),
        nombre or i.nombre,
        i.proponente.sigla,
        str(i.objetivo.numero) if i.objetivo else "",
        i.funcion.letra if i.funcion else "",
        i.servicio.codigo if i.servicio else "",
        i.tipo_valor.value,
        i.sentido.value,
        i.numerador or "",
        i.denominador or "",
        "si" if i.requiere_evidencia else "no",
    ]


def _filas_2022(bd) -> tuple[list[list[str]], dict[int, str], int]:
    """The 2022-2023 set: the demo cycle's IdG, two reworded, and a ratio IdG added.

    Returns the rows, the reworded numbers with their new names, and the new IdG's number.
    """
    base = catalogo_queries.indicadores(_ciclo_demo(bd).id)
    nuevos_nombres = {
        base[1].numero: f"{base[1].nombre.rstrip('.')} (redacción 2022-2023).",
        base[-1].numero: f"Porcentaje reformulado: {base[-1].nombre}",
    }
    filas = [_fila_idg(NUEVO, i, nuevos_nombres.get(i.numero)) for i in base]
    razon = max(i.numero for i in base) + 1
    filas.append(
        [
            NUEVO,
            str(razon),
            "Porcentaje de audiencias de conciliación con acuerdo total.",
            base[0].proponente.sigla,
            "",
            "",
            "",
            "porcentaje",
            "ascendente",
            "Audiencias con acuerdo total",
            "Audiencias de conciliación realizadas",
            "si",
        ]
    )
    return filas, nuevos_nombres, razon


def _regiones_de_prueba(bd):
    """A region written by name, one by its hyphenated code, one by an alias."""
    regiones = catalogo_queries.regiones_con_detalle()
    por_codigo = next(r for r in regiones if "-" in r.codigo)
    por_alias = next(
        r
        for r in regiones
        if r is not por_codigo
        and any(normalizar(a.alias) != normalizar(r.nombre) for a in r.aliases)
    )
    alias = next(
        a.alias for a in por_alias.aliases if normalizar(a.alias) != normalizar(por_alias.nombre)
    )
    por_nombre = next(r for r in regiones if r not in (por_codigo, por_alias))
    return (por_nombre, por_nombre.nombre), (por_codigo, por_codigo.codigo), (por_alias, alias)


def _eventos(bd, **filtro) -> list[Evento]:
    return list(bd.session.scalars(sa.select(Evento).filter_by(**filtro).order_by(Evento.id)))


def _cargar_idg_2022(bd):
    filas, _nombres, _razon = _filas_2022(bd)
    resultado = _importar(bd, "indicadores", _csv("indicadores", filas))
    assert resultado.aplicado, resultado.errores
    return _ciclo(bd, 2022, 2023)


# --- A whole cycle -------------------------------------------------------------------------


def test_a_2022_2023_cycle_loads_from_its_three_files(bd):
    demo = _ciclo_demo(bd)
    demo_antes = [_fila_idg(demo.ciclo, i) for i in catalogo_queries.indicadores(demo.id)]
    filas, nuevos_nombres, razon = _filas_2022(bd)

    resultado = _importar(bd, "indicadores", _csv("indicadores", filas))
    assert resultado.errores == []
    assert resultado.aplicado
    ciclo = _ciclo(bd, 2022, 2023)
    assert (ciclo.nombre, ciclo.base_id) == ("IdG 2022", None)  # created empty, then filled
    # Every column of every row is read back as written.
    leidos = [_fila_idg(NUEVO, i) for i in catalogo_queries.indicadores(ciclo.id)]
    assert leidos == sorted(filas, key=lambda f: int(f[1]))
    por_numero = {i.numero: i for i in ciclo.indicadores}
    for numero, nombre in nuevos_nombres.items():
        assert por_numero[numero].nombre == nombre
    assert por_numero[razon].es_razon
    assert [n for n, i in por_numero.items() if i.es_razon] == [razon]
    # Derived as the IdG form does: the unit's vice-ministry, negatives for variations only.
    for original in catalogo_queries.indicadores(demo.id):
        copia = por_numero[original.numero]
        assert copia.viceministerio_id == original.viceministerio_id
        assert copia.admite_negativo == original.admite_negativo
        assert copia.unidad_medida == original.unidad_medida == "Porcentaje (%)"
    assert por_numero[razon].viceministerio_id == por_numero[min(por_numero)].viceministerio_id
    # The earlier cycle keeps its set.
    assert [_fila_idg(demo.ciclo, i) for i in catalogo_queries.indicadores(demo.id)] == demo_antes
    # One change per row, the cycle first; audited as the forms audit.
    assert [(c.fila, c.accion) for c in resultado.cambios] == [(2, "crear")] + [
        (n, "crear") for n in range(2, len(filas) + 2)
    ]
    eventos = _eventos(bd, objeto_tipo="conjunto_indicadores", objeto_id=ciclo.id)
    assert [e.accion for e in eventos] == ["crear_ciclo"] + ["agregar_idg"] * len(filas)

    (r_nombre, t_nombre), (r_codigo, t_codigo), (r_alias, t_alias) = _regiones_de_prueba(bd)
    convenios = [
        [t_nombre, NUEVO, "2021-12-20", "suscrito", "Convenio 001-2021"],
        [t_codigo, NUEVO, "2022-09-15", "suscrito", ""],  # signed in September 2022
        [t_alias, NUEVO, "", "pendiente", ""],
    ]
    resultado = _importar(bd, "convenios", _csv("convenios", convenios))
    assert resultado.errores == [] and resultado.aplicado
    guardados = {
        c.region_id: (
            c.conjunto_id,
            c.anio_inicio,
            c.anio_fin,
            c.estado,
            c.fecha_suscripcion,
            c.documento,
        )
        for c in bd.session.scalars(sa.select(Convenio).filter_by(conjunto_id=ciclo.id))
    }
    assert guardados == {
        r_nombre.id: (
            ciclo.id,
            2022,
            2023,
            EstadoConvenio.suscrito,
            date(2021, 12, 20),
            "Convenio 001-2021",
        ),
        r_codigo.id: (ciclo.id, 2022, 2023, EstadoConvenio.suscrito, date(2022, 9, 15), None),
        r_alias.id: (ciclo.id, 2022, 2023, EstadoConvenio.pendiente, None, None),
    }
    creados = [e.objeto_id for e in _eventos(bd, objeto_tipo="convenio", accion="crear")]
    assert sorted(creados) == sorted(
        c.id for c in bd.session.scalars(sa.select(Convenio).filter_by(conjunto_id=ciclo.id))
    )

    periodos = [["2022", "1", "2022-07-31", "2022-08-31"], ["2022", "II", "2023-01-31", ""]]
    resultado = _importar(bd, "periodos", _csv("periodos", periodos))
    assert resultado.errores == [] and resultado.aplicado
    guardados = {
        (p.anio, p.semestre): (
            p.fecha_limite_anexo4,
            p.fecha_limite_anexo5,
            p.fecha_cierre_anexo4,
            p.abierto,
        )
        for p in bd.session.scalars(sa.select(Periodo))
    }
    assert guardados == {
        (2022, 1): (date(2022, 7, 31), date(2022, 8, 31), None, True),
        (2022, 2): (date(2023, 1, 31), None, None, True),
    }
    eventos = _eventos(bd, objeto_tipo="periodo")
    assert [(e.accion, e.motivo) for e in eventos] == [
        ("crear", "Importación del archivo periodos.csv")
    ] * 2

    # The same three files again: every row unchanged, nothing audited.
    cuantos = len(_eventos(bd))
    for tipo, filas_tipo in (
        ("indicadores", filas),
        ("convenios", convenios),
        ("periodos", periodos),
    ):
        otra_vez = _importar(bd, tipo, _csv(tipo, filas_tipo))
        assert otra_vez.aplicado and {c.accion for c in otra_vez.cambios} == {"sin_cambios"}
        assert len(otra_vez.cambios) == len(filas_tipo)
    assert len(_eventos(bd)) == cuantos


def test_the_example_files_of_the_docs_load_in_order(bd):
    for tipo in ("indicadores", "convenios", "periodos"):
        resultado = _importar(bd, tipo, EJEMPLOS[tipo].read_bytes(), EJEMPLOS[tipo].name)
        assert resultado.errores == [] and resultado.aplicado, tipo
    with EJEMPLOS["indicadores"].open(encoding="utf-8") as archivo:
        idg = list(csv.DictReader(archivo))
    inicio, fin = (int(a) for a in idg[0]["ciclo"].split("-"))
    ciclo = _ciclo(bd, inicio, fin)
    assert {(i.numero, i.nombre, i.es_razon) for i in ciclo.indicadores} == {
        (int(f["numero"]), f["nombre"], bool(f["numerador"])) for f in idg
    }
    with EJEMPLOS["convenios"].open(encoding="utf-8") as archivo:
        convenios = list(csv.DictReader(archivo))
    registrados = {
        c.region.nombre: (c.estado.value, c.fecha_suscripcion)
        for c in bd.session.scalars(sa.select(Convenio).filter_by(conjunto_id=ciclo.id))
    }
    assert registrados == {
        catalogo_queries.region_por_nombre(f["region"].replace("-", " ")).nombre: (
            f["estado"],
            date.fromisoformat(f["fecha_suscripcion"]) if f["fecha_suscripcion"] else None,
        )
        for f in convenios
    }
    with EJEMPLOS["periodos"].open(encoding="utf-8") as archivo:
        periodos = list(csv.DictReader(archivo))
    assert {
        (p.anio, p.semestre, p.fecha_limite_anexo4) for p in bd.session.scalars(sa.select(Periodo))
    } == {
        (int(f["anio"]), int(f["semestre"]), date.fromisoformat(f["vence_anexo4"]))
        for f in periodos
    }


def test_rows_update_what_exists_and_say_which_columns_change(bd):
    ciclo = _cargar_idg_2022(bd)
    filas, _n, razon = _filas_2022(bd)
    cambiada = next(f for f in filas if f[7] == "porcentaje" and f[1] != str(razon))
    cambiada[2], cambiada[7], cambiada[8] = "Número de visitas realizadas.", "conteo", "descendente"
    resultado = _importar(bd, "indicadores", _csv("indicadores", filas))
    assert resultado.aplicado
    actualizadas = [
        (c.objeto.split(" – ")[0], c.columnas)
        for c in resultado.cambios
        if c.accion == "actualizar"
    ]
    assert actualizadas == [(f"IdG {cambiada[1]}", ("nombre", "tipo", "sentido"))]
    indicador = bd.session.scalar(
        sa.select(Indicador).filter_by(conjunto_id=ciclo.id, numero=int(cambiada[1]))
    )
    assert (indicador.nombre, indicador.tipo_valor, indicador.sentido.value) == (
        "Número de visitas realizadas.",
        TipoValor.conteo,
        "descendente",
    )
    assert (indicador.unidad_medida, indicador.admite_negativo) == ("Número", False)
    (evento,) = _eventos(bd, objeto_tipo="indicador", objeto_id=indicador.id)
    assert evento.accion == "editar" and evento.despues["nombre"] == "Número de visitas realizadas."

    (region, texto_region), _c, _a = _regiones_de_prueba(bd)
    _importar(bd, "convenios", _csv("convenios", [[texto_region, NUEVO, "", "pendiente", "x"]]))
    resultado = _importar(
        bd, "convenios", _csv("convenios", [[texto_region, NUEVO, "2022-03-01", "suscrito", "x"]])
    )
    assert [(c.accion, c.columnas) for c in resultado.cambios] == [
        ("actualizar", ("estado", "fecha_suscripcion"))
    ]
    convenio = bd.session.scalar(
        sa.select(Convenio).filter_by(region_id=region.id, conjunto_id=ciclo.id)
    )
    assert (convenio.estado, convenio.fecha_suscripcion) == (
        EstadoConvenio.suscrito,
        date(2022, 3, 1),
    )
    (editado,) = _eventos(bd, objeto_tipo="convenio", objeto_id=convenio.id, accion="editar")
    assert editado.motivo == "Importación del archivo convenios.csv"

    _importar(bd, "periodos", _csv("periodos", [["2022", "1", "2022-07-31", ""]]))
    resultado = _importar(
        bd, "periodos", _csv("periodos", [["2022", "1", "2022-08-15", "2022-09-15"]])
    )
    assert [(c.accion, c.columnas) for c in resultado.cambios] == [
        ("actualizar", ("vence_anexo4", "vence_anexo5"))
    ]
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2022, semestre=1))
    assert (periodo.fecha_limite_anexo4, periodo.fecha_limite_anexo5) == (
        date(2022, 8, 15),
        date(2022, 9, 15),
    )
    assert [e.accion for e in _eventos(bd, objeto_tipo="periodo", objeto_id=periodo.id)] == [
        "crear",
        "editar",
    ]


def test_an_xlsx_file_with_date_cells_reads_like_the_csv(bd):
    _cargar_idg_2022(bd)
    (region, texto_region), _c, _a = _regiones_de_prueba(bd)
    libro = Workbook()
    hoja = libro.active
    hoja.append(list(COLUMNAS["convenios"]))
    hoja.append([texto_region, NUEVO, date(2022, 1, 10), "suscrito", None])
    salida = io.BytesIO()
    libro.save(salida)
    resultado = _importar(bd, "convenios", salida.getvalue(), "convenios.xlsx")
    assert resultado.errores == [] and resultado.aplicado
    convenio = bd.session.scalar(
        sa.select(Convenio).filter_by(region_id=region.id, anio_inicio=2022)
    )
    assert convenio.fecha_suscripcion == date(2022, 1, 10)


# --- Dry run -------------------------------------------------------------------------------


def test_a_dry_run_reports_what_it_would_write_and_writes_nothing(bd):
    filas, _n, razon = _filas_2022(bd)
    antes = _conteos(bd)
    resultado = _importar(bd, "indicadores", _csv("indicadores", filas), simular=True)
    assert resultado.errores == [] and not resultado.aplicado
    assert [c.accion for c in resultado.cambios] == ["crear"] * (len(filas) + 1)
    assert resultado.cambios[-1].objeto.startswith(f"IdG {razon} – ")
    assert resultado.resumen == (
        "Simulación: el archivo es válido y no se guardó nada. Se crearían: "
        f"{len(filas) + 1}; se actualizarían: 0; quedarían sin cambios: 0."
    )
    assert _conteos(bd) == antes
    assert _ciclo(bd, 2022, 2023) is None

    _cargar_idg_2022(bd)
    (region, texto), _c, _a = _regiones_de_prueba(bd)
    antes = _conteos(bd)
    for tipo, filas_tipo in (
        ("convenios", [[texto, NUEVO, "2022-01-10", "suscrito", ""]]),
        ("periodos", [["2022", "1", "2022-07-31", "2022-08-31"]]),
    ):
        resultado = _importar(bd, tipo, _csv(tipo, filas_tipo), simular=True)
        assert [c.accion for c in resultado.cambios] == ["crear"]
    assert _conteos(bd) == antes


# --- Errors by row and column, nothing written ---------------------------------------------


def _fila_valida_idg(bd) -> list[str]:
    filas, _n, _r = _filas_2022(bd)
    return filas[0]


IDG_MALAS = [
    (
        "ciclo",
        "2022",
        "«2022» no es un ciclo: escriba sus años como AAAA-AAAA (por ejemplo 2022-2023).",
    ),
    ("ciclo", "", "Indique el ciclo: escriba sus años como AAAA-AAAA (por ejemplo 2022-2023)."),
    ("numero", "tres", "El número del IdG debe ser un entero (se leyó «tres»)."),
    ("numero", "0", "El número del IdG debe estar entre 1 y 999."),
    ("nombre", "", "Escriba el nombre del IdG."),
    ("nombre", "n" * 1001, "El texto tiene más de 1000 caracteres."),
    (
        "unidad_proponente",
        "XYZ",
        "No se reconoce la unidad «XYZ»: escriba la sigla de una unidad del MTPE registrada en "
        "el catálogo.",
    ),
    ("unidad_proponente", "", "Indique la sigla de la unidad proponente."),
    ("oes", "99", "No existe el objetivo estratégico sectorial (OES) «99»: escriba su número."),
    ("funcion", "zz", "No existe la función «zz» del art. 48: escriba su letra."),
    ("servicio", "nada", "No existe el servicio público «nada»: escriba su código del catálogo."),
    ("tipo", "razon", "«razon» no es válido: use porcentaje, incremento, variacion o conteo."),
    ("sentido", "", "Falta este dato: use ascendente o descendente."),
    ("requiere_evidencia", "tal vez", "«tal vez» no es válido: use si o no."),
    (
        "denominador",
        None,  # a numerator without a denominator
        "Un IdG de razón necesita numerador y denominador; deje ambos vacíos si no lo es.",
    ),
]


@pytest.mark.parametrize(
    "columna, valor, mensaje", IDG_MALAS, ids=[f"{c}={v!r:.12}" for c, v, _m in IDG_MALAS]
)
def test_each_idg_error_names_its_row_column_and_message_and_writes_nothing(
    bd, columna, valor, mensaje
):
    buena = _fila_valida_idg(bd)
    mala = list(buena)
    mala[1] = str(int(buena[1]) + 100)  # another IdG of the same file
    if valor is None:
        mala[COLUMNAS["indicadores"].index("numerador")] = "Atendidos"
        mala[COLUMNAS["indicadores"].index("denominador")] = ""
    else:
        mala[COLUMNAS["indicadores"].index(columna)] = valor
    antes = _conteos(bd)
    resultado = _importar(bd, "indicadores", _csv("indicadores", [buena, mala]))
    assert resultado.errores == [ErrorFila(3, columna, mensaje)]
    assert not resultado.aplicado and resultado.cambios == []
    assert _conteos(bd) == antes


def test_every_error_of_every_row_is_listed_in_row_order(bd):
    buena = _fila_valida_idg(bd)
    columnas = COLUMNAS["indicadores"]
    mala = list(buena)
    mala[1] = str(int(buena[1]) + 200)
    mala[columnas.index("tipo")], mala[columnas.index("sentido")] = "razon", "arriba"
    repetida = list(buena)
    sin_nombre = list(buena)
    sin_nombre[1], sin_nombre[2] = "500", ""
    antes = _conteos(bd)
    resultado = _importar(
        bd, "indicadores", _csv("indicadores", [mala, [], buena, repetida, sin_nombre])
    )
    assert [(e.fila, e.columna) for e in resultado.errores] == [
        (2, "tipo"),
        (2, "sentido"),
        (5, "numero"),
        (6, "nombre"),
    ]
    assert (
        resultado.errores[2].mensaje
        == f"El IdG {buena[1]} del ciclo {NUEVO} ya figura en la fila 4."
    )
    assert resultado.resumen == "El archivo tiene 4 errores: no se guardó nada."
    assert _conteos(bd) == antes


def test_a_cycle_whose_years_overlap_another_is_refused(bd):
    demo = _ciclo_demo(bd)
    fila = _fila_valida_idg(bd)
    fila[0] = f"{demo.anio_fin}-{demo.anio_fin + 1}"
    antes = _conteos(bd)
    resultado = _importar(bd, "indicadores", _csv("indicadores", [fila]))
    assert resultado.errores == [
        ErrorFila(2, "ciclo", f"Los años se cruzan con el ciclo {demo.ciclo} ({demo.nombre}).")
    ]
    assert _conteos(bd) == antes


def test_a_cycle_already_reported_on_keeps_its_set(demo):
    ciclo = _ciclo_demo(demo)
    primero = catalogo_queries.indicadores(ciclo.id)[0]
    filas = [_fila_idg(ciclo.ciclo, primero, "Otro nombre"), _fila_idg(ciclo.ciclo, primero)]
    filas[1][1] = "900"
    antes = _conteos(demo)
    resultado = _importar(demo, "indicadores", _csv("indicadores", filas))
    # Once for the file, in the words of the IdG forms' own refusal.
    assert resultado.errores == [ErrorFila(2, "ciclo", motivo_ciclo_cerrado(ciclo))]
    assert f"El ciclo {ciclo.ciclo} ya tiene Anexos 4" in resultado.errores[0].mensaje
    assert _conteos(demo) == antes


def _convenio_malo(columna: str, valor: str, fila: list[str] | None = None) -> list[str]:
    fila = list(fila or ["Loreto", NUEVO, "2022-01-10", "suscrito", ""])
    fila[COLUMNAS["convenios"].index(columna)] = valor
    return fila


CONVENIOS_MALOS = [
    (
        _convenio_malo("region", "Narnia"),
        "region",
        "No se reconoce la región «Narnia» (nombre, código o alias del catálogo).",
    ),
    (_convenio_malo("region", ""), "region", "Indique la región."),
    (
        _convenio_malo("ciclo", "2030-2031"),
        "ciclo",
        "No existe el ciclo 2030-2031: cárguelo antes con el archivo de indicadores.",
    ),
    (
        _convenio_malo("fecha_suscripcion", "10/01/2022"),
        "fecha_suscripcion",
        "«10/01/2022» no es una fecha válida: escríbala como AAAA-MM-DD.",
    ),
    (
        _convenio_malo("fecha_suscripcion", "2022-02-30"),
        "fecha_suscripcion",
        "«2022-02-30» no es una fecha válida: escríbala como AAAA-MM-DD.",
    ),
    (
        _convenio_malo("estado", "firmado"),
        "estado",
        "«firmado» no es válido: use suscrito o pendiente.",
    ),
    (_convenio_malo("documento", "d" * 201), "documento", "El texto tiene más de 200 caracteres."),
    (
        _convenio_malo("estado", "pendiente"),
        "fecha_suscripcion",
        "Un convenio pendiente de suscripción no tiene fecha de suscripción.",
    ),
    (
        _convenio_malo("fecha_suscripcion", ""),
        "fecha_suscripcion",
        "Indique la fecha de suscripción del convenio.",
    ),
    (
        _convenio_malo("fecha_suscripcion", "2020-12-31"),
        "fecha_suscripcion",
        "La fecha de suscripción debe estar entre 2021 y 2023 para el periodo 2022-2023.",
    ),
    (
        _convenio_malo("fecha_suscripcion", "2022-10-02"),  # the day after HOY
        "fecha_suscripcion",
        "La fecha de suscripción no puede estar en el futuro.",
    ),
]


@pytest.mark.parametrize(
    "fila, columna, mensaje", CONVENIOS_MALOS, ids=[m[:30] for _f, _c, m in CONVENIOS_MALOS]
)
def test_each_convenio_error_names_its_row_column_and_message_and_writes_nothing(
    bd, fila, columna, mensaje
):
    _cargar_idg_2022(bd)
    buena = ["Puno", NUEVO, "2022-01-10", "suscrito", ""]
    antes = _conteos(bd)
    resultado = _importar(bd, "convenios", _csv("convenios", [buena, fila]))
    assert resultado.errores == [ErrorFila(3, columna, mensaje)]
    assert _conteos(bd) == antes


def test_a_convenio_twice_in_a_file_or_in_a_cycle_without_idg_is_refused(bd):
    _cargar_idg_2022(bd)
    crear_ciclo(2024, 2025, usuario_id=None)
    bd.session.commit()
    filas = [
        ["Loreto", NUEVO, "2022-01-10", "suscrito", ""],
        ["LORETO", NUEVO, "2022-01-11", "suscrito", ""],
        ["Loreto", "2024-2025", "2024-01-11", "suscrito", ""],
    ]
    antes = _conteos(bd)
    resultado = _importar(bd, "convenios", _csv("convenios", filas), hoy=date(2024, 6, 1))
    assert resultado.errores == [
        ErrorFila(3, "region", f"El convenio de Loreto del ciclo {NUEVO} ya figura en la fila 2."),
        ErrorFila(
            4,
            "ciclo",
            "El ciclo 2024-2025 no tiene IdG: la ODES debe definir sus indicadores antes de "
            "registrar convenios.",
        ),
    ]
    assert _conteos(bd) == antes


PERIODOS_MALOS = [
    (["22", "1", "", ""], "anio", "Debe ser un número entero entre 2000 y 2100 (se leyó «22»)."),
    (["2022", "3", "", ""], "semestre", "«3» no es válido: use 1 o 2 (también I o II)."),
    (
        ["2022", "1", "31/07/2022", ""],
        "vence_anexo4",
        "«31/07/2022» no es una fecha válida: escríbala como AAAA-MM-DD.",
    ),
    (
        ["2022", "1", "2022-06-30", ""],
        "vence_anexo4",
        "La fecha debe ser posterior al cierre del semestre (30/06/2022).",
    ),
    (
        ["2022", "2", "", "2022-12-31"],
        "vence_anexo5",
        "La fecha debe ser posterior al cierre del semestre (31/12/2022).",
    ),
    (["2023", "I", "", ""], "semestre", "I Semestre 2023 ya figura en la fila 2."),
]


@pytest.mark.parametrize(
    "fila, columna, mensaje", PERIODOS_MALOS, ids=[m[:30] for _f, _c, m in PERIODOS_MALOS]
)
def test_each_semester_error_names_its_row_column_and_message_and_writes_nothing(
    bd, fila, columna, mensaje
):
    antes = _conteos(bd)
    resultado = _importar(bd, "periodos", _csv("periodos", [["2023", "1", "2023-07-31", ""], fila]))
    assert resultado.errores == [ErrorFila(3, columna, mensaje)]
    assert _conteos(bd) == antes


def test_a_due_date_after_the_stored_close_is_refused(bd):
    crear_periodo(
        {
            "anio": 2022,
            "semestre": 1,
            "fecha_limite_anexo4": date(2022, 7, 31),
            "fecha_cierre_anexo4": date(2022, 8, 15),
        },
        usuario_id=None,
    )
    bd.session.commit()
    antes = _conteos(bd)
    resultado = _importar(bd, "periodos", _csv("periodos", [["2022", "1", "2022-08-20", ""]]))
    assert resultado.errores == [
        ErrorFila(
            2, "vence_anexo4", "El cierre no puede ser anterior a la fecha límite del Anexo 4."
        )
    ]
    assert _conteos(bd) == antes


@pytest.mark.parametrize(
    "tipo, nombre, contenido, mensaje",
    [
        (
            "periodos",
            "p.txt",
            b"anio\n",
            "Formato de archivo no admitido (.txt). Use un archivo .csv (UTF-8, separado por "
            "comas) o .xlsx.",
        ),
        ("periodos", "p.csv", b"", "El archivo está vacío."),
        (
            "periodos",
            "p.csv",
            b"anio;semestre;vence_anexo4;vence_anexo5\n2022;1;;\n",
            "El archivo usa punto y coma (;) como separador. Guárdelo separado por comas o use un "
            "archivo Excel (.xlsx).",
        ),
        (
            "periodos",
            "p.csv",
            b"anio,semestre,vence\n",
            "La cabecera no corresponde al archivo de periodos (semestres): faltan las columnas "
            "vence_anexo4, vence_anexo5; columnas desconocidas: vence. Debe ser: "
            "anio,semestre,vence_anexo4,vence_anexo5.",
        ),
        (
            "indicadores",
            "c.csv",
            b"region,ciclo,fecha_suscripcion,estado,documento\n",
            "La cabecera no corresponde al archivo de indicadores (IdG) de un ciclo: faltan las "
            "columnas numero, nombre, unidad_proponente, oes, funcion, servicio, tipo, "
            "sentido, numerador, denominador, requiere_evidencia; columnas desconocidas: region, "
            "fecha_suscripcion, estado, documento. Debe ser: "
            + ",".join(COLUMNAS["indicadores"])
            + ". Es la cabecera del archivo de convenios: elija ese tipo de archivo.",
        ),
        (
            "periodos",
            "p.csv",
            b"anio,semestre,vence_anexo4,vence_anexo5\n2022,1,,,sobra\n",
            "Hay valores fuera de las columnas de la cabecera (filas 2). Revise que ningún valor "
            "contenga una coma sin comillas y que no haya columnas sin nombre.",
        ),
    ],
)
def test_a_file_that_cant_be_read_is_refused_whole(bd, tipo, nombre, contenido, mensaje):
    antes = _conteos(bd)
    with pytest.raises(ErrorImportacion) as error:
        ciclo_importacion.importar(tipo, nombre, contenido, usuario_id=None, hoy=HOY)
    bd.session.rollback()
    assert error.value.mensaje == mensaje
    assert _conteos(bd) == antes


def test_a_header_without_rows_is_an_error_of_row_1(bd):
    resultado = _importar(bd, "periodos", _csv("periodos", [[], []]))
    assert resultado.errores == [ErrorFila(1, "", "El archivo no tiene filas de datos.")]


# --- CLI -----------------------------------------------------------------------------------


def test_cli_imports_checks_and_simulates(runner, bd, tmp_path):
    filas, _n, razon = _filas_2022(bd)
    archivo = tmp_path / "idg.csv"
    archivo.write_bytes(_csv("indicadores", filas))
    antes = _conteos(bd)

    resultado = runner.invoke(ciclo_cli, ["importar-indicadores", str(archivo), "--dry-run"])
    assert resultado.exit_code == 0, resultado.output
    assert f"fila {len(filas) + 1}: Crear · IdG {razon} – " in resultado.output
    assert "Simulación: el archivo es válido y no se guardó nada." in resultado.output
    assert _conteos(bd) == antes

    resultado = runner.invoke(ciclo_cli, ["importar-indicadores", str(archivo)])
    assert resultado.exit_code == 0, resultado.output
    assert (
        f"Importación completada. Registros creados: {len(filas) + 1}; actualizados: 0"
        in resultado.output
    )
    bd.session.expire_all()
    assert len(_ciclo(bd, 2022, 2023).indicadores) == len(filas)
    (evento,) = _eventos(bd, accion="crear_ciclo")
    assert evento.usuario_id is None  # the command line writes as «Sistema»

    malo = tmp_path / "periodos.csv"
    malo.write_bytes(_csv("periodos", [["2022", "1", "2022-07-31", ""], ["2022", "5", "x", ""]]))
    antes = _conteos(bd)
    resultado = runner.invoke(ciclo_cli, ["importar-periodos", str(malo)])
    assert resultado.exit_code == 1
    assert (
        "fila 3, columna semestre: «5» no es válido: use 1 o 2 (también I o II)."
        in resultado.output
    )
    assert "fila 3, columna vence_anexo4: «x» no es una fecha válida" in resultado.output
    assert "El archivo tiene 2 errores: no se guardó nada." in resultado.output
    assert _conteos(bd) == antes

    convenios = tmp_path / "convenios.xls"
    convenios.write_bytes(b"x")
    resultado = runner.invoke(ciclo_cli, ["importar-convenios", str(convenios)])
    assert resultado.exit_code == 1 and "Formato de archivo no admitido (.xls)" in resultado.output


def test_cli_group_lists_its_three_commands(runner):
    resultado = runner.invoke(ciclo_cli, ["--help"])
    assert resultado.exit_code == 0
    for orden in ("importar-indicadores", "importar-convenios", "importar-periodos"):
        assert orden in resultado.output


def test_flask_ciclo_is_registered_in_the_app(runner):
    resultado = runner.invoke(args=["ciclo", "--help"])
    assert resultado.exit_code == 0, resultado.output
    assert "importar-indicadores" in resultado.output


# --- Web page ------------------------------------------------------------------------------

URL = "/convenios/ciclo/importar"


def _subir(client, tipo, contenido, nombre="archivo.csv", simular=False):
    datos = {"tipo": tipo, "archivo": (io.BytesIO(contenido), nombre)}
    if simular:
        datos["simular"] = "y"
    return client.post(URL, data=datos, content_type="multipart/form-data")


def test_web_page_imports_validates_and_simulates_for_odes(client, sesion, bd):
    usuario = sesion.entrar(Rol.odes)
    pagina = client.get(URL)
    assert pagina.status_code == 200
    assert "Solo validar (no guarda nada)" in pagina.text and 'name="tipo"' in pagina.text
    filas, _n, razon = _filas_2022(bd)
    antes = _conteos(bd)

    respuesta = _subir(client, "indicadores", _csv("indicadores", filas), simular=True)
    assert respuesta.status_code == 200
    assert "Simulación: el archivo es válido y no se guardó nada." in respuesta.text
    assert f"IdG {razon} – " in respuesta.text
    assert _conteos(bd) == antes

    malo = [list(filas[0]), list(filas[1])]
    malo[1][COLUMNAS["indicadores"].index("unidad_proponente")] = "XYZ"
    respuesta = _subir(client, "indicadores", _csv("indicadores", malo))
    assert respuesta.status_code == 200
    errores = leer_html(respuesta.text).errores
    assert errores and "El archivo tiene 1 error." in errores[0]
    assert (
        '<td class="num">3</td><td>unidad_proponente</td><td>No se reconoce la unidad «XYZ»'
        in respuesta.text
    )
    assert _conteos(bd) == antes

    respuesta = _subir(client, "convenios", _csv("indicadores", filas))
    assert "Es la cabecera del archivo de indicadores (IdG) de un ciclo" in respuesta.text
    assert _conteos(bd) == antes

    respuesta = _subir(client, "indicadores", _csv("indicadores", filas), nombre="idg 2022.csv")
    assert respuesta.status_code == 200
    assert "Importación completada." in respuesta.text
    bd.session.expire_all()
    ciclo = _ciclo(bd, 2022, 2023)
    assert len(ciclo.indicadores) == len(filas)
    (evento,) = _eventos(bd, accion="crear_ciclo")
    assert evento.usuario_id == usuario.id


@pytest.mark.parametrize("rol", [r for r in Rol if r is not Rol.odes])
def test_web_page_is_for_odes_only(client, sesion, bd, rol):
    sesion.entrar(rol)
    antes = _conteos(bd)
    assert client.get(URL).status_code == 403
    assert _subir(client, "periodos", _csv("periodos", [["2022", "1", "", ""]])).status_code == 403
    assert _conteos(bd) == antes


def test_web_page_asks_visitors_to_log_in(client):
    respuesta = client.get(URL)
    assert respuesta.status_code == 302 and "/login" in respuesta.headers["Location"]


# --- Hostile uploads -----------------------------------------------------------------------


@AJUSTES
@given(
    tipo=st.sampled_from([*COLUMNAS, "", "otro", "0"]),
    cabecera=st.sampled_from(list(COLUMNAS)),
    celdas=st.lists(texto, min_size=1, max_size=12),
    nombre=st.sampled_from(
        ["a.csv", "../../a.csv", "a" * 400 + ".csv", "😀.CSV", "a.xlsx", "a", ""]
    ),
    simular=st.booleans(),
)
def test_hostile_cycle_uploads_never_fail_and_write_all_or_nothing(
    app, client, sesion, bd, _foto_semilla, tipo, cabecera, celdas, nombre, simular
):
    """Any cell text under any header: no 500, Spanish messages, nothing written unless valid."""
    bd.session.rollback()
    restaurar(_foto_semilla)
    bd.session.expire_all()
    if getattr(client, "_ciclo_dentro", False) is False:
        sesion.entrar(Rol.odes)
        client._ciclo_dentro = True
    fila = (celdas * 12)[: len(COLUMNAS[cabecera])]
    contenido = _csv(cabecera, [fila], COLUMNAS[cabecera])
    antes = foto()
    respuesta = _subir(client, tipo, contenido, nombre, simular)
    assert respuesta.status_code in (200, 400), respuesta.status_code
    mensajes = leer_html(respuesta.text).errores
    for mensaje in mensajes:
        assert mensaje and not INGLES.search(mensaje), mensaje
    assert "<script>alert(1)" not in respuesta.text
    despues = foto()
    if "Importación completada." not in respuesta.text:
        assert not list(filas_nuevas(antes, despues)) and not list(filas_nuevas(despues, antes))
    else:
        assert fuera_de_columna(antes, despues) == []
