#pragma once
// The virtual hosts of a configuration as the selector sees them, and httpd's `-S`
// listing of them ("VirtualHost configuration:", vhost.c's dump_vhost_config).

#include <string>
#include <vector>

#include "config/config.h"
#include "http/vhost_select.h"

namespace tern {

// Each <VirtualHost>'s addresses and names, in configuration order.
std::vector<VhostNames> vhost_names(const Config& config);

// httpd's -S output: the "VirtualHost configuration:" listing, then ServerRoot, the main
// DocumentRoot, ErrorLog and PidFile.
std::string dump_vhosts(const Config& config);

}  // namespace tern
