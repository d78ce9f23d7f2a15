"""Training-side tools for the extractor: the labelled-document generator lives here."""
