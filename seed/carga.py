"""Idempotent loaders: each one upserts by natural key, so running it twice changes nothing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.auth.models import Usuario
from app.catalogo.models import (
    ConjuntoIndicadores,
    FuncionLOGR,
    FuncionTransferida,
    Indicador,
    ObjetivoEstrategico,
    Region,
    RegionAlias,
    ServicioPublico,
    TipoRegion,
    TipoUnidad,
    TipoValor,
    UnidadMTPE,
    normalizar,
)
from app.comun.base import ahora
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio, Periodo, Reporte
from app.convenios.services import importacion
from app.extensions import db

DATOS = Path(__file__).parent / "data"

#: Demo accounts printed by `make run` (one per role); never used outside the demo database.
CLAVE_DEMO = "demo-convenios-2020"
USUARIOS_DEMO = [
    ("odes@demo.trabajo.gob.pe", "Coordinadora ODES (demo)", Rol.odes, None, None),
    (
        "drtpe.loreto@demo.trabajo.gob.pe",
        "Especialista DRTPE Loreto (demo)",
        Rol.drtpe,
        "loreto",
        None,
    ),
    ("drtpe.puno@demo.trabajo.gob.pe", "Especialista DRTPE Puno (demo)", Rol.drtpe, "puno", None),
    ("dnccl@demo.trabajo.gob.pe", "Especialista DNCCL (demo)", Rol.direccion, None, "DNCCL"),
    ("revisor@demo.pcm.gob.pe", "Revisor SD-PCM (demo)", Rol.revisor, None, None),
]


def leer_csv(nombre: str, carpeta: Path = DATOS) -> list[dict[str, str]]:
    """Read a UTF-8 CSV data file into a list of dicts with stripped values."""
    with open(carpeta / nombre, encoding="utf-8", newline="") as archivo:
        return [{k: (v or "").strip() for k, v in fila.items()} for fila in csv.DictReader(archivo)]


def _obtener(modelo, **clave):
    objeto = db.session.scalar(sa.select(modelo).filter_by(**clave))
    if objeto is None:
        objeto = modelo(**clave)
        db.session.add(objeto)
    return objeto


def cargar_regiones(carpeta: Path = DATOS) -> None:
    """Load the regions and their aliases."""
    for fila in leer_csv("regiones.csv", carpeta):
        region = _obtener(Region, codigo=fila["codigo"])
        region.nombre = fila["nombre"]
        region.tipo = TipoRegion(fila["tipo"])
        region.organo_tipo = fila["organo_tipo"] or None
        region.organo_sigla = fila["organo_sigla"] or None
        region.macro_region = fila["macro_region"] or None
        region.orden = int(fila["orden"])
        region.ubigeo = fila.get("ubigeo") or None
        padre = fila.get("padre")
        region.padre = (
            db.session.scalar(sa.select(Region).filter_by(codigo=padre)) if padre else None
        )
        claves = {}
        for alias in filter(None, (a.strip() for a in fila["aliases"].split("|"))):
            clave = normalizar(alias)
            if clave != normalizar(region.nombre):
                claves.setdefault(clave, alias)
        existentes = {a.clave: a for a in region.aliases}
        for clave, alias in claves.items():
            if clave in existentes:
                existentes[clave].alias = alias
            else:
                region.aliases.append(RegionAlias(alias=alias, clave=clave))
    db.session.flush()


def cargar_funciones(carpeta: Path = DATOS) -> None:
    """Load the art. 48 functions and which ones each region received."""
    for fila in leer_csv("funciones_logr.csv", carpeta):
        _obtener(FuncionLOGR, letra=fila["letra"]).texto = fila["texto"]
    db.session.flush()
    por_letra = {f.letra: f for f in db.session.scalars(sa.select(FuncionLOGR))}
    regiones = {r.codigo: r for r in db.session.scalars(sa.select(Region))}
    for fila in leer_csv("funciones_transferidas.csv", carpeta):
        region = regiones[fila["region"]]
        tiene = {t.funcion.letra: t for t in region.funciones_transferidas}
        anio = int(fila["anio_culminacion"]) if fila["anio_culminacion"] else None
        for letra in fila["letras"]:
            if letra in tiene:
                tiene[letra].anio_culminacion = anio
            else:
                region.funciones_transferidas.append(
                    FuncionTransferida(funcion=por_letra[letra], anio_culminacion=anio)
                )
    db.session.flush()


def cargar_unidades(carpeta: Path = DATOS) -> None:
    """Load the MTPE units, then link parents and vice-ministries."""
    filas = leer_csv("unidades_mtpe.csv", carpeta)
    for fila in filas:
        unidad = _obtener(UnidadMTPE, sigla=fila["sigla"])
        unidad.nombre = fila["nombre"]
        unidad.tipo = TipoUnidad(fila["tipo"])
    db.session.flush()
    por_sigla = {u.sigla: u for u in db.session.scalars(sa.select(UnidadMTPE))}
    for fila in filas:
        unidad = por_sigla[fila["sigla"]]
        unidad.padre = por_sigla.get(fila["padre_sigla"]) if fila["padre_sigla"] else None
        vm = por_sigla.get(fila["viceministerio"]) if fila["viceministerio"] else None
        # A vice-ministry does not point to itself.
        unidad.viceministerio = vm if vm is not unidad else None
    db.session.flush()


def cargar_objetivos_y_servicios(carpeta: Path = DATOS) -> None:
    """Load the sectoral strategic objectives and the public services."""
    for fila in leer_csv("objetivos_estrategicos.csv", carpeta):
        _obtener(ObjetivoEstrategico, numero=int(fila["numero"])).texto = fila["texto"]
    for fila in leer_csv("servicios_publicos.csv", carpeta):
        _obtener(ServicioPublico, codigo=fila["codigo"]).nombre = fila["nombre"]
    db.session.flush()


def cargar_indicadores(carpeta: Path = DATOS) -> None:
    """Load the cycles (with their indicator sets) and their indicators."""
    for fila in leer_csv("ciclos.csv", carpeta):
        conjunto = _obtener(ConjuntoIndicadores, nombre=fila["nombre"])
        conjunto.anio_inicio = int(fila["anio_inicio"])
        conjunto.anio_fin = int(fila["anio_fin"])
    db.session.flush()
    unidades = {u.sigla: u for u in db.session.scalars(sa.select(UnidadMTPE))}
    objetivos = {o.numero: o for o in db.session.scalars(sa.select(ObjetivoEstrategico))}
    funciones = {f.letra: f for f in db.session.scalars(sa.select(FuncionLOGR))}
    servicios = {s.codigo: s for s in db.session.scalars(sa.select(ServicioPublico))}
    for fila in leer_csv("indicadores.csv", carpeta):
        conjunto = db.session.scalar(
            sa.select(ConjuntoIndicadores).filter_by(nombre=fila["conjunto"])
        )
        if conjunto is None:
            raise ValueError(
                f"indicadores.csv: el ciclo «{fila['conjunto']}» no está en ciclos.csv"
            )
        indicador = _obtener(Indicador, conjunto_id=conjunto.id, numero=int(fila["numero"]))
        indicador.nombre = fila["nombre"]
        indicador.viceministerio = unidades.get(fila["viceministerio"])
        indicador.proponente = unidades[fila["proponente_sigla"]]
        indicador.objetivo = objetivos.get(int(fila["oes_numero"])) if fila["oes_numero"] else None
        indicador.funcion = funciones.get(fila["funcion_letra"])
        indicador.servicio = servicios.get(fila["servicio_codigo"])
        indicador.unidad_medida = fila["unidad_medida"]
        indicador.tipo_valor = TipoValor(fila["tipo_valor"])
        indicador.admite_negativo = fila["admite_negativo"] == "si"
    db.session.flush()


def cargar_catalogo(carpeta: Path = DATOS) -> None:
    """Load the whole catalogue, in dependency order."""
    cargar_regiones(carpeta)
    cargar_funciones(carpeta)
    cargar_unidades(carpeta)
    cargar_objetivos_y_servicios(carpeta)
    cargar_indicadores(carpeta)


def cargar_convenios(carpeta: Path = DATOS) -> None:
    """Load the convenios of Cuadro Nº 01 (and the pending ones), keyed by region and period;
    each belongs to the cycle of its years."""
    regiones = {r.codigo: r for r in db.session.scalars(sa.select(Region))}
    ciclos = {
        (c.anio_inicio, c.anio_fin): c for c in db.session.scalars(sa.select(ConjuntoIndicadores))
    }
    for fila in leer_csv("convenios.csv", carpeta):
        inicio, fin = (int(x) for x in fila["periodo"].split("-"))
        conjunto = ciclos.get((inicio, fin))
        if conjunto is None:
            raise ValueError(f"convenios.csv: no hay ciclo {inicio}-{fin} en ciclos.csv")
        convenio = db.session.scalar(
            sa.select(Convenio).filter_by(
                region_id=regiones[fila["region"]].id, anio_inicio=inicio, anio_fin=fin
            )
        )
        if convenio is None:
            convenio = Convenio(region=regiones[fila["region"]], anio_inicio=inicio, anio_fin=fin)
            db.session.add(convenio)
        convenio.estado = EstadoConvenio(fila["estado"])
        convenio.fecha_suscripcion = (
            date.fromisoformat(fila["fecha_suscripcion"]) if fila["fecha_suscripcion"] else None
        )
        convenio.documento = fila["documento"] or None
        convenio.notas = fila["notas"] or None
        convenio.conjunto = conjunto
    db.session.flush()


#: Demo semesters: (anio, semestre, Anexo 4 due date, Anexo 5 due date, open). The dates
#: are ours: the documents don't give them (see docs/formato-anexo4.md).
PERIODOS_DEMO = [
    (2020, 1, date(2020, 7, 31), date(2020, 8, 31), False),
    (2020, 2, date(2021, 1, 31), date(2021, 2, 28), False),
    (2021, 1, date(2021, 7, 31), date(2021, 8, 31), True),
]
ANEXO4_DEMO = "anexo4_2020.csv"


def cargar_periodos_demo() -> None:
    """Create or update the demo semesters I-2020, II-2020 (closed) and I-2021 (open)."""
    for anio, semestre, limite4, limite5, abierto in PERIODOS_DEMO:
        periodo = _obtener(Periodo, anio=anio, semestre=semestre)
        periodo.fecha_limite_anexo4 = limite4
        periodo.fecha_limite_anexo5 = limite5
        periodo.fecha_cierre_anexo4 = None
        periodo.abierto = abierto
    db.session.flush()


def cargar_anexo4_demo(usuario_id: int | None = None, carpeta: Path = DATOS) -> importacion.Resumen:
    """Import the 2020 Anexo 4 demo cells through the bulk importer (idempotent)."""
    archivo = carpeta / ANEXO4_DEMO
    analisis = importacion.analizar(importacion.leer_archivo(archivo.name, archivo.read_bytes()))
    if analisis.errores:
        detalle = "\n".join(str(e) for e in analisis.errores)
        raise RuntimeError(f"{ANEXO4_DEMO} no se puede importar:\n{detalle}")
    momento = ahora()
    resumen = importacion.aplicar(
        analisis, usuario_id=usuario_id, ahora=momento, archivo=archivo.name
    )
    # The documents' reports were approved in their semester, not the day the demo was loaded:
    # each reads "aprobado" on the day it was received (the audit log keeps the real load).
    db.session.execute(
        sa.update(Reporte)
        .where(Reporte.aprobado_en == momento, Reporte.enviado_en.is_not(None))
        .values(aprobado_en=Reporte.enviado_en)
        .execution_options(synchronize_session="fetch")
    )
    return resumen


def cargar_usuarios_demo() -> list[tuple[str, str, str]]:
    """Create the demo accounts (one per role) if missing; return (email, role, scope)."""
    creados = []
    for email, nombre, rol, region_codigo, unidad_sigla in USUARIOS_DEMO:
        region = (
            db.session.scalar(sa.select(Region).filter_by(codigo=region_codigo))
            if region_codigo
            else None
        )
        unidad = (
            db.session.scalar(sa.select(UnidadMTPE).filter_by(sigla=unidad_sigla))
            if unidad_sigla
            else None
        )
        usuario = db.session.scalar(sa.select(Usuario).filter_by(email=email))
        if usuario is None:
            usuario = Usuario(email=email, nombre=nombre, rol=rol, region=region, unidad=unidad)
            usuario.set_password(CLAVE_DEMO)
            db.session.add(usuario)
        creados.append((email, rol.value, region_codigo or unidad_sigla or ""))
    db.session.flush()
    return creados
