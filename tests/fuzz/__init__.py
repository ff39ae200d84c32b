"""Fuzzing: hostile inputs (``hostile``), what must hold for each (``checks``), ``make fuzz`` (``__main__``)."""
