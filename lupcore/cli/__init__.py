"""The CLI wing: ``python -m lupcore COMMAND`` over the same core as the app (one module per command)."""

from lupcore.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
