"""Session generation (issue 14): sessions revocable on the server.

usuario.generacion_sesion is part of every session cookie's user id ("<id>:<generation>",
Usuario.get_id); the user loader accepts a session only while the generation is the account's
current one. Logout, a password change, a deactivation and ODES's "Cerrar sus sesiones" raise
it. Existing accounts start at 0; sessions opened before this revision carry the bare id and
are refused once (their users log in again).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("usuario", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("generacion_sesion", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("usuario", schema=None) as batch_op:
        batch_op.drop_column("generacion_sesion")
