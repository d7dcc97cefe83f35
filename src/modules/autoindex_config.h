#pragma once
// autoindex_module's per-directory configuration (httpd's autoindex_config_rec) and
// its merge (merge_autoindex_configs).

#include <optional>
#include <string>
#include <vector>

#include "modules/module.h"

namespace tern::autoindex {

// IndexOptions bits, httpd's values.
enum IndexOption : unsigned {
  kNoOptions = 1u << 0,
  kIconsAreLinks = 1u << 1,
  kScanHtmlTitles = 1u << 2,
  kSuppressIcon = 1u << 3,
  kSuppressLastMod = 1u << 4,
  kSuppressSize = 1u << 5,
  kSuppressDesc = 1u << 6,
  kSuppressPreamble = 1u << 7,
  kSuppressColSort = 1u << 8,
  kSuppressRules = 1u << 9,
  kFoldersFirst = 1u << 10,
  kVersionSort = 1u << 11,
  kTrackModified = 1u << 12,
  kFancyIndexing = 1u << 13,
  kTableIndexing = 1u << 14,
  kIgnoreClient = 1u << 15,
  kIgnoreCase = 1u << 16,
  kEmitXhtml = 1u << 17,
  kShowForbidden = 1u << 18,
  kAddAltClass = 1u << 19,
  kOptionUnset = 1u << 20,
};

// NameWidth / DescriptionWidth: a number, `*` (adjust to the longest), or unset.
enum class Adjust { kNoAdjust, kAdjust, kUnset };

inline constexpr int kDefaultIconWidth = 20;
inline constexpr int kDefaultIconHeight = 22;
inline constexpr int kDefaultNameWidth = 23;
inline constexpr int kDefaultDescWidth = 23;

// One AddIcon*/AddAlt*/IndexIgnore entry (httpd's struct item).
struct Item {
  enum class By { kPath, kType, kEncoding, kNone } by = By::kNone;
  std::string apply_to;    // the pattern (ap_strcmp_match wildcards)
  std::string apply_path;  // the section's path + "*" (the entry applies below it)
  std::string data;        // the icon URL or the alt text
};

// One AddDescription (httpd's ai_desc_t).
struct Description {
  std::string pattern;
  std::string description;
  bool full_path = false;  // the pattern has a '/': matched against the full path
  bool wildcards = false;  // fnmatch, else a substring test
};

// What one scope's autoindex directives set.
struct AutoindexDirConfig final : ModuleConfig {
  std::optional<std::string> default_icon, style_sheet, head_insert, header, readme;
  std::optional<std::string> ctype, charset, datetime_format;
  unsigned opts = kOptionUnset;
  unsigned incremented_opts = 0;
  unsigned decremented_opts = 0;
  int name_width = kDefaultNameWidth;
  Adjust name_adjust = Adjust::kUnset;
  int desc_width = kDefaultDescWidth;
  Adjust desc_adjust = Adjust::kUnset;
  int icon_width = 0;
  int icon_height = 0;
  char default_keyid = 0;      // 'N', 'M', 'S', 'D' or unset
  char default_direction = 0;  // 'A', 'D' or unset
  std::vector<Item> icon_list, alt_list, ign_list;
  std::vector<Description> desc_list;
  bool ign_noinherit = false;
  // httpd's merge_autoindex_configs(this, add).
  std::unique_ptr<ModuleConfig> merge(const ModuleConfig& add) const override;
};

// The merged configuration in effect (null when no scope sets any autoindex directive).
const AutoindexDirConfig* autoindex_config(const DirConfigs& dir);

}  // namespace tern::autoindex
