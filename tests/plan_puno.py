"""The Puno 2015 plan's outline as seed 002 prints it, transcribed (as tests/publicados.py holds
the published report's figures): the plan's tests and its PDF's tests check against it."""

#: The outline of seed 002 (key, heading as printed), transcribed from the document's contents
#: list (its lines 14–63) without the a)–f) items of VIII and the "Objetivo específico 5" line,
#: plus "13.3 PRESUPUESTO", a heading of the body that the contents list leaves out.
ESQUEMA = [
    ("INTRO", "INTRODUCCIÓN"),
    ("A", "A. ANTECEDENTES DE LA PROPUESTA"),
    ("A.I", "I. MARCO LEGAL"),
    ("A.II", "II. OBJETIVO DE POLÍTICAS EN MATERIA DE TRABAJO Y PROMOCIÓN DEL EMPLEO"),
    ("A.III", "III. CARACTERIZACIÓN DEL SERVICIO PROMOCIÓN DEL EMPLEO"),
    ("A.IV", "IV. ALCANCE DE LA PROPUESTA"),
    ("A.V", "V. FINALIDAD"),
    ("A.VI", "VI. OBJETIVOS"),
    ("A.VII", "VII. ESTRATEGIAS"),
    (
        "A.VIII",
        "VIII. RESULTADOS GENERALES DE LA EVALUACIÓN DEL SERVICIO PÚBLICO PROMOCIÓN DEL EMPLEO",
    ),
    ("A.IX", "IX. RESULTADOS ESPERADOS"),
    ("A.X", "X. EQUIPO DE TRABAJO TÉCNICO INTERGUBERNAMENTAL"),
    ("A.XI", "XI. COORDINACIÓN INTERGUBERNAMENTAL"),
    ("A.XII", "XII. RESPONSABLES DE LA IMPLEMENTACIÓN"),
    (
        "B",
        "B. DISEÑO DE ACCIONES DE MEJORA CONTINUA DEL SERVICIO PROMOCIÓN DEL EMPLEO E IGUALDAD "
        "DE OPORTUNIDADES",
    ),
    ("B.I", "I. DEL SERVICIO EVALUADO"),
    ("B.1", "1. SECTOR"),
    ("B.2", "2. SERVICIO EVALUADO"),
    ("B.3", "3. GOBIERNO NACIONAL"),
    ("B.4", "4. GOBIERNO REGIONAL"),
    ("B.5", "5 GOBIERNO LOCAL"),
    ("B.II", "II. DIAGNÓSTICO"),
    ("B.6", "6. IDENTIFICACIÓN DE LOS PROBLEMAS"),
    ("B.7", "7. ANÁLISIS CAUSAL DE LOS PROBLEMAS IDENTIFICADOS"),
    ("B.8", "8 ALTERNATIVAS DE SOLUCIÓN"),
    ("B.9", "9 SELECCIÓN DE ALTERNATIVAS DE SOLUCIÓN PRIORIZADAS A CORTO PLAZO (AÑO 2015)"),
    ("B.III", "III. PLAN DE IMPLEMENTACIÓN"),
    ("B.10", "10. DISEÑO DE LA CADENA VALOR"),
    ("B.11", "11. ALINEAMIENTO A LOS OBJETIVOS DE LA POLÍTICA NACIONAL"),
    ("B.11.1", "11.1 A los Objetivos de Política del Acuerdo Nacional"),
    ("B.11.2", "11.2 A los Objetivos del Plan Bicentenario"),
    (
        "B.12",
        "12. IDENTIFICACIÓN DE ROLES, COMPETENCIAS Y RESPONSABILIDADES EN LOS TRES NIVELES DE "
        "GOBIERNO EN EL SERVICIO PROMOCIÓN DEL EMPLEO",
    ),
    (
        "B.13",
        "13 IDENTIFICACIÓN DE INDICADORES, LÍNEA DE BASE, MEDIOS DE VERIFICACIÓN, METAS Y COSTOS",
    ),
    ("B.13.1", "13.1 MATRIZ LÓGICA GOBIERNO NACIONAL"),
    ("B.13.2", "13.2 MATRIZ LÓGICA GOBIERNO REGIONAL"),
    ("B.13.3", "13.3 PRESUPUESTO"),
    ("B.14", "14. ASISTENCIA TÉCNICA Y/O CAPACITACIÓN"),
    ("B.15", "15. ACCIONES DE COORDINACIÓN Y ARTICULACIÓN INTERSECTORIAL"),
    (
        "B.16",
        "16. ESTRATEGIAS AL CUMPLIMIENTO DE RESPONSABILIDADES EN LOS TRES NIVELES DE GOBIERNO",
    ),
    ("B.17", "17. ESTRATEGIAS DE INTERVENCIONES CONJUNTAS EN ASOCIATIVIDAD"),
    ("B.18", "18. CRONOGRAMA"),
]

#: The sections whose body is prose (the rest carry a table or are headings only).
PROSA = (
    "INTRO",
    "A",
    "A.I",
    "A.II",
    "A.III",
    "A.IV",
    "A.V",
    "A.VI",
    "A.VII",
    "A.VIII",
    "A.IX",
    "A.X",
    "A.XI",
    "A.XII",
    "B.3",
    "B.4",
    "B.5",
    "B.6",
    "B.10",
    "B.14",
    "B.15",
    "B.16",
    "B.17",
    "B.18",
)
