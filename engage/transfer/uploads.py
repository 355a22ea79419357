"""An uploaded file kept between the preview and the confirmation (and through the checking
steps of a large file), in the instance folder under a random token, readable only by the
user who uploaded it. Files older than a day are removed at the next upload."""

import json
import os
import re
import secrets
import time

from engage.errors import NotFoundError

MAX_AGE = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
UNKNOWN = "That upload is not known (it may have expired). Upload the file again."


def _folder(instance_path: str) -> str:
    folder = os.path.join(instance_path, "imports")
    os.makedirs(folder, exist_ok=True)
    return folder


def _paths(instance_path: str, token: str) -> tuple[str, str]:
    if not TOKEN.match(token or ""):
        raise NotFoundError(UNKNOWN)
    base = os.path.join(_folder(instance_path), token)
    return base + ".bin", base + ".json"


def save(instance_path: str, user_id: int, kind: str, filename: str, data: bytes) -> str:
    folder = _folder(instance_path)
    now = time.time()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if now - os.path.getmtime(path) > MAX_AGE:
            os.remove(path)
    token = secrets.token_urlsafe(24)
    data_path, _ = _paths(instance_path, token)
    with open(data_path, "wb") as handle:
        handle.write(data)
    write_meta(instance_path, token, {"user_id": user_id, "kind": kind, "filename": filename, "fields": None})
    return token


def write_meta(instance_path: str, token: str, meta: dict) -> None:
    with open(_paths(instance_path, token)[1], "w", encoding="utf-8") as handle:
        json.dump(meta, handle)


def load(instance_path: str, token: str, user_id: int, kind: str) -> tuple[bytes, dict]:
    """The upload's bytes and its notes; NotFoundError unless `user_id` uploaded it for `kind`."""
    meta = load_meta(instance_path, token, user_id, kind)
    try:
        with open(_paths(instance_path, token)[0], "rb") as handle:
            return handle.read(), meta
    except OSError:
        raise NotFoundError(UNKNOWN)


def load_meta(instance_path: str, token: str, user_id: int, kind: str) -> dict:
    """The upload's notes alone (they outlive the file of an import a worker has done)."""
    try:
        with open(_paths(instance_path, token)[1], encoding="utf-8") as handle:
            meta = json.load(handle)
    except (OSError, ValueError):
        raise NotFoundError(UNKNOWN)
    if meta.get("user_id") != user_id or meta.get("kind") != kind:
        raise NotFoundError(UNKNOWN)
    return meta


def discard_data(instance_path: str, token: str) -> None:
    """Remove the file, keeping its notes (what the worker's import came to, for its page)."""
    data_path = _paths(instance_path, token)[0]
    if os.path.exists(data_path):
        os.remove(data_path)


def discard(instance_path: str, token: str) -> None:
    for path in _paths(instance_path, token):
        if os.path.exists(path):
            os.remove(path)
