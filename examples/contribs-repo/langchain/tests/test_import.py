def test_import():
    import mellea_contribs.langchain  # noqa: F401
