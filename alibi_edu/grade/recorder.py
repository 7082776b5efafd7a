"""The code run in each student kernel before the student's cells: record every answer check() sees.

Through the exercises' public hook on_check, each call appends one JSON line {"id", "payload"} (payload: base64
of cloudpickle.dumps(answer)) to a file outside the kernel's working directory, before check() judges it as
usual, so the student still sees feedback.
The channel is not secret and need not be: a forged line is judged exactly like a real check() call.
"""
from __future__ import annotations

_SETUP = r'''
def _grade_setup(path, memory_limit):
    import base64, json, os, resource
    if memory_limit:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        except (ValueError, OSError):
            pass
    import cloudpickle
    from alibi_edu.exercises import on_check

    @on_check
    def record(exercise_id, answer):
        try:
            line = {"id": str(exercise_id), "payload": base64.b64encode(cloudpickle.dumps(answer)).decode()}
        except Exception as err:  # an answer that cannot leave the kernel is a wrong answer
            line = {"id": str(exercise_id), "payload": None, "error": f"{type(err).__name__}: {err}"[:300]}
        with open(path, "a") as f:
            f.write(json.dumps(line) + "\n")


_grade_setup(__PATH__, __LIMIT__)
del _grade_setup
'''


def setup_code(records_path: str, memory_limit: int | None) -> str:
    """Python source for the kernel: record every check(id, answer) into records_path."""
    return _SETUP.replace("__PATH__", repr(str(records_path))).replace("__LIMIT__", repr(memory_limit))
