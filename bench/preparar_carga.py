"""Set up the load-test database: extra semesters and one drtpe user per report to submit.

Run by bench/carga.py with DATABASE_URL pointing at the fresh database; prints "email id" lines.
"""

import sys
from datetime import date

import sqlalchemy as sa

from app import create_app
from app.auth.models import Usuario
from app.comun.roles import Rol
from app.convenios.models import Convenio, EstadoConvenio, EstadoReporte, Periodo
from app.convenios.queries.anexo4 import convenios_esperados
from app.convenios.services.anexo4 import obtener_o_crear_reporte
from app.extensions import db


def preparar(usuarios: int, clave: str) -> list[str]:
    """Open 2021–2022 semesters and create the submitters; return "email report_id" lines."""
    firmados = db.session.scalars(
        sa.select(Convenio).where(Convenio.fecha_suscripcion.is_not(None))
    ).all()
    # A second convenio generation (2022-2023) so there are enough distinct reports to submit.
    for c in firmados:
        existe = sa.select(Convenio.id).filter_by(region_id=c.region_id, anio_inicio=2022)
        if not db.session.scalar(existe):
            db.session.add(
                Convenio(
                    region_id=c.region_id,
                    anio_inicio=2022,
                    anio_fin=2023,
                    estado=EstadoConvenio.suscrito,
                    fecha_suscripcion=date(2021, 12, 30),
                    conjunto_id=c.conjunto_id,
                )
            )
    periodos = []
    for anio in (2021, 2022):
        for semestre in (1, 2):
            p = db.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))
            if p is None:
                p = Periodo(anio=anio, semestre=semestre)
                db.session.add(p)
            p.abierto, p.fecha_cierre_anexo4 = True, None
            periodos.append(p)
    db.session.flush()
    salida = []
    for p in periodos:
        for convenio in convenios_esperados(p):
            if len(salida) >= usuarios:
                break
            reporte = obtener_o_crear_reporte(convenio, p, usuario_id=None)
            if reporte.estado is not EstadoReporte.borrador:
                continue
            n = len(salida)
            u = Usuario(
                email=f"carga{n}@carga.pe",
                nombre=f"Carga {n}",
                rol=Rol.drtpe,
                region_id=convenio.region_id,
            )
            u.set_password(clave)
            db.session.add(u)
            salida.append(f"{u.email} {reporte.id}")
    for i in range(20):
        u = Usuario(email=f"lector{i}@carga.pe", nombre="Lector", rol=Rol.revisor)
        u.set_password(clave)
        db.session.add(u)
    db.session.commit()
    return salida


if __name__ == "__main__":
    with create_app().app_context():
        print("\n".join(preparar(int(sys.argv[1]), sys.argv[2])))
