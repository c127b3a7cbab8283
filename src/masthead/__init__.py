"""Masthead: an open-source newsroom publishing platform."""

__version__ = "0.1.0"
