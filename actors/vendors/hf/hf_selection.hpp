#pragma once

#include <caf/expected.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace hive::hf {

/// The GGUF file(s) of a repository whose name carries the quantisation
/// `tag` (case-insensitive, as a whole word: `Q4_K` is not `Q4_K_M`). Several
/// files are one choice only when they are the parts of one split model
/// (`-00001-of-00003.gguf`). Otherwise `entry_not_found` (none) or
/// `ambiguous_reference` (several), listing what the repository offers.
caf::expected<std::vector<std::string>> select_quant(const std::vector<std::string>& files,
                                                     std::string_view tag);

/// Whether a snapshot takes `path`: it matches one of `include` (or the list
/// is empty) and none of `exclude`; patterns are shell globs as
/// `huggingface_hub` applies them (`*` also crosses `/`).
bool wanted(const std::string& path, const std::vector<std::string>& include,
            const std::vector<std::string>& exclude);

} // namespace hive::hf
