"""Lookalike: find duplicate and near-duplicate photos and clean them up safely."""

__version__ = "0.1.0"
APP_NAME = "Lookalike"
