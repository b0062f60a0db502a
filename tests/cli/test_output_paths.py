"""Every file a command writes on request refuses the archive and the files kept beside it.

The commands run as a user runs them, in a process of their own (``run``), on an archive in a
temporary folder; every refusal leaves every file byte-identical and names the path.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

from creditfile.cli.program import main

# Every option that writes a file the user names: (argv before the path, the option).
WRITERS = {
    "export --out": ["export", "--out"],
    "export --format xlsx --out": ["export", "--format", "xlsx", "--out"],
    "export --format csv --out": ["export", "--format", "csv", "--out"],
    "report composition --csv": ["report", "composition", "--csv"],
    "report review --xlsx": ["report", "review", "--xlsx"],
    "report all --xlsx": ["report", "all", "--xlsx"],
    "report html --out": ["report", "html", "--out"],
    "template --out": ["template", "--out"],
}
KEPT = {
    "the archive": "archive.json",
    "its .bak": "archive.json.bak",
    "its lock": "archive.json.lock",
    "its history": "archive.json.history.jsonl",
}


@pytest.fixture
def graded(run: Run, archive_path: Path) -> Path:
    """The 200-customer archive, regraded once: archive, .bak, lock and history all exist."""
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    for name in KEPT.values():
        assert (archive_path.parent / name).exists(), name
    return archive_path


def _files(folder: Path, *, lock: bool = True) -> dict[str, bytes]:
    """Every file's bytes (the lock's are only the pid of the last holder: ``lock=False``
    leaves them out for a command that did read the archive)."""
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and (lock or not p.name.endswith(".lock"))
    }


def _in_process(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run the command in this process (the same code path, without a process start)."""
    import contextlib
    import io

    err = io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    finally:
        os.chdir(here)
    return code, err.getvalue()


@pytest.mark.parametrize("writer", list(WRITERS))
def test_each_output_option_refuses_the_archive_as_a_process(
    run: Run, graded: Path, writer: str
) -> None:
    before = _files(graded.parent)
    # Each option meets a different one of the archive's files, and the archive by a relative
    # path that passes through another folder.
    name = list(KEPT.values())[list(WRITERS).index(writer) % len(KEPT)]
    (graded.parent / "sub").mkdir()
    target = f"sub/../{name}"
    result = run(*WRITERS[writer], target)
    assert result.returncode == 1, result.stderr
    assert no_traceback(result)
    assert f"{target}: not written: it is " in result.stderr
    assert _files(graded.parent) == before


@pytest.mark.parametrize("kept", list(KEPT))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_output_option_refuses_every_file_of_the_archive(
    graded: Path, writer: str, kept: str
) -> None:
    before = _files(graded.parent)
    argv = ["--db", str(graded), *WRITERS[writer], KEPT[kept]]
    code, err = _in_process(argv, graded.parent)
    assert code == 1, err
    assert f"{KEPT[kept]}: not written: it is " in err
    assert "choose another file" in err
    assert _files(graded.parent) == before


def test_a_template_named_like_the_archive_is_refused(run: Run, graded: Path) -> None:
    before = _files(graded.parent)
    result = run("template", "--out", "archive.json.xlsx")
    assert result.returncode == 1
    assert "archive.json.xlsx: not written" in result.stderr
    assert "beside the archive" in result.stderr
    assert _files(graded.parent) == before
    chinese = run("--lang", "zh", "template", "--out", "archive.json.xlsx")
    assert chinese.returncode == 1
    assert "未写入: 该文件名是存储为档案" in chinese.stderr
    assert "请为 --out 另选一个文件名" in chinese.stderr
    assert _files(graded.parent) == before


@pytest.mark.parametrize("how", ["symbolic link", "hard link", "symbolic link to .bak"])
def test_the_archive_under_another_name_is_recognised(run: Run, graded: Path, how: str) -> None:
    folder = graded.parent
    other = folder / "elsewhere"
    other.mkdir()
    alias = other / "export.json"
    if how == "symbolic link":
        alias.symlink_to(graded)
    elif how == "hard link":
        os.link(graded, alias)
    else:
        alias.symlink_to(graded.with_name(graded.name + ".bak"))
    before = _files(folder)
    result = run("export", "--out", str(alias))
    assert result.returncode == 1, result.stderr
    assert "reached through a link or another name" in result.stderr
    assert _files(folder) == before
    pointed = graded.with_name(graded.name + ".bak") if "bak" in how else graded
    assert alias.read_bytes() == pointed.read_bytes()


def test_another_archive_is_not_overwritten(run: Run, graded: Path) -> None:
    other = graded.with_name("other.json")
    other.write_bytes(graded.read_bytes())
    result = run("export", "--out", str(other))
    assert result.returncode == 1
    assert "is a creditfile archive" in result.stderr
    assert other.read_bytes() == graded.read_bytes()


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("sub", "it is a folder;"),
        ("missing/export.json", "its folder"),
        ("/dev/full", "it is not a regular file"),
    ],
)
def test_folders_missing_folders_and_devices_are_refused(
    run: Run, graded: Path, target: str, says: str
) -> None:
    (graded.parent / "sub").mkdir()
    before = _files(graded.parent)
    result = run("export", "--out", target)
    assert result.returncode == 1
    assert no_traceback(result)
    assert f"{target}: not written: {says}" in result.stderr
    assert _files(graded.parent) == before
    assert not (graded.parent / "missing").exists()


def _limited_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def _run_limited(graded: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """The CLI with a 4 KB limit on the size of any file it writes (as a full disk would)."""
    env = {**os.environ, "CREDITFILE_DB": str(graded), "PYTHONPATH": str(Path(__file__).parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "creditfile", *argv],
        capture_output=True,
        text=True,
        cwd=graded.parent,
        env=env,
        timeout=60,
        check=False,
        preexec_fn=_limited_file_size,
    )


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(graded: Path) -> None:
    folder = graded.parent
    fresh = _run_limited(graded, "export", "--out", "export.json")
    assert fresh.returncode == 1
    assert no_traceback(fresh)
    assert "export.json: could not write it (File too large)" in fresh.stderr
    assert not (folder / "export.json").exists()
    (folder / "old.csv").write_text("older export\n", "utf-8")
    before = _files(folder, lock=False)
    again = _run_limited(graded, "export", "--out", "old.csv")
    assert again.returncode == 1
    assert "old.csv is unchanged" in again.stderr
    assert _files(folder, lock=False) == before  # no temporary file left either


def test_exports_and_reports_are_private_templates_are_not(run: Run, graded: Path) -> None:
    folder = graded.parent
    (folder / "shared.csv").write_text("x\n", "utf-8")
    os.chmod(folder / "shared.csv", 0o644)
    for argv in (
        ["export", "--out", "shared.csv"],
        ["export", "--out", "e.xlsx"],
        ["report", "review", "--csv", "r.csv"],
        ["report", "all", "--xlsx", "all.xlsx"],
        ["report", "html", "--out", "r.html"],
        ["template", "--out", "t.xlsx"],
    ):
        assert run(*argv).returncode == 0, argv
    for name in ("shared.csv", "e.xlsx", "r.csv", "all.xlsx", "r.html"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    template_mode = stat.S_IMODE((folder / "t.xlsx").stat().st_mode)
    assert template_mode == 0o666 & ~_umask()
    assert sorted(p.name for p in folder.iterdir() if ".part-" in p.name) == []


def test_an_output_through_a_link_replaces_the_file_it_points_at(run: Run, graded: Path) -> None:
    folder = graded.parent
    (folder / "exports").mkdir()
    real = folder / "exports" / "latest.json"
    real.write_text("[]\n", "utf-8")
    (folder / "latest.json").symlink_to(real)
    assert run("export", "--out", "latest.json").returncode == 0
    assert (folder / "latest.json").is_symlink()
    assert real.read_text("utf-8").count('"id"') == 200


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
