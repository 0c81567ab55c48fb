"""The content of an Anexo 5: its verdict, conclusions and recommendations as plain data,
the rules each item must keep, and writing them (audited as one change of the evaluation).

No permission or lock check here: services.evaluaciones checks them before calling, and the
seed loads the published evaluations through the same validation and writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.catalogo.models import Region, UnidadMTPE, normalizar
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora as ahora_utc
from app.extensions import db
from app.mejora_continua.models.evaluaciones import (
    CLASIFICADAS,
    CON_VALOR,
    SIN_VALOR,
    Clasificacion,
    Evaluacion,
    ItemEvaluacion,
    TipoItem,
)
from app.mejora_continua.queries import evaluaciones as queries
from app.mejora_continua.queries.evaluaciones_contraste import unir

MAX_TEXTO = 4000


@dataclass
class DatosItem:
    """One conclusion or recommendation as plain data (id None = new item)."""

    tipo: TipoItem
    texto: str
    clasificacion: Clasificacion | None = None
    regiones: list[int] = field(default_factory=list)
    responsable_drtpe: bool = False
    responsables: list[int] = field(default_factory=list)
    id: int | None = None

    @classmethod
    def de(cls, valor: DatosItem | dict[str, Any]) -> DatosItem:
        """Accept a DatosItem or a dict with the same keys."""
        return valor if isinstance(valor, DatosItem) else cls(**valor)

    @classmethod
    def del_item(cls, item: ItemEvaluacion) -> DatosItem:
        """The plain data of a stored item."""
        return cls(
            tipo=item.tipo,
            texto=item.texto,
            clasificacion=item.clasificacion,
            regiones=[r.id for r in item.regiones],
            responsable_drtpe=item.responsable_drtpe,
            responsables=[u.id for u in item.responsables_mtpe],
            id=item.id,
        )


def clave_texto(texto: str) -> str:
    """Comparison key of an item text: no case, accents, quotes or final punctuation."""
    return re.sub(r"[“”\"«»‘’']", "", normalizar(texto)).strip(" .;:,")


def en_conflicto(a: Clasificacion | None, b: Clasificacion | None) -> bool:
    """Whether one region can't be said to be in both classified groups of one evaluation."""
    if a is None or b is None or a == b or a not in CLASIFICADAS or b not in CLASIFICADAS:
        return False
    par = {a, b}
    if par == CON_VALOR:
        return True
    if par & CON_VALOR and par & SIN_VALOR:
        return True
    return par == {Clasificacion.cumplio_meta, Clasificacion.no_ejecuto}


# --- Validation ---------------------------------------------------------------------------


def validar_items(
    evaluacion: Evaluacion, items: list[DatosItem | dict[str, Any]]
) -> dict[int, dict[str, str]]:
    """Check every item; return {position: {field: message}} (empty = all valid)."""
    periodo = evaluacion.periodo
    evaluadas = {r.id for r in queries.regiones_evaluadas(periodo)}
    regiones = {r.id: r for r in db.session.scalars(sa.select(Region))}
    unidades = set(db.session.scalars(sa.select(UnidadMTPE.id)))
    vistos: dict[TipoItem, dict[str, int]] = {t: {} for t in TipoItem}
    numeros = dict.fromkeys(TipoItem, 0)
    asignadas: dict[int, list[tuple[int, Clasificacion]]] = {}
    errores: dict[int, dict[str, str]] = {}
    for posicion, valor in enumerate(items):
        dato = DatosItem.de(valor)
        numeros[dato.tipo] += 1
        numero = numeros[dato.tipo]
        nombre_tipo = dato.tipo.etiqueta.lower()
        error: dict[str, str] = {}
        texto = (dato.texto or "").strip()
        if not texto:
            error["texto"] = _("Escriba el texto de la %(nombre_tipo)s.", nombre_tipo=nombre_tipo)
        elif len(texto) > MAX_TEXTO:
            error["texto"] = _("Máximo %(MAX_TEXTO)s caracteres.", MAX_TEXTO=MAX_TEXTO)
        else:
            clave = clave_texto(texto)
            if clave in vistos[dato.tipo]:
                error["texto"] = _(
                    "Repite el texto de la %(nombre_tipo)s "
                    "%(valor)s: no se admiten textos duplicados.",
                    nombre_tipo=nombre_tipo,
                    valor=vistos[dato.tipo][clave],
                )
            else:
                vistos[dato.tipo][clave] = numero
        if any(r not in regiones for r in dato.regiones):
            error["regiones"] = _("Una de las regiones indicadas no existe.")
        elif dato.tipo is TipoItem.conclusion:
            _validar_conclusion(dato, numero, periodo, evaluadas, regiones, asignadas, error)
        else:
            if dato.clasificacion is not None:
                error["clasificacion"] = _("Las recomendaciones no llevan clasificación.")
            if any(u not in unidades for u in dato.responsables):
                error["responsables"] = _("Una de las unidades indicadas no existe.")
            elif not dato.responsable_drtpe and not dato.responsables:
                error["responsables"] = _(
                    "Indique al menos un responsable: la G/DRTPE o una unidad del MTPE."
                )
        if error:
            errores[posicion] = error
    return errores


def _validar_conclusion(dato, numero, periodo, evaluadas, regiones, asignadas, error) -> None:
    """Rules of one conclusion: evaluated regions only, no conflicting groups, no owners."""
    if dato.responsable_drtpe or dato.responsables:
        error["responsables"] = _(
            "Las conclusiones no llevan responsables; solo las recomendaciones."
        )
    fuera = [regiones[r].nombre for r in dato.regiones if r not in evaluadas]
    if fuera:
        error["regiones"] = ngettext(
            "%(regiones)s no fue evaluada en el %(periodo)s (sin Anexo 4 aprobado): "
            "una conclusión solo puede nombrar regiones evaluadas.",
            "%(regiones)s no fueron evaluadas en el %(periodo)s (sin Anexo 4 aprobado): "
            "una conclusión solo puede nombrar regiones evaluadas.",
            len(fuera),
            regiones=unir(fuera),
            periodo=periodo.nombre,
        )
        return
    if dato.clasificacion in CLASIFICADAS and not dato.regiones:
        error["regiones"] = _("Una conclusión clasificada debe nombrar al menos una región.")
        return
    for region_id in dict.fromkeys(dato.regiones):
        for otra, clasificacion in asignadas.get(region_id, []):
            if en_conflicto(clasificacion, dato.clasificacion):
                error["regiones"] = _(
                    "%(nombre)s ya figura en la conclusión %(otra)s como "
                    "«%(etiqueta)s»; no puede figurar también como «%(etiqueta2)s».",
                    nombre=regiones[region_id].nombre,
                    otra=otra,
                    etiqueta=clasificacion.etiqueta,
                    etiqueta2=dato.clasificacion.etiqueta,
                )
                return
    if dato.clasificacion is not None:
        for region_id in dict.fromkeys(dato.regiones):
            asignadas.setdefault(region_id, []).append((numero, dato.clasificacion))


# --- Writing ------------------------------------------------------------------------------


def _resumen_item(item: ItemEvaluacion) -> str:
    """One line describing an item, for the history."""
    partes = [item.texto]
    if item.clasificacion is not None:
        partes.append(f"[{item.clasificacion.etiqueta}]")
    if item.regiones:
        partes.append("Regiones: " + ", ".join(r.nombre for r in item.regiones))
    if item.tipo is TipoItem.recomendacion and item.responsable:
        partes.append("Responsable: " + item.responsable)
    return " · ".join(partes)


def _foto(evaluacion: Evaluacion) -> dict[str, str | None]:
    """The evaluation's content as {label: text}, for before/after in the history."""
    foto: dict[str, str | None] = {"Veredicto": evaluacion.veredicto}
    numeros = dict.fromkeys(TipoItem, 0)
    for item in evaluacion.items:
        numeros[item.tipo] += 1
        foto[f"{item.tipo.etiqueta} {numeros[item.tipo]}"] = _resumen_item(item)
    return foto


def _orden_unidad(unidad: UnidadMTPE) -> tuple[str, str]:
    """General directorates before their bodies (DGDFSST-CONSSAT), then by acronym."""
    return (unidad.tipo.value, unidad.sigla)


def escribir_contenido(
    evaluacion: Evaluacion,
    veredicto: str | None,
    items: list[DatosItem],
    *,
    usuario_id: int | None,
    accion: str = "editar",
    motivo: str | None = None,
) -> bool:
    """Write verdict and items (kept items updated in place); audit the change, if any.

    No permission, lock or validation check: callers (guardar_evaluacion, loaders) do them.
    Returns whether anything changed.
    """
    antes = _foto(evaluacion)
    regiones = {r.id: r for r in db.session.scalars(sa.select(Region))}
    unidades = {u.id: u for u in db.session.scalars(sa.select(UnidadMTPE))}
    existentes = {i.id: i for i in evaluacion.items}
    nuevos = []
    for tipo in TipoItem:
        for orden, dato in enumerate((d for d in items if d.tipo is tipo), start=1):
            item = existentes.pop(dato.id, None) if dato.id else None
            item = item or ItemEvaluacion(tipo=tipo)
            item.tipo = tipo
            item.orden = orden
            item.texto = dato.texto.strip()
            item.clasificacion = dato.clasificacion
            item.regiones = sorted(
                (regiones[r] for r in dict.fromkeys(dato.regiones)),
                key=lambda r: (r.orden, r.nombre),
            )
            es_recomendacion = tipo is TipoItem.recomendacion
            item.responsable_drtpe = bool(dato.responsable_drtpe) and es_recomendacion
            item.responsables_mtpe = (
                sorted((unidades[u] for u in dict.fromkeys(dato.responsables)), key=_orden_unidad)
                if es_recomendacion
                else []
            )
            nuevos.append(item)
    evaluacion.items = nuevos
    evaluacion.veredicto = " ".join((veredicto or "").split()) or None
    db.session.flush()
    despues = _foto(evaluacion)
    claves = [k for k in dict.fromkeys([*antes, *despues]) if antes.get(k) != despues.get(k)]
    if not claves:
        return False
    # Touch the evaluation so its version moves: item edits count as edits of the Anexo 5.
    evaluacion.actualizado_en = ahora_utc()
    db.session.flush()
    registrar_evento(
        accion,
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario_id,
        antes={k: antes.get(k) for k in claves},
        despues={k: despues.get(k) for k in claves},
        motivo=motivo,
    )
    return True
