"""Usernames in any script, compared the way people read them.

A name is shown NFKC-normalised with inner spaces collapsed. Two names are the same
account when their *key* is equal: the Unicode TR39 skeleton of the case-folded name,
so ``Demo-Coordinator`` and ``demo-cооrdinator`` (with Cyrillic о) share one key. The
*skeleton* of the name as written catches what case folding hides (a capital I that
reads as a lower-case l). Both are unique columns, so the database refuses a
look-alike even when two sign-ups race.

The skeleton comes from disarm's ``skeleton_key`` (TR39 confusables, with I/l/1 and
O/0 folded, bidi and invisible characters removed). disarm promises that a patch
release never changes a key; a minor release may, so the version is pinned to one
minor series and moving to the next one means recomputing both columns.
"""

import unicodedata

MIN_LENGTH, MAX_LENGTH = 2, 64
PUNCTUATION = frozenset(" .-_")
JOINERS = frozenset("\u200c\u200d")  # needed inside words in Persian, Hindi and others


def normalize(raw: str) -> str:
    """The username as shown: NFKC-normalised, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def _skeleton_key(text: str) -> str:
    """disarm's TR39 skeleton; disarm (its confusables table) loads on first use, not
    with the models every command imports."""
    from disarm import skeleton_key

    return skeleton_key(text, digit_policy="tr39")


def key(raw: str) -> str:
    """What two names must not share: the skeleton of the case-folded name."""
    return _skeleton_key(normalize(raw).casefold())


def skeleton(raw: str) -> str:
    """The skeleton of the name as written, before case folding."""
    return _skeleton_key(normalize(raw))


def is_well_formed(name: str) -> bool:
    """Letters (with their marks) and digits of any script, and `` .-_`` between them.

    The first character is a letter or a digit, so a name cannot start with a
    combining mark or look like punctuation; format and control characters other
    than the zero-width joiners are refused, which keeps bidi overrides out.
    """
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH or not _starts_a_word(name[0]):
        return False
    return all(_allowed(char) for char in name)


def _starts_a_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _allowed(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in PUNCTUATION or char in JOINERS
