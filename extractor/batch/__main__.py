"""``python -m extractor.batch INPUT... --out DIR``: the batch command on its own."""

import typer

from .cli import batch_command


def main() -> None:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(batch_command)
    app()


if __name__ == "__main__":
    main()
