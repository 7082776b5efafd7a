"""The judge: a separate process that checks recorded answers with the course's own checkers.

Run as `python -m alibi_edu.grade.judge`; it reads one JSON request per line on stdin,
{"records": path, "ids": [...], "timeout": seconds}, and answers one JSON line
{id: [verdict, message, kind, [checks passed, checks total], library]} (kind and checks as in
exercises.core.Result; library: the answer is one of the course library's own functions).
Each answer is unpickled and checked in a child forked from this clean process, so an answer that
tampers with the checker (a __reduce__ or a function that patches torch, say) can at most spoil its
own verdict, and a function that hangs is killed after `timeout` seconds. With ALIBI_EDU_JUDGE_USER set
(uid:gid; the autograder, whose judge is root) the child drops to that user before it loads the answer.
"""
from __future__ import annotations

import base64
import functools
import json
import os
import pickle
import select
import signal
import sys
import time
import types
from typing import Any

import numpy as np
import torch

torch.set_num_threads(1)  # no thread pool before fork()

from alibi_edu.exercises import core  # noqa: E402  after set_num_threads; the package registers every exercise

from .sandbox import User, drop  # noqa: E402

_CHECK = core.check
_PROTOCOL_FD: int | None = None  # the judge's private stdout; closed in every child
# Set (the Gradescope autograder, judge running as root): each child drops to this user before it loads an answer.
_USER = User.of(os.environ["ALIBI_EDU_JUDGE_USER"]) if os.environ.get("ALIBI_EDU_JUDGE_USER") else None
_SCALARS = (int, float, complex, bool, str, bytes, type(None), type(Ellipsis))
_ACCEPTED = "numbers, strings, lists, tuples, dicts, numpy arrays, tensors or functions"


def last_answers(records: str, ids: list[str], max_line: int = 64 << 20) -> dict[str, dict]:
    """The last record per exercise id (only ids in `ids`); unreadable lines are skipped."""
    last: dict[str, dict] = {}
    try:
        with open(records, "rb") as f:
            while line := f.readline(max_line + 1):
                if len(line) > max_line:  # an oversized line: skip it without ever holding it whole
                    while line and not line.endswith(b"\n"):
                        line = f.readline(max_line + 1)
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and rec.get("id") in ids:
                    last[rec["id"]] = rec
    except OSError:
        pass
    return last


def plain(x: Any, depth: int = 0) -> str | None:
    """None if x is built only from accepted types, else the name of the first type that is not."""
    t = type(x)
    if depth > 50:
        return "a structure nested too deep"
    if t in _SCALARS or t in (torch.dtype, torch.Size, torch.device) or t in (types.FunctionType,):
        return None
    if t in (torch.Tensor, torch.nn.Parameter):
        return None
    if t is np.ndarray:
        return None if x.dtype != object else "numpy array of objects"
    if isinstance(x, np.generic) and t.__module__ == "numpy":
        return None
    if t in (list, tuple, set, frozenset):
        return next((p for p in (plain(v, depth + 1) for v in x) if p), None)
    if t is dict:
        return next((p for p in (plain(v, depth + 1) for kv in x.items() for v in kv) if p), None)
    return f"{t.__module__}.{t.__qualname__}"


def guarded(fn: types.FunctionType) -> types.FunctionType:
    """fn, but a return value of a type the judge does not accept raises TypeError."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        out = fn(*args, **kwargs)
        bad = plain(out)
        if bad:
            raise TypeError(f"returned a {bad}; return {_ACCEPTED}")
        return out
    return call


def _snapshot() -> dict[tuple[str, str], int]:
    """Identity of every callable the checkers lean on; a changed one means the answer tampered."""
    spaces = {name: vars(m) for name, m in list(sys.modules.items())
              if m is not None and (name.split(".")[0] in ("alibi_edu", "numpy", "math", "builtins", "functools")
                                    or name in ("torch", "torch.nn.functional", "torch.linalg"))}
    spaces["Tensor"] = vars(torch.Tensor)
    spaces["TensorBase"] = vars(torch._C.TensorBase) if hasattr(torch._C, "TensorBase") else {}
    spaces["ndarray"] = vars(np.ndarray)
    spaces["registry"] = {k: ex.checker for k, ex in core._REGISTRY.items()}
    snap = {(s, k): id(v) for s, d in spaces.items() for k, v in list(d.items())
            if callable(v) or isinstance(v, (dict, types.ModuleType))}
    for stack in ("_len_torch_function_stack", "_len_torch_dispatch_stack"):  # torch "modes" reroute every op
        if hasattr(torch._C, stack):
            snap[("torch modes", stack)] = getattr(torch._C, stack)()
    snap[("sys", "trace")] = id(sys.gettrace()), id(sys.getprofile())
    return snap


def verdict(exercise_id: str, record: dict | None) -> tuple:
    """(pass | fail | unanswered, message[, kind, checks]) for one record; runs in a forked child."""
    if record is None:
        return "unanswered", "no check() call for this exercise"
    if not isinstance(record.get("payload"), str):
        return "fail", f"the answer could not be sent to the grader ({str(record.get('error', '?'))[:200]})"
    before = _snapshot()
    try:
        answer = pickle.loads(base64.b64decode(record["payload"]))
    except BaseException as err:
        return "fail", f"the answer could not be loaded ({type(err).__name__})"
    if answer is Ellipsis:
        return "unanswered", core.PLACEHOLDER_MESSAGE
    bad = plain(answer)
    if bad:
        return "fail", f"an answer of type {bad} is not accepted; answer with {_ACCEPTED}"
    library = isinstance(answer, types.FunctionType) and str(answer.__module__).split(".")[0] == "alibi_edu"
    if isinstance(answer, types.FunctionType):
        answer = guarded(answer)
    result = _CHECK(exercise_id, answer, record=False)
    after = _snapshot()
    changed = [k for k, v in before.items() if after.get(k) != v]
    if changed:
        return "fail", f"the answer changed the checker while it was checked ({changed[0][0]}.{changed[0][1]})"
    checks = [int(c) for c in result.checks]
    return ("pass" if result.passed else "fail"), result.message, result.kind, checks, library


def judge_one(exercise_id: str, record: dict | None, timeout: float) -> tuple:
    """verdict() in a forked child, killed after timeout seconds."""
    if record is None:
        return verdict(exercise_id, None)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: no way back to the parent but the pipe
        try:
            os.close(read_end)
            if _PROTOCOL_FD is not None:
                os.close(_PROTOCOL_FD)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            if _USER is not None:
                drop(_USER)
            signal.alarm(int(timeout) + 1)
            out = verdict(exercise_id, record)
        except BaseException as err:
            out = ("fail", f"checking the answer failed ({type(err).__name__})")
        try:
            os.write(write_end, json.dumps(out).encode()[:65536])
        finally:
            os._exit(0)
    os.close(write_end)
    data, deadline = b"", time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            break
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        data += chunk
    os.close(read_end)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    try:
        out = json.loads(data)
        kind, message = out[:2]
        return tuple(out) if kind in ("pass", "fail", "unanswered") else ("fail", "bad verdict")
    except (ValueError, TypeError):
        timed_out = time.monotonic() >= deadline
        return "fail", (f"checking the answer took longer than {timeout:g} s" if timed_out
                        else "checking the answer crashed the checker")


def serve() -> None:
    global _PROTOCOL_FD
    _PROTOCOL_FD = os.dup(1)
    out = os.fdopen(_PROTOCOL_FD, "w")
    os.dup2(2, 1)  # stray prints go to stderr, never into the answers
    for line in sys.stdin:
        req = json.loads(line)
        records = last_answers(req["records"], req["ids"])
        result = {i: judge_one(i, records.get(i), float(req.get("timeout", 60))) for i in req["ids"]}
        out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
