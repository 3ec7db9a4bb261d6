"""people and directories

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 21:44:40.911016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import catalog.models.base


revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person_deletions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_deletions_change_seq"), ["change_seq"], unique=False
        )

    op.create_table(
        "directories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("admits_members", sa.Boolean(), nullable=False),
        sa.Column("imported_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "name"),
    )
    with op.batch_alter_table("directories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directories_community_id"), ["community_id"], unique=False
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("directory_id", sa.Integer(), nullable=True),
        sa.Column("entry_key", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("headline", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("organisation_key", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("past_organisations", sa.JSON(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("consent", sa.String(length=20), nullable=False),
        sa.Column("profile_url", sa.String(length=2000), nullable=False),
        sa.Column("shown_email", sa.String(length=320), nullable=False),
        sa.Column("roster_email", sa.String(length=320), nullable=False),
        sa.Column("created_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", catalog.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["directory_id"], ["directories.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "user_id", "origin"),
        sa.UniqueConstraint("directory_id", "entry_key"),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_change_seq_id", ["change_seq", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_people_community_id"), ["community_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_people_organisation_key"), ["organisation_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_people_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_user_id"))
        batch_op.drop_index(batch_op.f("ix_people_organisation_key"))
        batch_op.drop_index(batch_op.f("ix_people_community_id"))
        batch_op.drop_index("ix_people_change_seq_id")

    op.drop_table("people")
    with op.batch_alter_table("directories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directories_community_id"))

    op.drop_table("directories")
    with op.batch_alter_table("person_deletions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_deletions_change_seq"))

    op.drop_table("person_deletions")
