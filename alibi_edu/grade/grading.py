"""grade(paths) -> one Row per submission: run each in a fresh kernel, judge its answers outside it."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

from alibi_edu.exercises.solutions import is_solution_code

from . import sandbox
from .recorder import setup_code
from .sandbox import User
from .submission import course_exercises, read_notebook, which_notebook

ANSWER_TIMEOUT = 60  # seconds to check one answer (a student's function may loop)


@dataclass
class Row:
    """One submission's grade: verdicts maps exercise id -> pass | fail | unanswered.

    kinds: the checker's Result.kind per exercise; checks: (passed, total) independent checks (0, 0 for one
    piece); solutions: the exercises whose notebook holds the course's solution (see exercises.solutions);
    library: the exercises answered with one of the course library's own functions (e.g. answer = linear_bias).
    """
    submission: str
    notebook: str = ""
    status: str = "ok"
    verdicts: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)
    solutions: set[str] = field(default_factory=set)
    library: set[str] = field(default_factory=set)
    seconds: float = 0.0

    @property
    def passed(self) -> int | str:
        return sum(v == "pass" for v in self.verdicts.values()) if self.notebook else ""

    @property
    def total(self) -> int | str:
        return len(self.verdicts) if self.notebook else ""


@dataclass(frozen=True)
class Users:
    """Run each student kernel as `student` and check each answer as `judge` (sandbox.py); the grader is root."""
    student: User
    judge: User


class _ThisPython(AsyncKernelManager):
    """Kernels run on this Python (the course's venv), whatever kernel a "python3" spec names elsewhere."""
    user: User | None = None  # set: the kernel drops to this user (sandbox.py)

    @property
    def kernel_spec(self) -> KernelSpec:
        start = ([sys.executable, sandbox.__file__, str(self.user)] if self.user
                 else [sys.executable, "-m", "ipykernel_launcher", "-f"])
        return KernelSpec(argv=[*start, "{connection_file}"], display_name="grader", language="python")


class _Client(NotebookClient):
    """nbclient that runs the recorder first (unseen, out of history) and keeps no outputs."""
    setup_source = ""

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        msg_id = await ensure_async(kc.execute(self.setup_source, silent=True, store_history=False))
        reply = await self.async_wait_for_reply(msg_id)
        if reply is None or reply["content"].get("status") != "ok":
            why = (reply or {}).get("content", {}).get("evalue", "no reply")
            raise RuntimeError(f"grader setup failed in the kernel: {why}")
        return kc

    def output(self, outs, msg, display_id, cell_index):  # outputs count for nothing: drop them
        return None


class Judge:
    """The judge process (judge.py), started once and restarted if an answer ever takes it down."""

    def __init__(self, env: dict[str, str], answer_timeout: float = ANSWER_TIMEOUT):
        self.env, self.answer_timeout, self.proc = env, answer_timeout, None

    def start(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-m", "alibi_edu.grade.judge"], env=self.env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, records: Path, ids: list[str]) -> dict[str, list[str]]:
        for _ in range(2):
            self.start()
            try:
                self.proc.stdin.write(json.dumps({"records": str(records), "ids": ids,
                                                  "timeout": self.answer_timeout}) + "\n")
                self.proc.stdin.flush()
                line = self.proc.stdout.readline()
                if line:
                    return json.loads(line)
            except (BrokenPipeError, ValueError):
                pass
            self.close()
        return {i: ["fail", "the judge could not check this submission"] for i in ids}

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _env(data_dir: Path, quick: bool = True, home: Path | None = None) -> dict[str, str]:
    # few malloc arenas: each reserves 64 MiB of address space per thread, which the memory limit counts
    env = dict(os.environ, ALIBI_EDU_QUICK="1" if quick else "0", ALIBI_EDU_DATA_DIR=str(data_dir),
               MPLBACKEND="Agg", MALLOC_ARENA_MAX="2")
    env.pop("PYTHONSTARTUP", None)
    if home is not None:  # a sandbox user's own HOME: IPython's and matplotlib's settings, the connection file
        env.update(HOME=str(home), USER="student", LOGNAME="student", MPLCONFIGDIR=str(home / ".matplotlib"))
        env.pop("IPYTHONDIR", None)
        env.pop("JUPYTER_CONFIG_DIR", None)
    return env


def _execute(nb, workdir: Path, records: Path, env: dict[str, str], timeout: float,
             memory_limit: int | None, user: User | None = None) -> str:
    """Run nb's code cells in a fresh kernel in workdir (as user, if given); the status: ok, timeout, kernel died,
    error: ..."""
    deadline = time.monotonic() + timeout
    manager = type("_Kernel", (_ThisPython,), {"user": user})
    client = _Client(nb, timeout=math.ceil(timeout), timeout_func=lambda cell: max(0.1, deadline - time.monotonic()),
                     allow_errors=True, interrupt_on_timeout=False, shutdown_kernel="immediate",
                     kernel_manager_class=manager, store_widget_state=False, record_timing=False,
                     resources={"metadata": {"path": str(workdir)}})
    client.setup_source = setup_code(str(records), memory_limit)
    try:
        client.execute(cwd=str(workdir), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        return "timeout"
    except DeadKernelError:
        return "kernel died"
    except Exception as err:  # e.g. the kernel failed to start
        return f"error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"[:200]
    return "timeout" if time.monotonic() > deadline else "ok"


def _sandboxed(base: Path, workdir: Path, records: Path, user: User) -> Path:
    """Hand the student's user what its kernel needs, and nothing else: its folders and the answers file; the
    grader's temporary folder stays root's (the user may pass through it, not list or change it). Its HOME."""
    base.chmod(0o711)
    home = base / "home"
    home.mkdir()
    records.touch()
    for path, mode in ((workdir, 0o700), (base / "data", 0o700), (home, 0o700), (records, 0o600)):
        sandbox.own(path, user, mode)
    return home


def grade_one(path: Path, judge: Judge, exercises: dict[str, list[str]], timeout: float,
              memory_limit: int | None, users: Users | None = None, full_size: bool = False) -> Row:
    """Grade one submitted file; every failure becomes the row's status, never an exception. The notebook runs in
    quick mode (its teaching sweeps shrink; the exercises' own runs, 04.4 and 05.6, keep their size) unless
    full_size."""
    start, row = time.monotonic(), Row(str(path))
    nb = read_notebook(path)
    if nb is None:
        row.status = "not a notebook"
        return row
    number = which_notebook(nb, path, set(exercises))
    if number is None:
        row.status = "error: not a notebook of this course"
        return row
    row.notebook, ids = number, exercises[number]
    if not any(c.cell_type == "code" and c.source.strip() for c in nb.cells):
        row.status = "error: empty notebook"
        row.verdicts = {i: "unanswered" for i in ids}
        return row
    base = Path(tempfile.mkdtemp(prefix="alibi-grade-"))
    try:
        workdir, records = base / "work", base / f"answers-{os.urandom(8).hex()}.jsonl"
        workdir.mkdir()
        (base / "data").mkdir()
        shutil.copyfile(path, workdir / path.name)
        home = _sandboxed(base, workdir, records, users.student) if users else None
        try:
            row.status = _execute(nb, workdir, records, _env(base / "data", quick=not full_size, home=home),
                                  timeout, memory_limit, user=users.student if users else None)
        finally:
            if users:
                sandbox.end_processes_of(users.student)
        for exercise_id, out in judge(records, ids).items():
            row.verdicts[exercise_id], row.messages[exercise_id] = out[0], out[1]
            fallback = {"pass": "right", "unanswered": "unanswered"}.get(out[0], "wrong")
            row.kinds[exercise_id] = out[2] if len(out) > 2 else fallback
            row.checks[exercise_id] = tuple(out[3]) if len(out) > 3 else (0, 0)
            if len(out) > 4 and out[4] is True:
                row.library.add(exercise_id)
        row.solutions = {i for i in ids if row.verdicts.get(i) == "pass" and any(
            c.cell_type == "code" and is_solution_code(i, c.source) for c in nb.cells)}
    finally:
        shutil.rmtree(base, ignore_errors=True)
        row.seconds = time.monotonic() - start
    return row


def grade(paths: Iterable[Path], timeout: float = 300, memory_limit: int | None = 8 << 30,
          progress=None, users: Users | None = None, full_size: bool = False) -> list[Row]:
    """Grade every path in order; progress(row) is called after each one. With users (the grader must be root),
    student kernels and answer checks run as its unprivileged users. full_size runs every notebook as a student
    does, teaching sweeps included (slow; the grades are the same)."""
    if users and os.geteuid() != 0:
        raise PermissionError("grading in a sandbox drops to other users: run the grader as root")
    exercises = course_exercises()
    judge_data = Path(tempfile.mkdtemp(prefix="alibi-judge-"))
    env = _env(judge_data)
    if users:
        judge_data.chmod(0o711)
        (judge_data / "home").mkdir()
        sandbox.own(judge_data / "home", users.judge, 0o700)
        env.update(ALIBI_EDU_JUDGE_USER=str(users.judge), HOME=str(judge_data / "home"))
    judge = Judge(env)
    rows = []
    try:
        judge.start()          # before any student code runs: it forks from a process no notebook has touched
        for path in paths:
            try:
                row = grade_one(Path(path), judge, exercises, timeout, memory_limit, users, full_size)
            except Exception as err:  # a grader bug must not stop the other submissions
                row = Row(str(path), status=f"error: {type(err).__name__}: {err}"[:200])
            rows.append(row)
            if progress:
                progress(row)
    finally:
        judge.close()
        shutil.rmtree(judge_data, ignore_errors=True)
    return rows
