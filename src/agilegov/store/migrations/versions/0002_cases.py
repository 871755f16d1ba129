"""Enforcement cases and their steps, self-reports, investigations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# The models of these tables join the shared metadata whenever migrations are loaded, so a
# comparison of the migrated schema with `Base.metadata` always sees them.
import agilegov.store.cases_models  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("goal", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("opened_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("closed_at", sa.String(length=40), nullable=True),
        sa.Column("rung", sa.Integer(), nullable=False),
        sa.Column("due", sa.String(length=40), nullable=True),
        sa.Column("due_us", sa.BigInteger(), nullable=True),
        sa.Column("sanction_us", sa.BigInteger(), nullable=True),
        sa.Column("appeal_from", sa.String(length=40), nullable=True),
        sa.Column("credit", sa.Text(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index("ix_cases_subject", "cases", ["domain", "goal", "actor", "state"])
    op.create_table(
        "case_steps",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=False),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("by_role", sa.String(length=20), nullable=False),
        sa.Column("by_account", sa.Integer(), nullable=True),
        sa.Column("by_operator", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reason_sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("event_at", sa.String(length=40), nullable=True),
        sa.Column("due", sa.String(length=40), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_steps_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_steps")),
    )
    op.create_index("ix_case_steps_case", "case_steps", ["case_id", "id"])
    op.create_index("ix_case_steps_pending", "case_steps", ["ledger_index"])
    op.create_table(
        "self_reports",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("goal", sa.String(length=200), nullable=True),
        sa.Column("occurred_at", sa.String(length=40), nullable=False),
        sa.Column("occurred_us", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("received_us", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_reports")),
    )
    op.create_index("ix_self_reports_operator", "self_reports", ["domain", "operator", "id"])
    op.create_table(
        "investigations",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("domain", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("public_summary", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigations")),
    )
    op.create_index("ix_investigations_domain", "investigations", ["domain", "id"])


def downgrade() -> None:
    op.drop_table("investigations")
    op.drop_table("self_reports")
    op.drop_table("case_steps")
    op.drop_table("cases")
