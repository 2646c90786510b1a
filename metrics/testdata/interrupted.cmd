cd metrics && go test -run TestPromGolden -update
# mixed.jsonl cut before the play "dark host": the stream of a run that died there
