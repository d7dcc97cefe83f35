#!/bin/sh
# bench/cgi_hello.sh — the small CGI script of bench/run.sh's "cgi" part, run by tern
# (ScriptAlias) and by Apache httpd (mod_cgid) alike: a header block, then one line
# made of CGI variables, so the server must build the environment it is measured on.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'hello from %s: %s %s?%s\n' "$GATEWAY_INTERFACE" "$REQUEST_METHOD" "$SCRIPT_NAME" \
  "$QUERY_STRING"
