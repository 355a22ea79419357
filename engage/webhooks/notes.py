"""Notes of changes for the webhook outbox, for code that writes with Core statements (bulk
imports) and so bypasses the session events of `engage/webhooks/hooks.py`: as `fulltext.hooks.mark`
is for the search index. Foundation: any feature may call it; the notes are turned into outbox
rows when the transaction commits, and dropped when it rolls back."""

NOTES = "webhook_notes"  # session.info: [(event type, record id, {field: new value}, extra)]


def note(session, kind: str, record_id: int, fields: dict | None = None, extra=None) -> None:
    """Have this transaction's commit announce `kind` about `record_id` (with the fields changed)."""
    session.info.setdefault(NOTES, []).append((kind, record_id, dict(fields or {}), extra))
