#!/bin/sh
# Body only, no header block.
echo "hello without headers"
