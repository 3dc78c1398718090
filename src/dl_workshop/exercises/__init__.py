"""Answer checks for the book's exercises, for use in a live notebook.

Each ``check_*`` takes the reader's function, calls it the way the chapter later
does (JAX and NumPy arrays of the chapter's shapes, and the edge cases the
exercise names), and prints one line: ``Correct: ...`` or ``Not yet: <specific
hint>``. It returns True or False and never raises on a wrong answer: exceptions
from the reader's code, wrong return types, arguments changed in place and
non-finite values all become hints. Expected values come from independent NumPy
computations, and the printed text is deterministic.

Example:
  >>> from dl_workshop.exercises import check_predict
  >>> check_predict(lambda w, b, x: w * x)
  Not yet: you forgot the bias: add b to w * x
  False
"""

from dl_workshop.exercises.classification import check_binary_cross_entropy, check_sigmoid
from dl_workshop.exercises.gradients import check_derivative, check_gradient_descent_step
from dl_workshop.exercises.networks import check_mlp_forward
from dl_workshop.exercises.regression import check_mse, check_predict
from dl_workshop.exercises.training_loop import check_training_loop

__all__ = ["check_predict", "check_mse", "check_derivative", "check_gradient_descent_step",
           "check_training_loop", "check_sigmoid", "check_binary_cross_entropy",
           "check_mlp_forward"]
