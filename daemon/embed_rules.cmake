# Writes OUTPUT: a C++ file holding INPUT's text, so triaged runs its example rules from any
# folder. Runs at build time, so editing the example rebuilds the binary.
file(READ "${INPUT}" text)
string(FIND "${text}" ")triaged_yaml\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${SOURCE_NAME} by daemon/embed_rules.cmake; do not edit.\n"
  "#include <string_view>\nnamespace triaged::daemon {\n"
  "std::string_view embedded_rules_text() { return R\"triaged_yaml(${text})triaged_yaml\"; }\n"
  "const char* embedded_rules_source() { return \"${SOURCE_NAME} (built in)\"; }\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
