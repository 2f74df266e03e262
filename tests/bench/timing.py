"""Timing a service beside its bare-sqlite3 equivalent; the table and notes of the results."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any


@dataclass
class Pair:
    """One line of the table: the service's samples and the baseline's, in seconds."""

    what: str
    service: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)

    def ratio(self, q: float) -> float:
        return percentile(self.service, q) / percentile(self.bare, q)


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least q% of samples at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def clocked(call: Callable[[Any], Any], arg: Any) -> float:
    started = time.perf_counter()
    call(arg)
    return time.perf_counter() - started


def compare(
    what: str,
    service: Callable[[Any], Any],
    bare: Callable[[Any], Any],
    inputs: Sequence[tuple[Any, Any]],
    warmup: int = 0,
) -> Pair:
    """Run service(a) and bare(b) for each (a, b) in `inputs`, taking turns at going first.

    The first `warmup` pairs are run but not counted.
    """
    pair = Pair(what)
    for n, (a, b) in enumerate(inputs):
        if n % 2 == 0:
            ours, theirs = clocked(service, a), clocked(bare, b)
        else:
            theirs, ours = clocked(bare, b), clocked(service, a)
        if n >= warmup:
            pair.service.append(ours)
            pair.bare.append(theirs)
    return pair


def table(pairs: list[Pair]) -> str:
    """The figures as a Markdown table, in milliseconds (seconds for long runs)."""
    lines = [
        "| what | runs | service p50 | service p95 | bare p50 | bare p95 | ratio p50 | ratio p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in pairs:
        figures = [
            _duration(percentile(samples, q)) for samples in (p.service, p.bare) for q in (50, 95)
        ]
        lines.append(
            f"| {p.what} | {len(p.service)} | {' | '.join(figures)} "
            f"| {p.ratio(50):.1f}× | {p.ratio(95):.1f}× |"
        )
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:.2f} ms"


def machine() -> str:
    """Cores, CPU, memory and versions, for the notes beside the figures."""
    cpu = platform.processor() or platform.machine()
    info = Path("/proc/cpuinfo")
    if info.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in info.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"peewee {version('peewee')}."
    )
