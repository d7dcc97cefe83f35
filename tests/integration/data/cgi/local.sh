#!/bin/sh
# A local redirect: httpd answers with the target, fetched by an internal GET.
printf "Location: /target.txt?from=cgi\\n\\n"
echo "this output is discarded"
