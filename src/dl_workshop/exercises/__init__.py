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

from dl_workshop.exercises.backprop import (backward_suspects, check_layer_grads,
                                            check_sigmoid_backward, check_wrong_backwards)
from dl_workshop.exercises.classification import check_binary_cross_entropy, check_sigmoid
from dl_workshop.exercises.compilation import (check_soft_threshold, check_static_moments,
                                               check_timing)
from dl_workshop.exercises.deeper import (check_diagnose_init, check_glorot_std,
                                          check_patience_stop, mystery_init_stats)
from dl_workshop.exercises.gradients import check_derivative, check_gradient_descent_step
from dl_workshop.exercises.libraries import check_adamw, check_library_names, check_load_layer
from dl_workshop.exercises.networks import check_mlp_forward
from dl_workshop.exercises.optimization import (check_minibatch_sgd, check_momentum_pair,
                                                check_optax_momentum)
from dl_workshop.exercises.random_keys import (check_epoch_orders, check_init_many,
                                               check_walk_step)
from dl_workshop.exercises.regression import check_mse, check_predict
from dl_workshop.exercises.scan import check_ema_step, check_running_minimum, check_train_scan
from dl_workshop.exercises.softmax import (check_log_softmax, check_most_confused,
                                           check_top_k_accuracy)
from dl_workshop.exercises.training_loop import check_training_loop
from dl_workshop.exercises.vmap import (check_best_learning_rate, check_many_models,
                                        check_per_example_grads)

__all__ = ["check_predict", "check_mse", "check_derivative", "check_gradient_descent_step",
           "check_training_loop", "check_sigmoid", "check_binary_cross_entropy",
           "check_mlp_forward",
           # Part II
           "check_per_example_grads", "check_many_models", "check_best_learning_rate",
           "check_running_minimum", "check_ema_step", "check_train_scan",
           "check_epoch_orders", "check_init_many", "check_walk_step",
           "check_soft_threshold", "check_static_moments", "check_timing",
           "check_momentum_pair", "check_minibatch_sgd", "check_optax_momentum",
           # Part III
           "check_log_softmax", "check_most_confused", "check_top_k_accuracy",
           "check_layer_grads", "check_sigmoid_backward", "check_wrong_backwards",
           "backward_suspects",
           "check_glorot_std", "mystery_init_stats", "check_diagnose_init",
           "check_patience_stop",
           "check_load_layer", "check_library_names", "check_adamw"]
