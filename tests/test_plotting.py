"""``l1l2.plotting`` helpers of chapters 06 and 08: total loss over w, the gradient curves, and
the flat-bottom band on ``plot_w``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes

from l1l2 import data, gd, plotting


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize("loss", ["l1", "l2", "huber"])
def test_plot_total_loss_marks_the_settle_point(loss):
    x, y = data.linear(20, noise=5.0, rng=3)
    ax = plotting.plot_total_loss(x, y, loss=loss, true_w=1.0, delta=2.0)
    assert isinstance(ax, Axes)
    labels = ax.get_legend_handles_labels()[1]
    settle = gd.minimizer(x, y, loss=loss, delta=2.0)
    assert f"settle point = {settle:.4g}" in labels
    assert "true w = 1" in labels
    assert any(label.startswith("flat bottom") for label in labels) == (loss == "l1")
    curve = ax.get_lines()[0]
    w, total = curve.get_data()
    assert w[np.argmin(total)] == pytest.approx(settle, abs=(w[1] - w[0]) + 0.06 * (loss == "l1"))


@pytest.mark.usefixtures("close_figures")
def test_plot_total_loss_w_range_sets_the_axis():
    ax = plotting.plot_total_loss(2.0, [1.0, 2.0, 3.0], loss="l2", w_range=(-1.0, 3.0))
    assert ax.get_xlim() == (-1.0, 3.0)


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize(
    ("x", "y", "kwargs", "error", "match"),
    [
        (2.0, [1.0, 2.0], {"loss": "signed"}, ValueError, "the signed loss has no minimum"),
        (
            2.0,
            np.ones((2, 3)),
            {"loss": "l1"},
            ValueError,
            r"y must have shape \(n,\), got shape \(2, 3\)",
        ),
        ([0.0, 1.0], [1.0, 2.0], {"loss": "l1"}, ValueError, "x must not hold zeros"),
        (2.0, [1.0, 2.0], {"loss": "l1", "w_range": (1.0, 0.0)}, ValueError, "low < high"),
        (2.0, [1.0, 2.0], {"loss": "l1", "w_range": [0.0, 1.0]}, TypeError, "w_range must be"),
        (2.0, [1.0, 2.0], {"loss": "huber", "delta": 0.0}, ValueError, "delta must be > 0"),
    ],
)
def test_plot_total_loss_rejects_bad_input(x, y, kwargs, error, match):
    with pytest.raises(error, match=match):
        plotting.plot_total_loss(x, y, **kwargs)


@pytest.mark.usefixtures("close_figures")
def test_plot_gradients_draws_each_slope():
    ax = plotting.plot_gradients(4.0, delta=1.5)
    lines = {line.get_label(): line for line in ax.get_lines()}
    r, huber_slope = lines["Huber: clip(r, -1.5, 1.5)"].get_data()
    np.testing.assert_allclose(huber_slope, np.clip(r, -1.5, 1.5))
    _, l2_slope = lines["L2: 2r"].get_data()
    np.testing.assert_allclose(l2_slope, 2 * r)
    assert "r = ±δ" in lines


@pytest.mark.usefixtures("close_figures")
def test_plot_w_shades_a_band():
    x, y = data.linear(20)
    h = gd.fit(x, y, loss="l2", w0=3.0, lr=0.01, batch_size=2, epochs=1, reduction="sum")
    ax = plotting.plot_w(h, band=(0.5, 1.5))
    assert "flat bottom [0.5, 1.5]" in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="low <= high"):
        plotting.plot_w(h, band=(2.0, 1.0))
    with pytest.raises(TypeError, match="band must be a pair"):
        plotting.plot_w(h, band=1.0)  # type: ignore[arg-type]


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0.0,), {}, ValueError, "max_error must be > 0"),
        ((5.0,), {"delta": -1.0}, ValueError, "delta must be > 0"),
        ((5.0,), {"losses_to_show": ("l3",)}, ValueError, "losses_to_show must name one or more"),
        ((5.0,), {"losses_to_show": "l1"}, TypeError, "losses_to_show must be a sequence"),
        (("5",), {}, TypeError, "max_error must be a real number"),
    ],
)
def test_plot_gradients_rejects_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        plotting.plot_gradients(*args, **kwargs)


def test_plot_w_draws_one_run_in_the_line_style_it_is_given():
    x, y = data.linear(20, noise=1.0, rng=0)
    run = gd.fit(x, y, loss="l1", w0=5.0, lr=0.01, batch_size=2, epochs=2)
    ax = plotting.plot_w(run, color="#0072B2", linestyle="--")
    (line,) = [line for line in ax.lines if line.get_gid() == "w"]
    assert line.get_linestyle() == "--"
    plt.close("all")


@pytest.mark.parametrize(
    ("w0", "linestyle", "match"),
    [
        (5.0, "bogus", r"^linestyle must be a Matplotlib line style .* got 'bogus'$"),
        ([0.0, 1.0, 2.0], "--", r"^linestyle applies to one run; this history holds 3 runs"),
    ],
)
def test_plot_w_refuses_a_linestyle_it_cannot_draw(w0, linestyle, match):
    x, y = data.linear(20, noise=1.0, rng=0)
    runs = gd.fit(x, y, loss="l2", w0=w0, lr=0.01, batch_size=2, epochs=2)
    with pytest.raises(ValueError, match=match) as info:
        plotting.plot_w(runs, linestyle=linestyle)
    assert info.value.argument == "linestyle"
    plt.close("all")
