#!/bin/sh
# Answers the status given as the query (e.g. ?404), with a body.
printf "Status: %s Custom\\nContent-Type: text/plain\\nX-Status: %s\\n\\n" "$QUERY_STRING" "$QUERY_STRING"
echo "status $QUERY_STRING"
