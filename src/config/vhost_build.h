#pragma once
// Builds each <VirtualHost>'s configuration as httpd merges server configs after reading
// every file: a copy of the main server's state with the section's recorded directives
// applied through the same setters (so a directive of the main server after the section
// still reaches the vhost), then httpd's merge rules where they differ from "later wins".
// Internal to src/config.

#include "config/build_state.h"

namespace tern::cfg {

// Fills the defaults of one server (main or vhost) that depend on ServerRoot and folds its
// server-level per-directory settings into a "/" section.
void finish_site(BuildState& st);

// Builds st.cfg.virtual_hosts from st.vhosts (then cleared); errors go to st.errors,
// warnings to st.cfg.warnings. Call once the main server is read, before finish_site(st).
void build_vhosts(BuildState& st);

}  // namespace tern::cfg
