"""The code run in each student kernel before the student's cells: wrap check() to record every answer.

Each call appends one JSON line {"id", "payload"} (payload: base64 of cloudpickle.dumps(answer)) to a
file outside the kernel's working directory, then calls the real check so the student still sees feedback.
The channel is not secret and need not be: a forged line is judged exactly like a real check() call.
"""
from __future__ import annotations

_SETUP = r'''
def _grade_setup(path, memory_limit):
    import base64, functools, json, os, resource
    if memory_limit:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ValueError, OSError):
            pass
    import cloudpickle
    import alibi_edu.exercises as exercises
    import alibi_edu.exercises.core as core
    real_check = core.check

    def record(exercise_id, answer):
        try:
            line = {"id": str(exercise_id), "payload": base64.b64encode(cloudpickle.dumps(answer)).decode()}
        except Exception as err:  # an answer that cannot leave the kernel is a wrong answer
            line = {"id": str(exercise_id), "payload": None, "error": f"{type(err).__name__}: {err}"[:300]}
        with open(path, "a") as f:
            f.write(json.dumps(line) + "\n")

    @functools.wraps(real_check)
    def check(exercise_id, answer):
        try:
            record(exercise_id, answer)
        except Exception:
            pass
        return real_check(exercise_id, answer)

    exercises.check = core.check = check


_grade_setup(__PATH__, __LIMIT__)
del _grade_setup
'''


def setup_code(records_path: str, memory_limit: int | None) -> str:
    """Python source for the kernel: record every check(id, answer) into records_path."""
    return _SETUP.replace("__PATH__", repr(str(records_path))).replace("__LIMIT__", repr(memory_limit))
