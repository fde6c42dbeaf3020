# Writes OUTPUT: a C++ file holding INPUT's text and MODEL's (the model file the rules name), so
# triaged runs its example rules from any folder. Runs at build time, so editing the example or
# retraining its model rebuilds the binary.
file(READ "${INPUT}" text)
file(READ "${MODEL}" model)
foreach(content text model)
  string(FIND "${${content}}" ")triaged_yaml\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} or ${MODEL} contains the raw-string delimiter")
  endif()
endforeach()
# GCC takes string literals of any size, but keeps each raw literal's lines in memory per
# token; one literal per 64 KB keeps that small.
string(LENGTH "${model}" model_length)
set(model_pieces "")
set(offset 0)
while(offset LESS model_length)
  string(SUBSTRING "${model}" ${offset} 65536 piece)
  string(APPEND model_pieces "  out += R\"triaged_yaml(${piece})triaged_yaml\";\n")
  math(EXPR offset "${offset} + 65536")
endwhile()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${SOURCE_NAME} by daemon/embed_rules.cmake; do not edit.\n"
  "#include <string>\n#include <string_view>\nnamespace triaged::daemon {\n"
  "std::string_view embedded_rules_text() { return R\"triaged_yaml(${text})triaged_yaml\"; }\n"
  "const char* embedded_rules_source() { return \"${SOURCE_NAME} (built in)\"; }\n"
  "static std::string model_text() {\n  std::string out;\n${model_pieces}  return out;\n}\n"
  "std::string_view embedded_model_text() { static const std::string text = model_text(); return text; }\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
