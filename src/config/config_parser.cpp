#include "config/config_parser.h"

#include <glob.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "config/config_files.h"
#include "config/config_loader.h"
#include "config/config_values.h"
#include "config/directives_vhost.h"
#include "config/edit_distance.h"
#include "config/ignored_directives.h"
#include "modules/registry.h"

namespace tern::cfg {

namespace {

constexpr std::string_view kParserDirectives[] = {"Include",  "IncludeOptional", "Define",
                                                  "UnDefine", "<IfDefine",       "<IfModule"};

// "<Location" -> "<Location>", other names unchanged.
std::string display(std::string_view name) {
  std::string s(name);
  if (!s.empty() && s.front() == '<') s += '>';
  return s;
}

// The first whitespace-delimited word of `s`.
std::string_view first_word(std::string_view s) {
  size_t end = s.find_first_of(" \t");
  return s.substr(0, end);
}

// The first word of physical line `line` (1-based) of `text`, at most 64 bytes, for
// messages about a line that could not be split.
std::string line_word(std::string_view text, int line) {
  size_t pos = 0;
  for (int i = 1; i < line && pos != std::string_view::npos; ++i) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos == std::string_view::npos) return "";
  std::string_view rest = text.substr(pos, 65);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::string_view w = first_word(rest);
  return std::string(w.substr(0, std::min(w.find('\n'), w.find('\0'))));
}

// The error for a configuration above ConfigParser::kMaxTotalBytes.
std::string too_large_message() {
  return "configuration too large (more than " + std::to_string(ConfigParser::kMaxTotalBytes) +
         " bytes in all files)";
}

// Owns a glob_t.
struct GlobResult {
  glob_t g{};
  ~GlobResult() { globfree(&g); }
};

}  // namespace

const std::string* lookup_var(const BuildState& st, std::string_view name, std::string& scratch) {
  auto it = st.vars.find(std::string(name));
  if (it != st.vars.end()) return &it->second;
  const char* env = std::getenv(std::string(name).c_str());
  if (env == nullptr) return nullptr;
  scratch = env;
  return &scratch;
}

bool ConfigParser::fail(const std::string& file, int line, std::string_view directive,
                        std::string_view message) {
  if (aborted_) return false;
  st_.add_error(format_error(file, line, directive, message));
  if (st_.errors.size() >= kMaxErrors) {
    st_.add_error(format_error(file, line, directive,
                               "more than " + std::to_string(kMaxErrors) + " errors; stopping"));
    aborted_ = true;
  }
  return false;
}

bool ConfigParser::abort(const std::string& file, int line, std::string_view directive,
                         std::string_view message) {
  fail(file, line, directive, message);
  aborted_ = true;
  return false;
}

bool ConfigParser::module_allows(const DirectiveSpec& spec, const std::string& file, int line,
                                 std::string_view shown) {
  const Module* m = find_module(ModuleSet::required_module(spec.name, spec.module));
  if (m == nullptr) return true;
  if (!st_.modules.active(*m))
    return fail(file, line, shown,
                "Invalid command '" + std::string(shown) +
                    "', perhaps misspelled or defined by a module not included in the server "
                    "configuration (tern has it in " +
                    std::string(m->name) + ", which no LoadModule line names)");
  st_.modules.note_unrestricted_use(*m, file, line, shown);
  return true;
}

bool ConfigParser::allowed_here(const DirectiveSpec& spec, const std::string& file, int line,
                                std::string_view shown) {
  const unsigned ctx = context();
  if (st_.in_htaccess) {
    // httpd's invoke_cmd: an .htaccess directive needs an AllowOverride class of its own,
    // or its name in AllowOverrideList; inside a section, also that section's context.
    bool listed = false;
    for (const std::string& n : st_.htaccess_override_list)
      listed = listed || iequals(n, spec.name);
    const bool in_section = ctx != kCtxHtaccess;
    if (((spec.overrides & st_.htaccess_allow) == 0 && !listed) ||
        (in_section && (spec.contexts & ctx) == 0))
      return fail(file, line, shown, std::string(shown) + " not allowed here");
    // A directive tern reads only at server level would be dropped here: refused.
    if ((spec.contexts & (kCtxDir | kCtxHtaccess)) == 0)
      return fail(file, line, shown,
                  std::string(shown) + " is not supported by tern in .htaccess files");
    return true;
  }
  if (allowed_in_context(spec.name, spec.contexts, ctx)) return true;
  return fail(file, line, shown, context_error(shown, spec.name));
}

std::string ConfigParser::context_error(std::string_view shown, std::string_view name) const {
  const unsigned ctx = context();
  // A server-wide directive in <VirtualHost>: its handler's ap_check_cmd_context words.
  if (ctx == kCtxVirtualHost && is_global_only(name))
    return std::string(shown) + " cannot occur within <VirtualHost> section";
  // Otherwise httpd's invoke_cmd refuses it before its handler runs, naming the section
  // that holds it (a section by its opening word without '>', as httpd's cmd->name).
  std::string cmd(shown);
  if (cmd.starts_with('<') && cmd.ends_with('>')) cmd.pop_back();
  if (ctx == kCtxServer) return cmd + " not allowed here";
  return cmd + " not allowed in " + enclosing_section() + " context";
}

bool ConfigParser::ignore(const IgnoredDirective& d, const std::string& file, int line,
                          const std::vector<Word>& args) {
  const Module* m = find_module(d.module);
  const DirectiveSpec spec{d.name, d.contexts, d.args, nullptr, d.reason, d.module, kOverrideNone};
  if (m != nullptr && !module_allows(spec, file, line, d.name)) return false;
  if (st_.in_htaccess) return fail(file, line, d.name, std::string(d.name) + " not allowed here");
  if (!allowed_in_context(d.name, d.contexts, context()))
    return fail(file, line, d.name, context_error(d.name, d.name));
  Cmd cmd{std::string(d.name), args, file, line, context()};
  const std::string err = check_args(spec, cmd);
  if (!err.empty()) return fail(file, line, d.name, std::string(d.name) + " " + err);
  if (st_.ignored_warned.insert(std::string(d.name)).second)
    st_.warn({file, line},
             std::string(d.name) + " has no effect in tern: " + std::string(d.reason));
  return true;
}

void ConfigParser::skip_quietly(const std::vector<LogicalLine>& lines, size_t& index) {
  int depth = 1;
  for (size_t j = index + 1; j < lines.size(); ++j) {
    std::string_view t = lines[j].text;
    if (t.starts_with("</")) {
      if (--depth == 0) {
        index = j;
        return;
      }
    } else if (t.starts_with("<")) {
      ++depth;
    }
  }
  index = lines.size();
}

bool ConfigParser::record(std::string (*apply)(BuildState&, const Cmd&), const Cmd& cmd) {
  if (st_.recording < 0) return false;
  st_.vhosts[static_cast<size_t>(st_.recording)].directives.push_back({apply, cmd});
  return true;
}

std::string ConfigParser::enclosing_section() const {
  for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
    if (it->spec != nullptr) return display(it->name);
  }
  return "server config";
}

std::string ConfigParser::unknown_directive_message(std::string_view name) const {
  std::vector<std::string_view> names = directive_names();
  names.insert(names.end(), std::begin(kParserDirectives), std::end(kParserDirectives));
  for (const IgnoredDirective& d : ignored_directives()) names.push_back(d.name);
  std::string msg = "Invalid command '" + shorten(name) +
                    "', perhaps misspelled or defined by a module not included in the server "
                    "configuration";
  std::string best = closest_name(name, names);
  if (!best.empty()) msg += "; did you mean '" + best + "'?";
  return msg;
}

bool ConfigParser::parse_text(std::string_view text, const std::string& name) {
  if (text.size() > bytes_left_) return abort(name, 0, "Include", too_large_message());
  bytes_left_ -= text.size();
  std::vector<LogicalLine> lines;
  int error_line = 0;
  std::string lex_error = split_lines(text, lines, error_line);
  if (!lex_error.empty()) return fail(name, error_line, line_word(text, error_line), lex_error);
  const size_t saved_base = file_base_;
  file_base_ = stack_.size();
  const size_t errors_before = st_.errors.size();
  // Every error is recorded and reading goes on with the next line (a section that could
  // not be opened is skipped whole), so that -t reports them all in one run.
  for (size_t i = 0; !aborted_ && i < lines.size(); ++i) {
    const LogicalLine& l = lines[i];
    std::string expanded, scratch;
    std::string err = substitute_vars(
        l.text, [&](std::string_view v) { return lookup_var(st_, v, scratch); }, expanded);
    if (!err.empty()) {
      fail(name, l.line, first_word(l.text), err);
      if (l.text.starts_with("<") && !l.text.starts_with("</")) skip_quietly(lines, i);
    } else if (expanded.starts_with("</")) {
      handle_close(name, l.line, expanded);
    } else if (expanded.starts_with("<")) {
      const size_t at = i;
      if (!handle_open(name, l.line, expanded, lines, i) && i == at) skip_quietly(lines, i);
    } else {
      handle_directive(name, l.line, expanded);
    }
  }
  if (!aborted_ && stack_.size() > file_base_) {
    const Frame& f = stack_[file_base_];
    fail(f.file, f.line, display(f.name), display(f.name) + " was not closed");
  }
  stack_.resize(std::min(stack_.size(), file_base_));
  file_base_ = saved_base;
  return st_.errors.size() == errors_before;
}

bool ConfigParser::skip_section(const std::string& file, const std::vector<LogicalLine>& lines,
                                size_t open_index, size_t& end_index) {
  const std::string open_name(first_word(lines[open_index].text));
  int depth = 1;
  for (size_t j = open_index + 1; j < lines.size(); ++j) {
    std::string_view t = lines[j].text;
    if (t.starts_with("</")) {
      if (--depth == 0) {
        std::string_view close = t.substr(2);
        close = close.substr(0, close.find_first_of("> \t"));
        if (!iequals(close, std::string_view(open_name).substr(1)))
          return fail(
              file, lines[j].line, "</" + std::string(close) + ">",
              "Expected </" + open_name.substr(1) + "> but saw </" + std::string(close) + ">");
        end_index = j;
        return true;
      }
    } else if (t.starts_with("<")) {
      ++depth;
    }
  }
  return fail(file, lines[open_index].line, open_name + ">", open_name + "> was not closed");
}

bool ConfigParser::handle_open(const std::string& file, int line, std::string_view text,
                               const std::vector<LogicalLine>& lines, size_t& index) {
  std::string_view name = first_word(text);
  if (!name.empty() && name.back() == '>') name.remove_suffix(1);
  if (text.back() != '>') return fail(file, line, display(name), "directive missing closing '>'");
  text.remove_suffix(1);
  std::vector<Word> args;
  std::string err = split_words(text.substr(name.size()), args);
  if (!err.empty()) return fail(file, line, display(name), err);

  const bool if_define = iequals(name, "<IfDefine");
  if (if_define || iequals(name, "<IfModule")) {
    const std::string canonical = if_define ? "<IfDefine" : "<IfModule";
    if (args.size() != 1) return fail(file, line, display(canonical), "takes one argument");
    std::string_view what = args[0].text;
    const bool negate = what.starts_with("!");
    if (negate) what.remove_prefix(1);
    if (what.empty()) return fail(file, line, display(canonical), "missing name");
    bool cond;
    if (if_define) {
      cond = st_.defines.count(std::string(what)) != 0;
    } else {
      cond = st_.modules.if_module(what);
      if (const Module* m = match_module(what))
        st_.modules.note_unrestricted_use(*m, file, line, "<IfModule>");
    }
    if (negate) cond = !cond;
    if (!cond) return skip_section(file, lines, index, index);
    stack_.push_back({canonical, file, line, context(), nullptr});
    return true;
  }

  const DirectiveSpec* spec = find_directive(name);
  if (spec == nullptr || spec->opens == 0) {
    if (is_unsupported_section(name))
      return fail(file, line, display(name), display(name) + " is not supported by tern");
    return fail(file, line, display(name), unknown_directive_message(name));
  }
  if (!module_allows(*spec, file, line, display(spec->name))) return false;
  if (!allowed_here(*spec, file, line, display(spec->name))) return false;
  Cmd cmd{std::string(spec->name), std::move(args), file, line, context()};
  err = check_args(*spec, cmd);
  const bool recorded = err.empty() && record(spec->set, cmd);
  if (err.empty() && !recorded) err = spec->set(st_, cmd);
  if (!err.empty()) return fail(file, line, display(spec->name), err);
  // A <VirtualHost> body is read in the context of its own kind of section.
  const unsigned body = spec->opens;
  stack_.push_back({std::string(spec->name), file, line, body, spec, recorded});
  return true;
}

bool ConfigParser::handle_close(const std::string& file, int line, std::string_view text) {
  std::string_view name = text.substr(2);
  name = name.substr(0, name.find_first_of("> \t"));
  const std::string shown = "</" + std::string(name) + ">";
  if (text.back() != '>') return fail(file, line, shown, "directive missing closing '>'");
  if (stack_.size() <= file_base_)
    return fail(file, line, shown, shown + " without matching <" + std::string(name) + "> section");
  const Frame top = stack_.back();
  if (!iequals(std::string_view(top.name).substr(1), name))
    return fail(file, line, shown, "Expected </" + top.name.substr(1) + "> but saw " + shown);
  stack_.pop_back();
  if (top.spec != nullptr && top.spec->close != nullptr) {
    Cmd cmd{std::string(top.spec->name), {}, top.file, top.line, top.ctx};
    if (top.recorded) {
      record(top.spec->close, cmd);
      return true;
    }
    std::string err = top.spec->close(st_, cmd);
    if (!err.empty()) return fail(top.file, top.line, display(top.name), err);
  }
  return true;
}

bool ConfigParser::handle_directive(const std::string& file, int line, std::string_view text) {
  std::vector<Word> words;
  std::string err = split_words(text, words);
  if (!err.empty()) return fail(file, line, first_word(text), err);
  const std::string name = words.front().text;
  std::vector<Word> args(words.begin() + 1, words.end());

  if (st_.in_htaccess && (iequals(name, "Include") || iequals(name, "IncludeOptional") ||
                          iequals(name, "Define") || iequals(name, "UnDefine")))
    return fail(file, line, name, name + " not allowed here");
  const bool optional = iequals(name, "IncludeOptional");
  if (optional || iequals(name, "Include")) {
    const char* canonical = optional ? "IncludeOptional" : "Include";
    if (args.size() != 1) return fail(file, line, canonical, "takes one argument");
    return include(file, line, canonical, args[0].text, optional);
  }
  if (iequals(name, "Define")) {
    if (args.empty() || args.size() > 2)
      return fail(file, line, "Define", "takes one or two arguments");
    const std::string& var = args[0].text;
    if (var.find(':') != std::string::npos)
      return fail(file, line, "Define", "Variable name must not contain ':'");
    st_.defines.insert(var);
    if (args.size() == 2) st_.vars[var] = args[1].text;
    return true;
  }
  if (iequals(name, "UnDefine")) {
    if (args.size() != 1) return fail(file, line, "UnDefine", "takes one argument");
    st_.defines.erase(args[0].text);
    st_.vars.erase(args[0].text);
    return true;
  }

  if (const IgnoredDirective* ig = find_ignored_directive(name))
    return ignore(*ig, file, line, args);
  const DirectiveSpec* spec = find_directive(name);
  if (spec == nullptr || spec->opens != 0)
    return fail(file, line, name, unknown_directive_message(name));
  if (!module_allows(*spec, file, line, spec->name)) return false;
  if (!allowed_here(*spec, file, line, spec->name)) return false;
  Cmd cmd{std::string(spec->name), std::move(args), file, line, context()};
  err = check_args(*spec, cmd);
  if (!err.empty()) return fail(file, line, spec->name, std::string(spec->name) + " " + err);
  if (record(spec->set, cmd)) return true;
  err = spec->set(st_, cmd);
  if (!err.empty()) return fail(file, line, spec->name, err);
  return true;
}

bool ConfigParser::confined(const std::string& path, const std::string& file, int line,
                            std::string_view directive) {
  const std::string& root = st_.include_root;
  if (root.empty()) return true;
  const bool under = path == root || (path.starts_with(root) && path[root.size()] == '/');
  if (under && path.find("/../") == std::string::npos && !path.ends_with("/..")) return true;
  return fail(file, line, directive, "'" + shorten(path) + "' is outside the include root");
}

bool ConfigParser::count_include(const std::string& file, int line, std::string_view directive) {
  if (++includes_ <= kMaxIncludes) return true;
  return abort(file, line, directive,
               "more than " + std::to_string(kMaxIncludes) +
                   " files and directories included; is there a symbolic link loop?");
}

bool ConfigParser::parse_file(const std::string& path, const std::string& from, int line,
                              std::string_view directive) {
  if (!confined(path, from, line, directive)) return false;
  if (!count_include(from, line, directive)) return false;
  std::string text;
  std::string err = read_text_file(path, text, kMaxFileBytes);
  if (!err.empty()) return fail(from, line, directive, err);
  if (text.size() > bytes_left_) return abort(from, line, directive, too_large_message());
  ++include_depth_;
  const bool ok = parse_text(text, path);
  --include_depth_;
  return ok;
}

bool ConfigParser::include_directory(const std::string& dir, const std::string& file, int line,
                                     std::string_view directive) {
  if (!confined(dir, file, line, directive)) return false;
  if (!count_include(file, line, directive)) return false;
  std::error_code ec;
  std::vector<std::string> entries;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    entries.push_back(e.path().string());
  }
  if (ec)
    return fail(file, line, directive, "could not open directory " + dir + ": " + ec.message());
  std::sort(entries.begin(), entries.end());
  bool ok = true;
  for (const std::string& e : entries) {
    if (aborted_) return false;
    if (is_directory(e)) {
      ok = include(file, line, directive, e, false) && ok;
    } else {
      ok = parse_file(e, file, line, directive) && ok;
    }
  }
  return ok;
}

bool ConfigParser::include(const std::string& file, int line, std::string_view directive,
                           const std::string& pattern, bool optional) {
  if (include_depth_ >= kMaxIncludeDepth)
    return abort(file, line, directive,
                 "Exceeded the maximum include nesting level of " +
                     std::to_string(kMaxIncludeDepth) +
                     ". You probably have a recursion somewhere.");
  const std::string path = resolve_path(st_.server_root, pattern);
  if (!confined(path, file, line, directive)) return false;
  if (path.find_first_of("*?[") == std::string::npos) {
    if (is_directory(path)) {
      ++include_depth_;
      const bool ok = include_directory(path, file, line, directive);
      --include_depth_;
      return ok;
    }
    std::error_code ec;
    if (optional && !std::filesystem::exists(path, ec)) return true;
    return parse_file(path, file, line, directive);
  }
  GlobResult g;
  const int rc = ::glob(path.c_str(), 0, nullptr, &g.g);
  if (rc == GLOB_NOMATCH) {
    if (optional) return true;
    const size_t slash = path.rfind('/');
    return fail(file, line, directive,
                "No matches for the wildcard '" + path.substr(slash + 1) + "' in '" +
                    path.substr(0, slash) + "', failing");
  }
  if (rc != 0) return fail(file, line, directive, "error expanding wildcard '" + path + "'");
  bool ok = true;
  for (size_t i = 0; i < g.g.gl_pathc && !aborted_; ++i) {
    const std::string match = g.g.gl_pathv[i];
    if (is_directory(match)) {
      ++include_depth_;
      ok = include_directory(match, file, line, directive) && ok;
      --include_depth_;
    } else {
      ok = parse_file(match, file, line, directive) && ok;
    }
  }
  return ok && !aborted_;
}

}  // namespace tern::cfg
