#!/bin/sh
# Reads its request body only after a pause (a script busy before it reads stdin).
sleep 5
n=$(wc -c)
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$n"
