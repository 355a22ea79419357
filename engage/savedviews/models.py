"""A saved view: a list's filters (its normalised query string) under a name."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engage.auth.models import User
from engage.extensions import db
from engage.mixins import UTCDateTime, Versioned, utcnow

NAME_MAX = 80
QUERY_MAX = 1000


class SavedView(Versioned, db.Model):
    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("owner_id", "list_key", "name", name="uq_saved_views_owner_list_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The list's endpoint, e.g. "people.index" (engage/savedviews/lists.py names them).
    list_key: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # Only the list's own filter arguments, in their fixed order, without `page` (lists.normalise).
    query: Mapped[str] = mapped_column(String(QUERY_MAX), default="")
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship(User)

    def __repr__(self) -> str:
        return f"<SavedView {self.list_key} {self.name!r}>"
