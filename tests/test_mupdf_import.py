"""The PDF reader imports pymupdf without the layout and LLM add-ons that pymupdf 2 loads."""

import subprocess
import sys


def test_reader_leaves_out_pymupdf_add_ons():
    code = ("import sys, extractor.readers.pdf as r; "
            "print(sorted(m for m in ('pymupdf.layout', 'pymupdf4llm') if sys.modules.get(m) is not None)); "
            "print(r.pymupdf.open().page_count)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "0"]
