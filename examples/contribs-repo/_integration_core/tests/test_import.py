def test_import():
    import mellea_contribs.integration_core  # noqa: F401
