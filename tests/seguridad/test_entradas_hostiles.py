"""Hostile input: property-based tests over forms and the bulk import.

No 500, a clear message, nothing partially written; hostile text is shown literally.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalogo.models import Region
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import Convenio, Periodo, Reporte
from app.convenios.services import anexo4 as services_anexo4
from app.convenios.services import importacion

AJUSTES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HOSTILES = [
    "<script>alert(1)</script>",
    "Tom & Jerry <b>",
    '<font color="red">x</font><para>y</para>',
    '=HYPERLINK("http://x")',
    "\u202eevil\u202c 😀",
    "x" * 5000,
    "'; DROP TABLE convenio; --",
    "\x00nul",
]
texto = st.one_of(st.sampled_from(HOSTILES), st.text(max_size=300))


def _contar(bd):
    bd.session.expire_all()
    return (
        bd.session.scalar(sa.select(sa.func.count(Convenio.id))),
        bd.session.scalar(sa.select(sa.func.count(Evento.id))),
    )


@AJUSTES
@given(
    documento=texto,
    notas=texto,
    ciclo=st.one_of(st.integers(-5, 3000).map(str), texto),
    fecha=st.one_of(st.dates().map(date.isoformat), texto),
    estado=st.one_of(st.sampled_from(["suscrito", "pendiente", "vencido"]), texto),
)
def test_convenio_form_never_fails_and_writes_all_or_nothing(
    client, sesion, bd, documento, notas, ciclo, fecha, estado
):
    sesion.entrar(Rol.odes)
    region = bd.session.scalar(sa.select(Region.id).filter_by(codigo="lima-metropolitana"))
    antes = _contar(bd)
    respuesta = client.post(
        "/convenios/nuevo",
        data={
            "region_id": region,
            "conjunto_id": ciclo,
            "estado": estado,
            "fecha_suscripcion": fecha,
            "documento": documento,
            "notas": notas,
        },
    )
    assert respuesta.status_code in (200, 302, 400)
    despues = _contar(bd)
    if respuesta.status_code == 400:
        assert "caracteres no válidos" in respuesta.text
    if respuesta.status_code in (200, 400):
        assert despues == antes  # refused: nothing written
        assert "<script>alert(1)</script>" not in respuesta.text
    else:
        assert despues[0] == antes[0] + 1
        bd.session.execute(sa.delete(Convenio).where(Convenio.region_id == region))
        bd.session.commit()


def test_hostile_text_is_shown_literally(client, sesion, bd):
    sesion.entrar(Rol.odes)
    convenio = bd.session.scalar(sa.select(Convenio).join(Region).filter(Region.codigo == "loreto"))
    convenio.notas = "<script>alert(1)</script> & <font color=red>x</font> \u202eabc 😀"
    bd.session.commit()
    pagina = client.get(f"/convenios/{convenio.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;font color=red&gt;" in pagina
    assert "<script>alert(1)</script>" not in pagina
    assert "😀" in pagina


@AJUSTES
@given(valores=st.lists(texto, min_size=24, max_size=24))
def test_anexo4_grid_never_fails_and_writes_nothing_on_error(client, sesion, bd, valores):
    periodo = bd.session.scalar(sa.select(Periodo).filter_by(anio=2021, semestre=1))
    if periodo is None:
        periodo = Periodo(anio=2021, semestre=1, abierto=True)
        bd.session.add(periodo)
        convenio = bd.session.scalar(
            sa.select(Convenio).join(Region).filter(Region.codigo == "loreto")
        )
        services_anexo4.obtener_o_crear_reporte(convenio, periodo, usuario_id=None)
        bd.session.commit()
    reporte = bd.session.scalar(sa.select(Reporte))
    sesion.entrar(Rol.drtpe)
    datos = {"version": reporte.version}
    for i, linea in enumerate(reporte.lineas):
        datos |= {
            f"lineas-{i}-linea_id": linea.id,
            f"lineas-{i}-estado": "valor",
            f"lineas-{i}-programado": valores[2 * i],
            f"lineas-{i}-ejecutado": valores[2 * i + 1],
            f"lineas-{i}-comentario": valores[i],
        }
    antes = [(linea.programado, linea.ejecutado) for linea in reporte.lineas]
    respuesta = client.post(f"/convenios/anexo4/{reporte.id}/editar", data=datos)
    assert respuesta.status_code in (200, 302, 400)
    if respuesta.status_code != 302:
        bd.session.expire_all()
        reporte = bd.session.get(Reporte, reporte.id)
        assert [(linea.programado, linea.ejecutado) for linea in reporte.lineas] == antes


@AJUSTES
@given(contenido=st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_bulk_import_reports_errors_never_crashes(bd, contenido):
    try:
        filas = importacion.leer_archivo("datos.csv", contenido)
    except importacion.ErrorImportacion as error:
        assert str(error)
        return
    analisis = importacion.analizar(filas)
    for error in analisis.errores:
        assert error.fila >= 1 and error.columna and error.mensaje


@AJUSTES
@given(
    cabeza=st.sampled_from(["region,idg,anio,semestre,estado,programado,ejecutado"]),
    filas=st.lists(st.lists(texto, min_size=7, max_size=7), min_size=1, max_size=5),
)
def test_bulk_import_with_hostile_cells_lists_errors_and_writes_nothing(bd, cabeza, filas):
    import csv
    import io

    salida = io.StringIO()
    escritor = csv.writer(salida)
    escritor.writerow(cabeza.split(","))
    escritor.writerows(filas)
    antes = bd.session.scalar(sa.select(sa.func.count(Reporte.id)))
    try:
        leidas = importacion.leer_archivo("datos.csv", salida.getvalue().encode())
    except importacion.ErrorImportacion:
        return
    analisis = importacion.analizar(leidas)
    assert analisis.errores  # random cells never form a valid row
    assert bd.session.scalar(sa.select(sa.func.count(Reporte.id))) == antes
