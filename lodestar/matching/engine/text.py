"""Goal similarity: TF-IDF vectors of free text, compared by cosine. Offline, numpy + scipy."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"[a-z][a-z0-9+#]*")
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    get got had has have having he her here hers herself him himself his how i if in into is it
    its itself just like me more most my myself need no nor not now of off on once only or
    other our ours out over own really same she should so some such than that the their theirs
    them then there these they this those through to too under until up very want wants was we
    were what when where which while who whom why will with would you your yours yourself learn
    learning help helping grow growing better improve skills skill work working""".split()  # noqa: SIM905 - a word list reads best as text
)


@cache
def _term(word: str) -> str:
    if len(word) < 2 or word in STOPWORDS:
        return ""
    # A light plural fold, so "grants" meets "grant" without a stemmer dependency.
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    return [t for t in map(_term, _TOKEN.findall(text.lower())) if t]


@dataclass(slots=True)
class TfIdf:
    vocabulary: dict[str, int]
    idf: np.ndarray
    terms: list[str]

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]]) -> TfIdf:
        df: dict[str, int] = {}
        for tokens in documents:
            for term in set(tokens):
                df[term] = df.get(term, 0) + 1
        terms = sorted(df)
        n = len(documents)
        idf = np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float64)
        return cls({t: i for i, t in enumerate(terms)}, idf, terms)

    def transform(self, documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Rows L2-normalized, sublinear term frequency; an empty document is a zero row."""
        indptr, indices, data = [0], [], []
        for tokens in documents:
            counts: dict[int, int] = {}
            for term in tokens:
                j = self.vocabulary.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols = sorted(counts)
            indices.extend(cols)
            data.extend(1.0 + math.log(counts[j]) for j in cols)
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(documents), len(self.terms)),
        )
        matrix = matrix.multiply(self.idf[None, :]).tocsr()
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def goal_vectors(
    mentee_texts: Sequence[str], mentor_texts: Sequence[str]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, TfIdf]:
    """TF-IDF vectors of both sides, fitted on both corpora together."""
    mentee_tokens = [tokenize(t) for t in mentee_texts]
    mentor_tokens = [tokenize(t) for t in mentor_texts]
    model = TfIdf.fit(mentee_tokens + mentor_tokens)
    return model.transform(mentee_tokens), model.transform(mentor_tokens), model


def shared_terms(
    a: sparse.csr_matrix, b: sparse.csr_matrix, model: TfIdf, limit: int = 3
) -> list[str]:
    """The terms that contribute most to the cosine of two single-row vectors."""
    product = a.multiply(b).tocoo()
    order = np.argsort(-product.data)[:limit]
    return [model.terms[product.col[k]] for k in order]
