def test_import():
    import mellea_contribs.dspy  # noqa: F401
