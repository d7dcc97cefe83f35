#!/bin/sh
# Records its pid in pids/<query>, then never writes (the pid stays: exec).
echo $$ > "pids/${QUERY_STRING:-silent}"
exec sleep 300
