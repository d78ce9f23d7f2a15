"""Helpers of :mod:`training.generate`: report content, table grids, renderers and truth."""
