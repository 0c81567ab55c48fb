"""Municipalities from a ubigeo list (issue 18): level and parent follow from the code."""

from __future__ import annotations

import sqlalchemy as sa

from app.catalogo.models import Region, TipoRegion
from app.comun.auditoria import Evento
from app.extensions import db

LISTA = (
    "ubigeo,nombre,tipo\n"
    "150101,Lima,distrital\n"  # under Lima Metropolitana (the province of Lima, 150100)
    "160100,Maynas,\n"
    "160101,Iquitos,\n"
    "160113,San Juan Bautista,\n"
    "070101,Callao,\n"  # no province 0701 registered: under the regional government
)


def _por_ubigeo() -> dict[str, Region]:
    return {r.ubigeo: r for r in db.session.scalars(sa.select(Region)) if r.ubigeo}


def test_a_ubigeo_list_adds_municipalities_under_their_province_or_region(runner, tmp_path):
    """Levels and parents worked out from the codes; audited; loading again changes nothing."""
    archivo = tmp_path / "ubigeos.csv"
    archivo.write_text(LISTA, encoding="utf-8")
    salida = runner.invoke(args=["catalogo", "gobiernos", str(archivo)])
    assert salida.exit_code == 0, salida.output
    assert "5 gobiernos nuevos, 0 actualizados." in salida.output
    todos = _por_ubigeo()
    assert todos["160100"].tipo is TipoRegion.municipalidad_provincial
    assert todos["160100"].padre.codigo == "loreto"
    assert todos["160101"].tipo is TipoRegion.municipalidad_distrital
    assert todos["160101"].padre.ubigeo == "160100"
    assert todos["150101"].padre.codigo == "lima-metropolitana"
    # "Lima" and "Callao" are regions' names: the district takes its parent's in brackets.
    assert todos["150101"].nombre == "Lima (Lima Metropolitana)"
    assert todos["070101"].nombre == "Callao (Callao)"
    assert todos["160101"].nombre == "Iquitos"
    assert todos["070101"].padre.codigo == "callao"
    assert todos["160113"].macro_region == todos["160000"].macro_region
    creados = db.session.scalars(
        sa.select(Evento.objeto_id).filter_by(accion="crear", objeto_tipo="region")
    ).all()
    assert sorted(creados) == sorted(
        todos[u].id for u in ("150101", "160100", "160101", "160113", "070101")
    )
    otra = runner.invoke(args=["catalogo", "gobiernos", str(archivo)])
    assert "0 gobiernos nuevos, 0 actualizados." in otra.output
    assert todos["150100"].tipo is TipoRegion.municipalidad_metropolitana  # never retyped


def test_a_list_with_errors_writes_nothing(runner, tmp_path):
    """Bad codes, a repeated code, an orphan: all reported, nothing saved."""
    antes = len(_por_ubigeo())
    archivo = tmp_path / "malo.csv"
    archivo.write_text(
        "ubigeo,nombre\n"
        "16010,Corto\n"
        "160000,Loreto otra vez\n"
        "160101,Iquitos\n"
        "160101,Iquitos bis\n"
        "990101,Huérfano\n",
        encoding="utf-8",
    )
    salida = runner.invoke(args=["catalogo", "gobiernos", str(archivo)])
    assert salida.exit_code != 0
    for texto in ("Fila 2", "Fila 3", "Fila 5: el ubigeo 160101 está repetido", "990101"):
        assert texto in salida.output, texto
    assert "no se guardó nada" in salida.output
    assert len(_por_ubigeo()) == antes


def test_the_documented_example_loads(runner):
    """docs/ejemplo-gobiernos.csv (docs/gobiernos.md) loads as the guide says."""
    from pathlib import Path

    ejemplo = Path(__file__).resolve().parents[2] / "docs" / "ejemplo-gobiernos.csv"
    salida = runner.invoke(args=["catalogo", "gobiernos", str(ejemplo)])
    assert "5 gobiernos nuevos, 0 actualizados." in salida.output, salida.output
    assert _por_ubigeo()["160102"].padre.ubigeo == "160100"
