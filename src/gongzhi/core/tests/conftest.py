from gongzhi.core.pytest_browser import use_file_sqlite_test_db


def pytest_collection_modifyitems(session, config, items):
    # Worker processes open the test database: it must be a file.
    if any(item.get_closest_marker("processes") for item in items):
        use_file_sqlite_test_db()
