"""Results that Part III's prose relies on, read from the glued values of the build.

Run after ``make book``: myst-nb writes each chapter's glued values to
``_build/jupyter_execute/<chapter>.glue.json``.
"""

from __future__ import annotations

from _glued import glued


# ---- chapter 11: softmax regression ---------------------------------------------------------

def test_softmax_regression_is_within_3_points_of_scikit_learn() -> None:
    values = glued("book/part3/11-softmax-regression")
    ours, sk = float(values["softmax_test_acc"]), float(values["softmax_sk_test_acc"])
    assert abs(ours - sk) <= 0.03, f"softmax regression {ours:.1%} vs scikit-learn {sk:.1%}"


def test_softmax_regression_reads_most_test_digits() -> None:
    values = glued("book/part3/11-softmax-regression")
    assert float(values["softmax_test_acc"]) >= 0.90, values["softmax_test_acc"]


# ---- chapter 13: training deeper networks well -----------------------------------------

DEEPER = "book/part3/13-training-deeper-networks"


def test_deeper_zero_and_constant_starts_stay_symmetric() -> None:
    values = glued(DEEPER, markdown_first=True)
    assert float(values["sym_zero_acc"]) < 0.2, values["sym_zero_acc"]
    assert float(values["sym_const_spread"]) < 1e-4, values["sym_const_spread"]
    assert float(values["sym_random_acc"]) > 0.8, values["sym_random_acc"]


def test_deeper_activations_grow_shrink_or_hold_as_the_prose_says() -> None:
    values = glued(DEEPER, markdown_first=True)
    assert float(values["init_std_large_last"]) > 1e3
    assert float(values["init_std_small_last"]) < 1e-6
    he = float(values["init_std_he_last"]) / float(values["init_std_he_first"])
    assert 0.5 < he < 3, f"He's scale changed the std by a factor {he:.2f} over six layers"
    assert float(values["init_std_glorot_last"]) < float(values["init_std_he_last"])


def test_deeper_sigmoid_gradients_vanish_and_relu_ones_do_not() -> None:
    values = glued(DEEPER, markdown_first=True)
    assert float(values["grad_ratio_sigmoid"]) < 0.01
    assert 0.1 < float(values["grad_ratio_relu"]) < 10
    assert 0.1 < float(values["grad_ratio_tanh"]) < 10
    assert abs(float(values["sigmoid_max_slope"]) - 0.25) < 1e-3
    # the sigmoid network stays near chance while the ReLU network learns
    assert float(values["deep_sigmoid_final_loss"]) > 0.95 * float(values["chance_loss"])
    assert float(values["deep_relu_final_loss"]) < float(values["deep_sigmoid_final_loss"]) - 0.2


def test_deeper_early_stopping_point_is_before_the_end_and_lower() -> None:
    values = glued(DEEPER, markdown_first=True)
    best, steps = int(values["early_best_step"]), int(values["early_steps"])
    assert 0 < best < steps - 50, f"best step {best} of {steps}: no visible overfitting"
    assert float(values["early_final_val"]) > float(values["early_best_val"])
    assert float(values["early_final_train"]) < float(values["early_best_val"])


def test_deeper_weight_decay_story_matches_the_sweep() -> None:
    values = glued(DEEPER, markdown_first=True)
    best = {k: float(values[f"decay_{k}_best_val"]) for k in range(4)}
    step = {k: int(values[f"decay_{k}_best_step"]) for k in range(4)}
    assert float(values["decay_0_value"]) == 0.0
    for k in (1, 2):  # moderate decay: the curve keeps falling for longer
        assert step[k] > step[0], (k, step)
    assert best[3] > max(best[0], best[1], best[2])          # strongest decay: higher
    assert float(values["decay_chosen_val"]) == min(best.values())
    without = float(values["decay_chosen"]) == 0.0
    assert values["decay_verdict"].startswith("On this split, weight decay does not beat"
                                              if without else "The lowest validation loss")


def test_deeper_mlp_and_softmax_regression_comparison_is_reported_as_measured() -> None:
    values = glued(DEEPER, markdown_first=True)
    mlp, softmax = float(values["cmp_mlp_test_acc"]), float(values["cmp_softmax_test_acc"])
    n = int(values["cmp_n_test"])
    assert n == 359 and min(mlp, softmax) > 0.85, (mlp, softmax)
    difference = int(values["cmp_difference"])
    assert difference == round((mlp - softmax) * n)
    verdict = values["cmp_verdict"]
    if difference > 0:
        assert verdict == f"the MLP classifies {difference} more of them correctly"
    elif difference < 0:
        assert verdict.startswith("softmax regression classifies")
    else:
        assert verdict.startswith("both classify")
