"""The document store: each file's bytes once, under their SHA-256, in ENGAGE_DOCUMENTS_PATH
(default: the instance folder's documents/). Writing is idempotent, so a rolled-back upload leaves
at most a file nobody points at; `prune` removes those a deletion left, after the commit."""

import hashlib
import os
import re
import tempfile

from flask import current_app

SHA = re.compile(r"^[0-9a-f]{64}$")


def folder() -> str:
    path = current_app.config.get("DOCUMENTS_PATH") or os.path.join(current_app.instance_path, "documents")
    os.makedirs(path, exist_ok=True)
    return path


def path_of(sha256: str) -> str:
    if not SHA.match(sha256 or ""):
        raise ValueError("not a SHA-256")
    return os.path.join(folder(), sha256[:2], sha256)


def put(data: bytes) -> str:
    """Keep `data`; returns its SHA-256 (the same bytes are kept once)."""
    sha = hashlib.sha256(data).hexdigest()
    target = path_of(sha)
    if not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target))
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    return sha


def get(sha256: str) -> bytes:
    with open(path_of(sha256), "rb") as handle:
        return handle.read()


def remove(sha256: str) -> None:
    target = path_of(sha256)
    if os.path.exists(target):
        os.remove(target)
