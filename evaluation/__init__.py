"""Scoring extractions against gold annotations, compatible with eval/score.py."""

from evaluation.score import Scores, prf, score_folder, score_speech

__all__ = ["Scores", "prf", "score_folder", "score_speech"]
