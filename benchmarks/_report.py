"""What every benchmark script prints first and how it saves its table: shared helpers."""

from __future__ import annotations

import io
import os
import platform
from pathlib import Path


class Report:
    """Print lines and collect them for the results file."""

    def __init__(self, path: Path | None):
        self.path, self.buffer = path, io.StringIO()

    def line(self, text: str = "") -> None:
        print(text, flush=True)
        self.buffer.write(text + "\n")

    def close(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(self.buffer.getvalue())
            print(f"\nwritten to {self.path}")


def load() -> str:
    """The 1-minute load average: other work on the machine slows every timing."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def cpu_model() -> str:
    """The processor's model name (from /proc/cpuinfo where available)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
