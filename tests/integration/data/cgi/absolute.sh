#!/bin/sh
# An absolute Location without Status: httpd answers 302.
printf "Location: http://example.org/elsewhere\\n\\n"
