#!/bin/sh
# Prints the query number of lines (default 3), one per second.
printf 'Content-Type: text/plain\n\n'
n=${QUERY_STRING:-3}
i=1
while [ "$i" -le "$n" ]; do echo "line $i"; i=$((i + 1)); [ "$i" -le "$n" ] && sleep 1; done
