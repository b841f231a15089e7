"""ombud: integrity and accountability for public-security forces."""

__version__ = "0.1.0"
