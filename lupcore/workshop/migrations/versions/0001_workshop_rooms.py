"""Workshop rooms: rooms, activities, participants, answers (the first tables).

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("area_code", sa.String(9), nullable=False),
        sa.Column("named", sa.Boolean, nullable=False),
        sa.Column("admin_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("control_metrics", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rooms"),
        sa.UniqueConstraint("code", name="uq_rooms_code"),
    )
    op.create_index("ix_rooms_expires_at", "rooms", ["expires_at"])
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("round", sa.Integer, nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_activities_room_id_rooms", ondelete="CASCADE"),
        sa.UniqueConstraint("room_id", "kind", name="uq_activities_room_kind"),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("name", sa.String(60), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_participants"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_participants_room_id_rooms", ondelete="CASCADE"),
        sa.UniqueConstraint("token_hash", name="uq_participants_token_hash"),
        sa.UniqueConstraint("room_id", "number", name="uq_participants_room_number"),
    )
    op.create_index("ix_participants_room_id", "participants", ["room_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.Integer, nullable=False),
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_answers"),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name="fk_answers_room_id_rooms", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], name="fk_answers_participant_id_participants",
                                ondelete="CASCADE"),
        sa.UniqueConstraint("participant_id", "kind", "round", name="uq_answers_participant_kind_round"),
    )
    op.create_index("ix_answers_room_id", "answers", ["room_id"])


def downgrade() -> None:
    op.drop_table("answers")
    op.drop_table("participants")
    op.drop_table("activities")
    op.drop_index("ix_rooms_expires_at", "rooms")
    op.drop_table("rooms")
