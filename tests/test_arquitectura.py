"""The layers of docs/arquitectura.md, read from the code: every import runs downward, no circle.

The walk reads every `import` of app/, seed/ and config.py (those inside functions too: a
deferred import is still a dependency) and places each module in its layer by the longest
matching prefix of CAPAS. A module may import its own layer or one below; inside a feature
module, a part may import the parts before it in PARTES. Every module listed in the document
must exist, so the document cannot drift from the tree.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent

#: Bottom to top. The same table is printed in docs/arquitectura.md (checked below).
CAPAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nucleo", ("config", "app.extensions", "app.comun")),
    ("catalogo", ("app.catalogo",)),
    ("auth", ("app.auth",)),
    ("notificaciones", ("app.notificaciones",)),
    ("convenios", ("app.convenios",)),
    ("mejora_continua", ("app.mejora_continua",)),
    ("informes", ("app.informes",)),
    ("main", ("app.main",)),
    ("api", ("app.api",)),
    ("aplicacion", ("app", "app.web", "app.navegacion", "seed")),
)

#: Inside a feature module, each part may import only the parts before it (and itself).
PARTES = ("models", "queries", "services", "exportacion", "forms", "routes", "cli")
MODULOS = tuple(n for _capa, nombres in CAPAS[1:-1] for n in nombres)


def _nombre(ruta: Path) -> str:
    partes = list(ruta.relative_to(RAIZ).with_suffix("").parts)
    if partes[-1] == "__init__":
        partes.pop()
    return ".".join(partes)


def _fuentes() -> dict[str, Path]:
    rutas = [RAIZ / "config.py", *(RAIZ / "app").rglob("*.py"), *(RAIZ / "seed").rglob("*.py")]
    return {_nombre(r): r for r in rutas}


def _importados(nombre: str, codigo: str, es_paquete: bool, modulos: set[str]) -> set[str]:
    """The project modules that a module's code imports (a name imported from a package that
    is itself a module counts as that module)."""
    paquete = nombre if es_paquete else nombre.rpartition(".")[0]
    destinos: set[str] = set()
    for nodo in ast.walk(ast.parse(codigo)):
        if isinstance(nodo, ast.Import):
            destinos.update(a.name for a in nodo.names)
        elif isinstance(nodo, ast.ImportFrom):
            if nodo.level:
                base = paquete.split(".")[: len(paquete.split(".")) - nodo.level + 1]
                origen = ".".join(base + ([nodo.module] if nodo.module else []))
            else:
                origen = nodo.module or ""
            for alias in nodo.names:
                completo = f"{origen}.{alias.name}"
                destinos.add(completo if completo in modulos else origen)
    return {d for d in destinos if d in modulos and d != nombre}


def grafo(extra: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Module → project modules it imports; extra adds code to a module (for the self-test)."""
    fuentes = _fuentes()
    modulos = set(fuentes)
    aristas: dict[str, set[str]] = {}
    for nombre, ruta in fuentes.items():
        codigo = ruta.read_text(encoding="utf-8") + "\n" + (extra or {}).get(nombre, "")
        aristas[nombre] = _importados(nombre, codigo, ruta.name == "__init__.py", modulos)
    return aristas


def capa(nombre: str) -> int:
    """Index in CAPAS of the layer holding module nombre (the longest matching prefix)."""
    mejor, largo = None, -1
    for indice, (_capa, prefijos) in enumerate(CAPAS):
        for prefijo in prefijos:
            if (nombre == prefijo or nombre.startswith(prefijo + ".")) and len(prefijo) > largo:
                mejor, largo = indice, len(prefijo)
    assert mejor is not None, f"{nombre} no pertenece a ninguna capa de CAPAS"
    return mejor


def _parte(nombre: str) -> tuple[str, int] | None:
    """(feature module, index in PARTES) of a module inside a feature module, if any."""
    for modulo in MODULOS:
        if nombre.startswith(modulo + "."):
            primera = nombre[len(modulo) + 1 :].split(".")[0]
            if primera in PARTES:
                return modulo, PARTES.index(primera)
    return None


def infracciones(aristas: dict[str, set[str]]) -> list[str]:
    """Every import that runs up a layer, or to a later part of the same feature module."""
    malas = []
    for origen, destinos in sorted(aristas.items()):
        for destino in sorted(destinos):
            if capa(destino) > capa(origen):
                malas.append(f"{origen} -> {destino} (capa {CAPAS[capa(destino)][0]})")
                continue
            p_origen, p_destino = _parte(origen), _parte(destino)
            if p_origen and p_destino and p_origen[0] == p_destino[0]:
                if p_destino[1] > p_origen[1]:
                    malas.append(f"{origen} -> {destino} (parte {PARTES[p_destino[1]]})")
    return malas


def circulos(aristas: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    indice: dict[str, int] = {}
    bajo: dict[str, int] = {}
    pila: list[str] = []
    en_pila: set[str] = set()
    componentes: list[list[str]] = []
    contador = 0
    for raiz in sorted(aristas):
        if raiz in indice:
            continue
        trabajo = [(raiz, iter(sorted(aristas.get(raiz, ()))))]
        indice[raiz] = bajo[raiz] = contador
        contador += 1
        pila.append(raiz)
        en_pila.add(raiz)
        while trabajo:
            nodo, hijos = trabajo[-1]
            for hijo in hijos:
                if hijo not in indice:
                    indice[hijo] = bajo[hijo] = contador
                    contador += 1
                    pila.append(hijo)
                    en_pila.add(hijo)
                    trabajo.append((hijo, iter(sorted(aristas.get(hijo, ())))))
                    break
                if hijo in en_pila:
                    bajo[nodo] = min(bajo[nodo], indice[hijo])
            else:
                trabajo.pop()
                if trabajo:
                    padre = trabajo[-1][0]
                    bajo[padre] = min(bajo[padre], bajo[nodo])
                if bajo[nodo] == indice[nodo]:
                    componente = []
                    while True:
                        miembro = pila.pop()
                        en_pila.discard(miembro)
                        componente.append(miembro)
                        if miembro == nodo:
                            break
                    if len(componente) > 1:
                        componentes.append(sorted(componente))
    return componentes


def _sin_paquetes(aristas: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges into a package's own __init__ from inside it: a blueprint
    package imports its views at its end and the views take `bp` back, which is Flask's own
    pattern and not a circle between parts."""
    return {
        o: {d for d in ds if not (o.startswith(d + ".") or d.startswith(o + "."))}
        for o, ds in aristas.items()
    }


def test_every_import_runs_down_the_layers():
    assert infracciones(grafo()) == []


def test_no_circular_imports():
    assert circulos(_sin_paquetes(grafo())) == []


@pytest.mark.parametrize(
    "modulo, codigo, esperado",
    [
        ("app.comun.calculos", "from app.informes import services", "app.informes.services"),
        ("app.catalogo.queries", "from app.convenios.models import Convenio", "app.convenios"),
        ("app.convenios.models", "from app.convenios.services import anexo4", "parte services"),
    ],
)
def test_an_upward_import_is_caught(modulo, codigo, esperado):
    malas = infracciones(grafo({modulo: codigo}))
    assert any(m.startswith(modulo) and esperado in m for m in malas), malas


def test_a_circle_is_caught():
    aristas = _sin_paquetes(
        grafo(
            {
                "app.comun.listas": "from app.comun import calculos",
                "app.comun.calculos": "from app.comun import listas",
            }
        )
    )
    assert ["app.comun.calculos", "app.comun.listas"] in circulos(aristas)


def test_the_architecture_document_matches_the_code():
    """docs/arquitectura.md names the layers in this order and only modules that exist."""
    texto = (RAIZ / "docs" / "arquitectura.md").read_text(encoding="utf-8")
    tabla = re.findall(r"^\| (\d+) \| `(\w+)` \| (.+?) \|", texto, re.MULTILINE)
    assert [(int(n), c) for n, c, _ in tabla] == [(i, c) for i, (c, _) in enumerate(CAPAS)]
    for _n, nombre, modulos in tabla:
        assert tuple(re.findall(r"`([\w.]+)`", modulos)) == dict(CAPAS)[nombre]
    fuentes = set(_fuentes())
    rutas = set(re.findall(r"`((?:app|seed|tests|bench|migrations|docs)/[\w./-]*)`", texto))
    assert rutas, "el documento no nombra ningún archivo"
    faltan = sorted(r for r in rutas if not (RAIZ / r.rstrip("/")).exists())
    assert faltan == []
    assert fuentes  # the walk found the tree
