// The rules module reads YAML through the shared strict reader (yamlread/); these names are
// used unqualified all over the module.
#pragma once

#include "yamlread/reader.h"

namespace triaged::rules {

using yamlread::describe;
using yamlread::entry_name;
using yamlread::Entry;
using yamlread::FirstDocument;
using yamlread::join;
using yamlread::load_first_document;
using yamlread::Mapping;
using yamlread::quote;
using yamlread::Reader;
using yamlread::SourceMap;

}  // namespace triaged::rules
