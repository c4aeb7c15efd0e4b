"""Profile vectors: a skill block and a free-text block, scaled so a dot product is the score.

Each block is L2-normalised on its own, then scaled by the square root of its weight, so
the dot product of a mentee row and a mentor row is exactly
``SKILL_WEIGHT × skill cosine + TEXT_WEIGHT × text cosine``, in [0, 1]. A profile with
an empty block simply gets nothing from it (no renormalisation that would let a
text-only profile score as high as a skill match).
"""

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .text import TextIndex, l2_rows

__all__ = ["RELATED_CREDIT", "SKILL_WEIGHT", "TEXT_WEIGHT", "ProfileSpace", "SkillSpace"]

SKILL_WEIGHT = 0.6
TEXT_WEIGHT = 0.4
RELATED_CREDIT = 0.5  # a related skill counts at most half of the skill itself…
RELATED_MIN_SIMILARITY = 0.2  # …and only if the catalog texts are this similar
RELATED_PER_SKILL = 3


class SkillSpace:
    """Catalog skill ids as columns, idf (smooth, as in scikit-learn) fitted on the
    mentors' teachable skills.

    Weights come from the profiles (a mentor's level, a mentee's want), multiplied by
    idf: a skill few mentors teach says more about a pair than one most of them teach.
    With `skill_context` (skill id -> name and track text), each skill gets up to
    `RELATED_PER_SKILL` related skills whose context is similar, so a mentee's want
    spills over, at reduced weight, onto related skills a mentor teaches.
    """

    def __init__(
        self,
        mentor_skills: Sequence[Mapping[str, float]],
        skill_context: Mapping[str, str] | None = None,
    ):
        known = {skill for skills in mentor_skills for skill in skills}
        self.ids: tuple[str, ...] = tuple(sorted(known | set(skill_context or {})))
        self._column = {skill: i for i, skill in enumerate(self.ids)}
        taught = self.weights(mentor_skills)
        document_frequency = np.bincount(taught.indices, minlength=len(self.ids))
        # scikit-learn's smooth idf, as TfidfTransformer computes it
        self.idf = (np.log((1 + taught.shape[0]) / (1 + document_frequency)) + 1).astype(np.float32)
        self.related = self._related(skill_context or {})

    def weights(self, profiles_skills: Iterable[Mapping[str, float]]) -> sp.csr_matrix:
        """Raw weights, one row per profile; skill ids outside the space are dropped."""
        profiles = list(profiles_skills)
        items = [item for skills in profiles for item in skills.items()]
        columns = np.array([self._column.get(skill, -1) for skill, _ in items], dtype=np.int64)
        values = np.array([weight for _, weight in items], dtype=np.float64)
        rows = np.repeat(np.arange(len(profiles)), [len(skills) for skills in profiles])
        keep = (columns >= 0) & (values > 0)
        matrix = sp.csr_matrix(
            (values[keep].astype(np.float32), (rows[keep], columns[keep])),
            shape=(len(profiles), len(self.ids)),
        )
        matrix.sort_indices()
        return matrix

    def transform(self, weights: sp.csr_matrix, norm: float = 1.0) -> sp.csr_matrix:
        """Weights × idf, each row scaled to L2 norm `norm` (an all-zero row stays zero)."""
        weights = weights.tocsr()
        scaled = sp.csr_matrix(
            (weights.data * self.idf[weights.indices], weights.indices, weights.indptr),
            shape=weights.shape,
        )
        return l2_rows(scaled, norm)

    def expand(self, weights: sp.csr_matrix) -> sp.csr_matrix:
        """Each wanted skill also asks, at reduced weight, for its related skills."""
        if self.related.nnz == 0:
            return weights
        return weights.maximum(weights @ self.related).tocsr()

    def _related(self, skill_context: Mapping[str, str]) -> sp.csr_matrix:
        size = len(self.ids)
        if not skill_context:
            return sp.csr_matrix((size, size), dtype=np.float32)
        texts = TextIndex(skill_context)
        similarity = (texts.matrix @ texts.matrix.T).toarray()
        np.fill_diagonal(similarity, 0.0)
        rows, cols, vals = [], [], []
        for i, key in enumerate(texts.keys):
            order = np.lexsort((np.arange(len(texts.keys)), -similarity[i]))[:RELATED_PER_SKILL]
            for j in order:
                if similarity[i, j] >= RELATED_MIN_SIMILARITY:
                    rows.append(self._column[key])
                    cols.append(self._column[texts.keys[j]])
                    vals.append(RELATED_CREDIT * similarity[i, j])
        return sp.csr_matrix((np.array(vals, dtype=np.float32), (rows, cols)), shape=(size, size))


class ProfileSpace:
    """Both blocks side by side; rows of `encode` dot rows of `encode` give the score."""

    def __init__(self, skills: SkillSpace, text: TextIndex):
        self.skills = skills
        self.text = text
        self._skill_scale = np.float32(np.sqrt(SKILL_WEIGHT))
        self._text_scale = np.float32(np.sqrt(TEXT_WEIGHT))

    @property
    def skill_columns(self) -> int:
        return len(self.skills.ids)

    def encode(self, skill_weights: sp.csr_matrix, text_vectors: sp.csr_matrix) -> sp.csr_matrix:
        """Scaled hstack of the L2-normalised skill block and text block (CSR, float32)."""
        text = text_vectors.tocsr()
        blocks = [
            self.skills.transform(skill_weights, self._skill_scale),
            sp.csr_matrix((text.data * self._text_scale, text.indices, text.indptr), text.shape),
        ]
        return sp.hstack(blocks, format="csr", dtype=np.float32)
