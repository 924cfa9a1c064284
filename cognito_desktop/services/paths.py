"""Where the app writes files: COGNITO_DESKTOP_HOME when set, else the per-user folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "cognito-desktop"
HOME_ENV = "COGNITO_DESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    state_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def profiles_file(self) -> Path:
        return self.config_dir / "profiles.toml"

    @property
    def window_state_file(self) -> Path:
        return self.state_dir / "window.ini"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "cognito-desktop.log"

    @property
    def web_storage_dir(self) -> Path:
        """Only used when the user opts into "remember me" on the sign-in page."""
        return self.state_dir / "web"

    @property
    def web_cache_dir(self) -> Path:
        return self.cache_dir / "web"


def app_paths(environ: dict[str, str] | None = None) -> AppPaths:
    env = os.environ if environ is None else environ
    home = env.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return AppPaths(root / "config", root / "state", root / "cache", root / "logs")
    import platformdirs

    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(
        Path(dirs.user_config_dir),
        Path(dirs.user_state_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )
