"""The shape of the convenios module: each rule written once, in the place that owns it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sqlalchemy as sa

from app.comun import almacenamiento
from app.comun.almacenamiento import disco
from app.comun.roles import Rol

RAIZ = Path(__file__).resolve().parents[2]
RUTAS = RAIZ / "app" / "convenios" / "routes"


def _fuentes(carpeta: Path):
    for ruta in sorted(carpeta.rglob("*.py")):
        yield ruta, ruta.read_text(encoding="utf-8")


def test_files_follow_the_transaction_through_one_pair_of_hooks():
    """Only app/comun/almacenamiento tidies files at the end of a transaction, with one pair of
    session listeners; the other listeners are the data version's and the job queue's."""
    patron = re.compile(
        r"listens_for\(\s*Session,\s*\"(after_\w*(?:commit|rollback)|after_transaction_end)\""
    )
    oyentes: dict[str, list[str]] = {}
    for ruta, texto in _fuentes(RAIZ / "app"):
        for evento in patron.findall(texto):
            oyentes.setdefault(ruta.relative_to(RAIZ).as_posix(), []).append(evento)
    assert sorted(oyentes.pop("app/comun/almacenamiento/__init__.py")) == [
        "after_commit",
        "after_transaction_end",
    ]
    assert set(oyentes) <= {"app/comun/version_datos.py", "app/comun/tareas.py"}


def test_a_file_written_in_a_rolled_back_transaction_is_removed(app, bd, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path))
    nombre = almacenamiento.guardar("pruebas", "pdf", b"%PDF")
    ruta = disco.ruta("pruebas", nombre)
    assert ruta.read_bytes() == b"%PDF"
    bd.session.execute(sa.text("SELECT 1"))  # a transaction to roll back
    bd.session.rollback()
    assert not ruta.exists()
    nombre = almacenamiento.guardar("pruebas", "pdf", b"%PDF")
    ruta = disco.ruta("pruebas", nombre)
    bd.session.commit()
    almacenamiento.borrar_al_confirmar("pruebas", nombre)
    bd.session.execute(sa.text("SELECT 1"))
    bd.session.rollback()
    assert ruta.exists()  # a deletion rolled back keeps the file
    almacenamiento.borrar_al_confirmar("pruebas", nombre)
    bd.session.execute(sa.text("SELECT 1"))
    bd.session.commit()
    assert not ruta.exists()


def test_stored_names_are_never_paths(app):
    with app.test_request_context():
        for nombre in ("../../config.py", "a" * 32 + ".pdf/../x", None):
            assert almacenamiento.leer("evidencias", nombre) is None
            assert not almacenamiento.existe("evidencias", nombre)


def _vistas_con_id():
    """(file, view function) of every convenios view whose URL carries an object id."""
    for ruta, texto in _fuentes(RUTAS):
        for nodo in ast.walk(ast.parse(texto)):
            if not isinstance(nodo, ast.FunctionDef):
                continue
            for decorador in nodo.decorator_list:
                if (
                    isinstance(decorador, ast.Call)
                    and getattr(decorador.func, "attr", "") == "route"
                    and re.search(r"<int:\w+_id>", ast.literal_eval(decorador.args[0]))
                ):
                    yield ruta.name, nodo


def test_every_view_taking_an_object_id_loads_it_through_acceso():
    """Object-level access lives in app/convenios/acceso.py; no view checks it by itself."""
    vistas = list(_vistas_con_id())
    assert len(vistas) >= 15
    sin_acceso = []
    for archivo, vista in vistas:
        llamadas = {
            getattr(n.func, "id", getattr(n.func, "attr", ""))
            for n in ast.walk(vista)
            if isinstance(n, ast.Call)
        }
        if not any(nombre.endswith("_o_404") for nombre in llamadas) and "_accion" not in llamadas:
            sin_acceso.append(f"{archivo}:{vista.name}")
    assert sin_acceso == []
    for ruta, texto in _fuentes(RUTAS):
        for prohibido in ("get_or_404", "exigir_region", "session.get("):
            assert prohibido not in texto, f"{ruta.name}: {prohibido}"


def test_a_region_cannot_reach_another_regions_convenio_by_id(demo, client, sesion):
    from app.convenios.models import Convenio

    otra = demo.session.scalar(
        sa.select(Convenio).where(Convenio.region_id != sesion.entrar(Rol.drtpe).region_id)
    )
    assert client.get(f"/convenios/{otra.id}").status_code == 404
    assert client.get(f"/convenios/{otra.id}/metas/2020").status_code == 404


def test_the_review_workflow_is_written_once_in_the_core():
    """The state enum and the shared steps live in app/comun/flujo.py, nowhere else."""
    for ruta, texto in _fuentes(RAIZ / "app"):
        if ruta.name == "flujo.py":
            continue
        assert "class EstadoReporte" not in texto, ruta
        assert "def devolver_a_observado" not in texto, ruta
        # No annex moves its state by hand: every step goes through the core's functions.
        assert "estado = EstadoReporte." not in texto, ruta


def test_routes_register_one_way():
    texto = (RUTAS / "__init__.py").read_text(encoding="utf-8")
    assert "pkgutil.iter_modules" in texto
