package train

import (
	"bytes"
	"strings"
	"testing"
)

func TestLogRoundTrip(t *testing.T) {
	recs := []Record{{Iter: 1, Iters: 1, DLoss: 1.5}, {Iter: 2, Iters: 1, GLoss: 2.25}, {Iter: 3, Iters: 1}}
	var b bytes.Buffer
	if err := WriteLog(&b, recs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLog(bytes.NewReader(append(b.Bytes(), '\n')), "log", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != recs[0] || got[1] != recs[1] {
		t.Errorf("read back %+v", got)
	}
	_, err = ReadLog(strings.NewReader("{\"iter\":1}\nnot json\n"), "log.jsonl", 5)
	if err == nil || !strings.Contains(err.Error(), "log.jsonl:2: not a log record") {
		t.Errorf("got %v", err)
	}
}
