"""extractor: tables of 政府信息公开工作年度报告 as fields with confidence and provenance."""

__version__ = "0.1.0"
