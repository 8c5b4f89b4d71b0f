"""Evaluate a service after it starts, against the counterfactual forecast made from the data at its start."""

from __future__ import annotations

from .evaluate import EvaluationWarning, evaluate
from .planning import plan_evaluation
from .result import Evaluation
from .widening import Widening, default_widening

__all__ = ["Evaluation", "EvaluationWarning", "Widening", "default_widening", "evaluate", "plan_evaluation"]
