"""Grade students' notebooks with the course's own checkers: python -m alibi_edu.grade PATH...

Each submission runs in a fresh kernel on a temporary copy (recorder.py wraps `check` there so every
answer is sent out of the kernel), then every answer is judged in a throwaway process that forked from a
clean checker (judge.py). Nothing the notebook prints or stores counts.
"""
from .grading import Row, grade

__all__ = ["Row", "grade"]
