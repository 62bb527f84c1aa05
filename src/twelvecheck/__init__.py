"""twelvecheck: a static analyzer for the Twelve-Factor process model."""

__version__ = "0.1.0"
