"""Anexo 4 files: evidence upload / download / deletion and the Excel template round trip."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.catalogo.models import Region
from app.comun import hojas
from app.comun.almacenamiento import disco
from app.comun.auditoria import Evento
from app.comun.roles import Rol
from app.convenios.models import (
    Convenio,
    EstadoCelda,
    EstadoReporte,
    Evidencia,
    LineaReporte,
    Periodo,
    Reporte,
)
from app.convenios.services import anexo4, evidencias, plantilla
from tests.conftest import usuario_demo

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    """A real 1×1 red PNG."""

    def trozo(tipo: bytes, datos: bytes) -> bytes:
        crc = zlib.crc32(tipo + datos) & 0xFFFFFFFF
        return struct.pack(">I", len(datos)) + tipo + datos + struct.pack(">I", crc)

    cabecera = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + trozo(b"IHDR", cabecera)
        + trozo(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + trozo(b"IEND", b"")
    )


PNG = _png()


@pytest.fixture(autouse=True)
def carpeta(app, tmp_path, monkeypatch):
    """Store files in a temporary folder; monkeypatch puts the setting back afterwards."""
    monkeypatch.setitem(app.config, "ARCHIVOS_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def periodo(bd):
    periodo = Periodo(anio=2021, semestre=1, abierto=True, fecha_limite_anexo4=date(2021, 7, 31))
    bd.session.add(periodo)
    bd.session.commit()
    return periodo


def _convenio(bd, codigo):
    return bd.session.scalar(sa.select(Convenio).join(Region).where(Region.codigo == codigo))


@pytest.fixture
def reporte(bd, periodo):
    reporte = anexo4.obtener_o_crear_reporte(_convenio(bd, "loreto"), periodo, usuario_id=None)
    bd.session.commit()
    return reporte


def _linea(reporte, numero: int) -> LineaReporte:
    return next(x for x in reporte.lineas if x.indicador_numero == numero)


def _subir(client, linea_id: int, nombre: str, contenido: bytes, **kwargs):
    return client.post(
        f"/convenios/anexo4/lineas/{linea_id}/evidencias",
        data={"archivo": (io.BytesIO(contenido), nombre)},
        content_type="multipart/form-data",
        **kwargs,
    )


def _evidencias(bd) -> list[Evidencia]:
    bd.session.expire_all()
    return list(bd.session.scalars(sa.select(Evidencia).order_by(Evidencia.id)))


def _archivos(carpeta) -> list:
    return sorted(p for p in carpeta.rglob("*") if p.is_file())


# --- Evidence ------------------------------------------------------------------------------


def test_upload_pdf_and_png_and_download_by_who_may_see_them(bd, reporte, client, sesion):
    idg3, idg1 = _linea(reporte, 3), _linea(reporte, 1)
    assert idg3.indicador.proponente.sigla == "DNCCL"
    assert idg1.indicador.proponente.sigla != "DNCCL"
    sesion.entrar(Rol.drtpe)
    respuesta = _subir(client, idg3.id, "Informe técnico.pdf", PDF)
    assert respuesta.status_code == 302
    assert f"/convenios/anexo4/{reporte.id}" in respuesta.location
    pagina = _subir(client, idg1.id, "foto.png", PNG, follow_redirects=True).text
    assert "se adjuntó el archivo «foto.png»" in pagina
    pdf, png = _evidencias(bd)
    assert (pdf.nombre, pdf.tipo, pdf.tamanio) == (
        "Informe_tecnico.pdf",
        "application/pdf",
        len(PDF),
    )
    assert (png.linea_id, png.tipo) == (idg1.id, "image/png")
    assert {e.accion for e in bd.session.scalars(sa.select(Evento))} >= {"subir_evidencia"}
    # The report page lists them with their download links.
    assert f"/convenios/anexo4/evidencias/{pdf.id}" in pagina

    descarga = client.get(f"/convenios/anexo4/evidencias/{pdf.id}")
    assert descarga.status_code == 200
    assert descarga.data == PDF
    assert descarga.headers["X-Content-Type-Options"] == "nosniff"
    assert descarga.headers["Content-Type"] == "application/pdf"
    assert "attachment" in descarga.headers["Content-Disposition"]
    assert "Informe_tecnico.pdf" in descarga.headers["Content-Disposition"]
    assert client.get(f"/convenios/anexo4/evidencias/{png.id}").data == PNG

    for rol, email in ((Rol.odes, None), (Rol.direccion, None)):  # DNCCL proposes IdG 3
        sesion.salir()
        sesion.entrar(rol, email)
        assert client.get(f"/convenios/anexo4/evidencias/{pdf.id}").data == PDF
    # The directorate sees only the lines of its IdG.
    assert client.get(f"/convenios/anexo4/evidencias/{png.id}").status_code == 404

    sesion.salir()
    sesion.entrar(Rol.drtpe, "drtpe.puno@demo.trabajo.gob.pe")
    for evidencia in (pdf, png):
        assert client.get(f"/convenios/anexo4/evidencias/{evidencia.id}").status_code == 404
    assert _subir(client, idg3.id, "otro.pdf", PDF).status_code == 404

    sesion.salir()
    sesion.entrar(Rol.revisor)
    assert client.get(f"/convenios/anexo4/evidencias/{pdf.id}").status_code == 403


def test_extension_that_lies_about_the_content_is_refused(bd, reporte, client, sesion, carpeta):
    sesion.entrar(Rol.drtpe)
    linea = _linea(reporte, 3)
    for nombre, contenido in (
        ("informe.pdf", b"MZ\x90\x00 not a pdf at all"),
        ("foto.png", PDF),
        ("hoja.xlsx", b"PK\x03\x04 a zip that is not a workbook"),
    ):
        pagina = _subir(client, linea.id, nombre, contenido, follow_redirects=True).text
        assert "no corresponde a un" in pagina, nombre
    pagina = _subir(client, linea.id, "script.exe", PDF, follow_redirects=True).text
    assert "Tipo de archivo no permitido" in pagina
    assert _evidencias(bd) == []
    assert _archivos(carpeta) == []


def test_too_big_file_is_refused(bd, app, reporte, client, sesion, carpeta, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCIA_MAX_BYTES", 1024)
    sesion.entrar(Rol.drtpe)
    grande = PDF + b"0" * 2048
    pagina = _subir(client, _linea(reporte, 3).id, "grande.pdf", grande, follow_redirects=True)
    assert "supera el máximo de 1 KB" in pagina.text
    assert _evidencias(bd) == []
    assert _archivos(carpeta) == []


def test_path_traversal_name_is_sanitised_and_stored_in_the_evidence_folder(
    bd, reporte, client, sesion, carpeta
):
    sesion.entrar(Rol.drtpe)
    assert _subir(client, _linea(reporte, 3).id, "../../etc/passwd.pdf", PDF).status_code == 302
    (evidencia,) = _evidencias(bd)
    assert evidencia.nombre == "etc_passwd.pdf"
    assert "/" not in evidencia.archivo and ".." not in evidencia.archivo
    (guardado,) = _archivos(carpeta)
    assert guardado.parent == carpeta / "evidencias"
    assert guardado == disco.ruta(evidencias.CARPETA, evidencia.archivo)
    assert guardado.read_bytes() == PDF


def test_upload_refused_when_approved_or_period_closed(bd, reporte, client, sesion, carpeta):
    sesion.entrar(Rol.drtpe)
    linea_id = _linea(reporte, 3).id
    reporte.estado = EstadoReporte.aprobado
    bd.session.commit()
    pagina = _subir(client, linea_id, "acta.pdf", PDF, follow_redirects=True).text
    assert "aprobado" in pagina
    reporte.estado = EstadoReporte.borrador
    reporte.periodo.abierto = False
    bd.session.commit()
    pagina = _subir(client, linea_id, "acta.pdf", PDF, follow_redirects=True).text
    assert "I Semestre 2021 está cerrado" in pagina
    assert _evidencias(bd) == []
    assert _archivos(carpeta) == []


def test_delete_evidence_removes_row_and_file_and_is_audited(bd, reporte, client, sesion, carpeta):
    sesion.entrar(Rol.drtpe)
    _subir(client, _linea(reporte, 3).id, "acta.pdf", PDF)
    (evidencia,) = _evidencias(bd)
    ruta = disco.ruta(evidencias.CARPETA, evidencia.archivo)
    url = f"/convenios/anexo4/evidencias/{evidencia.id}/eliminar"

    sesion.salir()
    sesion.entrar(Rol.drtpe, "drtpe.puno@demo.trabajo.gob.pe")
    assert client.post(url).status_code == 404
    assert ruta.exists()

    sesion.salir()
    sesion.entrar(Rol.drtpe)
    assert "se eliminó el archivo «acta.pdf»" in client.post(url, follow_redirects=True).text
    assert _evidencias(bd) == []
    assert not ruta.exists()
    acciones = [
        e.accion
        for e in bd.session.scalars(
            sa.select(Evento).filter_by(objeto_id=reporte.id, objeto_tipo="reporte")
        )
    ]
    assert "subir_evidencia" in acciones and "eliminar_evidencia" in acciones


def test_files_follow_the_transaction(bd, reporte, carpeta):
    usuario = usuario_demo(Rol.drtpe)
    linea = _linea(reporte, 3)
    evidencias.guardar_evidencia(linea, "a.pdf", PDF, usuario=usuario, hoy=date(2021, 7, 1))
    assert len(_archivos(carpeta)) == 1
    bd.session.rollback()  # a failed request leaves no file behind
    assert _archivos(carpeta) == []

    evidencia = evidencias.guardar_evidencia(
        linea, "a.pdf", PDF, usuario=usuario, hoy=date(2021, 7, 1)
    )
    bd.session.commit()
    evidencias.eliminar_evidencia(evidencia, usuario=usuario, hoy=date(2021, 7, 1))
    bd.session.rollback()  # the deletion didn't happen: the file must still be there
    assert len(_archivos(carpeta)) == 1


def test_display_names():
    assert (
        evidencias.nombre_visible("Acta de reunión N° 3.docx", "docx") == "Acta_de_reunion_N_3.docx"
    )
    assert evidencias.nombre_visible("報告.pdf", "pdf") == "evidencia.pdf"
    assert evidencias.nombre_visible("..\\..\\boot.ini.PDF", "pdf") == "boot.ini.pdf"


# --- Excel template ------------------------------------------------------------------------


def _descargar(client, reporte):
    respuesta = client.get(f"/convenios/anexo4/{reporte.id}/plantilla.xlsx")
    assert respuesta.status_code == 200, respuesta.status_code
    return load_workbook(io.BytesIO(respuesta.data))


def _bytes(libro) -> bytes:
    salida = io.BytesIO()
    libro.save(salida)
    return salida.getvalue()


def _cargar(client, reporte, contenido: bytes, **kwargs):
    return client.post(
        f"/convenios/anexo4/{reporte.id}/plantilla",
        data={"archivo": (io.BytesIO(contenido), "anexo4.xlsx")},
        content_type="multipart/form-data",
        **kwargs,
    )


def _filas(hoja) -> dict[int, int]:
    """IdG number → row of the table."""
    return {
        hoja.cell(fila, 1).value: fila
        for fila in range(plantilla.FILA_ENCABEZADO + 1, hoja.max_row + 1)
        if isinstance(hoja.cell(fila, 1).value, int)
    }


def test_template_has_title_rows_and_estado_validation(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    respuesta = client.get(f"/convenios/anexo4/{reporte.id}/plantilla.xlsx")
    assert respuesta.mimetype == hojas.XLSX
    assert "anexo4_loreto_2021-1.xlsx" in respuesta.headers["Content-Disposition"]
    libro = load_workbook(io.BytesIO(respuesta.data))
    hoja = libro["Anexo 4"]
    textos = [c.value for fila in hoja.iter_rows(max_row=6) for c in fila if c.value]
    assert {"DRTPE Loreto", "I Semestre 2021", "2020-2021"} <= set(textos)
    encabezado = [c.value for c in hoja[plantilla.FILA_ENCABEZADO]]
    assert encabezado == list(plantilla.ENCABEZADOS)
    filas = _filas(hoja)
    assert sorted(filas) == list(range(1, 13))
    assert hoja.cell(filas[3], 2).value == _linea(reporte, 3).indicador.nombre
    assert hoja.cell(filas[3], 3).value == "valor"
    (validacion,) = hoja.data_validations.dataValidation
    assert validacion.type == "list"
    assert validacion.formula1 == '"valor,no_aplica,sin_meta,no_remitido"'
    assert f"C{filas[1]}:C{filas[12]}" in str(validacion.sqref)
    assert libro[plantilla.HOJA_CONTROL].sheet_state == "veryHidden"
    assert hoja.column_dimensions["B"].width >= 40


def test_template_access(bd, reporte, client, sesion):
    url = f"/convenios/anexo4/{reporte.id}/plantilla.xlsx"
    sesion.entrar(Rol.odes)
    assert client.get(url).status_code == 200
    sesion.salir()
    sesion.entrar(Rol.direccion)
    assert client.get(url).status_code == 403
    sesion.salir()
    sesion.entrar(Rol.drtpe, "drtpe.puno@demo.trabajo.gob.pe")
    assert client.get(url).status_code == 404
    assert _cargar(client, reporte, b"PK\x03\x04").status_code == 404


def test_filled_template_saves_values_and_is_audited(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    for numero, fila in _filas(hoja).items():
        hoja.cell(fila, plantilla.COL_PROGRAMADO, 10 * numero)
        hoja.cell(fila, plantilla.COL_EJECUTADO, 10 * numero - 0.5)
        hoja.cell(fila, plantilla.COL_COMENTARIO, f"Comentario del IdG {numero}")
    fila_12 = _filas(hoja)[12]
    hoja.cell(fila_12, plantilla.COL_ESTADO, "no_aplica")
    hoja.cell(fila_12, plantilla.COL_PROGRAMADO).value = None
    hoja.cell(fila_12, plantilla.COL_EJECUTADO).value = None
    hoja.cell(fila_12, plantilla.COL_MOTIVO, "No hay oficina zonal")
    fila_2 = _filas(hoja)[2]
    hoja.cell(fila_2, plantilla.COL_PROGRAMADO, "25.5")  # text with a decimal point is accepted
    pagina = _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    assert "Plantilla cargada" in pagina

    bd.session.expire_all()
    tres, dos, doce = _linea(reporte, 3), _linea(reporte, 2), _linea(reporte, 12)
    assert (tres.programado, tres.ejecutado) == (Decimal(30), Decimal("29.5"))
    assert tres.comentario == "Comentario del IdG 3"
    assert dos.programado == Decimal("25.5")
    assert (doce.estado, doce.programado, doce.motivo_estado) == (
        EstadoCelda.no_aplica,
        None,
        "No hay oficina zonal",
    )
    assert reporte.origen == "plantilla"
    acciones = {
        e.accion
        for e in bd.session.scalars(
            sa.select(Evento).filter_by(objeto_tipo="reporte", objeto_id=reporte.id)
        )
    }
    assert {"editar", "cargar_plantilla"} <= acciones


def test_values_out_of_range_warn_that_a_comment_is_needed(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    hoja.cell(_filas(hoja)[3], plantilla.COL_EJECUTADO, 120)
    pagina = _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    assert "Plantilla cargada" in pagina
    assert "explique en el comentario" in pagina and "IdG 3" in pagina


def test_rule_errors_from_the_anexo4_checks_write_nothing(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    filas = _filas(hoja)
    hoja.cell(filas[1], plantilla.COL_PROGRAMADO, 50)
    hoja.cell(filas[3], plantilla.COL_EJECUTADO, -5)  # IdG 3 is a percentage: no negatives
    pagina = _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    assert "No se guardó la plantilla" in pagina
    assert "IdG 3" in pagina and "no admite valores negativos" in pagina
    bd.session.expire_all()
    assert _linea(reporte, 1).programado is None
    assert reporte.origen == "formulario"


def test_ambiguous_number_and_unknown_state_are_refused_with_their_cells(
    bd, reporte, client, sesion
):
    """A decimal comma is read (tests/convenios/test_plantilla_coma_decimal.py); a comma that
    may be a thousands one is refused with its cell."""
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    filas = _filas(hoja)
    hoja.cell(filas[1], plantilla.COL_PROGRAMADO, 50)
    hoja.cell(filas[2], plantilla.COL_EJECUTADO, "45,500")
    hoja.cell(filas[4], plantilla.COL_ESTADO, "tal vez")
    hoja.cell(filas[5], plantilla.COL_PROGRAMADO, "mucho")
    antes = bd.session.scalar(sa.select(sa.func.count(Evento.id)))
    pagina = _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    assert "No se guardó la plantilla" in pagina
    assert f"Fila {filas[2]}, columna G (Ejecutado (%)): «45,500» es ambiguo" in pagina
    assert "sin separador de miles" in pagina
    assert f"Fila {filas[4]}, columna C (Estado): «tal vez» no es un estado válido" in pagina
    assert f"Fila {filas[5]}, columna D (Programado (%)): «mucho» no es un número" in pagina
    bd.session.expire_all()
    assert _linea(reporte, 1).programado is None
    assert bd.session.scalar(sa.select(sa.func.count(Evento.id))) == antes


def test_missing_row_formula_and_non_xlsx_are_refused(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    filas = _filas(hoja)
    hoja.delete_rows(filas[7])
    hoja.cell(filas[1], 4, "=20+30")
    pagina = _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    assert "Falta la fila del IdG 7" in pagina
    assert f"Fila {filas[1]}, columna D (Programado (%)): contiene una fórmula" in pagina
    pagina = _cargar(client, reporte, PDF, follow_redirects=True).text
    assert "no es un libro de Excel (.xlsx) válido" in pagina
    pagina = _cargar(client, reporte, b"PK\x03\x04 roto", follow_redirects=True).text
    assert "no es un libro de Excel (.xlsx) válido" in pagina


def test_template_of_another_report_is_refused(bd, reporte, periodo, client, sesion):
    puno = anexo4.obtener_o_crear_reporte(_convenio(bd, "puno"), periodo, usuario_id=None)
    bd.session.commit()
    ajena = load_workbook(io.BytesIO(plantilla.plantilla_xlsx(puno)))
    hoja = ajena["Anexo 4"]
    hoja.cell(_filas(hoja)[1], 4, 50)
    sesion.entrar(Rol.drtpe)
    pagina = _cargar(client, reporte, _bytes(ajena), follow_redirects=True).text
    assert "La plantilla corresponde a otro Anexo 4" in pagina
    bd.session.expire_all()
    assert _linea(reporte, 1).programado is None
    assert bd.session.get(Reporte, puno.id).lineas[0].programado is None


def test_formula_like_text_is_exported_neutralised_and_read_back_intact(
    bd, reporte, client, sesion
):
    peligroso = '=HYPERLINK("http://malo.example","clic")'
    linea = _linea(reporte, 3)
    linea.comentario = peligroso
    linea.motivo_estado = "@SUM(1)"
    bd.session.commit()
    sesion.entrar(Rol.drtpe)
    libro = _descargar(client, reporte)
    hoja = libro["Anexo 4"]
    fila = _filas(hoja)[3]
    celda = hoja.cell(fila, plantilla.COL_COMENTARIO)
    assert celda.data_type == "s"
    assert celda.value == "'" + peligroso
    assert hoja.cell(fila, plantilla.COL_MOTIVO).value == "'@SUM(1)"
    # Upload it back as is: the stored text is the original, without the apostrophe.
    assert (
        "Plantilla cargada" in _cargar(client, reporte, _bytes(libro), follow_redirects=True).text
    )
    bd.session.expire_all()
    assert _linea(reporte, 3).comentario == peligroso


def test_template_upload_refused_when_report_is_locked(bd, reporte, client, sesion):
    sesion.entrar(Rol.drtpe)
    contenido = _bytes(_descargar(client, reporte))
    reporte.estado = EstadoReporte.enviado
    bd.session.commit()
    pagina = _cargar(client, reporte, contenido, follow_redirects=True).text
    assert "fue enviado y está en revisión" in pagina
