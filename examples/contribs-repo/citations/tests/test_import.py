def test_import():
    import mellea_contribs.citations  # noqa: F401
