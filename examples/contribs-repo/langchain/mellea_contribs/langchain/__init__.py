"""mellea_contribs.langchain."""
