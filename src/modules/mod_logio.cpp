// logio_module (mod_logio.c): the bytes received and sent on the connection, for the log
// formats %I, %O and %S (tern's log formats count them, src/log/log_format.cpp). No
// directives; httpd links it statically, so it is active with or without LoadModule.

#include "modules/module.h"

namespace tern::modules {

extern const Module logio_module;  // listed in registry.cpp
const Module logio_module{
    .name = "logio_module",
    .source = "mod_logio.c",
};

}  // namespace tern::modules
