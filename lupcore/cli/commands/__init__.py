"""CLI subcommands: each module defines ``register(subparsers)`` and a ``run(args, dataset)``."""
