"""Narrative texts of the situational report, their placeholders, and Spanish number wording.

`NARRATIVA_POR_DEFECTO` holds the fixed texts of the 2020 II-semester report (document 004),
copied verbatim (line breaks of the extraction joined, typos of the original kept). Texts
that depend on the data (counts, region lists, the semester) are not here: `pdf/situacional.py`
writes them from `DatosInforme`, with the number wording and list joining below.

Format of every text:

* paragraphs are separated by a blank line;
* a line starting with "• " is a bullet (consecutive bullet lines form a list);
* in "base_legal" every non-empty line is one bullet;
* ``[^texto]`` is a footnote: the PDF prints a superscript number and the text at the foot of
  the page (numbered continuously with the generated footnotes);
* the placeholders ``{anio}`` (2020), ``{periodo}`` ("II semestre 2020"), ``{convenio}``
  ("2020-2021"), ``{n_evaluadas}`` ("dieciocho (18)") and ``{n_idg}`` ("doce (12)") are
  replaced with the report's data; any other brace is printed as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

LEMA_POR_DEFECTO = "AÑO DEL BICENTENARIO DEL PERÚ: 200 AÑOS DE INDEPENDENCIA"
DECENIO = "DECENIO DE LA IGUALDAD DE OPORTUNIDADES PARA MUJERES Y HOMBRES"

NARRATIVA_POR_DEFECTO: dict[str, str] = {
    # I. Antecedentes (004:L11-54)
    "antecedentes": (
        "El Ministerio de Trabajo y Promoción del Empleo (MTPE), como organismo rector en "
        "materia de trabajo y promoción del empleo, en el marco del proceso de descentralización "
        "del Estado y en base a sus competencias, desde el año 2009 y hasta el ejercicio 2017 "
        "suscribió Convenios de Gestión y Adendas de renovación con los 25 gobiernos regionales. "
        "En el año 2019, se retomó nuevamente en aplicación al “Plan Anual de Transferencia de "
        "Competencias Sectoriales a los Gobiernos Regionales y Locales del año 2019 del Sector "
        "Trabajo y Promoción del Empleo” aprobado mediante Resolución Ministerial N° "
        "066-2019-TR; con el objeto de acompañarlos y apoyarlos técnicamente en el ejercicio de "
        "las funciones sectoriales transferidas y descritas en el artículo 48º de la Ley N° "
        "27867, Ley Orgánica de Gobiernos Regionales.\n"
        "\n"
        "En el año 2019, las actividades estuvieron relacionas a: (i) plantear nuevos Convenios "
        "de Gestión; (ii) coordinar, articular y consensuar los nuevos indicadores y metas, entre "
        "las Direcciones Generales del MTPE y las 25 Gerencias y Direcciones Regionales de "
        "Trabajo y Promoción del Empleo (G/DRTPE); e, (iii) iniciar el proceso de suscripción de "
        "estos convenios.\n"
        "\n"
        "En el año 2020, mediante Resolución Ministerial Nº 049-2020-TR se aprobó el “Plan Anual "
        "de Transferencia de Competencias Sectoriales a los Gobiernos Regionales y Locales y "
        "Desarrollo de la Gestión Descentralizada de los Servicios Públicos del Sector Trabajo y "
        "Promoción del Empleo del Año 2020”, en cuyo Objetivo Específico 2 (OE2) se estableció "
        "la actividad de “implementar los Convenios de Gestión suscritos por el MTPE con los "
        "Gobiernos Regionales, para acompañar el ejercicio de las funciones transferidas, en "
        "materia de trabajo y promoción del empleo, como instrumento para mejorar los servicios "
        "públicos, en términos de calidad y cobertura”.\n"
        "\n"
        "En la Cláusula Décima Segunda del Convenio de Gestión {convenio}, se establece que la "
        "Oficina de Descentralización (ODES), en base a los informes de evaluación de metas, en "
        "este caso semestral, remitidos por las Direcciones Generales (DDGG) del MTPE, elabora "
        "el informe situacional del ejercicio de las funciones transferidas, el que será puesto "
        "en conocimiento a las precitadas Direcciones Generales y a la Gerencia o Dirección "
        "Regional de Trabajo y Promoción del Empleo del Gobierno Regional, y publicado en el "
        "Portal Institucional de las partes, para la implementación de las medidas correctivas "
        "y/o acciones de mejora continua que correspondan."
    ),
    # II. Base Legal (004:L58-112), one bullet per line
    "base_legal": "\n".join(
        [
            "Constitución Política del Perú y sus modificatorias.",
            "Ley Nº 27783, Ley de Bases de la Descentralización y sus modificatorias.",
            "Ley N° 27867, Ley Orgánica de Gobiernos Regionales, y sus modificatorias.",
            "Ley Nº 29158, Ley Orgánica del Poder Ejecutivo y sus modificatorias.",
            "Ley Nº 29381, Ley de Organización y Funciones del Ministerio de Trabajo y Promoción "
            "del Empleo, y sus modificatorias.",
            "Decreto Supremo N° 002-2010-TR, que aprueba la Matriz de Delimitación de "
            "Competencias y Asignación de Funciones de los Sectores Trabajo y Promoción del "
            "Empleo en los tres niveles de gobierno.",
            "Decreto Supremo N° 029-2018-PCM, que aprueba el reglamento que regula las Políticas "
            "Nacionales y su modificatoria.",
            "Decreto Supremo N° 056-2018-PCM, que aprueba la Política General de Gobierno al 2021.",
            "Resolución Ministerial N° 308 -2019-TR, que aprueba el Texto Integrado del "
            "Reglamento de Organización y Funciones del Ministerio de Trabajo y Promoción del "
            "Empleo.",
            "Resolución de Secretaría de Descentralización N° 003-2007-PCM/SD, que aprueba la "
            "Directiva N° 001-2007-PCM/SD “Normas para ejecución de la transferencia del año "
            "2007 a los Gobiernos Regionales”.",
            "Resolución de Secretaría de Descentralización N° 025-2007-PCM/SD, que aprueba la "
            "Directiva N° 006-2007-PCM/SD “Normas para la efectivización del proceso de "
            "transferencia del año 2007 de los sectores del Gobierno Nacional a los Gobiernos "
            "Regionales”.",
            "Resolución de Secretaría de Descentralización N° 044-2008-PCM/SD, que aprueba la "
            "Directiva Nº 003-2008-PCM/SD “Directiva para la culminación e implementación de la "
            "transferencia de funciones sectoriales a los Gobiernos Regionales”.",
            "Resolución de Secretaría de Descentralización N° 059-2009-PCM/SD, que aprueba la "
            "Directiva N° 004-2009-PCM/SD “Directiva para la transferencia de Fondos, Programas, "
            "Proyectos, Empresas, Infraestructura y Otros Instrumentos asociados a las funciones "
            "transferidas a los Gobiernos Regionales y Locales, y la utilización de la Delegación "
            "de Competencias entre niveles de gobierno, en el marco del Proceso de "
            "Descentralización”.",
            "Resolución Ministerial Nº 115-2020-TR, que aprueba la Extensión del Horizonte del "
            "Plan Estratégico Sectorial Multianual (PESEM) 2017-2022 del Sector Trabajo y "
            "Promoción del Empleo, al 2023; quedando denominado como “Plan Estratégico Sectorial "
            "Multianual (PESEM) 2017- 2023 del Sector Trabajo y Promoción del Empleo”",
            "Resolución Ministerial N° 296-2018-TR, que crea la Comisión Intergubernamental del "
            "Sector Trabajo y Promoción del Empleo, modificado por la Resolución Ministerial N° "
            "125-2019-TR.",
            "Resolución Ministerial N° 049-2020-TR, que aprueba el Plan Anual de Transferencia de "
            "Competencias Sectoriales a los Gobiernos Regionales y Locales y Desarrollo de la "
            "Gestión Descentralizada de los Servicios Públicos del Sector Trabajo y Promoción del "
            "Empleo del Año 2020, del Ministerio de Trabajo y Promoción del Empleo.",
        ]
    ),
    # III. Objetivos, second bullet (004:L125-127); the first one is generated.
    "objetivo_2": (
        "Poner de conocimiento las recomendaciones, medidas correctivas y/o acciones de mejora "
        "continua que deberán implementarse para mejorar la gestión de los servicios públicos "
        "sectoriales."
    ),
    # IV. Funciones Transferidas, before the list a)–r) (004:L132-140, footnotes 2 and 3)
    "funciones_intro": (
        "El proceso de transferencia de funciones del artículo 48º de la Ley Nº 27867, Ley "
        "Orgánica de Gobiernos Regionales (LOGR), se inició en el MTPE a partir del año "
        "2006[^A través del Plan Anual de Transferencia de Competencias Sectoriales a los "
        "Gobiernos Regionales y Locales del año 2006, aprobado mediante Decreto Supremo Nº "
        "021-2006-PCM.] y se concluyó en el año 2011[^En dicho año, se culminó la transferencia "
        "de funciones de los Gobiernos Regionales del Callao y de Lima, a los cuales se les "
        "transfirieron solamente catorce (14) funciones del artículo 48º de la LOGR, con "
        "excepción de las funciones de los literales g), n), o), r), en materia de pequeña y "
        "microempresa.], quedando pendiente la transferencia de funciones a la Municipalidad de "
        "Lima Metropolitana.\n"
        "\n"
        "Las funciones según el artículo 48º de la LOGR, son:"
    ),
    # Source line of Gráfico Nº 01 (004:L268-270)
    "fuente_funciones": (
        "Plan Anual de Transferencia de Competencias Sectoriales a los Gobiernos Regionales y "
        "Locales y Desarrollo de la Gestión Descentralizada de los servicios públicos del Sector "
        "Trabajo y Promoción del Empleo del año 2021"
    ),
    # V. Convenios de Gestión, before the coverage sentence (004:L272-297)
    "convenios_intro": (
        "En relación al ejercicio de la rectoría de una política nacional sectorial se establece "
        "que, “…el Ministerio diseña, formula, conduce, coordina, regula supervisa y evalúa "
        "periódicamente las políticas nacionales sectoriales a su cargo, así como ejecuta, "
        "cuando corresponda”; según el numeral 14.1 del artículo 14º del Decreto Supremo N° "
        "029-2018-PCM, que aprueba el Reglamento que regula las Políticas Nacionales.\n"
        "\n"
        "En el mencionado Decreto Supremo en su numeral 14.3 del artículo 14º, se precisa que "
        "“El Ministerio” debe tomar en cuenta la diversidad de las realidades regionales, así "
        "como las capacidades existentes en los tres niveles de gobiernos para asegurar la "
        "viabilidad de las disposiciones, protocolos, estándares, procesos, procedimientos y "
        "metodologías que proponga o apruebe”.\n"
        "\n"
        "De acuerdo a dicho marco legal, a partir del año 2019, el MTPE como órgano rector "
        "coordinó, articuló el diseño e implementación del actual Convenio de Gestión "
        "{convenio} con los gobiernos regionales."
    ),
    # VI. Indicadores de Gestión, before Cuadro Nº 02 (004:L360-379)
    "idg_intro": (
        "Los indicadores de gestión (IdG) son importantes porque permite obtener información "
        "objetiva sobre el ejercicio de las funciones transferidas a las G/DRTPE y de esta "
        "manera tomar decisiones oportunas. Se definen como “los indicadores de monitoreo y "
        "evaluación periódica, los cuales se establecerán en coordinación con la Secretaría de "
        "Descentralización, los sectores y los Gobiernos Regionales, según los criterios del "
        "artículo 9° de la Ley N° 28273, Ley del Sistema de Acreditación de los Gobiernos "
        "Regionales y Locales”; de acuerdo a lo establecido en el numeral 4.12 de la Directiva "
        "N° 006-2007-PCM/SD denominada “Normas para la efectivización del proceso de "
        "Transferencia del año 2007 de los Sectores del Gobierno Nacional a los Gobiernos "
        "Regionales”\n"
        "\n"
        "En los Convenios de Gestión {convenio}, se estableció un total de {n_idg} IdG, los "
        "cuales estaban alineados a los objetivos estratégicos sectoriales, funciones "
        "transferidas y vinculados a los servicios públicos sectoriales. En el año 2019, estos "
        "IdG fueron consensuados entre las DDGG del MTPE y las 25 G/DRTPE a fin de iniciar su "
        "implementación a partir del año 2020."
    ),
    # VI. After Cuadro Nº 03 (004:L832-840)
    "servicios_cierre": (
        "De la revisión realizada a los IdG se observa que están relacionados a tres (03) "
        "servicios públicos en materia de Promoción del empleo: i) Orientación Vocacional e "
        "Información Ocupacional- SOVIO (indicador 1); ii) Certificación de Competencias "
        "Laborales (indicador 3), y; iii) Información de mercado de trabajo (indicador 6).\n"
        "\n"
        "Asimismo, están vinculados a dos (02) servicios públicos en materia de Trabajo: i) "
        "Conciliación Laboral (indicador 9), y; ii) Orientación al migrante (indicador 10)."
    ),
    # VII. Context of the semester (004:L845-869)
    "contexto_vii": (
        "En términos generales las {n_evaluadas} G/DRTPE en evaluación, tuvieron limitaciones y "
        "dificultades para cumplir con lo programado en el año {anio}, influenciado por la nueva "
        "realidad generada por la pandemia del COVID-19, los cuales se resumen en lo siguiente:\n"
        "\n"
        "• El Estado de Emergencia determinó el aislamiento social obligatorio y distanciamiento "
        "social, por lo que las G/DRTPE tuvieron una paralización inicial de atención al "
        "público.\n"
        "• Se produjo un reinicio lento de actividades de atención mixta al público: presencial "
        "y virtual. Esta última mediante el uso de herramientas de la tecnología de la "
        "información y la comunicación (TIC).\n"
        "• Limitaciones de las G/DRTPE para contar con los equipos tecnológicos adecuados y la "
        "conectividad para realizar atenciones virtuales en sus respectivas regiones.\n"
        "• Lento proceso de adecuación de la población para utilizar canales virtuales de "
        "atención, sobretodo por la débil difusión de esta modalidad por parte de la gran "
        "mayoría de las G/DRTPE."
    ),
    # Footnote 4 (004:L884)
    "nota_desempeno": (
        "Nivel alcanzado por la Gerencia o Dirección Regional de Trabajo y Promoción del Empleo."
    ),
    # VIII. Method (004:L1198-1220)
    "metodo_viii": (
        "A continuación, se presenta la ejecución promedio comparada con la programación "
        "promedio en este periodo por cada uno de los {n_idg} IdG implementados en el año "
        "{anio}, cuyo cálculo lo ha realizado la Oficina de Descentralización teniendo como "
        "insumo: i) La información reportada por las {n_evaluadas} G/DRTPE (Anexo 4 del Convenio "
        "de Gestión), y; ii) los informes de evaluación remitidos por las DDGG del MTPE respecto "
        "a cada uno de los indicadores (Anexo 5 del Convenio de Gestión).\n"
        "\n"
        "Asimismo, se detalla las conclusiones y recomendaciones por cada DDGG del MTPE "
        "proponente de un IdG determinado, las cuales fueron expuestas por cada una de éstas en "
        "el Anexo 5 de los Convenios de Gestión."
    ),
    # IX. Second paragraph (004:L1979-1982)
    "contexto_ix": (
        "Es pertinente mencionar que en el Informe de Evaluación del {periodo}, las DDGG del "
        "MTPE coinciden en manifestar que la principal causa de la no ejecución, esta "
        "relacionada a las limitaciones generadas por el Estado de Emergencia Nacional por la "
        "propagación del COVID-19."
    ),
}

#: Keys whose text is a list with one bullet per line.
CLAVES_LISTA = frozenset({"base_legal"})

_UNIDADES = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
_DECENAS = {
    3: "treinta",
    4: "cuarenta",
    5: "cincuenta",
    6: "sesenta",
    7: "setenta",
    8: "ochenta",
    9: "noventa",
}
_CENTENAS = {
    1: "ciento",
    2: "doscientos",
    3: "trescientos",
    4: "cuatrocientos",
    5: "quinientos",
    6: "seiscientos",
    7: "setecientos",
    8: "ochocientos",
    9: "novecientos",
}


def _menor_que_mil(n: int) -> str:
    """Spanish words for 0 … 999 (without apocope)."""
    if n < 30:
        return _UNIDADES[n]
    if n < 100:
        decena, unidad = divmod(n, 10)
        return _DECENAS[decena] + (f" y {_UNIDADES[unidad]}" if unidad else "")
    if n == 100:
        return "cien"
    centena, resto = divmod(n, 100)
    return _CENTENAS[centena] + (f" {_menor_que_mil(resto)}" if resto else "")


def _apocopar(texto: str) -> str:
    """ "uno" → "un", "veintiuno" → "veintiún" (before a masculine noun)."""
    if texto.endswith("veintiuno"):
        return texto[: -len("veintiuno")] + "veintiún"
    if texto.endswith("uno"):
        return texto[:-1]
    return texto


def numero_en_letras(n: int, *, apocope: bool = False) -> str:
    """Spanish cardinal in words: 18 → "dieciocho"; 21 → "veintiuno" ("veintiún" with apocope).

    Use ``apocope=True`` before a masculine noun, as the report writes "veintiún (21)
    Convenios". Works for -999 999 … 999 999.
    """
    if n < 0:
        return "menos " + numero_en_letras(-n, apocope=apocope)
    if n >= 1_000_000:
        raise ValueError("numero_en_letras admite valores menores que un millón")
    miles, resto = divmod(n, 1000)
    partes = []
    if miles:
        partes.append("mil" if miles == 1 else _apocopar(_menor_que_mil(miles)) + " mil")
    if resto or not miles:
        texto = _menor_que_mil(resto)
        partes.append(_apocopar(texto) if apocope else texto)
    return " ".join(partes)


def _femenino(texto: str) -> str:
    """The feminine form of a cardinal: "uno" → "una", "doscientos" → "doscientas"."""
    palabras = texto.split(" ")
    for i, palabra in enumerate(palabras):
        if palabra.endswith("uno"):
            palabras[i] = palabra[:-1] + "a"
        elif palabra.endswith("ientos"):
            palabras[i] = palabra[: -len("os")] + "as"
    return " ".join(palabras)


def numero_con_cifra(n: int, *, apocope: bool = False, femenino: bool = False) -> str:
    """The report's way of writing a count: "dieciocho (18)", "tres (03)", "veintiún (21)";
    ``femenino`` agrees with a feminine noun: "una (01) G/DRTPE", "veintiuna (21)"."""
    letras = numero_en_letras(n, apocope=apocope and not femenino)
    return f"{_femenino(letras) if femenino else letras} ({n:02d})"


def cantidad(n: int, singular: str, plural: str, *, femenino: bool = False) -> str:
    """A count and its noun, agreeing in number and gender: "un (01) Convenio",
    "veintiún (21) Convenios", "una (01) G/DRTPE", "dieciocho (18) G/DRTPE"."""
    return (
        f"{numero_con_cifra(n, apocope=True, femenino=femenino)} {singular if n == 1 else plural}"
    )


def articulo(n: int, *, femenino: bool = False) -> str:
    """The definite article agreeing with a count: el / la / los / las."""
    if n == 1:
        return "la" if femenino else "el"
    return "las" if femenino else "los"


_SINGULAR = [
    (re.compile(r"\blos un \(01\) "), "el único "),
    (re.compile(r"\blas una \(01\) "), "la única "),
    (re.compile(r"\bde el único "), "del único "),
    (re.compile(r"\ba el único "), "al único "),
]


def concordar(texto: str) -> str:
    """Make an article agree with a count of one in a text written for several: "las una
    (01) G/DRTPE" → "la única G/DRTPE", "de los un (01) IdG" → "del único IdG"."""
    for patron, reemplazo in _SINGULAR:
        texto = patron.sub(reemplazo, texto)
    return texto


def de_los(n: int, singular: str, plural: str, *, femenino: bool = False) -> str:
    """ "de los doce (12) IdG", "de las dieciocho (18) G/DRTPE"; "del IdG" / "de la G/DRTPE"
    for one."""
    if n == 1:
        return f"{'de la' if femenino else 'del'} {singular}"
    return f"de {articulo(n, femenino=femenino)} {cantidad(n, singular, plural, femenino=femenino)}"


def lista_es(nombres: Iterable[str]) -> str:
    """Join names the Spanish way: "A", "A y B", "A, B y C"."""
    nombres = list(nombres)
    if len(nombres) <= 1:
        return "".join(nombres)
    return ", ".join(nombres[:-1]) + " y " + nombres[-1]


_MARCADOR = re.compile(r"\{(anio|periodo|convenio|n_evaluadas|n_idg)\}")


def sustituir(texto: str, valores: Mapping[str, str]) -> str:
    """Replace the known placeholders ({anio}, {periodo}…); other braces stay as written."""
    return _MARCADOR.sub(lambda m: str(valores.get(m.group(1), m.group(0))), texto)


def narrativa_completa(narrativa: Mapping[str, str] | None) -> dict[str, str]:
    """The default texts overridden by the given ones (keys not given keep the default)."""
    resultado = dict(NARRATIVA_POR_DEFECTO)
    for clave, texto in (narrativa or {}).items():
        if texto is not None:
            resultado[clave] = str(texto)
    return resultado
