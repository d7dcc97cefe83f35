#include "http/mime_table.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include "http/char_class.h"

namespace tern {

namespace {

constexpr std::pair<const char*, const char*> kBuiltIn[] = {
    {"html", "text/html"},
    {"htm", "text/html"},
    {"shtml", "text/html"},
    {"css", "text/css"},
    {"js", "text/javascript"},
    {"mjs", "text/javascript"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain"},
    {"text", "text/plain"},
    {"csv", "text/csv"},
    {"md", "text/markdown"},
    {"xml", "application/xml"},
    {"xsl", "application/xml"},
    {"rss", "application/rss+xml"},
    {"atom", "application/atom+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"jpe", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"svgz", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"ogv", "video/ogg"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"oga", "audio/ogg"},
    {"wav", "audio/x-wav"},
    {"flac", "audio/flac"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"bin", "application/octet-stream"},
    {"wsdl", "application/wsdl+xml"},
    {"xhtml", "application/xhtml+xml"},
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

}  // namespace

void MimeTable::set(std::string_view ext, std::string_view type) {
  std::string key(ext);
  chars::lower_in_place(key);
  types_.insert_or_assign(std::move(key), std::string(type));
}

MimeTable MimeTable::built_in(const std::map<std::string, std::string>& add_types) {
  MimeTable t;
  for (const auto& [ext, type] : kBuiltIn) t.set(ext, type);
  for (const auto& [ext, type] : add_types) t.set(ext, type);
  return t;
}

MimeTable MimeTable::from_text(std::string_view text,
                               const std::map<std::string, std::string>& add_types) {
  MimeTable t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    // Split into whitespace-separated words: first the type, then extensions.
    std::string_view type;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_space(line[i])) ++i;
      size_t start = i;
      while (i < line.size() && !is_space(line[i])) ++i;
      if (start == i) break;
      std::string_view word = line.substr(start, i - start);
      if (type.empty()) {
        type = word;
      } else {
        if (word.front() == '.') word.remove_prefix(1);
        if (!word.empty()) t.set(word, type);
      }
    }
  }
  for (const auto& [ext, type] : add_types) t.set(ext, type);
  return t;
}

std::optional<MimeTable> MimeTable::load(const std::string& types_config,
                                         const std::map<std::string, std::string>& add_types,
                                         std::string* error) {
  if (types_config.empty()) return built_in(add_types);
  std::ifstream in(types_config, std::ios::binary);
  if (!in) {
    if (error) *error = "TypesConfig: cannot open " + types_config;
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    if (error) *error = "TypesConfig: cannot read " + types_config;
    return std::nullopt;
  }
  return from_text(ss.str(), add_types);
}

std::string_view MimeTable::lookup(std::string_view file_path) const {
  size_t slash = file_path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? file_path : file_path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return {};
  return lookup_extension(name.substr(dot + 1));
}

std::string_view MimeTable::lookup_extension(std::string_view ext) const {
  // Any length: mime.types may name a long extension.
  std::array<char, 32> buf;
  std::string long_key;
  return lookup_lower_extension(chars::lower_into(ext, buf, long_key));
}

std::string_view MimeTable::lookup_lower_extension(std::string_view lower_ext) const {
  auto it = types_.find(lower_ext);
  return it == types_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace tern
