"""The ``l1l2`` command line: the apple-harvest example, the w-estimation experiment and line fits.

Run ``l1l2`` (or ``python -m l1l2``) to print the apple example, and ``l1l2 experiment --help`` for
the descent experiment. Every number comes from :mod:`l1l2.losses` and :func:`l1l2.gd.fit`.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import math
import os
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, cast

import numpy as np

from l1l2 import __version__, _source, data, gd, losses, regression, schedules, vocabulary
from l1l2._source import Status
from l1l2.experiments import SOURCE, huber_interval, l1_interval

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["build_parser", "main"]

PROG: Final = "l1l2"
#: The most characters of the reader's input that an error message quotes.
QUOTE_LIMIT: Final = 80
# A quoted piece of input in an argparse message ('...'), to be cut to QUOTE_LIMIT characters.
_QUOTED: Final = re.compile(rf"'([^']{{{QUOTE_LIMIT + 1},}})'")
#: Exit status after the reader closed the pipe we print to (``l1l2 ... | head -1``): 128 plus
#: SIGPIPE, as for any Unix tool cut off, so ``set -o pipefail`` scripts see the same.
EXIT_CLOSED_PIPE: Final = 141
#: The most updates and samples one ``l1l2 experiment`` runs (a few seconds at the limit): larger
#: runs are refused up front instead of running for minutes or exhausting memory.
MAX_UPDATES: Final = gd.MAX_UPDATES
MAX_SAMPLES: Final = 10**6
MAX_SAMPLE_UPDATES: Final = gd.MAX_TERMS  # epochs times samples: the gradient terms computed
#: The largest CSV file ``l1l2 fit`` reads (it holds the file's rows in memory while parsing).
MAX_CSV_BYTES: Final = 256 * 2**20
#: The losses ``l1l2 fit --loss all`` fits: every loss ``solve`` fits with no parameter the
#: caller must give (the pinball loss needs ``--quantile``).
FIT_ALL: Final = tuple(
    name for name in vocabulary.SOLVE_NAMES if not vocabulary.LOSSES[name].required
)
# Integers beyond this are not all held exactly by a float64 (2**53 + 1 is not).
_EXACT_INTEGERS: Final = 2**53
# A number as a CSV cell or an option may hold it: plain ASCII decimal digits with an optional
# sign, point and exponent. Not Python's other spellings (1_000, fullwidth or other Unicode
# digits), which another program reading the same file would not take for the same number.
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# The blanks around a number that are dropped: not a line break inside a quoted field ("4\n")
# or Unicode spaces (no-break space), which str.strip would also drop.
_ASCII_BLANKS: Final = " \t"

# Which option stands behind each argument of the package's functions (the ``argument`` of the
# errors they raise). The functions the experiment calls name their arguments as below.
_OPTION_OF: Final = {
    "lr": "--lr",  # schedules.constant
    "lr0": "--lr",  # schedules.inverse_time, schedules.exponential
    "decay": "--decay",
    "rate": "--rate",
    "noise": "--noise",  # data.linear
    "y": "--noise",  # the targets: 2 plus noise, so only the noise can make them non-finite
    "n": "--n",
    "w0": "--w0",  # gd.fit
    "epochs": "--epochs",
    "batch_size": "--batch-size",
    "delta": "--delta",
    "reduction": "--reduction",
    "loss": "--loss",
    "schedule": "--schedule",
}
# The same for ``l1l2 fit``, whose data are the CSV's columns (regression.solve's X and y).
_FIT_OPTION_OF: Final = {
    "X": "--x",
    "y": "--y",
    "delta": "--delta",
    "quantile": "--quantile",
    "loss": "--loss",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        """Print the message as one line, its quoted input cut to QUOTE_LIMIT; exit 2."""
        line = _QUOTED.sub(lambda m: _quote(m.group(1)), " ".join(message.split()))
        self.exit(2, f"{self.prog}: error: {line} (see '{self.prog} --help')\n")


def _quote(text: str) -> str:
    """``repr`` of a piece of input, at most :data:`QUOTE_LIMIT` characters of it."""
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[: QUOTE_LIMIT - 3]!r}... ({len(text):,} characters)"


def _plain_float(text: str) -> float:
    """Parse a number option written in plain ASCII decimal digits, as CSV data must be.

    ``inf`` and ``nan`` pass, for the package's own checks to refuse with their reason.
    """
    word = text.strip(_ASCII_BLANKS)
    plain = _PLAIN_NUMBER.fullmatch(word) is not None
    if not plain and word.lower().lstrip("+-") not in {"inf", "infinity", "nan"}:
        raise argparse.ArgumentTypeError(
            f"invalid float value: {_quote(text)} (plain decimal digits, such as -12.5 or 3e4)"
        )
    number = float(word)
    if plain and (problem := _lost_digits(word, number, "give a number float64 holds")):
        raise argparse.ArgumentTypeError(f"invalid float value: {problem}")
    return number


def _delta(text: str) -> float | str:
    """Parse ``--delta`` of ``fit``: ``auto`` or a number option."""
    return "auto" if text.strip(_ASCII_BLANKS) == "auto" else _plain_float(text)


def _plain_int(text: str) -> int:
    """Parse an integer option written in plain ASCII decimal digits."""
    if re.fullmatch(r"[+-]?[0-9]+", text.strip(_ASCII_BLANKS)) is None:
        raise argparse.ArgumentTypeError(
            f"invalid int value: {_quote(text)} (plain decimal digits, such as 200)"
        )
    return int(text)


def _seed(text: str) -> int:
    """Parse a random seed: an integer >= 0."""
    try:
        value = _plain_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {value}")
    return value


def _png_path(text: str) -> Path:
    """Parse the ``--save`` path: a ``.png`` file in an existing directory it can write to."""
    path = Path(text)
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"must be a .png file name, got {_quote(text)}")
    parent = path.parent
    # The first ancestor that exists says why the file cannot be made there.
    existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise argparse.ArgumentTypeError(
            f"{str(existing)!r} is a file, not a directory, so {text!r} cannot be made"
        )
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"directory {str(parent)!r} does not exist")
    if path.is_symlink():
        raise argparse.ArgumentTypeError(
            f"{_quote(text)} is a symbolic link: l1l2 never writes through one; give the path "
            "of the file itself"
        )
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{_quote(text)} is a directory, not a file name")
    if not os.access(parent, os.W_OK):
        raise argparse.ArgumentTypeError(f"directory {str(parent)!r} is not writable")
    return path


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``l1l2`` command, with its subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The parser. The parsed namespace holds ``command`` (``"apple"``, ``"experiment"`` or
        ``"fit"``) and ``parser``, the (sub)parser that reports errors for that command.

    Examples
    --------
    >>> build_parser().parse_args(["experiment", "--loss", "l2"]).loss
    'l2'

    """
    parser = _Parser(
        prog=PROG,
        usage="%(prog)s [-h] [--version] [apple | experiment [options] | fit FILE.csv [options]]",
        description=(
            "L1 versus L2 loss from the command line. Without a subcommand, prints the "
            "apple-harvest example (the same as 'l1l2 apple')."
        ),
        epilog="Run 'l1l2 experiment --help' for the gradient-descent experiment's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(command="apple", parser=parser)
    commands = parser.add_subparsers(title="subcommands", metavar="{apple,experiment,fit}")
    _add_command(
        commands,
        "apple",
        help="print L1 and L2 loss of the apple-harvest example (the default)",
        description=(
            "Compute L1 (mean absolute error) and L2 (mean squared error) for a true harvest of "
            "100 apples and the predictions 90, 95 and 105."
        ),
    )
    _add_experiment_parser(commands)
    _add_fit_parser(commands)
    return parser


def _add_command(
    commands: argparse._SubParsersAction[_Parser], name: str, **settings: Any
) -> argparse.ArgumentParser:
    """Register the subcommand ``name``; its namespace names it and the parser of its errors."""
    command = commands.add_parser(name, **settings)
    command.set_defaults(command=name, parser=command)
    return command


def _add_save_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--save PATH.png``, to save ``what``, and ``--force``."""
    parser.add_argument(
        "--save",
        type=_png_path,
        metavar="PATH.png",
        help=f"also save {what} to this PNG file (needs matplotlib)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the --save file if it exists (never through a symbolic link)",
    )


def _add_experiment_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """Register ``l1l2 experiment`` and its options."""
    experiment = _add_command(
        commands,
        "experiment",
        prog=f"{PROG} experiment",
        help="estimate w in y = w*x by mini-batch gradient descent",
        description=(
            f"Fit y = w*x by mini-batch gradient descent on n samples with x = {SOURCE.x:g} and\n"
            f"true w = {SOURCE.true_w:g} (so y = {SOURCE.true_w * SOURCE.x:g} plus Gaussian "
            "noise), starting from w0, and print\nwhere the estimate ends and where descent on "
            "that loss settles.\nThe defaults reproduce the book's experiment: the batch loss is "
            f"a {SOURCE.reduction} over\nbatches of {SOURCE.batch_size}, lr = {SOURCE.lr:g}, "
            f"{SOURCE.epochs} epochs ({SOURCE.epochs * SOURCE.n // SOURCE.batch_size} updates). "
            f"At most {MAX_UPDATES:,} updates\nand {MAX_SAMPLES:,} samples."
        ),
        epilog=(
            "examples:\n"
            "  l1l2 experiment --loss signed                 # no minimum: w runs away\n"
            "  l1l2 experiment --loss l2 --noise 5 --save l2.png\n"
            "  l1l2 experiment --lr 0.01 --schedule inverse_time --decay 0.0005 --epochs 200\n"
            "  l1l2 experiment --loss l2 --lr 1              # too large: diverges"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_loss_options(experiment)
    _add_run_options(experiment)
    _add_save_options(experiment, "the loss and the estimate of w per update, side by side,")


def _add_loss_options(experiment: argparse.ArgumentParser) -> None:
    """The experiment's loss, noise and learning-rate options."""
    experiment.add_argument(
        "--loss",
        choices=losses.LOSS_NAMES,
        default="l1",
        help="'signed' is sum(y_pred - y) with no absolute value, 'l1' its absolute value, "
        "'l2' the squared error, 'huber' quadratic within --delta and linear beyond "
        "(default: %(default)s)",
    )
    experiment.add_argument(
        "--noise",
        type=_plain_float,
        default=0.0,
        metavar="SIGMA",
        help="standard deviation of the Gaussian noise added to y (default: %(default)g)",
    )
    experiment.add_argument(
        "--lr",
        type=_plain_float,
        default=SOURCE.lr,
        help="learning rate at step 0 (default: %(default)g)",
    )
    experiment.add_argument(
        "--schedule",
        choices=_source.SCHEDULE_KINDS,
        default="constant",
        help="learning rate at step t: lr, lr / (1 + decay*t), or lr * rate**t "
        "(default: %(default)s)",
    )
    experiment.add_argument(
        "--decay",
        type=_plain_float,
        help=f"decay d for --schedule inverse_time (default: {_source.DEFAULT_DECAY:g} = 1/2000)",
    )
    experiment.add_argument(
        "--rate",
        type=_plain_float,
        help="factor r per step for --schedule exponential, 0 < r <= 1 "
        f"(default: {_source.DEFAULT_RATE:g})",
    )
    experiment.add_argument(
        "--delta",
        type=_plain_float,
        help=f"Huber threshold, for --loss huber (default: {SOURCE.delta:g})",
    )


def _add_run_options(experiment: argparse.ArgumentParser) -> None:
    """The experiment's size, start and seed options."""
    # The run's size and start, with the book's experiment (SOURCE) as defaults.
    for flag, parse, text in (
        ("--epochs", _plain_int, "passes over the data (default: %(default)s)"),
        ("--batch-size", _plain_int, "samples per update (default: %(default)s)"),
        ("--n", _plain_int, "number of samples (default: %(default)s)"),
        ("--w0", _plain_float, "starting estimate of w (default: %(default)g)"),
    ):
        default = getattr(SOURCE, flag[2:].replace("-", "_"))
        experiment.add_argument(flag, type=parse, default=default, help=text)
    experiment.add_argument(
        "--reduction",
        choices=("sum", "mean"),
        default=SOURCE.reduction,
        help="whether the batch loss adds up or averages the per-sample losses "
        "(default: %(default)s, as in the book's experiment)",
    )
    experiment.add_argument(
        "--seed", type=_seed, default=0, help="seed of the noise, >= 0 (default: %(default)s)"
    )


def _add_fit_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    """Register ``l1l2 fit FILE.csv --x COLUMN --y COLUMN``: a line through a reader's data."""
    fit = _add_command(
        commands,
        "fit",
        prog=f"{PROG} fit",
        help="fit a straight line y = intercept + slope * x to two columns of a CSV file",
        description=(
            "Fit the line y = intercept + slope * x that minimises the total L1, L2, Huber or\n"
            "pinball (quantile) loss over the rows of a CSV file (first line: column names),\n"
            "exactly, with l1l2.regression.solve, and print its intercept, slope and total loss."
        ),
        epilog="example:\n  l1l2 fit phones.csv --x year --y calls --loss all --save lines.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument("file", type=Path, metavar="FILE.csv", help="the data, with a header row")
    fit.add_argument("--x", required=True, metavar="COLUMN", help="the column of the inputs")
    fit.add_argument("--y", required=True, metavar="COLUMN", help="the column of the targets")
    fit.add_argument(
        "--loss",
        choices=(*vocabulary.SOLVE_NAMES, "all"),
        default="all",
        help=f"the loss to minimise, or all of {', '.join(FIT_ALL)} (default: %(default)s); "
        "quantile is the pinball loss of --quantile",
    )
    fit.add_argument(
        "--quantile",
        type=_plain_float,
        metavar="Q",
        help="the quantile q, from 1e-6 to 1 - 1e-6, for --loss quantile (0.5: the median line)",
    )
    fit.add_argument(
        "--delta",
        type=_delta,
        help="Huber threshold in units of y, for --loss huber or all (default: auto, "
        "1.345 times the abs-L1 line's robust residual scale, so it follows y's units)",
    )
    _add_save_options(fit, "the data and the fitted lines")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``l1l2`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 if the figure could not be saved. Wrong options exit with status 2
        (``SystemExit``) after a one-line message on stderr.

    Examples
    --------
    >>> main([])
    Calculating loss...
    L1 loss: 6.67
    L2 loss: 50.00
    Observation: L2 is not larger because of the big error: L1 is in apples, L2 in apples
    squared (three errors of 10 would give L1 = 10 and L2 = 100). On one scale, RMSE = 7.07
    apples against L1 = 6.67 apples. Squaring shows in the shares: the error of 10 is 50% of L1
    but 67% of L2.
    0

    """
    try:
        status = _run(argv)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading (``l1l2 ... | head -1``)
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    except OSError as exc:  # a full disk, a failing device, or no standard output at all
        _silence_stdout()
        print(f"{PROG}: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return status


def _run(argv: Sequence[str] | None) -> int:
    """Parse the arguments and run the command they name."""
    args = build_parser().parse_args(argv)
    if sys.stdout is None:  # started with standard output closed (``l1l2 >&-``)
        raise OSError(errno.EBADF, "standard output is closed")
    if args.command == "experiment":
        return _experiment(args, args.parser)
    if args.command == "fit":
        return _fit(args, args.parser)
    _apple()
    return 0


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the exit flush cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (captured output)
        pass


def _apple() -> None:
    """Print the apple-harvest example."""
    y_true, y_pred = data.apple_harvest()
    print("Calculating loss...")
    mae = losses.l1(y_true, y_pred)
    mse = losses.l2(y_true, y_pred)
    print(f"L1 loss: {mae:.2f}")
    print(f"L2 loss: {mse:.2f}")
    sizes = [abs(t - p) for t, p in zip(y_true, y_pred, strict=True)]
    big = max(sizes)
    share_l1 = big / sum(sizes)
    share_l2 = big**2 / sum(size**2 for size in sizes)
    print(
        "Observation: L2 is not larger because of the big error: L1 is in apples, L2 in apples "
        "squared (three errors of 10 would give L1 = 10 and L2 = 100). On one scale, "
        f"RMSE = {math.sqrt(mse):.2f} apples against L1 = {mae:.2f} apples. Squaring shows in the "
        f"shares: the error of {big:g} is {share_l1:.0%} of L1 but {share_l2:.0%} of L2."
    )


def _usage_error(
    parser: argparse.ArgumentParser, exc: Exception, options: Mapping[str, str] = _OPTION_OF
) -> NoReturn:
    """Report an l1l2 error as a usage error naming the option behind its ``argument`` (exit 2)."""
    # The command line's words for the package's: --loss l1, not loss='l1'.
    message = re.sub(r"\bloss='(\w+)'", r"--loss \1", " ".join(str(exc).split()))
    argument = getattr(exc, "argument", None)
    if isinstance(argument, str) and argument in options:
        option = options[argument]
        named = message.startswith(f"{argument} ")
        message = f"{option} {message[len(argument) + 1 :]}" if named else f"{option}: {message}"
    parser.error(message)


def _schedule(args: argparse.Namespace, parser: argparse.ArgumentParser) -> schedules.Schedule:
    """Build the learning-rate schedule the options ask for."""
    if args.decay is not None and args.schedule != "inverse_time":
        parser.error("--decay applies to --schedule inverse_time only")
    if args.rate is not None and args.schedule != "exponential":
        parser.error("--rate applies to --schedule exponential only")
    return _source.make_schedule(
        args.schedule,
        args.lr,
        decay=_source.DEFAULT_DECAY if args.decay is None else args.decay,
        rate=_source.DEFAULT_RATE if args.rate is None else args.rate,
    )


def _check_size(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse, before anything runs, an experiment too large to finish in seconds."""
    if args.n > MAX_SAMPLES:
        parser.error(f"--n must be at most {MAX_SAMPLES:,} samples, got {args.n:,}")
    if args.n >= 1 and args.batch_size >= 1 and args.epochs >= 0:
        per_epoch = -(-args.n // args.batch_size)
        updates = args.epochs * per_epoch
        if updates > MAX_UPDATES:
            parser.error(
                f"--epochs makes the run too long: {args.epochs:,} epochs of {per_epoch:,} "
                f"updates are {updates:.3g} updates, at most {MAX_UPDATES:,} are allowed; "
                "make --epochs smaller"
            )
        if args.epochs * args.n > MAX_SAMPLE_UPDATES:
            parser.error(
                f"--epochs makes the run too long: {args.epochs:,} passes over {args.n:,} "
                f"samples are {args.epochs * args.n:.3g} gradient terms, at most "
                f"{MAX_SAMPLE_UPDATES:.0e} are allowed; make --epochs smaller"
            )


def _experiment(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run the descent experiment, print its outcome, and save the figure if asked."""
    if args.delta is not None and args.loss != "huber":
        parser.error("--delta applies to --loss huber only")
    delta = SOURCE.delta if args.delta is None else args.delta
    _check_size(args, parser)
    _check_save(args, parser)
    try:
        # Any warning means a number went wrong somewhere: refuse the options instead of
        # printing a result that may be silently wrong.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            schedule = _schedule(args, parser)
            result = _source.run(
                loss=args.loss,
                noise=args.noise,
                lr=schedule,
                w0=args.w0,
                epochs=args.epochs,
                batch_size=args.batch_size,
                seed=args.seed,
                n=args.n,
                reduction=args.reduction,
                delta=delta,
            )
    except (ValueError, TypeError) as exc:
        _usage_error(parser, exc)
    except Warning as exc:
        parser.error(
            f"these options make the computation overflow or lose precision ({exc}); "
            "try less extreme values"
        )
    except MemoryError:
        parser.error("these options need more memory than this machine has; make --n smaller")
    _report(args, schedule, result, delta=delta)
    return 0 if args.save is None else _save_run(args, schedule, result)


def _report(
    args: argparse.Namespace, schedule: schedules.Schedule, result: _source.Run, *, delta: float
) -> None:
    """Print the settings and what the run did."""
    history = result.history
    outcome = _source.outcome(result, w0=args.w0)
    huber = f", delta={_option(delta)}" if args.loss == "huber" else ""
    print(
        f"Experiment: loss={args.loss}{huber}, noise={args.noise:g}, {schedule} "
        f"({args.schedule}), epochs={args.epochs}, batch size={args.batch_size}, n={args.n}, "
        f"w0={args.w0:g}, reduction={args.reduction}, seed={args.seed}"
    )
    which = "last finite estimate" if outcome.status is Status.DIVERGED else "estimate"
    print(
        f"Final {which}: w = {outcome.final_w:.6g} after {outcome.updates} updates "
        f"(true w = {SOURCE.true_w:g})"
    )
    if history.steps:
        last = history.loss[-1]
        shown = f"{last:.6g}" if np.isfinite(last) else "overflowed"
        print(f"Last batch loss: {shown}")
    else:
        print("Last batch loss: none (no updates with --epochs 0)")
    if result.settle is None:
        print(
            "No minimum: the signed loss falls without bound (its gradient is the constant sum "
            f"of x), so w runs away toward -infinity; here it went from {args.w0:g} to "
            f"{outcome.final_w:.6g}, and more epochs only take it further."
        )
    else:
        _report_minimizer(args, result, outcome.final_w, delta)
    _report_stability(args, result, outcome)


def _report_minimizer(
    args: argparse.Namespace, result: _source.Run, final_w: float, delta: float
) -> None:
    """Print where descent on the loss would settle: a point, or the ends of a flat bottom."""
    low = high = float(cast(float, result.settle))
    if args.loss == "l1":  # the weighted median: a whole interval for an even split
        low, high = map(float, l1_interval(result.x, result.y))
    elif args.loss == "huber":  # flat where no sample is within delta and the pulls cancel
        low, high = map(float, huber_interval(result.x, result.y, delta=delta))
    where = vocabulary.LOSSES[args.loss].settles
    if f"{low:.6g}" == f"{high:.6g}":
        point, away = f"w* = {low:.6g}", abs(final_w - low)
        print(
            f"Minimizer: {point} ({where}), where descent on this loss would settle; the last "
            f"estimate is {away:.3g} away from it"
        )
        return
    away = max(low - final_w, final_w - high, 0.0)
    print(
        f"Minimizer: every w* from {low:.6g} to {high:.6g} ({where}: the total is flat there), "
        f"where descent on this loss would settle; the last estimate is {away:.3g} away from "
        "that range"
    )


def _report_stability(
    args: argparse.Namespace, result: _source.Run, outcome: _source.Outcome
) -> None:
    """Say whether the run diverged or left the range, and which learning rates settle."""
    limit = _source.stability_limit(
        args.loss, x=result.x, batch_size=args.batch_size, reduction=args.reduction
    )
    hint = "try a smaller --lr" + (
        "" if limit is None else f" (here {args.loss} settles only for --lr < {limit:.3g})"
    )
    if outcome.status is Status.DIVERGED:
        print(
            f"Diverged: the run overflowed at update {outcome.diverged_at} of "
            f"{result.history.steps} and w stopped at its last finite value; {hint}."
        )
    elif outcome.status is Status.DIVERGING:
        print(
            f"Diverging: w ends {outcome.distance:.3g} away from where it settles, over "
            f"{_source.GROWTH:g} times farther than it started; {hint}."
        )
    elif result.settle is not None:
        # abs L1's steps have a fixed size, so a huge rate never overflows: w jumps out of range
        # and back (losing every digit of where it was) and may end anywhere, even near w*.
        swing = float(np.max(np.abs(result.history.w - result.settle)))
        if swing > _source.GROWTH * max(abs(args.w0 - result.settle), 1.0):
            print(
                f"Left the range: w swung as far as {swing:.3g} from where it settles, over "
                f"{_source.GROWTH:g} times farther than it started, so where it ended means "
                f"nothing; {hint}."
            )


def _fit(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Read two columns of a CSV file, fit the lines asked for, print them, save the figure."""
    if args.delta is not None and args.loss not in {"huber", "all"}:
        parser.error("--delta applies to --loss huber or all only")
    if args.loss == "quantile" and args.quantile is None:
        parser.error("--loss quantile needs --quantile Q, a number from 1e-6 to 1 - 1e-6")
    if args.loss != "quantile" and args.quantile is not None:
        parser.error(f"--quantile applies to --loss quantile only, not --loss {args.loss}")
    _check_save(args, parser)
    x, y = _read_columns(args, parser)
    if x.size < 2:
        parser.error(f"{_quote(str(args.file))} has {x.size} data row(s): a line needs at least 2")
    if x.min() == x.max():
        parser.error(
            f"the --x column {_quote(args.x)} holds one value, {_shown(float(x[0]))}: a line "
            "needs at least two different x"
        )
    chosen = FIT_ALL if args.loss == "all" else (args.loss,)
    try:
        fits = {loss: _solve(x, y, loss, args) for loss in chosen}
    except (ValueError, TypeError) as exc:
        _usage_error(parser, exc, _FIT_OPTION_OF)
    figure = _draw_lines(args, x, y, fits, parser) if args.save is not None else None
    print(f"{args.file}: {x.size} rows, y = {_quote(args.y)}, x = {_quote(args.x)}")
    labels = {loss: loss for loss in fits}
    if "huber" in fits:
        auto = f"auto: {fits['huber'].delta:.6g}"
        labels["huber"] = (
            f"huber (delta={auto if args.delta in (None, 'auto') else _option(args.delta)})"
        )
    if "quantile" in fits:
        labels["quantile"] = f"quantile (q={_option(args.quantile)})"
    width = max(16, *map(len, labels.values()))  # the columns stay aligned with any delta
    print(f"{'loss':{width}s} {'intercept':>14s} {'slope':>14s} {'total loss':>14s}")
    for loss, fit in fits.items():
        # + 0.0: a zero that rounding left negative prints as 0, not -0
        print(
            f"{labels[loss]:{width}s} {fit.intercept + 0.0:14.6g} {fit.slope + 0.0:14.6g} "
            f"{fit.total_loss + 0.0:14.6g}"
        )
    if "l1" in fits and not fits["l1"].unique:
        listed = x.size <= regression.L1_LINES_MAX_N
        print(
            "The l1 line is not unique: other lines fit equally well"
            + (" (l1l2.regression.l1_lines lists them)." if listed else ".")
        )
    if figure is None:
        return 0 if args.save is None else 1
    return _write_png(figure, args.save, "figure", force=args.force)


def _solve(x: np.ndarray, y: np.ndarray, loss: str, args: argparse.Namespace) -> regression.Fit:
    """The fit of one loss, with the options of that loss only."""
    if loss == "huber":
        return regression.solve(x, y, loss=loss, delta=args.delta)
    if loss == "quantile":
        return regression.solve(x, y, loss=loss, quantile=args.quantile)
    return regression.solve(x, y, loss=loss)


def _read_columns(
    args: argparse.Namespace, parser: argparse.ArgumentParser
) -> tuple[np.ndarray, np.ndarray]:
    """The ``--x`` and ``--y`` columns of the CSV file, as exact float64 numbers."""
    import csv  # noqa: PLC0415 - only this command reads files

    name = _quote(str(args.file))
    try:
        size = args.file.stat().st_size
    except OSError as exc:
        parser.error(f"cannot read {name}: {exc.strerror or exc}")
    if size > MAX_CSV_BYTES:
        parser.error(
            f"{name} is {size / 2**20:,.0f} MiB: l1l2 fit reads at most "
            f"{MAX_CSV_BYTES // 2**20} MiB (about 10^7 rows); fit a sample of the rows"
        )
    try:
        with args.file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        parser.error(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}")
    if not rows:
        parser.error(f"{name} is empty: the first line must name the columns")
    header = [column.strip() for column in rows[0]]
    wanted = (args.x, args.y)
    columns = [
        _column_index(header, column, option, name, parser)
        for column, option in zip(wanted, ("--x", "--y"), strict=True)
    ]
    values: list[list[float]] = [[], []]
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue  # an empty line; a line of empty fields (",") is refused below
        if len(row) != len(header):
            # Its values may sit under the wrong names (a comma inside an unquoted number, a
            # missing field), so none is used.
            parser.error(
                f"{name} line {line} has {len(row):,} field(s) but the header names "
                f"{len(header):,} column(s): every row needs one field per column"
            )
        for k, column in enumerate(columns):
            where = f"{name} line {line}, column {_quote(wanted[k])}"
            values[k].append(_number(row[column].strip(_ASCII_BLANKS), where, parser))
    return np.array(values[0]), np.array(values[1])


def _column_index(
    header: list[str], wanted: str, option: str, name: str, parser: argparse.ArgumentParser
) -> int:
    """The position of the column named ``wanted`` (by ``option``): there, and only once."""
    count = header.count(wanted)
    if count == 0:
        listed = ", ".join(header)
        if len(listed) > QUOTE_LIMIT:
            listed = f"{listed[: QUOTE_LIMIT - 3]}... ({len(header):,} columns)"
        parser.error(f"{option}: {name} has no column {_quote(wanted)} (its columns: {listed})")
    if count > 1:
        parser.error(
            f"{option}: {name} has {count} columns named {_quote(wanted)}: rename them so that "
            "the one to use is unambiguous"
        )
    return header.index(wanted)


def _number(cell: str, where: str, parser: argparse.ArgumentParser) -> float:
    """A CSV cell as a finite float64 that keeps every digit written (see :func:`_lost_digits`)."""
    if _PLAIN_NUMBER.fullmatch(cell) is None or not math.isfinite(number := float(cell)):
        parser.error(
            f"{where}: {_quote(cell)} is not a finite number written in plain decimal digits "
            "(such as -12.5 or 3e4)"
        )
    problem = _lost_digits(cell, number)
    if problem is not None:
        parser.error(f"{where}: {problem}")
    return number


def _lost_digits(cell: str, number: float, remedy: str | None = None) -> str | None:
    """Why float64's ``number`` does not keep the digits of ``cell``, or ``None`` if it does.

    Below 2**53 in size float64 holds every integer and rounds only beyond the sixteenth
    significant digit, as every program reading decimals does. Beyond it (or below 2.2e-308,
    where it has fewer digits), a number is refused if float64 would change a digit it is
    written with (``9007199254740993``), and kept if not (``1e300``); a nonzero number float64
    would turn into 0 is refused too. ``remedy`` ends the message (default: for a CSV column).
    """
    import decimal  # noqa: PLC0415 - only this command reads numbers from text

    written = decimal.Decimal(cell)
    if number == 0.0 and written != 0:
        return (
            f"{_quote(cell)} is too small for float64 (below about 5e-324), which "
            f"would read it as 0; {remedy or 'rescale the column first'}"
        )
    tiny = abs(number) < sys.float_info.min  # subnormal: fewer than 53 bits left
    if abs(written) > _EXACT_INTEGERS or tiny:
        digits = len(written.as_tuple().digits)
        kept = decimal.Context(prec=digits).plus(decimal.Decimal(number))
        if kept != written:
            what = "integer" if cell.lstrip("+-").isdigit() else "number"
            where_in_range = (
                f"below {sys.float_info.min:.3g} (float64's full precision)"
                if tiny
                else "beyond 2**53"
            )
            return (
                f"the {what} {_quote(cell)} is {where_in_range} and has more digits "
                f"than float64 holds there, so it would be rounded to {_shown(number)}; "
                f"{remedy or 'subtract an offset or rescale the column first'}"
            )
    return None


def _option(number: float) -> str:
    """A number option in 6 significant digits, or all it has (``1e-320``, not 9.99989e-321)."""
    short, whole = f"{number:g}", repr(number)  # repr: the fewest digits that read back
    return short if float(short) == number and len(short) <= len(whole) else whole


def _shown(number: float) -> str:
    """A float64 beyond 2**53 as the integer it is (up to 25 digits), else in 17 digits."""
    return f"{int(number):d}" if 1.0 <= abs(number) < 1e25 else f"{number:.17g}"


def _check_line_ends(
    x: np.ndarray, fits: dict[str, regression.Fit], parser: argparse.ArgumentParser
) -> None:
    """Exit 2 unless each fitted line has a value at the least and the greatest x to draw.

    Checked before anything is printed: ``predict`` refuses a value that products below the
    smallest normal float64 may have moved by more than a rounding.
    """
    for loss, fit in fits.items():
        try:
            fit.predict(np.array([x.min(), x.max()]))
        except ValueError:
            parser.error(
                f"the {loss} line cannot be drawn for --save: at x = {x.min():.6g} or "
                f"{x.max():.6g} its value is below or near the smallest normal float64 "
                f"({np.finfo(np.float64).tiny:.4g}), where it loses digits; rescale the "
                "columns, or leave out --save"
            )


def _draw_lines(
    args: argparse.Namespace,
    x: np.ndarray,
    y: np.ndarray,
    fits: dict[str, regression.Fit],
    parser: argparse.ArgumentParser,
) -> Figure | None:
    """Draw the data and the fitted lines for ``--save`` before anything is printed, or exit 2.

    ``None`` if matplotlib cannot be imported (said on stderr).
    """
    _check_line_ends(x, fits, parser)
    figure = _agg_figure((6.4, 4.4))
    if figure is None:
        return None
    from l1l2 import plotting  # noqa: PLC0415 - matplotlib is there: _agg_figure imported it

    figure.patch.set_facecolor("white")
    ax = figure.subplots()
    plotting.plot_fits(x, y, list(fits.values()), xlabel=args.x, ylabel=args.y, ax=ax)
    columns = {"x": (x, ax.get_xlim), "y": (y, ax.get_ylim)}
    try:
        with warnings.catch_warnings():  # overflow in Matplotlib's transforms: refused below
            warnings.simplefilter("ignore", RuntimeWarning)
            figure.canvas.draw()
        hidden = [name for name, (v, limits) in columns.items() if not _on_axis(v, limits())]
    except (ValueError, OverflowError):  # ticks of values near 1.8e308: the wider column's
        hidden = [max(columns, key=lambda name: float(np.max(np.abs(columns[name][0]))))]
    if hidden:
        values = columns[hidden[0]][0]
        parser.error(
            f"the figure cannot be drawn for --save: Matplotlib's {hidden[0]} axis cannot show "
            f"values from {_option(float(values.min()))} to {_option(float(values.max()))} "
            f"(--{hidden[0]} "
            f"{_quote(getattr(args, hidden[0]))}); rescale that column, or leave out --save"
        )
    return figure


def _on_axis(values: np.ndarray, limits: tuple[float, float]) -> bool:
    """Whether an axis from ``limits`` shows ``values`` apart, not as one point of a wide axis."""
    low, high = float(values.min()), float(values.max())
    start, end = limits
    if not (math.isfinite(start) and math.isfinite(end) and start <= low and high <= end):
        return False
    return low == high or end - start <= 100.0 * (high - low)


def _save_run(args: argparse.Namespace, schedule: schedules.Schedule, result: _source.Run) -> int:
    """Save the loss and w per update side by side to ``--save``."""
    figure = _agg_figure((10, 4))
    if figure is None:
        return 1
    from l1l2 import plotting  # noqa: PLC0415 - matplotlib is there: _agg_figure imported it

    loss_ax, w_ax = figure.subplots(1, 2)
    label, color = plotting.label_for(args.loss), plotting.color_for(args.loss)
    linestyle = plotting.linestyle_for(args.loss)
    plotting.plot_loss(result.history, ax=loss_ax, label=label, color=color, linestyle=linestyle)
    plotting.plot_w(
        result.history,
        ax=w_ax,
        label=label,
        color=color,
        linestyle=linestyle,
        true_w=SOURCE.true_w,
        settle=result.settle,
    )
    figure.suptitle(
        f"loss={args.loss}, noise={args.noise:g}, {schedule}",
        fontsize=plotting.STYLE["figure.titlesize"],
    )
    return _write_png(figure, args.save, "figures", force=args.force)


def _check_save(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Refuse, before anything runs, ``--save`` without matplotlib, or to replace a file unasked."""
    if args.save is None:
        return
    if importlib.util.find_spec("matplotlib") is None:
        parser.error("--save needs matplotlib: install it with pip install 'l1l2[plot]'")
    if args.save.exists() and not args.force:
        parser.error(f"--save {_quote(str(args.save))} exists: add --force to replace it")


def _agg_figure(size: tuple[float, float]) -> Figure | None:
    """Return an off-screen figure, or say that --save needs matplotlib and return ``None``."""
    # matplotlib is optional (l1l2[plot]) and slow to import: load it only to save a figure.
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as exc:
        print(
            f"{PROG}: error: --save needs matplotlib ({exc}); install it with "
            "pip install 'l1l2[plot]'",
            file=sys.stderr,
        )
        return None
    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _write_png(figure: Figure, path: Path, what: str, *, force: bool) -> int:
    """Write ``figure`` to the PNG file ``path``; return the exit status.

    Never through a symbolic link (``O_NOFOLLOW``), and without ``force`` only to a new file
    (``O_EXCL``), even one made since the options were checked; a half-written file is removed.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if force else os.O_EXCL
    opened = False
    try:
        with os.fdopen(os.open(path, flags, 0o666), "wb") as handle:
            opened = True
            figure.savefig(handle, format="png")
    except OSError as exc:
        if opened and not force:
            path.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        if not opened and exc.errno == errno.EEXIST:
            reason = "it exists; add --force to replace it"
        elif not opened and exc.errno == errno.ELOOP:
            reason = "it is a symbolic link, and l1l2 never writes through one"
        print(f"{PROG}: error: cannot write {_quote(str(path))}: {reason}", file=sys.stderr)
        return 1
    print(f"Saved the {what} to {path}")
    return 0
