"""``base_model_version`` of a recognition request (§1.2, §2.7).

The service's rules: a custom model lists in ``versions`` the base-model
versions it has been upgraded to (oldest first); ``base_model_version``
must be one of them (of each custom model the request names); omitted, the
newest version the custom model(s) share is used (a custom language and a
custom acoustic model that disagree use their common, older version).
Without a custom model the value must be a version of the base model.

What this engine adds: a base model's version is a digest of its installed
files, and only the installed files can be recognized with, so a version
the custom models list but whose files are no longer installed is refused
(400) rather than silently replaced. A custom language model trained on an
older version than the installed one is still used, on the installed base
model, with a warning that says so and how to upgrade.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..errors import InvalidArgumentError


def _listing(versions: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in versions)


def resolve_base_version(base, requested: Optional[str], *, language: Optional[tuple[str, Sequence[str]]] = None,
                         acoustic: Optional[tuple[str, Sequence[str]]] = None,
                         trained_version: Optional[str] = None) -> tuple[str, list[str]]:
    """``(version, warnings)`` for a request on ``base`` (a
    :class:`~asr_engine.customization.BaseModel`).

    Args:
        requested: the request's ``base_model_version`` (None: omitted).
        language: ``(customization_id, versions)`` of the custom language model, if any.
        acoustic: the same for the custom acoustic model.
        trained_version: the base version the language model's trained
            artifact was built on.

    Raises:
        InvalidArgumentError: a version no custom model of the request lists,
            custom models without a common version, or a version that is not
            the installed one (400).
    """
    installed = base.version
    customs = [(kind, cid, list(versions)) for kind, found in (("language", language), ("acoustic", acoustic))
               if found is not None for cid, versions in [found]]
    if requested is not None:
        if not isinstance(requested, str) or not requested:
            raise InvalidArgumentError("base_model_version must be a non-empty string")
        for kind, cid, versions in customs:
            if requested not in versions:
                raise InvalidArgumentError(
                    f"The custom {kind} model '{cid}' cannot be used with base model version '{requested}'; "
                    f"its versions are {_listing(versions)}.")
        if requested != installed:
            if customs:
                raise InvalidArgumentError(
                    f"The base model version '{requested}' of {base.name} is not installed; the installed "
                    f"version is '{installed}'. Upgrade the custom model to it or omit base_model_version.")
            raise InvalidArgumentError(f"The base model version '{requested}' is not available for "
                                       f"{base.name}; its version is '{installed}'.")
        version = requested
    elif customs:
        common = [v for v in customs[0][2] if all(v in c[2] for c in customs[1:])]
        if not common:
            raise InvalidArgumentError(
                "The custom language model and the custom acoustic model have no base model version in "
                f"common ({_listing(customs[0][2])} and {_listing(customs[1][2])}); upgrade them to the "
                "same version.")
        version = common[-1]
    else:
        version = installed
    warnings = []
    for kind, cid, versions in customs:
        built_on = (trained_version if kind == "language" else None) or versions[-1]
        if built_on != installed:
            warnings.append(
                f"The custom {kind} model '{cid}' was built on base model version '{built_on}'; the installed "
                f"version '{installed}' of {base.name} is used. Upgrade the custom model "
                f"(upgrade_{kind}_model) to train it on the installed version.")
    return version, warnings


__all__ = ["resolve_base_version"]
