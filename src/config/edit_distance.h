#pragma once
// Nearest-name suggestions for misspelled directives.

#include <string>
#include <string_view>
#include <vector>

namespace tern::cfg {

// Levenshtein distance between `a` and `b`, ignoring ASCII case.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a likely typo, else "";
// candidates whose length differs too much are skipped, so a huge `word` costs O(1).
std::string closest_name(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace tern::cfg
