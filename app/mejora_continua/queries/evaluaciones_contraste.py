"""What the approved Anexo 4 says of an evaluation's IdG: the conclusions and verdict the
system suggests from it, and the classified conclusions that contradict it (warnings only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from app.catalogo.models import Region, normalizar
from app.comun import calculos
from app.convenios.models import ETIQUETAS_CELDA, EstadoCelda
from app.convenios.queries.anexo4 import celdas as celdas_anexo4
from app.mejora_continua.models.evaluaciones import (
    CLASIFICADAS,
    CON_VALOR,
    Clasificacion,
    Evaluacion,
)
from app.mejora_continua.queries import evaluaciones as queries


def _num(valor: Decimal | None) -> str:
    """A figure without trailing zeros: 70.00 → "70"."""
    return format(Decimal(valor).normalize(), "f") if valor is not None else "—"


def unir(nombres: list[str]) -> str:
    """Join names the Spanish way: "A", "A y B", "A, B y C" ("e" before an i sound: "y Ica")."""
    nombres = list(nombres)
    if len(nombres) <= 1:
        return "".join(nombres)
    ultimo = normalizar(nombres[-1])
    conjuncion = "e" if re.match(r"^h?i(?![aeou])", ultimo) else "y"
    return f"{', '.join(nombres[:-1])} {conjuncion} {nombres[-1]}"


def _sujeto(nombres: list[str]) -> str:
    """ "La G/DRTPE de Loreto" or "Las G/DRTPE de Ica y Loreto"."""
    return f"{'La' if len(nombres) == 1 else 'Las'} G/DRTPE de {unir(nombres)}"


# --- Suggestions from the Anexo 4 ---------------------------------------------------------


def celdas_del_idg(evaluacion: Evaluacion) -> dict[str, calculos.Celda]:
    """The approved Anexo 4 cells of the evaluation's IdG and semester, by region name."""
    numero = evaluacion.indicador.numero
    return {c.region: c for c in celdas_anexo4(evaluacion.periodo) if c.idg == numero}


@dataclass(frozen=True)
class Sugerencia:
    """A conclusion the system proposes from the Anexo 4 (regions linked, text editable)."""

    clasificacion: Clasificacion | None
    texto: str
    regiones: list[Region]


#: (plural, singular) predicate of each suggested group; {periodo} is the semester's name.
PREDICADOS = {
    Clasificacion.cumplio_meta: ("cumplieron la meta programada", "cumplió la meta programada"),
    Clasificacion.no_cumplio_meta: (
        "no cumplieron la meta programada",
        "no cumplió la meta programada",
    ),
    Clasificacion.sin_meta: (
        "no tenían meta programada en el {periodo}",
        "no tenía meta programada en el {periodo}",
    ),
    Clasificacion.no_aplica: ("no aplican el IdG", "no aplica el IdG"),
    Clasificacion.no_remitio: ("no remitieron la meta", "no remitió la meta"),
}


def _grupo(celda: calculos.Celda) -> Clasificacion:
    """Which suggested group an Anexo 4 cell falls in."""
    cumplio = calculos.cumplio(celda)
    if cumplio is not None:
        return Clasificacion.cumplio_meta if cumplio else Clasificacion.no_cumplio_meta
    return {
        EstadoCelda.no_aplica.value: Clasificacion.no_aplica,
        EstadoCelda.no_remitido.value: Clasificacion.no_remitio,
    }.get(celda.estado, Clasificacion.sin_meta)


def borrador_sugerido(evaluacion: Evaluacion) -> list[Sugerencia]:
    """Suggested conclusions: who met the goal, did not, had none, n/a, did not report."""
    periodo = evaluacion.periodo
    regiones = {r.nombre: r for r in queries.regiones_evaluadas(periodo)}
    grupos: dict[Clasificacion, list[Region]] = {c: [] for c in PREDICADOS}
    for nombre, celda in celdas_del_idg(evaluacion).items():
        if nombre in regiones:
            grupos[_grupo(celda)].append(regiones[nombre])
    sugerencias = []
    for clasificacion, (plural, singular) in PREDICADOS.items():
        miembros = grupos[clasificacion]
        if not miembros:
            continue
        nombres = [r.nombre for r in miembros]
        predicado = (singular if len(nombres) == 1 else plural).format(periodo=periodo.nombre)
        sugerencias.append(Sugerencia(clasificacion, f"{_sujeto(nombres)} {predicado}.", miembros))
    faltan = [r.nombre for r in queries.regiones_sin_anexo4(periodo)]
    if faltan:
        verbo = "no remitió" if len(faltan) == 1 else "no remitieron"
        sugerencias.append(
            Sugerencia(None, f"{_sujeto(faltan)} {verbo} el Anexo 4 del {periodo.nombre}.", [])
        )
    return sugerencias


FRASES_VEREDICTO = {
    "mayor": "es mayor que",
    "ligeramente_mayor": "es ligeramente mayor que",
    "igual": "es igual a",
    "ligeramente_menor": "es ligeramente menor que",
    "menor": "es menor que",
}


def veredicto_sugerido(evaluacion: Evaluacion) -> str | None:
    """A one-line verdict comparing the IdG's average execution with its programming."""
    promedio = calculos.promedio(celdas_del_idg(evaluacion).values())
    comparacion = calculos.veredicto(promedio)
    if comparacion is None:
        return None
    return (
        f"En el {evaluacion.periodo.nombre}, en promedio la ejecución "
        f"({promedio.ejecutado_pct} %) {FRASES_VEREDICTO[comparacion]} la programación "
        f"({promedio.programado_pct} %)."
    )


# --- Contradictions with the Anexo 4 ------------------------------------------------------


def _contradiccion(clasificacion: Clasificacion, celda: calculos.Celda | None) -> str | None:
    """What is wrong with saying `clasificacion` of a region whose cell is `celda`."""
    if celda is None:
        return _("no tiene Anexo 4 aprobado en el semestre")
    estado = EstadoCelda(celda.estado)
    figura = _(
        "en el Anexo 4 la celda figura como «%(ETIQUETAS_CELDA)s»",
        ETIQUETAS_CELDA=ETIQUETAS_CELDA[estado],
    )
    cifras = _(
        "%(cifra)s %% ejecutado frente a %(cifra2)s %% programado",
        cifra=_num(celda.ejecutado),
        cifra2=_num(celda.programado),
    )
    cumplio = calculos.cumplio(celda)
    if clasificacion in CON_VALOR:
        if cumplio is None:
            return figura
        if clasificacion is Clasificacion.cumplio_meta and not cumplio:
            return _("el Anexo 4 registra %(cifras)s", cifras=cifras)
        if clasificacion is Clasificacion.no_cumplio_meta and cumplio:
            return _("el Anexo 4 registra %(cifras)s (sí la cumplió)", cifras=cifras)
        return None
    if clasificacion in (Clasificacion.sin_meta, Clasificacion.no_aplica):
        if estado is EstadoCelda.valor:
            return _("el Anexo 4 registra %(cifra)s %% programado", cifra=_num(celda.programado))
        if estado is EstadoCelda.no_remitido:
            return figura
        return None
    if clasificacion is Clasificacion.no_remitio:
        if estado is EstadoCelda.valor:
            return _("el Anexo 4 registra %(cifras)s", cifras=cifras)
        return None if estado is EstadoCelda.no_remitido else figura
    if clasificacion is Clasificacion.no_ejecuto:
        if estado is EstadoCelda.valor and celda.ejecutado and Decimal(celda.ejecutado) > 0:
            return _("el Anexo 4 registra %(cifra)s %% ejecutado", cifra=_num(celda.ejecutado))
    return None


def contradicciones(evaluacion: Evaluacion) -> list[str]:
    """Classified conclusions that disagree with the approved Anexo 4 (warnings only)."""
    celdas = celdas_del_idg(evaluacion)
    avisos = []
    for numero, item in enumerate(evaluacion.conclusiones, start=1):
        if item.clasificacion not in CLASIFICADAS:
            continue
        for region in item.regiones:
            problema = _contradiccion(item.clasificacion, celdas.get(region.nombre))
            if problema:
                avisos.append(
                    _(
                        "Conclusión %(numero)s («%(etiqueta)s»), %(nombre)s: %(problema)s.",
                        numero=numero,
                        etiqueta=item.clasificacion.etiqueta,
                        nombre=region.nombre,
                        problema=problema,
                    )
                )
    return avisos
