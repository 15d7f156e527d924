from mellea_contribs.langchain import formatters  # noqa: F401
