#pragma once
// The setters of the directives that name output filters in other modules' tables:
// core's SetOutputFilter and mod_mime's AddOutputFilter (defined in mod_filter.cpp, which
// keeps what they set in filter_module's per-directory configuration). DEFLATE only.

#include <string>

#include "config/build_state.h"

namespace tern::cfg {

// SetOutputFilter filter[;filter…]: DEFLATE for every response of the scope.
std::string set_output_filter(BuildState& st, const Cmd& c);
// AddOutputFilter filter[;filter…] extension…: DEFLATE for files with these extensions.
std::string add_output_filter(BuildState& st, const Cmd& c);

}  // namespace tern::cfg
