# The storage suite against PostgreSQL (issue 20): storage_tests registered a second time, as
# "storage on postgresql: <name>", with TRIAGED_TEST_PG_URL_FILE pointing at a throw-away
# server that the fixture below starts before the first of them and stops after the last
# (scripts/pg-test-server). ctest -R 'storage on postgresql' starts and stops it too.
target_sources(storage_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR}/pg_test_database.cpp)
target_link_libraries(storage_tests PRIVATE storage_pg PostgreSQL::PostgreSQL)
target_compile_definitions(storage_tests PRIVATE TRIAGED_TEST_POSTGRES)

set(pg_test_state ${CMAKE_BINARY_DIR}/pg-test-server)
add_test(NAME "postgresql: start the throw-away test server"
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-server start ${pg_test_state})
set_tests_properties("postgresql: start the throw-away test server" PROPERTIES FIXTURES_SETUP postgresql TIMEOUT 120)
add_test(NAME "postgresql: stop the test server"
         COMMAND ${PROJECT_SOURCE_DIR}/scripts/pg-test-server stop ${pg_test_state})
set_tests_properties("postgresql: stop the test server" PROPERTIES FIXTURES_CLEANUP postgresql TIMEOUT 60)

# Every storage test runs on PostgreSQL except these, each for the reason beside it. The one
# place tests leave the PostgreSQL run: nothing else skips them.
include(${CMAKE_CURRENT_LIST_DIR}/postgresql_exclusions.cmake)
set(pg_spec "")
foreach(name IN LISTS pg_sqlite_only pg_not_yet)
  list(APPEND pg_spec "~${name}")
endforeach()

catch_discover_tests(storage_tests
  TEST_PREFIX "storage on postgresql: "
  TEST_SPEC ${pg_spec}
  # Also keeps its discovery files apart from the SQLite run's (Catch.cmake names them by
  # TEST_SPEC and EXTRA_ARGS only).
  EXTRA_ARGS --use-colour no
  PROPERTIES FIXTURES_REQUIRED postgresql LABELS postgresql
             ENVIRONMENT "TRIAGED_TEST_PG_URL_FILE=${pg_test_state}/url"
             SKIP_REGULAR_EXPRESSION "triaged-test-skipped:")
