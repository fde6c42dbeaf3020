# Catch2 v2 reads a test name given on its command line as a test spec: a comma splits it,
# and * ~ ! [ ] \ " are special. catch_discover_tests passes names verbatim, so such a test
# would match nothing under ctest and still "pass". Fail loudly instead.
execute_process(COMMAND ${EXE} --list-test-names-only OUTPUT_VARIABLE names RESULT_VARIABLE rc)
if(NOT names)
  message(FATAL_ERROR "${EXE} --list-test-names-only listed nothing (exit ${rc})")
endif()
string(REPLACE "\n" ";" names "${names}")
set(bad "")
foreach(name IN LISTS names)
  if(name MATCHES "[],*~![\\\\\"]")
    list(APPEND bad "${name}")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n  " bad)
  message(FATAL_ERROR "test names ctest cannot select (remove , * ~ ! [ ] \\ \"):\n  ${bad}")
endif()
