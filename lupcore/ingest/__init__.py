"""Offline data build (``make data``): raw ONS files in ../shared → validated files in ``data/``."""
