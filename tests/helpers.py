"""Shared helpers for tests: run the real `mutual` command with a test's settings."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from mutual.settings import ENV_PREFIX, Settings

REPO = Path(__file__).resolve().parents[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a `mutual` process use exactly `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if isinstance(value, tuple):
            value = ",".join(value)
        env[ENV_PREFIX + field.name.upper()] = str(value)
    return env


def run_mutual(
    settings: Settings, *args: str, check: bool = True, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run `mutual ARGS...` in a fresh process, as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "mutual", *args],
        env=settings_env(settings),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"mutual {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result
