"""Performance figures for the app: ``python -m bench`` prints one ``name: value unit`` line per figure.

Add a figure by writing one function decorated with ``@figure(name, unit)`` (from ``bench.registry``)
in ``bench/figures.py`` or in a new ``bench/<topic>.py``; ``registry.discover()`` finds it.
"""
