"""The browser test leaves its timing lines on config.browser_summary; print them after the run, uncaptured."""


def pytest_terminal_summary(terminalreporter, config):
    lines = getattr(config, "browser_summary", [])
    if lines:
        terminalreporter.section("browser test: run time and key press -> changed pixels")
        for line in lines:
            terminalreporter.write_line(line)
