"""Status and JSON of custom acoustic models: the rules of the IBM service.

As for language models (:mod:`.lm_state`), the status is stored and
re-derived whenever a job ends or data changes (:func:`settle`): ``failed``
after a failed training until something changes, ``available`` when a
trained artifact matches the audio, ``ready`` when there is audio whose
analysis succeeded, else ``pending``. ``training`` and ``upgrading`` are
set while those jobs run; audio analysis shows ``pending``.

Audio resources keep their analysis in ``resources.details``:
``{"duration": s, "details": {...}, "members": [...]}`` where each member of
an archive is ``{"name", "duration", "details", "status", "error"?}``.
"""
from __future__ import annotations

from sqlalchemy import select

from . import schema
from .lm_state import iso_time, settle_with

KIND = "acoustic"
#: The role of a trained acoustic model's blob (a tar of its model directory).
ARTIFACT_ROLE = "acoustic_model"


def has_artifact(conn, model_id: str) -> bool:
    b = schema.blobs
    return conn.execute(select(b.c.name).where(b.c.model_id == model_id, b.c.role == ARTIFACT_ROLE)
                        ).first() is not None


def has_valid_audio(conn, model_id: str) -> bool:
    r = schema.resources
    return conn.execute(select(r.c.id).where(r.c.model_id == model_id, r.c.kind == "audio", r.c.status == "ok")
                        .limit(1)).first() is not None


def derived_status(conn, row) -> str:
    if row.failed:
        return "failed"
    if has_artifact(conn, row.id) and not row.dirty:
        return "available"
    return "ready" if has_valid_audio(conn, row.id) else "pending"


def settle(tx, model_id: str, **values) -> None:
    """Apply ``values`` to the (idle) model, then re-derive its status."""
    settle_with(derived_status, tx, model_id, **values)


def mark_changed(tx, model_id: str) -> None:
    """The model's audio changed: it needs training again."""
    settle(tx, model_id, dirty=True, failed=False)


def model_json(row) -> dict:
    """The ``AcousticModel`` object of §3.2 (``warnings`` carries the last error)."""
    out = {
        "customization_id": row.id,
        "created": iso_time(row.created),
        "updated": iso_time(row.updated),
        "language": row.language,
        "versions": list(row.versions),
        "owner": row.owner,
        "name": row.name,
        "description": row.description,
        "base_model_name": row.base_model_name,
        "status": row.status,
        "progress": int(row.progress),
    }
    if row.error:
        out["warnings"] = row.error
    return out


def resource_duration(row) -> int:
    """Whole seconds of audio in an analysed resource (0 until analysed)."""
    return int(round(float((row.details or {}).get("duration", 0.0))))


def audio_json(row) -> dict:
    """The ``AudioResource`` object of §3.2."""
    return {"duration": resource_duration(row), "name": row.name,
            "details": dict((row.details or {}).get("details", {})), "status": row.status}


def member_json(member: dict) -> dict:
    return {"duration": int(round(float(member.get("duration", 0.0)))), "name": member["name"],
            "details": dict(member.get("details", {})), "status": member["status"]}


def listing_json(row) -> dict:
    """The ``AudioListing`` of ``get_audio``: the resource itself, or for an
    archive ``{"container": AudioResource, "audio": [AudioResource, ...]}``."""
    info = row.details or {}
    if info.get("details", {}).get("type") == "archive" or info.get("archive"):
        return {"container": audio_json(row), "audio": [member_json(m) for m in info.get("members", [])]}
    return audio_json(row)


__all__ = ["KIND", "ARTIFACT_ROLE", "settle", "mark_changed", "derived_status", "model_json", "audio_json",
           "listing_json", "resource_duration", "has_artifact", "has_valid_audio"]
