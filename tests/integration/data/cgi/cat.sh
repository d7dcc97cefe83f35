#!/bin/sh
# Echoes the request body byte for byte, with no length (the response is chunked).
printf 'Content-Type: application/octet-stream\n\n'
exec cat
