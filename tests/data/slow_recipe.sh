#!/bin/sh
# A slow "build" for build_recipe_test: shows [ n%] progress while its output
# grows, and leaves a background child in its process group, whose pid (and
# its own) it writes down so that the test can check nothing survives a cancel.
echo $$ > script.pid
sleep 300 &
echo $! > sleeper.pid
i=0
while [ $i -lt 100 ]; do
  i=$((i + 5))
  echo "[ $i%] step $i"
  printf 'partial' >> partial.bin
  sleep 0.5
done
