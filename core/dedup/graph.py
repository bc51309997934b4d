"""Clustering machinery shared by the levels: components, average link inside them, the level's rows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

from core.dedup.params import (
    LINKAGE_METHOD,
    MAX_COMPONENT,
    REPRESENTATIVE_RULE,
)


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = sp.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _cluster_nodes(
    n: int,
    edge_a: np.ndarray,
    edge_b: np.ndarray,
    edge_sim: np.ndarray,
    pair_sims: Callable[[np.ndarray], np.ndarray],
    threshold: float,
    floor: float,
) -> np.ndarray:
    """Average-link clusters of `n` nodes; returns a label per node (equal label = same cluster).

    Edges with sim >= floor define components; within a component every pair's similarity comes
    from `pair_sims(members) -> (k, k) matrix`, and groups merge while average link >= threshold.
    The result depends on the threshold only through the cut, so a higher threshold refines.
    """
    labels = np.arange(n, dtype=np.int64)
    if n == 0 or len(edge_a) == 0:
        return labels
    threshold = max(float(threshold), floor)
    keep = edge_sim >= floor
    edge_a, edge_b, edge_sim = edge_a[keep], edge_b[keep], edge_sim[keep]
    if len(edge_a) == 0:
        return labels
    comp = _components(n, edge_a, edge_b)
    sizes = np.bincount(comp)
    # Two-node components (the bulk): one edge, merged iff its similarity reaches the threshold.
    pair_comp = comp[edge_a]
    two = sizes[pair_comp] == 2
    merge = two & (edge_sim >= threshold - 1e-12)
    labels[edge_b[merge]] = labels[edge_a[merge]]
    big = np.flatnonzero(sizes >= 3)
    if len(big) == 0:
        return labels
    order = np.argsort(comp, kind="stable")
    starts = np.searchsorted(comp[order], big)
    for c, s in zip(big, starts, strict=True):
        members = order[s : s + sizes[c]]
        groups = _split_large(members, edge_a, edge_b, edge_sim, comp == c, floor)
        for group in groups:
            if len(group) < 2:
                continue
            sims = np.clip(pair_sims(group), 0.0, 1.0)
            if len(group) == 2:
                if sims[0, 1] >= threshold - 1e-12:
                    labels[group[1]] = labels[group[0]]
                continue
            dist = 1.0 - sims[np.triu_indices(len(group), k=1)]
            tree = linkage(dist, method=LINKAGE_METHOD)
            flat = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
            # label = the smallest node index of each flat cluster (deterministic)
            first: dict[int, int] = {}
            for node, f in zip(group.tolist(), flat.tolist(), strict=True):
                first.setdefault(f, node)
            labels[group] = [first[f] for f in flat.tolist()]
    return labels


def _split_large(
    members: np.ndarray,
    edge_a: np.ndarray,
    edge_b: np.ndarray,
    edge_sim: np.ndarray,
    in_comp_mask: np.ndarray,
    floor: float,
) -> list[np.ndarray]:
    """A component, or (when it exceeds MAX_COMPONENT) its pieces under a raised floor."""
    if len(members) <= MAX_COMPONENT:
        return [np.sort(members)]
    # A giant component is a chain of topic overlaps; a stricter floor (independent of the
    # threshold, so monotonicity holds) cuts the weak links before the quadratic step.
    sel = in_comp_mask[edge_a]
    a, b, s = edge_a[sel], edge_b[sel], edge_sim[sel]
    local = {int(m): i for i, m in enumerate(members.tolist())}
    la = np.fromiter((local[int(x)] for x in a), dtype=np.int64, count=len(a))
    lb = np.fromiter((local[int(x)] for x in b), dtype=np.int64, count=len(b))
    out: list[np.ndarray] = []
    pending = [(np.arange(len(members)), floor + 0.05)]
    while pending:
        idx, fl = pending.pop()
        if len(idx) <= MAX_COMPONENT or fl >= 1.0:
            out.append(np.sort(members[idx]))
            continue
        inside = np.zeros(len(members), dtype=bool)
        inside[idx] = True
        k = inside[la] & inside[lb] & (s >= fl)
        comp = _components(len(members), la[k], lb[k])[idx]
        for c in np.unique(comp):
            pending.append((idx[comp == c], fl + 0.05))
    return out


def _labels_to_article_level(node_of_article: np.ndarray, node_labels: np.ndarray) -> np.ndarray:
    return node_labels[node_of_article]


def _node_representatives(node: np.ndarray, order: np.ndarray, n_nodes: int) -> np.ndarray:
    """Article row of each node's representative: the member with the smallest `order`."""
    best = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, node, order)
    row_of_order = np.empty(len(order), dtype=np.int64)
    row_of_order[order] = np.arange(len(order))
    return row_of_order[best]


def _level_rows(ids: np.ndarray, order: np.ndarray, node: np.ndarray, level: str, sim: np.ndarray) -> pl.DataFrame:
    n_nodes = int(node.max()) + 1
    rep = _node_representatives(node, order, n_nodes)
    size = np.bincount(node, minlength=n_nodes)
    rep_of_article = rep[node]
    is_rep = rep_of_article == np.arange(len(ids))
    sim = np.where(is_rep, 1.0, np.clip(sim, 0.0, 1.0))
    return pl.DataFrame(
        {
            "article_id": ids,
            "level": np.full(len(ids), level),
            "cluster_id": np.char.add(f"{level}-", ids[rep_of_article].astype(str)),
            "similarity": sim.astype(np.float64),
            "is_representative": is_rep,
            "cluster_size": size[node].astype(np.int32),
            "representative_rule": np.full(len(ids), REPRESENTATIVE_RULE),
        }
    )


def _pairs_frame(a: np.ndarray, b: np.ndarray, level: str, sim: np.ndarray, method: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "article_a": pl.Series(a, dtype=pl.String),
            "article_b": pl.Series(b, dtype=pl.String),
            "level": pl.Series([level] * len(a), dtype=pl.String),
            "similarity": pl.Series(np.asarray(sim, dtype=np.float64)),
            "method": pl.Series([method] * len(a), dtype=pl.String),
        }
    )
