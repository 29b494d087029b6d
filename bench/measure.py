"""What every benchmark needs: the machine, a speed reference, medians, and child processes
timed with their peak memory (the whole process tree) and CPU use."""

from __future__ import annotations

import os
import platform
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = sys.executable


def machine() -> dict[str, str]:
    """nproc, CPU model, memory, Python, SQLite and library versions."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for name in ("textual", "sqlite-utils", "rapidfuzz", "pyahocorasick"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return {
        "nproc": str(os.cpu_count()),
        "usable cores": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        **versions,
    }


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine is right now."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class ChildRun:
    """A finished child process: wall time, CPU seconds of it and its descendants, peak RSS
    of the whole tree (sampled) and of the largest single process."""

    seconds: float
    cpu_seconds: float
    peak_tree_mb: float
    peak_process_mb: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def cores_used(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        entry = proc.name
        if not entry.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _rss_mb(pid: int, field: str = "VmRSS:") -> float:
    """Resident memory now (VmRSS) or at its peak so far (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _tree(pid: int) -> list[int]:
    children = _children_map()
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def run_child(
    args: list[str],
    *,
    cwd: Path | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    address_space_cap: int | None = None,
) -> ChildRun:
    """Run a command, sampling the RSS and CPU time of its process tree every 0.1 s.

    CPU time is summed per process from /proc (the last sample of each): rusage of children
    misses pool workers that a child reaps in ways that do not add up to us.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=(lambda: _cap(address_space_cap)) if address_space_cap else None,
    )
    peak_tree = peak_one = 0.0
    cpu_by_pid: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree, peak_one
        while not done.is_set():
            tree = _tree(proc.pid)
            for p in tree:
                cpu_by_pid[p] = max(cpu_by_pid.get(p, 0.0), _cpu_seconds(p))
            sizes = [_rss_mb(p) for p in tree]
            peak_tree = max(peak_tree, sum(sizes))
            peak_one = max([peak_one, *(_rss_mb(p, "VmHWM:") for p in tree)])
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    direct = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(direct, sum(cpu_by_pid.values()))
    return ChildRun(seconds, cpu, peak_tree, peak_one, proc.returncode, out, err)


def _cap(limit: int | None) -> None:
    """Keep a runaway child (and its workers) from taking the shared machine's memory:
    past the cap it gets MemoryError instead of the OOM killer picking someone else."""
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def corpus_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.txt"))


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 10 else f"{seconds:.2f} s"


_NUMBER = re.compile(r"([\d.]+)")


def first_number(text: str) -> float:
    match = _NUMBER.search(text)
    return float(match.group(1)) if match else float("nan")
