#!/bin/sh
# A line that is not a header.
echo "<html>garbage</html>"
echo
echo body
