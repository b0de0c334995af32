"""What "right", "partly right" and "missed" mean for a mark (a fraction of one point, 0–1).

One definition, with one tolerance, for the cards, the attempt summary, progress, "practise
what I missed", mastery, statistics and the content rules. Fractions are floats: weights such
as 0.06 + 0.86 + 0.08 add up to 0.9999999999999999, which is a full mark.
"""

TOLERANCE = 1e-9


def is_right(fraction):
    """A full mark (within TOLERANCE of 1)."""
    return fraction is not None and fraction >= 1 - TOLERANCE


def is_missed(fraction):
    """Anything short of a full mark, unanswered (None) included: offered again for practice."""
    return not is_right(fraction)


def is_positive(fraction):
    """Earns some credit (more than TOLERANCE)."""
    return fraction is not None and fraction > TOLERANCE


def same(a, b):
    """Two weights that are equal within TOLERANCE."""
    return abs(a - b) < TOLERANCE


def credit(total):
    """A raw total as the credit stored: within 0–1, and exactly 1 when it is a full mark."""
    if is_right(total):
        return 1.0
    return max(0.0, total)


def verdict(fraction):
    if is_right(fraction):
        return "correct"
    return "partly correct" if is_positive(fraction) else "incorrect"
