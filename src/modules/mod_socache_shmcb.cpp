// socache_shmcb_module (mod_socache_shmcb.c): no directives. httpd's shared object cache
// provider that SSLSessionCache shmcb:path(size) names; tern's shared session cache
// (modules/ssl/session_cache.h) answers to it, so Debian's socache_shmcb.load loads.

#include "modules/module.h"

namespace tern::modules {

extern const Module socache_shmcb_module;  // listed in registry.cpp
const Module socache_shmcb_module{
    .name = "socache_shmcb_module",
    .source = "mod_socache_shmcb.c",
};

}  // namespace tern::modules
