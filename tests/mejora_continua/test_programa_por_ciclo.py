"""The capacity programme offers the IdG of its year's cycle, not a fixed 1–12 (issue 15)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.catalogo import services as catalogo_services
from app.catalogo.models import ConjuntoIndicadores, UnidadMTPE
from app.comun.roles import Rol
from app.mejora_continua.services import programacion as services
from tests.conftest import usuario_demo


def _opciones_idg(pagina: str) -> list[str]:
    bloque = pagina[pagina.index('name="idg"') :]
    bloque = bloque[: bloque.index("</select>")]
    return [v for v in re.findall(r'<option value="(\d+)"', bloque)]


def test_programme_idg_filter_and_form_follow_the_cycle(bd, demo, client, sesion):
    base = bd.session.scalar(sa.select(ConjuntoIndicadores).filter_by(anio_inicio=2020))
    ciclo = catalogo_services.crear_ciclo(2022, 2023, base=base, usuario_id=None)
    unidad = bd.session.scalar(sa.select(UnidadMTPE).limit(1))
    catalogo_services.agregar_indicador(
        ciclo,
        {
            "numero": 13,
            "nombre": "Un IdG nuevo del ciclo 2022.",
            "proponente_id": unidad.id,
            "tipo_valor": base.indicadores[0].tipo_valor,
        },
        usuario_id=None,
    )
    services.crear_programa(2021, None, usuario=usuario_demo(Rol.odes))
    services.crear_programa(2022, None, usuario=usuario_demo(Rol.odes))
    bd.session.commit()
    sesion.entrar(Rol.odes)
    assert _opciones_idg(client.get("/mejora-continua/programas/2022").text) == [
        str(n) for n in range(1, 14)
    ]
    assert _opciones_idg(client.get("/mejora-continua/programas/2021").text) == [
        str(n) for n in range(1, 13)
    ]
    formulario = client.get("/mejora-continua/programas/2022/actividades/nueva").text
    assert "IdG 13 – Un IdG nuevo del ciclo 2022." in formulario
