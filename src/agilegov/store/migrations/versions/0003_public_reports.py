"""Reports from the public: what was reported, its triage, its ledger entry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 08:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The models of this table join the shared metadata whenever migrations are loaded, so a
# comparison of the migrated schema with `Base.metadata` always sees them.
import agilegov.store.reports_models  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("received_at_us", sa.BigInteger(), nullable=False),
        sa.Column("reporter", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.BigInteger(), nullable=True),
        sa.Column("triaged_at", sa.String(length=40), nullable=True),
        sa.Column("triaged_by", sa.Integer(), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.Column("event_batch", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_reports")),
    )
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.create_index("ix_public_reports_domain_received",
                              ["domain", "received_at_us"], unique=False)
        batch_op.create_index("ix_public_reports_domain_status",
                              ["domain", "status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("public_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_public_reports_domain_status")
        batch_op.drop_index("ix_public_reports_domain_received")
    op.drop_table("public_reports")
