"""Catalogue models: the fixed vocabulary every other module refers to."""

from __future__ import annotations

import enum
import unicodedata
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.comun.i18n import N_, traducir
from app.extensions import db


def normalizar(texto: str) -> str:
    """Lower-case, strip accents and collapse spaces: the key used to match names and aliases."""
    # Accents and control characters (NUL, bidi marks…) never distinguish two names.
    sin_tildes = "".join(
        c
        for c in unicodedata.normalize("NFKD", texto)
        if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cc", "Cf")
    )
    return " ".join(sin_tildes.lower().replace("_", " ").split())


class TipoRegion(enum.Enum):
    """Level of the subnational government: regional, or a municipality of some kind."""

    gobierno_regional = "gobierno_regional"
    municipalidad_metropolitana = "municipalidad_metropolitana"
    municipalidad_provincial = "municipalidad_provincial"
    municipalidad_distrital = "municipalidad_distrital"


#: How each level is named on screen and in the report, in its display order.
NIVELES = {
    TipoRegion.gobierno_regional: N_("Gobierno regional"),
    TipoRegion.municipalidad_metropolitana: N_("Municipalidad metropolitana"),
    TipoRegion.municipalidad_provincial: N_("Municipalidad provincial"),
    TipoRegion.municipalidad_distrital: N_("Municipalidad distrital"),
}


class Region(db.Model):
    """A subnational government that signs convenios: a regional government and its labour body
    (G/DRTPE), Lima Metropolitana, or a provincial or district municipality.

    The name is historical (the first cycles were regional only); every level is one row, with
    its official code (ubigeo) and the government it belongs to (`padre`: a district's province,
    a province's region), so a region's municipalities roll up to it.
    """

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: URL-safe code, e.g. "madre-de-dios"
    codigo: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: Canonical Spanish name, e.g. "San Martín"
    nombre: Mapped[str] = mapped_column(sa.String(80), unique=True)
    tipo: Mapped[TipoRegion] = mapped_column(
        sa.Enum(TipoRegion, name="tipo_region", native_enum=False, length=40)
    )
    #: "Gerencia" or "Dirección" (regional labour body); can change over time
    organo_tipo: Mapped[str | None] = mapped_column(sa.String(20))
    #: Display acronym: GRTPE or DRTPE
    organo_sigla: Mapped[str | None] = mapped_column(sa.String(10))
    macro_region: Mapped[str | None] = mapped_column(sa.String(40))
    #: Display order (as in the report's tables)
    orden: Mapped[int] = mapped_column(default=0)
    #: INEI's ubigeo: department "150000", province "150100", district "150101"
    ubigeo: Mapped[str | None] = mapped_column(sa.String(6), unique=True)
    #: The government this one belongs to (a district's province, a province's region)
    padre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)

    padre: Mapped[Region | None] = relationship(remote_side=[id])

    aliases: Mapped[list[RegionAlias]] = relationship(
        back_populates="region", cascade="all, delete-orphan", order_by="RegionAlias.alias"
    )
    funciones_transferidas: Mapped[list[FuncionTransferida]] = relationship(
        back_populates="region", cascade="all, delete-orphan"
    )

    @property
    def es_gobierno_regional(self) -> bool:
        """True for the 25 regional governments (not Lima Metropolitana)."""
        return self.tipo is TipoRegion.gobierno_regional

    @property
    def es_municipalidad(self) -> bool:
        """True for a municipality of any level (Lima Metropolitana included)."""
        return self.tipo is not TipoRegion.gobierno_regional

    @property
    def nivel(self) -> str:
        """The level as shown on screen, e.g. "Municipalidad distrital"."""
        return traducir(NIVELES[self.tipo])

    @property
    def organo(self) -> str:
        """The labour body as printed in chart titles, e.g. "DRTPE Loreto"."""
        return f"{self.organo_sigla} {self.nombre}" if self.organo_sigla else self.nombre

    def __repr__(self) -> str:
        return f"<Region {self.nombre}>"


class RegionAlias(db.Model):
    """Another spelling of a region's name found in documents (typos included)."""

    __tablename__ = "region_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    alias: Mapped[str] = mapped_column(sa.String(80))
    #: normalizar(alias): unique, so one spelling never points to two regions
    clave: Mapped[str] = mapped_column(sa.String(80), unique=True)

    region: Mapped[Region] = relationship(back_populates="aliases")


class FuncionLOGR(db.Model):
    """A function of art. 48 of the Ley Orgánica de Gobiernos Regionales (literals a–r)."""

    __tablename__ = "funcion_logr"

    id: Mapped[int] = mapped_column(primary_key=True)
    letra: Mapped[str] = mapped_column(sa.String(2), unique=True)
    texto: Mapped[str] = mapped_column(sa.Text)


class FuncionTransferida(db.Model):
    """A function of art. 48 transferred to a region."""

    __tablename__ = "funcion_transferida"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    funcion_id: Mapped[int] = mapped_column(sa.ForeignKey("funcion_logr.id"), index=True)
    #: Year the transfer was completed
    anio_culminacion: Mapped[int | None]

    region: Mapped[Region] = relationship(back_populates="funciones_transferidas")
    funcion: Mapped[FuncionLOGR] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("region_id", "funcion_id"),)


class TipoUnidad(enum.Enum):
    """Level of an MTPE unit."""

    viceministerio = "viceministerio"
    direccion_general = "direccion_general"
    direccion = "direccion"
    otro = "otro"


ETIQUETAS_TIPO_UNIDAD = {
    TipoUnidad.viceministerio: N_("Viceministerio"),
    TipoUnidad.direccion_general: N_("Dirección General"),
    TipoUnidad.direccion: N_("Dirección"),
    TipoUnidad.otro: N_("Otro órgano"),
}


class UnidadMTPE(db.Model):
    """A vice-ministry, general directorate or directorate of the MTPE."""

    __tablename__ = "unidad_mtpe"

    id: Mapped[int] = mapped_column(primary_key=True)
    sigla: Mapped[str] = mapped_column(sa.String(20), unique=True)
    nombre: Mapped[str] = mapped_column(sa.String(200))
    tipo: Mapped[TipoUnidad] = mapped_column(
        sa.Enum(TipoUnidad, name="tipo_unidad", native_enum=False, length=30)
    )
    #: Parent unit (general directorate of a directorate, vice-ministry of a DG)
    padre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    #: Vice-ministry the unit belongs to (VMPECL or VMT)
    viceministerio_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unidad_mtpe.id"))

    padre: Mapped[UnidadMTPE | None] = relationship(
        remote_side="UnidadMTPE.id", foreign_keys=[padre_id]
    )
    viceministerio: Mapped[UnidadMTPE | None] = relationship(
        remote_side="UnidadMTPE.id", foreign_keys=[viceministerio_id]
    )

    @property
    def tipo_etiqueta(self) -> str:
        """Spanish label of the unit's level."""
        return traducir(ETIQUETAS_TIPO_UNIDAD[self.tipo])


class ObjetivoEstrategico(db.Model):
    """A sectoral strategic objective (OES) of the PESEM."""

    __tablename__ = "objetivo_estrategico"

    id: Mapped[int] = mapped_column(primary_key=True)
    numero: Mapped[int] = mapped_column(unique=True)
    texto: Mapped[str] = mapped_column(sa.Text)


class ServicioPublico(db.Model):
    """A public service an indicator is aligned to (Cuadro 03)."""

    __tablename__ = "servicio_publico"

    id: Mapped[int] = mapped_column(primary_key=True)
    codigo: Mapped[str] = mapped_column(sa.String(40), unique=True)
    nombre: Mapped[str] = mapped_column(sa.String(200))


class ConjuntoIndicadores(db.Model):
    """An agreement cycle (e.g. 2020–2021) and the set of management indicators it owns.

    Every convenio of the cycle reports on this set; a new cycle starts as a copy of the
    previous one (`base`), edited, so an earlier cycle's set never changes under its reports.
    """

    __tablename__ = "conjunto_indicadores"

    id: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: First and last year of the cycle (the validity of its convenios)
    anio_inicio: Mapped[int]
    anio_fin: Mapped[int]
    #: The cycle this one was copied from
    base_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conjunto_indicadores.id"))

    indicadores: Mapped[list[Indicador]] = relationship(
        back_populates="conjunto", order_by="Indicador.numero"
    )
    base: Mapped[ConjuntoIndicadores | None] = relationship(remote_side="ConjuntoIndicadores.id")

    __table_args__ = (sa.CheckConstraint("anio_fin >= anio_inicio", name="ciclo_valido"),)

    @property
    def ciclo(self) -> str:
        """The cycle as written in the documents, e.g. "2020-2021"."""
        return f"{self.anio_inicio}-{self.anio_fin}"

    def cubre(self, anio: int) -> bool:
        """Whether the year falls within the cycle."""
        return self.anio_inicio <= anio <= self.anio_fin


class TipoValor(enum.Enum):
    """How an indicator's value behaves: percentage, increment, variation or a plain count."""

    porcentaje = "porcentaje"
    incremento = "incremento"
    variacion = "variacion"
    conteo = "conteo"


ETIQUETAS_TIPO_VALOR = {
    TipoValor.porcentaje: N_("Porcentaje"),
    TipoValor.incremento: N_("Incremento"),
    TipoValor.variacion: N_("Variación porcentual"),
    TipoValor.conteo: N_("Conteo"),
}


class Sentido(enum.Enum):
    """Which way an indicator improves: a higher value is better, or a lower one."""

    ascendente = "ascendente"
    descendente = "descendente"


ETIQUETAS_SENTIDO = {
    Sentido.ascendente: N_("Ascendente (mayor es mejor)"),
    Sentido.descendente: N_("Descendente (menor es mejor)"),
}


class Indicador(db.Model):
    """A management indicator (IdG) with its proponent unit and alignment."""

    __tablename__ = "indicador"

    id: Mapped[int] = mapped_column(primary_key=True)
    conjunto_id: Mapped[int] = mapped_column(sa.ForeignKey("conjunto_indicadores.id"), index=True)
    #: Number within its set (IdG 1..12 in 2020)
    numero: Mapped[int]
    nombre: Mapped[str] = mapped_column(sa.Text)
    viceministerio_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unidad_mtpe.id"))
    #: Unit that proposed and evaluates it (writes its Anexo 5)
    proponente_id: Mapped[int] = mapped_column(sa.ForeignKey("unidad_mtpe.id"), index=True)
    objetivo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("objetivo_estrategico.id"))
    #: Function of art. 48 it is aligned to (None = "No aplica.")
    funcion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("funcion_logr.id"))
    #: Public service it is aligned to (None = "No aplica.")
    servicio_id: Mapped[int | None] = mapped_column(sa.ForeignKey("servicio_publico.id"))
    unidad_medida: Mapped[str] = mapped_column(sa.String(40), default="Porcentaje (%)")
    tipo_valor: Mapped[TipoValor] = mapped_column(
        sa.Enum(TipoValor, name="tipo_valor", native_enum=False, length=20)
    )
    #: Whether a negative value is legitimate (increments and variations)
    admite_negativo: Mapped[bool] = mapped_column(default=False)
    sentido: Mapped[Sentido] = mapped_column(
        sa.Enum(Sentido, name="sentido", native_enum=False, length=12),
        default=Sentido.ascendente,
        server_default=Sentido.ascendente.value,
    )
    #: What is counted above and below the line, for a ratio IdG (None: entered as a %)
    numerador: Mapped[str | None] = mapped_column(sa.Text)
    denominador: Mapped[str | None] = mapped_column(sa.Text)
    #: Whether each reported value must carry a verification file (medio de verificación)
    requiere_evidencia: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Value at the start of the cycle (línea de base), when the ficha técnica gives one
    linea_base: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))

    conjunto: Mapped[ConjuntoIndicadores] = relationship(back_populates="indicadores")
    viceministerio: Mapped[UnidadMTPE | None] = relationship(foreign_keys=[viceministerio_id])
    proponente: Mapped[UnidadMTPE] = relationship(foreign_keys=[proponente_id])
    objetivo: Mapped[ObjetivoEstrategico | None] = relationship()
    funcion: Mapped[FuncionLOGR | None] = relationship()
    servicio: Mapped[ServicioPublico | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("conjunto_id", "numero"),)

    @property
    def etiqueta(self) -> str:
        """Short label, e.g. "IdG 3"."""
        return f"IdG {self.numero}"

    @property
    def tipo_etiqueta(self) -> str:
        """Spanish label of the value type."""
        return traducir(ETIQUETAS_TIPO_VALOR[self.tipo_valor])

    @property
    def sentido_etiqueta(self) -> str:
        """Spanish label of the direction of improvement."""
        return traducir(ETIQUETAS_SENTIDO[self.sentido])

    @property
    def es_razon(self) -> bool:
        """A ratio IdG: the region enters numerator and denominator, the % is computed."""
        return bool(self.numerador and self.denominador)
