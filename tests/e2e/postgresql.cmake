# The end-to-end cases that need PostgreSQL (tagged [postgresql]: several nodes on one
# database) registered a second time, as "e2e on postgresql: <name>", against the throw-away
# server of the storage suite's fixture (tests/storage/postgresql.cmake). In the plain e2e pass
# they have no server and say they were skipped.
# A fresh schema per test, as the storage suite makes them.
target_sources(e2e_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../storage/pg_test_database.cpp)
target_link_libraries(e2e_tests PRIVATE storage_pg PostgreSQL::PostgreSQL SQLite::SQLite3)
target_compile_definitions(e2e_tests PRIVATE TRIAGED_TEST_POSTGRES)
catch_discover_tests(e2e_tests
  TEST_PREFIX "e2e on postgresql: "
  TEST_SPEC "[postgresql]"
  # Also keeps its discovery files apart from the plain pass's (Catch.cmake names them by
  # TEST_SPEC and EXTRA_ARGS only).
  EXTRA_ARGS --use-colour no
  PROPERTIES FIXTURES_REQUIRED postgresql LABELS postgresql
             ENVIRONMENT "TRIAGED_TEST_PG_URL_FILE=${CMAKE_BINARY_DIR}/pg-test-server/url"
             SKIP_REGULAR_EXPRESSION "triaged-test-skipped:")
