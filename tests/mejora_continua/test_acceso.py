"""Object-level access of the module lives in app/mejora_continua/acceso.py, and agrees with
the scoped lists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalogo.models import Region
from app.comun.roles import Rol
from app.mejora_continua import acceso
from app.mejora_continua.models.planes import PlanMejora
from app.mejora_continua.queries import planes as queries_planes
from tests.conftest import usuario_demo

RUTAS = Path(__file__).resolve().parents[2] / "app" / "mejora_continua" / "routes"
PUNO = "drtpe.puno@demo.trabajo.gob.pe"


def _cargas_directas(ruta: Path) -> list[str]:
    """Calls in a views file that load a module's object by id themselves (db.session.get,
    db.get_or_404, db.first_or_404 on a model of app.mejora_continua.models)."""
    arbol = ast.parse(ruta.read_text(encoding="utf-8"))
    modelos = {
        alias.asname or alias.name
        for nodo in ast.walk(arbol)
        if isinstance(nodo, ast.ImportFrom)
        and (nodo.module or "").startswith("app.mejora_continua.models")
        for alias in nodo.names
    }
    malas = []
    for nodo in ast.walk(arbol):
        if not (isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Attribute)):
            continue
        if nodo.func.attr not in ("get", "get_or_404", "first_or_404") or not nodo.args:
            continue
        nombres = {n.id for n in ast.walk(nodo.args[0]) if isinstance(n, ast.Name)}
        if nombres & modelos:
            malas.append(f"{ruta.name}:{nodo.lineno}")
    return malas


def test_views_load_the_module_objects_only_through_acceso():
    """Every view that takes an evaluation, plan, activity or run id asks acceso for it, so
    the 404-for-what-you-may-not-see rule is written once."""
    malas = [m for ruta in sorted(RUTAS.glob("*.py")) for m in _cargas_directas(ruta)]
    assert malas == []


def test_the_check_of_the_views_is_caught(tmp_path):
    """The check above finds a view that loads a run by itself."""
    vista = tmp_path / "vista.py"
    vista.write_text(
        "from app.mejora_continua.models.programacion import ProgramacionRegional\n"
        "def ver(i):\n    return db.session.get(ProgramacionRegional, i)\n",
        encoding="utf-8",
    )
    assert _cargas_directas(vista) == ["vista.py:3"]


@pytest.mark.parametrize(
    "rol, email",
    [
        (Rol.odes, None),
        (Rol.direccion, None),
        (Rol.revisor, None),
        (Rol.drtpe, None),
        (Rol.drtpe, PUNO),
    ],
)
def test_plan_list_and_plan_page_agree_on_who_reads_a_plan(bd, rol, email):
    """The list's SQL scope and the page's predicate let the same user read the same plans."""
    puno, loreto = (
        bd.session.scalar(sa.select(Region).filter_by(codigo=codigo))
        for codigo in ("puno", "loreto")
    )
    for titulo, region in (("Nacional", None), ("Puno", puno), ("Loreto", loreto)):
        bd.session.add(
            PlanMejora(
                titulo=f"Plan {titulo}",
                servicio_evaluado="Servicio",
                sector="Sector",
                region_id=region.id if region else None,
            )
        )
    bd.session.flush()
    usuario = usuario_demo(rol, email)
    listados = set(bd.session.scalars(queries_planes.consulta_planes(usuario)))
    todos = set(bd.session.scalars(sa.select(PlanMejora)))
    assert listados == {p for p in todos if acceso.puede_ver_plan(p, usuario)}
    assert listados  # every role reads some plan
