"""Bad input: a clear one-line error and a non-zero exit, or a result with no template and
a reason. Never a traceback, never an invented number."""

from __future__ import annotations

import json
import os

from typer.testing import CliRunner

from extractor.cli import app

from .conftest import SEEDS, truth_for

runner = CliRunner()


def run(path, *options):
    return runner.invoke(app, ["extract", str(path), *options])


def one_line_error(res, *words):
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in res.output
    for w in words:
        assert w in err


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    one_line_error(run(p), "empty")


def test_whitespace_only_file(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_text("  \n\n \n")
    one_line_error(run(p), "empty")


def test_binary_garbage(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes(bytes(range(256)) * 64 + os.urandom(4096))
    one_line_error(run(p))


def test_huge_file(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.write("政府信息公开\n".encode())
        f.truncate(25 * 2**20)
    one_line_error(run(p), "too large")


def test_missing_file_and_folder(tmp_path):
    one_line_error(run(tmp_path / "nope.txt"), "no such file")
    one_line_error(run(tmp_path), "folder")


def test_damaged_image_renamed_to_txt(tmp_path):
    """Judged an image by its bytes, not its name, and refused as a damaged one."""
    p = tmp_path / "scan.txt"
    p.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 2000)
    one_line_error(run(p), "not a readable image")


def test_image_without_ocr(tmp_path):
    p = tmp_path / "scan.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    one_line_error(run(p, "--no-ocr"), "OCR")


def test_zip_archive(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    one_line_error(run(p), "ZIP")


def test_non_report_gets_no_template_and_a_reason(tmp_path):
    p = tmp_path / "news.txt"
    p.write_text("今天天气很好。\n市政府召开常务会议，研究部署下一阶段工作。\n会议指出，要加强统筹。\n", encoding="utf-8")
    res = run(p)
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["template"] is None and out["fields"] == {}
    assert out["document"]["template_reason"]


def test_pre_2019_report_is_not_forced_into_a_template(tmp_path):
    p = tmp_path / "old.txt"
    p.write_text("XX市人民政府2015年政府信息公开工作年度报告\n一、概述\n"
                 "本年新收政府信息公开申请数量\t3\n予以公开\t2\n属于国家秘密\t0\n结转下年度继续办理\t1\n",
                 encoding="utf-8")
    out = json.loads(run(p).stdout)
    assert out["template"] is None and "2015" in out["document"]["template_reason"]


def test_truncated_report_invents_nothing(tmp_path):
    seed = SEEDS / "001_29ee529a4ac3a460.txt"
    text = seed.read_text(encoding="utf-8")
    cut = text.index("4.保护第三方合法权益")
    p = tmp_path / "cut.txt"
    p.write_text(text[:cut], encoding="utf-8")
    out = json.loads(run(p).stdout)
    truth = truth_for(seed)["fields"]
    assert out["fields"]["requests.denied.state_secret.total"]["value"] == 0
    for fid in ("requests.denied.third_party_rights.total", "requests.total.total", "appeals.review.total"):
        assert out["fields"][fid]["value"] in (None, truth[fid])
        assert out["fields"][fid]["status"] != "ok" or out["fields"][fid]["value"] == truth[fid]


def test_other_encodings_give_the_same_values(tmp_path):
    seed = SEEDS / "003_94a1ddae1680c43d.txt"
    text = seed.read_text(encoding="utf-8")
    base = json.loads(run(seed).stdout)["fields"]
    for enc in ("gb18030", "utf-16", "utf-8-sig"):
        p = tmp_path / f"seed.{enc}.txt"
        p.write_bytes(text.encode(enc))
        out = json.loads(run(p).stdout)
        assert {k: v["value"] for k, v in out["fields"].items()} == {k: v["value"] for k, v in base.items()}, enc


def test_bad_setting_is_named(tmp_path):
    res = runner.invoke(app, ["extract", str(SEEDS / "003_94a1ddae1680c43d.txt"), "--review-threshold", "1.5"])
    one_line_error(res, "review_threshold")
