"""Web-crawler text: each table on one line, digits of adjacent cells run together.
Only the form's arithmetic can split them; an unsettled split goes to review, never ok."""

from __future__ import annotations

from pathlib import Path

from extractor.pipeline import extract

from .conftest import SEEDS, truth_for

VARIANT = Path(__file__).parent / "data" / "variants" / "001_crawler.txt"


def test_crawler_text_splits_by_the_rules_and_reviews_the_rest():
    truth = truth_for(SEEDS / "001_29ee529a4ac3a460.txt")["fields"]
    result = extract(VARIANT)
    fields = result["fields"]
    wrong = {f: (v, fields[f]["value"]) for f, v in truth.items() if fields[f]["value"] != v}
    assert not wrong
    # 行政规范性文件 "3511" has three readings (3 5 11, 3 51 1, 35 1 1): review, not ok
    for col in ("issued", "repealed", "in_force"):
        assert fields[f"art20_1.normative_documents.{col}"]["status"] == "review"
    # the requests rows are settled by the row rule and confirmed by the column rules
    assert fields["requests.granted.natural_person"]["status"] == "ok"
    assert "split from" in fields["requests.granted.natural_person"]["source"]["note"]
    assert fields["appeals.litigation_direct.total"]["value"] == 5
