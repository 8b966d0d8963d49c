"""The vocabulary table is the one source of names, labels, colours and line styles."""

from __future__ import annotations

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from l1l2 import _source, gd, losses, plotting, schedules, vocabulary


def test_every_loss_of_the_table_has_formulas_and_nothing_else_does():
    assert tuple(losses.LOSSES) == tuple(vocabulary.LOSSES)
    assert tuple(vocabulary.LOSSES) == ("signed", "l1", "l2", "huber", "quantile")
    for name, row in vocabulary.LOSSES.items():
        assert losses.LOSSES[name].label == row.label
        assert losses.LOSSES[name].uses_delta == ("delta" in row.parameters)
        assert losses.LOSSES[name].uses_quantile == ("quantile" in row.parameters)
        assert row.value
        assert row.derivative


def test_where_a_loss_is_offered_is_a_column_of_its_row():
    # Descent and the one-weight chapters offer the rows marked `descent`; solve every row with
    # a minimiser. The pinball loss takes a quantile that descent does not pass: solve only.
    assert vocabulary.LOSS_NAMES == ("signed", "l1", "l2", "huber")
    assert tuple(n for n, r in vocabulary.LOSSES.items() if r.descent) == vocabulary.LOSS_NAMES
    assert vocabulary.SOLVE_NAMES == ("l1", "l2", "huber", "quantile")
    assert tuple(n for n, r in vocabulary.LOSSES.items() if r.settles) == vocabulary.SOLVE_NAMES
    assert losses.LOSS_NAMES == gd.LOSS_NAMES == vocabulary.LOSS_NAMES


def test_the_losses_that_settle_are_those_with_a_minimizer():
    assert vocabulary.SETTLING == ("l1", "l2", "huber")
    assert tuple(n for n, loss in losses.LOSSES.items() if loss.settle) == vocabulary.SETTLING
    assert gd.SETTLING == vocabulary.SETTLING


def test_messages_list_the_names_of_the_table():
    listed = ", ".join(map(repr, vocabulary.LOSS_NAMES))
    with pytest.raises(ValueError, match=f"^loss must be one of {re.escape(listed)}, got 'l3'"):
        gd.descend([1.0, 2.0], [1.0, 2.0], loss="l3", lr=0.1, epochs=1)
    kinds = ", ".join(map(repr, vocabulary.SCHEDULE_NAMES))
    with pytest.raises(ValueError, match=f"^name must be one of {re.escape(kinds)}"):
        schedules.Schedule("cosine", 0.1)  # type: ignore[arg-type]


def test_schedule_defaults_come_from_the_table():
    assert _source.SCHEDULE_KINDS == vocabulary.SCHEDULE_NAMES == schedules.SCHEDULE_NAMES
    assert (
        _source.DEFAULT_DECAY == vocabulary.SCHEDULES["inverse_time"].defaults["decay"] == 1 / 2000
    )
    assert _source.DEFAULT_RATE == vocabulary.SCHEDULES["exponential"].defaults["rate"] == 0.999


def test_every_colour_is_a_palette_colour_and_the_losses_differ():
    palette = set(vocabulary.PALETTE.values())
    rows = [
        *vocabulary.LOSSES.values(),
        *vocabulary.SCHEDULES.values(),
        *vocabulary.REFERENCES.values(),
    ]
    assert {row.color for row in rows} <= palette
    assert set(vocabulary.CYCLE) <= palette
    assert len({row.color for row in vocabulary.LOSSES.values()}) == len(vocabulary.LOSSES)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", colour) for colour in palette)


def test_plotting_reads_its_colours_and_labels_from_the_table():
    for name, row in vocabulary.LOSSES.items():
        assert plotting.color_for(name) == row.color
        assert plotting.label_for(name) == row.label


def test_reference_lines_are_drawn_in_the_style_of_their_row():
    history = gd.fit(
        np.full(4, 2.0), np.full(4, 2.0), loss="l2", w0=5.0, lr=0.01, batch_size=2, epochs=2
    )
    figure, ax = plt.subplots()
    try:
        plotting.plot_w(history, true_w=1.0, settle=1.5, ax=ax)
        for gid, value in (("true_w", 1.0), ("settle", 1.5)):
            row = vocabulary.REFERENCES[gid]
            (line,) = [artist for artist in ax.get_lines() if artist.get_gid() == gid]
            assert mpl.colors.to_hex(line.get_color()).upper() == row.color
            styled = mpl.lines.Line2D([], [], linestyle=row.linestyle)
            assert line._unscaled_dash_pattern == styled._unscaled_dash_pattern
            assert line.get_label() == row.label.format(value)
    finally:
        plt.close(figure)
