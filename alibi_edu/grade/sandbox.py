"""Student code as unprivileged users, for a grader that runs as root (the Gradescope autograder).

The grader starts each student kernel through this file, run as a script, not imported: it reads the kernel's
connection file while still root, gives the kernel its own copy, drops to the student's user and becomes the
kernel. The judge forks each answer's check into a child that drops to a second user (judge.py). So the notebook
cannot write results.json, the course's code or the grading file, and cannot reach the judge; an answer's code
cannot reach the judge's parent or the grader.

    python alibi_edu/grade/sandbox.py UID:GID CONNECTION_FILE   # the kernel spec's argv; stdlib only
"""
from __future__ import annotations

import os
import pwd
import signal
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class User:
    """An unprivileged user by number; a name is looked up, a number needs no entry in /etc/passwd."""
    uid: int
    gid: int

    @classmethod
    def of(cls, who: str | int) -> User:
        text = str(who).strip()
        if ":" in text:
            uid, gid = text.split(":", 1)
            user = cls(int(uid), int(gid))
        elif text.isdigit():
            user = cls(int(text), int(text))
        else:
            try:
                entry = pwd.getpwnam(text)
            except KeyError:
                raise ValueError(f"user={text!r}: no such user (setup.sh creates the autograder's users)") from None
            user = cls(entry.pw_uid, entry.pw_gid)
        if user.uid == 0 or user.gid == 0:
            raise ValueError(f"user={text!r}: student code must not run as root")
        return user

    def __str__(self) -> str:
        return f"{self.uid}:{self.gid}"


def drop(user: User) -> None:
    """Become user for good (no supplementary groups, no way back); only root can."""
    os.setgroups([])
    os.setgid(user.gid)
    os.setuid(user.uid)
    if os.getuid() != user.uid or os.geteuid() != user.uid:
        raise RuntimeError(f"could not drop to user {user}")
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise RuntimeError("dropped privileges came back")


def own(path: Path, user: User, mode: int) -> None:
    os.chown(path, user.uid, user.gid)
    os.chmod(path, mode)


def processes_of(user: User) -> list[int]:
    """Ids of every running process of user (the sandbox users are the grader's own: nothing else runs as them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == user.uid:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def end_processes_of(user: User) -> int:
    """Kill what the student's code left running (a daemon that would write later); how many were killed."""
    killed = 0
    for _ in range(3):  # a process may fork while we look
        pids = processes_of(user)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        if not pids:
            break
    return killed


def start_kernel(user: User, connection_file: str) -> None:
    """Copy the (root-only) connection file into the student's HOME, drop to user, exec the kernel."""
    home = Path(os.environ["HOME"])
    copy = home / "kernel.json"
    copy.write_bytes(Path(connection_file).read_bytes())
    own(copy, user, 0o600)
    drop(user)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", str(copy)])


if __name__ == "__main__":
    start_kernel(User.of(sys.argv[1]), sys.argv[2])
