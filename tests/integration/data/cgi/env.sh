#!/bin/sh
# Headers, then the environment, then the request body (CONTENT_LENGTH bytes).
printf 'Content-Type: text/plain\r\nX-Script: env\r\n\r\n'
env
if [ -n "$CONTENT_LENGTH" ]; then printf 'BODY='; head -c "$CONTENT_LENGTH"; echo; fi
