"""Files the purge disposes of: the mail spool of the file email backend (VAR_DIR/mail) and
export files left in the exports directory (VAR_DIR/exports, where operators write audit
exports and reports). The audit archive is never purged here: it is the audit trail."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

logger = logging.getLogger(__name__)


class DirectoryRetention:
    def __init__(self, directories: Mapping[str, Path]) -> None:
        self._directories = dict(directories)

    def _files(self, key: str) -> list[Path]:
        directory = self._directories.get(key)
        if directory is None or not directory.is_dir():
            return []
        return [p for p in directory.iterdir() if p.is_file() and not p.is_symlink()]

    def older_than(self, directory_key: str, before: datetime) -> Sequence[str]:
        cutoff = before.timestamp()
        found = []
        for path in self._files(directory_key):
            try:
                if path.stat().st_mtime < cutoff:
                    found.append(path.name)
            except FileNotFoundError:
                continue
        return sorted(found)

    def remove(self, directory_key: str, names: Sequence[str]) -> int:
        directory = self._directories.get(directory_key)
        if directory is None:
            return 0
        removed = 0
        for name in names:
            path = directory / Path(name).name  # a bare name: never a path outside the directory
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        if removed:
            logger.info("retention.files_removed directory=%s count=%s", directory_key, removed)
        return removed
