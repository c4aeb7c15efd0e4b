"""The fitted mentor index: eligibility (hard constraints), scores, reasons, suggestions."""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .profiles import (
    MenteeProfile,
    MentorProfile,
    ProfileError,
    Reasons,
    Suggestion,
    UnmatchedReason,
)
from .text import TextIndex, analyze, top_terms
from .vectorize import ProfileSpace, SkillSpace

__all__ = ["MentorIndex"]

REASON_SKILLS = 5
REASON_RELATED = 3
REASON_TERMS = 3
SCORE_UNITS = 1_000_000  # scores equal to six decimals are ties; the mentor id decides
# Teaching a wanted skill outranks any score: a mentor who teaches none of the wanted
# skills comes after every one who teaches one (in suggestions and in the flow's costs).
TEACHES_BONUS = SCORE_UNITS + 1


def score_units(scores: np.ndarray) -> np.ndarray:
    """Scores as integers (× 10⁶): the resolution of ranking ties and of the flow's costs."""
    return np.rint(np.asarray(scores, dtype=np.float64) * SCORE_UNITS).astype(np.int64)


def _check_content(kind: str, profile_id: int, weights: Mapping[str, float], tokens: list[str]):
    if not tokens and not any(weights.values()):
        raise ProfileError(
            kind, profile_id, "text", "holds only stop words and there are no skills"
        )


class Encoded(NamedTuple):
    """Mentees in the mentors' space (`MentorIndex.encode`), one row each in every part."""

    rows: sp.csr_matrix  # the score vectors: a dot product with a mentor row is the score
    wants: sp.csr_matrix  # raw (unexpanded) wanted-skill weights
    words: sp.csr_matrix  # whole-word vectors, for the words named in reasons


def unusable_mentees(mentees: Iterable[MenteeProfile]) -> dict[int, ProfileError]:
    """The mentees `MentorIndex.encode` (and so `pair`) would refuse, and why.

    Lets a caller set them aside before a batch, so the solver runs once.
    """
    refused = {}
    for mentee in mentees:
        try:
            if not any(mentee.wants.values()):
                _check_content("mentee", mentee.id, mentee.wants, analyze(mentee.text))
        except ProfileError as error:
            refused[mentee.id] = error
    return refused


class MentorIndex:
    """Mentors' vectors, fitted once per change of the mentor set (see `IndexCache`).

    Hard constraints are filters, never penalties: a mentor is proposed to a mentee only
    if they share a language, the mentor is available with `capacity_left > 0`, is not
    the mentee themself and is not in the mentee's `excluded_mentors`.
    Raises `ProfileError` for duplicate mentor ids and for a mentor without skills whose
    text holds only stop words.
    """

    def __init__(
        self, mentors: Iterable[MentorProfile], skill_context: Mapping[str, str] | None = None
    ):
        self.mentors: tuple[MentorProfile, ...] = tuple(sorted(mentors, key=lambda m: m.id))
        self.ids = np.array([m.id for m in self.mentors], dtype=np.int64)
        self.row_of = {m.id: row for row, m in enumerate(self.mentors)}
        for before, after in itertools.pairwise(self.mentors):
            if before.id == after.id:
                raise ProfileError("mentor", after.id, "id", "appears more than once")
        tokens = [analyze(m.text) for m in self.mentors]
        for m, found in zip(self.mentors, tokens, strict=True):
            _check_content("mentor", m.id, m.skills, found)
        texts = {m.id: m.text for m in self.mentors}
        self.space = ProfileSpace(
            SkillSpace([m.skills for m in self.mentors], skill_context),
            TextIndex(texts, chars=True, tokens=tokens),
        )
        self.words = TextIndex(texts, tokens=tokens)  # whole words, for the reasons
        taught = self.space.skills.weights(m.skills for m in self.mentors)
        self.matrix = self.space.encode(taught, self.space.text.matrix)
        self.taught = (taught > 0).astype(np.float32).tocsr()
        self._skill_block = self.matrix[:, : self.space.skill_columns].tocsr()
        self._taught_t = self.taught.T.tocsr()
        self._matrix_t = self.matrix.T.tocsr()
        self.eligible = np.array(
            [m.available and m.capacity_left > 0 for m in self.mentors], dtype=bool
        )
        self.capacity = np.array([m.capacity_left for m in self.mentors], dtype=np.int64)
        self.speaks: dict[str, np.ndarray] = {}
        for row, m in enumerate(self.mentors):
            for language in m.languages:
                self.speaks.setdefault(language, np.zeros(len(self.mentors), dtype=bool))[row] = (
                    True
                )

    def __len__(self) -> int:
        return len(self.mentors)

    def encode(self, mentees: Sequence[MenteeProfile]) -> Encoded:
        """Mentees in the mentors' space: score rows, wanted skills and words.

        Raises `ProfileError` for a mentee without wants whose text holds only stop words.
        Skill ids no mentor teaches (and absent from the skill context) are ignored.
        """
        tokens = [analyze(m.text) for m in mentees]
        for mentee, found in zip(mentees, tokens, strict=True):
            _check_content("mentee", mentee.id, mentee.wants, found)
        wants = self.space.skills.weights(m.wants for m in mentees)
        texts = self.space.text.transform_tokens(tokens)
        rows = self.space.encode(self.space.skills.expand(wants), texts)
        return Encoded(rows, wants, self.words.transform_tokens(tokens))

    def language_mask(self, languages: Iterable[str]) -> np.ndarray:
        """Mentors sharing at least one of `languages`, as a boolean array over rows."""
        mask = np.zeros(len(self.mentors), dtype=bool)
        for language in languages:
            if language in self.speaks:
                mask |= self.speaks[language]
        return mask

    def blocked_rows(self, mentee: MenteeProfile) -> list[int]:
        """Rows the mentee may never get: themself and the mentors they excluded."""
        ids = set(mentee.excluded_mentors) | {mentee.id}
        return [self.row_of[i] for i in ids if i in self.row_of]

    def eligible_mask(self, mentee: MenteeProfile) -> np.ndarray:
        """All hard constraints for one mentee, as a boolean array over mentor rows."""
        mask = self.eligible & self.language_mask(mentee.languages)
        mask[self.blocked_rows(mentee)] = False
        return mask

    def scores(self, row: sp.csr_matrix) -> np.ndarray:
        """Scores of one encoded mentee row against every mentor row (float32, in [0, 1])."""
        scores = (row @ self._matrix_t).toarray().ravel()
        return np.clip(scores, 0.0, 1.0, out=scores)

    def suggest(
        self, mentee: MenteeProfile, top: int = 5, min_score: float = 0.0
    ) -> list[Suggestion]:
        """The `top` best eligible mentors for `mentee`, best first (score desc, then mentor
        id); only mentors scoring above 0 and at least `min_score`."""
        encoded = self.encode([mentee])
        scores = self.scores(encoded.rows)
        rows = np.flatnonzero(self.eligible_mask(mentee) & (scores >= min_score) & (scores > 0))
        teaches = (encoded.wants @ self._taught_t).toarray().ravel() > 0
        rows = self.best(rows, scores[rows], top, teaches[rows])
        reasons = self.reasons(encoded, np.zeros(len(rows), dtype=np.int64), rows)
        return [
            Suggestion(int(self.ids[r]), float(scores[r]), why)
            for r, why in zip(rows, reasons, strict=True)
        ]

    @staticmethod
    def best(
        rows: np.ndarray, scores: np.ndarray, top: int, teaches: np.ndarray | None = None
    ) -> np.ndarray:
        """The `top` rows: those that teach a wanted skill (`teaches`, if given) first, then
        by score desc (to six decimals), then row (= mentor id order)."""
        if top <= 0 or len(rows) == 0:
            return rows[:0]
        units = score_units(scores)
        if teaches is not None:
            units += TEACHES_BONUS * teaches.astype(np.int64)
        if len(rows) > top:
            cutoff = np.partition(units, len(units) - top)[len(units) - top]
            keep = units >= cutoff  # everything tied with the cut-off, for the id tie-break
            rows, units = rows[keep], units[keep]
        return rows[np.lexsort((rows, -units))][:top]

    def teaches(
        self, wants: sp.csr_matrix, mentee_rows: np.ndarray, mentor_rows: np.ndarray
    ) -> np.ndarray:
        """For pairs (mentee row i of `wants`, mentor row j): does j teach a skill i wants?"""
        if len(mentee_rows) == 0:
            return np.zeros(0, dtype=bool)
        shared = wants[mentee_rows].multiply(self.taught[mentor_rows])
        return np.asarray(shared.sum(axis=1)).ravel() > 0

    def reasons(
        self, encoded: Encoded, mentee_rows: np.ndarray, mentor_rows: np.ndarray
    ) -> list[Reasons]:
        """Reasons for pairs (mentee row i of `encoded`, mentor row j). Shared terms are
        whole content words both wrote (after markup and stop words are gone), never
        character fragments."""
        ids = self.space.skills.ids
        asked = np.diff(encoded.wants.indptr) > 0
        skill_rows = encoded.rows[:, : self.space.skill_columns].tocsr()
        # per pair, the columns both use, by product of their weights desc, then column
        skills = top_terms(
            skill_rows[mentee_rows].multiply(self._skill_block[mentor_rows]).tocsr(), len(ids)
        )
        terms = top_terms(
            encoded.words[mentee_rows].multiply(self.words.matrix[mentor_rows]).tocsr(),
            REASON_TERMS,
        )
        wants = encoded.wants
        result = []
        for i, shared, words in zip(mentee_rows.tolist(), skills, terms, strict=True):
            wanted = set(wants.indices[wants.indptr[i] : wants.indptr[i + 1]].tolist())
            teaching = tuple(ids[c] for c in shared if c in wanted)
            result.append(
                Reasons(
                    shared_skills=teaching[:REASON_SKILLS],
                    related_skills=tuple(ids[c] for c in shared if c not in wanted)[
                        :REASON_RELATED
                    ],
                    shared_terms=self.words.display(words),
                    teaches_none_wanted=bool(asked[i]) and not teaching,
                )
            )
        return result

    def unmatched_reasons(
        self,
        mentees: Sequence[MenteeProfile],
        encoded: sp.csr_matrix,
        had_candidates: Sequence[bool],
        min_score: float,
    ) -> list[UnmatchedReason]:
        """Why each of `mentees` (left unmatched by a batch run; `encoded` rows alike) has
        no mentor. A mentee whose only good mentors are away or full gets NO_CAPACITY."""
        by_languages: dict[frozenset[str], tuple[np.ndarray, np.ndarray, int, int]] = {}
        result = []
        for row, (mentee, had) in enumerate(zip(mentees, had_candidates, strict=True)):
            if had:  # an eligible mentor scored high enough, but better pairs took them all
                result.append(UnmatchedReason.NO_CAPACITY)
                continue
            if mentee.languages not in by_languages:
                speaks = self.language_mask(mentee.languages)
                open_ = speaks & self.eligible
                by_languages[mentee.languages] = (
                    speaks,
                    open_,
                    int(speaks.sum()),
                    int(open_.sum()),
                )
            speaks, open_, n_speaks, n_open = by_languages[mentee.languages]
            blocked = self.blocked_rows(mentee)
            own = [self.row_of[mentee.id]] if mentee.id in self.row_of else []
            if len(self.mentors) == len(own):
                result.append(UnmatchedReason.NO_MENTORS)
            elif n_speaks <= speaks[own].sum():
                result.append(UnmatchedReason.NO_SHARED_LANGUAGE)
            elif n_speaks <= speaks[blocked].sum():
                result.append(UnmatchedReason.ALL_EXCLUDED)
            elif (
                n_open <= open_[blocked].sum()
                or had
                or self._fits_someone_busy(encoded[row], speaks, blocked, min_score)
            ):
                result.append(UnmatchedReason.NO_CAPACITY)
            else:
                result.append(UnmatchedReason.BELOW_THRESHOLD)
        return result

    def _fits_someone_busy(
        self, row: sp.csr_matrix, speaks: np.ndarray, blocked: list[int], min_score: float
    ) -> bool:
        scores = self.scores(row)
        suitable = speaks & ~self.eligible & (scores >= min_score) & (scores > 0)
        suitable[blocked] = False
        return bool(suitable.any())
