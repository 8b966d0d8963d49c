"""The ``l1l2`` command line: the apple example, the experiment, bad options, the saved figure."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from l1l2 import data, gd, schedules
from l1l2.cli import MAX_UPDATES, build_parser, main
from l1l2.experiments import SOURCE

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert err == ""
    return status, out.splitlines()


def field(lines: list[str], prefix: str) -> str:
    matches = [line for line in lines if line.startswith(prefix)]
    assert len(matches) == 1, (prefix, lines)
    return matches[0]


def final_w(lines: list[str]) -> float:
    match = re.search(r": w = (\S+) after", field(lines, "Final "))
    assert match is not None
    return float(match.group(1))


# the apple example


@pytest.mark.parametrize("argv", [[], ["apple"]])
def test_apple_prints_the_losses_of_the_source_article(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, lines = run(capsys, *argv)
    assert status == 0
    assert lines[:3] == ["Calculating loss...", "L1 loss: 6.67", "L2 loss: 50.00"]
    assert len(lines) == 4


def test_apple_observation_explains_the_scales_with_the_rmse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, lines = run(capsys)
    observation = lines[3]
    # not "larger because squaring punishes big errors": the units differ (apples, apples squared)
    assert observation.startswith("Observation: L2 is not larger because of the big error")
    assert "punishes" not in observation
    assert "apples squared" in observation
    assert "three errors of 10 would give L1 = 10 and L2 = 100" in observation
    rmse = math.sqrt(150 / 3)
    assert f"RMSE = {rmse:.2f} apples against L1 = 6.67 apples" in observation
    assert "7.07" in observation
    # the error of 10 is 10/20 of the absolute errors and 100/150 of the squared ones
    assert "the error of 10 is 50% of L1 but 67% of L2" in observation


# the experiment


def test_experiment_defaults_reproduce_the_source_experiment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, lines = run(capsys, "experiment")
    assert status == 0
    settings = field(lines, "Experiment: ")
    for part in ("loss=l1", "noise=0", "lr_t = 0.01", "epochs=20", "batch size=2", "n=20"):
        assert part in settings
    assert "w0=20" in settings
    assert "reduction=sum" in settings
    # abs L1 from w = 20 walks down lr * 2 * x = 0.04 per update: 200 updates reach 12.
    assert final_w(lines) == pytest.approx(12.0)
    assert "w* = 1 (median-based)" in field(lines, "Minimizer: ")
    assert not any(line.startswith("Diverged") for line in lines)


DATA_DEFAULTS: dict[str, Any] = {"n": SOURCE.n, "x": SOURCE.x, "w": SOURCE.true_w, "rng": 0}
FIT_DEFAULTS: dict[str, Any] = {
    "loss": "l1", "w0": SOURCE.w0, "lr": SOURCE.lr, "batch_size": SOURCE.batch_size,
    "epochs": SOURCE.epochs, "reduction": SOURCE.reduction, "delta": SOURCE.delta,
}  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "data_kwargs", "fit_kwargs"),
    [
        ([], {}, {}),
        (["--loss", "l2", "--noise", "5", "--seed", "3"], {"noise": 5.0, "rng": 3}, {"loss": "l2"}),
        (
            ["--loss", "huber", "--delta", "0.5", "--noise", "0.05", "--reduction", "mean"],
            {"noise": 0.05},
            {"loss": "huber", "delta": 0.5, "reduction": "mean"},
        ),
        (
            ["--schedule", "inverse_time", "--noise", "5", "--epochs", "7", "--batch-size", "3"],
            {"noise": 5.0},
            {"lr": schedules.inverse_time(0.01, decay=1 / 2000), "epochs": 7, "batch_size": 3},
        ),
        (
            [
                "--schedule",
                "exponential",
                "--rate",
                "0.99",
                "--lr",
                "0.02",
                "--n",
                "9",
                "--w0",
                "-3",
            ],
            {"n": 9},
            {"lr": schedules.exponential(0.02, rate=0.99), "w0": -3.0},
        ),
    ],
)
def test_experiment_final_estimate_equals_fit(
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    data_kwargs: dict[str, Any],
    fit_kwargs: dict[str, Any],
) -> None:
    x, y = data.linear(**(DATA_DEFAULTS | {"noise": 0.0} | data_kwargs))
    expected = gd.fit(x, y, **(FIT_DEFAULTS | fit_kwargs))
    _, lines = run(capsys, "experiment", *argv)
    assert final_w(lines) == pytest.approx(expected.final_w, rel=1e-5, abs=1e-9)
    assert f"after {expected.steps} updates" in field(lines, "Final ")
    assert field(lines, "Last batch loss: ") == f"Last batch loss: {expected.loss[-1]:.6g}"


def test_experiment_reports_the_settle_point(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = data.linear(20, noise=5.0, rng=1)
    expected = gd.minimizer(x, y, loss="l2")
    _, lines = run(capsys, "experiment", "--loss", "l2", "--noise", "5", "--seed", "1")
    match = re.search(r"w\* = (\S+) \(mean-based", field(lines, "Minimizer: "))
    assert match is not None
    assert float(match.group(1)) == pytest.approx(expected, rel=1e-5)
    # The last estimate has not settled: the line says where descent would settle and how far
    # the last estimate is from it.
    gap = re.search(r"would settle; the last estimate is (\S+) away from it$", lines[-1])
    assert gap is not None, lines
    assert float(gap.group(1)) == pytest.approx(abs(final_w(lines) - expected), rel=1e-2)


def test_experiment_says_when_l2_diverges(capsys: pytest.CaptureFixture[str]) -> None:
    # Each update multiplies w - 1 by 1 - 16 lr = -15: the loss overflows long before 200 updates.
    status, lines = run(capsys, "experiment", "--loss", "l2", "--lr", "1")
    assert status == 0
    diverged = field(lines, "Diverged: ")
    assert "smaller --lr" in diverged
    assert lines[1].startswith("Final last finite estimate: ")
    assert math.isfinite(final_w(lines))


def test_experiment_does_not_report_divergence_for_a_stable_l2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, lines = run(capsys, "experiment", "--loss", "l2")
    assert final_w(lines) == pytest.approx(1.0)
    assert not any(line.startswith("Diverged") for line in lines)


def test_experiment_signed_loss_has_no_minimum(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run(capsys, "experiment", "--loss", "signed", "--epochs", "100")
    assert status == 0
    message = field(lines, "No minimum: ")
    assert "runs away" in message
    assert not any(line.startswith("Minimizer") for line in lines)
    # The signed gradient is the constant sum of the batch's x: w falls 0.04 per update, forever.
    assert final_w(lines) == pytest.approx(20.0 - 0.04 * 1000)


def test_experiment_with_zero_epochs_keeps_w0(capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = run(capsys, "experiment", "--epochs", "0", "--w0", "7")
    assert final_w(lines) == 7.0
    assert field(lines, "Last batch loss: ").startswith("Last batch loss: none")


# bad options


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["experiment", "--lr", "-1"], "--lr must be >= 0"),
        (["experiment", "--lr", "-1", "--schedule", "inverse_time"], "--lr must be >= 0"),
        (["experiment", "--loss", "l3"], "invalid choice: 'l3'"),
        (["experiment", "--epochs", "-1"], "--epochs must be an integer >= 0"),
        (["experiment", "--epochs", "2.5"], "invalid int value: '2.5'"),
        (["experiment", "--lr", "fast"], "invalid float value: 'fast'"),
        (["experiment", "--noise", "-1"], "--noise must be >= 0"),
        (["experiment", "--noise", "nan"], "--noise must be finite"),
        (["experiment", "--w0", "inf"], "--w0 must hold finite numbers"),
        (["experiment", "--n", "0"], "--n must be an integer >= 1"),
        (["experiment", "--batch-size", "0"], "--batch-size must be an integer >= 1"),
        (["experiment", "--schedule", "exponential", "--rate", "1.5"], "--rate must be <= 1"),
        (["experiment", "--schedule", "inverse_time", "--decay", "-1"], "--decay must be >= 0"),
        (["experiment", "--decay", "0.1"], "--decay applies to --schedule inverse_time only"),
        (["experiment", "--rate", "0.9"], "--rate applies to --schedule exponential only"),
        (["experiment", "--loss", "huber", "--delta", "0"], "--delta must be > 0"),
        (["experiment", "--delta", "2"], "--delta applies to --loss huber only"),
        (["experiment", "--seed", "-1"], "must be an integer >= 0"),
        (["experiment", "--save", "figure.pdf"], "must be a .png file name"),
        (["experiment", "--save", "no/such/dir/figure.png"], "does not exist"),
        (["experiment", "--epochs", str(10**8)], "--epochs makes the run too long"),
        (["experiment", "--epochs", str(10**20)], "--epochs makes the run too long"),
        (["experiment", "--n", str(10**7)], "--n must be at most 1,000,000"),
        (["experiment", "--schedule", "exponential", "--rate", "0"], "--rate must be > 0"),
        (["experiment", "--bogus"], "unrecognized arguments: --bogus"),
        (["plot"], "invalid choice: 'plot'"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("l1l2")
    assert ": error: " in err
    assert fragment in err
    assert "nan" not in err.split(": error: ")[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["--schedule", "inverse_time", "--decay", "1e308"],
        ["--loss", "l2", "--noise", "1e308", "--seed", "1"],
        ["--loss", "huber", "--noise", "1e300", "--delta", "1e300"],
        ["--w0", "1e308", "--loss", "l2"],
        ["--lr", "1e308", "--schedule", "exponential", "--rate", "5e-324"],
    ],
)
def test_extreme_options_run_without_a_warning_or_a_nan(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    status, lines = run(capsys, "experiment", *argv)  # warnings are errors in the tests
    assert status == 0
    assert not any("nan" in line.lower() for line in lines[1:])
    assert math.isfinite(final_w(lines))


def test_an_experiment_error_names_a_command_that_runs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["experiment", "--lr", "-1"])
    err = capsys.readouterr().err
    match = re.fullmatch(r"l1l2 experiment: error: (.*) \(see '(l1l2 experiment --help)'\)\n", err)
    assert match is not None, err
    suggested = match.group(2).split()[1:]
    with pytest.raises(SystemExit) as exit_info:
        main(suggested)
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: l1l2 experiment ")


class _RewordedError(ValueError):
    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_RewordedError("batch_size", "batch_size has to be positive"), "--batch-size has to be"),
        (_RewordedError("lr0", "the rate lr0 cannot be negative"), "--lr: the rate lr0 cannot be"),
        (_RewordedError("decay", "decay too large"), "--decay too large"),
        (_RewordedError("nothing_known", "nothing_known is odd"), "error: nothing_known is odd"),
        (ValueError("lr is wrong"), "error: lr is wrong"),  # no argument: no option guessed
    ],
)
def test_errors_map_to_options_by_their_argument_not_their_wording(
    capsys: pytest.CaptureFixture[str], error: Exception, expected: str
) -> None:
    from l1l2.cli import _usage_error  # noqa: PLC0415

    experiment = build_parser().parse_args(["experiment"]).parser
    with pytest.raises(SystemExit):
        _usage_error(experiment, error)
    assert expected in capsys.readouterr().err


def first_overflowing_update(lr: float, batch: int, updates: int) -> int | None:
    """The update (from 1) at which noise-free L2 descent from w0 = 20 overflows, in plain floats.

    Every x = 2 and y = 2: a batch of b samples has loss 4 b (w - 1)^2 and moves w - 1 by
    -8 b lr (w - 1), so an update overflows when that loss or the new w is infinite.
    """
    w = SOURCE.w0
    for k in range(1, updates + 1):
        loss = 4.0 * batch * (w - 1.0) ** 2 if abs(w - 1.0) < 1e154 else math.inf
        w_next = w - 8.0 * batch * lr * (w - 1.0)
        if math.isinf(loss) or not math.isfinite(w_next):
            return k
        w = w_next
    return None


@pytest.mark.parametrize(
    ("lr", "extra"),
    [
        ("1", []),
        ("0.5", ["--batch-size", "5", "--epochs", "200"]),
        ("1e306", []),  # w overflows at update 1 while its batch loss is still finite
        ("1e306", ["--n", "2", "--epochs", "1"]),  # ... and that is the only update
    ],
)
def test_divergence_names_the_update_plain_arithmetic_finds(
    capsys: pytest.CaptureFixture[str], lr: str, extra: list[str]
) -> None:
    _, lines = run(capsys, "experiment", "--loss", "l2", "--lr", lr, *extra)
    batch = int(extra[extra.index("--batch-size") + 1]) if "--batch-size" in extra else 2
    n = int(extra[extra.index("--n") + 1]) if "--n" in extra else SOURCE.n
    epochs = int(extra[extra.index("--epochs") + 1]) if "--epochs" in extra else SOURCE.epochs
    steps = epochs * -(-n // batch)
    expected = first_overflowing_update(float(lr), batch, steps)
    assert expected is not None
    diverged = field(lines, "Diverged: ")
    assert f"overflowed at update {expected} of {steps} " in diverged
    assert f"after {expected - 1} updates" in field(lines, "Final last finite estimate: ")


def test_a_run_growing_without_overflow_is_reported_as_diverging(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, lines = run(capsys, "experiment", "--loss", "l2", "--lr", "0.2")
    assert "lr < 0.125" in field(lines, "Diverging: ")
    assert not any(line.startswith("Diverged") for line in lines)


def test_save_under_a_file_says_it_is_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["experiment", "--save", str(blocker / "run.png")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is a file, not a directory" in err
    assert "does not exist" not in err


def test_too_long_a_run_is_refused_before_it_starts(capsys: pytest.CaptureFixture[str]) -> None:
    epochs = MAX_UPDATES // (SOURCE.n // SOURCE.batch_size) + 1
    with pytest.raises(SystemExit):
        main(["experiment", "--epochs", str(epochs)])
    assert f"are {epochs * 10:.3g} updates" in capsys.readouterr().err


def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert re.fullmatch(r"l1l2 \S+\n", capsys.readouterr().out)
    with pytest.raises(SystemExit) as exit_info:
        main(["experiment", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for option in ("--loss", "--noise", "--lr", "--schedule", "--epochs", "--seed", "--save"):
        assert option in help_text


# the saved figure


@pytest.mark.parametrize("loss", ["l1", "signed"])
def test_save_writes_a_png(capsys: pytest.CaptureFixture[str], tmp_path: Path, loss: str) -> None:
    pytest.importorskip("matplotlib")
    path = tmp_path / "run.png"
    status, lines = run(capsys, "experiment", "--loss", loss, "--noise", "5", "--save", str(path))
    assert status == 0
    assert lines[-1] == f"Saved the figures to {path}"
    content = path.read_bytes()
    assert content.startswith(PNG_SIGNATURE)
    assert len(content) > len(PNG_SIGNATURE)


def test_save_does_not_switch_the_pyplot_backend(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    plt = pytest.importorskip("matplotlib.pyplot")
    before = matplotlib.get_backend()
    figures = plt.get_fignums()
    run(capsys, "experiment", "--save", str(tmp_path / "run.png"))
    assert matplotlib.get_backend() == before
    assert plt.get_fignums() == figures


# python -m l1l2


def test_python_m_l1l2_prints_the_apple_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "l1l2"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "Calculating loss...",
        "L1 loss: 6.67",
        "L2 loss: 50.00",
    ]
    assert result.stderr == ""


# where a run diverged: the one reading of a History that the command line and explorer share


@pytest.mark.parametrize(
    ("w", "loss", "expected"),
    [
        # The loss of update 3 overflowed (inf): updates after it record NaN.
        ([5.0, 4.0, 3.0, 3.0, 3.0], [1.0, 1.0, math.inf, math.nan], 3),
        # The loss of update 3 came out NaN (inf - inf), and update 2 did move w.
        ([5.0, 4.0, 3.0, 3.0, 3.0], [1.0, 1.0, math.nan, math.nan], 3),
        # Update 2 overflowed w while its loss was finite: w did not move, update 3 is NaN.
        ([5.0, 4.0, 4.0, 4.0, 4.0], [1.0, 1.0, math.nan, math.nan], 2),
        # The very first update overflowed.
        ([5.0, 5.0, 5.0], [math.inf, math.nan], 1),
        # The last update overflowed w, with a finite loss: nothing after it records NaN.
        ([5.0, 4.0, 4.0], [1.0, 1.0], 2),
    ],
)
def test_diverged_at_reads_the_history(w: list[float], loss: list[float], expected: int) -> None:
    from l1l2._source import diverged_at  # noqa: PLC0415

    h = gd.History(np.array(w)[:, np.newaxis], np.array(loss), np.full(len(loss), 0.1), True, 1)
    assert diverged_at(h) == expected


def test_diverged_at_is_none_for_a_run_that_did_not_overflow() -> None:
    from l1l2._source import diverged_at  # noqa: PLC0415

    x, y = data.linear(SOURCE.n)
    assert diverged_at(gd.fit(x, y, loss="l2", w0=20.0, lr=0.01, batch_size=2, epochs=2)) is None


@pytest.mark.parametrize(
    "module",
    ["l1l2._source", "l1l2.cli", "l1l2.plotting", "l1l2.widgets._canvas", "l1l2.widgets._apple",
     "l1l2.widgets._experiment"],
)  # fmt: skip
def test_user_facing_modules_raise_only_errors_that_carry_their_argument(module: str) -> None:
    # The command line maps an error to its option by the error's argument: every error the
    # user-facing layer raises comes from the shared checks or is an Argument*Error.
    import importlib  # noqa: PLC0415
    import inspect  # noqa: PLC0415

    source = inspect.getsource(importlib.import_module(module))
    assert not re.search(r"raise (ValueError|TypeError)\(", source)


def test_a_rate_that_throws_abs_l1_out_of_range_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    # abs L1's steps have a fixed size: lr = 1e300 never overflows, but w jumps to 4e300 and
    # back, losing every digit, and happens to end 1 from where it settles.
    assert main(["experiment", "--lr", "1e300"]) == 0
    out = capsys.readouterr().out
    assert "the last estimate is 1 away from it" in out
    assert "Left the range: w swung as far as 4e+300 from where it settles" in out
    assert main(["experiment", "--lr", "0.01"]) == 0
    assert "Left the range" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["experiment", "--lr", "1_0"], "argument --lr: invalid float value: '1_0'"),
        (["experiment", "--noise", "\uff15"], "argument --noise: invalid float value: '\uff15'"),
        (["experiment", "--epochs", "2_0"], "argument --epochs: invalid int value: '2_0'"),
        (["experiment", "--n", "\u0662\u0660"], "argument --n: invalid int value"),
        (["experiment", "--seed", "1_0"], "argument --seed: invalid int value: '1_0'"),
    ],
)
def test_number_options_take_plain_decimal_digits_only(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "ends"),
    [
        # sigma = 5, seed 0: 20 targets, x = 2; abs L1's bottom is every w between the middle two
        # targets over 2, and Huber's at delta = 0.1 the same less delta / x at each end.
        (["--loss", "l1", "--noise", "5"], "l1"),
        (["--loss", "huber", "--noise", "5", "--delta", "0.1"], "huber"),
    ],
)
def test_experiment_reports_a_flat_bottom_as_its_ends(
    argv: list[str], ends: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = run(capsys, "experiment", *argv)
    assert status == 0
    y = np.sort(data.linear(20, x=SOURCE.x, w=SOURCE.true_w, noise=5.0, rng=0)[1])
    low, high = y[9] / SOURCE.x, y[10] / SOURCE.x
    if ends == "huber":
        low, high = low + 0.1 / SOURCE.x, high - 0.1 / SOURCE.x
    assert field(lines, "Minimizer: ").startswith(
        f"Minimizer: every w* from {low:.6g} to {high:.6g} ("
    )
