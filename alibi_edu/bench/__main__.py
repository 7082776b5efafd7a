"""python -m alibi_edu.bench widgets|attention|generate|all — each prints a table and a final key=value line."""
import importlib
import sys

SUITES = ("widgets", "attention", "generate")


def main(argv: list[str]) -> None:
    names = SUITES if argv in ([], ["all"]) else argv
    for name in names:
        if name not in SUITES:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(SUITES)} or all")
        importlib.import_module(f"{__package__}.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
