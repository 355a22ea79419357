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


def _folder(instance_path: str) -> str:
    folder = os.path.join(instance_path, "imports")
    os.makedirs(folder, exist_ok=True)
    return folder


def _paths(instance_path: str, token: str) -> tuple[str, str]:
    if not TOKEN.match(token or ""):
        raise NotFoundError("That upload is not known (it may have expired). Upload the file again.")
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
    data_path, meta_path = _paths(instance_path, token)
    try:
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        with open(data_path, "rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        raise NotFoundError("That upload is not known (it may have expired). Upload the file again.")
    if meta.get("user_id") != user_id or meta.get("kind") != kind:
        raise NotFoundError("That upload is not known (it may have expired). Upload the file again.")
    return data, meta


def discard(instance_path: str, token: str) -> None:
    for path in _paths(instance_path, token):
        if os.path.exists(path):
            os.remove(path)
