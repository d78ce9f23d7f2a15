"""Random but realistic table values that satisfy the form's rules.

Small agencies print mostly zeros; most requests come from natural persons; a few
agencies handle thousands of requests; art20 counts range from 0 to millions.
Amounts (采购总金额, 收费金额) are returned as printed number strings, because their
number of decimals is part of what is printed.
"""

from __future__ import annotations

import random

from . import spec

# Relative frequency of each outcome row, as real reports show it.
OUTCOME_WEIGHTS = {
    "granted": 40, "partially_granted": 8, "denied.state_secret": 0.5,
    "denied.prohibited_by_law": 1, "denied.endangers_safety": 0.5,
    "denied.third_party_rights": 1.5, "denied.internal_affairs": 1, "denied.process_info": 1.5,
    "denied.enforcement_files": 1, "denied.administrative_query": 2, "unable.not_held": 25,
    "unable.needs_creation": 2, "unable.unclear": 2, "not_processed.complaint": 4,
    "not_processed.duplicate": 2, "not_processed.publication": 0.5,
    "not_processed.excessive": 0.5, "not_processed.confirmation": 0.5, "other": 6,
    "other.overdue_correction": 3, "other.overdue_fee": 0.3, "other.other": 4,
}


def split(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into len(weights) non-negative parts, roughly proportional to weights."""
    k = len(weights)
    if n <= 0 or sum(weights) <= 0:
        return [0] * k
    if n <= 300:
        counts = [0] * k
        for i in rng.choices(range(k), weights=weights, k=n):
            counts[i] += 1
        return counts
    noisy = [w * rng.uniform(0.7, 1.3) for w in weights]
    total = sum(noisy)
    parts = [int(n * w / total) for w in noisy]
    parts[max(range(k), key=lambda i: noisy[i])] += n - sum(parts)
    return parts


def request_volume(rng: random.Random) -> int:
    """Number of new requests: often 0, usually tens, sometimes thousands."""
    x = rng.random()
    if x < 0.3:
        return 0
    if x < 0.45:
        return rng.randint(1, 5)
    if x < 0.93:
        return min(int(rng.lognormvariate(3.0, 1.2)), 3000)
    return rng.randint(1000, 25000)


def applicant_weights(rng: random.Random) -> list[float]:
    weights = [1.0]
    for scale in (0.15, 0.01, 0.01, 0.04, 0.03):
        weights.append(rng.uniform(0, scale) if rng.random() < 0.45 else 0.0)
    return weights


def outcome_weights(rng: random.Random, template: str) -> list[float]:
    """Per-document weights: each outcome row is active only some of the time."""
    rows = spec.outcome_rows(template)
    out = []
    for r in rows:
        base = OUTCOME_WEIGHTS[r]
        active = r in ("granted", "unable.not_held") or rng.random() < 0.35
        out.append(base * rng.uniform(0.3, 1.7) if active else 0.0)
    return out


def gen_requests(rng: random.Random, template: str) -> dict[str, int]:
    """The requests table: every applicant column balanced, totals summed."""
    rows = spec.row_ids(template, "requests")
    outcomes = spec.outcome_rows(template)
    values = {f"requests.{r}.{c}": 0 for r in rows for c in spec.col_ids(template, "requests")}
    new = split(rng, request_volume(rng), applicant_weights(rng))
    weights = outcome_weights(rng, template)
    for a, n_new in zip(spec.APPLICANTS, new):
        carried = int(n_new * rng.uniform(0, 0.12)) if rng.random() < 0.3 else 0
        forward = int((n_new + carried) * rng.uniform(0, 0.1)) if rng.random() < 0.35 else 0
        for row, n in (("new_received", n_new), ("carried_over", carried), ("carried_forward", forward)):
            values[f"requests.{row}.{a}"] = n
        handled = split(rng, n_new + carried - forward, weights)
        for row, n in zip(outcomes, handled):
            values[f"requests.{row}.{a}"] = n
        values[f"requests.total.{a}"] = sum(handled)
    for r in rows:
        values[f"requests.{r}.total"] = sum(values[f"requests.{r}.{a}"] for a in spec.APPLICANTS)
    return values


def gen_appeals(rng: random.Random) -> dict[str, int]:
    values = {}
    for g, scale in (("review", 3.0), ("litigation_direct", 2.0), ("litigation_after_review", 1.5)):
        busy = rng.random() < 0.45
        parts = [int(rng.expovariate(1 / scale)) if busy and rng.random() < 0.6 else 0 for _ in range(4)]
        if rng.random() < 0.03:
            parts = [p * rng.randint(10, 40) for p in parts]
        for p, v in zip(spec.APPEAL_PARTS, parts):
            values[f"appeals.{g}.{p}"] = v
        values[f"appeals.{g}.total"] = sum(parts)
    return values


def big_count(rng: random.Random, zero_p: float = 0.3) -> int:
    """A count from 0 to about a million, log-uniform."""
    if rng.random() < zero_p:
        return 0
    return int(10 ** rng.uniform(0, 6.3))


def amount_text(rng: random.Random, unit: str) -> str:
    """A money amount as printed: 元 mostly integers, 万元 with 0–4 decimals."""
    if rng.random() < 0.15:
        return "0"
    if unit == "元":
        value = 10 ** rng.uniform(3, 8.5)
        return str(int(value)) if rng.random() < 0.8 else f"{value:.2f}"
    value = 10 ** rng.uniform(-1, 5.5)
    text = f"{value:.{rng.choice([0, 1, 2, 2, 4, 4])}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def gen_art20_2019(rng: random.Random, unit: str) -> dict:
    v = {}
    for row, scale in (("regulations", 0.3), ("normative_documents", 1.3)):
        made = int(10 ** rng.uniform(0, scale)) if rng.random() < 0.5 else 0
        pub = made if rng.random() < 0.8 else rng.randint(0, made)
        v[f"art20_1.{row}.new_made"] = made
        v[f"art20_1.{row}.new_published"] = pub
        v[f"art20_1.{row}.total_published"] = pub + (big_count(rng, 0.4) // 1000)
    for table, rows in (("art20_5", ("administrative_license", "other_services")),
                        ("art20_6", ("administrative_penalty", "administrative_coercion"))):
        for row in rows:
            v[f"{table}.{row}.prev_items"] = int(10 ** rng.uniform(0, 2.8)) if rng.random() < 0.7 else 0
            v[f"{table}.{row}.change"] = rng.randint(-15, 15) if rng.random() < 0.4 else 0
            v[f"{table}.{row}.decisions"] = big_count(rng)
    v["art20_8.administrative_fees.prev_items"] = rng.randint(0, 25) if rng.random() < 0.4 else 0
    v["art20_8.administrative_fees.change"] = rng.randint(-3, 3) if rng.random() < 0.3 else 0
    v["art20_9.centralized_procurement.items"] = int(10 ** rng.uniform(0, 2.7)) if rng.random() < 0.8 else 0
    v["art20_9.centralized_procurement.amount"] = amount_text(rng, unit)
    return v


def gen_art20_2021(rng: random.Random) -> dict:
    v = {}
    for row, scale in (("regulations", 0.5), ("normative_documents", 1.5)):
        issued = int(10 ** rng.uniform(0, scale)) if rng.random() < 0.55 else 0
        v[f"art20_1.{row}.issued"] = issued
        v[f"art20_1.{row}.repealed"] = int(10 ** rng.uniform(0, scale)) if rng.random() < 0.35 else 0
        v[f"art20_1.{row}.in_force"] = issued + (int(10 ** rng.uniform(0, scale + 1)) if rng.random() < 0.7 else 0)
    v["art20_5.administrative_license.decisions"] = big_count(rng)
    v["art20_6.administrative_penalty.decisions"] = big_count(rng)
    v["art20_6.administrative_coercion.decisions"] = big_count(rng, 0.5)
    v["art20_8.administrative_fees.amount_10k_yuan"] = amount_text(rng, "万元")
    return v


def gen_values(rng: random.Random, template: str, procurement_unit: str) -> dict:
    """All field values of a consistent report (amounts as strings)."""
    if template == "2019":
        values = gen_art20_2019(rng, procurement_unit)
    else:
        values = gen_art20_2021(rng)
    values.update(gen_requests(rng, template))
    values.update(gen_appeals(rng))
    return values
