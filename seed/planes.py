"""Idempotent loader of the Puno 2015 Acciones de Mejora Continua plan (document 002).

Every part is upserted by its natural key (plan; problem number; cause level + letter;
alternative level + letter + number; matrix and budget position; prose section key), so
running it twice changes nothing. A plan loaded for the first time is approved: document 002 is
signed (the workflow then only moves when ODES reopens it). The budget amounts are stored in
the JSON exactly as printed ("8 000.00", "6 000.000", "-") and parsed here; a printed total
that disagrees with unit × quantity or with the sum of an activity's cost lines stops the load.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.catalogo.models import Region, ServicioPublico, UnidadMTPE
from app.comun.flujo import EstadoReporte
from app.extensions import db
from app.mejora_continua.models.planes import (
    Alternativa,
    Causa,
    FilaMatrizLogica,
    FuncionResponsable,
    LineaPresupuesto,
    NivelCausa,
    NivelGobierno,
    PlanMejora,
    Plazo,
    Problema,
    ResponsableAccion,
    SeccionPlan,
    TipoFila,
)
from app.mejora_continua.models.planes_diseno import (
    AlineamientoPlan,
    FaseRol,
    IndicadorResumenPlan,
    RolPlan,
)
from app.mejora_continua.services.planes_presupuesto import leer_importe

DATOS = Path(__file__).parent / "data"
ARCHIVO_PUNO = DATOS / "plan_puno_2015.json"
NIVELES = {n.etiqueta: n for n in NivelGobierno}
NO_DETERMINADO = "No se ha determinado"


def _obtener(modelo, **clave):
    """The row with that natural key, or a new one added to the session."""
    objeto = db.session.scalar(sa.select(modelo).filter_by(**clave))
    if objeto is None:
        objeto = modelo(**clave)
        db.session.add(objeto)
    return objeto


def _asignar(objeto: Any, **valores: Any) -> None:
    """Set the attributes that differ (so a second load changes nothing)."""
    for campo, valor in valores.items():
        if getattr(objeto, campo) != valor:
            setattr(objeto, campo, valor)


def _texto(valor: str | None) -> str | None:
    """A printed text; blank or "-" becomes None."""
    valor = (valor or "").strip()
    return None if valor in ("", "-") else valor


def _importe(fila: dict[str, Any], campo: str) -> Decimal | None:
    """Parse a printed amount; a malformed one stops the load with its source line."""
    try:
        return leer_importe(fila.get(campo))
    except ValueError as error:
        raise RuntimeError(
            f"Línea {fila['src_line']} del documento: «{fila.get(campo)}» en {campo}: {error}"
        ) from None


def _plan(datos: dict[str, Any]) -> PlanMejora:
    """Upsert the plan's heading data (the region must be in the catalogue)."""
    region = db.session.scalar(sa.select(Region).filter_by(codigo=datos["region"]))
    if region is None:
        raise RuntimeError(f"Cargue primero el catálogo: falta la región «{datos['region']}».")
    # The evaluated service (seed 002, "2. SERVICIO EVALUADO") joins the catalogue's services.
    servicio = _obtener(ServicioPublico, codigo=datos["servicio"]["codigo"])
    _asignar(servicio, nombre=datos["servicio"]["nombre"])
    db.session.flush()
    plan = db.session.scalar(
        sa.select(PlanMejora).filter_by(
            titulo=datos["titulo"], region_id=region.id, periodo_evaluado=datos["periodo_evaluado"]
        )
    )
    if plan is None:
        plan = PlanMejora(
            titulo=datos["titulo"],
            region=region,
            periodo_evaluado=datos["periodo_evaluado"],
            estado=EstadoReporte.aprobado,
        )
        db.session.add(plan)
    _asignar(
        plan,
        servicio_id=servicio.id,
        anio=datos["anio"],
        sector=datos["sector"],
        servicio_evaluado=datos["servicio_evaluado"],
        metodologia=datos["metodologia"],
        equipo=datos["equipo"],
        observaciones=datos["observaciones"],
    )
    db.session.flush()
    return plan


def _secciones(plan: PlanMejora, filas: list[dict[str, Any]]) -> None:
    """Upsert the prose sections by key, in the document's order."""
    for orden, fila in enumerate(filas, start=1):
        seccion = _obtener(SeccionPlan, plan_id=plan.id, clave=fila["clave"])
        _asignar(
            seccion,
            titulo=fila["titulo"],
            texto=fila["texto"],
            orden=orden,
            tabla=fila.get("tabla"),
        )
    db.session.flush()


def _tabla(plan: PlanMejora, modelo: type, filas: list[dict[str, Any]], **convertir: Any) -> None:
    """Upsert the rows of one of Part B's printed tables by position (src_line is provenance)."""
    for orden, fila in enumerate(filas, start=1):
        objeto = _obtener(modelo, plan_id=plan.id, orden=orden)
        valores = {k: v for k, v in fila.items() if k != "src_line"}
        for campo, funcion in convertir.items():
            valores[campo] = funcion(valores[campo])
        _asignar(objeto, **valores)
    db.session.flush()


def _responsables(plan: PlanMejora, filas: list[dict[str, Any]]) -> dict[str, ResponsableAccion]:
    """Upsert the responsible organs; returns them by organ name."""
    por_organo = {}
    for fila in filas:
        nivel, funcion = NivelGobierno(fila["nivel"]), FuncionResponsable(fila["funcion"])
        responsable = _obtener(
            ResponsableAccion, plan_id=plan.id, nivel=nivel, funcion=funcion, organo=fila["organo"]
        )
        unidad = (
            db.session.scalar(sa.select(UnidadMTPE).filter_by(sigla=fila["unidad"]))
            if fila["unidad"]
            else None
        )
        _asignar(responsable, unidad_id=unidad.id if unidad else None, nota=fila["nota"])
        por_organo[fila["organo"]] = responsable
    db.session.flush()
    return por_organo


def _diagnostico(plan: PlanMejora, problemas: list[dict[str, Any]]) -> None:
    """Upsert problems, causes and alternatives."""
    for datos in problemas:
        problema = _obtener(Problema, plan_id=plan.id, numero=datos["numero"])
        _asignar(problema, texto=datos["texto"])
        db.session.flush()
        causas = {}
        for fila in datos["causas"]:
            nivel = NivelCausa(fila["nivel"])
            causa = _obtener(Causa, problema_id=problema.id, nivel=nivel, letra=fila["letra"])
            _asignar(causa, texto=fila["texto"], nota=fila["nota"])
            causas[nivel, fila["letra"]] = causa
        db.session.flush()
        for fila in datos["alternativas"]:
            nivel = NivelCausa(fila["nivel"])
            alternativa = _obtener(
                Alternativa,
                problema_id=problema.id,
                nivel=nivel,
                letra=fila["letra"],
                numero=fila["numero"],
            )
            causa = causas[nivel, fila["causa"]] if fila["causa"] else None
            _asignar(
                alternativa,
                causa_id=causa.id if causa else None,
                texto=fila["texto"],
                priorizada=fila["priorizada"],
                texto_priorizado=fila["texto_priorizado"],
                plazo=Plazo(fila["plazo"]) if fila["plazo"] else None,
                plazo_detalle=fila["plazo_detalle"],
                nota=fila["nota"],
            )
    db.session.flush()


def _matriz(
    plan: PlanMejora, filas: list[dict[str, Any]], responsables: dict[str, ResponsableAccion]
) -> None:
    """Upsert the logic-matrix rows of both levels."""
    for datos in filas:
        fila = _obtener(FilaMatrizLogica, plan_id=plan.id, orden=datos["orden"])
        responsable = responsables[datos["responsable"]] if datos["responsable"] else None
        _asignar(
            fila,
            nivel=NivelGobierno(datos["nivel"]),
            tipo=TipoFila(datos["tipo"]),
            objetivo=datos["objetivo"],
            indicador=datos["indicador"],
            medio_verificacion=datos["medio_verificacion"],
            linea_base=datos["linea_base"],
            meta=datos["meta"],
            responsable_id=responsable.id if responsable else None,
            capacitacion=datos.get("capacitacion", False),
            nota=datos["nota"],
        )
    db.session.flush()


def _linea(plan: PlanMejora, fila: dict[str, Any], orden: int, padre: LineaPresupuesto | None):
    """Upsert one printed budget line; returns it (checks its arithmetic)."""
    costo = _importe(fila, "costo_unitario")
    cantidad = _importe(fila, "cantidad")
    total = _importe(fila, "total")
    por_nivel = fila.get("total_por_nivel", "")
    no_determinado = por_nivel.strip() == NO_DETERMINADO
    declarado = None if no_determinado else _importe(fila, "total_por_nivel")
    if cantidad is not None:
        if costo is None or (costo * cantidad).quantize(Decimal("0.01")) != total:
            raise RuntimeError(
                f"Línea {fila['src_line']}: el total impreso no es costo unitario × cantidad."
            )
        total = None  # computed, never stored
    elif fila.get("hijos"):
        total = declarado  # the activity's printed total, checked against its cost lines
    elif declarado is not None and total is not None and declarado != total:
        raise RuntimeError(f"Línea {fila['src_line']}: el total por actividad no coincide.")
    linea = _obtener(LineaPresupuesto, plan_id=plan.id, orden=orden)
    _asignar(
        linea,
        padre_id=padre.id if padre else None,
        actividad=fila["actividad"],
        nivel=NIVELES[fila["nivel"]] if fila.get("nivel") else None,
        unidad_medida=_texto(fila["unidad_medida"]),
        costo_unitario=costo,
        cantidad=cantidad,
        total_declarado=total,
        especificacion_gasto=_texto(fila["especificacion_gasto"]),
        no_determinado=no_determinado,
        moneda="PEN",
        nota=fila.get("nota"),
    )
    db.session.flush()
    return linea


def _presupuesto(plan: PlanMejora, filas: list[dict[str, Any]]) -> None:
    """Upsert the budget lines and check each activity's cost lines add up."""
    orden = 0
    for datos in filas:
        orden += 1
        actividad = _linea(plan, datos, orden, None)
        for hijo in datos.get("hijos", []):
            orden += 1
            _linea(plan, hijo, orden, actividad)
        if datos.get("hijos"):
            db.session.refresh(actividad, ["hijos"])
            suma = sum((h.total for h in actividad.hijos), Decimal("0.00"))
            if suma != actividad.total_declarado:
                raise RuntimeError(
                    f"Línea {datos['src_line']}: las líneas de costo suman {suma}, el documento "
                    f"imprime {actividad.total_declarado}."
                )


def cargar_plan_puno(archivo: Path = ARCHIVO_PUNO) -> PlanMejora:
    """Load (or update) the Puno 2015 plan; the caller commits."""
    datos = json.loads(archivo.read_text(encoding="utf-8"))
    plan = _plan(datos["plan"])
    _secciones(plan, datos["secciones"])
    responsables = _responsables(plan, datos["responsables"])
    _diagnostico(plan, datos["problemas"])
    _matriz(plan, datos["matriz"], responsables)
    _presupuesto(plan, datos["presupuesto"])
    _tabla(plan, AlineamientoPlan, datos["alineamiento"])
    _tabla(plan, RolPlan, datos["roles"], fase=FaseRol)
    _tabla(plan, IndicadorResumenPlan, datos["indicadores_resumen"])
    db.session.expire(plan)
    return plan
