"""Find the app's resource files, installed or frozen, through importlib.resources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path | None:
    try:
        candidate = resources.files("cognito_desktop.resources").joinpath(name)
    except ModuleNotFoundError:
        return None
    path = Path(str(candidate))
    return path if path.is_file() else None


def icon_path() -> Path | None:
    return resource_path("cognito-desktop.svg")
