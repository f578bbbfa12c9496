"""Cross-entropy and friends written from the formulas, for learning how PyTorch behaves.

Every function here has a twin in PyTorch and agrees with it on the inputs the twin accepts;
the difference is that each one is a few lines a learner can read, and that bad input gets a
:class:`ValueError` or :class:`TypeError` saying what was wrong, what was expected and what was
given.
"""

from importlib.metadata import PackageNotFoundError, version

from xentdocs.data import LectureExample, lecture_example
from xentdocs.encoding import labels_from_one_hot, one_hot
from xentdocs.losses import cross_entropy, cross_entropy_from_probas, nll_loss
from xentdocs.prediction import predict_labels
from xentdocs.softmax import lecture_softmax, log_softmax, naive_softmax, softmax

try:
    __version__ = version("xentdocs")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

__all__ = [
    "LectureExample",
    "__version__",
    "cross_entropy",
    "cross_entropy_from_probas",
    "labels_from_one_hot",
    "lecture_example",
    "lecture_softmax",
    "log_softmax",
    "naive_softmax",
    "nll_loss",
    "one_hot",
    "predict_labels",
    "softmax",
]
