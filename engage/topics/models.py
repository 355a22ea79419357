"""The managed topic taxonomy, and the association tables that tag records with topics."""

from sqlalchemy import Boolean, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.mixins import Timestamped, Versioned, link_table

# Seeded: the mental-health areas of the spec, plus crisis response and regulation.
SEED_TOPICS = [
    ("suicide-self-harm", "Suicide and self-harm"),
    ("disordered-eating", "Disordered eating"),
    ("body-image", "Body image and ideals"),
    ("emotionally-vulnerable", "Emotionally vulnerable content"),
    ("product-wellbeing", "Well-being impact of product features"),
    ("commercial-content", "Commercial content and well-being"),
    ("crisis-response", "Crisis response"),
    ("regulation", "Regulation"),
]
# Topics whose briefings must carry helplines and safe-messaging guidance.
SAFE_MESSAGING_TOPICS = {"suicide-self-harm", "disordered-eating"}


class Topic(Versioned, Timestamped, db.Model):
    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


def topic_link_table(name: str, owner_table: str, owner_column: str) -> Table:
    """An association table `name` linking rows of `owner_table` (by `owner_column`) to topics."""
    return link_table(name, (owner_table, owner_column), ("topics", "topic_id"))
