"""The approved-goals file of a cycle (goals ODES agreed with the regions outside the system),
read and checked: a row per goal, every goal of each convenio-year it names, none of them
approved yet. Writing the checked convenio-years (opened if needed, saved, sent, approved, as
ODES would through the goals' pages) is ciclo_importacion_metas_escritura's `aplicar_metas`,
re-exported here with the rest of the file's kind (COLUMNAS_METAS, revisar_metas).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries as catalogo_queries
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.comun.flujo import EstadoReporte
from app.comun.numeros import NoEsNumero, NumeroAmbiguo, decimales_escritos, leer_numero
from app.convenios.models import ANUAL, Convenio, EstadoCelda
from app.convenios.queries import metas as metas_queries
from app.convenios.services import metas as metas_services
from app.convenios.services.ciclo_importacion_filas import (
    ENTERO,
    Fila,
    Revisada,
    ciclos_registrados,
    filas_con_datos,
    repetida,
    una_de,
)
from app.convenios.services.ciclo_importacion_metas_escritura import aplicar_metas
from app.convenios.services.importacion_filas import ErrorFila
from app.extensions import db

__all__ = ["COLUMNAS_METAS", "aplicar_metas", "falta_meta", "nombre_meta", "revisar_metas"]


#: The header of the approved-goals file (docs/formato-ciclo.md), in the documented order.
COLUMNAS_METAS = ("region", "ciclo", "idg", "anio", "semestre", "estado", "programado")

ESTADOS = {e.value: e for e in EstadoCelda}
#: 0 is the annual goal; the semesters also as the documents write them.
SEMESTRES = {"0": ANUAL, "anual": ANUAL, "1": 1, "i": 1, "2": 2, "ii": 2}
#: Goals are NUMERIC(9, 2).
LIMITE = Decimal(10_000_000)


def nombre_meta(numero: int, semestre: int, region: str, anio: int) -> str:
    """A goal as the messages name it, e.g. "la meta anual del IdG 3 de Loreto 2022"."""
    datos = {"numero": numero, "region": region, "anio": anio}
    if semestre == ANUAL:
        return _("la meta anual del IdG %(numero)s de %(region)s %(anio)s", **datos)
    return _(
        "la meta del %(semestre)s semestre del IdG %(numero)s de %(region)s %(anio)s",
        semestre="I" if semestre == 1 else "II",
        **datos,
    )


def falta_meta(numero: int, semestre: int, region: str, anio: int) -> str:
    """The error of a goal the file does not give."""
    return _(
        "Falta %(meta)s. El archivo debe dar todas las metas del año de cada convenio que "
        "nombra (de cada IdG del ciclo: la anual, la del I y la del II semestre).",
        meta=nombre_meta(numero, semestre, region, anio),
    )


@dataclass
class _Grupo:
    """One convenio-year the file names: its rows, the goals they give, whether any failed."""

    fila: int
    convenio: Convenio
    anio: int
    ciclo: ConjuntoIndicadores
    dadas: set[tuple[int, int]] = field(default_factory=set)
    revisadas: list[Revisada] = field(default_factory=list)
    con_error: bool = False


def _programado(fila: Fila, estado: EstadoCelda | None, indicador: Indicador | None):
    """The goal's figure: required with estado valor (point or comma), empty otherwise."""
    texto = fila["programado"]
    if not texto:
        if estado is EstadoCelda.valor:
            fila.error(
                "programado",
                _("Falta la meta: con estado valor, escriba el número (por ejemplo 60 o 60,5)."),
            )
        return None
    if estado is not None and estado is not EstadoCelda.valor:
        fila.error(
            "programado",
            _(
                "Con estado %(estado)s la meta va vacía (se leyó «%(valor)s»).",
                estado=estado.value,
                valor=texto,
            ),
        )
        return None
    # The forms' rule (app.comun.numeros): a decimal point or comma ("60.5", "60,5"), spaces
    # between thousands; a thousands comma or point ("1,200", "1.250,5") is refused.
    numero = None
    if texto.endswith("%"):
        mensaje = _("«%(valor)s»: escriba solo el número, sin el signo %%.", valor=texto)
    else:
        try:
            numero = leer_numero(texto)
        except NumeroAmbiguo:
            mensaje = _(
                "«%(valor)s»: escriba la meta sin separador de miles (por ejemplo 1250.5 o "
                "1250,5).",
                valor=texto,
            )
        except NoEsNumero:
            mensaje = _("«%(valor)s» no es un número (por ejemplo 60, 60.5 o 60,5).", valor=texto)
    if numero is None:
        pass  # mensaje says why
    elif decimales_escritos(texto) > 2:
        mensaje = _("«%(valor)s» tiene más de dos decimales.", valor=texto)
    elif abs(numero) >= LIMITE:
        mensaje = _("«%(valor)s» es demasiado grande (máximo 9 999 999.99).", valor=texto)
    elif numero < 0 and indicador is not None and not indicador.admite_negativo:
        mensaje = _(
            "El %(idg)s no admite metas negativas (se leyó «%(valor)s»).",
            idg=indicador.etiqueta,
            valor=texto,
        )
    else:
        return numero.quantize(Decimal("0.01"))
    fila.error("programado", mensaje)
    return None


def _indicadores(ciclo_id: int) -> dict[int, Indicador]:
    """A cycle's IdG by number."""
    consulta = sa.select(Indicador).filter_by(conjunto_id=ciclo_id)
    return {i.numero: i for i in db.session.scalars(consulta)}


def _convenio(region_id: int, ciclo_id: int) -> Convenio | None:
    """A region's convenio of a cycle."""
    consulta = sa.select(Convenio).filter_by(region_id=region_id, conjunto_id=ciclo_id)
    return db.session.scalar(consulta)


class _Catalogo:
    """The cycles, regions, IdG and convenios the rows name, each looked up once per file."""

    def __init__(self):
        self.ciclos = ciclos_registrados()
        self.region = functools.cache(catalogo_queries.region_por_nombre)
        self.indicadores = functools.cache(_indicadores)
        self.convenio = functools.cache(_convenio)


def _leer_fila(fila: Fila, catalogo: _Catalogo):
    """Read the columns of one row; returns (convenio, cycle, IdG, year, semester, state,
    figure), any of them None when its column has an error."""
    region = catalogo.region(fila["region"])
    if region is None and fila["region"]:
        mensaje = _(
            "No se reconoce la región «%(valor)s» (nombre, código o alias del catálogo).",
            valor=fila["region"],
        )
        fila.error("region", mensaje)
    elif region is None:
        fila.error("region", _("Indique la región."))
    anios = fila.ciclo()
    ciclo = catalogo.ciclos.get(anios) if anios else None
    if anios and ciclo is None:
        fila.error(
            "ciclo",
            _(
                "No existe el ciclo %(ciclo)s: cárguelo antes con el archivo de indicadores.",
                ciclo=fila["ciclo"],
            ),
        )
    indicador = None
    if not ENTERO.fullmatch(fila["idg"]):
        fila.error(
            "idg",
            _("Escriba el número del IdG en el ciclo (se leyó «%(valor)s»).", valor=fila["idg"]),
        )
    elif ciclo is not None:
        indicador = catalogo.indicadores(ciclo.id).get(int(fila["idg"]))
        if indicador is None:
            fila.error(
                "idg",
                _(
                    "El ciclo %(ciclo)s no tiene el IdG %(numero)s.",
                    ciclo=ciclo.ciclo,
                    numero=int(fila["idg"]),
                ),
            )
    anio = fila.entero("anio", 2000, 2100)
    if anio is not None and ciclo is not None and not ciclo.cubre(anio):
        fila.error(
            "anio",
            _("El año %(anio)s no pertenece al ciclo %(ciclo)s.", anio=anio, ciclo=ciclo.ciclo),
        )
        anio = None
    semestre = fila.opcion("semestre", SEMESTRES, _("0 (la meta anual), 1 o 2"))
    estado = fila.opcion("estado", ESTADOS, una_de(list(ESTADOS)))
    valor = _programado(fila, estado, indicador)
    convenio = None
    if region is not None and ciclo is not None:
        convenio = catalogo.convenio(region.id, ciclo.id)
        nombres = {"region": region.nombre, "ciclo": ciclo.ciclo}
        if convenio is None:
            fila.error(
                "region",
                _(
                    "%(region)s no tiene convenio en el ciclo %(ciclo)s: regístrelo antes con el "
                    "archivo de convenios.",
                    **nombres,
                ),
            )
        elif not convenio.esta_suscrito:
            mensaje = _(
                "El convenio de %(region)s del ciclo %(ciclo)s no está suscrito: sus metas se "
                "cargan cuando se suscriba.",
                **nombres,
            )
            fila.error("region", mensaje)
            convenio = None
    return convenio, ciclo, indicador, anio, semestre, estado, valor


def revisar_metas(filas: list[dict[str, str]], errores: list[ErrorFila]) -> list[Revisada]:
    """Read every row of an approved-goals file, then check each convenio-year it names: not
    approved yet, and every goal given. Only the rows of convenio-years with no error go on to
    the services (a partial year would only add their refusals of the gaps)."""
    catalogo = _Catalogo()
    grupos: dict[tuple[int, int], _Grupo] = {}
    vistas: dict[tuple, int] = {}
    for fila in filas_con_datos(filas, errores):
        convenio, ciclo, indicador, anio, semestre, estado, valor = _leer_fila(fila, catalogo)
        if convenio is None or anio is None:
            continue
        grupo = grupos.setdefault((convenio.id, anio), _Grupo(fila.numero, convenio, anio, ciclo))
        if indicador is not None and semestre is not None:
            nombre = nombre_meta(indicador.numero, semestre, convenio.region.nombre, anio)
            nombre = nombre[:1].upper() + nombre[1:]
            clave = (convenio.id, anio, indicador.id, semestre)
            if not repetida(fila, vistas, clave, "idg", nombre):
                grupo.dadas.add((indicador.id, semestre))
            if fila.valida:
                datos = {"estado": estado, "valor": valor}
                grupo.revisadas.append(Revisada(fila.numero, clave, datos, nombre))
                continue
        grupo.con_error = True
    revisadas = []
    for grupo in grupos.values():
        if _revisar_grupo(grupo, catalogo, errores):
            revisadas.extend(grupo.revisadas)
    return revisadas


def _revisar_grupo(grupo: _Grupo, catalogo: _Catalogo, errores: list[ErrorFila]) -> bool:
    """Refuse a convenio-year already approved or missing goals; True when it can be written."""
    region = grupo.convenio.region.nombre
    programacion = metas_queries.programacion(grupo.convenio.id, grupo.anio)
    if programacion is not None and programacion.estado is EstadoReporte.aprobado:
        errores.append(
            ErrorFila(
                grupo.fila,
                "anio",
                _(
                    "Las metas %(anio)s de %(region)s (ciclo %(ciclo)s) ya están aprobadas: no se "
                    "cargan de nuevo; para cambiar una, solicite su reprogramación.",
                    anio=grupo.anio,
                    region=region,
                    ciclo=grupo.ciclo.ciclo,
                ),
            )
        )
        return False
    indicadores = sorted(catalogo.indicadores(grupo.ciclo.id).values(), key=lambda i: i.numero)
    faltan = [
        (i, s)
        for i in indicadores
        for s in metas_services.SEMESTRES
        if (i.id, s) not in grupo.dadas
    ]
    errores.extend(
        ErrorFila(grupo.fila, "idg", falta_meta(i.numero, s, region, grupo.anio)) for i, s in faltan
    )
    return not (faltan or grupo.con_error)
