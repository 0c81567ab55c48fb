"""Subnational governments of any level (issue 18): official code (ubigeo) and parent.

`region` keeps every signing government: the regional governments and Lima Metropolitana as
before, and now provincial and district municipalities (`tipo` is a non-native enum, a string:
the new levels need no change of type). `ubigeo` is INEI's code, unique when present;
`padre_id` points to the government one belongs to, so a region's municipalities roll up to it.
The 26 governments of the first cycles get their department (or, for Lima Metropolitana, its
province's) ubigeo when their code is the one the catalogue ships with.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: INEI department codes of the catalogue's regions (seed/data/regiones.csv), and Lima
#: Metropolitana as the province of Lima (1501).
UBIGEOS = {
    "amazonas": "010000",
    "ancash": "020000",
    "apurimac": "030000",
    "arequipa": "040000",
    "ayacucho": "050000",
    "cajamarca": "060000",
    "callao": "070000",
    "cusco": "080000",
    "huancavelica": "090000",
    "huanuco": "100000",
    "ica": "110000",
    "junin": "120000",
    "la-libertad": "130000",
    "lambayeque": "140000",
    "lima": "150000",
    "lima-metropolitana": "150100",
    "loreto": "160000",
    "madre-de-dios": "170000",
    "moquegua": "180000",
    "pasco": "190000",
    "piura": "200000",
    "puno": "210000",
    "san-martin": "220000",
    "tacna": "230000",
    "tumbes": "240000",
    "ucayali": "250000",
}


def upgrade():
    with op.batch_alter_table("region") as tabla:
        tabla.add_column(sa.Column("ubigeo", sa.String(length=6), nullable=True))
        tabla.add_column(sa.Column("padre_id", sa.Integer(), nullable=True))
        tabla.create_unique_constraint("uq_region_ubigeo", ["ubigeo"])
        tabla.create_index("ix_region_padre_id", ["padre_id"])
        tabla.create_foreign_key("fk_region_padre_id_region", "region", ["padre_id"], ["id"])
    region = sa.table("region", sa.column("codigo", sa.String), sa.column("ubigeo", sa.String))
    for codigo, ubigeo in UBIGEOS.items():
        op.execute(region.update().where(region.c.codigo == codigo).values(ubigeo=ubigeo))


def downgrade():
    with op.batch_alter_table("region") as tabla:
        tabla.drop_constraint("fk_region_padre_id_region", type_="foreignkey")
        tabla.drop_index("ix_region_padre_id")
        tabla.drop_constraint("uq_region_ubigeo", type_="unique")
        tabla.drop_column("padre_id")
        tabla.drop_column("ubigeo")
