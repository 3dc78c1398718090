"""Answer checks for the book's exercises, for use in a live notebook.

Each ``check_*`` takes the reader's function, runs it on fixed inputs, and
prints one line: ``Correct: ...`` or ``Not yet: <specific hint>``. It returns
True or False and never raises on a wrong answer: exceptions from the
reader's code become hints. Expected values come from independent NumPy
computations, and the printed text is deterministic.

Example:
  >>> from dl_workshop.exercises import check_predict
  >>> check_predict(lambda w, b, x: w * x)
  Not yet: you forgot the bias: add b to w * x
  False
"""

from dl_workshop.exercises.classification import (check_binary_cross_entropy,
                                                  check_mlp_forward, check_sigmoid)
from dl_workshop.exercises.compilation import (check_soft_threshold, check_static_moments,
                                               check_timing)
from dl_workshop.exercises.optimization import (check_minibatch_sgd, check_momentum_pair,
                                                check_optax_momentum)
from dl_workshop.exercises.regression import (check_derivative, check_gradient_descent_step,
                                              check_mse, check_predict, check_training_loop)

__all__ = ["check_predict", "check_mse", "check_derivative", "check_gradient_descent_step",
           "check_training_loop", "check_sigmoid", "check_binary_cross_entropy",
           "check_mlp_forward", "check_momentum_pair", "check_minibatch_sgd",
           "check_optax_momentum", "check_soft_threshold", "check_static_moments",
           "check_timing"]
