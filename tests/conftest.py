"""Shared fixtures: exercise progress goes to a temporary folder, never the user's data dir.
The browser test leaves its timing lines on config.browser_summary; print them after the run, uncaptured."""
import os
import shutil
import tempfile

import pytest

# Tests that start a Jupyter kernel or a fresh Python process: make test runs them, make test-fast does not.
KERNEL_MODULES = {"test_grade.py", "test_grade_quick.py"}   # the grader runs each submission in a fresh kernel
KERNEL_TESTS = ("fresh_process",)        # progress survives a new process
# Solutions that train models (04.4, 04.5: a dozen each, about 12 s; 05.6: three): make test runs them,
# make test-fast does not.
TRAINING_SOLUTIONS = {"04.4", "04.5", "05.6"}
SOLUTION_TESTS = {"test_solution_file_passes", "test_solution_passes", "test_result_renders"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in KERNEL_MODULES or any(word in item.name for word in KERNEL_TESTS):
            item.add_marker(pytest.mark.kernel)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.originalname in SOLUTION_TESTS and params.get("exercise_id") in TRAINING_SOLUTIONS:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    """Also at collection time (solution files run while tests are collected) progress goes to a temporary folder."""
    config._alibi_data_dir = tempfile.mkdtemp(prefix="alibi_edu_data_")
    config._alibi_saved_dir = os.environ.get("ALIBI_EDU_DATA_DIR")
    os.environ["ALIBI_EDU_DATA_DIR"] = config._alibi_data_dir


def pytest_unconfigure(config):
    if config._alibi_saved_dir is None:
        os.environ.pop("ALIBI_EDU_DATA_DIR", None)
    else:
        os.environ["ALIBI_EDU_DATA_DIR"] = config._alibi_saved_dir
    shutil.rmtree(config._alibi_data_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _progress_in_tmp_dir(tmp_path_factory, monkeypatch):
    """Every test writes exercise progress to its own temporary folder and starts with a fresh hint ladder."""
    monkeypatch.setenv("ALIBI_EDU_DATA_DIR", str(tmp_path_factory.mktemp("alibi_edu_data")))
    try:
        from alibi_edu.exercises import core, store
    except ImportError:      # the exercises package is broken: its own tests say so
        yield
        return
    core._ATTEMPTS.clear(), store._memory.clear(), store._broken.clear()
    yield
    core._ATTEMPTS.clear(), store._memory.clear(), store._broken.clear()


@pytest.fixture(scope="module")
def one_thread():
    """Tiny matrices: two threads waiting on each other are much slower than one, above all on a busy machine.
    A module that trains tiny models sets `pytestmark = pytest.mark.usefixtures("one_thread")`."""
    from alibi_edu.threads import one_thread as torch_on_one_thread
    with torch_on_one_thread():
        yield


def pytest_terminal_summary(terminalreporter, config):
    lines = getattr(config, "browser_summary", [])
    if lines:
        terminalreporter.section("browser test: run time and key press -> changed pixels")
        for line in lines:
            terminalreporter.write_line(line)
