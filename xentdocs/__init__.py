"""Cross-entropy and friends written from the formulas, for learning how PyTorch behaves.

Each function is a few lines a learner can read. Most have a twin in :mod:`torch` and compute the
same numbers on the inputs both accept, but none is a drop-in replacement: defaults, dtypes and the
inputs accepted differ, and each docstring says how (the API page lists every difference, shown
with code). A few have no twin at all: the lecture's own formulas, and :mod:`xentdocs.check`, which
tells a learner which mistake an answer makes. Bad input gets a :class:`ValueError` or
:class:`TypeError` saying what was wrong, what was expected and what was given.
"""

from xentdocs import check
from xentdocs.data import LectureExample, lecture_example
from xentdocs.encoding import labels_from_one_hot, one_hot
from xentdocs.focal import focal_loss
from xentdocs.linear import linear_cross_entropy
from xentdocs.losses import cross_entropy, cross_entropy_from_probas, nll_loss
from xentdocs.prediction import predict_labels
from xentdocs.softmax import lecture_softmax, log_softmax, naive_softmax, softmax

# The one place the version is written: pyproject.toml and conf.py read it from here.
__version__ = "0.1.0"

__all__ = [
    "LectureExample",
    "__version__",
    "check",
    "cross_entropy",
    "cross_entropy_from_probas",
    "focal_loss",
    "labels_from_one_hot",
    "lecture_example",
    "lecture_softmax",
    "linear_cross_entropy",
    "log_softmax",
    "naive_softmax",
    "nll_loss",
    "one_hot",
    "predict_labels",
    "softmax",
]
