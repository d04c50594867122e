"""Zero-shot stance models behind one small interface. No storage or web code here."""

from .base import Pair, Prediction, StanceModel
from .registry import DEFAULT_MODEL, load_model

__all__ = ["DEFAULT_MODEL", "Pair", "Prediction", "StanceModel", "load_model"]
