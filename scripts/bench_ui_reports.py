"""The UI's archive-wide reports measured on one archive: wall time and the process's peak RSS.

Not part of the test run or of ``./run-bench``. Each report runs in a process of its own, as
the terminal UI's service runs it (headless: ``tui.service.ArchiveService`` after ``load``):

    scripts/bench_ui_reports.py LOCATION [REPORT ...]

LOCATION is an archive file or a ``postgresql://`` URL; REPORT is one or more of ``tops`` (the
card's archive-wide tops), ``review`` (the Review screen's list), ``portfolio`` (the Portfolio
screen's compositions and trend), ``preview`` (the regrade preview) and ``impact`` (the policy
preview's what-if, the default policy against itself); all of them by default. Each line gives
the report's wall time, the process's peak RSS (the load included) and its RSS after the load,
and the machine's load average beside them.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 29)
REPORTS = ("tops", "review", "portfolio", "preview", "impact")
MORE = ("compositions", "trend")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _one(location: str, report: str) -> str:
    from creditfile.tui.service import ArchiveService

    service = ArchiveService(location, lang="en", actor="bench", as_of=AS_OF)
    service.load()
    loaded = _rss_mb()
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    if report == "tops":
        said = f"{len(service.tops())} tops"
    elif report == "review":
        due = service.due_for_review()
        said = f"{getattr(due, 'count', None) or len(due):,} due"
    elif report in ("portfolio", "compositions"):
        reports = service.portfolio(("grade", "item", "nature", "tier"))
        said = f"{reports['grade']['total']['customers']:,} customers"
        if report == "portfolio":
            trend = service.trend("grade", "year")
            said += f", {len(trend['periods'])} years"
    elif report == "trend":
        trend = service.trend("grade", "year")
        said = f"{len(trend['periods'])} years"
    elif report == "preview":
        preview = service.preview_regrade()
        said = f"{preview.customers:,} graded, {len(preview.changes):,} changes"
    elif report == "impact":
        from creditfile.application.opening import open_archive
        from creditfile.application.policy_admin import diff_policies
        from creditfile.policy import default_policy_path

        path = str(default_policy_path())
        diff = diff_policies(path, path, open_archive(location), AS_OF)
        said = f"{len((diff.impact or {}).get('changes') or ()):,} changes"
    else:
        raise SystemExit(f"unknown report {report!r}; use one of {', '.join(REPORTS + MORE)}")
    took = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak = usage.ru_maxrss / 1024
    return (
        f"{report:<12} {took:7.1f} s wall {cpu:7.1f} s CPU  peak RSS {peak:6.0f} MB"
        f"  (after load {loaded:5.0f} MB)  {said}"
    )


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--one"]:
        print(_one(args[1], args[2]), flush=True)
        return 0
    if not args:
        print(__doc__)
        return 2
    location, chosen = args[0], args[1:] or list(REPORTS)
    print(f"{location}  (load average {os.getloadavg()[0]:.1f})", flush=True)
    for report in chosen:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", location, report],
            check=False,
            capture_output=True,
            text=True,
        )
        line = done.stdout.strip() or f"{report:<10} failed: {done.stderr.strip()[-400:]}"
        print(f"{line}  [load {os.getloadavg()[0]:.1f}]", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
