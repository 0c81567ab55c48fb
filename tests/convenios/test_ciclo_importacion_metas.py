"""Approved goals from a file (issue 15, item 8): `flask ciclo importar-metas` and the web page.

The example cycle of the docs (IdG, convenios, semesters) is loaded through the cycle import,
then goals files: every goal is read back from the database, each programming must end approved
with its first approved value kept, an Anexo 4 created afterwards takes the goals as its
programmed values, and every error kind is asserted by row, column and message with nothing
written.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo import queries as catalogo_queries
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.comun.auditoria import Evento
from app.comun.flujo import EstadoReporte
from app.comun.roles import Rol
from app.convenios.cli import ciclo_cli
from app.convenios.models import ANUAL, Convenio, EstadoCelda, Meta, Periodo, ProgramacionMetas
from app.convenios.queries import metas as metas_queries
from app.convenios.services import anexo4 as anexo4_services
from app.convenios.services import ciclo_importacion
from app.convenios.services import metas as metas_services
from app.convenios.services.ciclo_importacion import COLUMNAS, ErrorImportacion
from app.convenios.services.importacion_filas import ErrorFila
from tests.conftest import usuario_demo

RAIZ = Path(__file__).resolve().parents[2]
DOCS = RAIZ / "docs"
EJEMPLO = DOCS / "ejemplo-ciclo-metas.csv"
#: The day the cycle's files are judged against (the example's last signature is before it).
HOY = date(2022, 10, 1)
CABECERA = COLUMNAS["metas"]
AHORA = datetime(2022, 3, 1, 15, 0, tzinfo=UTC)
#: What every missing goal's message adds after naming it.
TODAS = (
    " El archivo debe dar todas las metas del año de cada convenio que nombra (de cada IdG "
    "del ciclo: la anual, la del I y la del II semestre)."
)


# --- Helpers -------------------------------------------------------------------------------


def _csv(filas: list[list[str]], cabecera: tuple[str, ...] = CABECERA) -> bytes:
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\n")
    escritor.writerow(cabecera)
    escritor.writerows(filas)
    return salida.getvalue().encode("utf-8")


def _importar(bd, contenido, nombre="metas.csv", *, simular=False, usuario_id=None):
    """Run the import as the CLI and the page do: commit what it wrote, roll back the rest."""
    if usuario_id is None:
        usuario_id = usuario_demo(Rol.odes).id
    resultado = ciclo_importacion.importar(
        "metas", nombre, contenido, usuario_id=usuario_id, hoy=HOY, simular=simular
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


def _leer(ruta: Path) -> list[dict[str, str]]:
    with ruta.open(encoding="utf-8") as archivo:
        return list(csv.DictReader(archivo))


@pytest.fixture
def ciclo(bd) -> ConjuntoIndicadores:
    """The docs' example cycle, loaded by the cycle import (IdG, convenios, semesters)."""
    for tipo in ("indicadores", "convenios", "periodos"):
        ruta = DOCS / f"ejemplo-ciclo-{tipo}.csv"
        resultado = ciclo_importacion.importar(
            tipo, ruta.name, ruta.read_bytes(), usuario_id=None, hoy=HOY
        )
        assert resultado.aplicado, (tipo, resultado.errores)
        bd.session.commit()
    inicio, fin = (
        int(a) for a in _leer(DOCS / "ejemplo-ciclo-indicadores.csv")[0]["ciclo"].split("-")
    )
    return bd.session.scalar(
        sa.select(ConjuntoIndicadores).filter_by(anio_inicio=inicio, anio_fin=fin)
    )


def _convenio(bd, ciclo, region: str) -> Convenio:
    region_obj = catalogo_queries.region_por_nombre(region)
    return bd.session.scalar(
        sa.select(Convenio).filter_by(region_id=region_obj.id, conjunto_id=ciclo.id)
    )


def _idg(ciclo) -> list[Indicador]:
    return catalogo_queries.indicadores(ciclo.id)


def _anio_completo(ciclo, region="Loreto", anio=2022, valor="50") -> list[list[str]]:
    """Every goal of a convenio-year, `valor` each: a valid file of (3 × the cycle's IdG) rows."""
    return [
        [region, ciclo.ciclo, str(i.numero), str(anio), str(s), "valor", valor]
        for i in _idg(ciclo)
        for s in (0, 1, 2)
    ]


def _decimal(texto: str) -> Decimal | None:
    return Decimal(texto.replace(",", ".")) if texto else None


def _eventos(bd, **filtro) -> list[Evento]:
    return list(bd.session.scalars(sa.select(Evento).filter_by(**filtro).order_by(Evento.id)))


# --- The example file ----------------------------------------------------------------------


def test_the_example_goals_load_approved_with_their_original_values(bd, ciclo):
    odes = usuario_demo(Rol.odes)
    filas = _leer(EJEMPLO)
    convenios = {r["region"] for r in _leer(DOCS / "ejemplo-ciclo-convenios.csv")}
    # The example is complete: each signed convenio of the example × each year of the cycle ×
    # each IdG × (annual, I, II).
    firmados = [
        r["region"]
        for r in _leer(DOCS / "ejemplo-ciclo-convenios.csv")
        if r["estado"] == "suscrito"
    ]
    anios = range(ciclo.anio_inicio, ciclo.anio_fin + 1)
    assert len(filas) == len(firmados) * len(anios) * len(_idg(ciclo)) * 3
    assert len(convenios) == len(firmados) + 1  # one of the example's convenios is pending

    resultado = _importar(bd, EJEMPLO.read_bytes(), EJEMPLO.name)
    assert resultado.errores == []
    assert resultado.aplicado
    # One change per convenio-year, at its first row; all created.
    assert [c.accion for c in resultado.cambios] == ["crear"] * len(firmados) * len(anios)
    assert resultado.cambios[0].fila == 2
    assert resultado.cambios[0].objeto == (
        f"Metas 2022 de Loreto (ciclo 2022-2023): {len(_idg(ciclo)) * 3} metas, aprobadas"
    )
    assert resultado.resumen == (
        f"Importación completada. Registros creados: {len(firmados) * len(anios)}; "
        "actualizados: 0; sin cambios: 0."
    )

    bd.session.expire_all()
    por_numero = {i.numero: i for i in _idg(ciclo)}
    for fila in filas:
        convenio = _convenio(bd, ciclo, fila["region"])
        meta = metas_queries.metas(convenio.id, int(fila["anio"]))[
            (por_numero[int(fila["idg"])].id, int(fila["semestre"]))
        ]
        esperado = _decimal(fila["programado"])
        assert (meta.estado.value, meta.valor, meta.valor_original) == (
            fila["estado"],
            esperado,
            esperado,
        ), fila
    # The example's decimal comma, read by hand.
    loreto = _convenio(bd, ciclo, "Loreto")
    idg6 = por_numero[6]
    assert metas_queries.metas(loreto.id, 2022)[(idg6.id, ANUAL)].valor == Decimal("62.50")

    programaciones = bd.session.scalars(sa.select(ProgramacionMetas)).all()
    assert len(programaciones) == len(firmados) * len(anios)
    for programacion in programaciones:
        assert programacion.estado is EstadoReporte.aprobado
        assert programacion.aprobado_por_id == odes.id
        assert programacion.enviado_en is not None
        metas = metas_queries.metas(programacion.convenio_id, programacion.anio)
        assert len(metas) == len(_idg(ciclo)) * 3
    # The pending convenio has no programming.
    callao = _convenio(bd, ciclo, "Callao")
    assert metas_queries.programacion(callao.id, 2022) is None

    # Audited as ODES did it through the goals' pages, plus one record of the file.
    assert len(_eventos(bd, accion="abrir_programacion")) == len(anios)
    for accion in ("editar_metas", "enviar", "aprobar", "importar_metas"):
        eventos = _eventos(bd, accion=accion, objeto_tipo="programacion_metas")
        assert len(eventos) == len(programaciones), accion
        assert {e.usuario_id for e in eventos} == {odes.id}
    importadas = _eventos(bd, accion="importar_metas")
    assert {e.motivo for e in importadas} == {f"Importación del archivo {EJEMPLO.name}"}
    assert importadas[0].despues["metas"] == len(_idg(ciclo)) * 3


def test_an_anexo4_created_afterwards_takes_the_goals_as_programmed(bd, ciclo):
    assert _importar(bd, EJEMPLO.read_bytes(), EJEMPLO.name).aplicado
    filas = _leer(EJEMPLO)
    por_numero = {i.numero: i for i in _idg(ciclo)}

    def esperadas(region: str, anio: int, semestre: int) -> dict[int, tuple[str, Decimal | None]]:
        return {
            int(f["idg"]): (f["estado"], _decimal(f["programado"]))
            for f in filas
            if f["region"] == region and (int(f["anio"]), int(f["semestre"])) == (anio, semestre)
        }

    for region, anio, semestre in (
        ("Loreto", 2022, 1),
        ("Puno", 2022, 1),
        ("La Libertad", 2022, 2),
    ):
        periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))
        reporte = anexo4_services.obtener_o_crear_reporte(
            _convenio(bd, ciclo, region), periodo, usuario_id=None
        )
        bd.session.commit()
        leidas = {
            linea.indicador_numero: (linea.estado.value, linea.programado)
            for linea in reporte.lineas
        }
        assert leidas == esperadas(region, anio, semestre), region
        assert set(leidas) == set(por_numero)
    # By hand, from the example: Loreto's I-2022 percentages 50, its increments 5.
    assert esperadas("Loreto", 2022, 1)[1] == ("valor", Decimal(50))
    assert esperadas("Loreto", 2022, 1)[4] == ("valor", Decimal(5))
    # Puno's IdG 3 has no goal in I-2022; La Libertad's IdG 8 does not apply.
    assert esperadas("Puno", 2022, 1)[3] == ("sin_meta", None)
    assert esperadas("La Libertad", 2022, 2)[8] == ("no_aplica", None)


def test_a_dry_run_reports_what_it_would_write_and_writes_nothing(bd, ciclo):
    antes = _conteos(bd)
    resultado = _importar(bd, EJEMPLO.read_bytes(), EJEMPLO.name, simular=True)
    assert resultado.errores == [] and not resultado.aplicado
    assert len(resultado.cambios) == 6 and {c.accion for c in resultado.cambios} == {"crear"}
    assert resultado.resumen.startswith(
        "Simulación: el archivo es válido y no se guardó nada. Se crearían: 6;"
    )
    assert _conteos(bd) == antes


def test_a_file_naming_one_convenio_opens_the_year_for_every_signed_one(bd, ciclo):
    filas = _anio_completo(ciclo, "Loreto", 2022, "60,25")
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == []
    # The year opens as ODES opens it; the other signed convenios get an empty draft, listed.
    assert [(c.fila, c.accion, c.objeto) for c in resultado.cambios] == [
        (
            2,
            "crear",
            f"Programación 2022 de {region}, en borrador y sin metas (se abrió el año "
            "del ciclo para todos sus convenios suscritos)",
        )
        for region in ("Puno", "La Libertad")
    ] + [(2, "crear", f"Metas 2022 de Loreto (ciclo 2022-2023): {len(filas)} metas, aprobadas")]
    bd.session.expire_all()
    loreto = _convenio(bd, ciclo, "Loreto")
    programacion = metas_queries.programacion(loreto.id, 2022)
    assert programacion.estado is EstadoReporte.aprobado
    metas = metas_queries.metas(loreto.id, 2022).values()
    assert {(m.valor, m.valor_original) for m in metas} == {(Decimal("60.25"), Decimal("60.25"))}
    puno = metas_queries.programacion(_convenio(bd, ciclo, "Puno").id, 2022)
    assert puno.estado is EstadoReporte.borrador
    assert all(m.valor is None for m in metas_queries.metas(puno.convenio_id, 2022).values())
    # Another year of the cycle is still closed.
    assert metas_queries.programacion(loreto.id, 2023) is None


def test_a_draft_or_a_sent_proposal_is_written_over_and_approved(bd, ciclo):
    odes, drtpe = usuario_demo(Rol.odes), usuario_demo(Rol.drtpe)  # drtpe: Loreto's
    loreto = _convenio(bd, ciclo, "Loreto")
    assert drtpe.region_id == loreto.region_id
    metas_services.abrir_programacion(ciclo, 2022, usuario_id=odes.id)
    propuesta = {
        clave: {"estado": EstadoCelda.valor, "valor": Decimal(50)}
        for clave in metas_queries.metas(loreto.id, 2022)
    }
    programacion = metas_queries.programacion(loreto.id, 2022)
    metas_services.guardar_metas(programacion, propuesta, usuario=drtpe, version=None)
    metas_services.enviar_programacion(programacion, usuario=drtpe, ahora=AHORA)
    bd.session.commit()
    # Puno's year is an empty draft, opened with Loreto's.
    puno = _convenio(bd, ciclo, "Puno")

    filas = _anio_completo(ciclo, "Loreto", 2022, "50")
    filas[0][-2:] = ["no_aplica", ""]  # its first IdG's annual goal does not apply
    filas += _anio_completo(ciclo, "Puno", 2022, "45")
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == []
    por_fila = {c.fila: c for c in resultado.cambios}
    # Loreto's sent proposal: observed back, then written, sent and approved.
    assert (por_fila[2].accion, por_fila[2].columnas) == ("actualizar", ("estado", "programado"))
    primera_puno = 2 + len(_idg(ciclo)) * 3
    assert (por_fila[primera_puno].accion, por_fila[primera_puno].columnas) == (
        "actualizar",
        ("programado",),
    )
    bd.session.expire_all()
    for convenio in (loreto, puno):
        assert metas_queries.programacion(convenio.id, 2022).estado is EstadoReporte.aprobado
    primera = _idg(ciclo)[0]
    anual = metas_queries.metas(loreto.id, 2022)[(primera.id, ANUAL)]
    assert (anual.estado, anual.valor, anual.valor_original) == (EstadoCelda.no_aplica, None, None)
    (observada,) = _eventos(bd, accion="observar", objeto_tipo="programacion_metas")
    assert observada.usuario_id == odes.id
    assert (
        observada.motivo == "Importación del archivo metas.csv: metas aprobadas fuera del sistema."
    )


def test_a_negative_goal_is_accepted_only_where_the_idg_admits_it(bd, ciclo):
    negativo = next(i for i in _idg(ciclo) if i.admite_negativo)
    filas = _anio_completo(ciclo)
    indice = next(n for n, f in enumerate(filas) if f[2] == str(negativo.numero))
    filas[indice][-1] = "-5"
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == []
    meta = metas_queries.metas(_convenio(bd, ciclo, "Loreto").id, 2022)[(negativo.id, ANUAL)]
    assert meta.valor == meta.valor_original == Decimal(-5)


# --- Errors --------------------------------------------------------------------------------


def _falta(ciclo, numero: int, semestre: int, region="Loreto", anio=2022) -> str:
    if semestre == ANUAL:
        meta = f"Falta la meta anual del IdG {numero} de {region} {anio}."
    else:
        romano = "I" if semestre == 1 else "II"
        meta = f"Falta la meta del {romano} semestre del IdG {numero} de {region} {anio}."
    return meta + TODAS


#: (column, value written in the last row, message, whether the row's goal is then missing)
ERRORES = [
    (
        "region",
        "Atlántida",
        "No se reconoce la región «Atlántida» (nombre, código o alias del catálogo).",
        True,
    ),
    ("region", "", "Indique la región.", True),
    (
        "region",
        "Cusco",
        "Cusco no tiene convenio en el ciclo 2022-2023: regístrelo antes con el "
        "archivo de convenios.",
        True,
    ),
    (
        "region",
        "Callao",
        "El convenio de Callao del ciclo 2022-2023 no está suscrito: sus metas "
        "se cargan cuando se suscriba.",
        True,
    ),
    (
        "ciclo",
        "2030-2031",
        "No existe el ciclo 2030-2031: cárguelo antes con el archivo de indicadores.",
        True,
    ),
    (
        "ciclo",
        "2022",
        "«2022» no es un ciclo: escriba sus años como AAAA-AAAA (por ejemplo 2022-2023).",
        True,
    ),
    ("idg", "x", "Escriba el número del IdG en el ciclo (se leyó «x»).", True),
    ("idg", "99", "El ciclo 2022-2023 no tiene el IdG 99.", True),
    ("anio", "2024", "El año 2024 no pertenece al ciclo 2022-2023.", True),
    ("anio", "dos", "Debe ser un número entero entre 2000 y 2100 (se leyó «dos»).", True),
    ("semestre", "3", "«3» no es válido: use 0 (la meta anual), 1 o 2.", True),
    ("semestre", "", "Falta este dato: use 0 (la meta anual), 1 o 2.", True),
    (
        "estado",
        "lleno",
        "«lleno» no es válido: use valor, no_aplica, sin_meta o no_remitido.",
        False,
    ),
    (
        "programado",
        "",
        "Falta la meta: con estado valor, escriba el número (por ejemplo 60 o 60,5).",
        False,
    ),
    ("programado", "abc", "«abc» no es un número (por ejemplo 60, 60.5 o 60,5).", False),
    (
        "programado",
        "1.250,5",
        "«1.250,5»: escriba la meta sin separador de miles (por ejemplo 1250.5 o 1250,5).",
        False,
    ),
    ("programado", "60%", "«60%»: escriba solo el número, sin el signo %.", False),
    ("programado", "60.123", "«60.123» tiene más de dos decimales.", False),
    ("programado", "10000000", "«10000000» es demasiado grande (máximo 9 999 999.99).", False),
]


@pytest.mark.parametrize(("columna", "valor", "mensaje", "falta"), ERRORES)
def test_each_error_names_its_row_column_and_message_and_writes_nothing(
    bd, ciclo, columna, valor, mensaje, falta
):
    filas = _anio_completo(ciclo)
    filas[-1][CABECERA.index(columna)] = valor
    ultima = len(filas) + 1
    antes = _conteos(bd)
    resultado = _importar(bd, _csv(filas))
    esperados = [ErrorFila(ultima, columna, mensaje)]
    if falta:  # the row no longer gives Loreto's last goal: said at the year's first row
        esperados.insert(0, ErrorFila(2, "idg", _falta(ciclo, _idg(ciclo)[-1].numero, 2)))
    assert resultado.errores == esperados
    assert not resultado.aplicado and resultado.cambios == []
    assert resultado.resumen.endswith("no se guardó nada.")
    assert _conteos(bd) == antes


def test_a_state_without_value_refuses_a_figure_and_a_negative_needs_an_idg_that_admits_it(
    bd, ciclo
):
    filas = _anio_completo(ciclo)
    filas[0][-2:] = ["no_aplica", "50"]
    positivo = next(i for i in _idg(ciclo) if not i.admite_negativo)
    indice = next(n for n, f in enumerate(filas) if f[2] == str(positivo.numero) and f[4] == "1")
    filas[indice][-1] = "-5"
    antes = _conteos(bd)
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == [
        ErrorFila(2, "programado", "Con estado no_aplica la meta va vacía (se leyó «50»)."),
        ErrorFila(
            indice + 2,
            "programado",
            f"El IdG {positivo.numero} no admite metas negativas (se leyó «-5»).",
        ),
    ]
    assert _conteos(bd) == antes


def test_every_missing_goal_is_named_and_a_repeated_one_refused(bd, ciclo):
    filas = _anio_completo(ciclo)
    ultimo = _idg(ciclo)[-1].numero
    quitadas = [f for f in filas if f[2] == str(ultimo) and f[4] in ("0", "2")]
    for fila in quitadas:
        filas.remove(fila)
    filas.append(list(filas[0]))  # the first goal again
    antes = _conteos(bd)
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == [
        ErrorFila(2, "idg", _falta(ciclo, ultimo, ANUAL)),
        ErrorFila(2, "idg", _falta(ciclo, ultimo, 2)),
        ErrorFila(
            len(filas) + 1,
            "idg",
            f"La meta anual del IdG {_idg(ciclo)[0].numero} de Loreto 2022 ya figura en la fila 2.",
        ),
    ]
    assert _conteos(bd) == antes


def test_a_region_by_code_or_alias_is_the_same_convenio_year(bd, ciclo):
    filas = _anio_completo(ciclo, "La Libertad")
    filas[0][0] = "la-libertad"
    filas[1][0] = "LA LIBERTAD"
    resultado = _importar(bd, _csv(filas))
    assert resultado.errores == [] and len(resultado.cambios) == 3  # + Loreto's and Puno's drafts


def test_an_approved_programming_is_refused_its_goals_change_by_reprogramming(bd, ciclo):
    assert _importar(bd, EJEMPLO.read_bytes(), EJEMPLO.name).aplicado
    antes = _conteos(bd)
    resultado = _importar(bd, EJEMPLO.read_bytes(), EJEMPLO.name)
    por_anio = len(_idg(ciclo)) * 3
    assert resultado.errores == [
        ErrorFila(
            2 + n * por_anio,
            "anio",
            f"Las metas {anio} de {region} (ciclo 2022-2023) ya están aprobadas: no se cargan de "
            "nuevo; para cambiar una, solicite su reprogramación.",
        )
        for n, (region, anio) in enumerate(
            (r, a) for r in ("Loreto", "Puno", "La Libertad") for a in (2022, 2023)
        )
    ]
    assert _conteos(bd) == antes


def test_only_an_active_odes_account_approves(bd, ciclo):
    antes = _conteos(bd)
    for usuario in (usuario_demo(Rol.drtpe), usuario_demo(Rol.direccion)):
        with pytest.raises(ErrorImportacion, match="una cuenta activa de la ODES"):
            ciclo_importacion.importar(
                "metas", "m.csv", _csv(_anio_completo(ciclo)), usuario_id=usuario.id, hoy=HOY
            )
        bd.session.rollback()
    assert _conteos(bd) == antes


def test_the_header_of_another_kind_is_named(bd):
    with pytest.raises(ErrorImportacion, match="Es la cabecera del archivo de metas aprobadas"):
        ciclo_importacion.importar("convenios", "m.csv", _csv([]), usuario_id=None, hoy=HOY)


# --- CLI -----------------------------------------------------------------------------------


def _primera_odes(bd) -> Usuario:
    return bd.session.scalar(
        sa.select(Usuario).filter_by(rol=Rol.odes, activo=True).order_by(Usuario.id).limit(1)
    )


def test_cli_checks_simulates_and_imports_as_an_odes_account(runner, bd, ciclo, tmp_path):
    archivo = tmp_path / "metas.csv"
    archivo.write_bytes(EJEMPLO.read_bytes())
    antes = _conteos(bd)
    odes = _primera_odes(bd)

    resultado = runner.invoke(ciclo_cli, ["importar-metas", str(archivo), "--dry-run"])
    assert resultado.exit_code == 0, resultado.output
    assert f"Metas aprobadas como {odes.nombre} <{odes.email}> (ODES)." in resultado.output
    assert "fila 2: Crear · Metas 2022 de Loreto (ciclo 2022-2023)" in resultado.output
    assert "Simulación: el archivo es válido y no se guardó nada. Se crearían: 6;" in (
        resultado.output
    )
    assert _conteos(bd) == antes

    malo = tmp_path / "malo.csv"
    filas = _anio_completo(ciclo)
    filas[-1][CABECERA.index("estado")] = "lleno"
    malo.write_bytes(_csv(filas))
    resultado = runner.invoke(ciclo_cli, ["importar-metas", str(malo)])
    assert resultado.exit_code == 1
    assert (
        f"fila {len(filas) + 1}, columna estado: «lleno» no es válido: use valor, no_aplica, "
        "sin_meta o no_remitido." in resultado.output
    )
    assert "El archivo tiene 1 error: no se guardó nada." in resultado.output
    assert _conteos(bd) == antes

    resultado = runner.invoke(
        ciclo_cli, ["importar-metas", str(archivo), "--usuario", "nadie@ejemplo.pe"]
    )
    assert resultado.exit_code == 2 and "«nadie@ejemplo.pe» no es una cuenta activa de la ODES" in (
        resultado.output
    )
    drtpe = usuario_demo(Rol.drtpe)
    resultado = runner.invoke(ciclo_cli, ["importar-metas", str(archivo), "--usuario", drtpe.email])
    assert resultado.exit_code == 2
    assert _conteos(bd) == antes

    resultado = runner.invoke(
        ciclo_cli, ["importar-metas", str(archivo), "--usuario", odes.email.upper()]
    )
    assert resultado.exit_code == 0, resultado.output
    assert "Importación completada. Registros creados: 6; actualizados: 0" in resultado.output
    bd.session.expire_all()
    programaciones = bd.session.scalars(sa.select(ProgramacionMetas)).all()
    assert len(programaciones) == 6
    assert {(p.estado, p.aprobado_por_id) for p in programaciones} == {
        (EstadoReporte.aprobado, odes.id)
    }
    assert bd.session.scalar(sa.select(sa.func.count()).select_from(Meta)) == len(_leer(EJEMPLO))

    resultado = runner.invoke(ciclo_cli, ["importar-metas", str(archivo)])
    assert resultado.exit_code == 1 and "ya están aprobadas" in resultado.output


def test_cli_without_an_odes_account_says_so(runner, bd, ciclo, tmp_path):
    bd.session.execute(sa.update(Usuario).where(Usuario.rol == Rol.odes).values(activo=False))
    bd.session.commit()
    archivo = tmp_path / "metas.csv"
    archivo.write_bytes(EJEMPLO.read_bytes())
    resultado = runner.invoke(ciclo_cli, ["importar-metas", str(archivo)])
    assert resultado.exit_code == 1
    assert "No hay ninguna cuenta activa de la ODES" in resultado.output


def test_cli_group_lists_the_goals_command(runner):
    resultado = runner.invoke(ciclo_cli, ["--help"])
    assert resultado.exit_code == 0 and "importar-metas" in resultado.output
    resultado = runner.invoke(ciclo_cli, ["importar-metas", "--help"])
    assert "--usuario" in resultado.output and "--dry-run" in resultado.output


# --- Web page ------------------------------------------------------------------------------

URL = "/convenios/ciclo/importar"


def _subir(client, contenido, nombre="metas.csv", simular=False):
    datos = {"tipo": "metas", "archivo": (io.BytesIO(contenido), nombre)}
    if simular:
        datos["simular"] = "y"
    return client.post(URL, data=datos, content_type="multipart/form-data")


def test_web_page_imports_goals_as_the_odes_user(client, sesion, bd, ciclo):
    usuario = sesion.entrar(Rol.odes)
    pagina = client.get(URL)
    assert '<option value="metas">Metas aprobadas</option>' in pagina.text
    assert ",".join(CABECERA) in pagina.text
    antes = _conteos(bd)

    respuesta = _subir(client, EJEMPLO.read_bytes(), simular=True)
    assert respuesta.status_code == 200
    assert "Simulación: el archivo es válido y no se guardó nada." in respuesta.text
    assert "Metas 2023 de La Libertad (ciclo 2022-2023)" in respuesta.text
    assert _conteos(bd) == antes

    filas = _anio_completo(ciclo)
    filas.pop()
    respuesta = _subir(client, _csv(filas))
    assert respuesta.status_code == 200
    assert (
        f'<td class="num">2</td><td>idg</td><td>Falta la meta del II semestre del IdG '
        f"{_idg(ciclo)[-1].numero} de Loreto 2022." in respuesta.text
    )
    assert _conteos(bd) == antes

    respuesta = _subir(client, EJEMPLO.read_bytes())
    assert respuesta.status_code == 200
    assert "Importación completada. Registros creados: 6;" in respuesta.text
    bd.session.expire_all()
    programaciones = bd.session.scalars(sa.select(ProgramacionMetas)).all()
    assert {(p.estado, p.aprobado_por_id) for p in programaciones} == {
        (EstadoReporte.aprobado, usuario.id)
    }


@pytest.mark.parametrize("rol", [r for r in Rol if r is not Rol.odes])
def test_web_page_goals_are_for_odes_only(client, sesion, bd, ciclo, rol):
    sesion.entrar(rol)
    antes = _conteos(bd)
    assert _subir(client, EJEMPLO.read_bytes()).status_code == 403
    assert _conteos(bd) == antes
